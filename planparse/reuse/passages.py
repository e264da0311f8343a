"""Shared passages of two texts: exact pieces chained across small gaps.

Two matching texts (letters and digits only, so paragraph breaks, punctuation and item
markers are already gone) are compared by their ``q``-character windows.  Equal windows on
one diagonal make an exact piece; pieces that follow each other on both sides, with at most
``gap`` characters between them on each side (a swapped word, a new place name, a heading
added), are chained into one passage, as long as the passage stays at least ``threshold``
identical.  The minimum length is then applied to the whole passage, not to its pieces.

Pieces never cross the boundary of a unit of the level being compared (``unit_ids``), so a
passage lies inside one plan (or one section, or item) on each side.

Examples:
    >>> def codes(text):
    ...     return np.frombuffer(text.encode("utf-32-le"), np.uint32)
    >>> a = codes("甲乙组织开展妇女技能培训帮助妇女就业创业丙丁")
    >>> b = codes("戊组织开展妇女技能培训积极帮助妇女就业创业己")
    >>> [(p.a_lo, p.a_hi, p.b_lo, p.b_hi, p.matched) for p in passages(a, b, q=4, gap=3, long_enough=10)]
    [(2, 20, 1, 21, 18)]
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from planparse.hashing import CHAR_SEED, ngram_hashes

#: Characters of the exact windows that pieces are made of.
Q = 6
#: Characters tolerated between two pieces of one passage, on each side.
GAP = 20
#: A window repeated more often than this in either text takes no part (a list of dates,
#: a repeated heading): it would pair every copy with every other.
MAX_REPEAT = 8


@dataclass
class Passage:
    """A shared passage: ``[a_lo, a_hi)`` and ``[b_lo, b_hi)`` in each matching text, the
    characters shared (``matched``), and the exact pieces ``(a, b, length)``."""

    a_lo: int
    a_hi: int
    b_lo: int
    b_hi: int
    matched: int
    pieces: list

    @property
    def similarity(self) -> float:
        """The share of the longer side that is shared: 1.0 for an exact copy."""
        return self.matched / max(self.a_hi - self.a_lo, self.b_hi - self.b_lo, 1)

    def add(self, a: int, b: int, length: int) -> None:
        """Chain the piece ``(a, b, length)`` on (it starts at or after this one's end,
        less an overlap)."""
        self.matched += a + length - max(a, self.a_hi)
        self.a_hi, self.b_hi = a + length, b + length
        self.pieces.append((a, b, length))


@dataclass(frozen=True)
class Windows:
    """The ``q``-character windows of one text that can pair (inside one unit, repeated at
    most :data:`MAX_REPEAT` times), sorted by hash: made once for a file met in many pairs
    (making them again for every pair, and sorting the other side's, was most of the
    passage search)."""

    hashes: np.ndarray
    starts: np.ndarray

    @classmethod
    def of(cls, codes: np.ndarray, q: int = Q, ids: np.ndarray | None = None) -> Windows:
        """The windows of ``codes`` (``ids``: a unit number per character, -1 outside).

        Examples:
            >>> text = np.frombuffer("一二三一二三".encode("utf-32-le"), np.uint32)
            >>> sorted(Windows.of(text, 3).starts.tolist())
            [0, 1, 2, 3]
        """
        return cls.many([codes], q, None if ids is None else [ids])[0]

    @classmethod
    def many(
        cls, texts: list[np.ndarray], q: int = Q, ids: list[np.ndarray] | None = None
    ) -> list[Windows]:
        """:meth:`of` each text (none holding a NUL), all hashed and sorted at once (one
        text at a time, the fixed cost of each step was most of it for short files)."""
        codes, bases = _joined(texts)
        hashes, starts = ngram_hashes(codes, q, CHAR_SEED)
        if ids is not None and len(starts):
            every = _joined(ids, -1, np.int64)[0]
            inside = (every[starts] >= 0) & (every[starts] == every[starts + q - 1])
            hashes, starts = hashes[inside], starts[inside]
        text = np.searchsorted(bases, starts, "right") - 1
        # by text, then hash: a sort by hash, then a stable one by text, which numpy does in
        # linear time for 16-bit keys (lexsort was a sixth of the search); the order of one
        # text's equal windows does not matter
        order = np.argsort(hashes)
        key = text[order].astype(np.uint16 if len(texts) <= 1 << 16 else np.int64)
        order = order[np.argsort(key, kind="stable")]
        hashes, starts, text = hashes[order], starts[order], text[order]
        new = np.ones(len(hashes), bool)
        new[1:] = (hashes[1:] != hashes[:-1]) | (text[1:] != text[:-1])
        bounds = np.append(np.flatnonzero(new), len(hashes))
        repeats = np.repeat(np.diff(bounds), np.diff(bounds))
        rare = repeats <= MAX_REPEAT
        hashes, starts, text = hashes[rare], starts[rare] - bases[text[rare]], text[rare]
        cuts = np.searchsorted(text, np.arange(len(texts) + 1)).tolist()
        return [cls(hashes[lo:hi], starts[lo:hi]) for lo, hi in pairwise(cuts)]


def _joined(
    arrays: list[np.ndarray], separator: int = 0, dtype: type = np.uint64
) -> tuple[np.ndarray, np.ndarray]:
    """The arrays joined with ``separator`` after each, and where each starts.

    Examples:
        >>> joined, bases = _joined([np.array([5, 6]), np.array([7])], -1, np.int64)
        >>> joined.tolist(), bases.tolist()
        ([5, 6, -1, 7, -1], [0, 3])
    """
    lengths = np.array([len(a) + 1 for a in arrays], np.int64)
    bases = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    end = np.full(1, separator, dtype)
    parts = [part for a in arrays for part in (np.asarray(a, dtype), end)]
    return np.concatenate([np.empty(0, dtype)] + parts), bases


def pieces(
    a: np.ndarray,
    b: np.ndarray,
    q: int = Q,
    a_ids: np.ndarray | None = None,
    b_ids: np.ndarray | None = None,
    windows: tuple[Windows, Windows] | None = None,
    at_least: int = 0,
) -> np.ndarray:
    """Maximal exact pieces ``(a, b, length)`` of at least ``q`` characters shared by the
    texts ``a`` and ``b`` (pass the same array twice for the repeats inside one text: then
    ``b > a``), sorted by ``a`` then ``b``.  With ``a_ids`` / ``b_ids`` (a unit number per
    character, -1 outside every unit) a piece stays inside one unit on each side.
    ``windows``: the texts' :class:`Windows`, made with the same ``q`` and ids, when the
    caller keeps them.  No piece when the equal windows could not cover ``at_least``
    characters together (each adds at most ``q``): most candidate pairs stop there.

    Examples:
        >>> text = np.frombuffer("一二三四五六七八九十".encode("utf-32-le"), np.uint32)
        >>> pieces(text, text[3:], 3).tolist()
        [[3, 0, 7]]
    """
    same = a is b
    if windows is None:
        own = Windows.of(a, q, a_ids)
        windows = (own, own if same else Windows.of(b, q, b_ids))
    i, j = _window_pairs(*windows)
    if same:
        i, j = i[j > i], j[j > i]
    if not len(i) or len(i) * q < at_least:
        return np.empty((0, 3), np.int64)
    order = np.lexsort((i, j - i))
    i, j = i[order], j[order]
    new = np.ones(len(i), bool)
    new[1:] = (np.diff(j - i) != 0) | (np.diff(i) != 1)
    if a_ids is not None:
        new[1:] |= a_ids[i[1:]] != a_ids[i[:-1]]
    if b_ids is not None:
        new[1:] |= b_ids[j[1:]] != b_ids[j[:-1]]
    starts = np.flatnonzero(new)
    lengths = np.diff(np.append(starts, len(i))) + q - 1
    found = np.stack((i[starts], j[starts], lengths), axis=1)
    return found[np.lexsort((found[:, 1], found[:, 0]))]


def _window_pairs(a: Windows, b: Windows) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of positions ``(i, j)`` of equal windows (in no particular order)."""
    lo = np.searchsorted(b.hashes, a.hashes, "left")
    count = np.searchsorted(b.hashes, a.hashes, "right") - lo
    first = np.repeat(lo - np.cumsum(count) + count, count)
    j = b.starts[first + np.arange(int(count.sum()))]
    return np.repeat(a.starts, count), j


