"""Compare candidate pairs of files: their shared passages as rows of copies, repeats and
boilerplate.

A passage (:mod:`planparse.reuse.passages`) is judged by its *own* shared characters: those
on neither side inside a stock phrase (套话), a site notice, or a window found in too many
files (:data:`~planparse.reuse.fingerprint.FREQUENT`).

* at least ``min_copy`` own characters: a ``copy`` (between files, or between plans of one
  compilation) or a ``repeat`` (inside one plan);
* otherwise, at least ``min_copy`` characters outside stock phrases: ``boilerplate``
  (a shared notice or footer), kept apart and shown, never counted as copying;
* otherwise nothing: a stock phrase or a passage too short to be a copy.

Examples:
    >>> shared_kind(60, 60, same_plan=False, min_copy=50)
    'copy'
    >>> shared_kind(20, 60, same_plan=False, min_copy=50)
    'boilerplate'
    >>> shared_kind(20, 30, same_plan=True, min_copy=50)
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

from planparse.hashing import CHAR_SEED, ngram_hashes
from planparse.reuse.align import _edit, describe
from planparse.reuse.fingerprint import FREQUENT, STOCK, cover
from planparse.reuse.passages import Passage, Windows, _joined, passages, shared_mask
from planparse.reuse.units import LEVELS

if TYPE_CHECKING:
    from planparse.reuse.store import StoredDoc, UnitIndex


def shared_kind(own: int, outside_stock: int, same_plan: bool, min_copy: int) -> str | None:
    """What a passage is, from its own shared characters and those outside stock phrases."""
    if own >= min_copy:
        return "repeat" if same_plan else "copy"
    return "boilerplate" if outside_stock >= min_copy else None


def mark_frequent(docs: list[StoredDoc], frequent: np.ndarray, k: int) -> list[np.ndarray]:
    """Each file's marks with :data:`FREQUENT` added on every window of ``k`` characters
    whose hash stands in too many files (``frequent``, sorted), all files at once."""
    marks = [doc.marks.copy() for doc in docs]
    if not len(frequent) or not docs:
        return marks
    codes, bases = _joined([doc.codes for doc in docs])
    hashes, starts = ngram_hashes(codes, k, CHAR_SEED)
    hit = frequent[np.searchsorted(frequent, hashes).clip(max=len(frequent) - 1)] == hashes
    covered = cover(len(codes), starts[hit], k)
    for mark, base in zip(marks, bases.tolist()):
        mark[covered[base : base + len(mark)]] |= FREQUENT
    return marks


def unit_ids(doc: StoredDoc, level: str) -> np.ndarray:
    """For each character, the number of the outermost unit of ``level`` holding it (-1
    outside every one)."""
    ids = np.full(len(doc.codes), -1, np.int64)
    mine = np.flatnonzero(doc.units[:, 0] == LEVELS.index(level))
    for n in sorted(mine.tolist(), key=lambda n: doc.units[n, 3] - doc.units[n, 2]):
        ids[doc.units[n, 2] : doc.units[n, 3]] = n
    return ids


def holder(doc: StoredDoc, lo: int, hi: int, level: str) -> int:
    """The unit holding ``[lo, hi)``: the smallest of any level for ``"auto"``, else the
    one of ``level`` (-1 when none)."""
    units = doc.units
    fits = (units[:, 2] <= lo) & (units[:, 3] >= hi)
    if level != "auto":
        fits &= units[:, 0] == LEVELS.index(level)
    found = np.flatnonzero(fits)
    if not len(found):
        return -1
    size = units[found, 3] - units[found, 2]
    return int(found[np.lexsort((-units[found, 0], size))[0]])


class _Side:
    """One file as a passage sees it: its unit numbers for one level, its windows, and
    (once a passage needs them) its marks."""

    def __init__(self, doc: StoredDoc, ids: np.ndarray, windows: Windows) -> None:
        self.doc, self.ids, self.windows = doc, ids, windows
        self.marks = doc.marks

    @classmethod
    def many(cls, docs: list[StoredDoc], level: str, q: int) -> list[_Side]:
        """The sides of ``docs``, prepared together."""
        ids = [unit_ids(doc, "plan" if level == "auto" else level) for doc in docs]
        windows = Windows.many([doc.codes for doc in docs], q, ids)
        return [cls(*made) for made in zip(docs, ids, windows)]

    @staticmethod
    def mark(sides: list[_Side], frequent: np.ndarray, k: int) -> None:
        """Add the frequent windows to the marks of ``sides``, all at once (only the sides
        of some passage need them: most candidate pairs share none)."""
        marks = mark_frequent([side.doc for side in sides], frequent, k)
        for side, marked in zip(sides, marks):
            side.marks = marked

    def counts(self, lo: int, hi: int, found: list, side: int) -> tuple[int, int]:
        """Shared characters of the pieces ``found`` in ``[lo, hi)`` of this side: own, and
        outside stock phrases."""
        marks = self.marks[lo:hi][shared_mask(lo, hi, found, side)]
        return int((marks == 0).sum()), int(((marks & STOCK) == 0).sum())

    def unit(self, lo: int, hi: int, level: str) -> tuple[int, str, str, int]:
        """Plan, key, level and length (characters) of the unit holding ``[lo, hi)``."""
        n = holder(self.doc, lo, hi, level)
        if n < 0:
            plan = int(self.doc.units[self.ids[lo], 1]) if self.ids[lo] >= 0 else 0
            return plan, f"{self.doc.name}#{plan}", "plan", hi - lo
        row = self.doc.units[n]
        return int(row[1]), str(self.doc.keys[n]), LEVELS[row[0]], int(row[3] - row[2])

    def text(self, lo: int, hi: int) -> str:
        return self.doc.codes[lo:hi].astype(np.uint32).tobytes().decode("utf-32-le")


def compare_docs(
    pairs: np.ndarray,
    index: UnitIndex,
    level: str,
    frequent: np.ndarray,
    settings,
) -> list[dict]:
    """The rows of the shared passages of each pair of global file numbers in ``pairs``
    (a file with itself: its repeats); ``level`` is ``"auto"`` or the unit level compared."""
    from planparse.reuse.fingerprint import K

    numbers = np.unique(pairs).tolist()
    sides = dict(zip(numbers, _Side.many(index.docs(numbers), level, settings.seed_chars)))
    found = {}
    for i, j in pairs.tolist():
        a, b = sides[i], sides[j]
        codes_b = a.doc.codes if i == j else b.doc.codes
        found[i, j] = passages(
            a.doc.codes,
            codes_b,
            settings.threshold,
            settings.seed_chars,
            settings.gap,
            a.ids,
            b.ids,
            settings.min_copy,
            (a.windows, b.windows),
        )
    shared = sorted({n for (i, j), some in found.items() if some for n in (i, j)})
    _Side.mark([sides[n] for n in shared], frequent, K)
    rows = []
    for (i, j), some in found.items():
        a, b = sides[i], sides[j]
        rows += [r for p in some if (r := _row(a, b, p, level, settings.min_copy))]
    return rows


def _row(a: _Side, b: _Side, p: Passage, level: str, min_copy: int) -> dict | None:
    own_a, free_a = a.counts(p.a_lo, p.a_hi, p.pieces, 0)
    own_b, free_b = b.counts(p.b_lo, p.b_hi, p.pieces, 1)
    a_plan, a_key, a_level, a_len = a.unit(p.a_lo, p.a_hi, level)
    b_plan, b_key, b_level, b_len = b.unit(p.b_lo, p.b_hi, level)
    same_plan = a.doc.name == b.doc.name and a_plan == b_plan
    kind = shared_kind(min(own_a, own_b), min(free_a, free_b), same_plan, min_copy)
    if kind is None:
        return None
    own = min(own_a, own_b)
    return {
        "a_doc": a.doc.name,
        "a_plan": a_plan,
        "a_item": a_key,
        "b_doc": b.doc.name,
        "b_plan": b_plan,
        "b_item": b_key,
        "unit": min(a_level, b_level, key=LEVELS.index),
        "kind": kind,
        "similarity": round(p.similarity, 4),
        "containment": round(min(1.0, own / max(min(a_len, b_len), 1)), 4),
        "a_start": int(a.doc.offsets[p.a_lo]),
        "a_end": int(a.doc.offsets[p.a_hi - 1]) + 1,
        "b_start": int(b.doc.offsets[p.b_lo]),
        "b_end": int(b.doc.offsets[p.b_hi - 1]) + 1,
        "edits": edits(a.text(p.a_lo, p.a_hi), b.text(p.b_lo, p.b_hi)),
        "boilerplate_share": round(1 - own / max(p.matched, 1), 4),
        "copied": own,
    }


def edits(a: str, b: str) -> str:
    """What changed between two sides of a passage (:func:`~planparse.reuse.align.describe`).

    Examples:
        >>> edits("开展妇女技能培训积极帮助妇女就业", "开展妇女技能培训用心帮助妇女就业")
        '积极→用心'
    """
    from rapidfuzz.distance import Levenshtein

    changed = Counter(
        _edit(a[op.src_start : op.src_end], b[op.dest_start : op.dest_end])
        for op in Levenshtein.opcodes(a, b)
        if op.tag != "equal"
    )
    return describe(changed)
