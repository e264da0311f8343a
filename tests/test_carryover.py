"""Clause carry-over: the evidence for many-to-many matches between two plans."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import planparse
from planparse.diff import compare
from planparse.diff.align import Settings
from planparse.diff.carryover import (
    CONTEXT,
    FEATURES,
    WEIGHTS_FILE,
    CarryOverScorer,
    PairFeatures,
    carried_pairs,
    clause_keys,
    pair_features,
)

A_PLAN = """一、重点工作
（一）举办农村妇女电商创业培训班三期，帮助二百名妇女掌握网店运营技能。协调小额担保贷款支持返乡妇女创业，推动成立县巾帼电商协会，培育女性致富带头人。
（二）开展寻找最美家庭活动，评选表彰县级最美家庭二十户。组织家风家训征集展示，举办亲子阅读节，推进家庭教育指导服务进社区。
（三）建立妇女儿童维权服务站，配备专职调解员。
"""
# 2019's plan condenses one clause of each of two 2018 tasks into one paragraph (too little of
# either task for the containment of the outline aligner) and drops the third task.
B_PLAN = """一、重点工作
（一）继续举办农村妇女电商创业培训班，帮助五百名妇女掌握网店运营技能；深入开展寻找最美家庭活动，评选表彰县级最美家庭三十户。
（二）组织巾帼志愿者开展敬老助残服务。
"""


def _frames():
    a = planparse.parse(A_PLAN, doc_id="a").to_frame()
    b = planparse.parse(B_PLAN, doc_id="b").to_frame()
    return a, b


def test_clause_keys_drop_figures_years_and_stock_phrases():
    keys = clause_keys("2019年，坚持党建带妇建，培训妇女1,200人次；增长3.5%")
    assert keys == ["培训妇女人次", "增长"]


def test_a_condensed_paragraph_is_merged_from_each_task_it_carries():
    a, b = _frames()
    rows = compare(a, b)

    def kinds_of(words: str) -> list[str]:
        return rows.loc[rows["a_text"].fillna("").str.contains(words), "change"].tolist()

    assert kinds_of("电商创业") == ["merged"]
    assert kinds_of("最美家庭") == ["merged"]
    assert kinds_of("维权服务站") == ["dropped"]
    assert rows.loc[rows["change"] == "added", "b_text"].str.contains("敬老").tolist() == [True]


def test_without_carry_over_a_condensed_task_is_left_dropped():
    a, b = _frames()
    rows = compare(a, b, settings=Settings(carry_over=False))
    matched = rows.dropna(subset=["a_item_id", "b_item_id"])
    assert len(matched[matched["a_text"].str.contains("最美家庭|电商创业")]) < 2


def test_features_are_finite_and_relative_ones_lie_in_the_unit_interval():
    a, b = _frames()
    found = pair_features(list(a["text"]), list(b["text"]))
    assert found.values.shape == (len(found.pairs), len(FEATURES))
    assert np.isfinite(found.values).all()
    relative = [k for k, name in enumerate(FEATURES) if name.endswith("_best")]
    assert relative and (found.values[:, relative] <= 1 + 1e-9).all()
    assert (found.values[:, relative] >= 0).all()


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.text("开展妇女培训家庭维权建设，。", min_size=0, max_size=30), max_size=5),
    st.lists(st.text("开展妇女培训家庭维权建设，。", min_size=0, max_size=30), max_size=5),
)
def test_pairs_are_within_both_plans_and_swap_with_the_plans(texts_a, texts_b):
    found = pair_features(texts_a, texts_b)
    if len(found.pairs):
        assert found.pairs[:, 0].max() < len(texts_a) and found.pairs[:, 1].max() < len(texts_b)
    swapped = pair_features(texts_b, texts_a)
    assert sorted(map(tuple, found.pairs)) == sorted((j, i) for i, j in swapped.pairs)


def test_weights_round_trip_and_refuse_other_features(tmp_path):
    scorer = CarryOverScorer.load()
    path = scorer.save(tmp_path / "weights.json")
    assert CarryOverScorer.load(path) == scorer
    data = json.loads(path.read_text("utf-8"))
    data["features"]["renamed"] = data["features"].pop(FEATURES[0])
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(ValueError, match="other features"):
        CarryOverScorer.load(path)


def test_the_threshold_decides_which_pairs_are_carried():
    a, b = _frames()
    texts_a, texts_b = list(a["text"]), list(b["text"])
    scorer = CarryOverScorer.load()
    everything = carried_pairs(texts_a, texts_b, {}, dataclasses.replace(scorer, threshold=0.0))
    nothing = carried_pairs(texts_a, texts_b, {}, dataclasses.replace(scorer, threshold=1.01))
    assert nothing == {} and len(everything) == len(pair_features(texts_a, texts_b).pairs)


def test_shipped_weights_were_fitted_on_development_pairs_only():
    about = json.loads(WEIGHTS_FILE.read_text("utf-8"))["about"]
    assert about["fitted_on"] and all(p.startswith("national-") for p in about["fitted_on"])


def test_the_view_shows_a_merged_item_once_and_links_back_to_it():
    import re

    from planparse.diff import render_changes

    a, b = _frames()
    page = render_changes(compare(a, b))
    assert page.count("继续举办农村妇女电商创业培训班") == 1
    assert "↑ the same item, above" in page
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_a_pairs_context_is_its_diagonal_neighbours_inside_the_grid():
    # (0, 2)'s next neighbour (1, 3) lies outside B; its code equals that of (2, 0).
    pairs = np.array([[0, 0], [0, 2], [1, 1], [2, 0], [2, 2]])
    found = PairFeatures(pairs, np.zeros((5, len(FEATURES))), (3, 3))
    context = found.context(np.array([0.9, 0.8, 0.3, 0.7, 0.5]))
    assert context[:, 0].tolist() == [0.9, 0.8, 0.3, 0.7, 0.5]
    assert context[2, 1:].tolist() == [0.9, 0.5]  # (0, 0) before, (2, 2) after
    assert context[1, 1:].tolist() == [0.0, 0.0]  # nothing at (-1, 1); (1, 3) is outside
    assert context[3, 1:].tolist() == [0.0, 0.0]  # (1, -1) is outside, (3, 1) too


def test_a_two_pass_scorer_round_trips_and_weighs_its_neighbours(tmp_path):
    scorer = CarryOverScorer.load()
    assert scorer.first is not None and scorer.names == FEATURES + CONTEXT
    assert CarryOverScorer.load(scorer.save(tmp_path / "two.json")) == scorer
    a, b = _frames()
    found = pair_features(list(a["text"]), list(b["text"]))
    first = scorer.first.chances(found)
    assert not np.array_equal(scorer.chances(found), first)
    alone = dataclasses.replace(scorer.first, threshold=scorer.threshold)
    assert CarryOverScorer.load(alone.save(tmp_path / "one.json")).names == FEATURES
