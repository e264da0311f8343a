"""The item table of a run, kept in chunks of whole files on disk.

The per-file stage writes each chunk of :data:`CHUNK_FILES` files as its own parquet file
(:class:`ChunkStore`), beside a record of the key it was made with; archive-wide stages read
the chunks a few columns at a time (:func:`read_parts`), so the whole table is never held
in one process.  A chunk is the unit of parallel work, of memory and of resuming, and the
copy-paste search and theme counting take the same chunks.

Examples:
    >>> [len(c) for c in chunked([("a", "a.txt")] * 5, 2)]
    [2, 2, 1]
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from planparse.io.write import atomic_write, write_text

if TYPE_CHECKING:
    import pandas as pd

#: Files per chunk: the unit of parallel work, of memory and of resuming.
CHUNK_FILES = 64

#: The item table as the per-file stage wrote it: ``(parquet file, doc_ids in it)`` per
#: chunk, in order.
Parts = list[tuple[str, list[str]]]

T = TypeVar("T")


def chunked(files: list[T], size: int = CHUNK_FILES) -> list[list[T]]:
    """``files`` cut into runs of ``size``, in order: chunks are formed from the sorted file
    list, so they do not depend on the number of processes."""
    return [files[start : start + size] for start in range(0, len(files), size)]


class ChunkStore:
    """The chunk files of one output folder.  Each chunk's record holds the key it was made
    with (its files' SHA-256 and every setting that changes its rows); a chunk is reused only
    for the same key."""

    def __init__(self, out: Path) -> None:
        self.folder = Path(out) / "chunks"
        self.folder.mkdir(parents=True, exist_ok=True)

    def paths(self, k: int) -> tuple[Path, Path]:
        """The chunk's rows (parquet) and its record (JSON)."""
        return self.folder / f"items-{k:05d}.parquet", self.folder / f"items-{k:05d}.json"

    def done(self, k: int, key: dict) -> bool:
        """Whether chunk ``k`` was made, with this key."""
        data, record = self.paths(k)
        if not (data.is_file() and record.is_file()):
            return False
        try:
            return json.loads(record.read_text("utf-8")).get("key") == key
        except (OSError, ValueError):  # a damaged record: the chunk is made again
            return False

    def write(
        self, k: int, items: pd.DataFrame, failures: list[dict], notes: list[dict], key: dict
    ) -> None:
        """Chunk ``k``: its rows, then its record (failures, warnings, key)."""
        data, record = self.paths(k)
        atomic_write(data, lambda p: items.to_parquet(p, index=False))
        held = {"key": key, "failures": failures, "warnings": notes}
        write_text(record, json.dumps(held, ensure_ascii=False))

    def record(self, k: int) -> dict:
        """Chunk ``k``'s record."""
        return json.loads(self.paths(k)[1].read_text("utf-8"))

    def prune(self, count: int) -> None:
        """Remove the chunks numbered ``count`` and up, left by a run of more files."""
        for path in self.folder.glob("items-[0-9]*.*"):
            if int(path.name[6:11]) >= count:
                path.unlink(missing_ok=True)

    def parts(self, chunks: list[list[tuple[str, object]]]) -> Parts:
        """The chunks that hold rows, as :data:`Parts` (a chunk of failed files has no typed
        columns and is left out)."""
        import pyarrow.parquet as pq

        return [
            (str(self.paths(k)[0]), [doc for doc, _ in chunk])
            for k, chunk in enumerate(chunks)
            if pq.read_metadata(self.paths(k)[0]).num_rows
        ]


def read_parts(parts: Parts, columns: list[str], docs: set[str] | None = None) -> pd.DataFrame:
    """The given columns of the item table; with ``docs``, only their rows (and only the
    chunks that hold them are read)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    chosen = [p for p, held in parts if docs is None or docs.intersection(held)]
    wanted = pa.array(sorted(docs or ()), pa.string())

    def read(path: str) -> pa.Table:  # each chunk filtered as it is read: only those rows held
        table = pq.read_table(path, columns=columns)
        return table if docs is None else table.filter(pc.is_in(table["doc_id"], wanted))

    return pa.concat_tables([read(p) for p in chosen or [parts[0][0]]]).to_pandas()


def by_part(table: pd.DataFrame | None, parts: Parts) -> list:
    """The rows of ``table`` (keyed by ``doc_id``) that belong to each chunk's files, so a
    worker gets its own rows, not the archive's; ``None`` for every chunk without a table."""
    if table is None:
        return [None] * len(parts)
    part_of = {doc: n for n, (_, docs) in enumerate(parts) for doc in docs}
    grouped = dict(tuple(table.groupby(table.doc_id.map(part_of), sort=False)))
    return [grouped.get(n, table.iloc[:0]) for n in range(len(parts))]
