"""Split a file into plans: compilations ("…（大全9篇）", 篇一…篇九) and plan titles.

Examples:
    >>> from planparse.parse.lines import split_lines
    >>> text = "社区工作计划（大全2篇）\\n社区工作计划 篇一\\n一、学习\\n社区工作计划 篇二\\n一、活动\\n"
    >>> regions = split_plans(split_lines(text))
    >>> [(r.title_lines, r.first) for r in regions.plans]
    [([1], 2), ([3], 4)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from planparse.parse.lines import Line, ends_sentence

_TITLE_WORDS = (
    r"(?:计划|計劃|計畫|要点|要點|总结|總結|报告|報告|方案|安排|打算|思路|意见|意見|规划|規劃"
    r"|纲要|綱要|措施|汇报|匯報|部署|通知|决定|決定|办法|辦法|规定|規定|细则|細則)"
)
_CN = "[一二三四五六七八九十]{1,3}"
_PIECE = rf"[【\[（(]?\s*(?:篇{_CN}|第{_CN}篇|范文{_CN}|范文\d{{1,2}})\s*[】\]）)]?"
_COMPILATION_TITLE = re.compile(
    rf"^(?:{_PIECE}[\s:：、.．]*(?=.*{_TITLE_WORDS})"
    rf"|.*{_TITLE_WORDS}.*?[\s:：]*{_PIECE}$"
    rf"|.*{_TITLE_WORDS}\s*[（(]?\d{{1,2}}[)）]?$)"
)
_COMPILATION_HEADER = re.compile(
    r"(?:大全|精选|精選|通用|汇总|匯總|合集|集锦|范文|參考)\s*\d{0,3}\s*篇|[（(]\s*\d{1,3}\s*篇\s*[)）]|\d{1,3}篇$"
)
_TITLE_END = re.compile(_TITLE_WORDS + r"[\s）)】]*$")
_TITLE_SENTENCE = re.compile("[。；;！？]")


@dataclass(slots=True)
class Region:
    """The lines of one plan: its title lines and the body from ``first`` to ``stop``."""

    title_lines: list[int] = field(default_factory=list)
    first: int = 0
    stop: int = 0


@dataclass(slots=True)
class Split:
    """Front-matter line indices and the plan regions of one file."""

    front: list[int]
    plans: list[Region]


def is_compilation_title(text: str) -> bool:
    """Whether a line titles one plan of a compilation (…工作计划 篇三, 【篇二】…, …计划2).

    Examples:
        >>> is_compilation_title("20xx年社区妇联工作计划 篇一"), is_compilation_title("一、学习")
        (True, False)
    """
    return (
        len(text) <= 60
        and not _TITLE_SENTENCE.search(text)
        and not _COMPILATION_HEADER.search(text)
        and bool(_COMPILATION_TITLE.match(text))
    )


def _is_title(line: Line) -> bool:
    return (
        line.kind == "content"
        and line.marker is None
        and 4 <= len(line.text) <= 60
        and not _TITLE_SENTENCE.search(line.text)
        and not ends_sentence(line.text)
    )


def _title_lines(lines: list[Line], first: int, stop: int) -> list[int]:
    """The title at the top of a plan: one line, or a title wrapped over two or three."""
    i = first
    while i < stop and lines[i].kind != "content":
        i += 1
    if i >= stop or not _is_title(lines[i]) or lines[i].text.startswith(("——", "—", "（", "(")):
        return []
    title = [i]
    while len(title) < 3 and not _TITLE_END.search(lines[title[-1]].text):
        j = title[-1] + 1
        if (
            j >= stop
            or not _is_title(lines[j])
            or lines[j].text.startswith(("——", "（", "("))
            or sum(len(lines[k].text) for k in title) + len(lines[j].text) > 80
        ):
            break
        title.append(j)
    if not _TITLE_END.search(lines[title[-1]].text) and len(title) > 1:
        return title[:1]
    return title


def _toc_entries(lines: list[Line], starts: list[int]) -> set[int]:
    """Compilation titles listed one after another with no text between: a table of contents."""
    return {
        a
        for a, b in zip(starts, starts[1:])
        if all(lines[k].kind != "content" for k in range(a + 1, b))
    }


def split_plans(lines: list[Line]) -> Split:
    """Find the plans of a file.

    A file with two or more compilation titles is split at each; what stands before the
    first is front matter.  Any other file is one plan whose title, if it has one, is its
    first content line.
    """
    starts = [
        i
        for i, line in enumerate(lines)
        if line.kind == "content" and line.marker is None and is_compilation_title(line.text)
    ]
    toc = _toc_entries(lines, starts)
    starts = [i for i in starts if i not in toc]
    if len(starts) < 2:
        region = Region(first=0, stop=len(lines))
        region.title_lines = _title_lines(lines, 0, len(lines))
        if region.title_lines:
            region.first = region.title_lines[-1] + 1
        front = [
            i
            for i in range(region.title_lines[0] if region.title_lines else 0)
            if lines[i].kind != "blank"
        ]
        return Split(front, [region])
    for i in toc:
        lines[i].kind, lines[i].reason = "debris", "table of contents"
    plans = []
    for n, start in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else len(lines)
        plans.append(Region([start], start + 1, stop))
    return Split([i for i in range(starts[0]) if lines[i].kind != "blank"], plans)
