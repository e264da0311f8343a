"""The units of an archive kept on disk a chunk at a time, for the copy-paste search.

A search compares files that share a fingerprint, and it needs a file's text only twice: to
fingerprint it, and again if it turns up in a candidate pair.  So each chunk of the item
table (whole files, in table order) is turned into units once and written to a folder of
``.npy`` arrays: its files' matching text (kept code points joined by NUL, and the original
offset of each), one row per unit (level, file, plan, key, original span, span in the code
points), and the marks of its stock phrases and notices (:func:`store_fingerprints`).  The
search holds the fingerprints, and each comparison batch reads its files back
(:func:`read_docs`, through memory maps): never the archive's texts.

Global file numbers run over the chunks in order, so they are the positions the files would
have in one table.

Examples:
    >>> import planparse, tempfile
    >>> text = "社区工作计划\\n一、开展法律援助活动，为困难妇女提供免费法律咨询和代理服务。\\n"
    >>> items = planparse.parse(text, doc_id="a").to_frame()
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     store = UnitStore.build([(items, {"a": text})], folder, 4, 10, True, ("plan", "item"))
    ...     _ = store_fingerprints(store.chunks[0].path, [], 39, 12)
    ...     (doc,) = store.index().docs([0])
    >>> doc.name, doc.keys.tolist()
    ('a', ['a#1', 'a#1/1'])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as default
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from planparse.reuse.fingerprint import NOTICE, fingerprints, mark_text
from planparse.reuse.units import LEVELS, Unit, table_rows, units_by_level

if TYPE_CHECKING:
    import pandas as pd

#: A chunk of the item table: ``(items, texts)`` with whole files, or a function without
#: arguments that returns them (picklable, so a worker process can read the chunk itself).
Chunk = tuple["pd.DataFrame", Mapping[str, str]] | Callable[[], tuple]


@dataclass(frozen=True)
class StoredChunk:
    """What the search keeps in memory of one stored chunk."""

    path: str
    #: Units of each level, in :data:`~planparse.reuse.units.LEVELS` order.
    counts: tuple[int, ...]
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
) -> StoredChunk:
    """Build one chunk's units and write them to the folder ``path``; runs in a worker
    process."""
    items, texts = chunk() if callable(chunk) else chunk
    rows = table_rows(items)
    made = units_by_level(items, texts, tuple(levels), min_chars, simplified, rows=rows)
    arrays = _chunk_arrays([unit for level in levels for unit in made[level]])
    Path(path).mkdir(parents=True, exist_ok=True)
    for name, array in arrays.items():
        np.save(Path(path) / f"{name}.npy", array)
    return StoredChunk(path, tuple(len(made.get(level, ())) for level in LEVELS), plan_titles(rows))


def plan_titles(rows: list[tuple]) -> pd.DataFrame:
    """``doc_id``, ``plan_no`` and the first title given, one row per plan in table order
    (``groupby(...).first()`` on the table, whose fixed cost was a fifth of storing a
    chunk), from the table's :func:`~planparse.reuse.units.table_rows`.

    Examples:
        >>> rows = [("a", 0, None), ("a", 1, None), ("a", 1, "计划"), ("b", 1, "总结")]
        >>> plan_titles([r + (None,) * 6 for r in rows]).values.tolist()
        [['a', 1, '计划'], ['b', 1, '总结']]
    """
    import pandas as pd

    chosen: dict[tuple, object] = {}
    for doc, plan, title, *_ in rows:
        if plan > 0 and pd.isna(chosen.get((doc, plan))):
            chosen[(doc, plan)] = title
    found = [(doc, plan, title) for (doc, plan), title in chosen.items()]
    return pd.DataFrame(found, columns=["doc_id", "plan_no", "plan_title"])


def _chunk_arrays(units: list[Unit]) -> dict[str, np.ndarray]:
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
    return {
        "codes": codes,
        "offsets": offsets,
        "docs": np.array(list(sources), dtype=str),
        "units": table,
        "keys": np.array([u.key for u in units], dtype=str),
        "bases": base,
        "flags": flags.astype(bool),
    }


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


def read_docs(path: str, numbers: list[int]) -> list[StoredDoc]:
    """Files of the stored chunk ``path`` by number (each with its own copies of the
    arrays): the chunk's arrays are looked up once for them all."""
    arrays = _opened(path, (Path(path) / "marks.npy").stat().st_mtime_ns)
    bases, table = arrays["bases"], arrays["units"]
    ends = np.append(np.asarray(bases[1:]) - 1, len(arrays["codes"]))
    unit_bounds = np.searchsorted(table["doc"], np.arange(len(bases) + 1)).tolist()
    found = []
    for local in numbers:
        lo, hi = int(bases[local]), int(ends[local])
        first, last = unit_bounds[local], unit_bounds[local + 1]
        mine = table[first:last]
        units = np.stack(
            [mine["level"], mine["plan"], mine["lo"] - lo, mine["hi"] - lo], axis=1
        ).astype(np.int64)
        found.append(
            StoredDoc(
                str(arrays["docs"][local]),
                np.array(arrays["codes"][lo:hi]),
                np.array(arrays["offsets"][lo:hi]),
                np.array(arrays["marks"][lo:hi]),
                units.reshape(-1, 4),
                np.array(arrays["keys"][first:last]),
            )
        )
    return found


