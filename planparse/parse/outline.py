"""Build a plan's tree from its lines: sequence validation and joining broken lines.

A candidate marker becomes an item only if it continues the number of an open list of its
family, starts a new child list at 1, or continues a list that the previous section
closed (real plans number （三） straight on after 二、).  A list that restarts at 1 under
a paragraph ending in "：" ("下半年重点工作如下：") is placed under that paragraph.
Everything else is text: a line that was cut by a page break or wrapped at full width is
joined to the node it continues; other lines become ``para`` nodes under the nearest item.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from planparse.parse.lines import Line, ends_sentence, line_pieces
from planparse.parse.markers import Marker, rank
from planparse.tree import Node, Plan

#: Families whose markers are rarely false, so a gap or a repeated number is tolerated
#: (with a warning) instead of turning the line into text.
_TOLERANT = {"cn-dun", "cn-paren", "circled", "arabic-paren", "cn-chapter", "cn-section"}
_NOTES = re.compile(r"^(?:注释|註釋|注|註|附注|附註|注解|名词解释|名詞解釋)\s*[:：]?$")
_INNER_STOP = re.compile("[。！？；;!?]")

# A line of at least this many characters that does not end a sentence was cut short.
LONG_LINE = 31
# A cut-off heading's remainder is at most this long.
FRAGMENT = 16


@dataclass(slots=True)
class _List:
    """The open child list of a container: its family, last number and decimal prefix."""

    family: str
    last: int
    style: str
    path: tuple[int, ...] = ()


def wrap_width(lines: list[Line]) -> int:
    """The width at which a document was hard-wrapped, or 0 if it was not.

    A document is wrapped when a quarter or more of its long lines share one length (±1).
    """
    lengths = [len(line.text) for line in lines if line.kind == "content" and len(line.text) >= 15]
    if len(lengths) < 5:
        return 0
    counts = Counter(lengths)
    width, _ = max(
        counts.items(), key=lambda kv: (counts[kv[0] - 1] + kv[1] + counts[kv[0] + 1], kv[0])
    )
    near = counts[width - 1] + counts[width] + counts[width + 1]
    return width if near * 4 >= len(lengths) and near >= 5 else 0


class OutlineBuilder:
    """Builds the tree of one plan from its lines (used by :func:`planparse.parse`)."""

    def __init__(self, lines: list[Line], plan: Plan, wrap: int = 0) -> None:
        self.lines = lines
        self.plan = plan
        self.wrap = wrap
        self.stack: list[Node] = [plan.root]
        self.lists: dict[int, _List] = {}
        self.closed: dict[str, tuple[str, int]] = {}  # family -> (parent's family, last number)
        self.family: dict[int, str] = {id(plan.root): "root"}
        self.current: Node | None = None
        self.last_line: Line | None = None
        self.current_lines = 0
        self.seen_item = False
        self.in_notes = False
        self.index = 0
        self.last_at: dict[tuple[str, int], int] = {}  # (family, number) -> last line index

    # -- the loop ------------------------------------------------------------------------
    def build(self, first: int, stop: int, skip: set[int] | None = None) -> None:
        """Consume ``lines[first:stop]`` into the plan, except the lines in ``skip``."""
        for i in range(first, stop):
            marker = self.lines[i].marker
            if marker is not None and self.lines[i].kind == "content":
                self.last_at[marker.family, marker.number] = i
        for self.index in range(first, stop):
            line = self.lines[self.index]
            if line.kind == "blank" or (skip and self.index in skip):
                continue
            if line.kind == "debris" or (line.kind == "meta" and not self.seen_item):
                self.plan.debris.append(debris_node(line))
                continue
            self.plan.debris.extend(hole_nodes(line))
            if line.marker is None and not line_pieces(line, line.body):
                continue  # nothing but damage on this line
            if line.marker is not None and not self.in_notes and self._open_item(line, line.marker):
                continue
            if self._joins(line):
                self._extend(line, line.body)
            else:
                self._open_para(line)

    # -- items -----------------------------------------------------------------------------
    def _nearest(self, family: str) -> int | None:
        for k in range(len(self.stack) - 1, -1, -1):
            state = self.lists.get(id(self.stack[k]))
            if state is not None and state.family == family:
                return k
        return None

    def _continues(self, state: _List, marker: Marker, step: int = 1) -> bool:
        return marker.number == state.last + step and marker.path[:-1] == state.path[:-1]

    def _place(self, marker: Marker) -> tuple[str, int, list[str]] | None:
        """Where ``marker`` goes: (action, container index, warnings), or ``None``."""
        k = self._nearest(marker.family)
        state = self.lists[id(self.stack[k])] if k is not None else None
        if state is not None and self._continues(state, marker):
            return "continue", k, []
        if marker.number == 1:
            if k is None:
                return "new", self._by_rank(marker), []
            if self._colon_para() is not None:
                return "under-para", k, []
            return "restart", k, ["numbering restarts at 1"]
        closed = self.closed.get(marker.family)
        if closed is not None and closed[1] == marker.number - 1:
            # Numbering runs on from the list the previous section closed: it goes under
            # the nearest item of the same family as that list's parent.
            for j in range(len(self.stack) - 1, -1, -1):
                if self.family.get(id(self.stack[j])) == closed[0]:
                    return "new", j, []
        if state is not None and (marker.family in _TOLERANT or self._numbers_on(marker)):
            if self._continues(state, marker, 2):
                return "continue", k, [f"numbering gap: expected {state.last + 1}"]
            if self._continues(state, marker, 0):
                return "continue", k, ["duplicate number"]
        if k is None and self._orphan(marker):
            return "new", self._by_rank(marker), [f"orphan: numbering starts at {marker.number}"]
        return None

    def _orphan(self, marker: Marker) -> bool:
        """Whether a list that starts above 1 is a real list cut off at its start."""
        if marker.family in _TOLERANT or marker.family == "cn-ordinal":
            return marker.number <= 20
        return self._numbers_on(marker)

    def _numbers_on(self, marker: Marker) -> bool:
        """Whether a later line goes on from ``marker`` with the next number."""
        return self.last_at.get((marker.family, marker.number + 1), -1) > self.index

    def _rank_of(self, k: int) -> float:
        for j in range(k, 0, -1):
            family = self.family.get(id(self.stack[j]))
            if family is not None and family != "root":
                return rank(family) + (0.5 if j != k else 0.0)  # a para sits below its item
        return -1.0

    def _by_rank(self, marker: Marker) -> int:
        """The deepest open container that a list of ``marker``'s family may stand under."""
        own = rank(marker.family)
        for k in range(len(self.stack) - 1, 0, -1):
            if self._rank_of(k) < own:
                return k
        return 0

    def _colon_para(self) -> Node | None:
        node = self.current
        if (
            node is not None
            and node.kind == "para"
            and self.last_line is not None
            and self.last_line.text.endswith((":", "："))
        ):
            return node
        return None

    def _pop_to(self, k: int) -> None:
        while len(self.stack) > k + 1:
            container = self.stack.pop()
            state = self.lists.pop(id(container), None)
            if state is not None:
                self.closed[state.family] = (self.family.get(id(container), ""), state.last)

    def _open_item(self, line: Line, marker: Marker) -> bool:
        placed = self._place(marker)
        if placed is None:
            return False
        action, k, warnings = placed
        if action == "under-para":
            para = self._colon_para()
            self._pop_to(k)
            para.parent.children.remove(para)
            self.stack[k].add(para)
            self.stack.append(para)
            k = len(self.stack) - 1
        else:
            self._pop_to(k)
        container = self.stack[k]
        previous = self.lists.get(id(container))
        if action == "continue" and previous is not None and previous.style != marker.style:
            warnings.append(f"mixed styles: {previous.style} and {marker.style}")
        node = container.add(
            Node(
                "item",
                marker=marker.marker,
                style=marker.style,
                number=marker.number,
                warnings=warnings,
                marker_span=(line.body, line.body + marker.length),
            )
        )
        self.lists[id(container)] = _List(marker.family, marker.number, marker.style, marker.path)
        self.family[id(node)] = marker.family
        self.stack.append(node)
        self.seen_item = True
        self._start(node, line, line.body + marker.skip)
        return True

    # -- text ------------------------------------------------------------------------------
    def _start(self, node: Node, line: Line, offset: int) -> None:
        self.current, self.last_line, self.current_lines = node, None, 0
        self._extend(line, offset)

    def _extend(self, line: Line, offset: int) -> None:
        node = self.current
        node.pieces.extend(line_pieces(line, offset))
        self.last_line = line
        self.current_lines += 1

    def _open_para(self, line: Line) -> None:
        if _NOTES.match(line.text):
            self.in_notes = True
        node = self.stack[-1].add(Node("para"))
        if self.in_notes and line.marker is not None:
            node.warnings.append("endnote")
        self._start(node, line, line.body)

    def _joins(self, line: Line) -> bool:
        """Whether ``line`` continues the current node rather than opening a paragraph."""
        node, prev = self.current, self.last_line
        if node is None or line.bullet:
            return False
        if line.virtual:
            return True  # the rest of a line cut at a marker that was not an item
        if prev is None or not node.pieces:
            return node.kind == "item"  # a marker alone on its line takes the next line
        if ends_sentence(prev.text):
            return False
        if line.holes and line.holes[0][2] == "page counter":
            return True  # a document site's page counter cut this sentence
        if line.indent >= 2 and not line.page_break and prev.indent < 2:
            return False  # an indented line opens a paragraph
        own = prev.end - max(prev.body, node.pieces[0][0])
        if own >= LONG_LINE or (self.wrap and len(prev.text) >= self.wrap - 1):
            return True
        # A short line ends a heading that a page break cut; elsewhere it is a new paragraph.
        return (
            line.page_break
            and len(line.text) <= FRAGMENT
            and own + len(line.text) <= 46
            and not _INNER_STOP.search(line.text[:-1])
        )


def hole_nodes(line: Line) -> list[Node]:
    """Debris rows for the damage cut out of a content line (truncation notices, pinyin…)."""
    return [Node("debris", pieces=[(a, b)], warnings=[why]) for a, b, why in line.holes]


def debris_node(line: Line) -> Node:
    """A debris row for a line that is not content: page numbers, web debris, front matter."""
    return Node(
        "debris",
        pieces=[(line.start, line.end)],
        text=line.text,
        warnings=[line.reason or "front matter"],
    )