def chain(
    found: np.ndarray,
    threshold: float,
    gap: int = GAP,
    q: int = Q,
    a_ids: np.ndarray | None = None,
    b_ids: np.ndarray | None = None,
) -> list[Passage]:
    """Chain pieces (sorted by ``a``) into passages: a piece joins the passage whose end it
    follows on both sides within ``gap`` characters (or overlaps by less than ``q``), in
    the same unit (``a_ids``, ``b_ids``), the one with most shared characters, if the
    passage stays ``threshold`` identical."""
    done: list[Passage] = []
    open_: list[Passage] = []
    for a, b, length in found.tolist():
        done += [p for p in open_ if p.a_hi < a - gap]
        open_ = [p for p in open_ if p.a_hi >= a - gap]
        near = [p for p in open_ if _same_unit(p, a, b, a_ids, b_ids)]
        best = _best(near, a, b, length, threshold, gap, q)
        if best is None:
            open_.append(Passage(a, a + length, b, b + length, length, [(a, b, length)]))
        else:
            best.add(a, b, length)
    return done + open_


def _same_unit(
    p: Passage, a: int, b: int, a_ids: np.ndarray | None, b_ids: np.ndarray | None
) -> bool:
    return (a_ids is None or a_ids[p.a_lo] == a_ids[a]) and (
        b_ids is None or b_ids[p.b_lo] == b_ids[b]
    )


