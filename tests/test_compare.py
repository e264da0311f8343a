"""Year-over-year comparison: planted edits in small made-up plans come out as the right
kinds, every item of either plan is accounted for once, and the CLI and analyze write it."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import planparse
from planparse.diff import changes, compare, matching_key, render_changes, summarize

SECTIONS = [
    (
        "加强组织建设",
        [
            "健全基层妇联组织，推进村级妇联换届工作全面完成",
            "开展妇联执委履职能力培训，每季度集中学习一次",
        ],
    ),
    (
        "深化家庭文明建设",
        [
            "组织开展最美家庭寻访活动，评选表彰一批先进家庭",
            "依托家长学校开展家庭教育指导服务进社区活动",
        ],
    ),
    (
        "维护妇女儿童合法权益",
        ["设立婚姻家庭纠纷调解室，及时化解矛盾纠纷", "开展反家暴法律知识宣传，发放宣传资料两千份"],
    ),
]
CN = "一二三四五六七八九"


def numbered(lines: list[str]) -> list[str]:
    """Outline lines ("#" before a section heading) numbered as a plan numbers them."""
    out, section, item = [], 0, 0
    for line in lines:
        if line.startswith("#"):
            section, item = section + 1, 0
            out.append(f"{CN[section - 1]}、{line[1:]}")
        else:
            item += 1
            out.append(f"（{CN[item - 1]}）{line}")
    return out


BASE = [line for heading, items in SECTIONS for line in ["#" + heading, *items]]


def plan(lines: list[str], doc_id: str) -> pd.DataFrame:
    return planparse.parse("\n".join(numbered(lines)) + "\n", doc_id=doc_id).to_frame()


def kinds(a: list[str], b: list[str]) -> dict[str, list[str]]:
    """Change kind by the text of the item on either side."""
    rows = compare(plan(a, "a"), plan(b, "b"))
    found: dict[str, list[str]] = {}
    for row in rows.itertuples():
        text = row.b_text if isinstance(row.b_text, str) else row.a_text
        found.setdefault(row.change, []).append(text)
    return found


def test_identical_plans_are_kept_up_to_whitespace_and_years():
    edited = [line.replace("全面", " 全面") for line in BASE]
    edited[1] = "2024年健全基层妇联组织，推进村级妇联换届工作全面完成"
    before = BASE[:1] + ["2023年健全基层妇联组织，推进村级妇联换届工作全面完成"] + BASE[2:]
    assert set(kinds(before, edited)) == {"kept"}


def test_a_plan_copied_into_traditional_script_is_kept():
    from planparse.normalize import simplified_characters

    to_traditional = {
        simplified: traditional for traditional, simplified in simplified_characters().items()
    }
    traditional = ["".join(chr(to_traditional.get(ord(c), ord(c))) for c in line) for line in BASE]
    assert traditional != BASE
    assert set(kinds(BASE, traditional)) == {"kept"}


def test_a_rewritten_item_carries_its_edits():
    after = list(BASE)
    after[2] = "开展妇联执委履职能力专题培训，每月集中学习一次"
    rows = compare(plan(BASE, "a"), plan(after, "b"))
    row = rows[rows.change == "rewritten"].iloc[0]
    assert row.a_item_id == "a#1/1.2" and row.b_item_id == "b#1/1.2"
    assert 0.5 <= row.similarity < 1
    assert ("insert", "", "专题") in {(e["op"], e["a"], e["b"]) for e in row.edits}
    assert apply(row.a_text, row.edits) == row.b_text
    assert (rows.change == "kept").sum() == len(BASE) - 1


def apply(text: str, edits: list[dict]) -> str:
    """``text`` with the edits applied, last first so earlier positions still hold."""
    for edit in sorted(edits, key=lambda e: e["a_pos"], reverse=True):
        text = text[: edit["a_pos"]] + edit["b"] + text[edit["a_pos"] + len(edit["a"]) :]
    return text


def test_a_moved_section_moves_alone_and_its_children_come_along():
    after = BASE[6:9] + BASE[0:6]
    found = kinds(BASE, after)
    assert found["moved"] == ["维护妇女儿童合法权益"]
    assert len(found["kept"]) == len(BASE) - 1


def test_an_item_under_another_parent_is_moved():
    after = BASE[:2] + BASE[3:5] + [BASE[2]] + BASE[5:]
    found = kinds(BASE, after)
    assert [t[:6] for t in found["moved"]] == ["开展妇联执委"]


def test_dropped_added_merged_and_split():
    after = list(BASE)
    after[8] = "组织开展妇女儿童权益保障法律知识竞赛活动"  # a new task replaces an old one
    after[4:6] = [
        "组织开展最美家庭寻访活动，评选表彰一批先进家庭，依托家长学校开展家庭教育指导服务进社区活动"
    ]  # two items merged into one
    after[1:2] = [
        "健全基层妇联组织，推进村级妇联换届",
        "村级妇联换届工作全面完成",
    ]  # one split in two
    found = kinds(BASE, after)
    assert found["added"] == ["组织开展妇女儿童权益保障法律知识竞赛活动"]
    assert found["dropped"] == ["开展反家暴法律知识宣传，发放宣传资料两千份"]
    assert len(found["merged"]) == 2 and len(found["split"]) == 2


def test_stock_phrases_do_not_make_two_tasks_alike():
    slogan = "高举中国特色社会主义伟大旗帜，坚持党建带妇建，"  # two listed stock phrases
    a = ["#" + slogan + "开展家风建设"]
    b = ["#" + slogan + "成立维权站"]
    assert matching_key(a[0][1:]) == "开展家风建设"
    assert set(kinds(a, b)) == {"dropped", "added"}


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(st.permutations(range(len(BASE))), st.sets(st.integers(0, len(BASE) - 1), max_size=3))
def test_every_item_of_either_plan_is_accounted_for_once(order, removed):
    after = [BASE[i] for i in order if i not in removed]
    a, b = plan(BASE, "a"), plan(after, "b")
    rows = compare(a, b)
    assert sorted(rows.a_item_id.dropna().unique()) == sorted(a.item_id)
    assert sorted(rows.b_item_id.dropna().unique()) == sorted(b.item_id)
    one_to_one = rows[~rows.change.isin(["merged", "split"])]
    assert not one_to_one.a_item_id.dropna().duplicated().any()
    assert not one_to_one.b_item_id.dropna().duplicated().any()
    assert set(rows.change) <= {"kept", "moved", "dropped", "added"}
    assert (rows.change == "dropped").sum() == len(removed)


def test_compare_of_a_plan_with_itself_is_all_kept_and_fully_carried_over():
    summary = summarize(compare(plan(BASE, "a"), plan(BASE, "b")))
    assert summary["kept"] == len(BASE) and summary["carried_over"] == 1.0


CLAUSES = [
    "举办农村妇女电商创业培训班三期",
    "帮助二百名妇女掌握网店运营技能",
    "评选表彰县级最美家庭二十户",
    "组织家风家训征集展示活动",
    "推进家庭教育指导服务进社区",
    "建立妇女儿童维权服务站",
    "配备专职婚姻家庭纠纷调解员",
]


@st.composite
def repetitive_plans(draw) -> list[str]:
    """Made-up outlines whose items reuse each other's clauses, as a report's review and its
    plan do: a clause of one item comes back in others of the same plan."""
    item = st.lists(st.sampled_from(CLAUSES), min_size=1, max_size=3)
    items = st.lists(item, min_size=1, max_size=4)
    sections = draw(st.lists(items, min_size=1, max_size=3))
    lines = []
    for number, items in enumerate(sections):
        lines.append(f"#{CLAUSES[number][:6]}工作")
        lines += ["，".join(clauses) for clauses in items]
    return lines


@settings(max_examples=30, deadline=None)
@given(repetitive_plans())
def test_a_plan_compared_with_itself_is_all_kept_one_row_per_item(lines):
    a = plan(lines, "a")
    rows = compare(a, a)
    assert rows.change.tolist() == ["kept"] * len(rows)
    assert rows.a_item_id.tolist() == rows.b_item_id.tolist() == a.item_id.tolist()


def test_a_national_report_compared_with_itself_is_all_kept(shared_corpus):
    from planparse.diff.evaluate import plan_rows
    from planparse.diff.keys import folded_text

    reports = [plan_rows(p) for p in sorted((shared_corpus / "national-reports").glob("*.txt"))]
    bare = [r for r in reports if not all(map(folded_text, planparse.diff.align._items(r).text))]
    for items in reports[::16] + bare[:1]:  # reports of several decades, one with a bare item
        rows = compare(items, items)
        assert rows.change.value_counts().to_dict() == {"kept": len(rows)}
        assert rows.a_item_id.tolist() == rows.b_item_id.tolist()
        assert len(rows) == len(planparse.diff.align._items(items))


def test_changes_pairs_each_plan_with_the_same_issuers_previous_year():
    tables = [
        plan(BASE, f"{year}.txt").assign(issuer=issuer, year=year)
        for issuer, year in [("x", 2020), ("x", 2022), ("x", 2021), ("y", 2020), ("z", None)]
    ]
    rows = changes(pd.concat(tables, ignore_index=True), by="issuer", order="year")
    pairs = rows[["group", "a_doc_id", "b_doc_id"]].drop_duplicates().values.tolist()
    assert pairs == [["x", "2020.txt", "2021.txt"], ["x", "2021.txt", "2022.txt"]]
    with pytest.raises(KeyError, match="attach plan metadata"):
        changes(tables[0].drop(columns=["issuer"]), by="issuer")


def test_the_html_view_marks_edits_and_links_moves():
    after = BASE[6:9] + BASE[0:6]
    after[5] = "开展妇联执委履职能力专题培训，每季度集中学习一次"  # moved with its section, edited
    page = render_changes(compare(plan(BASE, "a"), plan(after, "b")), "2023", "2024")
    assert "<ins>专题</ins>" in page and 'href="#a-a#1/3"' in page
    assert page.count("<tr class=") == len(BASE)  # one row per item


def test_the_html_view_says_when_a_kept_item_was_edited():
    after = list(BASE)
    after[1] = "2024年" + BASE[1]
    page = render_changes(compare(plan(BASE, "a"), plan(after, "b")), "2023", "2024")
    assert page.count("kept (edited)") == 1
    assert page.count('<td class="kind">kept<') == len(BASE) - 1


def test_every_id_of_the_html_view_is_unique_and_names_an_item():
    from html.parser import HTMLParser

    class Ids(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.ids: list[str] = []
            self.links: list[str] = []

        def handle_starttag(self, tag: str, attrs: list) -> None:
            found = dict(attrs)
            self.ids += [found["id"]] if "id" in found else []
            self.links += [found["href"][1:]] if found.get("href", "").startswith("#") else []

    after = BASE[6:9] + BASE[0:5]  # a moved section, a dropped item ...
    after += ["组织开展妇女儿童权益保障法律知识竞赛活动", "成立巾帼志愿服务队"]  # ... and two added
    rows = compare(plan(BASE, "a"), plan(after, "b"))
    assert {"moved", "dropped", "added"} <= set(rows.change)
    page = Ids()
    page.feed(render_changes(rows))
    assert len(page.ids) == len(set(page.ids))
    names = {f"a-{i}" for i in rows.a_item_id.dropna()} | {
        f"b-{i}" for i in rows.b_item_id.dropna()
    }
    assert set(page.ids) == names  # one anchor per item of either plan, none for an empty side
    assert page.links and set(page.links) <= set(page.ids)


@pytest.mark.slow
def test_cli_diff_writes_the_table_and_the_view(tmp_path):
    a, b = tmp_path / "2023.txt", tmp_path / "2024.txt"
    a.write_text("\n".join(numbered(BASE)), encoding="utf-8")
    b.write_text("\n".join(numbered([*BASE[:7], BASE[7] + "两期"])), encoding="utf-8")
    out, page = tmp_path / "d.csv", tmp_path / "d.html"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "planparse",
            "diff",
            str(a),
            str(b),
            "-o",
            str(out),
            "--html",
            str(page),
            "--no-tag",
        ],
        capture_output=True,
        check=False,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(out)
    assert table.change.value_counts().to_dict() == {"kept": 7, "rewritten": 1, "dropped": 1}
    edits = json.loads(table.loc[table.change == "rewritten", "edits"].iat[0])  # CSV: as JSON
    assert edits[0]["op"] == "insert" and edits[0]["b"] == "两期"
    assert "dropped 1" in done.stderr and page.read_text("utf-8").startswith("<!DOCTYPE html>")
    bad = subprocess.run(
        [sys.executable, "-m", "planparse", "diff", f"{a}#7", str(b)],
        capture_output=True,
        check=False,
        text=True,
    )
    assert bad.returncode == 2 and "has no plan 7" in bad.stderr  # a usage error


@pytest.mark.slow
def test_analyze_writes_the_changes_of_each_issuers_consecutive_plans(tmp_path):
    from planparse.pipeline import analyze

    sample = planparse.sample_path()
    names = [f"{year}_东湖街道幸福社区_社区妇联_工作计划.txt" for year in (2017, 2018)]
    names += ["2011_丰安县_县妇联_工作要点.txt", "2012_丰安县_县妇联_工作要点.txt"]
    archive = tmp_path / "in"
    archive.mkdir()
    for name in names:
        (archive / name).write_bytes((sample / name).read_bytes())
    meta = pd.read_csv(sample / "plans.tsv", sep="\t", dtype=str)
    meta[meta.file.isin(names)].to_csv(archive / "plans.tsv", sep="\t", index=False)
    summary = analyze([archive], tmp_path / "out", quiet=True, meta=archive / "plans.tsv")
    rows = pd.read_parquet(tmp_path / "out" / "changes.parquet")
    assert summary["changes"] == 2
    pairs = rows[["a_doc_id", "b_doc_id"]].drop_duplicates().values.tolist()
    assert pairs == [names[:2], names[2:]]  # by issuer (东湖… before 丰安…), then by year
    # The planted year copies: one section replaced, the rest carried over.
    counts = rows.groupby("b_doc_id").change.value_counts().unstack(fill_value=0)
    assert (counts["kept"] > 2 * counts["added"]).all() and (counts["dropped"] > 0).all()


def test_edits_round_trip_through_csv_empty_only_where_a_row_has_no_edit_list():
    import io

    from planparse.schema import write_table

    after = list(BASE)
    after[2] = "开展妇联执委履职能力专题培训，每季度集中学习一次"  # rewritten
    after[8] = "组织开展妇女儿童权益保障法律知识竞赛活动"  # dropped and added
    rows = compare(plan(BASE, "a"), plan(after, "b"))
    buffer = io.StringIO()
    write_table(rows, buffer, "csv")
    back = pd.read_csv(io.StringIO(buffer.getvalue()), dtype={"edits": object})
    one_to_one = rows.change.isin(["kept", "rewritten", "moved"])
    assert rows.loc[one_to_one & (rows.change == "kept"), "edits"].map(len).eq(0).all()
    assert rows.loc[~one_to_one, "edits"].isna().all()
    assert back.loc[~one_to_one, "edits"].isna().all()
    assert [json.loads(cell) for cell in back.loc[one_to_one, "edits"]] == list(
        rows.loc[one_to_one, "edits"]
    )
    assert (back.loc[rows.change == "kept", "edits"] == "[]").all()
    assert set(rows.change) == {"kept", "rewritten", "dropped", "added"}


def test_a_b_item_merged_from_several_items_counts_once_by_its_best_source():
    import pandas as pd

    from planparse.diff import summarize

    rows = pd.DataFrame(
        {
            "change": ["merged", "merged", "added"],
            "a_text": ["甲", "乙", None],
            "b_item_id": ["b1", "b1", "b2"],
            "b_text": ["开展活动举办培训", "开展活动举办培训", "成立组织"],
            "similarity": [0.25, 0.75, None],
        }
    )
    summary = summarize(rows)
    assert summary["merged"] == 2
    assert summary["carried_over"] == pytest.approx(8 * 0.75 / 12)
