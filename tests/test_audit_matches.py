"""corpus/tools/audit_matches.py and the stored blind audit of the change gold."""

from __future__ import annotations

import pandas as pd
import pytest

from planparse.diff import evaluate as ev

AUDIT = ev.GOLD_DIR / "audit"


def test_every_question_is_judged_by_every_judge_with_a_valid_verdict():
    import audit_matches

    sample = pd.read_csv(AUDIT / "pairs.tsv", sep="\t")
    judged = audit_matches.judgments()
    assert list(judged.columns) == ["x", "y"]
    assert set(judged.index) == set(sample["id"])
    for path in AUDIT.glob("judge_*.tsv"):
        verdicts = pd.read_csv(path, sep="\t", dtype=str)
        assert set(verdicts["verdict"]) == {"match", "no"}
        assert list(verdicts.columns) == ["id", "verdict", "confidence"]  # no text stored


def test_the_sample_holds_the_quota_and_no_evaluation_only_pair():
    import audit_matches

    sample = pd.read_csv(AUDIT / "pairs.tsv", sep="\t")
    assert sample["stratum"].value_counts().to_dict() == audit_matches.QUOTA
    assert not sample["pair"].str.startswith(tuple(ev.EVALUATION_ONLY)).any()
    assert set(sample["pair"].str.rsplit("-", n=2).str[0]) == {"national"}


def test_judged_figures_take_the_judges_shares_as_the_truth():
    import audit_matches

    shares = pd.Series({"TP": 1.0, "FP": 0.5, "FN": 0.5, "NEAR": 0.0})
    sizes = pd.Series({"TP": 60, "FP": 40, "FN": 40, "NEAR": 1000})
    figures = audit_matches.judged_figures(shares, sizes)
    assert figures["precision"] == pytest.approx(80 / 100)  # 60 + 20 of 100 found are true
    assert figures["recall"] == pytest.approx(80 / 100)  # of 60 + 20 + 20 true matches


def test_acceptance_counts_each_stratum_for_each_judge_and_both():
    import audit_matches

    sample = pd.DataFrame({"id": ["q0", "q1", "q2"], "stratum": ["FP", "FP", "TP"]})
    judged = pd.DataFrame(
        {"x": [True, False, True], "y": [True, True, True]}, index=["q0", "q1", "q2"]
    )
    shares = audit_matches.acceptance(sample, judged)
    assert shares.loc["FP", ["x", "y", "both", "either", "questions"]].tolist() == [
        0.5,
        1.0,
        0.5,
        1.0,
        2,
    ]


def test_each_reference_names_the_item_that_starts_there(shared_corpus):
    sample = pd.read_csv(AUDIT / "pairs.tsv", sep="\t")
    for (a_doc, b_doc), rows in sample.groupby(["a_doc", "b_doc"]):
        for doc, starts in ((a_doc, rows["a_start"]), (b_doc, rows["b_start"])):
            items = ev.plan_rows(ev.resolve(doc))
            named = [ev.item_at(items, int(s)) for s in starts]
            by_id = items.set_index("item_id")["start"]
            assert [int(by_id[i]) for i in named] == [int(s) for s in starts]


def test_a_judge_is_scored_against_the_gold_over_the_strata():
    import audit_matches

    shares = pd.Series({"TP": 1.0, "FP": 0.5, "FN": 0.5, "NEAR": 0.0})
    sizes = pd.Series({"TP": 60, "FP": 40, "FN": 40, "NEAR": 1000})
    figures = audit_matches.judge_against_gold(shares, sizes)
    assert figures["precision"] == pytest.approx(80 / 100)  # 60 + 20 in the gold, 20 not
    assert figures["recall"] == pytest.approx(80 / 100)  # of the gold's 100
