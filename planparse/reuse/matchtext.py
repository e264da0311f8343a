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

import numpy as np

from planparse.normalize import fold_width

_BMP = 0x10000


@lru_cache(maxsize=1)
def keep_table() -> np.ndarray:
    """For every character of the Basic Multilingual Plane: is it a letter or a digit?"""
    return np.array([unicodedata.category(chr(c))[0] in "LN" for c in range(_BMP)], dtype=bool)


@lru_cache(maxsize=1)
def simplified_table() -> np.ndarray:
    """Code point → code point, Traditional → Simplified for single characters (OpenCC's
    TSCharacters dictionary), identity elsewhere."""
    from importlib.resources import files

    table = np.arange(_BMP, dtype=np.uint32)
    text = files("opencc").joinpath("dictionary/TSCharacters.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        source, _, targets = line.partition("\t")
        target = targets.split(" ")[0]
        if len(source) == 1 and len(target) == 1 and ord(source) < _BMP and ord(target) < _BMP:
            table[ord(source)] = ord(target)
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
        codes = np.frombuffer(fold_width(text).encode("utf-32-le"), dtype=np.uint32)
        keep = np.ones(len(codes), dtype=bool)
        bmp = codes < _BMP
        keep[bmp] = keep_table()[codes[bmp]]
        for start, end in masked:
            keep[start:end] = False
        if simplified:
            codes = codes.copy()
            codes[bmp] = simplified_table()[codes[bmp]]
        #: Original offset of each kept character, and the kept code points (32-bit: a
        #: file is at most MAX_BYTES long, and memory here grows with the archive).
        self.offsets = np.flatnonzero(keep).astype(np.int32)
        self.kept = codes[self.offsets]
        marked = np.zeros(len(codes), dtype=bool)
        for start, end in flagged:
            marked[start:end] = True
        self.flagged = marked[self.offsets]

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
