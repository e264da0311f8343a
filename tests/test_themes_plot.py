"""Theme comparison and plots: behaviour, determinism, Chinese glyphs rendered headless."""

from __future__ import annotations

import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

import planparse
from planparse import plot, themes


@pytest.fixture(scope="module")
def tagged():
    items = planparse.parse_files([planparse.sample_path()])
    frame = planparse.tag(items)
    frame.attrs.update(items.attrs)
    return themes.attach_metadata(frame, str(planparse.sample_path() / "plans.tsv"))


def test_metadata_attaches_by_plan(tagged):
    content = tagged[tagged.plan_no > 0]
    assert content.issuer_type.notna().all() and content.year.notna().all()


def test_domain_shares_sum_to_one_with_intervals(tagged):
    shares = themes.domain_shares(tagged, by="issuer_type")
    assert np.allclose(shares.groupby("issuer_type").share.sum(), 1.0)
    assert ((shares.ci_low <= shares.share) & (shares.share <= shares.ci_high)).all()
    by_chars = themes.domain_shares(tagged, by="level", weight="chars")
    assert np.allclose(by_chars.groupby("level").share.sum(), 1.0)
    with pytest.raises(ValueError):
        themes.domain_shares(tagged, by="level", weight="words")


def test_wilson_interval_is_the_textbook_one():
    low, high = themes.wilson(np.array([0.0, 10.0]), np.array([10.0, 10.0]))
    assert low[0] == pytest.approx(0) and high[1] == pytest.approx(1) and 0.27 < high[0] < 0.28


def test_distinctive_terms_find_each_groups_own_words(tagged):
    terms = themes.distinctive_terms(tagged, by="level", top=10)
    words = terms.groupby("group").term.apply(set)
    assert "村" in words["village"] or "本村" in words["village"]
    assert {"女职工", "教师", "女教职工"} & words["unit"]
    assert (terms.groupby("group").z.apply(lambda z: z.is_monotonic_decreasing)).all()


def test_plan_similarity_keeps_copy_similarity_apart(tagged):
    pairs = planparse.find_duplicates(tagged, texts=planparse.sample_path())
    plain = themes.plan_similarity(tagged)
    joined = themes.plan_similarity(tagged, pairs)
    assert plain.shape == (90, 90) and np.allclose(np.diag(joined), 1.0)
    pd.testing.assert_frame_equal(plain, joined)  # the TF-IDF cosine, unchanged
    copy = joined.attrs["copy_similarity"]
    row = pairs.iloc[0]
    a, b = f"{row.a_doc}#{row.a_plan}", f"{row.b_doc}#{row.b_plan}"
    assert copy.at[a, b] == pytest.approx(
        pairs.loc[(pairs.a_doc == row.a_doc) & (pairs.b_doc == row.b_doc), "similarity"].max()
    )
    assert (copy.to_numpy() == 0).mean() > 0.9  # most plans share no copied text


def test_a_plan_without_metadata_is_an_explicit_unknown_group(tagged):
    first = tagged[tagged.plan_no > 0].doc_id.iloc[0]
    missing = tagged.copy()
    missing.loc[missing.doc_id == first, ["level", "year"]] = pd.NA
    shares = themes.domain_shares(missing, by="level")
    assert "unknown" in set(shares.level)
    assert shares.groupby("level").n.sum().sum() == len(themes.content_rows(missing))
    terms = themes.distinctive_terms(missing, by="year", top=5, min_count=1)
    assert "unknown" in set(terms.group)


def test_a_domain_with_no_items_in_a_group_has_share_zero_and_an_interval():
    rows = pd.DataFrame(
        {
            "doc_id": ["a"] * 4 + ["b"] * 4,
            "plan_no": 1,
            "kind": "item",
            "text": "字",
            "domain": ["维权"] * 4 + ["维权", "就业"] * 2,
        }
    )
    shares = themes.domain_shares(rows, by="doc_id").set_index(["doc_id", "domain"])
    assert shares.loc[("a", "就业"), "share"] == 0 and shares.loc[("a", "就业"), "n"] == 0
    assert (
        shares.loc[("a", "就业"), "ci_low"] == 0
        and 0.3 < shares.loc[("a", "就业"), "ci_high"] < 0.7
    )


def test_na_domains_and_non_content_rows_are_not_counted():
    rows = pd.DataFrame(
        {
            "doc_id": ["a"] * 3,
            "plan_no": 1,
            "kind": "item",
            "text": "字",
            "domain": pd.array(["维权", None, "就业"], dtype="string"),
            "is_content": [True, False, False],
        }
    )
    shares = themes.domain_shares(rows, by="doc_id")
    assert shares.set_index("domain").share.to_dict() == {"维权": 1.0}


