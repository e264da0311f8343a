"""Node text from its pieces, inline enumerations (一是…二是…) and heading clauses.

Examples:
    >>> [m.marker for m in find_inline("主要做好三点：一是加强学习；二是开展活动；三是统一思想。")]
    ['一是', '二是', '三是']
    >>> find_inline("统一是前提，第一时间报告，一是一、二是二。")
    []
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from planparse.normalize import SPACES
from planparse.parse.markers import cn_to_int
from planparse.tree import Node, Span

_CLAUSE_START = r"(?:^|(?<=[，。；：、,;:\s（(“\"]))"
_INLINE = re.compile(
    _CLAUSE_START + r"(?:(?P<shi>[一二三四五六七八九十]{1,2})是(?![一二三四五六七八九十是])"
    r"|第(?P<di>[一二三四五六七八九十]{1,2})[，,、：:]"
    r"|(?P<order>首先|其次|再次(?=[，,])|最后(?=[，,]))[，,]?)"
    r"|(?P<circled>[\u2460-\u2473])"
)
_ORDER = {"首先": 1, "其次": 2, "再次": 3}
_STYLES = {"shi": "inline-shi", "di": "inline-di", "order": "inline-order", "circled": "circled"}
_HEADING_STOP = re.compile("[。！？；：!?;:]")
#: A first clause longer than this is a sentence, not a heading.
HEADING_MAX = 40


@dataclass(frozen=True, slots=True)
class InlineMarker:
    """An inline enumeration marker found in a node's text (positions are text positions)."""

    marker: str
    style: str
    number: int
    start: int
    end: int


def _number(match: re.Match[str], expected: int) -> int | None:
    kind = match.lastgroup
    if kind in ("shi", "di"):
        return cn_to_int(match[kind])
    if kind == "order":
        word = match["order"]
        return expected if word == "最后" and expected > 1 else _ORDER.get(word)
    return ord(match.group()) - 0x2460 + 1


def _runs(matches: list[InlineMarker]) -> list[InlineMarker]:
    """Markers that number on from 1 in runs of two or more."""
    kept: list[InlineMarker] = []
    run: list[InlineMarker] = []
    for m in matches + [None]:  # type: ignore[list-item]
        if m is not None and run and m.number == run[-1].number + 1:
            run.append(m)
            continue
        if len(run) >= 2:
            kept.extend(run)
        run = [m] if m is not None and m.number == 1 else []
    return kept


def find_inline(text: str) -> list[InlineMarker]:
    """Inline enumeration markers of one family, numbered in sequence from the first.

    The family with the most markers wins, so one node's inline children never overlap.
    """
    by_style: dict[str, list[InlineMarker]] = {}
    for match in _INLINE.finditer(text):
        style = _STYLES[match.lastgroup or "circled"]
        found = by_style.setdefault(style, [])
        expected = found[-1].number + 1 if found else 1
        number = _number(match, expected)
        if number:
            found.append(InlineMarker(match.group(), style, number, match.start(), match.end()))
    best: list[InlineMarker] = []
    for style in sorted(by_style):
        kept = _runs(by_style[style])
        if len(kept) > len(best):
            best = kept
    return best


def _needs_space(left: str, right: str) -> bool:
    return left.isascii() and right.isascii() and left.isalnum() and right.isalnum()


def join_pieces(original: str, pieces: list[Span]) -> tuple[str, list[int]]:
    """The text of ``pieces`` joined as one, and where each piece starts in it.

    Broken lines join without a space, except between two Latin letters or digits.
    """
    parts: list[str] = []
    starts: list[int] = []
    position = 0
    for start, end in pieces:
        segment = original[start:end]
        if parts and _needs_space(parts[-1][-1], segment[0]):
            parts.append(" ")
            position += 1
        starts.append(position)
        parts.append(segment)
        position += len(segment)
    return "".join(parts), starts


def slice_pieces(pieces: list[Span], starts: list[int], begin: int, end: int) -> list[Span]:
    """The original spans behind text positions ``begin:end`` of a joined text."""
    spans: list[Span] = []
    first = max(0, bisect_right(starts, begin) - 1)
    for i in range(first, len(pieces)):
        piece_start, piece_end = pieces[i]
        text_start = starts[i]
        if text_start >= end:
            break
        lo = piece_start + max(0, begin - text_start)
        hi = min(piece_end, piece_start + (end - text_start))
        if lo < hi:
            spans.append((lo, hi))
    return spans


def _trim(original: str, spans: list[Span]) -> list[Span]:
    """Drop white space at both ends of a list of spans."""
    spans = [s for s in spans if original[s[0] : s[1]].strip(SPACES)]
    if spans:
        first, last = spans[0], spans[-1]
        lead = len(original[first[0] : first[1]]) - len(
            original[first[0] : first[1]].lstrip(SPACES)
        )
        spans[0] = (first[0] + lead, first[1])
        tail = original[spans[-1][0] : spans[-1][1]]
        spans[-1] = (spans[-1][0], spans[-1][1] - (len(tail) - len(tail.rstrip(SPACES))))
        del last
    return spans


def heading_of(text: str) -> str:
    """The heading clause that opens an item's text, or ``""``.

    Examples:
        >>> heading_of("强化宣传引导，营造良好氛围。利用宣传栏开展宣传。")
        '强化宣传引导，营造良好氛围'
        >>> heading_of("指导思想：")
        '指导思想'
    """
    stop = _HEADING_STOP.search(text, 0, HEADING_MAX + 1)
    if stop is not None:
        return text[: stop.start()].strip(SPACES)
    return text.strip(SPACES) if len(text) <= HEADING_MAX else ""


def finish(node: Node, original: str) -> None:
    """Fill ``text``, split off inline enumerations and set the heading of one node."""
    text, starts = join_pieces(original, node.pieces)
    node.text = text
    if node.kind in ("item", "para"):
        markers = find_inline(text)
        if markers:
            _split_inline(node, original, text, starts, markers)
    if node.kind == "item":
        node.heading = heading_of(node.text)


def _split_inline(
    node: Node, original: str, text: str, starts: list[int], markers: list[InlineMarker]
) -> None:
    pieces = node.pieces
    bounds = [m.start for m in markers[1:]] + [len(text)]
    children = []
    for m, stop in zip(markers, bounds):
        child = Node(
            "inline",
            pieces=_trim(original, slice_pieces(pieces, starts, m.end, stop)),
            marker=m.marker,
            style=m.style,
            number=m.number,
        )
        marker_spans = slice_pieces(pieces, starts, m.start, m.end)
        child.marker_span = (marker_spans[0][0], marker_spans[-1][1])
        child.text = join_pieces(original, child.pieces)[0]
        child.parent = node
        children.append(child)
    node.pieces = _trim(original, slice_pieces(pieces, starts, 0, markers[0].start))
    node.text = join_pieces(original, node.pieces)[0]
    node.children[:0] = children
