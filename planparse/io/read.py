"""Read plan files: plain text in any common Chinese encoding, .docx, .pdf and .html.

Offsets everywhere in planparse index the string that :func:`read_text` returns: the
decoded file, with line ends kept as they were (CRLF stays CRLF).  Every failure is a
:class:`ReadError` whose message names the file and says what to do.

Examples:
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "plan.txt"
    >>> _ = path.write_bytes("一、加强学习\\r\\n".encode("gb18030"))
    >>> read_source(path).encoding, read_text(path)
    ('gb18030', '一、加强学习\\r\\n')
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from planparse.io.errors import (
    BinaryFileError,
    EmptyFileError,
    EncodingError,
    FileTooLargeError,
    UnsupportedFileError,
    os_failure,
)

#: Files larger than this are refused (``max_bytes`` raises or lowers it).
MAX_BYTES = 100 * 2**20

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ""})
SUFFIXES = TEXT_SUFFIXES | {".docx", ".pdf", ".html", ".htm"}
#: What a folder walk picks up: plan documents, and old office formats so they are reported.
#: Data and code files beside the plans (.tsv, .csv, .json, .py, README.md …) are passed over.
WALKED = frozenset(
    {".txt", ".text", ".docx", ".pdf", ".html", ".htm", "", ".doc", ".wps", ".rtf", ".odt"}
)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936"}
# The most frequent Chinese characters (simplified and traditional forms of plan vocabulary).
_COMMON = frozenset(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种"
    "面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本"
    "去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比"
    "或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做"
    "必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权"
    "收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信"
    "马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连"
    "断深难近矿千周委素技备半办青省列习响约支般史感劳便团往历市克何除消构府称太准精值号率族维划选标写存候"
    "亲快效院查型眼按格养易置派层片始却专状育识适属包火住调满县局照参细引听该价严妇女儿童婦聯們國會發經"
    "計劃對時動產業實這來過學與進開關為組織權維護區縣鄉鎮村庭愛樂衛"
)


@dataclass(frozen=True, slots=True)
class Source:
    """A decoded file: its text, the encoding or format it came in, its size in bytes, and
    what went wrong without stopping the read (a file cut mid-character, a reader library's
    complaints), one message each."""

    path: str
    text: str
    encoding: str
    size: int
    warnings: tuple[str, ...] = ()


def decode_bytes(data: bytes, path: str | os.PathLike[str] = "<bytes>") -> tuple[str, str]:
    """Decode plan text bytes; returns ``(text, encoding)``.

    Order: byte-order mark, UTF-16 without one (told by where its NUL bytes fall), strict
    UTF-8 (a file cut inside its last character is decoded up to the cut), then
    charset-normalizer's best guess (any GB encoding is read as GB18030, their superset).
    Raises :class:`BinaryFileError` or :class:`EncodingError`.

    Examples:
        >>> decode_bytes("妇联".encode("gbk"))
        ('妇联', 'gb18030')
        >>> decode_bytes("一、妇联\\n".encode("utf-16-le"))
        ('一、妇联\\n', 'utf-16-le')
    """
    return decode_with_warnings(data, path)[:2]


def decode_with_warnings(
    data: bytes, path: str | os.PathLike[str] = "<bytes>"
) -> tuple[str, str, tuple[str, ...]]:
    """:func:`decode_bytes`, with the warnings of a lossy decoding.

    Examples:
        >>> text, encoding, notes = decode_with_warnings("一、妇联".encode("utf-8")[:-1])
        >>> text, encoding, len(notes)
        ('一、妇', 'utf-8', 1)
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_marked(data, encoding, path), encoding, ()
    if b"\x00" in data[:65536]:
        return (*_utf16_without_mark(data, path), ())
    try:
        return data.decode("utf-8"), "utf-8", ()
    except UnicodeDecodeError as exc:
        cut = _cut_utf8(data, exc)
    if cut is not None:
        kept = len(cut.encode("utf-8"))
        return (
            cut,
            "utf-8",
            (
                (
                    f"the file ends inside a UTF-8 character (cut off?); decoded the first "
                    f"{kept} of {len(data)} bytes"
                ),
            ),
        )
    return (*_guess(data, path), ())


