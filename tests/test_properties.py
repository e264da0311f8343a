"""Property-based tests of the parser over documents built from the marker grammar and noise.

For any input: offsets slice the original, an item's span begins with its marker, and every
character that is not white space, a list bullet or debris belongs to exactly one node.
"""

from __future__ import annotations

import pytest
from conftest import LADDER
from hypothesis import example, given, settings
from hypothesis import strategies as st

import planparse
from planparse.normalize import BULLETS, SPACES

CLAUSES = [
    "加强组织建设",
    "开展维权服务",
    "做好家庭教育",
    "组织技能培训",
    "落实两癌筛查",
    "完善工作制度",
    "深化巾帼建功",
    "推进最美家庭评选",
]
NOISE = [
    "",
    "- 3 -",
    "第 2 页 共 9 页",
    "下载",
    "【字号：加大 还原 减小】",
    "6.26禁毒日开展宣传。",
    "五一、十一期间组织活动。",
    "二〇二四年一月五日",
    "一是学习；二是实践。",
    "1.5万元用于资助。",
    "目录",
    "一、指导思想……1",
    "　　",
    "(一）",
    "１．",
    "2018——2020年",
]


@st.composite
def outline(draw) -> tuple[str, list[tuple[str, int]]]:
    """A clean plan: valid marker sequences down the ladder, one sentence per item."""
    lines, expected, counters = [], [], [0] * len(LADDER)
    depth = 0
    for _ in range(draw(st.integers(1, 25))):
        depth = draw(st.integers(0, min(depth + 1, len(LADDER) - 1) if lines else 0))
        counters[depth] += 1
        counters[depth + 1 :] = [0] * (len(LADDER) - depth - 1)
        if counters[depth] > 20:
            break
        marker = LADDER[depth](counters[depth])
        lines.append(marker + draw(st.sampled_from(CLAUSES)) + "。")
        expected.append((marker, depth + 1))
    return "\n".join(lines) + "\n", expected


@st.composite
def noisy(draw) -> str:
    """Grammar lines mixed with debris, false markers, bullets, blank lines and odd line ends."""
    text, _ = draw(outline())
    lines = text.splitlines()
    for _ in range(draw(st.integers(0, 10))):
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(NOISE)))
    lines = [draw(st.sampled_from(["", "", "- ", "• "])) + line for line in lines]
    cut = draw(st.integers(0, len(lines)))
    if lines and cut < len(lines) and len(lines[cut]) > 4:  # a page break inside a line
        line = lines[cut]
        lines[cut : cut + 1] = [line[: len(line) // 2], "", "- 7 -", "", line[len(line) // 2 :]]
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return end.join(lines) + draw(st.sampled_from(["", end]))


def coverage(doc: planparse.Document) -> list[int]:
    counts = [0] * len(doc.text)
    spans = [piece for node in doc.front for piece in node.pieces]
    for plan in doc.plans:
        spans += plan.title_pieces + [p for node in plan.debris for p in node.pieces]
        for node, _ in plan.walk():
            spans += node.pieces + ([node.marker_span] if node.marker_span else [])
    for start, end in spans:
        for i in range(start, end):
            counts[i] += 1
    return counts


def check_invariants(text: str) -> None:
    doc = planparse.parse(text, doc_id="p")
    rows = doc.to_frame()
    for row in rows.itertuples():
        assert 0 <= row.start <= row.end <= len(text)
        if row.kind in ("item", "inline"):
            assert text[row.start : row.end].startswith(row.marker)
    for i, count in enumerate(coverage(doc)):
        char = text[i]
        if char in SPACES or char.isspace():
            continue
        assert count == 1 or (count == 0 and char in BULLETS), (i, char, count)
    assert rows.item_id.is_unique


@settings(max_examples=300, deadline=None)
@given(noisy())
def test_offsets_slice_and_no_text_is_lost(text):
    check_invariants(text)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            list("一二三四五六七八九十、．.（）()1234567890①②是第，。：\n \r-—")
            + ["妇联", "篇", "计划", "\f", "\u3000"]
        ),
        max_size=200,
    ).map("".join)
)
@example("一\f\f是")  # a marker torn by a page break is no marker (found by hypothesis)
def test_parser_never_crashes_on_marker_soup(text):
    check_invariants(text)


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(st.text(max_size=500))
def test_parser_never_crashes_on_any_text(text):
    check_invariants(text)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(outline())
def test_grammar_documents_parse_as_built(case):
    text, expected = case
    doc = planparse.parse(text, doc_id="p")
    assert [
        (n.marker, d) for plan in doc.plans for n, d in plan.walk() if n.kind == "item"
    ] == expected
