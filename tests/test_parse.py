"""The parser on every trap of real plan text, written as our own small fixtures."""

from conftest import items, markers

import planparse


def frame(text):
    return planparse.parse(text, doc_id="t.txt").to_frame()


# -- marker ladders and relative levels --------------------------------------------------


def test_full_ladder_nests_in_order():
    text = "一、总体要求\n（一）目标\n1、第一项\n（1）细项\n①要点\n②要点\n（2）细项\n2、第二项\n二、保障\n"
    assert markers(text) == [
        ("一、", 1),
        ("（一）", 2),
        ("1、", 3),
        ("（1）", 4),
        ("①", 5),
        ("②", 5),
        ("（2）", 4),
        ("2、", 3),
        ("二、", 1),
    ]


def test_levels_are_relative():
    assert markers("（一）学习\n1、读书\n2、讨论\n（二）活动\n") == [
        ("（一）", 1),
        ("1、", 2),
        ("2、", 2),
        ("（二）", 1),
    ]
    assert markers("一、学习\n1、读书\n二、活动\n") == [("一、", 1), ("1、", 2), ("二、", 1)]


def test_mixed_widths_in_one_list():
    result = frame("(一）学习\n（二)活动\n１．读书\n2.讨论\n")
    assert result.marker.tolist() == ["(一）", "（二)", "１．", "2."]
    assert result.depth.tolist() == [1, 1, 2, 2]


def test_mixed_dun_and_dot_continue_one_list_with_a_warning():
    result = frame("1、学习\n2.活动\n")
    assert result.depth.tolist() == [1, 1]
    assert "mixed styles" in result.warnings.iloc[1]


def test_chapters_sections_and_decimals():
    assert markers(
        "第一章 总则\n第一节 目标\n1.1 总目标\n1.2 分目标\n第二节 任务\n第二章 附则\n"
    ) == [("第一章", 1), ("第一节", 2), ("1.1", 3), ("1.2", 3), ("第二节", 2), ("第二章", 1)]


# -- sequence validation -----------------------------------------------------------------


def test_numbering_runs_on_across_parents():
    text = "一、学习\n（一）读书\n（二）讨论\n二、活动\n（三）走访\n（四）慰问\n三、服务\n1、甲\n2、乙\n四、保障\n3、丙\n"
    assert markers(text) == [
        ("一、", 1),
        ("（一）", 2),
        ("（二）", 2),
        ("二、", 1),
        ("（三）", 2),
        ("（四）", 2),
        ("三、", 1),
        ("1、", 2),
        ("2、", 2),
        ("四、", 1),
        ("3、", 2),
    ]


def test_list_restarting_under_a_colon_paragraph_goes_under_it():
    text = "一、上半年回顾\n二、存在问题\n下半年重点工作如下：\n一、做好换届\n二、做好总结\n"
    rows = frame(text)
    para = rows[rows.text == "下半年重点工作如下："].iloc[0]
    assert para.kind == "para" and para.depth == 1
    restarted = rows[rows.text.isin(["做好换届", "做好总结"])]
    assert (restarted.parent_id == para.item_id).all() and (restarted.depth == 2).all()
    assert (rows.warnings == "").all()


def test_a_marker_out_of_sequence_is_text():
    rows = frame("一、学习\n三八节开展活动。\n五、活动\n")
    assert rows.kind.tolist() == ["item", "para", "para"]


def test_gap_and_duplicate_numbers_are_kept_with_warnings():
    rows = frame("一、甲\n二、乙\n四、丁\n四、戊\n")
    assert rows.marker.tolist() == ["一、", "二、", "四、", "四、"]
    assert rows.warnings.tolist()[2:] == ["numbering gap: expected 3", "duplicate number"]


# -- false markers in context --------------------------------------------------------------


def test_false_markers_stay_in_their_paragraph():
    text = (
        "一、宣传活动\n利用6.26禁毒日、12.4法制宣传日开展宣传，\n1.5万元用于资助。\n"
        "五一、十一期间组织活动。\n1、2、3号楼设立宣传点。\n三八节组织联欢。\n二〇二四年一月五日\n"
    )
    rows = frame(text)
    assert rows[rows.kind == "item"].marker.tolist() == ["一、"]


