"""The parser on the damage of real web pages, in small made-up examples (issue 16).

Every example here is written for the test: template-site compilations, titles behind site
debris, ranks by convention, inline enumerations in every form, text without line breaks,
page and site damage, and the small holes of the item table.  The last part checks the
same invariants as tests/test_properties.py on documents damaged the way real pages are.
"""

from __future__ import annotations

import pytest
from conftest import LADDER, items, markers
from hypothesis import given, settings
from hypothesis import strategies as st
from test_properties import CLAUSES, check_invariants

import planparse


def frame(text):
    return planparse.parse(text, doc_id="t.txt").to_frame()


def titles(text):
    return [plan.title for plan in planparse.parse(text).plans]


def numbered(text):
    return [(m, d) for m, d, _ in items(text) if m]


# -- compilations and titles -----------------------------------------------------------------


def test_every_form_of_a_pian_header_splits_and_loses_its_number():
    text = (
        "社区工作计划（精选5篇）\n"
        "社区工作计划 篇1\n一、学习\n"
        "村妇联工作计划【第二篇】\n一、活动\n"
        "篇3：街道妇联工作要点\n一、服务\n"
        "镇妇联工作总结范文第4篇\n一、总结\n"
        "团委工作思路（五）\n一、思路\n"
    )
    assert titles(text) == [
        "社区工作计划",
        "村妇联工作计划",
        "街道妇联工作要点",
        "镇妇联工作总结",
        "团委工作思路",
    ]
    front = frame(text)
    assert front[front.plan_no == 0].kind.tolist() == ["debris"]  # the page title


def test_numbered_plans_need_a_cue_that_the_page_is_a_compilation():
    assert len(planparse.parse("妇联工作计划1\n全年开展学习。\n").plans) == 1
    text = "妇联工作计划大全3篇\n妇联工作计划1\n全年开展学习。\n妇联工作计划2\n全年开展活动。\n"
    assert titles(text) == ["妇联工作计划", "妇联工作计划"]


def test_a_header_glued_to_the_first_sentence_is_cut_off():
    text = "妇联工作计划（精选3篇）\n妇联工作计划120xx年，我们围绕中心开展工作。\n"
    doc = planparse.parse(text)
    assert [p.title for p in doc.plans] == ["妇联工作计划"]
    assert doc.plans[0].nodes[0].text == "20xx年，我们围绕中心开展工作。"


def test_a_bare_pian_header_gives_an_empty_title():
    text = "学校妇联工作计划范本\n【篇一】\n（一）加强学习，提高素质。\n"
    assert titles(text) == [""]


def test_the_title_after_a_header_is_the_plans_own():
    text = "实施方案（精选2篇）\n篇1：庭院方案\n- 1 -某村美丽庭院建设实施方案\n为建设美丽乡村，特制定本方案。\n"
    assert titles(text) == ["某村美丽庭院建设实施方案"]


def test_the_title_is_never_a_breadcrumb_a_site_or_a_file_name():
    text = (
        "当前位置：首页 > 工作计划 > 妇联工作计划\n"
        "某某文库网\n"
        "社区妇联2024年工作计划.docx\n"
        "社区妇联2024年工作计划\n"
        "时间：2024-01-05 来源：网友投稿\n"
        "2024年，社区妇联将围绕中心工作，服务大局。\n"
    )
    assert titles(text) == ["社区妇联2024年工作计划"]


def test_a_file_name_is_the_title_when_nothing_else_is_and_loses_its_suffix():
    assert titles(
        "村妇代会换届工作总结.docx\n全村妇代会于三月完成换届选举，共选出执委七名。\n"
    ) == ["村妇代会换届工作总结"]


def test_cover_words_are_not_the_title():
    text = (
        "2024\n局机关\n工会\n工作总结\n局机关工会2024年工作总结\n今年以来，局机关工会认真履职。\n"
    )
    assert titles(text) == ["局机关工会2024年工作总结"]


def test_a_title_glued_to_the_body_or_its_first_heading_is_cut_off():
    assert titles(
        "街道妇联上半年工作总结20xx年上半年，街道妇联在党工委领导下，扎实推进各项工作。\n"
    ) == ["街道妇联上半年工作总结"]
    text = "妇女之家建设方案模板范文一、背景分析\n1.1政策背景\n1.2社会背景\n"
    assert titles(text) == ["妇女之家建设方案"]
    assert numbered(text) == [("一、", 1), ("1.1", 2), ("1.2", 2)]


