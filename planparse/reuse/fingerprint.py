"""Candidates with a guarantee: winnowed fingerprints of the matching text.

Winnowing (Schleimer, Wilkerson & Aiken 2003) hashes every ``k``-character window of the
matching text and keeps, in every stretch of ``w`` consecutive windows, the smallest hash.
Two texts that share a run of at least ``w + k - 1`` characters share the stretch of ``w``
windows inside it, hence its minimum: they share a fingerprint.  With ``k = 12`` and
``w = 39`` every run of 50 letters and digits is found, whatever its share of either unit,
and nothing depends on a random seed.  About one window in 20 is kept.

Windows on a stock phrase (套话) are left out before winnowing (their hash is set to the
largest value, so a stretch never picks them), and fingerprints found in too many files
are boilerplate; the guarantee is for runs outside both.

Examples:
    >>> values = np.array([5, 3, 9, 9, 1, 7], np.uint64)
    >>> winnow(values, 3).tolist()
    [1, 4]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from importlib.resources import files

import numpy as np

from planparse.hashing import CHAR_SEED, ngram_hashes

NONE = np.iinfo(np.uint64).max
#: Characters of a fingerprint window, and windows per winnowing stretch (``K + W - 1``
#: is the guaranteed length, :attr:`Settings.min_copy`).
K = 12

#: What a character of the matching text is, as bits of its mark.
STOCK, NOTICE, FREQUENT = 1, 2, 4


def window(values: np.ndarray, w: int, reduce: np.ufunc) -> np.ndarray:
    """``reduce`` (``np.minimum`` or ``np.maximum``) over every stretch ``values[s:s+w]``,
    in linear time (van Herk / Gil-Werman: prefix and suffix runs in blocks of ``w``).

    Examples:
        >>> window(np.array([4, 2, 5, 1, 3]), 2, np.minimum).tolist()
        [2, 2, 1, 1]
    """
    n = len(values)
    if n < w:
        return values[:0]
    limits = np.iinfo(values.dtype)
    fill = limits.max if reduce is np.minimum else limits.min
    blocks = np.concatenate([values, np.full((-n) % w, fill, values.dtype)]).reshape(-1, w)
    prefix = reduce.accumulate(blocks, axis=1).ravel()
    suffix = reduce.accumulate(blocks[:, ::-1], axis=1)[:, ::-1].ravel()
    starts = np.arange(n - w + 1)
    return reduce(suffix[starts], prefix[starts + w - 1])


def winnow(hashes: np.ndarray, w: int) -> np.ndarray:
    """Positions of the fingerprints of ``hashes`` (one per window, :data:`NONE` for a
    window left out): every position that is the minimum of some stretch of ``w``.  Ties
    keep every tied position, a superset of the classic choice, so the guarantee holds.
    """
    hashes = np.asarray(hashes, np.uint64)
    if len(hashes) < w:  # one short stretch: its minimum
        some = hashes[hashes != NONE]
        return np.flatnonzero(hashes == some.min()) if len(some) else np.flatnonzero(some)
    minima = window(hashes, w, np.minimum)
    pad = np.zeros(w - 1, np.uint64)
    best = window(np.concatenate([pad, minima, pad]), w, np.maximum)
    return np.flatnonzero((best == hashes) & (hashes != NONE))


@lru_cache(maxsize=1)
def notice_words() -> tuple[re.Pattern, ...]:
    """The shipped site-notice words (``planparse/data/notices.txt``), one pattern each."""
    text = files("planparse.data").joinpath("notices.txt").read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines()]
    return tuple(re.compile(p) for p in lines if p and not p.startswith("#"))


@lru_cache(maxsize=1)
def notice_patterns() -> re.Pattern:
    """The notice words as one pattern over the matching text (letters and digits only): a
    run of two or more, each within :data:`NOTICE_GAP` characters of the next."""
    word = "(?:" + "|".join(w.pattern for w in notice_words()) + ")"
    return re.compile(f"{word}(?:.{{0,{NOTICE_GAP}}}?{word})+")


#: Characters allowed between two words of one site notice.
NOTICE_GAP = 30


def notice_spans(text: str) -> list[tuple[int, int]]:
    """The spans of :func:`notice_patterns` in ``text``, as ``finditer`` over the whole
    text gives them, but run only where two notice words stand within
    :data:`NOTICE_GAP` characters (one alternation tried at every character was a tenth of
    the search; each word alone is found by a fast literal scan).

    Examples:
        >>> notice_spans("甲乙温馨提示本站丙丁" + "戊" * 40 + "下载")
        [(2, 8)]
    """
    starts, ends = _word_occurrences(text)
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], ends[order]
    # A notice chains words each starting at most NOTICE_GAP after the last one's end, so
    # it lies inside one group of words so chained (a word matches one length at a place).
    reach = np.maximum.accumulate(ends) + NOTICE_GAP
    new = np.ones(len(starts), bool)
    new[1:] = starts[1:] > reach[:-1]
    firsts = np.flatnonzero(new)
    lasts = np.append(firsts[1:], len(starts))
    pattern, spans = notice_patterns(), []
    for first, last in zip(firsts.tolist(), lasts.tolist()):
        if last - first >= 2:
            lo, hi = int(starts[first]), int(ends[first:last].max())
            spans += [found.span() for found in pattern.finditer(text, lo, hi)]
    return spans


def _word_occurrences(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Start and end of every occurrence of every notice word, overlapping ones too."""
    found = []
    for word in notice_words():
        hit = word.search(text)
        while hit:
            found.append(hit.span())
            hit = word.search(text, hit.start() + 1)
    spans = np.array(found, np.int64).reshape(-1, 2)
    return spans[:, 0], spans[:, 1]


