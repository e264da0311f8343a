"""Units of comparison taken from the item table: whole plans, sections, items.

* ``plan``: a plan from its title to its last row;
* ``section``: an item that has children, with its whole subtree (at any depth, so a
  sub-section pasted as a section of another plan still meets its source);
* ``item``: an item or paragraph with its inline enumerations.

Each unit keeps the ids it came from and its :class:`MatchText`, whose offsets point into
the original file.

Examples:
    >>> import planparse
    >>> text = "社区工作计划\\n一、开展法律援助活动\\n（一）深入社区。\\n二、评选最美家庭\\n"
    >>> items = planparse.parse(text, doc_id="a").to_frame()
    >>> [u.key for u in build_units(items, {"a": text}, "section", min_chars=2)]
    ['a#1/1']
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING

import numpy as np

from planparse.reuse.matchtext import DocText, MatchText
from planparse.schema import ReuseRow

if TYPE_CHECKING:
    import pandas as pd

LEVELS = ("plan", "section", "item")


@dataclass(frozen=True)
class Unit:
    """One unit: which file and plan, its key (an item id, or ``doc#plan`` for a plan)."""

    doc: str
    plan: int
    key: str
    level: str
    #: The unit's document as matching text (or, once read back from a
    #: :class:`~planparse.reuse.store.UnitStore`, the unit's own).
    source: DocText | MatchText
    start: int
    end: int
    #: ``[i, j)`` of the unit's characters in ``source.kept``.
    kept: tuple[int, int]

    @property
    def text(self) -> MatchText:
        """The unit's matching text (made on demand: most units never need it, and making
        250,000 of them up front was a tenth of the search on 10,000 plans)."""
        return self.source.at(*self.kept)

    @classmethod
    def whole(cls, doc: str, text: str, key: str = "", level: str = "item") -> Unit:
        """A unit of a whole text.

        Examples:
            >>> Unit.whole("a", "开展，普法宣传").text.text
            '开展普法宣传'
        """
        source = DocText(text)
        return cls(doc, 0, key, level, source, 0, len(text), (0, len(source.kept)))


#: The columns of the item table that copy-paste reads (:class:`planparse.schema.ReuseRow`).
COLUMNS_READ = ReuseRow._fields


def table_rows(items: pd.DataFrame) -> list[ReuseRow]:
    """The table's rows as named records (pandas per-plan slicing was most of the time)."""
    return [ReuseRow._make(values) for values in zip(*(items[c].tolist() for c in COLUMNS_READ))]


def doc_texts(
    items: pd.DataFrame,
    texts: Mapping[str, str],
    simplified: bool,
    rows: list | None = None,
) -> dict[str, DocText]:
    """Each file's :class:`DocText`, with its item markers masked and its debris rows
    flagged (they take part only as boilerplate: a notice shared by two pages is shown,
    never counted as copying)."""
    masked: dict[str, list[tuple[int, int]]] = {}
    debris: dict[str, list[tuple[int, int]]] = {}
    for row in table_rows(items) if rows is None else rows:
        doc, kind, marker, start, end = row.doc_id, row.kind, row.marker, row.start, row.end
        spans = masked.setdefault(doc, [])
        if kind == "debris":
            debris.setdefault(doc, []).append((start, end))
        elif marker:
            spans.append((start, start + len(marker)))
    names = list(masked)
    made = DocText.many(
        [texts[name] for name in names],
        [masked[name] for name in names],
        simplified,
        [debris.get(name, []) for name in names],
    )
    return dict(zip(names, made))


def _title_start(text: str, title: str, first: int) -> int:
    at = text.rfind(title, 0, first) if title else -1
    return at if at >= 0 else first


def build_units(
    items: pd.DataFrame,
    texts: Mapping[str, str],
    level: str,
    min_chars: int = 30,
    simplified: bool = False,
    docs: dict[str, DocText] | None = None,
) -> list[Unit]:
    """The units of one level with at least ``min_chars`` kept characters."""
    return units_by_level(items, texts, (level,), min_chars, simplified, docs)[level]


def units_by_level(
    items: pd.DataFrame,
    texts: Mapping[str, str],
    levels: tuple[str, ...] = LEVELS,
    min_chars: int = 30,
    simplified: bool = False,
    docs: dict[str, DocText] | None = None,
    rows: list[tuple] | None = None,
) -> dict[str, list[Unit]]:
    """The units of each level in ``levels``, in one pass over the table (``rows``: its
    :func:`table_rows`, when the caller has them already)."""
    unknown = [level for level in levels if level not in LEVELS]
    if unknown:
        raise ValueError(f"unit must be one of {', '.join(LEVELS)}, not {unknown[0]!r}")
    rows = table_rows(items) if rows is None else rows
    docs = docs if docs is not None else doc_texts(items, texts, simplified, rows)
    content = [r for r in rows if r.kind != "debris" and r.plan_no > 0]
    units: dict[str, list[Unit]] = {level: [] for level in levels}
    for (doc, plan), group in groupby(content, key=lambda r: (r.doc_id, r.plan_no)):
        plan_rows = list(group)
        for level in levels:
            spans = list(_spans(plan_rows, level, texts[doc]))
            units[level] += _units(docs[doc], doc, int(plan), level, spans, min_chars)
    return units


def _units(
    doc: DocText, name: str, plan: int, level: str, spans: list, min_chars: int
) -> list[Unit]:
    """Units of the ``(key, start, end)`` spans with at least ``min_chars`` kept characters."""
    if not spans:
        return []
    bounds = np.array([(start, end) for _, start, end in spans], dtype=np.int64)
    kept = np.searchsorted(doc.offsets, bounds).tolist()
    return [
        Unit(name, plan, key, level, doc, start, end, (i, j))
        for (key, start, end), (i, j) in zip(spans, kept)
        if j - i >= min_chars
    ]


def _subtree_ends(rows: list[ReuseRow]) -> dict[str, int]:
    """End offset of each node's subtree (rows are in document order)."""
    ends = {r.item_id: r.end for r in rows}
    for row in reversed(rows):
        if row.parent_id:
            ends[row.parent_id] = max(ends.get(row.parent_id, 0), ends[row.item_id])
    return ends


def _spans(rows: list[ReuseRow], level: str, text: str) -> Iterator[tuple[str, int, int]]:
    if level == "plan":
        first = min(r.start for r in rows)
        yield (
            f"{rows[0].doc_id}#{rows[0].plan_no}",
            _title_start(text, rows[0].plan_title, first),
            max(r.end for r in rows),
        )
        return
    if level == "section":
        parents = {r.parent_id for r in rows}
        ends = _subtree_ends(rows)
        for r in rows:
            if r.kind == "item" and r.item_id in parents:
                yield r.item_id, int(r.start), int(ends[r.item_id])
        return
    inline_end: dict[str, int] = {}
    for r in rows:
        if r.kind == "inline":
            inline_end[r.parent_id] = max(inline_end.get(r.parent_id, 0), r.end)
    for r in rows:
        if r.kind in ("item", "para"):
            yield r.item_id, int(r.start), int(max(r.end, inline_end.get(r.item_id, r.end)))
