"""Distinctive terms counted a part at a time and split by word equal those of the whole."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planparse.themes import TermCounts, distinctive_terms, terms_from_counts
from planparse.themes.terms import best_terms, scored_terms

# Phrases in the genre (written for this test); few enough that words and ties repeat.
PHRASES = [
    "法律援助",
    "最美家庭",
    "巾帼创业",
    "妇女议事会",
    "两癌筛查",
    "家庭教育",
    "村妇代会",
    "技能培训",
]

rows = st.lists(
    st.tuples(
        st.lists(st.sampled_from(PHRASES), min_size=0, max_size=4),
        st.sampled_from(["2019", "2020", "2021"]),
        st.sampled_from(["村", "县"]),
    ),
    min_size=1,
    max_size=30,
)


def _table(drawn: list) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "text": ["，".join(words) for words, _, _ in drawn],
            "year": [year for _, year, _ in drawn],
            "level": [level for _, _, level in drawn],
            "domain": ["维权"] * len(drawn),
        }
    )


def _chunked(table: pd.DataFrame, cuts: list[int]) -> list[pd.DataFrame]:
    bounds = [0, *sorted({c % (len(table) + 1) for c in cuts}), len(table)]
    return [table.iloc[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(rows, st.lists(st.integers(0, 30), max_size=4), st.integers(1, 5), st.integers(1, 4))
def test_terms_counted_by_chunk_and_partition_equal_the_terms_of_the_whole(
    drawn, cuts, partitions, top
):
    table = _table(drawn)
    parts = [[] for _ in range(partitions)]
    for number, chunk in enumerate(_chunked(table, cuts)):
        counts = TermCounts.of(chunk, ["year", "level"], position=number << 32)
        for held, part in zip(parts, counts.split(partitions)):
            held.append(part)
    added = [TermCounts() for _ in parts]
    for into, held in zip(added, parts):
        for part in held:
            into.add(part)
    for by in ("year", "level"):
        scored = [scored_terms(counts, by, top=top, min_count=1) for counts in added]
        whole = distinctive_terms(table, by=by, top=top, min_count=1)
        pdt.assert_frame_equal(best_terms(scored, top=top), whole)


@settings(max_examples=40, deadline=None)
@given(rows, st.lists(st.integers(0, 30), max_size=4))
def test_counts_of_the_parts_added_in_order_equal_the_counts_of_the_whole(drawn, cuts):
    table = _table(drawn)
    added = TermCounts()
    for number, chunk in enumerate(_chunked(table, cuts)):
        added.add(TermCounts.of(chunk, ["year"], position=number << 32))
    whole = TermCounts.of(table, ["year"])
    assert added.table("year") == whole.table("year")
    assert list(added.words) == list(whole.words)  # numbered in order of first appearance
    assert added.group_sizes("year").tolist() == whole.group_sizes("year").tolist()


def test_a_group_without_words_still_gets_its_row_of_terms():
    table = _table([(["法律援助"] * 3, "2019", "村"), ([], "2020", "县")])
    terms = distinctive_terms(table, by="year", min_count=1)
    assert terms.group.tolist() == ["2019", "2020"]
    assert terms.loc[terms.group == "2020", "count"].tolist() == [0]


def test_the_prior_uses_every_word_not_only_the_reported_ones():
    common = [(["法律援助"] * 3, "2019", "村"), (["最美家庭"] * 3, "2020", "县")]
    rare = [(["巾帼创业"], "2019", "村")]  # below min_count: not reported, still counted
    with_rare = distinctive_terms(_table(common + rare), by="year", min_count=3)
    without = distinctive_terms(_table(common), by="year", min_count=3)
    assert with_rare.term.tolist() == without.term.tolist()
    assert not with_rare.z.equals(without.z)


def test_counts_added_in_many_parts_are_summed_exactly():
    table = _table([([p], year, "村") for p in PHRASES for year in ("2019", "2020")] * 3)
    added = TermCounts()
    for number, chunk in enumerate(_chunked(table, list(range(0, 48, 2)))):
        added.add(TermCounts.of(chunk, ["year"], position=number << 32))
        added._summed_cells()  # as if every part went past the threshold
    pdt.assert_frame_equal(terms_from_counts(added, "year"), distinctive_terms(table, by="year"))


@pytest.mark.parametrize("parts", [1, 3])
def test_a_word_is_in_the_same_partition_from_any_chunk(parts):
    one = TermCounts.of(_table([(["法律援助", "家庭教育"], "2019", "村")]), ["year"])
    two = TermCounts.of(_table([(["家庭教育"], "2020", "县")]), ["year"])
    where = [
        {w: n for n, part in enumerate(counts.split(parts)) for w in part.words}
        for counts in (one, two)
    ]
    assert where[0]["家庭教育"] == where[1]["家庭教育"]


def test_counts_by_other_groupings_are_not_added():
    table = _table([(["法律援助"], "2019", "村")])
    with pytest.raises(ValueError, match="cannot be added"):
        TermCounts.of(table, ["year"]).add(TermCounts.of(table, ["level"]))


def test_parts_out_of_order_or_added_to_themselves_are_refused():
    one = TermCounts.of(_table([(["法律援助"], "2019", "村")]), ["year"], position=1 << 32)
    later = TermCounts.of(_table([(["家庭教育"], "2019", "村")]), ["year"], position=0)
    with pytest.raises(ValueError, match="in order"):
        TermCounts().add(one).add(later)  # ties between words would follow the wrong order
    with pytest.raises(ValueError, match="themselves"):
        one.add(one)


def test_a_grouping_not_counted_is_named_in_the_error():
    counts = TermCounts.of(_table([(["法律援助"], "2019", "村")]), ["year"])
    with pytest.raises(KeyError, match="level"):
        terms_from_counts(counts, "level")


def test_pieces_written_to_disk_are_32_bit():
    counts = TermCounts.of(_table([(PHRASES, "2019", "村"), (PHRASES[:3], "2020", "县")]), ["year"])
    assert {piece._summed_cells().dtype for piece in counts.split(3)} == {np.dtype(np.int32)}


def test_each_counted_item_is_segmented_once_and_tagging_never_segments(monkeypatch):
    """One segmentation per item per run: the tagger counts vocabulary words by exact match,
    so jieba runs only when themes count words, once per content row for every grouping."""
    import jieba

    import planparse
    from planparse import themes

    items = planparse.parse_files([sorted(planparse.sample_path().glob("*.txt"))[0]])
    calls = []
    original = jieba.Tokenizer.lcut
    monkeypatch.setattr(
        jieba.Tokenizer, "lcut", lambda self, text, *a, **k: calls.append(text) or original(self, text, *a, **k)
    )
    tagged = planparse.tag(items)
    assert calls == []
    tagged = tagged.assign(year="2019", region="东湖")
    themes.TermCounts.of(tagged, ["year", "region"])
    assert sorted(calls) == sorted(themes.content_rows(tagged)["text"].astype(str))
