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
from planparse.tree import Node, Plan, Span

#: What may stand right before an inline marker: the start of a clause.
_CLAUSE_CHARS = set('，。；：、,;:（(“" \t\n\r\u3000')
#: Before a 一是 glued to its heading: never 统一是, 唯一是, 第一是.
_NOT_GLUED = set("统唯专单同万逐之其归合划第不")
_CN = "[一二三四五六七八九十]"
# Every branch opens with a literal character class, so the scan stays fast; whether a
# match opens a clause is checked on the character before it (see _opens_clause).
_INLINE = re.compile(
    r"(?=[一二三四五六七八九十第首其再最\u2460-\u2473])"  # a literal prefix keeps the scan fast
    rf"(?:(?P<shi>{_CN}{{1,2}})(?P<verb>[是要])(?P<double>(?P=shi)(?P=verb))?"
    rf"(?!{_CN}|[是要求素点])"
    rf"|第(?P<di>{_CN}{{1,2}})[，,、：:]"
    r"|(?P<order>首先|其次|再次(?=[，,])|最后(?=[，,]))[，,]?"
    r"|(?P<circled>[\u2460-\u2473]))"
)
_ORDER = {"首先": 1, "其次": 2, "再次": 3}
_STYLES = {
    "shi": "inline-shi",
    "di": "inline-di",
    "order": "inline-order",
    "circled": "circled",
}
_HEADING_STOP = re.compile("[。！？；：!?;:]")
#: A first clause longer than this is a sentence, not a heading.
HEADING_MAX = 40


@dataclass(frozen=True, slots=True)
class InlineMarker:
    """An inline enumeration marker found in a node's text (positions are text positions).

    ``glued`` marks a 一是 written straight after a heading; ``warning`` flags a doubled
    marker (一是一是, a PDF extraction artefact) that still counts once.
    """

    marker: str
    style: str
    number: int
    start: int
    end: int
    glued: bool = False
    warning: str = ""


def _number(match: re.Match[str], expected: int) -> int | None:
    kind = match.lastgroup
    if match["shi"]:
        return cn_to_int(match["shi"])
    if kind == "di":
        return cn_to_int(match["di"])
    if kind == "order":
        word = match["order"]
        return expected if word == "最后" and expected > 1 else _ORDER.get(word)
    return ord(match.group()) - 0x2460 + 1


def _opens_clause(text: str, match: re.Match[str]) -> bool | None:
    """True at the start of a clause, False for a 一是 glued to a heading, else None."""
    start = match.start()
    before = text[start - 1] if start else "\n"
    if before in _CLAUSE_CHARS or before.isspace() or match["circled"]:
        return True
    if match["shi"] == "一" and "\u4e00" <= before <= "\u9fff" and before not in _NOT_GLUED:
        return False
    return None


def _marker(match: re.Match[str], style: str, number: int, glued: bool) -> InlineMarker:
    end = match.end()
    warning = ""
    if match["double"]:
        end = match.start("double")  # the copy stays in the text, flagged
        warning = "doubled marker"
    return InlineMarker(
        match.group()[: end - match.start()],
        style,
        number,
        match.start(),
        end,
        glued=glued,
        warning=warning,
    )


def _keeps(run: list[InlineMarker], after: int, alone: bool, lone_order: bool) -> bool:
    """Whether a run of markers numbering on by one is an enumeration.

    Two or more from 1 are; so is a lone 一是, a piece that goes on from the list of the
    paragraph before (``after``), with ``alone`` a lone piece at the very start, and with
    ``lone_order`` a lone 首先 whose 其次 or 最后 stands in a paragraph nearby.
    """
    first = run[0]
    if first.number == after + 1 and after:
        return True
    if len(run) >= 2:
        return first.number == 1
    if first.glued:
        return False
    if first.style == "inline-order":
        return lone_order
    if first.style != "inline-shi":
        return False
    return first.number == 1 or (alone and first.start == 0)


def _runs(
    matches: list[InlineMarker], after: int, alone: bool, lone_order: bool
) -> list[InlineMarker]:
    """Markers that number on by one in runs that :func:`_keeps` accepts."""
    kept: list[InlineMarker] = []
    run: list[InlineMarker] = []
    for m in matches + [None]:  # type: ignore[list-item]
        if m is not None and run and m.number == run[-1].number + 1 and not m.glued:
            run.append(m)
            continue
        if run and _keeps(run, after if not kept else 0, alone, lone_order):
            kept.extend(run)
        run = [m] if m is not None else []
    return kept


