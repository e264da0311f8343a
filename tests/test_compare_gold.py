"""The gold alignments for planparse.diff and the scorer of planparse.diff.evaluate."""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import planparse
from planparse.diff import CHANGE_KINDS, compare
from planparse.diff import evaluate as ev
from planparse.io.extract import chinese_numeral

#: The gold sets of real annotated pairs (every set but the planted sample).
REAL_SETS = [name for name in ev.GOLD_SETS if name != "sample"]

MATCHED = {"kept", "rewritten", "moved", "merged", "split"}


def _check_pair(pair: ev.GoldPair) -> None:
    """Offsets inside the text and inside a parsed item; every gold item a parsed item; the
    empty side agrees with the kind."""
    plan_a, plan_b = ev.plan_rows(pair.a_path), ev.plan_rows(pair.b_path)
    len_a = len(planparse.read_text(pair.a_path))
    len_b = len(planparse.read_text(pair.b_path))
    rows = pair.rows
    assert set(rows["change"]) <= set(CHANGE_KINDS)
    assert rows["a_start"].dropna().between(0, len_a - 1).all()
    assert rows["b_start"].dropna().between(0, len_b - 1).all()
    assert (rows["a_start"].isna() == (rows["change"] == "added")).all()
    assert (rows["b_start"].isna() == (rows["change"] == "dropped")).all()
    gold = ev.gold_items(pair, plan_a, plan_b)
    assert gold["a_item_id"].notna().sum() == rows["a_start"].notna().sum(), (
        "an offset outside items"
    )
    assert gold["b_item_id"].notna().sum() == rows["b_start"].notna().sum(), (
        "an offset outside items"
    )
    from planparse.diff.align import _items

    # Every gold item is a parsed item.  The parser of issue 16 also cuts inline pieces
    # (一是…二是…) out of some gold paragraphs of the national reports; those pieces are not
    # in the gold, and a match the method makes between two of them counts against it.
    assert set(gold["a_item_id"].dropna()) <= set(_items(plan_a)["item_id"])
    assert set(gold["b_item_id"].dropna()) <= set(_items(plan_b)["item_id"])
    one_to_one = gold[gold["change"].isin({"kept", "rewritten", "moved"})]
    assert not one_to_one["a_item_id"].duplicated().any()
    assert not one_to_one["b_item_id"].duplicated().any()


def _sha_matches(ref: str, path) -> bool:
    name = ref.rpartition("/")[2]
    return path.name == name or hashlib.sha256(path.read_bytes()).hexdigest()[:16] == name


def test_sample_gold_resolves_and_covers_every_item():
    pairs = ev.load_gold("sample")
    assert [p.pair for p in pairs] == [
        "sample-fengan-2011-2012",
        "sample-donghu-2017-2018",
        "sample-baiyan-2018-2019",
    ]
    for pair in pairs:
        _check_pair(pair)


@pytest.mark.parametrize("name", REAL_SETS)
def test_real_gold_resolves_by_hash_and_covers_every_item(shared_corpus, name):
    roots = (ev.DEFAULT_ROOTS[0], shared_corpus)
    pairs = ev.load_gold(name, roots)
    assert len(pairs) == {"national": 3, "national-held-out": 2, "hailar": 2}[name]
    for pair in pairs:
        assert _sha_matches(pair.rows["a_doc"].iat[0], pair.a_path)
        assert _sha_matches(pair.rows["b_doc"].iat[0], pair.b_path)
        _check_pair(pair)


def test_gold_sets_are_big_enough_and_hailar_is_evaluation_only():
    tables = {name: pd.read_csv(ev.GOLD_DIR / f"{name}.tsv", sep="\t") for name in ev.GOLD_SETS}
    development = pd.concat([tables["sample"], tables["national"]])
    assert development["pair"].nunique() >= 6
    assert development["change"].isin(MATCHED).sum() >= 200
    assert ev.EVALUATION_ONLY == {"hailar"}
    assert "evaluation only" in (ev.GOLD_DIR / "FORMAT.md").read_text(encoding="utf-8")


def test_references_name_documents_never_text():
    for name in ev.GOLD_SETS:
        table = pd.read_csv(ev.GOLD_DIR / f"{name}.tsv", sep="\t")
        assert list(table.columns) == ["pair", "a_doc", "b_doc", "a_start", "b_start", "change"]
        real = pd.concat([table["a_doc"], table["b_doc"]])
        real = real[~real.str.startswith("sample/")]
        assert real.str.fullmatch(r"[\w-]+/[0-9a-f]{16}").all()