def test_a_table_of_contents_of_the_plans_is_debris():
    text = (
        "目录\n1.社区工作计划（一）\n2.社区工作总结（二）\n"
        "社区工作计划（一）\n一、学习\n社区工作总结（二）\n一、总结\n"
    )
    rows = frame(text)
    assert rows[rows.kind == "item"].marker.tolist() == ["一、", "一、"]
    assert (rows[rows.kind == "debris"].warnings == "table of contents").sum() == 3


# -- ranks by convention, checked by sequence ---------------------------------------------------


def test_a_chinese_list_after_an_arabic_list_closes_it():
    text = "1、学习\n2、读书\n一、总体要求\n二、工作任务\n"
    assert numbered(text) == [("1、", 1), ("2、", 1), ("一、", 1), ("二、", 1)]


def test_a_text_that_starts_low_keeps_relative_levels():
    assert numbered("（一）学习\n1、读书\n（二）活动\n") == [
        ("（一）", 1),
        ("1、", 2),
        ("（二）", 1),
    ]


def test_an_orphan_arabic_list_is_kept_when_it_numbers_on():
    rows = frame("2、深化巾帼建功活动。\n3、做好维权服务。\n")
    assert rows.marker.tolist() == ["2、", "3、"]
    assert rows.warnings.tolist() == ["orphan: numbering starts at 2", ""]


# -- inline enumerations --------------------------------------------------------------------


def inline(text):
    return [(n.marker, n.kind) for plan in planparse.parse(text).plans for n, _ in plan.walk()]


def test_one_shi_per_line_forms_a_sequence_under_its_heading():
    text = "一、加强学习\n一是组织读书。\n二是开展讨论。\n三是交流心得。\n"
    assert numbered(text) == [("一、", 1), ("一是", 2), ("二是", 2), ("三是", 2)]


def test_a_lone_later_piece_at_the_start_of_an_excerpt_is_kept():
    assert numbered("六是开展家庭教育宣传。\n二、做好维权\n") == [("六是", 1), ("二、", 1)]


def test_a_shi_glued_to_its_heading():
    text = "巾帼建功行动一是开展技能培训；二是组织岗位练兵。\n"
    assert [m for m, _ in inline(text) if m] == ["一是", "二是"]


def test_a_doubled_shi_is_flagged_not_a_break():
    rows = frame("一是一是加强学习；二是开展活动。\n")
    assert rows.marker.tolist() == ["一是", "二是"]
    assert rows.warnings.tolist() == ["doubled marker", ""]


def test_yao_and_shi_number_one_list():
    assert [m for m, _ in inline("一要加强学习；二要开展活动；三是总结提高。\n") if m] == [
        "一要",
        "二要",
        "三是",
    ]


def test_di_and_shi_lists_that_take_turns_are_both_kept():
    text = "提出意见：第一，抓学习。第二，抓落实。并部署三项任务：一是培训；二是宣传；三是督查。\n"
    assert [m for m, _ in inline(text) if m] == ["第一，", "第二，", "一是", "二是", "三是"]


def test_first_then_last_across_paragraphs():
    text = "会上，首先由主任介绍规划。\n与会人员进行了讨论。\n最后，书记作总结讲话。\n"
    assert [m for m, _ in inline(text) if m] == ["首先", "最后，"]
    assert [m for m, _ in inline("首先，要加强学习。\n") if m] == []


def test_a_run_on_arabic_list_after_a_comma():
    text = "会议提出三点要求，1、围绕中心开展工作。2、抓住薄弱环节。3、加强队伍建设。\n"
    assert [m for m, _ in numbered(text)] == ["1、", "2、", "3、"]


def test_a_run_on_chinese_list_inside_a_paragraph_stays_inside_it():
    text = "一、工作回顾\n二、主要措施\n重点抓好：一、节约能源；二、改进结构；三、提高质量。\n三、工作要求\n"
    assert [(m, d) for m, d in numbered(text) if d == 1] == [("一、", 1), ("二、", 1), ("三、", 1)]


# -- text without line breaks -----------------------------------------------------------------


