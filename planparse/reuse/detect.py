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
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import numpy as np

from planparse.reuse.align import Shingles, align, overlap
from planparse.reuse.minhash import (
    band_parameters,
    joined,
    lsh_pairs,
    range_shingles,
    range_signatures,
)
from planparse.reuse.units import (
    LEVELS,
    Unit,
    doc_blocks,
    doc_texts,
    table_rows,
    units_by_level,
)

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
    per_plan: list[np.ndarray], phrases: Sequence[str], settings: Settings
) -> np.ndarray:
    """Shingles that stand in a large share of plans (``per_plan``: each plan's distinct
    shingle hashes), and the shingles of stock phrases."""
    floor = max(settings.boilerplate_min_plans, settings.boilerplate_share * len(per_plan))
    enough = len(per_plan) >= settings.boilerplate_min_plans
    none = np.empty(0, np.uint64)
    common = frequent_shingles(per_plan, settings.boilerplate_share, floor) if enough else none
    stock = range_shingles(*joined([Unit.whole("", p) for p in phrases]), settings.shingle)
    return np.union1d(common, np.concatenate([none, *stock]))


#: Plans per block when :func:`frequent_shingles` looks for candidates.
COUNT_BLOCK = 512


def frequent_shingles(per_plan: list[np.ndarray], share: float, floor: float) -> np.ndarray:
    """The shingles in at least ``floor`` plans, where ``floor >= share * len(per_plan)``.

    Exact, without sorting every shingle of the archive at once (three times its size in
    memory): a shingle in at least a share of all plans is, by the pigeonhole principle, in
    at least that share of the plans of some block, so each block proposes its own frequent
    shingles and only those are counted over all plans.

    Examples:
        >>> plans = [np.array([1, 2], np.uint64), np.array([2, 3], np.uint64)] * 3
        >>> frequent_shingles(plans, 0.5, 4).tolist()
        [2]
    """
    blocks = [per_plan[lo : lo + COUNT_BLOCK] for lo in range(0, len(per_plan), COUNT_BLOCK)]
    proposed = [np.empty(0, np.uint64)]
    for block in blocks:
        values, counts = np.unique(np.concatenate(block), return_counts=True)
        proposed.append(values[counts >= share * len(block) - 1e-9])  # no rounding lost
    candidates = np.unique(np.concatenate(proposed))
    if not len(candidates):
        return candidates
    found = np.zeros(len(candidates), np.int64)
    for block in blocks:
        values = np.concatenate(block)
        at = np.minimum(np.searchsorted(candidates, values), len(candidates) - 1)
        hit = candidates[at] == values
        found += np.bincount(at[hit], minlength=len(candidates))
    return candidates[found >= floor]