def test_resolve_leaves_out_pairs_whose_documents_are_absent(tmp_path):
    assert ev.load_gold("national", roots=(tmp_path,)) == []
    assert len(ev.load_gold("sample", roots=(ev.DEFAULT_ROOTS[0],))) == 3


def _sample_gold():
    pair = ev.load_gold("sample")[1]
    plan_a, plan_b = ev.plan_rows(pair.a_path), ev.plan_rows(pair.b_path)
    return ev.gold_items(pair, plan_a, plan_b)


def test_score_is_perfect_on_the_gold_itself():
    gold = _sample_gold()
    figures = ev.score(gold, gold)
    assert figures["precision"] == figures["recall"] == figures["f1"] == 1.0
    assert figures["kind_accuracy"] == 1.0


def test_score_drops_for_a_perturbed_prediction():
    gold = _sample_gold()
    matched = gold.index[gold["change"] == "kept"]
    swapped = gold.copy()
    first, second = matched[0], matched[1]
    swapped.loc[[first, second], "b_item_id"] = gold.loc[[second, first], "b_item_id"].to_numpy()
    figures = ev.score(gold, swapped)
    n_pairs = len(matched)
    assert figures["true_pairs"] == n_pairs - 2
    assert figures["precision"] == pytest.approx((n_pairs - 2) / n_pairs)
    assert figures["kind_accuracy"] == pytest.approx(1 - 2 / len(gold))
    relabeled = gold.assign(change=gold["change"].replace({"kept": "moved"}))
    figures = ev.score(gold, relabeled)
    assert figures["f1"] == 1.0
    assert figures["kind_accuracy"] == pytest.approx(1 - n_pairs / len(gold))


def _plans(lines_a: list[str], lines_b: list[str]):
    def plan(lines, doc):
        text = "".join(
            f"{chinese_numeral(k + 1)}、{t}\n" for k, t in enumerate(lines)
        )
        return planparse.parse(text, doc_id=doc).to_frame()

    return plan(lines_a, "a"), plan(lines_b, "b")


def test_difflib_baseline_pairs_replaced_lines_only_when_similar():
    a, b = _plans(
        ["开展家风建设活动", "举办创业培训班", "走访慰问困难妇女"],
        ["开展家风建设活动", "举办创业技能培训班", "成立妇女维权站"],
    )
    rows = ev.difflib_baseline(a, b)
    assert rows["change"].value_counts().to_dict() == {
        "kept": 1,
        "rewritten": 1,
        "dropped": 1,
        "added": 1,
    }


def test_tfidf_baseline_is_greedy_by_cosine():
    a, b = _plans(
        ["开展家风建设活动", "举办创业培训班"],
        ["举办创业培训班", "开展家风建设活动", "成立妇女维权站"],
    )
    rows = ev.tfidf_baseline(a, b)
    pairs = rows.dropna()
    assert len(pairs) == 2 and set(pairs["change"]) == {"kept"}
    assert rows["change"].tolist().count("added") == 1


def test_planted_sample_copies_are_aligned_perfectly():
    results = [ev.evaluate_pair(pair) for pair in ev.load_gold("sample")]
    figures = ev.pool(r["planparse.compare"] for r in results)
    assert figures["f1"] == 1.0 and figures["kind_accuracy"] == 1.0


@pytest.fixture(scope="module")
def development_scores(shared_corpus):
    pairs = ev.load_gold("sample") + ev.load_gold("national", (ev.DEFAULT_ROOTS[0], shared_corpus))
    results = [ev.evaluate_pair(pair) for pair in pairs]
    return {method: ev.pool(r[method] for r in results) for method in results[0]}


@pytest.mark.slow
def test_compare_beats_difflib_on_real_pairs(development_scores):
    assert development_scores["planparse.compare"]["f1"] > development_scores["difflib lines"]["f1"]


def test_compare_beats_both_baselines_by_far(development_scores):
    # The targets (F1 0.90, kinds 0.85) are not met: docs/changes.md gives the
    # figures.  This guards what is: far above both one-to-one baselines.
    ours = development_scores["planparse.compare"]
    for baseline in ("tfidf greedy", "difflib lines"):
        assert ours["f1"] >= development_scores[baseline]["f1"] + 0.3
        assert ours["kind_accuracy"] >= development_scores[baseline]["kind_accuracy"] + 0.3
    assert ours["f1"] >= 0.78 and ours["kind_accuracy"] >= 0.65


def test_compare_rows_key_the_same_items_as_the_gold():
    pair = ev.load_gold("sample")[2]
    plan_a, plan_b = ev.plan_rows(pair.a_path), ev.plan_rows(pair.b_path)
    predicted = compare(plan_a, plan_b)
    gold = ev.gold_items(pair, plan_a, plan_b)
    assert set(predicted["a_item_id"].dropna()) == set(gold["a_item_id"].dropna())