def phrase_codes(phrases: Sequence[str]) -> list[np.ndarray]:
    """Each phrase as matching-text code points (letters and digits, width folded,
    Traditional mapped to Simplified)."""
    from planparse.reuse.matchtext import DocText

    return [DocText(p, (), True).kept.astype(np.uint64) for p in phrases]


def mark_text(codes: np.ndarray, phrases: Sequence[np.ndarray]) -> np.ndarray:
    """A mark per character of ``codes`` (texts joined by NUL): :data:`STOCK` inside a
    stock phrase, :data:`NOTICE` inside a site notice.

    Examples:
        >>> codes = np.frombuffer("甲坚持稳中求进乙".encode("utf-32-le"), np.uint32)
        >>> mark_text(codes, phrase_codes(["稳中求进"])).tolist()
        [0, 0, 0, 1, 1, 1, 1, 0]
    """
    codes = np.asarray(codes, np.uint64)
    marks = np.zeros(len(codes), np.uint8)
    for start, size in _occurrences(codes, [p for p in phrases if len(p) >= 2]):
        marks[start : start + size] |= STOCK
    text = codes.astype(np.uint32).tobytes().decode("utf-32-le", errors="replace")
    for start, end in notice_spans(text):
        marks[start:end] |= NOTICE
    return marks


def cover(length: int, starts: np.ndarray, k: int) -> np.ndarray:
    """Which of ``length`` positions the windows of ``k`` at ``starts`` cover.

    Examples:
        >>> cover(6, np.array([0, 3]), 2).tolist()
        [True, True, False, True, True, False]
    """
    edges = np.zeros(length + 1, np.int64)
    np.add.at(edges, starts, 1)
    np.add.at(edges, np.minimum(starts + k, length), -1)
    return np.cumsum(edges)[:length] > 0


def _occurrences(codes: np.ndarray, phrases: Sequence[np.ndarray]) -> list[tuple[int, int]]:
    """``(start, length)`` of every occurrence of the phrases in ``codes``: one pass over
    the windows of the shortest phrase's length, each hit checked against the phrases that
    begin so (a pass per phrase length was most of the marking)."""
    if not phrases:
        return []
    size = min(len(p) for p in phrases)
    heads = head_hashes(phrases, size)
    by_head: dict[int, list[np.ndarray]] = {}
    for value, phrase in zip(heads.tolist(), phrases):
        by_head.setdefault(value, []).append(phrase)
    known = np.unique(heads)
    hashes, starts = ngram_hashes(codes, size, CHAR_SEED)
    # searchsorted on the few distinct heads: np.isin with a list of Python ints made an
    # object array, a third of storing a chunk
    hit = known[np.searchsorted(known, hashes).clip(max=len(known) - 1)] == hashes
    found = []
    for value, start in zip(hashes[hit].tolist(), starts[hit].tolist()):
        for phrase in by_head[value]:
            if np.array_equal(codes[start : start + len(phrase)], phrase):
                found.append((start, len(phrase)))
    return found


def head_hashes(phrases: Sequence[np.ndarray], size: int) -> np.ndarray:
    """The hash of each phrase's first ``size`` code points, in one pass.

    Examples:
        >>> a, b = phrase_codes(["稳中求进", "稳中有进"])
        >>> first = head_hashes([a, b], 2)
        >>> bool(first[0] == first[1]), bool(head_hashes([a, b], 3)[0] == first[0])
        (True, False)
    """
    separator = np.zeros(1, np.uint64)
    joined = np.concatenate([part for p in phrases for part in (p[:size], separator)])
    return ngram_hashes(joined.astype(np.uint64), size, CHAR_SEED)[0]


def fingerprints(
    codes: np.ndarray, marks: np.ndarray, w: int, k: int = K
) -> tuple[np.ndarray, np.ndarray]:
    """The winnowed fingerprints of ``codes`` (texts joined by NUL): hashes and positions.
    Windows holding a NUL or a character of a stock phrase take no part (site notices do:
    a pair sharing only a notice is shown as boilerplate).

    Examples:
        >>> text = "妇联开展维权服务活动" * 3
        >>> codes = np.frombuffer(text.encode("utf-32-le"), np.uint32)
        >>> hashes, at = fingerprints(codes, np.zeros(len(codes), np.uint8), 5, 4)
        >>> len(hashes) == len(at) > 0
        True
    """
    codes = np.asarray(codes, np.uint64)
    hashes, starts = ngram_hashes(codes, k, CHAR_SEED)
    dense = np.full(max(len(codes) - k + 1, 0), NONE, np.uint64)
    dense[starts] = hashes
    marked = np.concatenate(([0], np.cumsum((marks & STOCK) != 0)))
    dense[marked[k : k + len(dense)] != marked[: len(dense)]] = NONE
    at = winnow(dense, w)
    return dense[at], at