class _Search:
    """One run of :func:`find_duplicates` over one table."""

    def __init__(
        self,
        units: dict[str, list[Unit]],
        settings: Settings,
        phrases: Sequence[str],
        levels: Sequence[str],
        client: Any = None,
        jobs: int = 1,
        pool: ProcessPoolExecutor | None = None,
    ) -> None:
        self.settings, self.client, self.jobs, self.pool = settings, client, jobs, pool
        self.units = units
        self.boilerplate = boilerplate_hashes(self.shingles(self.units["plan"]), phrases, settings)
        self.bands, self.rows = band_parameters(settings.threshold, settings.num_perm)
        self.skipped_buckets = 0
        self.signatures = {} if client is not None else self._signatures(levels)

    def _map_blocks(
        self, function: Any, units: list[Unit], *arguments: Any
    ) -> tuple[list, np.ndarray]:
        """``function(codes, spans, *arguments)`` for each block of the units' documents, in
        ``jobs`` processes; returns the results and the order of the units in them."""
        from planparse.batch import map_in_processes

        blocks = doc_blocks(units)
        parts = map_in_processes(
            function,
            [codes for codes, _, _ in blocks],
            [spans for _, spans, _ in blocks],
            *([argument] * len(blocks) for argument in arguments),
            jobs=self.jobs,
            pool=self.pool,
        )
        order = [members for _, _, members in blocks]
        return parts, np.concatenate(order) if order else np.empty(0, np.int64)

    def shingles(self, units: list[Unit]) -> list[np.ndarray]:
        """The sorted distinct shingle hashes of each unit."""
        parts, order = self._map_blocks(range_shingles, units, self.settings.shingle)
        found: list[np.ndarray] = [np.empty(0, np.uint64)] * len(units)
        for index, hashes in zip(order.tolist(), (h for part in parts for h in part)):
            found[index] = hashes
        return found

    def _signatures(self, levels: Sequence[str]) -> dict[str, np.ndarray]:
        """Signatures of the units of every level in one pass over the documents."""
        units = [u for level in levels for u in self.units[level]]
        k, num_perm = self.settings.shingle, self.settings.num_perm
        parts, order = self._map_blocks(range_signatures, units, k, num_perm, self.boilerplate)
        sig = np.empty((len(units), num_perm), dtype=np.uint32)
        if parts:
            sig[order] = np.vstack(parts)
        bounds = np.cumsum([0] + [len(self.units[level]) for level in levels])
        return {level: sig[bounds[n] : bounds[n + 1]] for n, level in enumerate(levels)}

    def level(self, level: str, covered: set) -> list[dict]:
        """Verified pairs of one level, leaving out pairs inside ``covered`` ones."""
        units = self.units[level]
        plan_index: dict[tuple[str, int], int] = {}
        groups = np.array(
            [plan_index.setdefault((u.doc, u.plan), len(plan_index)) for u in units], dtype=np.int64
        )
        settings = self.settings
        if self.client is not None:
            from planparse.integrations.dask_engine import lsh_pairs_dask

            pairs, skipped = lsh_pairs_dask(
                self.client,
                units,
                settings.shingle,
                settings.num_perm,
                self.boilerplate,
                self.bands,
                self.rows,
                settings.max_bucket,
                groups,
            )
        else:
            pairs, skipped = lsh_pairs(
                self.signatures[level], self.bands, self.rows, settings.max_bucket, groups
            )
        self.skipped_buckets += skipped
        wanted = np.unique(pairs) if len(pairs) else np.empty(0, np.int64)
        shingles = shingles_of(self.shingles([units[i] for i in wanted]), wanted, self.boilerplate)
        found = []
        # Largest first, so a nested section pair is left out once its parent pair is found.
        ordered = sorted(pairs.tolist(), key=lambda p: (-(units[p[0]].end - units[p[0]].start), p))
        for i, j in ordered:
            a, b = units[i], units[j]
            if _inside(a, b, covered):
                continue
            match = overlap(shingles[i], shingles[j])
            if (
                match.shared < self.settings.min_shared
                or max(match.similarity, match.containment) < self.settings.threshold
            ):
                continue
            row = _row(a, b, match)
            if row["copied"] >= self.settings.min_copy:
                found.append(row)
                covered.add(_cover_key(row, level))
        return found


def shingles_of(
    shingles: list[np.ndarray], wanted: np.ndarray, boilerplate: np.ndarray
) -> dict[int, Shingles]:
    """The shingles of the ``wanted`` units, their own set apart from the boilerplate."""
    if not len(wanted):
        return {}
    every = np.concatenate(shingles)
    owner = np.repeat(np.arange(len(shingles)), [len(h) for h in shingles])
    stock = np.isin(every, boilerplate)  # one call: one per unit was most of the time

    def per_unit(mask: np.ndarray) -> list[np.ndarray]:
        return np.split(every[mask], np.searchsorted(owner[mask], np.arange(1, len(shingles))))

    return {int(i): Shingles(o, s) for i, o, s in zip(wanted, per_unit(~stock), per_unit(stock))}


def _cover_key(row: dict, level: str) -> tuple:
    if level == "plan":
        return (row["a_doc"], row["a_plan"]), (row["b_doc"], row["b_plan"])
    return row["a_item"], row["b_item"]


