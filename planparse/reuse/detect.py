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

from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import numpy as np

from planparse.batch import process_pool
from planparse.reuse.align import align, overlap
from planparse.reuse.minhash import band_parameters, distinct_pairs, joined, range_shingles
from planparse.reuse.store import (
    Chunk,
    UnitIndex,
    UnitStore,
    band_pairs,
    frequent_candidates,
    proposed_shingles,
    read_units,
    shingle_counts,
)
from planparse.reuse.units import LEVELS, Unit

if TYPE_CHECKING:
    import pandas as pd

#: Output columns of :func:`find_duplicates`, in order.
PAIR_COLUMNS = [
    "a_doc",
    "a_plan",
    "a_item",
    "b_doc",
    "b_plan",
    "b_item",
    "unit",
    "similarity",
    "containment",
    "a_start",
    "a_end",
    "b_start",
    "b_end",
    "edits",
    "boilerplate_share",
    "cluster",
    "source",
]


@dataclass(frozen=True)
class Settings:
    """Parameters of one search (see :func:`find_duplicates`)."""

    threshold: float = 0.4
    shingle: int = 4
    num_perm: int = 64
    min_chars: int = 30
    max_bucket: int = 50
    boilerplate_share: float = 0.2
    boilerplate_min_plans: int = 5
    min_shared: int = 8
    #: A copy shorter than this many letters and digits is a shared formula, not reuse
    #: (the ritual "现在，我代表…向大会报告工作，请予审议" of every report is 30–45).
    min_copy: int = 50


def stock_phrases(extra: Iterable[str] = ()) -> list[str]:
    """The shipped 套话 list (``planparse/data/taohua.txt``) plus ``extra``."""
    text = files("planparse.data").joinpath("taohua.txt").read_text(encoding="utf-8")
    shipped = [
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]
    return shipped + [p for p in extra if p.strip()]


def boilerplate_hashes(
    store: UnitStore, phrases: Sequence[str], settings: Settings, jobs: int = 1, pool: Any = None
) -> np.ndarray:
    """Shingles that stand in a large share of the stored plans, and the shingles of stock
    phrases."""
    plans = store.count("plan")
    floor = max(settings.boilerplate_min_plans, settings.boilerplate_share * plans)
    none = np.empty(0, np.uint64)
    enough = plans >= settings.boilerplate_min_plans
    common = store.frequent_plan_shingles(floor, jobs, pool) if enough else none
    stock = range_shingles(*joined([Unit.whole("", p) for p in phrases]), settings.shingle)
    return np.union1d(common, np.concatenate([none, *stock]))


#: Plans per block when :func:`frequent_shingles` looks for candidates.
COUNT_BLOCK = 512


def frequent_shingles(per_plan: list[np.ndarray], share: float, floor: float) -> np.ndarray:
    """The shingles in at least ``floor`` plans, where ``floor >= share * len(per_plan)``.

    Exact, without sorting every shingle of the archive at once (three times its size in
    memory): a shingle in at least a share of all plans is, by the pigeonhole principle, in
    at least that share of the plans of some block, so each block proposes its own frequent
    shingles and only those are counted over all plans.  A search counts the same way with
    its stored chunks as the blocks (:meth:`UnitStore.frequent_plan_shingles`).

    Examples:
        >>> plans = [np.array([1, 2], np.uint64), np.array([2, 3], np.uint64)] * 3
        >>> frequent_shingles(plans, 0.5, 4).tolist()
        [2]
    """
    blocks = [per_plan[lo : lo + COUNT_BLOCK] for lo in range(0, len(per_plan), COUNT_BLOCK)]

    def count(candidates: np.ndarray) -> np.ndarray:
        found = np.zeros(len(candidates), np.int64)
        for block in blocks:
            found += shingle_counts(block, candidates)
        return found

    return frequent_candidates([proposed_shingles(b, share) for b in blocks], count, floor)