def _open_chunks() -> int:
    """How many stored chunks a process keeps open: each holds three memory maps (three
    file descriptors), so a quarter of the descriptor limit at most."""
    try:
        import resource

        limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    except (ImportError, ValueError):
        limit = 1024
    return max(16, min(4096, (limit if limit > 0 else 1024) // 12))


@lru_cache(maxsize=_open_chunks())
def _opened(path: str, version: int) -> dict[str, np.ndarray]:
    """The arrays of a stored chunk, opened once per process: the text arrays as memory
    maps, the small per-file and per-unit ones read whole (opening them for every file was
    most of the passage search, and a comparison batch meets files of every chunk, so the
    cache holds many chunks); ``version`` (when the marks were written) keeps a folder used
    again from serving the last search's arrays."""
    arrays = {name: _array(path, name) for name in ("codes", "offsets", "marks")}
    for name in ("bases", "units", "docs", "keys"):
        arrays[name] = np.load(Path(path) / f"{name}.npy")
    order = np.argsort(arrays["units"]["doc"], kind="stable")  # by file
    arrays["units"], arrays["keys"] = arrays["units"][order], arrays["keys"][order]
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

    def docs(self, numbers: list[int]) -> list[StoredDoc]:
        """Files by global number (sorted), each chunk that holds some looked up once."""
        chunk = np.searchsorted(self.doc_firsts, numbers, "right") - 1
        found: list[StoredDoc] = []
        for n in np.unique(chunk).tolist():
            local = np.asarray(numbers)[chunk == n] - int(self.doc_firsts[n])
            found += read_docs(self.paths[n], local.tolist())
        return found


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
        jobs: int = 1,
        pool: Any = None,
    ) -> UnitStore:
        """Store every chunk (in ``jobs`` processes, or ``pool``), in order."""
        from planparse.workers import map_in_processes

        given = list(chunks)
        paths = [str(Path(folder) / f"units-{n:06d}") for n in range(len(given))]
        constant = (k, min_chars, simplified, tuple(levels))
        stored = map_in_processes(
            store_chunk, given, paths, *([c] * len(given) for c in constant), jobs=jobs, pool=pool
        )
        return cls(stored, levels)

    def count(self, level: str) -> int:
        """Units of ``level`` in the archive."""
        return int(self.firsts[level][-1])

    def titles(self) -> pd.DataFrame:
        """``doc_id``, ``plan_no``, ``plan_title``, one row per plan."""
        import pandas as pd

        frames = [c.titles for c in self.chunks]
        return pd.concat(frames or [pd.DataFrame(columns=["doc_id", "plan_no", "plan_title"])])

    def index(self) -> UnitIndex:
        """Where the files and units are (for :meth:`UnitIndex.docs`, in any process)."""
        docs = [len(_array(c.path, "bases")) for c in self.chunks]
        firsts = np.concatenate(([0], np.cumsum(docs))).astype(np.int64)
        return UnitIndex(tuple(c.path for c in self.chunks), self.firsts, firsts)