def test_intervals_treat_the_plan_as_the_unit_like_a_cluster_bootstrap(tagged):
    clustered = themes.domain_shares(tagged, by="issuer_type")
    items = themes.domain_shares(tagged, by="issuer_type", interval="item")
    width, narrow = clustered.ci_high - clustered.ci_low, items.ci_high - items.ci_low
    assert (clustered.deff >= 1).all() and (width >= narrow - 1e-12).all()
    assert clustered.deff.median() > 2  # measured 3.2: items of a plan are far from independent
    boot = _cluster_bootstrap(tagged, "issuer_type", seed=0)
    joined = clustered.merge(boot, on=["issuer_type", "domain"])
    ratio = (joined.ci_high - joined.ci_low) / (joined.boot_high - joined.boot_low)
    assert 0.75 < ratio.median() < 1.35, ratio.describe()


def _cluster_bootstrap(tagged, by, seed, rounds=1000):
    """Percentile intervals from resampling plans within each group (the reference)."""
    rng = np.random.default_rng(seed)
    rows = themes.content_rows(tagged)
    counts = pd.crosstab([rows[by], rows.doc_id + "#" + rows.plan_no.astype(str)], rows.domain)
    out = []
    for group, table in counts.groupby(level=0):
        values = table.to_numpy(float)
        draws = rng.integers(0, len(values), (rounds, len(values)))
        sums = values[draws].sum(axis=1)
        shares = sums / sums.sum(axis=1, keepdims=True)
        low, high = np.percentile(shares, [2.5, 97.5], axis=0)
        out += [(group, d, lo, hi) for d, lo, hi in zip(table.columns, low, high)]
    return pd.DataFrame(out, columns=[by, "domain", "boot_low", "boot_high"])


def test_copied_text_can_be_counted_once(tagged):
    pairs = planparse.find_duplicates(tagged, texts=planparse.sample_path())
    units = themes.copied_units(pairs)
    once = themes.without_copies(tagged, units)
    dropped = set(tagged.item_id) - set(once.item_id)
    assert 0 < len(dropped) < len(tagged) / 2
    assert all(
        any(i == u or i.startswith((u + "/", u + ".")) for u in units.unit)
        for i in dropped
    )
    sources = set(pairs.source) - {""}
    kept_plans = set(once.doc_id + "#" + once.plan_no.astype(str))
    assert sources <= kept_plans  # the source of a family keeps its text
    shares = themes.domain_shares(once, by="level")
    assert np.allclose(shares.groupby("level").share.sum(), 1.0)


def test_distinctive_terms_are_a_ranking_with_the_number_of_comparisons(tagged):
    terms = themes.distinctive_terms(tagged, by="level", top=5)
    for _, group in terms.groupby("group"):
        assert group["rank"].tolist() == list(range(1, len(group) + 1))
        assert group["compared"].nunique() == 1 and group["compared"].iloc[0] > 100
    assert (terms.z_bonferroni > 3).all()


@pytest.mark.slow
def test_topics_are_deterministic(tagged):
    first_terms, first_weights = themes.topics(tagged, n=5, seed=3)
    again_terms, again_weights = themes.topics(tagged, n=5, seed=3)
    pd.testing.assert_frame_equal(first_terms, again_terms)
    np.testing.assert_array_equal(first_weights, again_weights)
    assert first_weights.shape == (90, 5)


def synthetic_plot_data():
    """Inputs for every plot, with Chinese group names, words and file names written here."""
    rng = np.random.default_rng(0)
    domains = list(plot.DOMAIN_COLOURS)
    groups = ["村妇联", "社区妇联", "街道妇联", "县妇联", "妇儿工委"]
    shares = pd.DataFrame(
        [(g, d, s) for g in groups for d, s in zip(domains, rng.dirichlet(np.ones(5)))],
        columns=["issuer_type", "domain", "share"],
    )
    years = pd.DataFrame(
        [
            (str(y), d, s, s * 0.8, min(s * 1.2, 1))
            for y in range(2008, 2024)
            for d, s in zip(domains, rng.dirichlet(np.ones(5)))
        ],
        columns=["year", "domain", "share", "ci_low", "ci_high"],
    )
    terms = pd.DataFrame(
        {
            "group": "村",
            "term": ["妇女之家", "最美家庭", "两癌筛查"],
            "count": [9, 8, 7],
            "log_odds": [2.0, 1.5, 1.0],
            "z": [4.0, 3.0, 2.0],
        }
    )
    terms = terms.assign(rank=[1, 2, 3], compared=1234, z_bonferroni=4.1)
    plans = [f"20{10 + k}_青山镇第{k}村_村妇联_工作计划.txt#1" for k in range(50)]
    values = rng.uniform(0, 1, (50, 50))
    values = (values + values.T) / 2
    np.fill_diagonal(values, 1)
    similarity = pd.DataFrame(values, index=plans, columns=plans)
    pairs = pd.DataFrame(
        {
            "a_doc": [p[:-2] for p in plans[:45]],
            "a_plan": 1,
            "b_doc": [p[:-2] for p in plans[5:]],
            "b_plan": 1,
            "a_start": 0,
            "a_end": rng.integers(50, 500, 45),
            "cluster": np.arange(45) // 5,
        }
    )
    return shares, years, terms, similarity, pairs