def test_a_page_without_line_breaks_yields_its_outline():
    text = (
        "为做好全年工作，现将计划安排如下：一、指导思想坚持以人民为中心。"
        "二、工作措施1、开展技能培训。2、做好维权服务。三、保障措施加强领导。"
    )
    assert numbered(text) == [
        ("一、", 1),
        ("二、", 1),
        ("1、", 2),
        ("2、", 2),
        ("三、", 1),
    ]


def test_a_page_number_glued_between_sentence_and_marker_is_debris():
    rows = frame("一、指导思想坚持服务大局。1二、工作措施做好服务。\n")
    assert rows[rows.kind == "item"].marker.tolist() == ["一、", "二、"]
    assert rows[rows.kind == "debris"].warnings.tolist() == ["page number"]


# -- page and site damage ---------------------------------------------------------------------

SENTENCE_A = "组织开展巾帼志愿服务活动，深入社区为困难家庭提供帮助，切实把关爱送到"
SENTENCE_B = "群众心坎上。"


def test_a_sentence_cut_by_a_pagination_line_is_rejoined():
    text = f"一、志愿服务\n{SENTENCE_A}\n第 1 页 共 9 页\n{SENTENCE_B}\n"
    rows = frame(text)
    assert rows[rows.kind == "para"].text.tolist() == [SENTENCE_A + SENTENCE_B]
    assert rows[rows.kind == "debris"].warnings.tolist() == ["page number"]


def test_doc_site_page_counters_are_debris_and_rejoin_the_cut_word():
    first = (
        "1、妇联工作总结 今年以来，妇联" + "紧紧围绕中心工作，扎实开展各项活动，" * 4 + "取得了显"
    )
    text = f"{first}\n2、著成效。全年共举办培训班十二期，培训妇女一千余人次，受到好评。\n"
    rows = frame(text)
    assert not rows.marker.str.len().any()
    assert rows[rows.kind == "debris"].warnings.tolist() == ["page counter", "page counter"]
    assert any("取得了显著成效" in t for t in rows.text)


def test_truncation_notices_are_cut_out_with_offsets_kept():
    text = "一、工作回顾\n全年开展活动……此处隐藏1234个字……取得实效。\n（未完,全文共1966字,当前显示642字）\n"
    rows = frame(text)
    debris = rows[rows.kind == "debris"]
    assert set(debris.warnings) == {"truncation notice", "web navigation"}
    hole = debris[debris.warnings == "truncation notice"].iloc[0]
    assert text[hole.start : hole.end].startswith("……此处隐藏")
    assert rows[rows.kind == "para"].text.tolist() == ["全年开展活动取得实效。"]


def test_numbered_download_notices_are_not_items():
    text = "温馨提示：\n1. 本文档由用户上传，下载前请确认。\n2. 付费后可下载全文。\n一、工作目标\n"
    assert markers(text) == [("一、", 1)]


def test_pinyin_entities_and_markdown_are_cut_from_the_text():
    rows = frame("婦聯(lián)工作總結(jié)\n#### 一、**加强**学习&nbsp;培训\n")
    item = rows[rows.kind == "item"].iloc[0]
    assert item.marker == "一、" and item.text == "加强学习培训"
    assert rows.plan_title.iloc[0] == "婦聯(lián)工作總結(jié)"
    assert {"markup"} == set(rows[rows.kind == "debris"].warnings)


def test_breadcrumbs_copyright_and_icp_lines_are_debris():
    text = (
        "您的位置：首页 > 妇联工作 > 正文\n社区妇联工作计划\n一、加强学习\n"
        "版权所有：某某市妇联\n京ICP备00000000号-1\n沪公网安备 00000000000000号\n"
    )
    rows = frame(text)
    assert rows[rows.kind != "debris"].marker.tolist() == ["一、"]
    assert set(rows[rows.plan_no == 1].plan_title) == {"社区妇联工作计划"}


def test_a_markdown_table_keeps_its_cells():
    rows = frame("工作安排\n| 时间 | 内容 |\n|---|---|\n| 三月 | 培训 |\n")
    assert rows[rows.kind == "para"].text.tolist() == ["时间内容", "三月培训"]


# -- small holes ------------------------------------------------------------------------------


def test_a_paragraph_that_is_wholly_an_enumeration_leaves_no_empty_row():
    rows = frame("一是加强学习；二是开展活动。\n")
    assert rows.kind.tolist() == ["inline", "inline"]
    assert rows.start.is_monotonic_increasing