def test_item_titled_by_a_year():
    assert markers("1.2023年工作回顾\n2.2024年工作打算\n") == [("1.", 1), ("2.", 1)]


# -- broken lines, page numbers, headers ---------------------------------------------------


def test_page_break_inside_a_sentence_is_joined():
    text = (
        "一、加强组织建设\n为进一步完善基层组织网络，我们将在各村各社区设立妇女小组，并定期召开执委会\n\n"
        "- 3 -\n\n议，研究部署各项工作。\n"
    )
    rows = frame(text)
    para = rows[rows.kind == "para"].iloc[0]
    assert para.text.endswith("执委会议，研究部署各项工作。")
    assert rows[rows.kind == "debris"].text.tolist() == ["- 3 -"]


def test_page_break_inside_a_heading_is_joined():
    text = "一、加强组织建设，夯实\n第 3 页 共 10 页\n基层基础\n二、开展活动\n"
    assert items(text)[0] == ("一、", 1, "加强组织建设，夯实基层基础")


def test_running_headers_are_debris():
    page = "为把组织网络织得更密，我们打算在每个小区都建起妇女小组，按月召开执委碰头会商量工作，\n"
    text = (
        "一、学习\n"
        + page
        + "— 1 —\n某区妇联2024年工作要点\n"
        + page
        + "— 2 —\n某区妇联2024年工作要点\n"
        + page
        + "二、活动\n"
    )
    rows = frame(text)
    assert rows[rows.warnings == "running header"].shape[0] == 2


def test_lines_wrapped_at_full_width_are_joined():
    body = "组织开展巾帼建功活动带动广大妇女积极投身经济建设主战场在"
    text = "一、就业创业\n" + "\n".join([body] * 6) + "\n努力。\n二、维权\n"
    rows = frame(text)
    assert rows[rows.kind == "para"].text.tolist() == [body * 6 + "努力。"]


def test_a_short_line_after_a_heading_is_a_new_paragraph():
    assert items("一、保障措施\n下半年重点工作如下：\n") == [
        ("一、", 1, "保障措施"),
        ("", 2, "下半年重点工作如下："),
    ]


def test_an_orphan_list_is_kept_with_a_warning():
    rows = frame("三、保障措施\n四、工作要求\n")
    assert rows.marker.tolist() == ["三、", "四、"]
    assert rows.warnings.tolist() == ["orphan: numbering starts at 3", ""]


def test_numerals_with_a_comma_number_a_list_that_numbers_on():
    # A site that turned all punctuation into ASCII writes 一, for 一、.
    text = "工作要点如下.\n一,加强学习,提高素质.\n1.组织读书\n二,开展活动.\n三,做好服务.\n"
    assert markers(text) == [("一,", 1), ("1.", 2), ("二,", 1), ("三,", 1)]
    assert markers("今年重点如下:\n十一,国庆期间开展活动.\n") == []  # no 十二, follows


def test_a_lone_arabic_number_is_not_an_orphan_list():
    assert markers("领导小组如下：\n3、保障措施到位。\n") == []


# -- bullets and debris ----------------------------------------------------------------------


def test_bullets_before_markers_and_paragraphs():
    rows = frame("- 一、学习\n• 二、活动\n- 组织开展三八节活动。\n")
    assert rows.marker.tolist() == ["一、", "二、", ""]
    assert rows.text.tolist() == ["学习", "活动", "组织开展三八节活动。"]
    original = "- 一、学习\n• 二、活动\n- 组织开展三八节活动。\n"
    assert original[rows.start.iloc[0] :].startswith("一、")


