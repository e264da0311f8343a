"""The plan tree: the one data model that every stage of planparse reads.

A :class:`Document` is one decoded file.  It holds the file's front matter (debris that
belongs to no plan) and one or more :class:`Plan` objects; a compilation file holds several.
Each plan is a tree of :class:`Node` objects.  :meth:`Document.to_frame` flattens the tree
into the table described in :mod:`planparse.schema`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported lazily so that `import planparse` stays fast
    import pandas as pd

Span = tuple[int, int]

#: Node kinds, as they appear in the ``kind`` column.
KINDS = ("item", "inline", "para", "debris")


@dataclass(eq=False, slots=True)
class Node:
    """One node of a plan: a numbered item, an inline enumeration, a paragraph or debris.

    ``pieces`` are the spans of the original text that make up the node's own text, in
    order; a node broken by a page break has several.  ``start``/``end`` cover the marker
    and all pieces.  ``text`` is the pieces joined, so ``text`` never contains a child's
    text.

    Examples:
        >>> node = Node("para", pieces=[(0, 4)], text="开展活动")
        >>> node.start, node.end
        (0, 4)
    """

    kind: str
    pieces: list[Span] = field(default_factory=list)
    text: str = ""
    marker: str = ""
    marker_span: Span | None = None
    style: str = ""
    number: int | None = None
    heading: str = ""
    warnings: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    parent: Node | None = field(default=None, repr=False)

    @property
    def start(self) -> int:
        if self.marker_span is not None:
            return self.marker_span[0]
        return self.pieces[0][0] if self.pieces else 0

    @property
    def end(self) -> int:
        if self.pieces:
            return self.pieces[-1][1]
        return self.marker_span[1] if self.marker_span is not None else 0

    def add(self, child: Node) -> Node:
        """Append ``child`` and return it."""
        child.parent = self
        self.children.append(child)
        return child

    def walk(self) -> Iterator[Node]:
        """This node and its descendants in document order (iterative: deep trees are fine)."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))


@dataclass(eq=False, slots=True)
class Plan:
    """One plan inside a file: its title and its tree of nodes.

    ``root`` is a container node of kind ``para`` that is never exported; its children are
    the plan's top-level nodes.  ``debris`` holds page numbers, running headers and web
    debris found inside the plan.

    Examples:
        >>> import planparse
        >>> plan = planparse.parse("村妇联工作计划\\n一、维护权益\\n二、促进就业\\n").plans[0]
        >>> plan.number, plan.title, [node.heading for node in plan.root.children]
        (1, '村妇联工作计划', ['维护权益', '促进就业'])
    """

    number: int
    title: str = ""
    title_pieces: list[Span] = field(default_factory=list)
    root: Node = field(default_factory=lambda: Node("para"))
    debris: list[Node] = field(default_factory=list)

    @property
    def nodes(self) -> list[Node]:
        """The plan's top-level nodes."""
        return self.root.children

    def walk(self) -> Iterator[tuple[Node, int]]:
        """Every non-debris node with its depth (1 at the top), in document order."""
        stack = [(child, 1) for child in reversed(self.root.children)]
        while stack:
            node, depth = stack.pop()
            yield node, depth
            stack.extend((child, depth + 1) for child in reversed(node.children))


@dataclass(eq=False, slots=True)
class Document:
    """A parsed file: the decoded text, its front matter and its plans.

    Examples:
        >>> import planparse
        >>> doc = planparse.parse("一、加强学习\\n二、开展活动\\n", doc_id="a.txt")
        >>> [n.marker for n, _ in doc.plans[0].walk()]
        ['一、', '二、']
    """

    doc_id: str
    text: str
    plans: list[Plan] = field(default_factory=list)
    front: list[Node] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """The document as one table in the :mod:`planparse.schema` layout."""
        from planparse.schema import frame_from_documents

        return frame_from_documents([self])
