"""Plan metadata inferred from titles, file names and opening lines; plans.tsv overrides."""

from __future__ import annotations

import sys

import pandas as pd
import pytest
from conftest import ROOT

from planparse.metadata import infer_metadata, infer_plan, merged_metadata, year_of

sys.path.insert(0, str(ROOT / "benchmarks"))


@pytest.mark.parametrize(
    ("title", "year", "level", "issuer_type", "place"),
    [
        ("青山镇石桥村妇联2019年工作计划", "2019", "村", "妇联", "青山镇石桥村"),
        ("东城街道幸福社区婦聯二〇二一年工作計劃", "2021", "社区", "妇联", "东城街道幸福社区"),
        ("绿水县实验小学女教职工委员会工作要点", "", "单位", "女职工委员会", "绿水县实验小学"),
        ("2020年乡镇妇联工作计划", "2020", "乡镇", "妇联", ""),
        ("白云区妇女儿童工作委员会2018年工作要点", "2018", "区", "妇儿工委", "白云区"),
        ("共青团红星县委员会工作总结", "", "县", "团委", ""),
    ],
)
def test_fields_are_read_from_the_title(title, year, level, issuer_type, place):
    row = infer_plan("x.txt", title)
    assert (row["year"], row["level"], row["issuer_type"], row["place"]) == (
        year,
        level,
        issuer_type,
        place,
    )
    assert row["issuer_type_source"] == "title"


@pytest.mark.parametrize(
    "title", ["xx社区妇联20xx年工作计划", "××村妇代会20××年工作要点", "某某镇妇联二〇xx年工作计划"]
)
def test_placeholders_mean_unknown_never_a_guess(title):
    row = infer_plan("范文.txt", title)
    assert row["year"] == "" and row["year_source"] == "placeholder"
    assert row["place"] == "" and row["place_source"] == "placeholder"
    assert row["level"] != ""  # the level word itself is written out


def test_a_placeholder_title_falls_back_to_the_file_name_only_where_it_names_the_value():
    row = infer_plan("2016_河口镇_乡镇妇联_工作计划.txt", "xx镇妇联20xx年工作计划")
    assert (row["year"], row["year_source"]) == ("2016", "file name")
    assert (row["place"], row["place_source"]) == ("河口镇", "file name")


def test_date_stamps_of_posting_are_not_plan_years():
    assert year_of("时间:2022-10-13 11:09") == ("", "")
    assert year_of("发布于 24.11.2014") == ("", "")
    assert year_of("2023年度计划") == ("2023", "")


def test_opening_lines_are_the_last_resort():
    row = infer_plan("0001.txt", "", "首页 > 工作计划\n2024年街道妇联工作计划\n一、指导思想")
    assert (row["year"], row["level"], row["issuer_type"]) == ("2024", "街道", "妇联")
    assert row["year_source"] == "opening"


def test_plans_tsv_overrides_and_tables_are_strings():
    items = pd.DataFrame(
        {
            "doc_id": ["2019_甲县_县妇联_工作计划.txt", "乙.txt"],
            "plan_no": [1, 1],
            "plan_title": ["", "乙村妇联工作计划"],
            "kind": ["item", "item"],
            "text": ["一、学习", "二、服务"],
        }
    )
    inferred = infer_metadata(items)
    given = pd.DataFrame(
        {"file": ["乙.txt"], "plan_no": ["1"], "year": ["2011"], "region": ["华东"]}
    )
    merged = merged_metadata(inferred, given)
    assert merged["year"].tolist() == ["2019", "2011"]
    assert merged["year_source"].tolist() == ["file name", "plans.tsv"]
    assert merged["region"].fillna("").tolist() == ["", "华东"]
    assert {str(merged[c].dtype) for c in merged.columns if c != "plan_no"} == {"string"}


def test_accuracy_on_the_sample_against_its_plans_tsv():
    from metadata_accuracy import sample_scores

    scores = sample_scores().set_index("field")
    assert (scores["wrong"] == 0).all()  # measured: 0 wrong values in every field
    assert scores.loc["year", "accuracy"] >= 0.97  # the 2 misses are compilation 20xx plans
    assert scores.loc[["level", "issuer_type", "place"], "accuracy"].min() == 1.0


@pytest.mark.shared
def test_accuracy_on_fifty_hand_checked_web_pages(shared_corpus):
    from metadata_accuracy import gold_scores

    scores = gold_scores(shared_corpus).set_index("field")
    assert scores["plans"].eq(50).all()
    # measured: year 0.92, level 0.68, issuer type 0.92 (benchmarks/metadata_accuracy.py)
    assert scores.loc["year", "accuracy"] >= 0.9 and scores.loc["issuer_type", "accuracy"] >= 0.9
    assert scores.loc["level", "accuracy"] >= 0.65


@pytest.mark.slow
def test_analyze_without_plans_tsv_compares_every_year_the_files_name(tmp_path):
    import shutil

    import planparse
    from planparse.pipeline import analyze

    archive = tmp_path / "archive"
    archive.mkdir()
    chosen = sorted(p for p in planparse.sample_path().glob("20*.txt"))[::8]
    for path in chosen:
        shutil.copy(path, archive / path.name)
    summary = analyze([archive], tmp_path / "out", quiet=True)
    years = pd.read_csv(tmp_path / "out" / "themes" / "domain_shares_by_year.csv", dtype=str)
    assert set(years["year"]) == {p.name[:4] for p in chosen}
    meta = pd.read_csv(tmp_path / "out" / "metadata.csv", dtype=str, keep_default_na=False)
    assert set(meta.loc[meta.plan_no != "0", "year_source"]) == {"title"}
    assert (tmp_path / "out" / "themes" / "domain_shares_by_level.csv").is_file()
    assert summary["metadata"]["year"] == summary["metadata"]["plans"] == len(chosen)
    assert not (tmp_path / "out" / "chunks").exists()  # working folder removed (no --keep-work)


def test_progress_is_a_status_line_on_stderr_off_a_terminal_and_quiet_silences_it(capsys):
    from planparse.progress import Progress, stage

    with Progress(4, "parse + tag", every=0) as bar:
        bar.update(2)
        bar.update(2)
    with stage("themes", every=0.01):
        import time

        time.sleep(0.05)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "planparse: parse + tag: 2/4 files (50%), 0 s"
    assert lines[-1].startswith("planparse: themes done in")
    assert any(line.startswith("planparse: themes, 0 s") for line in lines)
    with Progress(4, "x", quiet=True) as bar, stage("y", quiet=True):
        bar.update(4)
    assert capsys.readouterr().err == ""
