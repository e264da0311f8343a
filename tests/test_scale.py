"""Pathological input parses, and completely: huge lines, deep nesting, many markers.

How fast it goes is measured in benchmarks/parse_speed.py, not here.
"""

from __future__ import annotations

from conftest import LADDER

import planparse


def test_one_line_of_a_million_characters():
    line = "加强组织建设，一是完善制度；二是加强学习；" + "妇女儿童" * 250_000 + "。"
    doc = planparse.parse("一、" + line + "\n", doc_id="long")
    rows = doc.to_frame()
    assert rows.kind.tolist() == ["item", "inline", "inline"]
    assert rows.end.iloc[-1] == len(line) + 2


def test_ten_thousand_nested_markers():
    ladder = LADDER
    lines = []
    for block in range(2000):
        top = block % 99 + 1
        lines.append(ladder[0](top) + "标题")
        lines.extend(ladder[depth](1) + "内容。" for depth in range(1, 5))
    rows = planparse.parse("\n".join(lines) + "\n", doc_id="deep").to_frame()
    assert len(rows) == 10_000
    assert rows.depth.max() == 5


def test_a_thousand_markers_in_one_list():
    text = "".join(f"（{n}）事项。\n" for n in range(1, 1000))
    rows = planparse.parse(text, doc_id="wide").to_frame()
    assert rows.number.tolist() == list(range(1, 1000))
    assert (rows.depth == 1).all()


def test_text_made_only_of_markers_is_one_paragraph():
    text = "一、" * 100_000  # 一、一、… counts things; it numbers no list
    rows = planparse.parse(text, doc_id="soup").to_frame()
    assert rows.kind.tolist() == ["para"] and rows.text.iloc[0] == text