def test_a_one_line_file_gives_a_title_row():
    rows = frame("妇联工作计划")
    assert rows.kind.tolist() == ["para"] and rows.warnings.tolist() == ["only a title"]
    assert rows.plan_title.tolist() == ["妇联工作计划"]


def test_heading_is_a_prefix_of_text_after_a_zero_width_space():
    row = frame("一、\u200b加强学习，开展活动。\n").iloc[0]
    assert row.text.startswith(row.heading) and row.heading == "加强学习，开展活动"


# -- properties on damaged documents ----------------------------------------------------------

DAMAGE = [
    "第 1 页 共 9 页",
    "- 2 -",
    "1/8",
    "（未完,全文共1966字,当前显示642字）",
    "温馨提示：",
    "1. 本文档由用户上传，下载前请确认。",
    "当前位置：首页 > 工作计划",
    "社区工作计划 篇1",
    "【第二篇】",
    "目录",
    "| 时间 | 内容 |",
    "|---|---|",
]
INLINE_DAMAGE = ["&nbsp;", "(lián)", "**", "……此处隐藏99个字……", "X8226;", "1", "一是", "一是一是"]


@st.composite
def damaged(draw) -> str:
    """A plan built from the ladder, then damaged like a real page: debris lines between
    lines or inside them, sentences cut at a page break, some line breaks lost."""
    lines = []
    counters = [0] * 3
    depth = 0
    for _ in range(draw(st.integers(1, 12))):
        depth = draw(st.integers(0, min(depth + 1, 2) if lines else 0))
        counters[depth] += 1
        counters[depth + 1 :] = [0] * (2 - depth)
        clause = draw(st.sampled_from(CLAUSES))
        if draw(st.booleans()):
            cut = draw(st.integers(1, len(clause) - 1))
            clause = clause[:cut] + draw(st.sampled_from(INLINE_DAMAGE)) + clause[cut:]
        lines.append(LADDER[depth](counters[depth]) + clause + "。")
        if draw(st.integers(0, 3)) == 0:
            lines.append(draw(st.sampled_from(DAMAGE)))
    joiners = draw(st.lists(st.sampled_from(["\n", "", "\n\n"]), min_size=len(lines)))
    return "".join(line + joiner for line, joiner in zip(lines, joiners))


def check_pre_order(text: str) -> None:
    for plan in planparse.parse(text).plans:
        starts = [node.start for node, _ in plan.walk()]
        assert starts == sorted(starts), starts


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(damaged())
def test_damaged_pages_keep_offsets_and_lose_nothing(text):
    check_invariants(text)
    check_pre_order(text)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(DAMAGE + INLINE_DAMAGE + CLAUSES + ["。", "，", "：", "\n", "篇", "一、"]),
        max_size=40,
    ).map("".join)
)
def test_damage_soup_keeps_offsets_and_loses_nothing(text):
    check_invariants(text)
    check_pre_order(text)


@st.composite
def run_on(draw) -> tuple[str, list[tuple[str, int]]]:
    """A plan on the ladder 一、（一）1、 written with every line break lost."""
    parts, expected, counters = [], [], [0] * 3
    depth = 0
    for _ in range(draw(st.integers(2, 12))):
        depth = draw(st.integers(0, min(depth + 1, 2) if parts else 0))
        counters[depth] += 1
        counters[depth + 1 :] = [0] * (2 - depth)
        marker = LADDER[depth](counters[depth])
        parts.append(marker + draw(st.sampled_from(CLAUSES)) + "。")
        expected.append((marker, depth + 1))
    return "工作安排如下：" + "".join(parts), expected


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(run_on())
def test_a_plan_without_line_breaks_parses_as_with_them(case):
    text, expected = case
    assert numbered(text) == expected
    check_invariants(text)


@pytest.mark.slow
def test_a_hundred_thousand_run_on_markers_in_one_line_parse_completely():
    line = "安排如下：" + "".join(f"（{n % 99 + 1}）事项。" for n in range(100_000))
    rows = planparse.parse(line, doc_id="long").to_frame()
    assert len(rows) >= 100_000 and rows.end.max() == len(line)


def test_a_decimal_heading_may_open_with_a_units_character():
    from planparse.parse.markers import match_marker

    assert match_marker("7.1人力资源配置").marker == "7.1"
    assert match_marker("3.8人参加培训") is None and match_marker("1.5万元") is None