@pytest.mark.parametrize("annotator", ev.ANNOTATORS)
@pytest.mark.parametrize("name", REAL_SETS)
def test_each_blind_annotation_covers_every_real_pair_and_every_item(
    shared_corpus, name, annotator
):
    roots = (ev.DEFAULT_ROOTS[0], shared_corpus)
    pairs = ev.load_gold(ev.annotation_file(name, annotator), roots)
    assert [p.pair for p in pairs] == [p.pair for p in ev.load_gold(name, roots)]
    for pair in pairs:
        _check_pair(pair)


@pytest.mark.parametrize("name", REAL_SETS)
def test_the_gold_was_adjudicated_from_the_two_annotations(shared_corpus, name):
    """Every match both annotators made is in the gold, and every gold match was made by
    at least one of them: the adjudicator settled the disputed matches and nothing else."""
    roots = (ev.DEFAULT_ROOTS[0], shared_corpus)
    first, second = (
        {p.pair: p for p in ev.load_gold(ev.annotation_file(name, who), roots)}
        for who in ev.ANNOTATORS
    )
    for gold in ev.load_gold(name, roots):
        a, b = ev.plan_rows(gold.a_path), ev.plan_rows(gold.b_path)
        ours = ev._matches(ev.gold_items(gold, a, b))
        one = ev._matches(ev.gold_items(first[gold.pair], a, b))
        two = ev._matches(ev.gold_items(second[gold.pair], a, b))
        assert one & two <= ours <= one | two
        assert len(ours - (one & two)) > 0  # some disputed matches were accepted


def test_sure_and_possible_matches_are_scored_apart():
    gold = _sample_gold()
    kept = gold[gold["change"] == "kept"]
    a_only, b_only = gold[gold["b_item_id"].isna()], gold[gold["a_item_id"].isna()]
    # The second annotator also matched one item the first left dropped with one left added.
    extra = pd.DataFrame(
        {
            "a_item_id": [a_only["a_item_id"].iat[0]],
            "b_item_id": [b_only["b_item_id"].iat[0]],
            "change": ["rewritten"],
        }
    )
    second = pd.concat([kept, extra], ignore_index=True)
    # A prediction with that match and all but one sure match:
    guess = pd.concat([kept.iloc[1:], extra], ignore_index=True)
    both = ev.score(gold, guess, second)
    assert both["precision"] == 1.0  # a possible match is no false match
    assert both["true_pairs"] == len(kept) - 1 and both["recall"] < 1.0  # a sure one missed
    # Against the first annotator alone the same match is a false one.
    assert ev.score(gold, guess)["precision"] < 1.0
    # A match neither annotator made still costs precision.
    wrong = extra.assign(b_item_id=[kept["b_item_id"].iat[0]])
    assert ev.score(gold, pd.concat([kept, wrong]), second)["precision"] < 1.0
    # Kinds are scored on the rows both annotators gave the same kind: the kept rows.
    assert ev.score(gold, kept, second)["gold_rows"] == len(kept)


def test_annotators_agree_better_than_the_method_matches_either(shared_corpus):
    """What docs/changes.md rests on: under the settled rule two blind annotators agree at
    match F1 0.86 or more on every real pair, and planparse.compare stays below that."""
    roots = (ev.DEFAULT_ROOTS[0], shared_corpus)
    for name in REAL_SETS:
        table = ev.agreement(name, roots)
        assert table.groupby("pair").size().eq(3).all()
        rows = table.set_index(["pair", "comparison"])["f1"]
        for pair in table["pair"].unique():
            humans = rows[(pair, "second annotator vs first")]
            assert humans >= 0.86
            assert rows[(pair, "planparse.compare vs first")] < humans


@pytest.mark.parametrize("who", [None, *ev.ANNOTATORS])
@pytest.mark.parametrize("name", REAL_SETS)
def test_annotated_kinds_follow_the_methods_fold(shared_corpus, name, who):
    from planparse.diff.keys import folded_text

    source = name if who is None else ev.annotation_file(name, who)
    for pair in ev.load_gold(source, (ev.DEFAULT_ROOTS[0], shared_corpus)):
        a, b = ev.plan_rows(pair.a_path), ev.plan_rows(pair.b_path)
        text_a, text_b = dict(zip(a["start"], a["text"])), dict(zip(b["start"], b["text"]))
        one_to_one = pair.rows[pair.rows["change"].isin({"kept", "rewritten"})]
        for start_a, start_b, change in one_to_one[["a_start", "b_start", "change"]].itertuples(
            index=False
        ):
            same = folded_text(text_a[int(start_a)]) == folded_text(text_b[int(start_b)])
            assert change == ("kept" if same else "rewritten")


