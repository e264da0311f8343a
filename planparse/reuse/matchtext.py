"""Text for matching: width, punctuation, white space and bullets folded away; every kept
character remembers its offset in the original file.

Only letters and digits are kept (Unicode categories L and N), after full-width folding;
Traditional characters can be mapped to Simplified one to one, so offsets still hold.
Everything is vectorised over a whole document.

Examples:
    >>> doc = DocText("一、积极 开展，活动！", masked=[(0, 2)])
    >>> unit = doc.unit(0, 10)
    >>> unit.text, unit.offsets.tolist()
    ('积极开展活动', [2, 3, 5, 6, 8, 9])
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import numpy as np

from planparse.normalize import WIDTH_TABLE, simplified_characters

_BMP = 0x10000


@lru_cache(maxsize=1)
def keep_table() -> np.ndarray:
    """For every character of the Basic Multilingual Plane: is it a letter or a digit?"""
    return np.array([unicodedata.category(chr(c))[0] in "LN" for c in range(_BMP)], dtype=bool)


@lru_cache(maxsize=1)
def simplified_table() -> np.ndarray:
    """Code point → code point, Traditional → Simplified for single characters
    (:func:`planparse.normalize.simplified_characters`), identity elsewhere."""
    table = np.arange(_BMP, dtype=np.uint32)
    pairs = simplified_characters()
    table[list(pairs)] = list(pairs.values())
    return table


@dataclass(frozen=True)
class MatchText:
    """Normalised code points of a unit and the original offset of each."""

    codes: np.ndarray
    offsets: np.ndarray

    @property
    def text(self) -> str:
        return self.codes.astype(np.uint32).tobytes().decode("utf-32-le")

    def __len__(self) -> int:
        return len(self.codes)

    def at(self, i: int, j: int) -> MatchText:
        """Characters ``i`` to ``j`` (views, not copies), as :meth:`DocText.at`."""
        return MatchText(self.codes[i:j], self.offsets[i:j])

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets ``(start, end)`` of normalised positions ``start:end``."""
        return int(self.offsets[start]), int(self.offsets[end - 1]) + 1


@lru_cache(maxsize=1)
def width_table() -> np.ndarray:
    """Code point → code point: :func:`~planparse.normalize.fold_width` as a lookup table
    (``str.translate`` with a dict was a tenth of the copy-paste search)."""
    table = np.arange(_BMP, dtype=np.uint32)
    for source, target in WIDTH_TABLE.items():
        table[source] = target
    return table


def _spans_mask(length: int, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Which of ``length`` positions lie in some span ``[starts, ends)`` (spans may be empty
    and may overlap)."""
    edges = np.zeros(length + 1, np.int64)
    np.add.at(edges, starts, 1)
    np.add.at(edges, ends, -1)
    return np.cumsum(edges[:length]) > 0


def _global_spans(spans: list, bases: np.ndarray, lengths: np.ndarray) -> tuple:
    """Per-text ``[(start, end), ...]`` lists as starts and ends in the texts joined end to
    end, each clipped to its text."""
    text = np.repeat(np.arange(len(spans)), [len(s) for s in spans])
    pairs = np.array([pair for s in spans for pair in s], np.int64).reshape(-1, 2)
    ends = np.minimum(pairs[:, 1], lengths[text])
    starts = np.minimum(pairs[:, 0], ends)
    return starts + bases[text], ends + bases[text]


class DocText:
    """One decoded file, ready to cut into units for matching.

    ``masked`` spans (item markers) never take part in matching; ``flagged`` ones (debris)
    do, and :attr:`flagged` tells which kept characters lie in them.
    """

    def __init__(
        self,
        text: str,
        masked: list[tuple[int, int]] = (),
        simplified: bool = False,
        flagged: list[tuple[int, int]] = (),
    ):
        (made,) = self.many([text], [masked], simplified, [flagged])
        #: Original offset of each kept character, and the kept code points (32-bit: a
        #: file is at most MAX_BYTES long, and memory here grows with the archive).
        self.offsets, self.kept, self.flagged = made.offsets, made.kept, made.flagged

    @classmethod
    def many(
        cls, texts: list[str], masked: list[list], simplified: bool, flagged: list[list]
    ) -> list[DocText]:
        """The :class:`DocText` of each text (with its ``masked`` and ``flagged`` spans), all
        made in one pass over the texts joined end to end (one pass a file was a fifth of
        storing a chunk of short files).

        Examples:
            >>> one, two = DocText.many(["一、开展，活动", "（１）学习"], [[(0, 2)], []], False, [[], []])
            >>> one.kept.tobytes().decode("utf-32-le"), two.offsets.tolist()
            ('开展活动', [1, 3, 4])
        """
        codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
        lengths = np.array([len(t) for t in texts], np.int64)
        bases = np.concatenate(([0], np.cumsum(lengths)))
        bmp = codes < _BMP
        codes = codes.copy()
        codes[bmp] = width_table()[codes[bmp]]
        keep = np.ones(len(codes), dtype=bool)
        keep[bmp] = keep_table()[codes[bmp]]
        keep &= ~_spans_mask(len(codes), *_global_spans(masked, bases, lengths))
        if simplified:
            codes[bmp] = simplified_table()[codes[bmp]]
        at = np.flatnonzero(keep)
        marked = _spans_mask(len(codes), *_global_spans(flagged, bases, lengths))[at]
        cuts = np.searchsorted(at, bases).tolist()
        offsets, kept = at - np.repeat(bases[:-1], np.diff(cuts)), codes[at]
        made = []
        for lo, hi in pairwise(cuts):
            doc = cls.__new__(cls)
            doc.offsets = offsets[lo:hi].astype(np.int32)
            doc.kept, doc.flagged = kept[lo:hi], marked[lo:hi]
            made.append(doc)
        return made

    def kept_range(self, start: int, end: int) -> tuple[int, int]:
        """Positions ``[i, j)`` in :attr:`kept` of the kept characters of ``[start, end)``."""
        i, j = np.searchsorted(self.offsets, (start, end))
        return int(i), int(j)

    def unit(self, start: int, end: int) -> MatchText:
        """The kept characters of ``[start, end)`` (views, not copies)."""
        return self.at(*self.kept_range(start, end))

    def at(self, i: int, j: int) -> MatchText:
        """Kept characters ``i`` to ``j`` (views, not copies)."""
        return MatchText(self.kept[i:j], self.offsets[i:j])
