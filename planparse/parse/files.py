"""Read and parse files into item rows; a bad file is reported, never fatal.

:func:`parse_chunk` is the one implementation: the archive run calls it on each chunk of
files, and :func:`parse_files` (the in-memory API) is its one-chunk case.

Examples:
    >>> import pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "a.txt").write_text("一、学习\\n二、活动\\n", encoding="utf-8")
    >>> _ = (root / "empty.txt").write_bytes(b"")
    >>> df = parse_files([root])
    >>> len(df), [f["doc_id"] for f in df.attrs["failures"]]
    (2, ['empty.txt'])
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from planparse.io.errors import failure_of
from planparse.io.read import MAX_BYTES, iter_files, read_source
from planparse.parse import parse
from planparse.tree import Document

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class ParsedChunk:
    """What :func:`parse_chunk` gives back: each parsed file's rows (in file order), the
    files that failed (``errors.csv`` rows) and the files read with a loss
    (``warnings.csv`` rows)."""

    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    failures: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)


def parse_chunk(
    files: Iterable[tuple[str, str | os.PathLike[str]]], max_bytes: int = MAX_BYTES
) -> ParsedChunk:
    """Read and parse each ``(doc_id, path)``.  Whatever goes wrong with one file (an
    operating-system error, a decoder error, a fault in parsing) is that file's failure.

    Examples:
        >>> parse_chunk([("x", "/no/such/file.txt")]).failures[0]["reason"]
        'missing'
    """
    from planparse.schema import document_rows

    done = ParsedChunk()
    for doc_id, path in files:
        try:
            source = read_source(path, max_bytes)
            done.rows[doc_id] = document_rows(parse(source.text, doc_id=doc_id))
        except Exception as exc:  # one file never stops the batch
            done.failures.append(asdict(failure_of(doc_id, path, exc)))
            continue
        done.warnings += [
            {"doc_id": doc_id, "path": str(path), "message": m} for m in source.warnings
        ]
    return done


def parse_file(
    path: str | os.PathLike[str], doc_id: str | None = None, max_bytes: int = MAX_BYTES
) -> Document:
    """Read and parse one file; raises :class:`~planparse.io.errors.ReadError` if it is
    unreadable.

    Examples:
        >>> import pathlib, tempfile
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
        >>> _ = p.write_text("一、学习\\n", encoding="utf-8")
        >>> parse_file(p).plans[0].nodes[0].text
        '学习'
    """
    source = read_source(path, max_bytes)
    return parse(source.text, doc_id=doc_id if doc_id is not None else os.path.basename(path))


def parse_files(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str], max_bytes: int = MAX_BYTES
) -> pd.DataFrame:
    """Parse files and folders into one item table (see :mod:`planparse.schema`).

    Files that cannot be read are skipped with one warning; they are listed in
    ``df.attrs["failures"]`` as dicts with ``doc_id``, ``path``, ``reason`` and ``message``;
    ``df.attrs["warnings"]`` lists the files read with a loss (``doc_id``, ``path``,
    ``message``).  Stages that report offsets into the files (copy-paste) are given the
    texts explicitly: :func:`planparse.io.read.read_texts` of the same ``paths``.

    Examples:
        >>> import pathlib, tempfile, warnings
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "a.txt").write_text("一、学习\\n二、培训\\n", encoding="utf-8")
        >>> _ = (folder / "b.txt").write_bytes(b"")
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     table = parse_files(folder)
        >>> table["text"].tolist(), [f["reason"] for f in table.attrs["failures"]]
        (['学习', '培训'], ['empty'])
    """
    from planparse.schema import frame_from_rows

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    done = parse_chunk(iter_files(paths), max_bytes)
    frame = frame_from_rows(row for rows in done.rows.values() for row in rows)
    frame.attrs["failures"] = _Shared(done.failures)
    frame.attrs["warnings"] = _Shared(done.warnings)
    if done.failures:
        warnings.warn(
            f"{len(done.failures)} file(s) could not be read, e.g. "
            f"{done.failures[0]['message']}; see df.attrs['failures']",
            stacklevel=2,
        )
    return frame


class _Shared(list):
    """A list that deep-copies as itself: pandas deep-copies ``DataFrame.attrs`` on every
    operation that derives a frame, and that cost grew with the archive on every slice.
    The contents are never mutated."""

    def __deepcopy__(self, memo: dict) -> _Shared:
        return self
