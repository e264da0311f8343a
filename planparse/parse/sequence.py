"""Markers inside lines, decided by numbering sequence: run-on lists and page counters.

A real page often loses its line breaks ("…总结如下:一、…1、…2、…") or a document site
prints its page counter as "2、" at the start of each page, cutting a word in two.  Both
look like markers; only the numbering sequence tells them apart.  Every candidate marker
of the document, line-initial and inside a line, is read in order, with the last number
seen in each marker family:

- a candidate inside a line becomes the start of a new (virtual) line only when it
  continues its family's sequence (n = last + 1), or starts one (n = 1) whose 2 follows;
- a line-initial ``N、`` whose previous line was cut mid-sentence, in a run 1、2、3… of such
  lines, is a page counter: its marker becomes debris and the line continues the last.

Examples:
    >>> from planparse.parse.lines import split_lines
    >>> text = "工作如下:一、学习。二、活动"
    >>> [(line.text, line.virtual) for line in split_run_ons(text, split_lines(text))]
    [('工作如下:', False), ('一、学习。', True), ('二、活动', True)]
"""

from __future__ import annotations

import re

from planparse.parse.lines import Line, cut_line, drop_marker
from planparse.parse.markers import Marker, match_marker, rank

# Marker shapes worth a look inside a line; match_marker decides.
_SHAPE = re.compile(
    r"(?=[（(〈一二三四五六七八九十\d\u2488-\u249b])(?:[（(〈](?:[一二三四五六七八九十]{1,3}|\d{1,2})[）)〉]|[一二三四五六七八九十]{1,3}、"
    r"|\d{1,2}\s?[、.．,，]|[\u2488-\u249b])"
)
# What may stand right before a marker inside a line: the end of a sentence or clause, a
# closing bracket, white space.  A number glued to a word is a marker only as N、.
_BEFORE = set('。；;！？!?：:．.，,）)】]”" \t\u3000')
_TERMINAL = set("。！？；：!?;:….．")
_CLOSERS = set("”’」』）)】〕\"'")
#: A line at least this long that stops mid-sentence before an "N、" line was cut by a page.
CUT_PAGE = 80
#: How many lines ahead a list that starts at 1 inside a line looks for its 2.
LOOKAHEAD = 6


def _page_digits(text: str, pos: int) -> int:
    """Where a page number glued between a sentence and a marker starts ("。1二、"), or -1."""
    start = pos
    while start > 0 and text[start - 1].isdigit() and pos - start < 3:
        start -= 1
    return start if 0 < start < pos and text[start - 1] in _TERMINAL else -1


Candidate = tuple[int, Marker, int, bool]


def _candidates(line: Line) -> list[Candidate]:
    """Plausible markers inside ``line`` (not at its start): (offset, marker, page, glued).

    ``page`` is the offset of a page number glued before the marker, or -1; ``glued`` says
    that the marker follows a word with no punctuation.
    """
    text = line.text
    found = []
    for match in _SHAPE.finditer(text, line.marker.length if line.marker else 1):
        pos = match.start()
        before = text[pos - 1]
        if before in ".．" and text[pos - 2 : pos - 1].isdigit():
            continue  # the middle of 1.2.3 or 2.5
        if before.isdigit() and not text[pos].isdigit() and _page_digits(text, pos) < 0:
            continue
        if before not in _BEFORE and not before.isdigit() and not "\u4e00" <= before <= "\u9fff":
            continue
        marker = match_marker(text[pos : pos + 24])
        if marker is None:
            continue
        page = _page_digits(text, pos) if marker.family.startswith("cn-") else -1
        glued = before not in _BEFORE and page < 0
        if glued and not "\u4e00" <= before <= "\u9fff":
            continue
        offset = line.body + pos
        found.append((offset, marker, line.body + page if page >= 0 else -1, glued))
    return found


def _glue_allowed(marker: Marker) -> bool:
    """Markers that may follow a word with no punctuation: N、 and ⒈, never 一、 or 1."""
    return marker.style == "arabic-dun" or "\u2488" <= marker.marker[:1] <= "\u249b"


def _opens(line: Line, offset: int, marker: Marker) -> bool:
    """Whether a first 一、 or （一） inside a line stands after a full stop, colon or space."""
    if marker.family not in ("cn-dun", "cn-paren"):
        return False
    before = line.text[: offset - line.body]
    trimmed = before.rstrip(" \t\u3000")
    return trimmed != before or trimmed[-1:] in ("。", ":", "：")


