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

from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

import numpy as np

from planparse.reuse.matchtext import DocText, MatchText

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
    text: MatchText
    start: int
    end: int


def doc_texts(items: "pd.DataFrame", texts: Mapping[str, str], simplified: bool) -> dict[str, DocText]:
    """Each file's :class:`DocText`, with its debris rows and item markers masked."""
    out = {}
    for doc, rows in items.groupby("doc_id", sort=False):
        masked = [(s, e) for s, e in zip(rows.start[rows.kind == "debris"], rows.end[rows.kind == "debris"])]
        marked = rows[rows.marker != ""]
        masked += [(s, s + len(m)) for s, m in zip(marked.start, marked.marker)]
        out[doc] = DocText(texts[doc], masked, simplified)
    return out


def _title_start(text: str, title: str, first: int) -> int:
    at = text.rfind(title, 0, first) if title else -1
    return at if at >= 0 else first


def build_units(items: "pd.DataFrame", texts: Mapping[str, str], level: str,
                min_chars: int = 30, simplified: bool = False,
                docs: dict[str, DocText] | None = None) -> list[Unit]:
    """The units of one level with at least ``min_chars`` kept characters."""
    if level not in LEVELS:
        raise ValueError(f"unit must be one of {', '.join(LEVELS)}, not {level!r}")
    content = items[(items.kind != "debris") & (items.plan_no > 0)]
    docs = docs if docs is not None else doc_texts(items, texts, simplified)
    units = []
    for (doc, plan), rows in content.groupby(["doc_id", "plan_no"], sort=False):
        ends = _subtree_ends(rows)
        for key, start, end in _spans(rows, ends, level, texts[doc]):
            text = docs[doc].unit(start, end)
            if len(text) >= min_chars:
                units.append(Unit(doc, int(plan), key, level, text, start, end))
    return units


def _subtree_ends(rows: "pd.DataFrame") -> dict[str, int]:
    """End offset of each node's subtree (rows are in document order)."""
    ends = dict(zip(rows.item_id, rows.end))
    for item_id, parent, end in zip(rows.item_id[::-1], rows.parent_id[::-1], rows.end[::-1]):
        if parent:
            ends[parent] = max(ends.get(parent, 0), ends[item_id])
    return ends


def _spans(rows: "pd.DataFrame", ends: dict[str, int], level: str, text: str):
    if level == "plan":
        first = int(rows.start.min())
        doc, plan = rows.doc_id.iloc[0], rows.plan_no.iloc[0]
        yield f"{doc}#{plan}", _title_start(text, rows.plan_title.iloc[0], first), int(rows.end.max())
        return
    if level == "section":
        parents = set(rows.parent_id)
        heads = rows[(rows.kind == "item") & rows.item_id.isin(parents)]
        for item_id, start in zip(heads.item_id, heads.start):
            yield item_id, int(start), int(ends[item_id])
        return
    inline_end = rows[rows.kind == "inline"].groupby("parent_id").end.max().to_dict()
    units = rows[rows.kind.isin(["item", "para"])]
    for item_id, start, end in zip(units.item_id, units.start, units.end):
        yield item_id, int(start), int(max(end, inline_end.get(item_id, end)))


def shingle_arrays(units: list[Unit], k: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every character ``k``-gram of every unit, and the unit index of each."""
    from planparse.hashing import CHAR_SEED, ngram_hashes

    if not units:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    parts, owners = [], []
    for i, unit in enumerate(units):
        parts += [unit.text.codes.astype(np.uint64), np.zeros(1, np.uint64)]
        owners.append(np.full(len(unit.text) + 1, i, dtype=np.int64))
    codes, owner = np.concatenate(parts), np.concatenate(owners)
    hashes, starts = ngram_hashes(codes, k, CHAR_SEED)
    return hashes, owner[starts]
