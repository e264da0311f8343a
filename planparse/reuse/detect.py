"""``find_duplicates``: copy-paste between plans, at the largest unit that was copied.

Examples:
    >>> import planparse
    >>> body = "一、组织开展妇女技能培训，全年举办家政、电商、手工编织培训班十期，培训妇女五百人次，推荐就业一百人，跟踪服务到岗。\\n"
    >>> texts = {"a.txt": "甲社区2019年工作计划\\n" + body, "b.txt": "乙社区2020年工作计划\\n" + body}
    >>> import pandas as pd
    >>> items = pd.concat([planparse.parse(t, d).to_frame() for d, t in texts.items()],
    ...                   ignore_index=True)
    >>> pairs = find_duplicates(items, texts=texts)
    >>> pairs[["a_doc", "b_doc", "unit", "source"]].values.tolist()
    [['a.txt', 'b.txt', 'plan', 'a.txt#1']]
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from planparse.reuse.compare import compare_docs
from planparse.reuse.fingerprint import K, phrase_codes
from planparse.reuse.passages import GAP, Q
from planparse.reuse.store import Chunk, UnitStore, store_fingerprints
from planparse.reuse.units import LEVELS
from planparse.schema import PAIRS
from planparse.workers import Workers, map_in_processes

if TYPE_CHECKING:
    import pandas as pd

#: Output columns of :func:`find_duplicates`, in order (:data:`planparse.schema.PAIRS`).
PAIR_COLUMNS = PAIRS.names


@dataclass(frozen=True)
class Settings:
    """Parameters of one search (see :func:`find_duplicates`)."""

    #: A passage must stay at least this identical (shared characters over the longer side)
    #: as its pieces are chained; it is reported when its similarity or its containment
    #: reaches it.
    threshold: float = 0.4
    min_chars: int = 30
    #: A window found in more files than this is boilerplate, whatever the archive's size.
    max_bucket: int = 50
    boilerplate_share: float = 0.2
    boilerplate_min_plans: int = 5
    #: A copy shorter than this many letters and digits is a shared formula, not reuse
    #: (the ritual "现在，我代表…向大会报告工作，请予审议" of every report is 30–45).  Every
    #: shared run of this length outside boilerplate is found (winnowing's guarantee).
    min_copy: int = 50
    #: Every run of this many letters and digits shared character for character makes its
    #: two files a candidate pair (winnowing's guarantee; ``None``: ``min_copy``).  25 also
    #: finds every copy of ``min_copy`` characters with one changed character in each 50,
    #: at 15-50% more time (docs/reuse.md).
    min_run: int | None = None

    def __post_init__(self) -> None:
        if self.min_run is not None and not K < self.min_run <= self.min_copy:
            raise ValueError(
                f"min_run must be above {K} (the fingerprint window) and at most min_copy "
                f"({self.min_copy}), not {self.min_run}"
            )

    @property
    def guaranteed_run(self) -> int:
        """The shared run that always makes a candidate pair."""
        return self.min_run or self.min_copy
    #: Exact pieces of a passage are at least this long ...
    seed_chars: int = Q
    #: ... with at most this many characters between two of them on each side.
    gap: int = GAP


def stock_phrases(extra: Iterable[str] = ()) -> list[str]:
    """The shipped 套话 list (``planparse/data/taohua.txt``) plus ``extra``."""
    text = files("planparse.data").joinpath("taohua.txt").read_text(encoding="utf-8")
    shipped = [
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]
    return shipped + [p for p in extra if p.strip()]


def frequent_hashes(hashes: np.ndarray, docs: np.ndarray, floor: float) -> np.ndarray:
    """The fingerprint hashes found in at least ``floor`` files (sorted).

    Examples:
        >>> frequent_hashes(np.array([7, 7, 7, 9], np.uint64), np.array([0, 1, 1, 2]), 2).tolist()
        [7]
    """
    order = np.lexsort((docs, hashes))
    hashes, docs = hashes[order], docs[order]
    first = np.ones(len(hashes), bool)  # the first of each distinct (hash, file)
    first[1:] = (hashes[1:] != hashes[:-1]) | (docs[1:] != docs[:-1])
    values, counts = np.unique(hashes[first], return_counts=True)
    return values[counts >= floor]


def candidate_files(
    hashes: np.ndarray, docs: np.ndarray, frequent: np.ndarray, max_bucket: int
) -> tuple[np.ndarray, int]:
    """Pairs of global file numbers ``(i, j)``, ``i <= j``, that share a fingerprint outside
    ``frequent`` (``i == j``: a fingerprint twice in one file), and how many fingerprints
    stood more than ``2 * max_bucket`` times (left out).

    Examples:
        >>> found, _ = candidate_files(np.array([5, 5, 6, 6], np.uint64), np.array([0, 2, 1, 1]),
        ...                            np.empty(0, np.uint64), 50)
        >>> found.tolist()
        [[0, 2], [1, 1]]
    """
    keep = ~np.isin(hashes, frequent)
    pairs, skipped = bucket_pairs(hashes[keep], np.flatnonzero(keep), 2 * max_bucket)
    files = np.sort(docs[pairs], axis=1) if len(pairs) else np.empty((0, 2), np.int64)
    # one number per pair, in the same order (np.unique over rows was slower)
    size = int(docs.max()) + 1 if len(docs) else 1
    codes = np.unique(files[:, 0] * size + files[:, 1])
    return np.stack((codes // size, codes % size), axis=1).astype(np.int64), skipped


def bucket_pairs(keys: np.ndarray, units: np.ndarray, max_bucket: int) -> tuple[np.ndarray, int]:
    """Pairs ``(i, j)``, ``i < j``, of ``units`` with equal ``keys``, and how many buckets
    were skipped for holding more than ``max_bucket`` units.

    Buckets of one size are paired together in numpy (a loop over buckets was the cost).

    Examples:
        >>> keys = np.array([7, 9, 7, 7], np.uint64)
        >>> bucket_pairs(keys, np.array([10, 11, 12, 13]), 50)[0].tolist()
        [[10, 12], [10, 13], [12, 13]]
    """
    order = np.argsort(keys, kind="stable")
    edges = np.flatnonzero(np.diff(keys[order])) + 1
    bounds = np.concatenate(([0], edges, [len(order)]))
    starts, sizes = bounds[:-1], np.diff(bounds)
    pairs = [np.empty((0, 2), dtype=np.int64)]
    for size in np.unique(sizes[(sizes >= 2) & (sizes <= max_bucket)]).tolist():
        lo = starts[sizes == size]
        members = np.sort(units[order[lo[:, None] + np.arange(size)]], axis=1)
        i, j = np.triu_indices(size, k=1)
        pairs.append(np.stack((members[:, i].ravel(), members[:, j].ravel()), axis=1))
    return np.concatenate(pairs).astype(np.int64), int((sizes > max_bucket).sum())


class _Search:
    """One search over the files of a :class:`UnitStore`: winnowed fingerprints, candidate
    pairs of files, and their shared passages."""

    def __init__(
        self,
        store: UnitStore,
        settings: Settings,
        phrases: Sequence[str],
        client: Any = None,
        jobs: int = 1,
        pool: Workers | None = None,
    ) -> None:
        self.store, self.settings, self.client = store, settings, client
        self.jobs, self.pool = jobs, pool
        self.index = store.index()
        w = settings.guaranteed_run - K + 1
        paths = [c.path for c in store.chunks]
        coded = phrase_codes(phrases)
        found = self.map(
            store_fingerprints, paths, [coded] * len(paths), [w] * len(paths), [K] * len(paths)
        )
        firsts = self.index.doc_firsts[:-1]
        hashes = np.concatenate([np.empty(0, np.uint64)] + [f[0] for f in found])
        docs = np.concatenate([np.empty(0, np.int64)] + [f[1] + n for f, n in zip(found, firsts)])
        plans = store.count("plan")
        floor = max(settings.boilerplate_min_plans, settings.boilerplate_share * plans)
        self.frequent = frequent_hashes(hashes, docs, min(floor, settings.max_bucket + 1))
        self.pairs, self.skipped_buckets = candidate_files(
            hashes, docs, self.frequent, settings.max_bucket
        )

    def map(self, function: Any, *arguments: Sequence) -> list:
        """``function`` over the arguments, in order: on the Dask cluster, in processes, or
        here.  (On a cluster the workers must see the store's folder.)"""
        if self.client is not None:
            from planparse.integrations.dask_engine import map_on_cluster

            return map_on_cluster(self.client, function, *arguments)
        return map_in_processes(function, *arguments, jobs=self.jobs, pool=self.pool)

    def rows(self, level: str) -> list[dict]:
        """The rows of every shared passage of the candidate files, ``level`` being
        ``"auto"`` or the unit level compared."""
        lengths = self.index.doc_lengths()
        parts = 4 * self.jobs if self.client is None else 4 * _workers(self.client)
        batches = verify_batches(self.pairs, lengths, parts)
        constant = (self.index, level, self.frequent, self.settings)
        parts = self.map(compare_docs, batches, *([c] * len(batches) for c in constant))
        return [row for part in parts for row in part]


def _workers(client: Any) -> int:
    """How many workers a Dask cluster has (1 when it cannot tell)."""
    try:
        return max(1, len(client.scheduler_info().get("workers", {})))
    except Exception:  # noqa: BLE001 - a client without scheduler information: one batch a worker
        return 1


#: At most this many candidate pairs of files per comparison task ...
VERIFY_BATCH = 1024
#: ... and about this many characters of their files.
VERIFY_CHARS = 2_000_000


def verify_batches(pairs: np.ndarray, lengths: np.ndarray, parts: int = 1) -> list[np.ndarray]:
    """The candidate pairs, in order, cut into comparison batches of at most
    :data:`VERIFY_BATCH` pairs and about :data:`VERIFY_CHARS` characters
    (``lengths``: each file's), and into ``parts`` batches at least when there are enough
    pairs (so that every process has work: the rows do not depend on the cuts).

    Examples:
        >>> pairs = np.array([[0, 1], [0, 2], [1, 2]])
        >>> [len(b) for b in verify_batches(pairs, np.array([1_500_000, 10, 10]))]
        [1, 2]
        >>> [len(b) for b in verify_batches(pairs, np.array([10, 10, 10]), parts=2)]
        [2, 1]
    """
    cost = lengths[pairs].sum(axis=1).tolist() if len(pairs) else []
    most = min(VERIFY_BATCH, -(-len(cost) // max(parts, 1)))
    cuts, total = [0], 0
    for n, chars in enumerate(cost):
        if n > cuts[-1] and (n - cuts[-1] >= most or total + chars > VERIFY_CHARS):
            cuts.append(n)
            total = 0
        total += chars
    cuts.append(len(cost))
    return [pairs[lo:hi] for lo, hi in pairwise(cuts)]


def _texts_of(texts: Mapping[str, str] | str | os.PathLike | Iterable | None) -> Mapping[str, str]:
    """``texts`` as ``{doc_id: text}``: given so, or read from the files and folders given
    to :func:`planparse.parse_files`."""
    if texts is None:
        raise ValueError(
            "find_duplicates needs the original texts to report offsets: pass "
            "texts={doc_id: text}, or texts=the files and folders given to parse_files"
        )
    if isinstance(texts, Mapping):
        return texts
    from planparse.io.read import read_texts

    return read_texts(texts)


def find_duplicates(
    items: pd.DataFrame,
    unit: str = "auto",
    threshold: float = 0.4,
    texts: Mapping[str, str] | str | os.PathLike | Iterable | None = None,
    meta: pd.DataFrame | None = None,
    simplified: bool = True,
    stock: Iterable[str] = (),
    client: Any = None,
    n_jobs: int = 1,
    **options: Any,
) -> pd.DataFrame:
    """Shared passages between plans (and repeated inside one), one row per passage
    (columns: :data:`PAIR_COLUMNS`); passages shared only through site boilerplate are in
    ``pairs.attrs["boilerplate"]``, shown, never counted as copying.

    Every passage of at least ``min_copy`` (50) letters and digits that two files share
    character for character, outside stock phrases and boilerplate, is found (winnowed
    fingerprints: no random seed, whatever its share of either unit); ``min_run=25`` also
    finds every copy with one changed character in each 50.  Pieces of a copy
    with small edits between them are chained into one passage across paragraph and item
    boundaries; a passage is reported when its similarity (the identical share) or its
    containment (its share of the smaller unit) reaches ``threshold`` and it has at least
    ``min_copy`` own shared characters.  ``unit`` is ``"auto"`` (default: passages within a
    plan, named by the smallest unit holding them) or ``"plan"``, ``"section"``, ``"item"``
    (passages within one unit of that level).  Offsets are into each side's original file;
    ``texts`` maps ``doc_id`` to that text, or is the files and folders the table was
    parsed from (read again with :func:`planparse.io.read.read_texts`).  ``meta`` (``doc_id``, ``plan_no``, ``year``) dates the plans; otherwise a
    year in the title is used.  ``simplified`` (default) compares Traditional and Simplified
    script alike; ``stock`` adds 套话 to the shipped list.  ``client`` (a
    ``distributed.Client``) runs the per-chunk and per-batch work on a Dask cluster and
    ``n_jobs`` in that many processes, with the same result.  Further ``options`` are the
    fields of :class:`Settings`.

    Examples:
        >>> import pandas as pd, planparse
        >>> body = ("一、促进妇女就业\\n开展妇女技能培训，帮助农村妇女掌握家政服务和电子商务技能，"
        ...         "推动妇女居家灵活就业，全年培训三百人次以上。\\n")
        >>> texts = {"a.txt": "甲县妇联工作计划\\n" + body, "b.txt": "乙县妇联工作计划\\n" + body}
        >>> items = pd.concat([planparse.parse(t, doc_id=d).to_frame() for d, t in texts.items()])
        >>> pairs = planparse.find_duplicates(items, texts=texts)
        >>> pairs[["a_doc", "b_doc", "unit", "similarity"]].values.tolist()
        [['a.txt', 'b.txt', 'plan', 1.0]]
    """
    return find_duplicates_by_chunk(
        table_chunks(items, _texts_of(texts)),
        unit,
        threshold,
        meta,
        simplified,
        stock,
        n_jobs,
        client=client,
        **options,
    )


#: Files per chunk when :func:`find_duplicates` cuts a table for its search (each chunk is
#: stored as a few files and read back by every comparison batch that needs one of its
#: files: 256 took 12% less time than 64 on 10,000 short plans) ...
CHUNK_FILES = 256
#: ... and characters at most (a chunk's units and matching text are held while it is
#: stored: this bounds that memory for long reports).
CHUNK_CHARS = 4_000_000


def table_chunks(
    items: pd.DataFrame,
    texts: Mapping[str, str],
    size: int = CHUNK_FILES,
    chars: int = CHUNK_CHARS,
) -> list[tuple[pd.DataFrame, dict[str, str]]]:
    """The table cut into chunks of ``size`` whole files (fewer when they would pass
    ``chars`` characters), in table order, with their texts.

    Examples:
        >>> import pandas as pd
        >>> items = pd.DataFrame({"doc_id": ["a", "a", "b", "c"]})
        >>> [list(c.doc_id) for c, _ in table_chunks(items, {"a": "", "b": "", "c": ""}, 2)]
        [['a', 'a', 'b'], ['c']]
        >>> long = {"a": "甲" * 5, "b": "乙" * 5, "c": "丙"}
        >>> [list(c.doc_id) for c, _ in table_chunks(items, long, 3, chars=8)]
        [['a', 'a'], ['b', 'c']]
    """
    import pandas as pd

    codes, docs = pd.factorize(items["doc_id"])
    number = chunk_numbers([len(texts[doc]) for doc in docs], size, chars)[codes]
    # one stable sort, not a mask over the whole table per chunk (that grew with the
    # square of the archive)
    order = np.argsort(number, kind="stable")
    bounds = np.searchsorted(number[order], np.arange(int(number.max()) + 2 if len(number) else 0))
    chunks = []
    for lo, hi in pairwise(bounds.tolist()):
        part = items.iloc[order[lo:hi]]
        chunks.append((part, {doc: texts[doc] for doc in dict.fromkeys(part["doc_id"])}))
    return chunks


def chunk_numbers(lengths: Sequence[int], size: int, chars: int) -> np.ndarray:
    """The chunk of each file, files taken in order: a new chunk when the last holds
    ``size`` files or this file would take it past ``chars`` characters.

    Examples:
        >>> chunk_numbers([5, 5, 1, 1], 3, 8).tolist()
        [0, 1, 1, 1]
    """
    numbers, chunk, count, total = [], 0, 0, 0
    for length in lengths:
        if count and (count == size or total + length > chars):
            chunk, count, total = chunk + 1, 0, 0
        numbers.append(chunk)
        count, total = count + 1, total + length
    return np.array(numbers, np.int64)


def find_duplicates_by_chunk(
    chunks: Iterable[Chunk],
    unit: str = "auto",
    threshold: float = 0.4,
    meta: pd.DataFrame | None = None,
    simplified: bool = True,
    stock: Iterable[str] = (),
    n_jobs: int = 1,
    *,
    client: Any = None,
    workdir: str | Path | None = None,
    pool: Workers | None = None,
    **options: Any,
) -> pd.DataFrame:
    """:func:`find_duplicates` over a table given in chunks (whole files, in table order);
    the same pairs as for the whole table.

    Each chunk is ``(items, texts)``, or a picklable function without arguments that returns
    them, so that ``n_jobs`` worker processes read their chunks themselves.  Each chunk's
    units and matching text are written to ``workdir`` (a temporary folder by default) and
    the search holds one chunk, one LSH band of one level (16 bytes a unit), and the units of
    candidate pairs: memory grows with the chunk and the copying found, not with the archive
    (see :mod:`planparse.reuse.store`).

    Examples:
        >>> import planparse
        >>> body = "一、组织开展妇女技能培训，全年举办家政、电商、手工编织培训班十期，培训妇女五百人次，推荐就业一百人，跟踪服务到岗。\\n"
        >>> texts = {"a.txt": "甲社区2019年工作计划\\n" + body, "b.txt": "乙社区2020年工作计划\\n" + body}
        >>> chunks = [(planparse.parse(t, d).to_frame(), {d: t}) for d, t in texts.items()]
        >>> find_duplicates_by_chunk(chunks)[["a_doc", "b_doc", "unit"]].values.tolist()
        [['a.txt', 'b.txt', 'plan']]
    """
    import pandas as pd

    from planparse.reuse.clusters import add_clusters

    settings = _settings(unit, threshold, options)
    rows, titles, skipped = _search(
        chunks, settings, unit, simplified, stock, client, n_jobs, workdir, pool
    )
    order = ["a_doc", "a_plan", "a_start", "b_doc", "b_plan", "b_start", "a_end", "b_end"]
    frame = pd.DataFrame(rows, columns=PAIR_COLUMNS[:-2]).sort_values(order, ignore_index=True)
    shown = frame["kind"] == "boilerplate"
    pairs = add_clusters(frame[~shown].reset_index(drop=True), titles, meta)
    pairs.attrs["skipped_buckets"] = skipped
    #: Site boilerplate: shown in the report, never counted as copying.
    pairs.attrs["boilerplate"] = frame[shown].drop(columns="kind").to_dict("records")
    return pairs[PAIR_COLUMNS]


def _search(
    chunks: Iterable[Chunk],
    settings: Settings,
    level: str,
    simplified: bool,
    stock: Iterable[str],
    client: Any,
    n_jobs: int,
    workdir: str | Path | None,
    pool: Workers | None = None,
) -> tuple[list[dict], pd.DataFrame, int]:
    """The rows of the passages found, the plans' titles and the fingerprints skipped, in
    ``pool`` (a run's workers) or in workers of its own, which end before the folder is
    removed (their processes may hold memory maps of the store)."""
    import contextlib

    own = Workers(n_jobs) if pool is None else contextlib.nullcontext(pool)
    with _folder(workdir) as folder, own as workers:
        store = UnitStore.build(
            chunks, folder, 4, settings.min_chars, simplified, LEVELS, n_jobs, workers
        )
        search = _Search(store, settings, stock_phrases(stock), client, n_jobs, workers)
        rows = search.rows(level)
    return rows, store.titles(), search.skipped_buckets


def _folder(workdir: str | Path | None) -> Any:
    """A context giving the folder for the unit store: ``workdir``, or a temporary one."""
    import contextlib
    import tempfile

    if workdir is not None:
        Path(workdir).mkdir(parents=True, exist_ok=True)
        return contextlib.nullcontext(str(workdir))
    return tempfile.TemporaryDirectory(prefix="planparse-reuse-")


def _settings(unit: str, threshold: float, options: dict) -> Settings:
    if unit != "auto" and unit not in LEVELS:
        raise ValueError(f"unit must be auto or one of {', '.join(LEVELS)}, not {unit!r}")
    return Settings(threshold=threshold, **options)
