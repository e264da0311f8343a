"""Split a file into plans: compilations (篇一…篇九, 范文第1篇, …工作计划1) and plan titles.

A template site's page is often a compilation: a page title ("…（精选6篇）"), then one 篇
header per plan.  Headers come in many forms: ``…工作计划 篇一``, ``【第一篇】…``,
``篇1：…``, ``…范文第1篇``, ``…工作计划（一）``, ``1…工作总结``, and with a page cue
also ``…工作计划1`` or a header glued to the first sentence (``…工作计划120xx年，…``).
A plan's title is its own name: the header without its numbering, or the title line right
after a header; never a breadcrumb, a site name, a ``.docx`` file name or a cover's words.

Examples:
    >>> from planparse.parse.lines import split_lines
    >>> text = "社区工作计划（大全2篇）\\n社区工作计划 篇一\\n一、学习\\n社区工作计划 篇二\\n一、活动\\n"
    >>> split = split_plans(split_lines(text))
    >>> [(r.title_pieces, r.first) for r in split.plans]
    [([(13, 19)], 2), ([(28, 34)], 4)]
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from planparse.parse.lines import Line, cut_line, ends_sentence
from planparse.tree import Span

_TITLE_WORDS = (
    r"(?:计划|計劃|計畫|要点|要點|总结|總結|报告|報告|方案|安排|打算|思路|意见|意見|规划|規劃"
    r"|纲要|綱要|措施|汇报|匯報|部署|通知|决定|決定|办法|辦法|规定|規定|细则|細則|总结\(jié\)"
    r"|計劃|總結\(jié\))"
)
_NUM = r"(?:[一二三四五六七八九十]{1,3}|\d{1,2})"
_PIECE = rf"(?:篇\s*{_NUM}|第\s*{_NUM}\s*篇|范文\s*第\s*{_NUM}\s*篇)"
_OPEN, _CLOSE = r"[【\[（(]", r"[】\]）)]"
# Strong headers: they say 篇.
_NAME_PIECE = re.compile(rf"^(?P<name>.{{2,50}}?)\s*{_OPEN}?\s*{_PIECE}\s*{_CLOSE}?$")
# A plan numbered (一) after its name is a compilation's numbering too.
_NAME_PAREN = re.compile(
    rf"^(?P<name>.{{2,50}}?{_TITLE_WORDS})\s*[（(][一二三四五六七八九十]{{1,2}}[)）]$"
)
_PIECE_NAME = re.compile(
    rf"^{_OPEN}?\s*(?:篇\s*{_NUM}|第\s*{_NUM}\s*篇)\s*{_CLOSE}?\s*[:：、.．]?\s*(?P<name>.{{0,50}})$"
)
# Weak headers: a plan numbered like a list; believed with a page cue or a second header.
_NAME_NUMBER = re.compile(
    rf"^(?P<name>.{{2,50}}?{_TITLE_WORDS}(?:范文|范例|模板)?)\s*{_OPEN}?\s*"
    rf"(?P<n>\d{{1,2}}|[一二三四五六七八九十]{{1,2}})\s*{_CLOSE}?$"
)
_NUMBER_NAME = re.compile(rf"^(?P<n>\d{{1,2}})(?P<name>[^\d、.．,，\s].{{1,50}}?{_TITLE_WORDS})$")
# A header glued to the first sentence: "…工作计划1" + "20xx年，…" or + "一、…".
_GLUED_HEADER = re.compile(
    rf"^(?P<name>.{{2,40}}?{_TITLE_WORDS}(?:范文)?)篇?(?P<n>1)"
    rf"(?=(?:19|20)[\dxX*]{{2}}|[一二三四五六七八九十]、)"
)
# A title glued to the first sentence, with no number ("…工作总结20*年上半年，…").
_GLUED_TITLE = re.compile(
    rf"^(?P<name>[^，,。；;：:]{{4,40}}?{_TITLE_WORDS})(?:模板范文|范文参考|范文)?\s*"
    r"(?=(?:19|20)[\dxX*]{0,2}年|(?:19|20)\d\d|20[xX]{2}|[*×xX]{1,4}年|今年|一年来|近年来|半年来"
    r"|[一二三四五六七八九十]、)"
    rf"|^【(?P<bracketed>[^】]{{2,40}}{_TITLE_WORDS})】"
)
# A title glued to the first heading of its body: "…建设方案一、背景分析".
_GLUED_MARKER = re.compile(
    rf"^(?P<name>[^，,。；;：:]{{2,40}}?{_TITLE_WORDS})(?:模板范文|范文参考|范文|模板|书)?\s*"
    r"(?=[一二三四五六七八九十]、)"
)
# The page title of a compilation or a hint that the page is one.
_COMPILATION_CUE = re.compile(
    r"(?:大全|精选|精選|通用|汇总|匯總|合集|集锦|集合|范文|範文|范例|参考|參考|优推|精彩|最新|优质)\s*"
    r"[\d一二三四五六七八九十]{0,3}\s*篇|[（(【\[]\s*[\d一二三四五六七八九十]{1,3}\s*篇\s*[)）】\]]"
    r"|[\d一二三四五六七八九十]{1,3}\s*篇\s*[)）】\]]?$"
)
_TITLE_END = re.compile(_TITLE_WORDS + r"书?[\s）)】]*$")
_TITLE_SENTENCE = re.compile("[。；;！？]")
# Lines that name a site or a file, not the plan.
_SITE = re.compile(
    r"[>＞»|｜]|来源|來源|網站|\.(?:docx?|pdf|txt)\b|VIP|下载|下載|会员|會員|上传|欢迎|歡迎|预览|预览|发布$|发布于|投稿"
    r"|文库|文檔|文档网|首页|首頁|位置|^\S{2,8}(?:网|網|站|文库)$|[:：]\s*\d{3}-\d{3}"
)
_DECORATION_HEAD = re.compile(
    r"^(?:【[^】]{1,8}】(?=.)|第\d+页共\d+页|[#\s]+|\d{1,2}(?=[^\dxX×*\s、.．,，年月日号%])"
    r"|.*[>＞»/]\s*(?:\S+\s+(?=\S))?)+"
)
_DECORATION_TAIL = re.compile(
    r"(?:\.(?:docx?|pdf|txt)|VIP|范文|范本|模板|参考|\d"
    r"|\s*[（(][^（()）]{0,29}[\u4e00-\u9fff][^（()）]{0,29}[)）])+$"  # (blurb), not (jié)
)


@dataclass(slots=True)
class Region:
    """One plan: its title spans, the body from ``first`` to ``stop``, and header lines
    (``skipped``) that are neither title nor body."""

    title_pieces: list[Span] = field(default_factory=list)
    first: int = 0
    stop: int = 0
    skipped: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Split:
    """Front-matter line indices and the plan regions of one file."""

    front: list[int]
    plans: list[Region]


def _cue(text: str) -> bool:
    """Whether a line says the page is a compilation (…（精选6篇）); every form says 篇."""
    return "篇" in text and _COMPILATION_CUE.search(text) is not None


def _header_name(text: str, cue: bool) -> tuple[int, int] | None:
    """The span of the plan's name inside a compilation header, or ``None``.

    Examples:
        >>> _header_name("最美家庭评选方案 篇1", False), _header_name("【篇一】", False)
        ((0, 8), (4, 4))
        >>> _header_name("计划生育工作计划1", False), _header_name("计划生育工作计划1", True)
        (None, (0, 8))
    """
    if len(text) > 60 or _TITLE_SENTENCE.search(text) or text.startswith(("一", "二", "三")):
        return None
    patterns = (_PIECE_NAME, _NAME_PIECE) if "篇" in text else ()
    if text[-1:] in ")）":
        patterns += (_NAME_PAREN,)
    for pattern in patterns + ((_NAME_NUMBER, _NUMBER_NAME) if cue else ()):
        match = pattern.match(text)
        if match is not None:
            return match.span("name")
    return None


def is_compilation_title(text: str) -> bool:
    """Whether a line heads one plan of a compilation (…工作计划 篇三, 【篇二】, 篇1：…).

    Examples:
        >>> is_compilation_title("20xx年社区妇联工作计划 篇一"), is_compilation_title("一、学习")
        (True, False)
    """
    return _header_name(text, False) is not None and not _cue(text)


def _candidate(line: Line) -> bool:
    return line.kind in ("content", "meta") and line.marker is None


def _headers(lines: list[Line]) -> list[tuple[int, tuple[int, int]]]:
    """(line index, name span in the line's text) of every compilation header."""
    cue = False
    weak: list[tuple[int, tuple[int, int]]] = []
    strong: list[tuple[int, tuple[int, int]]] = []
    for i, line in enumerate(lines):
        if not _candidate(line):
            continue
        if len(line.text) > 80:
            continue
        span = _header_name(line.text, False)
        if span is not None:
            strong.append((i, span))
        elif _cue(line.text):
            cue = True
        elif (span := _header_name(line.text, True)) is not None:
            weak.append((i, span))
    if cue or len(weak) >= 2 or not weak:
        return sorted(strong + weak)
    titles = {line.text for line in lines if _candidate(line)}
    repeated = [(i, span) for i, span in weak if lines[i].text[span[0] : span[1]] in titles]
    return sorted(strong + repeated)


def split_glued_headers(text: str, lines: list[Line]) -> list[Line]:
    """Cut a header or title glued to the first sentence off into a line of its own.

    Examples:
        >>> from planparse.parse.lines import split_lines
        >>> text = "妇联工作计划（精选3篇）\\n妇联工作计划120xx年，我们做了工作。\\n"
        >>> [line.text for line in split_glued_headers(text, split_lines(text))]
        ['妇联工作计划（精选3篇）', '妇联工作计划1', '20xx年，我们做了工作。']
    """
    cue = any(_cue(line.text) for line in lines[:12] if _candidate(line))
    seen: set[str] = set()
    out: list[Line] = []
    for i, line in enumerate(lines):
        if not _candidate(line):
            out.append(line)
            continue
        match = _glued(line.text, cue, seen)
        if match is not None:
            first, rest = cut_line(text, line, line.body + match.end())
            rest.virtual = False  # the body opens a paragraph of its own
            out += [first, rest]
            continue
        out.append(line)
        if _TITLE_END.search(line.text):
            seen.add(line.text)
        if len(line.text) > 60 and line.kind == "content" and not _SITE.search(line.text):
            return out + lines[i + 1 :]  # the body has begun
    return out


def _glued(text: str, cue: bool, seen: set[str]) -> re.Match[str] | None:
    """The header or title glued to the front of ``text``, if any.

    A plan number glued on ("…计划1" + "20xx年") counts on a compilation page, or when the
    name repeats the page's title.
    """
    match = _GLUED_HEADER.match(text)
    if match is not None and (cue or match["name"] in seen):
        return match
    if not seen and len(text) > 40 and (match := _GLUED_TITLE.match(text)) is not None:
        return match
    return _GLUED_MARKER.match(text)


_CLAUSE = re.compile("[，,]")


def _is_title(line: Line) -> bool:
    return (
        (line.kind == "content" or (line.kind == "meta" and line.reason != "source line"))
        and line.marker is None
        and 2 <= len(line.text) <= 60
        and not _TITLE_SENTENCE.search(line.text)
        and not ends_sentence(line.text)
        and not _cue(line.text)
        and not line.text.startswith("|")  # a table's header row
    )


def _body_start(lines: list[Line], first: int, stop: int) -> int:
    """The first line of a plan's text: an item, or a long or sentence-final line."""
    for i in range(first, stop):
        line = lines[i]
        if line.kind != "content":
            continue
        if line.marker is not None or ends_sentence(line.text):
            return i
        if len(line.text) > 60 and not _SITE.search(line.text):
            return i
    return stop


def _title_line(lines: list[Line], first: int, body: int) -> int | None:
    """The plan's own title among the lines before its body.

    The last line there that names a plan (…计划, …总结) wins, a file name (….docx) only
    when nothing else does; else the first short line that is not a site's name, a
    breadcrumb or a sentence.
    """
    titles = [i for i in range(first, body) if _is_title(lines[i])]
    named = [i for i in titles if _TITLE_END.search(_trimmed(lines[i].text))]
    for pool in ([i for i in named if not _SITE.search(lines[i].text)], named):
        if pool:
            return pool[-1]
    plain = [
        i
        for i in titles
        if not _SITE.search(lines[i].text)
        and len(lines[i].text) >= 6
        and not _CLAUSE.search(lines[i].text)
    ]
    return plain[0] if plain else None


def _trimmed(text: str) -> str:
    lo, hi = _title_span(text)
    return text[lo:hi]


def _title_span(text: str) -> tuple[int, int]:
    """The span of ``text`` without a site's decorations: 【tag】, .docx, (blurb), a number.

    Examples:
        >>> text = "【最新总结】妇联换届工作总结2"
        >>> lo, hi = _title_span(text); text[lo:hi]
        '妇联换届工作总结'
    """
    head = _DECORATION_HEAD.match(text)
    lo = head.end() if head and head.end() < len(text) else 0
    hi = len(text)
    if text.startswith("【") and text.endswith("】"):
        lo, hi = max(lo, 1), hi - 1
    tail = _DECORATION_TAIL.search(text, lo)
    if tail is not None and _TITLE_END.search(text[lo : tail.start()]):
        hi = tail.start()
    return lo, hi


def _piece(line: Line, span: tuple[int, int]) -> list[Span]:
    lo, hi = span
    while lo < hi and line.text[lo] in " \t\u3000":
        lo += 1
    while hi > lo and line.text[hi - 1] in " \t\u3000":
        hi -= 1
    return [(line.body + lo, line.body + hi)] if lo < hi else []


def _single(lines: list[Line]) -> Split:
    body = _body_start(lines, 0, len(lines))
    title = _title_line(lines, 0, body)
    region = Region(first=0, stop=len(lines))
    if title is None:
        return Split([], [region])
    region.title_pieces = _piece(lines[title], _title_span(lines[title].text))
    if not region.title_pieces:
        return Split([], [region])
    region.first = title + 1
    return Split([i for i in range(title) if lines[i].kind != "blank"], [region])


def _compiled(lines: list[Line], headers: list[tuple[int, tuple[int, int]]]) -> Split:
    plans = []
    for n, (start, span) in enumerate(headers):
        stop = headers[n + 1][0] if n + 1 < len(headers) else len(lines)
        region = Region(first=start + 1, stop=stop)
        following = _next_content(lines, start + 1, stop)
        if (
            following is not None
            and _is_title(lines[following])
            and _TITLE_END.search(lines[following].text)
        ):
            region.skipped = [start]  # the title line is consumed through its pieces
            region.title_pieces = _piece(lines[following], _title_span(lines[following].text))
        else:
            lo, hi = span
            trimmed = _title_span(lines[start].text[lo:hi])
            region.title_pieces = _piece(lines[start], (lo + trimmed[0], lo + trimmed[1]))
            region.skipped = [] if region.title_pieces else [start]
        plans.append(region)
    return Split([i for i in range(headers[0][0]) if lines[i].kind != "blank"], plans)


def _next_content(lines: list[Line], first: int, stop: int) -> int | None:
    for i in range(first, stop):
        if lines[i].kind == "content":
            return i
    return None


def _toc_entries(lines: list[Line], starts: list[int]) -> set[int]:
    """Compilation titles listed one after another with no text between: a table of contents."""
    return {
        a
        for a, b in itertools.pairwise(starts)
        if all(lines[k].kind != "content" for k in range(a + 1, b))
    }


def split_plans(lines: list[Line]) -> Split:
    """Find the plans of a file.

    A file with a compilation header (or a cue that it is a compilation and weaker headers)
    is split at each; what stands before the first is front matter.  Any other file is one
    plan whose title is the last plan-like line before its body.
    """
    headers = _headers(lines)
    toc = _toc_entries(lines, [i for i, _ in headers])
    headers = [(i, span) for i, span in headers if i not in toc]
    for i in toc:
        lines[i].kind, lines[i].reason = "debris", "table of contents"
    return _compiled(lines, headers) if headers else _single(lines)
