"""Copy-paste detection: references, planted truth, offsets, boilerplate, families, report."""

from __future__ import annotations

from unittest.mock import patch

import numpy as np
import pandas as pd
import pytest

import planparse
from planparse.reuse import PAIR_COLUMNS, find_duplicates
from planparse.reuse.evaluate import score

BODY = (
    "一、加强组织建设\n（一）完善基层组织网络。在各村各社区设立妇女小组，由妇女小组长负责联系本组妇女，做到有事能找到人、妇女有事能找到组织。\n"
    "（二）积极开展执委培训。每年举办两期执委培训班，帮助执委熟悉工作职责，提高联系服务妇女的能力，年底开展述职评议。\n"
    "二、开展维权服务\n（一）深化普法宣传。利用三八维权周集中宣传妇女权益保障法和反家庭暴力法，发放宣传资料，接受法律咨询。\n"
    "（二）化解矛盾纠纷。联合司法所排查婚姻家庭纠纷，对发现的问题逐一登记、逐件化解，积极帮助困难妇女申请法律援助。\n"
)
OTHER = (
    "一、推进就业创业\n（一）组织技能培训。联合人社部门举办家政、电商、手工编织培训班六期，培训农村妇女三百人次，推荐就业一百人。\n"
    "（二）落实创业贷款。为有创业意愿的妇女申请创业担保贷款，建立跟踪服务台账，帮助解决资金、技术和销售难题。\n"
)


def run(texts: dict[str, str], **options) -> pd.DataFrame:
    items = pd.concat(
        [planparse.parse(t, doc_id=d).to_frame() for d, t in texts.items()], ignore_index=True
    )
    return find_duplicates(items, texts=texts, **options)


def test_whole_copied_plan_is_one_finding_with_exact_offsets():
    a = "清河县妇联2019年工作计划\n" + BODY + OTHER
    b = "下载\n打印\n临江区妇联2020年工作计划\n" + BODY + OTHER
    pairs = run({"a.txt": a, "b.txt": b})
    assert list(pairs.columns) == PAIR_COLUMNS
    assert len(pairs) == 1
    row = pairs.iloc[0]
    assert row.unit == "plan" and row.similarity > 0.9
    assert a[row.a_end - 10 : row.a_end] == b[row.b_end - 10 : row.b_end]
    assert BODY[3:20] in a[row.a_start : row.a_end] and BODY[3:20] in b[row.b_start : row.b_end]
    assert row.source == "a.txt#1"  # 2019 before 2020


def test_synonym_swaps_keep_the_copy_whole_and_are_listed():
    rewritten = BODY.replace("积极", "用心").replace("帮助", "帮忙")
    pairs = run({"a.txt": "甲计划\n" + BODY, "b.txt": "乙计划\n" + rewritten})
    assert len(pairs) == 1 and pairs.unit.iloc[0] == "plan"
    assert (
        "积极→用心×2" in pairs.edits.iloc[0] and "助→忙×2" in pairs.edits.iloc[0]
    )  # minimal edits


def test_a_section_pasted_into_another_plan_is_found_as_a_section():
    section = BODY[BODY.index("二、") :].replace("二、", "三、", 1)
    host = (
        "乙计划\n"
        + OTHER
        + "二、其他工作\n（一）办好三八节活动，组织文艺汇演和趣味运动会，丰富妇女精神文化生活，营造节日氛围。\n"
        + section
    )
    pairs = run({"a.txt": "甲计划\n" + BODY, "b.txt": host})
    assert len(pairs) == 1 and pairs.unit.iloc[0] == "section"
    row = pairs.iloc[0]
    assert (
        host[row.b_start : row.b_end].startswith("三、开展维权服务")
        or "深化普法宣传" in host[row.b_start : row.b_end]
    )


def test_shared_stock_phrases_are_not_copying():
    stock = "坚持以人民为中心的发展思想，团结引领广大妇女听党话跟党走，围绕中心服务大局，充分发挥妇女半边天作用。"
    pairs = run(
        {"a.txt": "甲计划\n" + stock + "\n" + BODY, "b.txt": "乙计划\n" + stock + "\n" + OTHER}
    )
    assert pairs.empty


