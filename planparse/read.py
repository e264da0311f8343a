"""Read plan files: plain text in any common Chinese encoding, .docx, .pdf and .html.

Offsets everywhere in planparse index the string that :func:`read_text` returns: the
decoded file, with line ends kept as they were (CRLF stays CRLF).  Every failure is a
:class:`ReadError` whose message names the file and says what to do.

Example:
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "plan.txt"
    >>> _ = path.write_bytes("一、加强学习\\r\\n".encode("gb18030"))
    >>> read_source(path).encoding, read_text(path)
    ('gb18030', '一、加强学习\\r\\n')
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

#: Files larger than this are refused (``max_bytes`` raises or lowers it).
MAX_BYTES = 100 * 2**20

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ""})
SUFFIXES = TEXT_SUFFIXES | {".docx", ".pdf", ".html", ".htm"}

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936"}


class ReadError(Exception):
    """A file that cannot be read as a plan; ``reason`` is a short machine-friendly tag."""

    reason = "unreadable"

    def __init__(self, path: str | os.PathLike[str], message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = str(path)
        self.message = message


class EmptyFileError(ReadError):
    reason = "empty"


class BinaryFileError(ReadError):
    reason = "binary"


class EncodingError(ReadError):
    reason = "unknown encoding"


class FileTooLargeError(ReadError):
    reason = "too large"


class UnsupportedFileError(ReadError):
    reason = "unsupported type"


class CorruptFileError(ReadError):
    reason = "corrupt"


@dataclass(frozen=True, slots=True)
class Source:
    """A decoded file: its text, the encoding or format it came in, and its size in bytes."""

    path: str
    text: str
    encoding: str
    size: int


def decode_bytes(data: bytes, path: str | os.PathLike[str] = "<bytes>") -> tuple[str, str]:
    """Decode plan text bytes; returns ``(text, encoding)``.

    Order: byte-order mark, strict UTF-8, then charset-normalizer's best guess (any GB
    encoding is read as GB18030, their superset).  Raises :class:`BinaryFileError` or
    :class:`EncodingError`.

    Example:
        >>> decode_bytes("妇联".encode("gbk"))
        ('妇联', 'gb18030')
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise EncodingError(path, f"starts with a {encoding} byte-order mark but is not "
                                          f"valid {encoding} ({exc.reason} at byte {exc.start})")
    if b"\x00" in data[:65536]:
        raise BinaryFileError(path, "binary file (contains NUL bytes); not a text plan")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    return _guess(data, path)


def _guess(data: bytes, path: str | os.PathLike[str]) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 4 * 2**20]).best()
    encoding = best.encoding if best is not None else None
    if encoding is None or encoding.replace("_", "") in _GB_FAMILY:
        encoding = "gb18030"
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError):
        raise EncodingError(path, "cannot tell the text encoding (tried UTF-8, GB18030 and "
                                  "charset detection); re-save the file as UTF-8") from None


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise FileTooLargeError(path, f"file is {size / 2**20:.0f} MiB, over the "
                                          f"{max_bytes / 2**20:.0f} MiB limit (max_bytes)")
        return path.read_bytes()
    except PermissionError:
        raise ReadError(path, "permission denied") from None
    except IsADirectoryError:
        raise ReadError(path, "is a directory; use iter_files() or parse_files()") from None
    except FileNotFoundError:
        raise ReadError(path, "no such file") from None


def read_source(path: str | os.PathLike[str], max_bytes: int = MAX_BYTES) -> Source:
    """Read one file into a :class:`Source` (text plus how it was decoded).

    Raises a :class:`ReadError` subclass for empty, binary, oversized, corrupt or
    unsupported files.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        hint = " (convert it to .docx first)" if suffix in (".doc", ".wps", ".rtf") else ""
        raise UnsupportedFileError(path, f"unsupported file type {suffix!r}{hint}")
    data = _read_bytes(path, max_bytes)
    if not data.strip():
        raise EmptyFileError(path, "empty file")
    if suffix == ".docx":
        from planparse.formats import docx_text

        text, encoding = docx_text(data, path), "docx"
    elif suffix == ".pdf":
        from planparse.formats import pdf_text

        text, encoding = pdf_text(data, path), "pdf"
    else:
        text, encoding = decode_bytes(data, path)
        if suffix in (".html", ".htm"):
            from planparse.formats import html_text

            text, encoding = html_text(text), f"html/{encoding}"
    if not text.strip():
        raise EmptyFileError(path, "no text in file" if encoding in ("docx", "pdf")
                             else "file holds only white space")
    return Source(str(path), text, encoding, len(data))


def read_text(path: str | os.PathLike[str], max_bytes: int = MAX_BYTES) -> str:
    """The decoded text of one plan file (.txt in any encoding, .docx, .pdf, .html).

    Example:
        >>> import pathlib, tempfile
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
        >>> _ = p.write_text("一、学习", encoding="utf-16")
        >>> read_text(p)
        '一、学习'
    """
    return read_source(path, max_bytes).text


def iter_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[str, Path]]:
    """``(doc_id, path)`` for every file under ``paths``, in a stable order.

    A directory is walked recursively in sorted order, skipping hidden entries; each file's
    ``doc_id`` is its path relative to that directory (POSIX slashes).  A file given
    directly has its name as ``doc_id``.  Raises ``ValueError`` when two inputs would share
    a ``doc_id``; a path that does not exist is yielded and fails when it is read.

    Example:
        >>> import pathlib, tempfile
        >>> root = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (root / "b").mkdir(); _ = (root / "b" / "x.txt").write_text("x")
        >>> _ = (root / "a.txt").write_text("y")
        >>> [doc_id for doc_id, _ in iter_files([root])]
        ['a.txt', 'b/x.txt']
    """
    seen: dict[str, Path] = {}
    for root in map(Path, paths):
        if root.is_dir():
            found = ((f.relative_to(root).as_posix(), f) for f in _walk(root))
        else:  # a missing file fails when it is read, so a batch goes on
            found = iter([(root.name, root)])
        for doc_id, path in found:
            if doc_id in seen and seen[doc_id] != path:
                raise ValueError(f"{path} and {seen[doc_id]} would both be doc_id {doc_id!r}; "
                                 "pass their folders one at a time or rename one")
            seen[doc_id] = path
            yield doc_id, path


def _walk(root: Path) -> Iterator[Path]:
    entries = sorted(os.scandir(root), key=lambda e: e.name)
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path))
        else:
            yield Path(entry.path)
