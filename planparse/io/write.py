"""Writing outputs: every file planparse writes goes through :func:`atomic_write`, so a
reader never sees half a file and a failed write leaves no temporary behind.

Examples:
    >>> import pathlib, tempfile
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> write_text(target, "一").read_text(encoding="utf-8")
    '一'
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


def atomic_write(path: Path, write: Callable[[Path], Any]) -> Path:
    """Write ``path`` through ``write(temporary)`` and a rename.  The temporary keeps the
    suffix (writers pick the format from it).

    Examples:
        >>> import pathlib, tempfile
        >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
        >>> atomic_write(target, lambda p: p.write_text("一")).read_text()
        '一'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.stem}.tmp-{os.getpid()}{path.suffix}")
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def write_text(path: Path, text: str) -> Path:
    """:func:`atomic_write` of UTF-8 text."""
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def write_frame(path: Path, frame: pd.DataFrame) -> Path:
    """:func:`atomic_write` of a table, as parquet or CSV by the file's suffix (no index)."""
    if Path(path).suffix == ".parquet":
        return atomic_write(path, lambda p: frame.to_parquet(p, index=False))
    return atomic_write(path, lambda p: frame.to_csv(p, index=False))


def write_csv(path: Path, rows: list[dict], columns: Iterable[str]) -> Path:
    """Records as a CSV with exactly ``columns`` (a header alone when there are none)."""
    import pandas as pd

    return write_frame(path, pd.DataFrame(rows, columns=list(columns)))


def join_parquet(parts: list[str], path: Path) -> Path:
    """Join parquet files with one schema into one, a file at a time (the whole table is
    never in memory)."""
    import pyarrow.parquet as pq

    def join(temporary: Path) -> None:
        first = pq.read_schema(parts[0])
        with pq.ParquetWriter(temporary, first) as writer:
            for part in parts:
                writer.write_table(pq.read_table(part).cast(first))

    return atomic_write(path, join)
