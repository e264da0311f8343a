"""The units of an archive kept on disk a chunk at a time, for the copy-paste search.

A search compares every unit with every other, but it needs each unit's text only twice: to
compute its MinHash signature, and again if it turns up in a candidate pair.  So each chunk
of the item table (whole files, in table order) is turned into units once and written to a
folder of ``.npy`` arrays: its files' matching text (kept code points joined by NUL, and the
original offset of each), one row per unit (level, file, plan, key, original span, span in
the code points), and the distinct shingles of each plan (boilerplate is counted on plans).
The signatures are turned into LSH band keys a chunk at a time and written beside them, one
array per level.  The search then holds one chunk, or one band's keys of one level (16 bytes
a unit), and verifies candidate pairs a batch at a time, reading each unit's text through a
memory map (:func:`read_units`): never the archive's texts or signatures.

Global unit numbers run over the chunks in order, per level, so they are the positions the
units would have in one list built from the whole table.

Examples:
    >>> import planparse, tempfile
    >>> text = "社区工作计划\\n一、开展法律援助活动，为困难妇女提供免费法律咨询和代理服务。\\n"
    >>> items = planparse.parse(text, doc_id="a").to_frame()
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     store = UnitStore.build([(items, {"a": text})], folder, 4, 10, True, ("plan", "item"))
    ...     units, _ = store.read("item", np.array([0]), 4, np.empty(0, np.uint64))
    >>> unit = units[0]
    >>> unit.key, unit.text.text
    ('a#1/1', '开展法律援助活动为困难妇女提供免费法律咨询和代理服务')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as default
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

import numpy as np

from planparse.reuse.align import Shingles, split_stock
from planparse.reuse.fingerprint import NOTICE, fingerprints, mark_text
from planparse.reuse.matchtext import MatchText
from planparse.reuse.minhash import (
    EMPTY,
    band_keys,
    bucket_pairs,
    joined,
    range_shingles,
    range_signatures,
)
from planparse.reuse.units import LEVELS, Unit, units_by_level

if TYPE_CHECKING:
    import pandas as pd

#: A chunk of the item table: ``(items, texts)`` with whole files, or a function without
#: arguments that returns them (picklable, so a worker process can read the chunk itself).
Chunk = Union[tuple["pd.DataFrame", Mapping[str, str]], Callable[[], tuple]]


@dataclass(frozen=True)
class StoredChunk:
    """What the search keeps in memory of one stored chunk."""

    path: str
    #: Units of each level, in :data:`~planparse.reuse.units.LEVELS` order.
    counts: tuple[int, ...]
    #: Shingles in at least the boilerplate share of this chunk's plans: by the pigeonhole
    #: principle, every shingle that is frequent in the archive is among some chunk's.
    proposed: np.ndarray
    #: ``doc_id``, ``plan_no``, ``plan_title``: one row per plan (dates the plans).
    titles: pd.DataFrame


#: One unit of a stored chunk: its level (index in LEVELS), file (index in ``docs``), plan
#: number, original span, and span in the chunk's code points.
UNIT_ROW = np.dtype(
    [
        ("level", "i1"),
        ("doc", "i4"),
        ("plan", "i4"),
        ("start", "i8"),
        ("end", "i8"),
        ("lo", "i8"),
        ("hi", "i8"),
    ]
)


def _array(path: str, name: str) -> np.ndarray:
    """One array of a stored chunk, memory-mapped: only the pages touched are read, and
    they count against the process only while the array is held."""
    return np.load(Path(path) / f"{name}.npy", mmap_mode="r")


def store_chunk(
    chunk: Chunk,
    path: str,
    k: int,
    min_chars: int,
    simplified: bool,
    levels: Sequence[str],
    share: float,
) -> StoredChunk:
    """Build one chunk's units and write them to the folder ``path``; runs in a worker
    process."""
    items, texts = chunk() if callable(chunk) else chunk
    made = units_by_level(items, texts, tuple(levels), min_chars, simplified)
    arrays = _chunk_arrays([unit for level in levels for unit in made[level]], k)
    Path(path).mkdir(parents=True, exist_ok=True)
    for name, array in arrays.items():
        np.save(Path(path) / f"{name}.npy", array)
    titled = items.loc[items.plan_no > 0, ["doc_id", "plan_no", "plan_title"]]
    return StoredChunk(
        path,
        tuple(len(made.get(level, ())) for level in LEVELS),
        proposed_shingles(_split_plans(arrays["plan_hashes"], arrays["plan_sizes"]), share),
        titled.groupby(["doc_id", "plan_no"], sort=False, as_index=False).first(),
    )


def _chunk_arrays(units: list[Unit], k: int) -> dict[str, np.ndarray]:
    """The arrays a chunk is stored as (see the module's description)."""
    sources = {unit.doc: unit.source for unit in units}
    codes, offsets, base = _joined_sources(list(sources.values()))
    flags = np.concatenate(
        [np.empty(0, bool)] + [x for s in sources.values() for x in (s.flagged, [False])]
    )
    index = {doc: n for n, doc in enumerate(sources)}
    table = np.zeros(len(units), dtype=UNIT_ROW)
    at = base[[index[u.doc] for u in units]] if units else np.empty(0, np.int64)
    table["lo"] = at + np.array([u.kept[0] for u in units], dtype=np.int64)
    table["hi"] = at + np.array([u.kept[1] for u in units], dtype=np.int64)
    for field, values in (
        ("level", [LEVELS.index(u.level) for u in units]),
        ("doc", [index[u.doc] for u in units]),
        ("plan", [u.plan for u in units]),
        ("start", [u.start for u in units]),
        ("end", [u.end for u in units]),
    ):
        table[field] = values
    plans = table[table["level"] == LEVELS.index("plan")]
    plan_hashes = range_shingles(codes, np.stack((plans["lo"], plans["hi"]), axis=1), k)
    return {
        "codes": codes,
        "offsets": offsets,
        "docs": np.array(list(sources), dtype=str),
        "units": table,
        "keys": np.array([u.key for u in units], dtype=str),
        "plan_hashes": np.concatenate([np.empty(0, np.uint64), *plan_hashes]),
        "plan_sizes": np.array([len(h) for h in plan_hashes], dtype=np.int64),
        "bases": base,
        "flags": flags.astype(bool),
    }


def _split_plans(hashes: np.ndarray, sizes: np.ndarray) -> list[np.ndarray]:
    """Each plan's distinct shingles, from their stored concatenation and sizes."""
    return np.split(hashes, np.cumsum(sizes)[:-1]) if len(sizes) else []


def _joined_sources(sources: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The sources' kept code points joined by NUL, their offsets (-1 at a NUL), and where
    each source starts."""
    lengths = np.array([len(s.kept) + 1 for s in sources], dtype=np.int64)
    base = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    nul, none = np.zeros(1, np.uint32), np.full(1, -1, np.int32)
    codes = np.concatenate([np.empty(0, np.uint32)] + [x for s in sources for x in (s.kept, nul)])
    offsets = np.concatenate(
        [np.empty(0, np.int32)] + [x for s in sources for x in (s.offsets, none)]
    )
    return codes.astype(np.uint32), offsets.astype(np.int32), base


def proposed_shingles(per_plan: Sequence[np.ndarray], share: float) -> np.ndarray:
    """The shingles in at least ``share`` of these plans (each given as its distinct
    shingles).

    Examples:
        >>> proposed_shingles([np.array([1, 2], np.uint64), np.array([2], np.uint64)], 0.6).tolist()
        [2]
    """
    values, counts = np.unique(
        np.concatenate([np.empty(0, np.uint64), *per_plan]), return_counts=True
    )
    return values[counts >= share * len(per_plan) - 1e-9]  # no rounding lost


def frequent_candidates(
    proposed: Sequence[np.ndarray], count: Callable[[np.ndarray], np.ndarray], floor: float
) -> np.ndarray:
    """The ``proposed`` shingles (each block's, see :func:`proposed_shingles`) that stand in
    at least ``floor`` plans, by ``count`` (sorted candidates → plans holding each).

    Examples:
        >>> plans = [np.array([1, 2], np.uint64), np.array([2], np.uint64)]
        >>> frequent_candidates([proposed_shingles(plans, 0.5)], lambda c: shingle_counts(plans, c), 2)
        array([2], dtype=uint64)
    """
    candidates = np.unique(np.concatenate([np.empty(0, np.uint64), *proposed]))
    return candidates[count(candidates) >= floor]


def shingle_counts(per_plan: Sequence[np.ndarray], candidates: np.ndarray) -> np.ndarray:
    """In how many of these plans each of the sorted ``candidates`` stands.

    Examples:
        >>> plans = [np.array([1, 2], np.uint64), np.array([2], np.uint64)]
        >>> shingle_counts(plans, np.array([2, 5], np.uint64)).tolist()
        [2, 0]
    """
    found = np.zeros(len(candidates), np.int64)
    if not len(candidates) or not len(per_plan):
        return found
    values = np.concatenate(per_plan)
    at = np.minimum(np.searchsorted(candidates, values), len(candidates) - 1)
    hit = candidates[at] == values
    return found + np.bincount(at[hit], minlength=len(candidates))


def _plan_shingles(path: str) -> list[np.ndarray]:
    return _split_plans(np.load(Path(path) / "plan_hashes.npy"), _array(path, "plan_sizes"))


def _count_in_chunk(path: str, candidates: np.ndarray) -> np.ndarray:
    return shingle_counts(_plan_shingles(path), candidates)


def _bands(level: str) -> str:
    return f"bands-{level}"


def _level_units(path: str, level: str) -> tuple[np.ndarray, np.ndarray]:
    """The chunk's units of ``level``: their positions among its units, and their rows."""
    table = _array(path, "units")
    at = np.flatnonzero(np.asarray(table["level"]) == LEVELS.index(level))
    return at, table[at]


def store_band_keys(
    path: str, k: int, num_perm: int, exclude: np.ndarray, bands: int, rows: int
) -> None:
    """Write the LSH band keys of a stored chunk's units, one ``(1 + bands, units)`` array
    per level: whether the unit has a signature (not all boilerplate), then its keys."""
    table = np.load(Path(path) / "units.npy")
    ranges = np.stack((table["lo"], table["hi"]), axis=1)
    sig = range_signatures(np.load(Path(path) / "codes.npy"), ranges, k, num_perm, exclude)
    for code, name in enumerate(LEVELS):
        mine = sig[table["level"] == code]
        filled = (mine[:, 0] != EMPTY).astype(np.uint64)
        keys = [band_keys(mine, band, rows) for band in range(bands)]
        np.save(Path(path) / f"{_bands(name)}.npy", np.vstack([filled, *keys]))


def band_pairs(
    chunks: list[tuple[str, int]], level: str, band: int, max_bucket: int
) -> tuple[np.ndarray, int]:
    """Candidate pairs of ``level`` in one band, over the stored chunks (``(folder, first
    global unit number)``), and the buckets skipped as too large (see
    :func:`~planparse.reuse.minhash.bucket_pairs`)."""
    keys, units = [np.empty(0, np.uint64)], [np.empty(0, np.int64)]
    for path, first in chunks:
        table = _array(path, _bands(level))
        filled = np.flatnonzero(table[0])
        keys.append(np.asarray(table[band + 1])[filled])
        units.append(filled + first)
    return bucket_pairs(np.concatenate(keys), np.concatenate(units), max_bucket)


def store_fingerprints(
    path: str, phrases: Sequence[np.ndarray], w: int, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mark a stored chunk's stock phrases and site notices (written beside it, ``marks``)
    and return its winnowed fingerprints: hashes, the chunk's file of each, positions."""
    codes = np.load(Path(path) / "codes.npy")
    marks = mark_text(codes, phrases) | (np.load(Path(path) / "flags.npy") * np.uint8(NOTICE))
    np.save(Path(path) / "marks.npy", marks)
    hashes, at = fingerprints(codes, marks, w, k)
    doc = np.searchsorted(np.load(Path(path) / "bases.npy"), at, "right") - 1
    return hashes, doc.astype(np.int64), at.astype(np.int64)


@dataclass
class StoredDoc:
    """One file of a stored chunk, as the passage search reads it back."""

    name: str
    codes: np.ndarray
    offsets: np.ndarray
    marks: np.ndarray
    #: The file's units: level (index in LEVELS), plan, ``[lo, hi)`` in ``codes``.
    units: np.ndarray
    keys: np.ndarray


def read_doc(path: str, local: int) -> StoredDoc:
    """File number ``local`` of the stored chunk ``path`` (its own copies of the arrays)."""
    arrays = _opened(path, (Path(path) / "marks.npy").stat().st_mtime_ns)
    bases, table = arrays["bases"], arrays["units"]
    lo = int(bases[local])
    hi = int(bases[local + 1]) - 1 if local + 1 < len(bases) else len(arrays["codes"])
    first, last = np.searchsorted(table["doc"], (local, local + 1))
    mine = table[first:last]
    units = np.stack(
        [mine["level"], mine["plan"], mine["lo"] - lo, mine["hi"] - lo], axis=1
    ).astype(np.int64)
    return StoredDoc(
        str(arrays["docs"][local]),
        np.array(arrays["codes"][lo:hi]),
        np.array(arrays["offsets"][lo:hi]),
        np.array(arrays["marks"][lo:hi]),
        units.reshape(-1, 4),
        np.array(arrays["keys"][first:last]),
    )


@lru_cache(maxsize=256)
def _opened(path: str, version: int) -> dict[str, np.ndarray]:
    """The arrays of a stored chunk, opened once per process (memory maps: opening them
    for every file was most of the passage search); ``version`` (when the marks were
    written) keeps a folder used again from serving the last search's arrays."""
    names = ("bases", "units", "codes", "offsets", "marks", "docs", "keys")
    arrays = {name: _array(path, name) for name in names}
    order = np.argsort(np.asarray(arrays["units"]["doc"]), kind="stable")  # by file
    arrays["units"], arrays["keys"] = arrays["units"][order], np.asarray(arrays["keys"])[order]
    return arrays


@dataclass(frozen=True)
class UnitIndex:
    """Where the units of a store are: each chunk's folder and, per level, its first global
    unit number (with the total at the end).  Small, so worker tasks take it along."""

    paths: tuple[str, ...]
    firsts: Mapping[str, np.ndarray]
    #: First global file number of each chunk (and the total at the end).
    doc_firsts: np.ndarray = default(default_factory=lambda: np.zeros(1, np.int64))

    def doc_lengths(self) -> np.ndarray:
        """Each file's length in code points (with its NUL), in global order."""
        parts = [np.empty(0, np.int64)]
        for path in self.paths:
            bases = np.asarray(_array(path, "bases"), np.int64)
            parts.append(np.diff(np.append(bases, len(_array(path, "codes")))))
        return np.concatenate(parts)

    def doc(self, number: int) -> StoredDoc:
        """File ``number`` (global, in table order)."""
        chunk = int(np.searchsorted(self.doc_firsts, number, "right")) - 1
        return read_doc(self.paths[chunk], number - int(self.doc_firsts[chunk]))


def read_units(
    index: UnitIndex, level: str, numbers: np.ndarray, k: int, stock: np.ndarray
) -> tuple[dict[int, Unit], dict[int, Shingles]]:
    """Units of ``level`` by global number (``numbers``, sorted and distinct), each with its
    own copy of its text, and their shingles with the ``stock`` (boilerplate) ones set
    apart.  Chunk by chunk: each chunk that holds some is opened once, as memory maps, and
    let go before the next, so only the units asked for are held (and no file stays open).
    """
    units: dict[int, Unit] = {}
    shingles: dict[int, Shingles] = {}
    firsts = index.firsts[level]
    owner = np.searchsorted(firsts, numbers, side="right") - 1
    for chunk in np.unique(owner).tolist():
        mine = numbers[owner == chunk]
        made = _chunk_units(index.paths[chunk], level, mine - firsts[chunk])
        hashes = range_shingles(*joined(made), k)
        units.update(zip(mine.tolist(), made))
        shingles.update(zip(mine.tolist(), split_stock(hashes, stock)))
    return units, shingles


def _chunk_units(path: str, level: str, ranks: np.ndarray) -> list[Unit]:
    """The chunk's units of ``level`` with these ranks among them."""
    at, rows = (found[ranks] for found in _level_units(path, level))
    keys = _array(path, "keys")[at]
    docs, codes, offsets = _array(path, "docs"), _array(path, "codes"), _array(path, "offsets")
    return [
        Unit(
            str(docs[row["doc"]]),
            int(row["plan"]),
            str(key),
            level,
            MatchText(
                np.array(codes[row["lo"] : row["hi"]]), np.array(offsets[row["lo"] : row["hi"]])
            ),
            int(row["start"]),
            int(row["end"]),
            (0, int(row["hi"] - row["lo"])),
        )
        for row, key in zip(rows, keys)
    ]


class UnitStore:
    """The stored chunks of one search (see the module's description).

    Build it with :meth:`build`; the folder is the caller's, and is left with the files.
    """

    def __init__(self, chunks: list[StoredChunk], levels: Sequence[str]) -> None:
        self.chunks, self.levels = chunks, tuple(levels)
        counts = np.array([c.counts for c in chunks], dtype=np.int64).reshape(-1, len(LEVELS))
        #: First global unit number of each chunk, per level (and the total at the end).
        self.firsts = {
            level: np.concatenate(([0], np.cumsum(counts[:, n]))) for n, level in enumerate(LEVELS)
        }

    @classmethod
    def build(
        cls,
        chunks: Iterable[Chunk],
        folder: str | Path,
        k: int,
        min_chars: int,
        simplified: bool,
        levels: Sequence[str],
        share: float = 0.2,
        jobs: int = 1,
        pool: Any = None,
    ) -> UnitStore:
        """Store every chunk (in ``jobs`` processes, or ``pool``), in order."""
        from planparse.batch import map_in_processes

        given = list(chunks)
        paths = [str(Path(folder) / f"units-{n:06d}") for n in range(len(given))]
        constant = (k, min_chars, simplified, tuple(levels), share)
        stored = map_in_processes(
            store_chunk, given, paths, *([c] * len(given) for c in constant), jobs=jobs, pool=pool
        )
        return cls(stored, levels)

    def count(self, level: str) -> int:
        """Units of ``level`` in the archive."""
        return int(self.firsts[level][-1])

    def lengths(self, level: str) -> np.ndarray:
        """Each unit's length in kept characters, in global order (8 bytes a unit)."""
        parts = [np.empty(0, np.int64)]
        for chunk in self.chunks:
            units = _level_units(chunk.path, level)[1]
            parts.append(np.asarray(units["hi"] - units["lo"], dtype=np.int64))
        return np.concatenate(parts)

    def titles(self) -> pd.DataFrame:
        """``doc_id``, ``plan_no``, ``plan_title``, one row per plan."""
        import pandas as pd

        frames = [c.titles for c in self.chunks]
        return pd.concat(frames or [pd.DataFrame(columns=["doc_id", "plan_no", "plan_title"])])

    def frequent_plan_shingles(self, floor: float, jobs: int = 1, pool: Any = None) -> np.ndarray:
        """The shingles in at least ``floor`` plans of the archive, where ``floor`` is at
        least the share the chunks proposed for; exact (see :attr:`StoredChunk.proposed`)."""
        from planparse.batch import map_in_processes

        paths = [c.path for c in self.chunks]

        def count(candidates: np.ndarray) -> np.ndarray:
            counts = map_in_processes(
                _count_in_chunk, paths, [candidates] * len(paths), jobs=jobs, pool=pool
            )
            return np.sum([np.zeros(len(candidates), np.int64), *counts], axis=0)

        return frequent_candidates([c.proposed for c in self.chunks], count, floor)

    def write_band_keys(
        self,
        k: int,
        num_perm: int,
        exclude: np.ndarray,
        bands: int,
        rows: int,
        jobs: int = 1,
        pool: Any = None,
    ) -> None:
        """The band keys of every chunk (:func:`store_band_keys`)."""
        from planparse.batch import map_in_processes

        paths = [c.path for c in self.chunks]
        constant = (k, num_perm, exclude, bands, rows)
        map_in_processes(
            store_band_keys, paths, *([c] * len(paths) for c in constant), jobs=jobs, pool=pool
        )

    def firsts_of(self, level: str) -> list[tuple[str, int]]:
        """Each chunk's folder and its first global unit number of ``level``."""
        return list(zip((c.path for c in self.chunks), self.firsts[level].tolist()))

    def blocks(self, level: str) -> Iterator[tuple[np.ndarray, np.ndarray, int]]:
        """For each chunk with units of ``level``: its code points, those units' spans in
        them, and the first one's global number (one chunk in memory at a time)."""
        for chunk, first in zip(self.chunks, self.firsts[level].tolist()):
            if chunk.counts[LEVELS.index(level)]:
                units = _level_units(chunk.path, level)[1]
                spans = np.stack((units["lo"], units["hi"]), axis=1)
                yield np.load(Path(chunk.path) / "codes.npy"), spans, first

    def index(self) -> UnitIndex:
        """Where the units are (for :func:`read_units`, in any process)."""
        docs = [len(_array(c.path, "bases")) for c in self.chunks]
        firsts = np.concatenate(([0], np.cumsum(docs))).astype(np.int64)
        return UnitIndex(tuple(c.path for c in self.chunks), self.firsts, firsts)

    def read(
        self, level: str, numbers: np.ndarray, k: int, stock: np.ndarray
    ) -> tuple[dict[int, Unit], dict[int, Shingles]]:
        """:func:`read_units` of this store."""
        return read_units(self.index(), level, numbers, k, stock)
