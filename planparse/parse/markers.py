"""The marker grammar: what may number an item at the start of a line.

:func:`match_marker` reads the start of a line and returns a :class:`Marker` or ``None``.
It rejects the false markers of plan text (dates such as 6.26禁毒日, amounts such as
1.5万元, 五一、十一期间, 1、2、3号楼) by their shape; whether a well-formed marker really
numbers an item is decided later by sequence validation in :mod:`planparse.parse.outline`.

Examples:
    >>> m = match_marker("（三）强化宣传引导")
    >>> m.style, m.number, m.marker
    ('cn-paren', 3, '（三）')
    >>> match_marker("6.26禁毒日宣传") is None
    True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from planparse.normalize import fold_width

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_NUMERAL = "[一二三四五六七八九十]{1,3}"


def cn_to_int(numeral: str) -> int | None:
    """The value of a Chinese numeral from 1 to 99 in canonical form, else ``None``.

    Non-canonical strings such as 五一 or 三八 (festival names) are rejected.

    Examples:
        >>> cn_to_int("二十三"), cn_to_int("十"), cn_to_int("五一")
        (23, 10, None)
    """
    tens, ten, ones = numeral.partition("十")
    if not ten:
        return _CN_DIGITS.get(numeral)
    tens_value = _CN_DIGITS.get(tens, 0) if tens else 1
    ones_value = _CN_DIGITS.get(ones, 0) if ones else 0
    if (tens and tens_value < 2) or (ones and not ones_value) or len(tens) > 1 or len(ones) > 1:
        return None
    return tens_value * 10 + ones_value


@dataclass(frozen=True, slots=True)
class Marker:
    """A line-initial marker.

    ``length`` counts the marker's characters in the line (``marker == line[:length]``);
    ``skip`` adds the spaces after it, so the item's text starts at ``line[skip:]``.
    ``family`` groups styles that number one list together (``1、`` and ``1.`` mix in
    real lists); ``path`` holds the components of a decimal marker such as ``1.2.3``.
    """

    marker: str
    style: str
    family: str
    number: int
    length: int
    skip: int
    path: tuple[int, ...] = ()


# One alternation, tried on the width-folded line; every branch names its style.
_PATTERN = re.compile(
    rf"""
    (?P<chapter>第(?P<ch_n>{CN_NUMERAL}|\d{{1,3}})(?P<ch_unit>[章节節部条條])(?:分)?)
  | (?P<cn_paren>[(〈](?P<cp_n>{CN_NUMERAL})[)〉][、.]?)
  | (?P<cn_dun>(?P<cd_n>{CN_NUMERAL})(?:[、.]|\s*、))
  | (?P<cn_comma>(?P<cm_n>{CN_NUMERAL}),)
  | (?P<ordinal>第(?P<or_n>{CN_NUMERAL})[,、:])
  | (?P<ar_paren>\((?P<ap_n>\d{{1,3}})\)[、.]?|(?P<ap2_n>\d{{1,3}})\))
  | (?P<decimal>(?P<dc_n>\d{{1,2}}(?:\.\d{{1,2}}){{1,4}})\.?(?![\d.]))
  | (?P<arabic>(?P<ar_n>\d{{1,3}})\s*(?P<ar_sep>[、.,]))
  | (?P<circled>[\u2460-\u2473\u2474-\u2487\u2488-\u249b\u3220-\u3229])
    """,
    re.VERBOSE,
)

_CHAPTER_STYLES = {
    "章": "cn-chapter",
    "节": "cn-section",
    "節": "cn-section",
    "部": "cn-part",
    "条": "cn-article",
    "條": "cn-article",
}
# After a number, these mean an amount or a date, not an item (1.5万元, 3.8妇女节).
_UNIT_AFTER = set("万亿元%倍个年月日号千百周岁届次户人名")
_DATE_WORDS = re.compile(r"^[^\s,.;:，。；：]{0,6}?[节節日]")
# Words that open with a unit's character but name a subject: 7.1人力资源, 2.3年度目标.
_UNIT_WORD = re.compile(r"^(?:人[力员才口民大文居群]|年度|月度|个人|名单|户籍|次序)")
_YEAR_TITLE = re.compile(r"^(?:\d{4}年|\d{1,2}月\d{1,2}日)")
_SPACES = " \t\u3000\xa0"
_CN_LIST = re.compile(CN_NUMERAL + "[、.]")


#: Conventional rank of each marker family (GB/T 9704 and common practice): 一、 > （一） >
#: 1. / 1、 > （1） > ①.  Chapters and parts stand above; a decimal 1.1 below a plain 1.
RANKS = {
    "cn-part": 0.0,
    "cn-chapter": 0.0,
    "cn-section": 0.5,
    "cn-dun": 1.0,
    # 一, (a comma, often where a site turned all punctuation into ASCII) ranks as 一、 but
    # is its own family: a comma after a numeral is weaker evidence, so a gap in its
    # numbering is not tolerated and a list must number on to be kept.
    "cn-comma": 1.0,
    "cn-ordinal": 1.5,
    "cn-article": 1.5,
    "cn-paren": 2.0,
    "arabic": 3.0,
    "arabic-paren": 4.0,
    "circled": 5.0,
}


def rank(family: str) -> float:
    """The conventional rank of a marker family; lower ranks stand higher in an outline.

    Examples:
        >>> rank("cn-dun") < rank("cn-paren") < rank("arabic") < rank("decimal-2")
        True
    """
    if family.startswith("decimal-"):
        return 3.0 + 0.1 * (int(family.split("-")[1]) - 1)
    return RANKS.get(family, 3.0)


#: Every character that can open a marker (half and full width).
_FIRST = frozenset(
    "第(（〈一二三四五六七八九十0123456789０１２３４５６７８９"
    + "".join(map(chr, range(0x2460, 0x249C)))
    + "".join(map(chr, range(0x3220, 0x322A)))
)


def _circled(char: str) -> tuple[str, str, int]:
    code = ord(char)
    if 0x2460 <= code <= 0x2473:
        return "circled", "circled", code - 0x2460 + 1
    if 0x2474 <= code <= 0x2487:
        return "arabic-paren", "arabic-paren", code - 0x2474 + 1
    if 0x2488 <= code <= 0x249B:
        return "arabic-dot", "arabic", code - 0x2488 + 1
    return "cn-paren", "cn-paren", code - 0x3220 + 1


_CN_KINDS = {
    "cn_paren": ("cp_n", "cn-paren"),
    "cn_dun": ("cd_n", "cn-dun"),
    "cn_comma": ("cm_n", "cn-comma"),
    "ordinal": ("or_n", "cn-ordinal"),
}


def _number(match: re.Match[str]) -> tuple[str, str, int, tuple[int, ...]] | None:
    kind = match.lastgroup
    if kind == "chapter":
        n = match["ch_n"]
        value = int(n) if n.isdigit() else cn_to_int(n)
        style = _CHAPTER_STYLES[match["ch_unit"]]
        return (style, style, value, ()) if value else None
    if kind in _CN_KINDS:
        group, style = _CN_KINDS[kind]
        value = cn_to_int(match[group])
        return (style, style, value, ()) if value else None
    if kind == "ar_paren":
        value = int(match["ap_n"] or match["ap2_n"])
        return ("arabic-paren", "arabic-paren", value, ()) if value else None
    if kind == "decimal":
        path = tuple(int(p) for p in match["dc_n"].split("."))
        return "decimal", f"decimal-{len(path)}", path[-1], path
    if kind == "arabic":
        style = "arabic-dun" if match["ar_sep"] == "、" else "arabic-dot"
        value = int(match["ar_n"])
        return (style, "arabic", value, ()) if value else None
    return (*_circled(match.group()), ())


def _plausible(kind: str, rest: str) -> bool:
    """Whether the text after a marker allows it to be a marker at all."""
    if not rest:
        return True
    head = rest[0]
    if kind in ("arabic", "ar_paren") and head.isdigit():
        return bool(_YEAR_TITLE.match(rest))  # "1.2023年…" is an item titled by a year
    if kind == "decimal":
        if head.isdigit() or (head in _UNIT_AFTER and not _UNIT_WORD.match(rest)):
            return False
        return head in _SPACES or not _DATE_WORDS.match(rest)
    if kind == "cn_comma":
        return head not in _CN_DIGITS and head != "十"  # 一,二年级 counts, it opens no list
    return not (kind == "cn_dun" and _CN_LIST.match(rest))  # 一、二类… counts, not a list


def match_marker(line: str) -> Marker | None:
    """The marker at the very start of ``line`` (no leading space), or ``None``.

    Examples:
        >>> match_marker("１．开展培训").style
        'arabic-dot'
        >>> match_marker("五一、十一期间") is None, match_marker("1、2、3号楼") is None
        (True, True)
    """
    if line[:1] not in _FIRST:
        return None  # most lines open with a word: no marker to read
    folded = fold_width(line[:16])
    match = _PATTERN.match(folded)
    if match is None:
        return None
    parsed = _number(match)
    if parsed is None:
        return None
    length = match.end()
    if not _plausible(match.lastgroup or "", folded[length:].lstrip(_SPACES)):
        return None
    style, family, number, path = parsed
    after = line[length : length + 64]
    skip = length + len(after) - len(after.lstrip(_SPACES))
    return Marker(line[:length].rstrip(_SPACES), style, family, number, length, skip, path)
