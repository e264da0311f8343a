"""corpus/tools/fit_carryover.py: which pairs it trains on and how it picks the threshold."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from planparse.diff import evaluate as ev


def test_training_leaves_out_evaluation_only_pairs_and_takes_any_other(shared_corpus, tmp_path):
    import fit_carryover

    national = pd.read_csv(ev.GOLD_DIR / "national.tsv", sep="\t", dtype=str)
    renamed = national.assign(pair="new-genre-" + national["pair"])  # a new training set
    path = tmp_path / "new.tsv"
    renamed.to_csv(path, sep="\t", index=False)
    pairs = fit_carryover.training_pairs(["hailar", str(path)])
    assert sorted(p.pair for p in pairs) == sorted(set(renamed["pair"]))
    hailar = pd.read_csv(ev.GOLD_DIR / "hailar.tsv", sep="\t", dtype=str)
    disguised = tmp_path / "disguised.tsv"  # 海拉尔 documents under another set's name
    hailar.assign(pair="district-" + hailar["pair"]).to_csv(disguised, sep="\t", index=False)
    assert fit_carryover.training_pairs([str(disguised)]) == []


@pytest.mark.slow
def test_write_ships_the_leave_one_pair_out_threshold_and_the_nested_figures(tmp_path):
    import fit_carryover

    out = tmp_path / "weights.json"
    fit_carryover.main(["--gold", "sample", "--write", "--out", str(out)])
    written = json.loads(out.read_text("utf-8"))
    folds = fit_carryover.Folds(ev.load_gold("sample"), 1.0)
    chosen, pooled = folds.choose_threshold([p.pair for p in folds.pairs])
    assert written["threshold"] == chosen
    about = written["about"]
    assert about["leave_one_pair_out"]["f1"] == round(pooled[chosen]["f1"], 3)
    nested, thresholds = folds.nested()
    assert set(thresholds) == {p.pair for p in folds.pairs}
    assert set(thresholds.values()) <= set(fit_carryover.THRESHOLDS)
    assert about["nested_leave_one_pair_out"]["f1"] == round(nested["f1"], 3)


def test_write_refuses_fewer_than_three_training_pairs(tmp_path):
    import fit_carryover

    sample = pd.read_csv(ev.GOLD_DIR / "sample.tsv", sep="\t", dtype=str)
    path = tmp_path / "two.tsv"
    sample[sample["pair"] != sample["pair"].iat[0]].to_csv(path, sep="\t", index=False)
    with pytest.raises(SystemExit, match="at least 3"):
        fit_carryover.main(["--gold", str(path), "--write", "--out", str(tmp_path / "w.json")])
    assert not (tmp_path / "w.json").exists()