@pytest.mark.parametrize("annotator", ["annotator_a", "annotator_b"])
def test_annotations_under_the_sharpened_rule_cover_every_item(shared_corpus, annotator):
    path = ev.GOLD_DIR / "earlier" / "ruled" / annotator / "national.tsv"
    pairs = ev.load_gold(path, (ev.DEFAULT_ROOTS[0], shared_corpus))
    assert [pair.pair for pair in pairs] == ["national-2014-2015"]
    _check_pair(pairs[0])


def _rederived(path, pair: ev.GoldPair) -> list[tuple]:
    """The rows the gold's tool derives from the matches of one gold pair."""
    import annotate_pair

    matches = annotate_pair.annotated_matches(path, pair.pair)
    items_a, items_b = (annotate_pair.compared_items(p) for p in (pair.a_path, pair.b_path))
    return [
        (str(a), str(b), kind) for a, b, kind in annotate_pair.gold_rows(matches, items_a, items_b)
    ]


def _stored(pair: ev.GoldPair) -> list[tuple]:
    cells = pair.rows[["a_start", "b_start"]].astype(object).where(pair.rows.notna(), "")
    return [(str(a), str(b), kind) for (a, b), kind in zip(cells.values, pair.rows["change"])]


def test_the_sample_golds_kinds_follow_the_shared_rule():
    for pair in ev.load_gold("sample"):
        assert sorted(_rederived(ev.GOLD_DIR / "sample.tsv", pair)) == sorted(_stored(pair))


@pytest.mark.parametrize("who", [None, *ev.ANNOTATORS])
@pytest.mark.parametrize("name", REAL_SETS)
def test_the_real_golds_kinds_follow_the_shared_rule(shared_corpus, name, who):
    """Every stored kind is what ``link_kinds`` (the rule compare() applies) gives the
    stored matches: `annotate_pair.py rekind` was run after the rule last changed."""
    path = ev.GOLD_DIR / f"{name}.tsv" if who is None else ev.annotation_file(name, who)
    for pair in ev.load_gold(path, (ev.DEFAULT_ROOTS[0], shared_corpus)):
        assert sorted(_rederived(path, pair)) == sorted(_stored(pair))


def test_compare_names_its_matches_as_the_golds_tool_would(shared_corpus):
    """compare()'s kinds are the gold tool's kinds of compare()'s own matches."""
    import annotate_pair

    for pair in ev.load_gold("national", (ev.DEFAULT_ROOTS[0], shared_corpus)):
        plan_a, plan_b = ev.plan_rows(pair.a_path), ev.plan_rows(pair.b_path)
        rows = compare(plan_a, plan_b)
        items_a, items_b = (annotate_pair.compared_items(p) for p in (pair.a_path, pair.b_path))
        start_a = dict(zip(items_a["item_id"], items_a["start"]))
        start_b = dict(zip(items_b["item_id"], items_b["start"]))
        matched = rows.dropna(subset=["a_item_id", "b_item_id"])
        ours = {
            (int(start_a[a]), int(start_b[b])): kind
            for a, b, kind in zip(matched["a_item_id"], matched["b_item_id"], matched["change"])
        }
        theirs = annotate_pair.gold_rows(sorted(ours), items_a, items_b)
        assert {(a, b): kind for a, b, kind in theirs if a != "" and b != ""} == ours


def _longest_chain_reference(pairs: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The O(n^2) longest order-preserving chain, earliest in A on a tie (the gold tool's
    former code), as the reference of the O(n log n) one."""
    pairs = sorted(pairs)
    longest = [1] * len(pairs)  # the longest chain starting at each pair
    for i in range(len(pairs) - 1, -1, -1):
        for j in range(i + 1, len(pairs)):
            if pairs[i][0] < pairs[j][0] and pairs[i][1] < pairs[j][1]:
                longest[i] = max(longest[i], longest[j] + 1)
    chosen: list[tuple[int, int]] = []
    need = max(longest, default=0)
    for i, pair in enumerate(pairs):
        follows = not chosen or (chosen[-1][0] < pair[0] and chosen[-1][1] < pair[1])
        if longest[i] == need and follows:
            chosen.append(pair)
            need -= 1
    return set(chosen)


@settings(max_examples=200, deadline=None)
@given(st.permutations(range(12)), st.integers(0, 12))
def test_the_longest_order_kept_is_the_quadratic_references(order, size):
    from planparse.diff.align import longest_order_kept

    pairs = list(enumerate(order[:size]))  # one to one: each A item, each B item once
    assert longest_order_kept(pairs) == _longest_chain_reference(pairs)
