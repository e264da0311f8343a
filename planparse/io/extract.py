"""Text out of .docx, .pdf and .html files (optional extras ``docx`` and ``pdf``).

Word keeps automatic list numbering ("一、", "（一）" typed by Word, not by the writer)
outside the paragraph text.  :func:`docx_text` renders it back from the numbering
definitions, so such lists parse like typed ones.

Examples:
    >>> html_text("<p>一、学习</p><script>x()</script><p>二、活动</p>")
    '一、学习\\n二、活动\\n'
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import warnings
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from planparse.io.errors import CorruptFileError, ReadError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CN = "一二三四五六七八九"
_CN_UPPER = "壹贰叁肆伍陆柒捌玖"
_STEMS = "甲乙丙丁戊己庚辛壬癸"


def chinese_numeral(n: int, digits: str = _CN, ten: str = "十") -> str:
    """``n`` (1–99) as a Chinese numeral: 1 → 一, 10 → 十, 23 → 二十三.

    Examples:
        >>> chinese_numeral(12), chinese_numeral(30)
        ('十二', '三十')
    """
    if n < 10:
        return digits[n - 1] if n > 0 else "〇"
    tens, ones = divmod(n, 10)
    return (digits[tens - 1] if tens > 1 else "") + ten + (digits[ones - 1] if ones else "")


def _roman(n: int) -> str:
    out = ""
    for value, letters in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out, n = out + letters, n - value
    return out


def format_number(n: int, fmt: str) -> str:
    """A list counter in one of Word's ``w:numFmt`` formats.

    Examples:
        >>> format_number(3, "chineseCounting"), format_number(2, "decimalEnclosedCircle")
        ('三', '②')
    """
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "japaneseCounting",
        "taiwaneseCounting",
        "taiwaneseCountingThousand",
        "ideographDigital",
    ):
        return chinese_numeral(n)
    if fmt == "chineseLegalSimplified":
        return chinese_numeral(n, _CN_UPPER, "拾")
    if fmt in ("ideographTraditional", "ideographZodiac"):
        return _STEMS[(n - 1) % 10]
    if fmt.startswith("decimalEnclosedCircle") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalEnclosedParen" and 1 <= n <= 20:
        return chr(0x2474 + n - 1)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(n)
        return roman.lower() if fmt == "lowerRoman" else roman
    if fmt == "none":
        return ""
    return str(n)


class _Numbering:
    """Word's numbering definitions, and the running counters of every list."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {
            a.get(f"{_W}abstractNumId"): self._levels(a) for a in root.iter(f"{_W}abstractNum")
        }
        for num in root.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            if ref is not None:
                self.levels[num.get(f"{_W}numId")] = abstract.get(ref.get(f"{_W}val"), {})

    @staticmethod
    def _levels(abstract: Any) -> dict[int, tuple[str, str, int]]:
        levels = {}
        for lvl in abstract.iter(f"{_W}lvl"):

            def val(tag: str, default: str) -> str:
                node = lvl.find(f"{_W}{tag}")
                return node.get(f"{_W}val", default) if node is not None else default

            levels[int(lvl.get(f"{_W}ilvl", "0"))] = (
                val("numFmt", "decimal"),
                val("lvlText", "%1."),
                int(val("start", "1")),
            )
        return levels

    def marker(self, num_id: str, ilvl: int) -> str:
        """The next marker of list ``num_id`` at level ``ilvl`` (counters advance)."""
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, [0] * 9)
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0
        text = levels[ilvl][1]
        for level in range(ilvl, -1, -1):
            fmt, _, start = levels.get(level, ("decimal", "", 1))
            value = counters[level] + start - 1 if counters[level] else start
            text = text.replace(f"%{level + 1}", format_number(value, fmt))
        return "" if levels[ilvl][0] == "bullet" else text


