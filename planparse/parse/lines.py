"""Split decoded text into lines with offsets, and recognise layout and debris lines.

A :class:`Line` knows its span in the original text (white space and list bullets
stripped), its candidate marker and, for debris, why it is debris.  Whether a candidate
marker really numbers an item is decided by :mod:`planparse.parse.outline`.

Examples:
    >>> [line.kind for line in split_lines("一、学习\\n\\n- 3 -\\n")]
    ['content', 'blank', 'debris']
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from planparse.normalize import BULLETS, SPACES
from planparse.parse.markers import Marker, match_marker

# Debris that is debris wherever it stands.
_PAGE_NUMBER = re.compile(
    r"^[\-—–－_~·=\s]*(?:第\s*\d+\s*[页頁](?:\s*[,，/／]?\s*共\s*\d+\s*[页頁])?"
    r"|\d{1,4}\s*[/／]\s*\d{1,4}|\d{1,4}|[Pp]age\s*\d+(?:\s*of\s*\d+)?)[\-—–－_~·=\s]*$"
)
_WIDGET = (
    r"下载|下載|立即下载|打印|列印|收藏|加入收藏|分享|关闭|關閉|评论|纠错|全屏|打印本页|关闭窗口"
    r"|返回顶部|返回首页|[【\[]?\s*字[号號体體](?:大小)?\s*[:：]?|加大|还原|還原|减小|減小|默认|[大中小]"
    r"|T\s*[|｜]\s*T|[【】\[\]>＞»]|首页|首頁|您的位置\s*[:：]?|当前位置\s*[:：]?|當前位置\s*[:：]?"
)
_WIDGETS = re.compile(rf"^(?:[【\[]?(?:{_WIDGET})[】\]]?[\s|｜/／·]*)+$")
_NAVIGATION = re.compile(
    r"^(?:上一篇|下一篇|上一條|下一條|相关推荐|相关阅读|相關閱讀|热门推荐|扫一扫|掃一掃|分享到"
    r"|版权所有|版權所有|版权声明|Copyright|©|首页\s*[>＞»|｜]|您的位置|当前位置|當前位置|您现在的位置"
    r"|更多.{0,12}请|本文(?:由|来自).{0,20}(?:网|站)|本文链接|原文链接|原文地址|文章链接"
    r"|文档页数|点赞\s*[(（]?\d|[【\[]纠错[】\]]"
    r"|(?:阅读|点击|浏览|閱讀|點擊|瀏覽)(?:次数|量)?\s*[:：]?\s*\d+\s*次?$)"
)
_TOC = re.compile(r"^(?:.{2,60}?(?:\.{3,}|…{1,}|·{3,}|—{3,}|-{4,}|_{4,})\s*\d{1,3}|目\s*[录錄])$")
_MARKUP = re.compile(r"^(?:<[^<>]{0,200}>|&[a-z]{2,6};|\s)+$")

# Debris only before a plan's first item: source lines, blurbs, site disclaimers.
_META = re.compile(
    r"^(?:来源|來源|时间|時間|发布时间|發布時間|发布日期|日期|作者|编辑|編輯|责任编辑|浏览次数|瀏覽次數"
    r"|阅读量|阅读次数|点击数|点击量|文章来源|信息来源|发布者|发布机构|字数|访问量)\s*[:：]"
    r"|^\d{4}[-/]\d{1,2}[-/]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_BLURB = re.compile(
    r"小编|範文|范文|仅供参考|僅供參考|欢迎阅读|欢迎大家|希望对[你您大]|以下是.{0,40}(?:整理|收集|分享|为大家)"
    r"|下面是.{0,40}(?:整理|收集|分享|为大家)|本文档|本站|用户上传|侵权|文库|免费下载|转载请"
)

# A numbered notice of a template site ("1、本站所有资源均来源于网络…").
_DISCLAIMER = re.compile(
    r"^\d{1,2}\s*[、.．]\s*.{0,40}?(?:本站|本文档|本网|网友|来源于网络|侵犯|侵权|版权"
    r"|用户上传|投稿|仅供参考|文档内容)"
)

_TERMINAL = set("。！？；：!?;:…")
_CLOSERS = set("”’」』）)】〕\"'")


@dataclass(slots=True)
class Line:
    """One line of the original text.

    ``start``/``end`` span the line without surrounding white space; ``body`` is where its
    content begins after list bullets.  ``kind`` is ``blank``, ``content``, ``debris`` or
    ``meta`` (debris only before a plan's first item).
    """

    start: int
    end: int
    body: int
    text: str
    kind: str
    reason: str = ""
    marker: Marker | None = None
    bullet: bool = False
    indent: int = 0
    page_break: bool = False

    @property
    def terminated(self) -> bool:
        """Whether the line ends a sentence (。！？；：…, maybe behind a closing quote)."""
        return ends_sentence(self.text)


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends with sentence-final punctuation.

    Examples:
        >>> ends_sentence("开展活动。"), ends_sentence("加强组织建设，夯实")
        (True, False)
    """
    text = text.rstrip(SPACES)
    while text and text[-1] in _CLOSERS:
        text = text[:-1]
    return bool(text) and text[-1] in _TERMINAL


def _classify(text: str) -> tuple[str, str]:
    if _PAGE_NUMBER.match(text):
        return "debris", "page number"
    if _WIDGETS.match(text):
        return "debris", "web widget"
    if len(text) <= 80 and _NAVIGATION.match(text):
        return "debris", "web navigation"
    if _MARKUP.match(text):
        return "debris", "markup"
    if _TOC.match(text):
        return "debris", "table of contents"
    if len(text) <= 80 and _META.match(text):
        return "meta", "source line"
    if _BLURB.search(text) or _DISCLAIMER.match(text):
        return "meta", "site blurb"
    return "content", ""


def _strip_bullets(text: str) -> int:
    """How many leading characters of ``text`` are list bullets and the spaces after them."""
    end = 0
    for _ in range(3):  # "- - （六）" happens when a copied list is bulleted again
        i = end
        while i < len(text) and text[i] in BULLETS:
            i += 1
        if i == end or i - end > 3:
            break  # no bullet here, or a rule of dashes
        if text[i : i + 1] not in (" ", "\u3000", "\t") and not match_marker(
            text[i:].lstrip(SPACES)
        ):
            break  # "-12-" or "——" that open a line are text, not bullets
        while i < len(text) and text[i] in SPACES:
            i += 1
        end = i
    return end


def _make_line(text: str, offset: int) -> Line:
    stripped = text.strip(SPACES)
    if not stripped:
        return Line(offset, offset, offset, "", "blank")
    lead = len(text) - len(text.lstrip(SPACES))
    start = offset + lead
    kind, reason = _classify(stripped)
    if kind == "debris":
        return Line(start, start + len(stripped), start, stripped, kind, reason, indent=lead)
    bullets = _strip_bullets(stripped)
    content = stripped[bullets:]
    marker = match_marker(content)
    return Line(
        start,
        start + len(stripped),
        start + bullets,
        content,
        kind,
        reason,
        marker,
        bool(bullets),
        lead,
    )


def split_lines(text: str) -> list[Line]:
    """The lines of ``text`` with their offsets; form feeds mark page breaks.

    Running headers (a short line that repeats three or more times) become debris.
    """
    lines: list[Line] = []
    offset = 0
    page_break = False
    for raw in text.splitlines(True):
        if "\f" in raw:
            page_break = True
        line = _make_line(raw, offset)
        if line.kind == "debris" and line.reason == "page number":
            page_break = True
        elif line.kind != "blank":
            line.page_break, page_break = page_break, False
        lines.append(line)
        offset += len(raw)
    _mark_running_headers(lines)
    return lines


def _mark_running_headers(lines: list[Line]) -> None:
    """Short lines repeated beside two or more page breaks are running headers or footers.

    Only the occurrences beside a page break are debris: the same text at the top of the
    first page is the title.
    """
    beside: list[int] = []
    counts: Counter[str] = Counter()
    for i, line in enumerate(lines):
        if line.kind != "content" or line.marker or not 4 <= len(line.text) <= 40:
            continue
        window = lines[max(0, i - 3) : i + 4]
        if any(other.reason == "page number" for other in window):
            beside.append(i)
            counts[line.text] += 1
    for i in beside:
        if counts[lines[i].text] >= 2 and not ends_sentence(lines[i].text):
            lines[i].kind, lines[i].reason = "debris", "running header"