def _under_heading(head: tuple[int, Marker | None], offset: int, marker: Marker) -> bool:
    """Whether a first marker follows a short heading of a higher rank ("二、工作措施1、…")."""
    start, opener = head
    return opener is not None and rank(opener.family) < rank(marker.family) and offset - start <= 32


def _successor(
    marker: Marker, found: list[list[Candidate]], lines: list[Line], i: int, k: int
) -> bool:
    """Whether the next number of ``marker``'s family follows soon (after candidate ``k``)."""
    wanted = (marker.family, marker.number + 1)
    for n in range(k + 1, len(found[i])):
        other = found[i][n][1]
        if other.family == marker.family:  # the next of its family decides
            return other.number == marker.number + 1
    for j in range(i + 1, min(len(lines), i + 1 + LOOKAHEAD)):
        line = lines[j]
        if line.kind != "content":
            continue
        m = line.marker
        if m is not None and m.family == marker.family:
            return m.number == marker.number + 1
        if any((c.family, c.number) == wanted for _, c, _, _ in found[j]):
            return True
    return False


def _accepted(lines: list[Line]) -> dict[int, list[tuple[int, int]]]:
    """Line index -> (marker offset, page-number offset or -1) where that line is cut."""
    found = [
        _candidates(line) if line.kind in ("content", "meta") and len(line.text) >= 8 else []
        for line in lines
    ]
    last: dict[str, int] = {}
    cuts: dict[int, list[tuple[int, int]]] = {}
    for i, line in enumerate(lines):
        if line.kind not in ("content", "meta"):
            continue
        if line.marker is not None:
            last[line.marker.family] = line.marker.number
        head = (line.body, line.marker)  # where the current segment starts, and its marker
        inline: set[tuple[str, int]] = set()  # numbers of an enumeration kept in the paragraph
        for k, (offset, marker, page, glued) in enumerate(found[i]):
            if (marker.family, marker.number - 1) in inline:
                inline.add((marker.family, marker.number))
                continue
            inline.add((marker.family, marker.number))
            if glued and not (_glue_allowed(marker) or _under_heading(head, offset, marker)):
                continue
            if marker.number == 1:
                # A top-rank list that restarts inside a paragraph enumerates that paragraph.
                fresh = last.get(marker.family, 0) == 0 or rank(marker.family) > 1
                if not (
                    _under_heading(head, offset, marker)
                    or fresh
                    and (_opens(line, offset, marker) or _successor(marker, found, lines, i, k))
                ):
                    continue
            elif marker.number != last.get(marker.family, 0) + 1:
                continue
            inline.discard((marker.family, marker.number))
            last[marker.family] = marker.number
            head = (offset, marker)
            cuts.setdefault(i, []).append((offset, page))
    return cuts


def split_run_ons(text: str, lines: list[Line]) -> list[Line]:
    """``lines`` with every line cut before each inline marker that continues a sequence."""
    cuts = _accepted(lines)
    if not cuts:
        return lines
    out: list[Line] = []
    for i, line in enumerate(lines):
        if i not in cuts:
            out.append(line)
            continue
        offsets = [
            at for offset, page in cuts[i] for at in ((page, offset) if page >= 0 else (offset,))
        ]
        out.extend(cut_line(text, line, offsets))
    return out


def _cut_short(line: Line | None) -> bool:
    """Whether ``line`` is long and stops mid-sentence, as a page cut it."""
    if line is None or len(line.text) < CUT_PAGE:
        return False
    stripped = line.text.rstrip()
    while stripped and stripped[-1] in _CLOSERS:
        stripped = stripped[:-1]
    return bool(stripped) and stripped[-1] not in _TERMINAL


_COUNTER = re.compile(r"(\d{1,3})、")


def _counter(line: Line) -> int | None:
    """The number of an "N、" at the start of ``line``, even before a digit ("3、5余次")."""
    m = line.marker
    if m is not None:
        return m.number if m.style == "arabic-dun" else None
    match = _COUNTER.match(line.text)
    return int(match.group(1)) if match else None


def mark_page_counters(lines: list[Line]) -> None:
    """Turn the "1、 2、 3、" page counters of a document site into debris, in place."""
    counters: list[int] = []
    first: int | None = None
    previous: Line | None = None
    for i, line in enumerate(lines):
        if line.kind != "content":
            continue
        number = _counter(line)
        if number == 1 and first is None:
            first = i
        elif first is not None and number == len(counters) + 2 and _cut_short(previous):
            counters.append(i)
        previous = line
    if first is None or not counters:
        return
    for i in [first, *counters]:
        drop_marker(lines[i], len(_COUNTER.match(lines[i].text).group()))