def test_no_pairs_inside_one_plan_but_pairs_across_plans_of_one_file():
    compilation = (
        "工作计划（大全2篇）\n甲社区工作计划 篇一\n" + BODY + "乙社区工作计划 篇二\n" + BODY
    )
    pairs = run({"c.txt": compilation})
    assert (
        len(pairs) == 1
        and (pairs.a_doc == pairs.b_doc).all()
        and pairs.a_plan.iloc[0] != pairs.b_plan.iloc[0]
    )
    assert run({"d.txt": "甲计划\n" + BODY}).empty


def test_traditional_copy_is_found_when_scripts_are_folded():
    import opencc

    traditional = opencc.OpenCC("s2t").convert(BODY)
    texts = {"a.txt": "甲计划\n" + BODY, "b.txt": "乙計劃\n" + traditional}
    assert len(run(texts)) == 1
    assert run(texts, simplified=False).empty


def test_units_can_be_chosen():
    texts = {"a.txt": "甲计划\n" + BODY, "b.txt": "乙计划\n" + BODY}
    items = run(texts, unit="item", min_copy=20)  # these items hold 40-50 letters each
    assert set(items.unit) == {"item"} and len(items) == 4
    assert len(run(texts, unit="item")) < 4  # copies under min_copy (50) are formulae
    with pytest.raises(ValueError, match="unit must be"):
        run(texts, unit="page")


def test_output_is_deterministic():
    texts = {
        "a.txt": "甲计划\n" + BODY + OTHER,
        "b.txt": "乙计划\n" + OTHER,
        "c.txt": "丙计划\n" + BODY,
    }
    pd.testing.assert_frame_equal(run(texts), run(texts))


@pytest.fixture(scope="module")
def sample_pairs():
    items = planparse.parse_files([planparse.sample_path()])
    return items, find_duplicates(items, texts=planparse.sample_path())


def test_planted_reuse_in_the_sample_is_found(sample_pairs):
    _, pairs = sample_pairs
    truth = pd.read_csv(planparse.sample_path() / "reuse.tsv", sep="\t", keep_default_na=False)
    result = score(pairs, truth)
    assert result["pair_precision"] >= 0.95 and result["pair_recall"] >= 0.95
    # Recall averages over every planted case, headings of 15 characters included: those
    # are under the stated minimum (50) and are never reported.
    assert result["char_precision"] >= 0.95 and result["char_recall"] >= 0.90
    assert result["plagdet"] >= 0.90 and result["granularity"] <= 1.05
    assert result["boilerplate_only_found"] == 0


def test_offsets_slice_similar_text_on_both_sides(sample_pairs):
    from collections import Counter

    import opencc

    simplify = opencc.OpenCC("t2s").convert  # one planted copy changes the script
    items, pairs = sample_pairs
    texts = planparse.read_texts(planparse.sample_path())
    for row in pairs.itertuples():
        a = simplify(texts[row.a_doc][row.a_start : row.a_end])
        b = simplify(texts[row.b_doc][row.b_start : row.b_end])
        assert a.strip() and b.strip()
        if row.similarity > 0.9:  # the same characters, though items may be reordered
            shared = sum((Counter(a) & Counter(b)).values())
            assert shared / max(len(a), len(b)) > 0.8, (row.a_doc, row.b_doc)


def test_html_report_is_self_contained(sample_pairs, tmp_path):
    from planparse.reuse.report import render_report

    items, pairs = sample_pairs
    texts = planparse.read_texts(planparse.sample_path())
    page = render_report(pairs, texts)
    assert page.startswith("<!DOCTYPE html>") and "http" not in page
    assert page.count("class='pair'") == len(pairs) and 'class="same"' in page