class _Search:
    """One search over the units of a :class:`UnitStore`."""

    def __init__(
        self,
        store: UnitStore,
        settings: Settings,
        phrases: Sequence[str],
        client: Any = None,
        jobs: int = 1,
        pool: ProcessPoolExecutor | None = None,
    ) -> None:
        self.store, self.settings, self.client = store, settings, client
        self.jobs, self.pool = jobs, pool
        self.boilerplate = boilerplate_hashes(store, phrases, settings, jobs, pool)
        self.bands, self.rows = band_parameters(settings.threshold, settings.num_perm)
        self.skipped_buckets = 0
        if client is None:
            store.write_band_keys(
                settings.shingle,
                settings.num_perm,
                self.boilerplate,
                self.bands,
                self.rows,
                jobs,
                pool,
            )

    def candidates(self, level: str) -> np.ndarray:
        """Distinct pairs of global unit numbers of ``level`` that share a band bucket."""
        from planparse.batch import map_in_processes

        settings = self.settings
        if self.client is not None:
            from planparse.integrations.dask_engine import lsh_pairs_dask

            pairs, skipped = lsh_pairs_dask(
                self.client,
                self.store.blocks(level),
                settings.shingle,
                settings.num_perm,
                self.boilerplate,
                self.bands,
                self.rows,
                settings.max_bucket,
            )
        else:
            chunks = self.store.firsts_of(level)
            found = map_in_processes(
                band_pairs,
                [chunks] * self.bands,
                [level] * self.bands,
                range(self.bands),
                [settings.max_bucket] * self.bands,
                jobs=self.jobs,
                pool=self.pool,
            )
            pairs, skipped = distinct_pairs([p for p, _ in found], None), sum(s for _, s in found)
        self.skipped_buckets += skipped
        return pairs

    def level(self, level: str, covered: set) -> list[dict]:
        """Verified pairs of one level, leaving out pairs inside ``covered`` ones.

        Candidate pairs are verified in batches (in ``jobs`` processes), each reading only
        its own units, against the pairs ``covered`` by the larger levels; the pairs that
        hold are then taken largest first, so a nested pair of this level is left out once
        its parent pair is found: the same pairs as verifying one pair at a time in that
        order."""
        from planparse.batch import map_in_processes

        pairs = self.candidates(level)
        batches = verify_batches(pairs, self.store.lengths(level))
        constant = (self.store.index(), level, frozenset(covered), self.boilerplate, self.settings)
        parts = map_in_processes(
            verify_pairs,
            batches,
            *([c] * len(batches) for c in constant),
            jobs=self.jobs,
            pool=self.pool,
        )
        found = []
        for *_, row in sorted((r for part in parts for r in part), key=lambda r: r[:3]):
            if not _inside(_side(row, "a"), _side(row, "b"), covered):
                found.append(row)
                covered.add(_cover_key(row, level))
        return found


#: At most this many candidate pairs per verification task ...
VERIFY_BATCH = 1024
#: ... and about this many characters of their units: a task holds its units' text and
#: shingles (about 40 bytes a character), and 1,024 pairs of whole plans were 500 MB.
VERIFY_CHARS = 2_000_000


def verify_batches(pairs: np.ndarray, lengths: np.ndarray) -> list[np.ndarray]:
    """The candidate pairs, in order, cut into verification batches of at most
    :data:`VERIFY_BATCH` pairs and about :data:`VERIFY_CHARS` characters of units
    (``lengths``: each unit's).

    Examples:
        >>> pairs = np.array([[0, 1], [0, 2], [1, 2]])
        >>> [len(b) for b in verify_batches(pairs, np.array([1_500_000, 10, 10]))]
        [1, 2]
    """
    cost = lengths[pairs].sum(axis=1).tolist() if len(pairs) else []
    cuts, total = [0], 0
    for n, chars in enumerate(cost):
        if n > cuts[-1] and (n - cuts[-1] >= VERIFY_BATCH or total + chars > VERIFY_CHARS):
            cuts.append(n)
            total = 0
        total += chars
    cuts.append(len(cost))
    return [pairs[lo:hi] for lo, hi in zip(cuts[:-1], cuts[1:])]


def verify_pairs(
    pairs: np.ndarray,
    index: UnitIndex,
    level: str,
    covered: frozenset,
    stock: np.ndarray,
    settings: Settings,
) -> list[tuple[int, int, int, dict]]:
    """The candidate ``pairs`` (global unit numbers of ``level``) that hold as copies, as
    rows, each with its place in the search order (larger first); pairs within one plan or
    inside ``covered`` ones are left out."""
    units, shingles = read_units(index, level, np.unique(pairs), settings.shingle, stock)
    found = []
    for i, j in pairs.tolist():
        a, b = units[i], units[j]
        if (a.doc, a.plan) == (b.doc, b.plan) or _inside(_names(a), _names(b), covered):
            continue
        match = overlap(shingles[i], shingles[j])
        if (
            match.shared < settings.min_shared
            or max(match.similarity, match.containment) < settings.threshold
        ):
            continue
        row = _row(a, b, match)
        if row["copied"] >= settings.min_copy:
            found.append((-(a.end - a.start), i, j, row))
    return found