def find_inline(
    text: str,
    after: dict[str, int] | None = None,
    alone: bool = False,
    lone_order: bool = False,
) -> list[InlineMarker]:
    """Inline enumeration markers, each family numbered in sequence.

    ``after`` maps a family (``inline-shi``, ``inline-order``) to the last number of its
    enumeration in the paragraph before, which this text may go on with (one 一是 per
    line); ``alone`` accepts a lone piece at the start of the text (an excerpt cut after
    五是); ``lone_order`` accepts a lone 首先 or 最后 whose partners stand in other
    paragraphs.  Families that interleave never both count: the longer run wins.

    Examples:
        >>> [m.marker for m in find_inline("二是开展活动。", after={"inline-shi": 1})]
        ['二是']
        >>> [m.marker for m in find_inline("巾帼行动一是继续培训；二是开展活动。")]
        ['一是', '二是']
    """
    after = after or {}
    by_style: dict[str, list[InlineMarker]] = {}
    for match in _INLINE.finditer(text):
        opens = _opens_clause(text, match)
        if opens is None:
            continue
        style = "inline-shi" if match["shi"] else _STYLES[match.lastgroup or "circled"]
        found = by_style.setdefault(style, [])
        expected = found[-1].number + 1 if found else after.get(style, 0) + 1
        number = _number(match, expected)
        if number:
            found.append(_marker(match, style, number, glued=not opens))
    if not by_style:
        return []
    runs = [
        _runs(found, after.get(style, 0), alone, lone_order) for style, found in by_style.items()
    ]
    chosen: list[list[InlineMarker]] = []
    for run in sorted(runs, key=lambda run: (-len(run), run[0].style if run else "")):
        if run and not any(_interleave(run, other) for other in chosen):
            chosen.append(run)  # families that take turns: 第一…第三, then 一是…四是
    return sorted((m for run in chosen for m in run), key=lambda m: m.start)


def _interleave(run: list[InlineMarker], other: list[InlineMarker]) -> bool:
    return run[0].start <= other[-1].start and other[0].start <= run[-1].start


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


def _clean(original: str, spans: list[Span]) -> bool:
    """Whether ``spans`` are all non-empty and start and end on a non-space character."""
    return (
        bool(spans)
        and original[spans[0][0]] not in SPACES
        and original[spans[-1][1] - 1] not in SPACES
        and all(a < b for a, b in spans)
    )


def _trim(original: str, spans: list[Span]) -> list[Span]:
    """Drop white space at both ends of a list of spans."""
    if _clean(original, spans):
        return spans  # the common case: nothing to trim
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


def finish(
    node: Node,
    original: str,
    after: dict[str, int] | None = None,
    alone: bool = False,
    lone_order: bool = False,
) -> dict[str, int]:
    """Fill ``text``, split off inline enumerations and set the heading of one node.

    The last three arguments go to :func:`find_inline`.  Returns the last number of each
    enumeration family found, so that the next paragraph may go on with it.
    """
    node.pieces = _trim(original, node.pieces)  # a zero-width space may open a line
    text, starts = join_pieces(original, node.pieces)
    node.text = text
    last: dict[str, int] = {}
    if node.kind in ("item", "para"):
        markers = _contiguous(find_inline(text, after, alone, lone_order), node.pieces, starts)
        if markers:
            _split_inline(node, original, text, starts, markers)
            last = {m.style: m.number for m in markers}
    if node.kind == "item":
        node.heading = heading_of(node.text)
    return last


def _contiguous(markers: list[InlineMarker], pieces: list[Span], starts: list[int]) -> list:
    """The markers that stand in one piece of the original: "一" at the end of one line and
    "是" after a page break are joined in ``text`` but are no marker of the original."""
    return [m for m in markers if len(slice_pieces(pieces, starts, m.start, m.end)) == 1]


_ORDER_WORD = re.compile(
    r"(?=[首其再最])(?:(?<=[，。；：、,;:\s（(“\"])|^)(首先|其次|再次|最后)(?=[，,]|由|要|是|在)",
    re.MULTILINE,
)


def _order_words(original: str, nodes: list[Node]) -> bool:
    """Whether two or more of 首先/其次/再次/最后 open clauses across these paragraphs."""
    paras = [node for node in nodes if node.kind == "para" and node.pieces]
    if not paras:
        return False
    lo, hi = paras[0].pieces[0][0], paras[-1].pieces[-1][1]
    return len(set(_ORDER_WORD.findall(original, lo, hi))) >= 2


def finish_plan(plan: Plan, original: str) -> None:
    """:func:`finish` every node of ``plan``, top down, carrying 一是…二是… across paragraphs.

    A paragraph that is wholly an enumeration (it opens with 一是) is replaced by its pieces,
    so no empty paragraph is left behind.

    Examples:
        >>> from planparse import parse
        >>> plan = parse("一、学习\\n一是读书。\\n二是讨论。\\n").plans[0]
        >>> [(n.kind, n.marker, d) for n, d in plan.walk()]
        [('item', '一、', 1), ('inline', '一是', 2), ('inline', '二是', 2)]
    """
    stack: list[tuple[Node, dict[str, int]]] = [(plan.root, {})]
    while stack:
        container, after = stack.pop()
        lone_order = _order_words(original, container.children)
        children: list[Node] = []
        for child in container.children:
            if child.kind == "inline":
                children.append(child)
                continue
            alone = container is plan.root and not children
            last = finish(child, original, after, alone, lone_order)
            if child.kind == "para":
                after = {**after, **last}
            if child.kind == "para" and not child.pieces and _only_inline(child):
                for piece in child.children:
                    piece.parent = container
                children.extend(child.children)
            else:
                children.append(child)
                stack.append((child, last))
        container.children = children


def _only_inline(node: Node) -> bool:
    return all(child.kind == "inline" for child in node.children)


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
            warnings=[m.warning] if m.warning else [],
        )
        marker_spans = slice_pieces(pieces, starts, m.start, m.end)
        child.marker_span = (marker_spans[0][0], marker_spans[-1][1])
        child.text = join_pieces(original, child.pieces)[0]
        child.parent = node
        children.append(child)
    node.pieces = _trim(original, slice_pieces(pieces, starts, 0, markers[0].start))
    node.text = join_pieces(original, node.pieces)[0]
    node.children[:0] = children