def test_cli_dupes(tmp_path):
    from planparse.cli import main

    (tmp_path / "a.txt").write_text("甲计划\n" + BODY, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(("乙计划\r\n" + BODY.replace("\n", "\r\n")).encode("gb18030"))
    out, report = tmp_path / "pairs.csv", tmp_path / "report.html"
    assert main(["dupes", str(tmp_path), "-o", str(out), "--html", str(report)]) == 0
    pairs = pd.read_csv(out, keep_default_na=False)
    assert list(pairs.columns) == PAIR_COLUMNS and len(pairs) == 1
    text_b = planparse.read_text(tmp_path / "b.txt")
    assert "完善基层组织网络" in text_b[pairs.b_start.iloc[0] : pairs.b_end.iloc[0]]
    assert report.read_text("utf-8").count("class='pair'") == 1


@pytest.mark.slow
def test_national_report_scrapes_are_plan_level_copies(shared_corpus):
    folders = [shared_corpus / "national-reports", shared_corpus / "national-reports-alt"]
    items = planparse.parse_files(folders)
    pairs = find_duplicates(items, unit="plan", texts=folders)
    years = lambda doc: doc.split("/")[-1][:4]
    same_year = pairs[[years(a) == years(b) for a, b in zip(pairs.a_doc, pairs.b_doc)]]
    both = {years(p.name) for p in folders[0].glob("*.txt")} & {
        years(p.name) for p in folders[1].glob("*.txt")
    }
    assert {years(d) for d in same_year.a_doc} == both


def test_reused_paragraphs_between_years_of_one_office(shared_corpus):
    folder = shared_corpus / "national-reports-alt"
    files = [folder / "2021.txt", folder / "2022.txt"]
    items = planparse.parse_files(files)
    pairs = find_duplicates(items, texts=files)
    assert len(pairs) >= 1 and set(pairs.kind) == {"copy"}
    text = planparse.read_text(folder / "2022.txt")
    assert all(text[e - 1] for e in pairs.b_end)
    exact = pairs[pairs.similarity == 1.0]
    assert (exact.b_end - exact.b_start).max() >= 150  # the long shared paragraph, whole


def test_pairs_found_chunk_by_chunk_equal_the_pairs_of_the_whole_table(sample_pairs):
    """Chunks of whole files, in table order, give the whole table's pairs, ids and families."""
    from planparse.io.read import read_texts
    from planparse.reuse import find_duplicates_by_chunk

    items, whole = sample_pairs
    texts = read_texts(planparse.sample_path())
    docs = list(dict.fromkeys(items.doc_id))
    groups = [docs[lo : lo + 7] for lo in range(0, len(docs), 7)]
    chunks = [(items[items.doc_id.isin(g)], {d: texts[d] for d in g}) for g in groups]
    pd.testing.assert_frame_equal(find_duplicates_by_chunk(chunks, n_jobs=2), whole)
    assert len(whole) > 10


def test_units_read_back_from_the_store_equal_the_units_built_in_memory(tmp_path):
    """Every file's units (level, plan, key, span in its matching text), text and offsets
    survive the store: the search works on exactly the units it would build from the whole
    table."""
    from planparse.io.read import read_texts
    from planparse.reuse.detect import table_chunks
    from planparse.reuse.store import UnitStore, store_fingerprints
    from planparse.reuse.units import LEVELS, units_by_level

    items = planparse.parse_files([planparse.sample_path()])
    texts = read_texts(planparse.sample_path())
    built = units_by_level(items, texts, LEVELS, 30, simplified=True)
    store = UnitStore.build(table_chunks(items, texts, 9), tmp_path, 4, 30, True, LEVELS)
    for chunk in store.chunks:
        store_fingerprints(chunk.path, [], 39, 12)
    names = list(dict.fromkeys(items.doc_id))
    docs = {doc.name: doc for doc in store.index().docs(list(range(len(names))))}
    assert list(docs) == names
    for level in LEVELS:
        assert store.count(level) == len(built[level]) > 0
        for unit in built[level]:
            doc = docs[unit.doc]
            level_rows = doc.units[:, 0] == LEVELS.index(level)
            (row,) = np.flatnonzero((doc.keys == unit.key) & level_rows)
            _, plan, lo, hi = doc.units[row].tolist()
            assert plan == unit.plan
            assert doc.codes[lo:hi].tolist() == unit.text.codes.tolist()
            assert doc.offsets[lo:hi].tolist() == unit.text.offsets.tolist()


NESTED = (
    "一、加强组织建设\n（一）完善基层组织网络\n"
    "1.在各村各社区设立妇女小组，由妇女小组长负责联系本组妇女，做到有事能找到人、妇女有事能找到组织。\n"
    "2.积极开展执委培训，每年举办两期执委培训班，帮助执委熟悉工作职责，提高联系服务妇女的能力。\n"
    "（二）推进阵地建设\n"
    "1.整合村级活动场所建设妇女之家，做到有场所、有牌子、有制度、有活动，年内实现全覆盖。\n"
    "2.依托妇女之家开展议事协商，每季度召开一次妇女议事会，收集妇女群众的意见和建议。\n"
)


JOBS = (
    "二、推进就业创业\n"
    "（一）组织技能培训。联合人社部门举办家政、电商、手工编织培训班六期，培训农村妇女三百人次，推荐就业一百人。\n"
    "（二）落实创业贷款。为有创业意愿的妇女申请创业担保贷款，建立跟踪服务台账，帮助解决资金、技术和销售难题。\n"
    "（三）培育巾帼品牌。扶持十家妇女创办的合作社和家庭农场，组织参加农产品展销会，拓宽线上线下销售渠道。\n"
    "（四）开展岗位对接。每季度举办一次女性专场招聘会，邀请本地企业提供适合妇女的灵活就业岗位。\n"
)
RIGHTS = (
    "一、开展维权服务\n"
    "（一）深化普法宣传。利用三八维权周集中宣传妇女权益保障法和反家庭暴力法，发放宣传资料，接受法律咨询。\n"
    "（二）化解矛盾纠纷。联合司法所排查婚姻家庭纠纷，对发现的问题逐一登记、逐件化解，帮助困难妇女申请法律援助。\n"
    "（三）关爱困境妇女。走访慰问单亲困难母亲和留守妇女，建立帮扶档案，落实结对帮扶责任人。\n"
    "（四）畅通信访渠道。公开维权热线，安排专人接听来电，做到件件有登记、事事有回音。\n"
)


@pytest.mark.parametrize("batch, chars", [(1, 10**9), (3, 10**9), (1024, 10**9), (1024, 500)])
def test_a_nested_pair_is_left_out_whatever_the_verification_batches(batch, chars):
    """A copied section holds copied sub-sections (sections too): only the outer pair is
    reported, also when the inner pairs are verified in other batches than the outer one
    (it fails if batches are merged without checking what the larger pairs cover)."""
    from planparse.reuse import detect

    texts = {
        "a.txt": "甲县妇联工作计划\n" + NESTED + JOBS,
        "b.txt": "乙县妇联工作要点\n" + RIGHTS + "二、" + NESTED[2:],
    }
    with patch.object(detect, "VERIFY_BATCH", batch), patch.object(detect, "VERIFY_CHARS", chars):
        pairs = run(texts)
    assert pairs[["a_item", "b_item", "unit"]].values.tolist() == [
        ["a.txt#1/1", "b.txt#1/2", "section"]
    ]


def test_pairs_verified_in_small_batches_equal_the_pairs_verified_at_once(sample_pairs):
    """Batches are verified apart and merged largest first, in several processes."""
    from planparse.reuse import detect

    items, whole = sample_pairs
    with patch.object(detect, "VERIFY_BATCH", 3):
        pd.testing.assert_frame_equal(
            find_duplicates(items, texts=planparse.sample_path(), n_jobs=2), whole
        )


def test_a_workdir_used_twice_holds_each_search_own_units(tmp_path):
    """A folder given again must not serve the first search's units to the second (its
    files are overwritten, never looked up by what is there)."""
    from planparse.reuse import find_duplicates_by_chunk

    first = {"a.txt": "甲社区工作计划\n" + BODY, "b.txt": "乙社区工作计划\n" + BODY}
    second = {"c.txt": "丙社区工作计划\n" + OTHER, "d.txt": "丁社区工作计划\n" + OTHER}

    def chunks(texts):
        return [(planparse.parse(t, doc_id=d).to_frame(), {d: t}) for d, t in texts.items()]

    find_duplicates_by_chunk(chunks(first), workdir=tmp_path)
    again = find_duplicates_by_chunk(chunks(second), workdir=tmp_path)
    pd.testing.assert_frame_equal(again, find_duplicates_by_chunk(chunks(second)))
    assert set(again.a_doc) | set(again.b_doc) == {"c.txt", "d.txt"}