def _names(unit: Unit) -> tuple[str, int, str]:
    return unit.doc, unit.plan, unit.key


def _side(row: dict, side: str) -> tuple[str, int, str]:
    """``(doc, plan, key)`` of side ``"a"`` or ``"b"`` of a pair's row, as :func:`_names`."""
    return row[f"{side}_doc"], row[f"{side}_plan"], row[f"{side}_item"]


def _cover_key(row: dict, level: str) -> tuple:
    if level == "plan":
        return (row["a_doc"], row["a_plan"]), (row["b_doc"], row["b_plan"])
    return row["a_item"], row["b_item"]


def _inside(a: tuple[str, int, str], b: tuple[str, int, str], covered: set | frozenset) -> bool:
    """Whether the pair of units ``(doc, plan, key)`` lies inside a pair already reported
    at a larger unit."""
    plans = ((a[0], a[1]), (b[0], b[1]))
    if plans in covered or plans[::-1] in covered:
        return True
    return any(
        ((ka, kb) in covered or (kb, ka) in covered)
        for ka in _ancestors(a[2]) + [a[2]]
        for kb in _ancestors(b[2]) + [b[2]]
    )


def _ancestors(key: str) -> list[str]:
    head, _, path = key.partition("/")
    parts = path.split(".")
    return [f"{head}/{'.'.join(parts[:n])}" for n in range(1, len(parts))]


def _row(a: Unit, b: Unit, match) -> dict:  # noqa: ANN001 - an Overlap
    a_span, b_span, edits = align(a.text, b.text)
    copied = min(
        int(((a.text.offsets >= a_span[0]) & (a.text.offsets < a_span[1])).sum()),
        int(((b.text.offsets >= b_span[0]) & (b.text.offsets < b_span[1])).sum()),
    )
    return {
        "a_doc": a.doc,
        "a_plan": a.plan,
        "a_item": a.key,
        "b_doc": b.doc,
        "b_plan": b.plan,
        "b_item": b.key,
        "unit": a.level,
        "similarity": round(match.similarity, 4),
        "containment": round(match.containment, 4),
        "a_start": a_span[0],
        "a_end": a_span[1],
        "b_start": b_span[0],
        "b_end": b_span[1],
        "edits": edits,
        "boilerplate_share": round(match.boilerplate_share, 4),
        "copied": copied,
    }


def _texts_of(items: "pd.DataFrame", texts: Mapping[str, str] | None) -> Mapping[str, str]:
    if texts is not None:
        return texts
    if not items.attrs.get("paths"):
        raise ValueError(
            "find_duplicates needs the original texts to report offsets: pass "
            "texts={doc_id: text}, or a table made by planparse.parse_files"
        )
    from planparse.batch import read_texts

    return read_texts(items)


def find_duplicates(
    items: "pd.DataFrame",
    unit: str = "auto",
    threshold: float = 0.4,
    texts: Mapping[str, str] | None = None,
    meta: "pd.DataFrame | None" = None,
    simplified: bool = True,
    stock: Iterable[str] = (),
    client: Any = None,
    n_jobs: int = 1,
    **options,
) -> "pd.DataFrame":
    """Pairs of copied units between plans, one row per pair (columns: :data:`PAIR_COLUMNS`).

    ``unit`` is ``"plan"``, ``"section"``, ``"item"``, or ``"auto"`` (default): the largest
    unit that was copied, so a whole copied plan is one row, not forty item pairs.
    ``threshold`` applies to the shingle Jaccard similarity or to the containment of the
    smaller unit in the larger, whichever is higher, after boilerplate is discounted.
    Offsets are into each side's original file; ``texts`` maps ``doc_id`` to that text (a
    table from :func:`planparse.parse_files` knows its files).  ``meta`` (``doc_id``,
    ``plan_no``, ``year``) dates the plans; otherwise a year in the title is used.
    ``simplified`` (default) compares Traditional and Simplified script alike; ``stock`` adds
    套话 to the shipped list.  ``client`` (a ``distributed.Client``) runs the candidate search
    on a Dask cluster, with the same result; ``n_jobs`` runs the per-document work (matching
    texts, shingle sets, MinHash signatures) in that many processes, with the same result.
    Further ``options`` are the fields of :class:`Settings`.
    """
    texts = _texts_of(items, texts)
    return find_duplicates_by_chunk(
        table_chunks(items, texts),
        unit,
        threshold,
        meta,
        simplified,
        stock,
        n_jobs,
        client=client,
        **options,
    )