def _decode_marked(data: bytes, encoding: str, path: str | os.PathLike[str]) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise EncodingError(
            path,
            f"starts with a {encoding} byte-order mark but is not "
            f"valid {encoding} ({exc.reason} at byte {exc.start})",
        ) from None


def _cut_utf8(data: bytes, exc: UnicodeDecodeError) -> str | None:
    """The text before a UTF-8 character cut off by the end of the file, if that is the only
    fault (the rest decodes strictly)."""
    if exc.reason != "unexpected end of data" or len(data) - exc.start > 3:
        return None
    text = data[: exc.start].decode("utf-8")
    return text if text.strip() else None


def _utf16_without_mark(data: bytes, path: str | os.PathLike[str]) -> tuple[str, str]:
    """UTF-16 text without a byte-order mark, else a binary file.

    In UTF-16 Chinese text most NUL bytes are the high bytes of ASCII characters (line ends,
    digits, spaces), so they fall on odd offsets (little-endian) or on even ones
    (big-endian); the byte order with more of them is tried first, and a decoding is taken
    only when it is printable text with common Chinese in it (a binary file is not).
    """
    sample = data[:65536]
    odd = sample[1::2].count(0)
    orders = (
        ("utf-16-le", "utf-16-be") if odd >= sample.count(0) - odd else ("utf-16-be", "utf-16-le")
    )
    for encoding in orders if len(data) % 2 == 0 else ():
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text, encoding
    raise BinaryFileError(path, "binary file (contains NUL bytes); not a text plan")


def _looks_like_text(text: str) -> bool:
    """Printable text with some common Chinese in it (not a binary that happened to decode)."""
    if not text.strip():
        return False
    control = sum(1 for c in text if c < " " and c not in "\r\n\t\f")
    return control == 0 and _common_share(text) > 0.2


def _common_share(text: str) -> float:
    """Share of CJK characters in ``text`` that are among the most common Chinese ones."""
    cjk = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    return sum(c in _COMMON for c in cjk) / len(cjk) if cjk else 0.0


def _guess(data: bytes, path: str | os.PathLike[str]) -> tuple[str, str]:
    """GB18030 or Big5, whichever decodes to more common characters; else charset detection.

    Statistical detectors mistake short GBK text for Big5 (their byte ranges overlap), so
    the two Chinese encodings are compared on a character-frequency model first.
    """
    sample = data[: 2**20]
    scored = []
    for encoding in ("gb18030", "big5"):
        try:
            scored.append((_common_share(sample.decode(encoding, errors="strict")), encoding))
        except UnicodeDecodeError:
            continue
    if scored and max(scored)[0] > 0:
        encoding = max(scored)[1]
    else:
        from charset_normalizer import from_bytes

        best = from_bytes(sample).best()
        encoding = best.encoding if best is not None else "gb18030"
        encoding = "gb18030" if encoding.replace("_", "") in _GB_FAMILY else encoding
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError):
        raise EncodingError(
            path,
            "cannot tell the text encoding (tried UTF-8, GB18030, Big5 and "
            "charset detection); re-save the file as UTF-8",
        ) from None


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise FileTooLargeError(
                path,
                f"file is {size / 2**20:.0f} MiB, over the "
                f"{max_bytes / 2**20:.0f} MiB limit (max_bytes)",
            )
        return path.read_bytes()
    except OSError as exc:
        raise os_failure(path, exc) from None


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
    notes: list[str] = []
    if suffix == ".docx":
        from planparse.io.extract import docx_text

        text, encoding = docx_text(data, path), "docx"
    elif suffix == ".pdf":
        from planparse.io.extract import pdf_text

        text, encoding = pdf_text(data, path, notes), "pdf"
    else:
        text, encoding, lossy = decode_with_warnings(data, path)
        notes.extend(lossy)
        if suffix in (".html", ".htm"):
            from planparse.io.extract import html_text

            text, encoding = html_text(text), f"html/{encoding}"
    if not text.strip():
        raise EmptyFileError(
            path,
            "no text in file" if encoding in ("docx", "pdf") else "file holds only white space",
        )
    return Source(str(path), text, encoding, len(data), tuple(notes))