def _best(
    open_: list[Passage], a: int, b: int, length: int, threshold: float, gap: int, q: int
) -> Passage | None:
    best, most = None, -1
    for p in open_:
        gap_a, gap_b = a - p.a_hi, b - p.b_hi
        if not (-q < gap_a <= gap and -q < gap_b <= gap) or a + length <= p.a_hi:
            continue
        grown = p.matched + a + length - max(a, p.a_hi)
        span = max(a + length - p.a_lo, b + length - p.b_lo)
        if grown / span >= threshold and p.matched > most:
            best, most = p, p.matched
    return best


def passages(
    a: np.ndarray,
    b: np.ndarray,
    threshold: float = 0.4,
    q: int = Q,
    gap: int = GAP,
    a_ids: np.ndarray | None = None,
    b_ids: np.ndarray | None = None,
    long_enough: int = 50,
    windows: tuple[Windows, Windows] | None = None,
) -> list[Passage]:
    """The shared passages of ``a`` and ``b`` (the same array twice: the repeats inside one
    text, which then never overlap themselves), largest first, none lying over a larger one
    on both sides, each sharing at least ``long_enough`` characters.  A piece shorter than
    that with no other piece near it can make no such passage and is left out before
    chaining (most pieces are common words: this is what keeps two long reports fast).
    ``windows`` as for :func:`pieces`."""
    found = pieces(a, b, q, a_ids, b_ids, windows, long_enough)
    if found[:, 2].sum() < long_enough:  # a passage shares at most every piece
        return []
    found = found[(found[:, 2] >= long_enough) | has_neighbour(found, gap + q)]
    chained = chain(found, threshold, gap, q, a_ids, b_ids)
    chained = [p for p in chained if p.matched >= long_enough and (a is not b or p.a_hi <= p.b_lo)]
    chained.sort(key=lambda p: (-p.matched, p.a_lo, p.b_lo))
    kept: list[Passage] = []
    for p in chained:
        if not any(_overlaps(p, k) for k in kept):
            kept.append(p)
    return kept


def has_neighbour(found: np.ndarray, reach: int) -> np.ndarray:
    """Whether each piece ``(a, b, length)`` has another piece starting near its end or
    ending near its start, on both sides (cells of ``reach`` characters: a superset of the
    pieces that :func:`chain` can join).

    Examples:
        >>> has_neighbour(np.array([[0, 0, 6], [10, 9, 6], [500, 80, 6]]), 26).tolist()
        [True, True, False]
    """
    if len(found) < 2:
        return np.zeros(len(found), bool)
    a, b, length = found[:, 0], found[:, 1], found[:, 2]
    starts = (a // reach, b // reach)
    ends = ((a + length) // reach, (b + length) // reach)
    return _near(ends, starts) | _near(starts, ends)


def _near(mine: tuple, others: tuple) -> np.ndarray:
    """Whether some other piece has its ``others`` cell next to each piece's ``mine``."""
    sorted_others = np.sort(_cells(*others))
    count = np.zeros(len(mine[0]), np.int64)
    for da in (-1, 0, 1):
        for db in (-1, 0, 1):
            cell = _cells(mine[0] + da, mine[1] + db)
            count += np.searchsorted(sorted_others, cell, "right")
            count -= np.searchsorted(sorted_others, cell, "left")
    own = (np.abs(others[0] - mine[0]) <= 1) & (np.abs(others[1] - mine[1]) <= 1)
    return count - own > 0


def _cells(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a.astype(np.int64) << 32) + b.astype(np.int64)


def _overlaps(p: Passage, k: Passage) -> bool:
    """Whether ``p`` lies mostly inside ``k`` on both sides."""
    inside_a = min(p.a_hi, k.a_hi) - max(p.a_lo, k.a_lo)
    inside_b = min(p.b_hi, k.b_hi) - max(p.b_lo, k.b_lo)
    return inside_a > (p.a_hi - p.a_lo) / 2 and inside_b > (p.b_hi - p.b_lo) / 2


def shared_mask(lo: int, hi: int, found: list, side: int) -> np.ndarray:
    """Which characters of ``[lo, hi)`` of one side (``side`` 0 for ``a``, 1 for ``b``) the
    pieces cover.

    Examples:
        >>> shared_mask(0, 6, [(1, 0, 2), (4, 3, 1)], 0).tolist()
        [False, True, True, False, True, False]
    """
    mask = np.zeros(hi - lo + 1, np.int32)
    for piece in found:
        mask[piece[side] - lo] += 1
        mask[piece[side] + piece[2] - lo] -= 1
    return np.cumsum(mask)[: hi - lo] > 0