#: Files per chunk when :func:`find_duplicates` cuts a table for its search.
CHUNK_FILES = 64


def table_chunks(
    items: "pd.DataFrame", texts: Mapping[str, str], size: int = CHUNK_FILES
) -> list[tuple["pd.DataFrame", dict[str, str]]]:
    """The table cut into chunks of ``size`` whole files, in table order, with their texts.

    Examples:
        >>> import pandas as pd
        >>> items = pd.DataFrame({"doc_id": ["a", "a", "b", "c"]})
        >>> [list(c.doc_id) for c, _ in table_chunks(items, {"a": "", "b": "", "c": ""}, 2)]
        [['a', 'a', 'b'], ['c']]
    """
    import pandas as pd

    number = pd.factorize(items["doc_id"])[0] // size
    chunks = []
    for n in range(int(number.max()) + 1 if len(number) else 0):
        part = items[number == n]
        chunks.append((part, {doc: texts[doc] for doc in dict.fromkeys(part["doc_id"])}))
    return chunks


def find_duplicates_by_chunk(
    chunks: Iterable[Chunk],
    unit: str = "auto",
    threshold: float = 0.4,
    meta: "pd.DataFrame | None" = None,
    simplified: bool = True,
    stock: Iterable[str] = (),
    n_jobs: int = 1,
    *,
    client: Any = None,
    workdir: str | Path | None = None,
    **options,
) -> "pd.DataFrame":
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

    settings, levels = _settings(unit, threshold, options)
    rows, titles, skipped = _search(
        chunks, settings, levels, simplified, stock, client, n_jobs, workdir
    )
    frame = pd.DataFrame(rows, columns=PAIR_COLUMNS[:-2])
    frame = frame.sort_values(
        ["a_doc", "a_plan", "a_start", "b_doc", "b_plan", "b_start"], ignore_index=True
    )
    frame = add_clusters(frame, titles, meta)
    frame.attrs["skipped_buckets"] = skipped
    return frame[PAIR_COLUMNS]


def _search(
    chunks: Iterable[Chunk],
    settings: Settings,
    levels: Sequence[str],
    simplified: bool,
    stock: Iterable[str],
    client: Any,
    n_jobs: int,
    workdir: str | Path | None,
) -> tuple[list[dict], "pd.DataFrame", int]:
    """The rows of the pairs found, the plans' titles and the buckets skipped.  The pool
    (whose processes may hold memory maps of the store) ends before the folder is removed."""
    rows: list[dict] = []
    covered: set = set()
    with _folder(workdir) as folder:
        pool = process_pool(n_jobs) if n_jobs > 1 else None  # one pool for every step
        try:
            store = UnitStore.build(
                chunks,
                folder,
                settings.shingle,
                settings.min_chars,
                simplified,
                _needed(levels),
                settings.boilerplate_share,
                n_jobs,
                pool,
            )
            search = _Search(store, settings, stock_phrases(stock), client, n_jobs, pool)
            for level in levels:
                rows += search.level(level, covered)
        finally:
            if pool is not None:
                pool.shutdown()
    return rows, store.titles(), search.skipped_buckets


def _folder(workdir: str | Path | None) -> Any:
    """A context giving the folder for the unit store: ``workdir``, or a temporary one."""
    import contextlib
    import tempfile

    if workdir is not None:
        Path(workdir).mkdir(parents=True, exist_ok=True)
        return contextlib.nullcontext(str(workdir))
    return tempfile.TemporaryDirectory(prefix="planparse-reuse-")


def _settings(unit: str, threshold: float, options: dict) -> tuple[Settings, tuple[str, ...]]:
    if unit != "auto" and unit not in LEVELS:
        raise ValueError(f"unit must be auto or one of {', '.join(LEVELS)}, not {unit!r}")
    return Settings(threshold=threshold, **options), LEVELS if unit == "auto" else (unit,)


def _needed(levels: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(("plan", *levels)))