def _num_pr(paragraph: Any) -> tuple[str, int] | None:
    for pPr in (paragraph._p.pPr, getattr(paragraph.style, "element", None)):
        if pPr is None:
            continue
        node = pPr.find(f".//{_W}numPr")
        if node is None:
            continue
        num_id, ilvl = node.find(f"{_W}numId"), node.find(f"{_W}ilvl")
        if num_id is not None and num_id.get(f"{_W}val") != "0":
            return num_id.get(f"{_W}val"), int(ilvl.get(f"{_W}val")) if ilvl is not None else 0
    return None


def docx_text(data: bytes, path: str | os.PathLike[str] = "<docx>") -> str:
    """The paragraphs of a .docx, one per line, with Word's automatic numbering restored."""
    try:
        import docx
    except ImportError:
        raise ReadError(
            path, "reading .docx needs python-docx: pip install 'planparse[docx]'"
        ) from None
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types for a damaged package
        raise CorruptFileError(
            path, f"not a readable .docx ({type(exc).__name__}: {exc})"
        ) from None
    numbering = _Numbering(document)
    lines = []
    for paragraph in _paragraphs(document):
        num = _num_pr(paragraph)
        marker = numbering.marker(*num) if num else ""
        lines.append(marker + paragraph.text)
    return "\n".join(lines) + "\n"


def _paragraphs(document: Any) -> list[Any]:
    """Body paragraphs in order, with the paragraphs of tables in their place."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out: list[Any] = []
    for child in document.element.body.iterchildren():
        if child.tag == f"{_W}p":
            out.append(Paragraph(child, document))
        elif child.tag == f"{_W}tbl":
            for row in Table(child, document).rows:
                for cell in row.cells:
                    out.extend(cell.paragraphs)
    return out


def pdf_text(
    data: bytes, path: str | os.PathLike[str] = "<pdf>", notes: list[str] | None = None
) -> str:
    """The text of a PDF, page by page; pages are separated by a form feed.

    What pypdf complains about while reading (its log messages and warnings, such as a
    missing end-of-file marker) is added to ``notes``, not printed without a file name.
    """
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError:
        raise ReadError(path, "reading .pdf needs pypdf: pip install 'planparse[pdf]'") from None
    with _library_noise("pypdf", notes if notes is not None else []):
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise CorruptFileError(path, "encrypted PDF; remove the password first")
            pages = [page.extract_text() or "" for page in reader.pages]
        except (PdfReadError, ValueError, KeyError, TypeError) as exc:
            raise CorruptFileError(
                path, f"not a readable PDF ({type(exc).__name__}: {exc})"
            ) from None
    return "\n\f\n".join(page.rstrip("\n") for page in pages) + "\n"


class _Collect(logging.Handler):
    def __init__(self, notes: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.notes = notes

    def emit(self, record: logging.LogRecord) -> None:
        self.notes.append(f"{record.name}: {record.getMessage()}")


@contextlib.contextmanager
def _library_noise(logger_name: str, notes: list[str]) -> Iterator[None]:
    """Collect a library's log messages (and Python warnings) into ``notes`` instead of
    letting them reach standard error without the file's name."""
    logger = logging.getLogger(logger_name)
    handler, propagate = _Collect(notes), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        notes.extend(f"{logger_name}: {warning.message}" for warning in caught)
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


class _TextExtractor(HTMLParser):
    _BLOCK = {
        "p",
        "div",
        "br",
        "li",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "table",
        "ul",
        "ol",
        "title",
        "dd",
        "dt",
    }
    _SKIP = {"script", "style", "noscript", "template"}
    # A tab ends a table cell, as a browser's innerText has it: glued cells would merge the
    # words of two columns ("促进就业" + "开展培训") into one item text.
    _CELL = {"td", "th"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self._SKIP:
            self.skipping += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")
        elif tag in self._CELL:  # on the start tag: unclosed <td> is common
            self.parts.append("\t")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_text(markup: str) -> str:
    """The visible text of an HTML page, one block per line and table cells apart by a tab;
    broken markup is tolerated.

    Examples:
        >>> html_text("<table><tr><td>一、就业<td>开展培训</table>")
        '一、就业\\t开展培训\\n'
    """
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    lines = (line.strip() for line in "".join(extractor.parts).splitlines())
    return "".join(line + "\n" for line in lines if line)
