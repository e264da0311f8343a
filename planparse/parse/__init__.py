"""Parse plan text into a :class:`~planparse.tree.Document`: plans, items, offsets.

The stages, each in its own module:

1. :mod:`~planparse.parse.lines` splits the text into lines and sets debris aside;
2. :mod:`~planparse.parse.plans` splits a compilation into plans and finds titles;
3. :mod:`~planparse.parse.outline` validates marker sequences and joins broken lines;
4. :mod:`~planparse.parse.inline` splits off 一是…二是… and heading clauses.

Examples:
    >>> doc = parse("工作计划\\n一、加强学习\\n（一）强化引领。组织学习。\\n二、开展活动\\n", doc_id="a.txt")
    >>> [(n.marker, d, n.heading) for n, d in doc.plans[0].walk()]
    [('一、', 1, '加强学习'), ('（一）', 2, '强化引领'), ('二、', 1, '开展活动')]
"""

from __future__ import annotations

from planparse.normalize import strip_span
from planparse.parse.contents import split_repeated_contents
from planparse.parse.inline import finish_plan, join_pieces
from planparse.parse.lines import Line, split_lines
from planparse.parse.markers import Marker, match_marker
from planparse.parse.outline import OutlineBuilder, debris_node, hole_nodes, wrap_width
from planparse.parse.plans import Region, split_glued_headers, split_plans
from planparse.parse.sequence import mark_page_counters, split_run_ons
from planparse.tree import Document, Node, Plan

__all__ = ["Line", "Marker", "match_marker", "parse", "split_lines"]


def parse(text: str, doc_id: str = "") -> Document:
    """Parse decoded plan text into a :class:`~planparse.tree.Document`.

    Offsets in the result index ``text`` itself, so ``text[node.start:node.end]`` is the
    node as written.  Parsing never fails on text: what it doubts goes to ``warnings``.

    Examples:
        >>> doc = parse("一、学习\\n二、活动\\n", doc_id="x")
        >>> doc.to_frame()[["item_id", "marker", "text"]].values.tolist()
        [['x#1/1', '一、', '学习'], ['x#1/2', '二、', '活动']]
    """
    lines = split_lines(text)
    mark_page_counters(lines)
    lines = split_repeated_contents(text, split_glued_headers(text, lines))
    lines = split_run_ons(text, lines)
    split = split_plans(lines)
    doc = Document(doc_id, text)
    doc.front = [debris_node(lines[i]) for i in split.front]
    wrap = wrap_width(lines)
    for number, region in enumerate(split.plans, 1):
        plan = Plan(number)
        plan.title_pieces = region.title_pieces
        plan.title = join_pieces(text, plan.title_pieces)[0]
        consumed = _header_lines(lines, region)
        plan.debris = [node for i in consumed for node in _leftovers(text, lines[i], region)]
        OutlineBuilder(lines, plan, wrap).build(region.first, region.stop, set(consumed))
        if not plan.root.children and plan.title_pieces:
            _title_only(plan)
        finish_plan(plan, text)
        for node in plan.debris:
            node.text = node.text or join_pieces(text, node.pieces)[0]
        doc.plans.append(plan)
    return doc


def _header_lines(lines: list[Line], region: Region) -> list[int]:
    """The lines of a plan's header and title, which its body does not read again."""
    found = set(region.skipped)
    for start, _ in region.title_pieces:
        found.update(i for i, line in enumerate(lines) if line.start <= start < line.end)
    return sorted(found)


def _leftovers(text: str, line: Line, region: Region) -> list[Node]:
    """Debris for what a header or title line holds besides the title (篇1, .docx, 【tag】)."""
    nodes = [n for n in hole_nodes(line) if n.pieces[0][1] <= line.body]
    taken = [(a, b) for a, b in region.title_pieces if line.start <= a < line.end]
    position = line.body
    for start, end in taken + [(line.end, line.end)]:
        lo, hi = strip_span(text, position, start)
        if lo < hi:
            nodes.append(Node("debris", pieces=[(lo, hi)], warnings=["plan header"]))
        position = max(position, end)
    return nodes


def _title_only(plan: Plan) -> None:
    """A plan that is only its title (a one-line file) keeps the title as a row, flagged."""
    node = plan.root.add(Node("para", pieces=plan.title_pieces, warnings=["only a title"]))
    plan.title_pieces = []
    del node
