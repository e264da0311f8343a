"""The marker grammar: every family of the usual ladder, mixed widths, false markers."""

import pytest

from planparse.parse.markers import cn_to_int, match_marker


@pytest.mark.parametrize(
    "line, style, number",
    [
        ("一、指导思想", "cn-dun", 1),
        ("二．主要任务", "cn-dun", 2),
        ("三,加强学习", "cn-comma", 3),
        ("四，开展活动", "cn-comma", 4),
        ("十二、其他", "cn-dun", 12),
        ("（一）强化引领", "cn-paren", 1),
        ("(一）半角左括号", "cn-paren", 1),
        ("（一)全角左括号", "cn-paren", 1),
        ("㈢带圈", "cn-paren", 3),
        ("1、开展培训", "arabic-dun", 1),
        ("1. 开展培训", "arabic-dot", 1),
        ("１．全角数字", "arabic-dot", 1),
        ("⒉点号字符", "arabic-dot", 2),
        ("（1）落实", "arabic-paren", 1),
        ("(2)落实", "arabic-paren", 2),
        ("3）落实", "arabic-paren", 3),
        ("⑷括号字符", "arabic-paren", 4),
        ("①第一", "circled", 1),
        ("⑫第十二", "circled", 12),
        ("第一章 总则", "cn-chapter", 1),
        ("第二节 任务", "cn-section", 2),
        ("第三条 职责", "cn-article", 3),
        ("第一，要加强", "cn-ordinal", 1),
        ("1.1 目标", "decimal", 1),
        ("1.2.3 措施", "decimal", 3),
        ("1.2023年工作回顾", "arabic-dot", 1),
    ],
)
def test_marker_families(line, style, number):
    marker = match_marker(line)
    assert marker is not None and (marker.style, marker.number) == (style, number)
    assert line.startswith(marker.marker)


@pytest.mark.parametrize(
    "line",
    [
        "6.26禁毒日开展宣传",
        "12.4法制宣传日",
        "1.5万元专项经费",
        "2018——2020年规划",
        "20xx年工作计划",
        "1、2、3号楼开展活动",
        "五一、十一期间",
        "三八节前夕",
        "二〇二四年一月五日",
        "3.8妇女节",
        "2.5%的增长",
        "一是加强学习",
        "第一时间报告",
        "第一书记",
        "统一是关键",
        "一,二年级学生",
    ],
)
def test_false_markers(line):
    assert match_marker(line) is None


def test_spaces_after_marker_are_skipped():
    marker = match_marker("（一）　 强化宣传")
    assert marker.marker == "（一）" and "（一）　 强化宣传"[marker.skip :] == "强化宣传"


@pytest.mark.parametrize(
    "numeral, value",
    [
        ("一", 1),
        ("九", 9),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("九十九", 99),
        ("五一", None),
        ("三八", None),
        ("一十", None),
        ("十十", None),
        ("二十〇", None),
    ],
)
def test_chinese_numerals(numeral, value):
    assert cn_to_int(numeral) == value