def render_every_plot(shares, by_year, terms, similarity, pairs):
    """Every plot of :mod:`planparse.plot`, drawn (so a missing glyph warns)."""
    import matplotlib.pyplot as plt

    many = pd.concat([shares.assign(issuer_type=shares.issuer_type + str(k)) for k in range(12)])
    axes = [
        plot.domain_shares_bar(shares, by="issuer_type"),
        plot.domain_shares_bar(many, by="issuer_type"),
        plot.domain_trend(by_year),
        plot.distinctive_terms_chart(terms, terms.group.iloc[0]),
        plot.similarity_heatmap(similarity),
        plot.reuse_matrix(pairs),
    ]
    for ax in axes:
        ax.figure.canvas.draw()
    plt.close("all")
    return axes


def _render(tagged):
    terms = themes.distinctive_terms(tagged, by="level", top=10)
    pairs = planparse.find_duplicates(tagged, texts=planparse.sample_path())
    return render_every_plot(
        themes.domain_shares(tagged, by="issuer_type"),
        themes.domain_shares(tagged, by="year"),
        terms[terms.group == "village"],
        themes.plan_similarity(tagged, pairs),
        pairs,
    )


@pytest.mark.slow
def test_every_plot_renders_without_missing_glyphs(tagged):
    if plot.use_cjk_font() is None:
        pytest.skip("no CJK font (pip install 'planparse[fonts]'; .ci/run installs one)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        axes = _render(tagged)
    missing = [w for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)]
    assert missing == [] and len(axes) == 6
    assert axes[0].get_legend().get_texts()[0].get_text() in plot.DOMAIN_COLOURS


def test_no_cjk_font_gives_one_clear_warning(monkeypatch):
    monkeypatch.setattr(plot, "CJK_FAMILIES", ("No Such Font",))
    monkeypatch.setattr(plot, "_warned", False)
    monkeypatch.setattr(plot, "cjk_font_files", lambda *a: [])
    monkeypatch.delenv("PLANPARSE_FONT", raising=False)
    with pytest.warns(plot.NoCJKFontWarning, match="planparse\\[fonts\\]"):
        assert plot.use_cjk_font() is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert plot.use_cjk_font() is None  # only once


def test_plots_are_readable_at_archive_scale():
    import matplotlib.pyplot as plt

    shares, years, _, similarity, pairs = synthetic_plot_data()
    many = pd.concat([shares.assign(issuer_type=shares.issuer_type + str(k)) for k in range(12)])
    bars = plot.domain_shares_bar(many, by="issuer_type")
    labels = [t.get_text() for t in bars.get_yticklabels()]
    assert len(labels) == 60 and set(labels) == set(many.issuer_type)  # lying bars, a label a row
    trend = plot.domain_trend(years)
    assert len(trend.figure.axes) == 5  # one small panel per domain
    ticks = [t for t in trend.get_xticks() if 2008 <= t <= 2023]
    assert ticks and all(float(t).is_integer() for t in ticks)
    heat = plot.similarity_heatmap(similarity, top=20)
    names = [t.get_text() for t in heat.get_yticklabels()]
    assert len(names) == 21 and names[-1] == "other (30 plans)"
    assert all(n.startswith("20") and "工作计划" not in n for n in names[:-1])  # short names
    reuse = plot.reuse_matrix(pairs, top=10)
    assert [t.get_text() for t in reuse.get_xticklabels()][-1].startswith("other (")
    plt.close("all")


def test_shares_of_no_items_draw_a_plot_that_says_so():
    # An archive of only unreadable files has no shares; the bar plot must not fail or
    # draw an empty legend (matplotlib warned "No artists with labels found").
    empty = themes.domain_shares(
        pd.DataFrame(columns=["doc_id", "plan_no", "domain"]).assign(
            is_content=pd.Series(dtype=bool), issuer_type=pd.Series(dtype=str)
        ),
        by="issuer_type",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = plot.domain_shares_bar(empty, by="issuer_type")
    assert ax.get_title() == "no content items" and ax.get_legend() is None