def test_web_debris_before_the_title_is_recorded():
    text = (
        "下载\n打印\n收藏\n【字号：加大 还原 减小】\n社区妇联2024年工作计划\n来源：某某网\n"
        "时间：2024-01-05\n一、学习\n"
    )
    rows = frame(text)
    assert rows.plan_title.iloc[-1] == "社区妇联2024年工作计划"
    assert rows[rows.kind == "debris"].text.tolist() == [
        "下载",
        "打印",
        "收藏",
        "【字号：加大 还原 减小】",
        "来源：某某网",
        "时间：2024-01-05",
    ]
    assert rows[rows.kind != "debris"].marker.tolist() == ["一、"]


def test_site_disclaimers_and_table_of_contents_are_debris():
    text = (
        "1、本文档由用户上传，仅供参考。\n2、如有侵权请联系删除。\n社区工作计划\n目录\n"
        "一、指导思想……1\n二、主要任务……2\n一、指导思想\n二、主要任务\n"
    )
    rows = frame(text)
    kept = rows[rows.kind != "debris"]
    assert kept.marker.tolist() == ["一、", "二、"]
    assert set(rows[rows.kind == "debris"].warnings) == {"site blurb", "table of contents"}


def test_headings_listed_then_repeated_are_a_table_of_contents():
    contents = "一、背景分析\n1.1政策背景\n1.2社会需求\n二、目标设定\n2.1总体目标\n2.2具体目标\n"
    glued = (
        "某社区儿童之家建设方案\n" + contents[:-1] + "一、背景分析1.1政策背景 近年来，各地重视。\n"
    )
    assert markers(glued) == [("一、", 1), ("1.1", 2)]
    rows = frame(glued)
    assert rows.plan_title.iloc[0] == "某社区儿童之家建设方案"
    assert (rows[rows.kind == "debris"].warnings == "table of contents").sum() == 6
    on_own_lines = contents + "一、背景分析\n1.1政策背景\n各地重视。\n"
    assert markers(on_own_lines) == [("一、", 1), ("1.1", 2)]


def test_an_outline_that_is_not_repeated_stays_the_outline():
    outline = "一、背景分析\n1.1政策背景\n1.2社会需求\n二、目标设定\n2.1总体目标\n2.2具体目标\n"
    assert len(markers(outline)) == 6
    assert len(markers(outline + "近年来，各地重视一、背景的分析。\n")) == 6


# -- compilations --------------------------------------------------------------------------


def test_compilation_splits_into_plans_with_titles():
    text = (
        "社区妇联工作计划（大全4篇）\n以下是小编整理的工作计划，欢迎阅读。\n"
        "社区妇联工作计划 篇一\n一、学习\n【篇二】村妇代会工作计划\n一、活动\n"
        "第三篇：街道妇联工作要点\n一、服务\n街道妇联工作总结4\n一、总结\n"
    )
    rows = frame(text)
    front = rows[rows.plan_no == 0]
    assert front.kind.tolist() == ["debris", "debris"]
    plans = rows[rows.plan_no > 0].groupby("plan_no").plan_title.first().tolist()
    assert plans == ["社区妇联工作计划", "村妇代会工作计划", "街道妇联工作要点", "街道妇联工作总结"]
    assert rows[rows.kind == "item"].item_id.tolist() == [
        "t.txt#1/1",
        "t.txt#2/1",
        "t.txt#3/1",
        "t.txt#4/1",
    ]


def test_numbered_plan_titles_split_a_compilation():
    rows = frame("妇联工作计划1\n一、学习\n妇联工作计划2\n一、活动\n")
    items = rows[rows.kind == "item"]
    assert items.plan_no.tolist() == [1, 2]
    assert items.plan_title.tolist() == ["妇联工作计划", "妇联工作计划"]
    assert rows[rows.kind == "debris"].warnings.tolist() == ["plan header", "plan header"]


# -- items: heading and body, marker alone -------------------------------------------------


def test_heading_is_the_first_clause():
    rows = frame("（一）强化宣传引导，营造良好氛围。利用宣传栏、微信群开展宣传。\n")
    assert rows.heading.iloc[0] == "强化宣传引导，营造良好氛围"
    assert rows.text.iloc[0] == "强化宣传引导，营造良好氛围。利用宣传栏、微信群开展宣传。"


