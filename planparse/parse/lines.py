"""Split decoded text into lines with offsets, and recognise layout and debris lines.

A :class:`Line` knows its span in the original text (white space and list bullets
stripped), its candidate marker and, for debris, why it is debris.  Whether a candidate
marker really numbers an item is decided by :mod:`planparse.parse.outline`.

Examples:
    >>> [line.kind for line in split_lines("一、学习\\n\\n- 3 -\\n")]
    ['content', 'blank', 'debris']
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field

from planparse.normalize import BULLETS, SPACES, strip_span
from planparse.parse.markers import Marker, match_marker

# Debris that is debris wherever it stands.
_PAGE_NUMBER = re.compile(
    r"^[\-—–－_~·=\s]*(?:第\s*\d+\s*[页頁](?:\s*[,，/／]?\s*共\s*\d+\s*[页頁])?"
    r"|\d{1,4}\s*[/／]\s*\d{1,4}|(?!(?:19|20)\d\d$)\d{1,4}|[Pp]age\s*\d+(?:\s*of\s*\d+)?"
    r"|.{2,40}?第\d{1,3}页|PAGE|第?PAGE\\\*.{0,60}页)[\-—–－_~·=\s]*$"
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
    r"|.{0,12}ICP[备證证]|.{0,12}公网安备|技术支持\s*[:：]|主办单位\s*[:：]"
    r"|预览加载中|在线预览结束|已阅读\d+页|下载本文档|查看更多$|文档简介$|资源描述$|浏览记录$|基本信息$"
    r"|文档摘要$|文件(?:名称|大小)\s*[:：]|总页数|总字数|更新时间\s*[:：]|ID\s*[:：]\s*\d|大小\s*[:：]"
    r"|页数\s*[:：]|网站客服|亲,该文档|当前文档共|约\s*[\d.]+\s*[千万]?字$|约\s*\d+\s*页$"
    r"|[\d.]+\s*[KkMm]B$|举报$|\d{4}-\d{1,2}-\d{1,2}\s*发布于|[(（]请认真阅读下面的提示"
    r"|[(（]未完[,，]\s*全文共"
    r"|(?:阅读|点击|浏览|閱讀|點擊|瀏覽)(?:次数|量)?\s*[:：]?\s*\d+\s*次?$)"
)
_TOC = re.compile(r"^(?:.{2,60}?(?:\.{3,}|…{1,}|·{3,}|—{3,}|-{4,}|_{4,})\s*\d{1,3}|目\s*[录錄])$")
_TOC_LINE = re.compile(r"^目\s*[录錄]\s*[:：]?\s*\d{1,2}\s*[.．、]")
# A Markdown table's rule row (|---|:--:|) or a lone pipe.
_TABLE_RULE = re.compile(r"^\|?(?:\s*:?-{2,}:?\s*\|)*\s*:?-{2,}:?\s*\|?$|^\|+$")
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
    r"|由会员分享|可在线阅读|正式会员可完整阅读|请在.{0,30}上搜索"
)

# A numbered notice of a template site ("1、本站所有资源均来源于网络…").
_DISCLAIMER = re.compile(
    r"^\d{1,2}\s*[、.．]\s*.{0,40}?(?:本站|本文档|本网|网友|来源于网络|侵犯|侵权|版权"
    r"|用户上传|投稿|仅供参考|文档内容|下载|预览|金币|VIP|会员|扣费|付费|解压|客服)"
)
# The line that opens such a notice list ("温馨提示：", "…请参考说明：").
_NOTICE = re.compile(r"^(?:温馨提示|溫馨提示|特别提示|如果您无法下载资料.{0,12})\s*[:：]?$")

# Site damage inside a line, cut out of the text as debris with its offsets kept.
_HOLE = re.compile(
    r"(?P<truncation>[…\.]{0,6}\s*[(（]未完[,，]\s*全文共\d+字[,，]\s*当前显示\d+字[)）]"
    r"|…{1,3}\s*此处隐藏\d+个字\s*…{0,3}"
    r"|…{1,3}\s*[(（][^()（）\n]{0,60}?省略\d+字[^()（）\n]{0,30}[)）]\s*…{0,3})"
    r"|(?P<pinyin>(?<=[\u3400-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹ]{1,7}\))"
    r"|(?P<entity>&(?:nbsp|bsp|amp|lt|gt|quot|ldquo|rdquo|lsquo|rsquo|mdash|hellip|middot|emsp"
    r"|ensp|#\d{2,5});?|X\d{4};|</?[a-zA-Z][a-zA-Z0-9]{0,8}(?:\s[^<>\n]{0,80})?/?>)"
    r"|(?P<markdown>\*\*|__(?=\S))"
)
# A cheap test for any of the above: every branch opens with a literal.
_HOLE_HINT = re.compile(r"未完|隐藏|省略|\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹ]|&|X\d{4};|<|\*\*|__")
# Damage that can only open a line: a Markdown heading, a page number or page field glued on.
_LEAD_HOLE = re.compile(
    r"(?P<markdown>#{1,6}[ \t]+|>[ \t]+)"
    r"|(?P<page>[-—－]\s?\d{1,3}\s?[-—－](?=\D)|第?PAGE\\\*\S{0,40}?页(?:共NUMPAGES\\\*\S{0,40}?页)?)"
)
_HOLE_REASONS = {
    "truncation": "truncation notice",
    "pinyin": "pinyin annotation",
    "entity": "markup",
    "markdown": "markup",
    "page": "page number",
}

_TERMINAL = set("。！？；：!?;:…")
_CLOSERS = set("”’」』）)】〕\"'")


@dataclass(slots=True)
class Line:
    """One line of the original text.

    ``start``/``end`` span the line without surrounding white space; ``body`` is where its
    content begins after list bullets.  ``kind`` is ``blank``, ``content``, ``debris`` or
    ``meta`` (debris only before a plan's first item).  ``holes`` are spans of site damage
    inside the line (start, end, reason) that belong to no node's text; a ``virtual`` line
    was cut out of the line before it at an inline marker and continues it.
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
    holes: list[tuple[int, int, str]] = field(default_factory=list)
    virtual: bool = False
    spans: list[tuple[int, int]] | None = None

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
    short = len(text) <= 80  # debris lines are short; the long ones need no look
    if short and _PAGE_NUMBER.match(text):
        return "debris", "page number"
    if short and _WIDGETS.match(text):
        return "debris", "web widget"
    if len(text) <= 160 and _NAVIGATION.match(text.lstrip(BULLETS + SPACES)):
        return "debris", "web navigation"
    if _MARKUP.match(text) or (short and _TABLE_RULE.match(text)):
        return "debris", "markup"
    if (short and _TOC.match(text)) or (_TOC_LINE.match(text) and len(text) <= 400):
        return "debris", "table of contents"
    if len(text) <= 80 and _META.match(text):
        return "meta", "source line"
    core = text.lstrip(BULLETS + SPACES)
    if _BLURB.search(text) or _DISCLAIMER.match(core) or _NOTICE.match(core):
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


def _lead_holes(text: str, start: int) -> tuple[int, list[tuple[int, int, str]]]:
    """How many leading characters of ``text`` are glued-on damage, and those holes."""
    holes: list[tuple[int, int, str]] = []
    end = 0
    for _ in range(2):
        match = _LEAD_HOLE.match(text, end)
        if match is None:
            break
        holes.append((start + end, start + match.end(), _HOLE_REASONS[match.lastgroup or ""]))
        end = match.end()
        while end < len(text) and text[end] in SPACES:
            end += 1
    return end, holes


def _inner_holes(text: str, start: int) -> list[tuple[int, int, str]]:
    if _HOLE_HINT.search(text) is None:
        return []  # the common case: nothing to look for
    return [
        (start + m.start(), start + m.end(), _HOLE_REASONS[m.lastgroup or ""])
        for m in _HOLE.finditer(text)
    ]


def _make_line(text: str, offset: int) -> Line:
    stripped = text.strip(SPACES)
    if not stripped:
        return Line(offset, offset, offset, "", "blank")
    lead = len(text) - len(text.lstrip(SPACES))
    start = offset + lead
    kind, reason = _classify(stripped)
    if kind == "debris":
        return Line(start, start + len(stripped), start, stripped, kind, reason, indent=lead)
    damaged, holes = _lead_holes(stripped, start) if stripped[0] in "#>-—－第P" else (0, [])
    rest = stripped[damaged:]
    bullets = _strip_bullets(rest)
    content = rest[bullets:]
    if damaged and not content:
        return Line(
            start, start + len(stripped), start, stripped, "debris", holes[0][2], indent=lead
        )
    body = start + damaged + bullets
    inner = _inner_holes(content, body)
    if inner and inner[0][0] == body and inner[0][2] == "markup":
        content = content[inner[0][1] - body :]  # "**一、": the marker stands behind the markup
        body = inner[0][1]
    if content.startswith("|") and content.endswith("|"):
        inner = sorted(inner + _pipes(content, body))  # a Markdown table row: cells stay
    holes += inner
    line = Line(
        start,
        start + len(stripped),
        body,
        content,
        kind,
        reason,
        match_marker(content),
        bool(bullets),
        lead,
        page_break=any(why == "page number" for _, _, why in holes),
        holes=holes,
    )
    if inner:
        line.spans = _spans_between(stripped, start, body, inner)
    return line


def _spans_between(
    stripped: str, start: int, body: int, holes: list[tuple[int, int, str]]
) -> list[tuple[int, int]]:
    spans = []
    offset = body
    for hole_start, hole_end, _ in holes:
        if hole_start > offset:
            spans.append(strip_span(stripped, offset - start, hole_start - start))
        offset = max(offset, hole_end)
    spans.append(strip_span(stripped, offset - start, len(stripped)))
    return [(start + a, start + b) for a, b in spans if a < b]


def _pipes(content: str, body: int) -> list[tuple[int, int, str]]:
    return [(body + i, body + i + 1, "markup") for i, char in enumerate(content) if char == "|"]


def line_pieces(line: Line, offset: int) -> list[tuple[int, int]]:
    """The spans of ``line`` from ``offset`` to its end, less its holes.

    Examples:
        >>> line = split_lines("开展活动&nbsp;宣传")[0]
        >>> line_pieces(line, line.body)
        [(0, 4), (10, 12)]
    """
    if line.spans is None:
        return [(offset, line.end)] if offset < line.end else []
    return [(max(a, offset), b) for a, b in line.spans if b > offset and max(a, offset) < b]


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
            line.page_break, page_break = line.page_break or page_break, False
        lines.append(line)
        offset += len(raw)
    _mark_running_headers(lines)
    _mark_toc_lists(lines)
    return lines


def cut_line(text: str, line: Line, at: int | list[int]) -> list[Line]:
    """``line`` cut at offset(s) ``at`` of ``text``; every part after the first is ``virtual``.

    Examples:
        >>> text = "一、学习。二、活动"
        >>> first, second = cut_line(text, split_lines(text)[0], 5)
        >>> first.text, second.text, second.marker.marker, second.virtual
        ('一、学习。', '二、活动', '二、', True)
    """
    bounds = [line.start] + ([at] if isinstance(at, int) else list(at)) + [line.end]
    parts = [_make_line(text[lo:hi], lo) for lo, hi in itertools.pairwise(bounds)]
    first = parts[0]
    first.page_break, first.indent, first.virtual = line.page_break, line.indent, line.virtual
    if line.holes and line.holes[0][2] == "page counter":
        drop_marker(first, line.holes[0][1] - line.holes[0][0])
    if line.kind != "content" and first.kind == "content":
        first.kind, first.reason = line.kind, line.reason
    for part in parts[1:]:
        part.virtual = True
    return parts


def drop_marker(line: Line, length: int) -> None:
    """Make the first ``length`` characters of ``line`` a page-counter hole (doc-site "2、")."""
    line.holes.insert(0, (line.body, line.body + length, "page counter"))
    skip = length
    while skip < len(line.text) and line.text[skip] in SPACES:
        skip += 1
    line.body += skip
    line.text = line.text[skip:]
    line.marker = None
    line.page_break = True
    if line.spans is not None:
        line.spans = [(max(a, line.body), b) for a, b in line.spans if b > line.body]


def _mark_toc_lists(lines: list[Line]) -> None:
    """The short lines under a 目录 line are its entries, up to the first long line."""
    entries: set[str] = set()
    inside = False
    for line in lines:
        if line.kind == "debris" and line.reason == "table of contents" and len(line.text) <= 4:
            inside, entries = True, set()
            continue
        if not inside or line.kind == "blank":
            continue
        name = line.text[line.marker.skip :] if line.marker else line.text
        if line.kind != "content" or len(line.text) > 60 or ends_sentence(line.text):
            inside = False
        elif name in entries:
            inside = False  # the first plan's own title: the contents are over
        else:
            entries.add(name)
            line.kind, line.reason, line.marker = "debris", "table of contents", None


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