def read_text(path: str | os.PathLike[str], max_bytes: int = MAX_BYTES) -> str:
    """The decoded text of one plan file (.txt in any encoding, .docx, .pdf, .html).

    Examples:
        >>> import pathlib, tempfile
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
        >>> _ = p.write_text("一、学习", encoding="utf-16")
        >>> read_text(p)
        '一、学习'
    """
    return read_source(path, max_bytes).text


def iter_files(
    paths: Iterable[str | os.PathLike[str]], exclude: Iterable[str | os.PathLike[str]] = ()
) -> Iterator[tuple[str, Path]]:
    """``(doc_id, path)`` for every file under ``paths``, in a stable order.

    A directory is walked recursively in sorted order, skipping hidden entries, the folders
    in ``exclude`` (an output folder inside the archive) and files that are not documents
    (see :data:`WALKED`); links to folders are not followed, so a link loop cannot trap the
    walk.  A folder that cannot be listed and a link that leads nowhere are yielded, and
    fail when they are read, so a batch goes on.  Each file's ``doc_id`` is its path
    relative to that directory (POSIX slashes); a file given directly has its name as
    ``doc_id``.  Raises :class:`DocIdCollisionError` when two inputs would share a
    ``doc_id``.

    Examples:
        >>> import pathlib, tempfile
        >>> root = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (root / "b").mkdir(); _ = (root / "b" / "x.txt").write_text("x")
        >>> _ = (root / "a.txt").write_text("y")
        >>> [doc_id for doc_id, _ in iter_files([root])]
        ['a.txt', 'b/x.txt']
        >>> [doc_id for doc_id, _ in iter_files([root], exclude=[root / "b"])]
        ['a.txt']
    """
    seen: dict[str, Path] = {}
    skipped = {_identity(folder) for folder in exclude} - {None}
    for root in map(Path, paths):
        if root.is_dir():
            found = ((f.relative_to(root).as_posix(), f) for f in _walk(root, skipped))
        else:  # a missing file fails when it is read, so a batch goes on
            found = iter([(root.name, root)])
        for doc_id, path in found:
            if doc_id in seen and seen[doc_id] != path:
                raise DocIdCollisionError(
                    f"{path} and {seen[doc_id]} would both be doc_id {doc_id!r}; "
                    "pass their folders one at a time or rename one"
                )
            seen[doc_id] = path
            yield doc_id, path


class DocIdCollisionError(ValueError):
    """Two input files would get the same ``doc_id``."""


def _identity(path: str | os.PathLike[str]) -> tuple[int, int] | None:
    """A folder's device and inode (``None`` if it does not exist): the same folder
    whatever path names it."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def _walk(root: Path, skipped: set) -> Iterator[Path]:
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:  # reading it reports why (permission, I/O error …)
        yield root
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if _is_folder(entry):
            if _identity(entry.path) not in skipped:
                yield from _walk(Path(entry.path), skipped)
        elif Path(entry.name).suffix.lower() in WALKED:
            yield Path(entry.path)


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def texts_of(paths: Mapping[str, str | os.PathLike[str]], docs: Iterable[str]) -> dict[str, str]:
    """The decoded text of each of ``docs``; ``paths`` maps a ``doc_id`` to its file.

    Examples:
        >>> import planparse
        >>> path = sorted(planparse.sample_path().glob("*.txt"))[0]
        >>> texts = texts_of({"a": path}, ["a", "a"])
        >>> list(texts), len(texts["a"]) > 0
        (['a'], True)
    """
    return {doc: read_source(paths[doc]).text for doc in dict.fromkeys(docs)}


def read_texts(paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str]) -> dict[str, str]:
    """``{doc_id: text}`` of every readable file under ``paths``, with the ``doc_id`` that
    :func:`planparse.parse_files` gives the same ``paths``: the texts that copy-paste
    detection reports offsets into.

    Examples:
        >>> import planparse
        >>> texts = read_texts(planparse.sample_path())
        >>> len(texts) > 50
        True
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    texts = {}
    for doc_id, path in iter_files(paths):
        try:
            texts[doc_id] = read_source(path).text
        except Exception:  # noqa: BLE001 - parse_files reports the file; it has no text
            continue
    return texts


def file_hash(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's bytes ("" if it cannot be read)."""
    import hashlib

    digest = hashlib.sha256()
    try:
        with open(path, "rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()