def _inside(a: Unit, b: Unit, covered: set) -> bool:
    """Whether the pair lies inside a pair already reported at a larger unit."""
    plans = ((a.doc, a.plan), (b.doc, b.plan))
    if plans in covered or plans[::-1] in covered:
        return True
    return any(
        ((ka, kb) in covered or (kb, ka) in covered)
        for ka in _ancestors(a.key) + [a.key]
        for kb in _ancestors(b.key) + [b.key]
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
    settings, levels = _settings(unit, threshold, options)
    texts = _texts_of(items, texts)
    return _pairs(
        lambda pool: table_units(items, texts, settings, simplified, levels, n_jobs, pool),
        items,
        settings,
        levels,
        meta,
        stock,
        client,
        n_jobs,
    )


def find_duplicates_by_chunk(
    chunks: Iterable[tuple["pd.DataFrame", Mapping[str, str]]],
    unit: str = "auto",
    threshold: float = 0.4,
    meta: "pd.DataFrame | None" = None,
    simplified: bool = True,
    stock: Iterable[str] = (),
    n_jobs: int = 1,
    **options,
) -> "pd.DataFrame":
    """:func:`find_duplicates` over a table given in chunks, each ``(items, texts)`` with
    whole files, in table order; the same pairs as for the whole table.  Only one chunk's
    rows and texts are held at a time: the search keeps the units and their matching texts.

    Examples:
        >>> import planparse
        >>> body = "一、组织开展妇女技能培训，全年举办家政、电商、手工编织培训班十期，培训妇女五百人次，推荐就业一百人，跟踪服务到岗。\\n"
        >>> texts = {"a.txt": "甲社区2019年工作计划\\n" + body, "b.txt": "乙社区2020年工作计划\\n" + body}
        >>> chunks = [(planparse.parse(t, d).to_frame(), {d: t}) for d, t in texts.items()]
        >>> find_duplicates_by_chunk(chunks)[["a_doc", "b_doc", "unit"]].values.tolist()
        [['a.txt', 'b.txt', 'plan']]
    """
    settings, levels = _settings(unit, threshold, options)
    titles: list[pd.DataFrame] = []

    def units(_pool: ProcessPoolExecutor | None) -> dict[str, list[Unit]]:
        # A chunk's matching texts are made here: 64 files are one task's worth of work.
        found: dict[str, list[Unit]] = {level: [] for level in _needed(levels)}
        for items, texts in chunks:
            titles.append(items.loc[items.plan_no > 0, ["doc_id", "plan_no", "plan_title"]])
            for level, made in table_units(items, texts, settings, simplified, levels).items():
                found[level] += made
        return found

    return _pairs(units, titles, settings, levels, meta, stock, None, n_jobs)


def _settings(unit: str, threshold: float, options: dict) -> tuple[Settings, tuple[str, ...]]:
    if unit != "auto" and unit not in LEVELS:
        raise ValueError(f"unit must be auto or one of {', '.join(LEVELS)}, not {unit!r}")
    return Settings(threshold=threshold, **options), LEVELS if unit == "auto" else (unit,)


def table_units(
    items: "pd.DataFrame",
    texts: Mapping[str, str],
    settings: Settings,
    simplified: bool,
    levels: Sequence[str],
    jobs: int = 1,
    pool: ProcessPoolExecutor | None = None,
) -> dict[str, list[Unit]]:
    """The units a search of ``levels`` needs (plans always: boilerplate is counted on them)."""
    rows = table_rows(items)
    docs = doc_texts(items, texts, simplified, rows, jobs, pool)
    return units_by_level(items, texts, _needed(levels), settings.min_chars, docs=docs, rows=rows)


def _needed(levels: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(("plan", *levels)))


def _pairs(
    make_units: Any,
    titles: "pd.DataFrame | list[pd.DataFrame]",
    settings: Settings,
    levels: Sequence[str],
    meta: "pd.DataFrame | None",
    stock: Iterable[str],
    client: Any,
    n_jobs: int,
) -> "pd.DataFrame":
    """The search itself: ``make_units(pool)`` gives the units; ``titles`` (the table, or
    its plan rows in parts, filled while the units are made) dates the plans."""
    import pandas as pd

    from planparse.reuse.clusters import add_clusters

    rows: list[dict] = []
    covered: set = set()
    pool = ProcessPoolExecutor(n_jobs) if n_jobs > 1 else None  # one pool for every stage
    try:
        search = _Search(
            make_units(pool), settings, stock_phrases(stock), levels, client, n_jobs, pool
        )
        for level in levels:
            rows += search.level(level, covered)
    finally:
        if pool is not None:
            pool.shutdown()
    frame = pd.DataFrame(rows, columns=PAIR_COLUMNS[:-2])
    frame = frame.sort_values(
        ["a_doc", "a_plan", "a_start", "b_doc", "b_plan", "b_start"], ignore_index=True
    )
    if not isinstance(titles, pd.DataFrame):
        titles = pd.concat(titles or [pd.DataFrame(columns=["doc_id", "plan_no", "plan_title"])])
    frame = add_clusters(frame, titles, meta)
    frame.attrs["skipped_buckets"] = search.skipped_buckets
    return frame[PAIR_COLUMNS]
