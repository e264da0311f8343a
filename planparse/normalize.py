"""Character normalization that keeps every offset.

Every function here maps one character to one character, so a position in the normalized
string is the same position in the original.  The parser reads markers through
:func:`fold_width`; copy-paste detection builds on the same tables.

Examples:
    >>> fold_width("（１）２０２４年．")
    '(1)2024年.'
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Characters treated as white space around lines and markers (beyond str.isspace()).
SPACES = " \t\r\n\f\v\u3000\xa0\u2002\u2003\u2009\u200b\ufeff"

#: List bullets that may stand before a marker or a paragraph; layout, not text.
BULLETS = "-–—•·●○◆◇■□▪▫►▶※★☆✓√*＊－"


def _width_table() -> dict[int, int]:
    table = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}  # full-width ASCII
    table[0x3000] = 0x20  # ideographic space
    return table


WIDTH_TABLE = _width_table()


def fold_width(text: str) -> str:
    """Fold full-width ASCII (digits, letters, brackets, dots) to half width, 1:1.

    Examples:
        >>> fold_width("１．")
        '1.'
    """
    return text.translate(WIDTH_TABLE)


@lru_cache(maxsize=1)
def simplified_characters() -> dict[int, int]:
    """Traditional → Simplified for single characters (OpenCC's TSCharacters dictionary,
    first target of each entry), as a :meth:`str.translate` table of the Basic Multilingual
    Plane; one character for one, so offsets hold."""
    from importlib.resources import files

    text = files("opencc").joinpath("dictionary/TSCharacters.txt").read_text(encoding="utf-8")
    table = {}
    for line in text.splitlines():
        source, _, targets = line.partition("\t")
        target = targets.split(" ")[0]
        if len(source) == 1 and len(target) == 1 and max(ord(source), ord(target)) < 0x10000:
            table[ord(source)] = ord(target)
    return table


def to_simplified(text: str) -> str:
    """Traditional characters mapped to Simplified ones, one character for one, so a plan
    copied from a Traditional-script site matches its Simplified original.

    Examples:
        >>> to_simplified("婦聯幹部隊伍")
        '妇联干部队伍'
    """
    pattern, mapping = _traditional_pattern()
    # a search for the few Traditional characters is ~15x faster than translate() on every one
    return pattern.sub(lambda match: mapping[match.group()], text)


@lru_cache(maxsize=1)
def _traditional_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    mapping = {chr(source): chr(target) for source, target in simplified_characters().items()}
    return re.compile("[" + "".join(sorted(mapping)) + "]"), mapping


def strip_span(text: str, start: int, end: int, chars: str = SPACES) -> tuple[int, int]:
    """Shrink ``text[start:end]`` past leading and trailing ``chars``; returns the new span.

    Examples:
        >>> strip_span("  ab  ", 0, 6)
        (2, 4)
    """
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end
