"""Verify candidate pairs on their actual shingles, and align the copied spans.

Verification counts shared shingles after discounting boilerplate; alignment uses
rapidfuzz's Levenshtein opcodes (for a short unit inside a long one, first the window of the
long one where the short one's 4-grams are densest), and reports the copied span on both sides in original-file offsets,
with the edits inside it.

Examples:
    >>> from planparse.reuse.matchtext import DocText
    >>> a = DocText("开展妇女技能培训，积极帮助妇女就业").unit(0, 17)
    >>> b = DocText("开展妇女技能培训，用心帮助妇女就业").unit(0, 17)
    >>> align(a, b)
    ((0, 17), (0, 17), '积极→用心')
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from planparse.reuse.matchtext import MatchText

#: An edit longer than this is summarised by its length.
SHORT_EDIT = 12
#: Edits listed per pair; the rest are counted.
MAX_EDITS = 12


@dataclass(frozen=True)
class Overlap:
    """Shared shingles of two units: Jaccard, containment and the boilerplate share."""

    similarity: float
    containment: float
    boilerplate_share: float
    shared: int


@dataclass(frozen=True)
class Shingles:
    """A unit's distinct shingle hashes, sorted: its own, and the boilerplate ones."""

    own: np.ndarray
    stock: np.ndarray


def split_stock(hashes: list[np.ndarray], stock: np.ndarray) -> list[Shingles]:
    """Each unit's sorted distinct shingles (``hashes``), its own set apart from the
    ``stock`` (boilerplate) ones.

    Examples:
        >>> found = split_stock([np.array([1, 2, 3], np.uint64)], np.array([2], np.uint64))
        >>> found[0].own.tolist(), found[0].stock.tolist()
        ([1, 3], [2])
    """
    if not hashes:
        return []
    every = np.concatenate(hashes)
    owner = np.repeat(np.arange(len(hashes)), [len(h) for h in hashes])
    is_stock = np.isin(every, stock)  # one call for all units: one per unit was the cost

    def per_unit(mask: np.ndarray) -> list[np.ndarray]:
        return np.split(every[mask], np.searchsorted(owner[mask], np.arange(1, len(hashes))))

    return [Shingles(o, s) for o, s in zip(per_unit(~is_stock), per_unit(is_stock))]


def _common(a: np.ndarray, b: np.ndarray) -> int:
    """How many values two sorted arrays of distinct values share."""
    if not len(a) or not len(b):
        return 0
    at = np.searchsorted(b, a).clip(max=len(b) - 1)
    return int(np.count_nonzero(b[at] == a))


def overlap(a: Shingles, b: Shingles) -> Overlap:
    """Shingle overlap of two units, with boilerplate shingles set aside."""
    real, stock = _common(a.own, b.own), _common(a.stock, b.stock)
    own_a, own_b = len(a.own), len(b.own)
    union = own_a + own_b - real
    return Overlap(
        real / union if union else 0.0,
        real / min(own_a, own_b) if min(own_a, own_b) else 0.0,
        stock / (real + stock) if real + stock else 0.0,
        real,
    )


def _opcodes(a: str, b: str):
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.opcodes(a, b)


def _window(short: str, long: str, k: int = 4) -> tuple[int, int]:
    """The part of ``long`` that best matches ``short`` (for a copy pasted inside): the
    stretch of ``short``'s length that holds most of its ``k``-grams, widened by a tenth on
    each side so that the alignment can find the copy's own ends.

    rapidfuzz's ``partial_ratio_alignment`` did this in 0.37 s per pair for a paragraph
    inside a 25,000-character report, 37 of the 43 s of a search over the real corpus; it is
    the reference in ``tests/test_reuse.py``.
    """
    from planparse.hashing import CHAR_SEED, ngram_hashes

    if len(short) < k or len(long) <= len(short):
        return 0, len(long)
    own, _ = ngram_hashes(_codes(short), k, CHAR_SEED)
    there, _ = ngram_hashes(_codes(long), k, CHAR_SEED)
    hits = np.concatenate(([0], np.cumsum(np.isin(there, own))))
    span = len(own)
    best = int(np.argmax(hits[span:] - hits[:-span]))  # the first of the densest stretches
    margin = len(short) // 10
    return max(0, best - margin), min(len(long), best + len(short) + margin)


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def _edit(a: str, b: str) -> str:
    if a and b:
        return f"{a}→{b}" if max(len(a), len(b)) <= SHORT_EDIT else f"~{max(len(a), len(b))}字"
    text = a or b
    sign = "-" if a else "+"
    return f"{sign}{text}" if len(text) <= SHORT_EDIT else f"{sign}{len(text)}字"


def align(a: MatchText, b: MatchText) -> tuple[tuple[int, int], tuple[int, int], str]:
    """The copied span on each side (original offsets) and the edits inside the copy."""
    ta, tb = a.text, b.text
    shift_a = shift_b = 0
    if min(len(ta), len(tb)) < 0.8 * max(len(ta), len(tb)):
        if len(ta) < len(tb):
            lo, hi = _window(ta, tb)
            tb, shift_b = tb[lo:hi], lo
        else:
            lo, hi = _window(tb, ta)
            ta, shift_a = ta[lo:hi], lo
    ops = [op for op in _opcodes(ta, tb)]
    equal = [op for op in ops if op.tag == "equal"]
    if not equal:
        return (0, 0), (0, 0), ""
    first, last = equal[0], equal[-1]
    edits = Counter(
        _edit(ta[op.src_start : op.src_end], tb[op.dest_start : op.dest_end])
        for op in ops
        if op.tag != "equal" and op.src_start >= first.src_start and op.src_end <= last.src_end
    )
    a_span = a.span(shift_a + first.src_start, shift_a + last.src_end)
    b_span = b.span(shift_b + first.dest_start, shift_b + last.dest_end)
    return a_span, b_span, describe(edits)


def describe(edits: Counter) -> str:
    """The most frequent ``MAX_EDITS`` edits, then how many more there are.

    Examples:
        >>> describe(Counter({"积极→用心": 3, "+本村": 1}))
        '积极→用心×3; +本村'
    """
    ranked = sorted(edits.items(), key=lambda item: (-item[1], item[0]))
    shown = [f"{e}×{n}" if n > 1 else e for e, n in ranked[:MAX_EDITS]]
    rest = sum(n for _, n in ranked[MAX_EDITS:])
    return "; ".join(shown + ([f"… {rest} more edits"] if rest else []))