def test_trailing_colon_is_not_part_of_the_heading():
    assert frame("一、指导思想：\n").heading.iloc[0] == "指导思想"


def test_marker_alone_takes_the_next_line():
    assert items("一、\n指导思想\n二、\n主要任务\n") == [
        ("一、", 1, "指导思想"),
        ("二、", 1, "主要任务"),
    ]


def test_paragraphs_go_under_the_nearest_item():
    result = items("开头说明。\n一、学习\n（一）读书\n认真读书。\n二、活动\n")
    assert result == [
        ("", 1, "开头说明。"),
        ("一、", 1, "学习"),
        ("（一）", 2, "读书"),
        ("", 3, "认真读书。"),
        ("二、", 1, "活动"),
    ]


# -- inline enumerations -------------------------------------------------------------------


def test_inline_shi_enumeration():
    rows = frame("（一）加强学习。一是读原文；二是谈体会；三是抓落实。\n")
    assert rows.kind.tolist() == ["item", "inline", "inline", "inline"]
    assert rows.marker.tolist() == ["（一）", "一是", "二是", "三是"]
    assert rows.text.tolist() == ["加强学习。", "读原文；", "谈体会；", "抓落实。"]
    assert (rows.parent_id.iloc[1:] == rows.item_id.iloc[0]).all()


def test_other_inline_families():
    assert [m for m, _, _ in items("要做到：第一，学习；第二，实践。\n") if m] == [
        "第一，",
        "第二，",
    ]
    assert [m for m, _, _ in items("首先，要学习；其次，要实践；最后，要总结。\n") if m] == [
        "首先，",
        "其次，",
        "最后，",
    ]
    assert [m for m, _, _ in items("工作分三步：①调研；②试点；③推广。\n") if m] == ["①", "②", "③"]


def test_words_that_only_look_like_enumerations():
    for text in (
        "统一是前提，一是一、二是二。\n",
        "请第一书记第一时间报告。\n",
        "再次召开会议，首先要学习。\n",
        "首先，要学习。\n",
        "提出一要求，三要素齐全。\n",
    ):
        assert [m for m, _, _ in items(text) if m] == [], text


def test_a_lone_first_piece_announces_a_list():
    assert [m for m, _, _ in items("一是加强学习。\n") if m] == ["一是"]


# -- Traditional Chinese and offsets --------------------------------------------------------


def test_traditional_chinese_plan():
    text = "婦聯工作計劃\n一、加強組織建設\n（一）健全組織。一是完善制度；二是加強學習。\n二、維護權益\n"
    rows = frame(text)
    assert rows.plan_title.iloc[0] == "婦聯工作計劃"
    assert rows.marker.tolist() == ["一、", "（一）", "一是", "二是", "二、"]


def test_offsets_slice_the_original_and_items_begin_with_their_marker():
    text = "\ufeff标题\r\n  一、学习\r\n（一）读书。一是读原文；二是谈体会。\r\n开展活动，\r\n\r\n- 2 -\r\n\r\n深入基层。\r\n"
    rows = frame(text)
    for row in rows.itertuples():
        assert text[row.start : row.end].startswith(row.marker)
        if row.kind != "debris":
            flat = text[row.start : row.end].replace("\r\n", "").replace("- 2 -", "")
            assert flat.startswith(row.marker) and row.text in flat.replace(" ", "")


def test_ids_are_unique_and_parents_exist():
    rows = frame("一、甲\n（一）乙。一是丙；二是丁。\n说明。\n二、戊\n")
    assert rows.item_id.is_unique
    assert set(rows.parent_id) - {""} <= set(rows.item_id)


def test_empty_and_whitespace_text_parse_to_no_rows():
    assert frame("").empty and frame(" \n\u3000\n").empty


def test_schema_columns_and_dtypes():
    rows = frame("一、甲\n")
    assert list(rows.columns) == list(planparse.COLUMNS)
    assert rows.number.dtype == "Int64" and rows.start.dtype == "int64"
