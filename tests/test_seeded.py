"""A taxonomy from seed words: weak supervision, self-training, proposals to label next."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import planparse
from planparse.classify.seeded import (
    SEED_C,
    STACK_FOLDS,
    as_simplified,
    decision_values,
    diverse_picks,
    fit_stacker,
    informativeness,
    mask_seeds,
    propose,
    seed_guesses,
    train_from_seeds,
    with_stacker,
    worth_labeling,
)
from planparse.classify.taxonomy import Taxonomy

TAXONOMY = """
name = "neighbourhood"
other = "其他"

[[domain]]
name = "体育"
seeds = ["运动会", "健身"]

[[domain]]
name = "读书"
seeds = ["读书", "图书"]
"""

# A made-up archive: words that are no seed term (赛跑, 拔河 beside sport's seeds; 朗读, 书架
# beside reading's) stand only in items that also hold a seed term.
ARCHIVE = [
    "举办社区运动会，设赛跑和拔河项目",
    "组织居民健身操比赛，开展赛跑活动",
    "秋季运动会增设拔河比赛",
    "开展读书月活动，举办朗读比赛",
    "建设社区图书角，添置书架",
    "组织亲子读书会，开展朗读活动",
    "修缮小区路灯和下水道，清理楼道杂物",
    "清理楼道杂物，整治小区环境卫生死角",
    "更换小区路灯",
]


@pytest.fixture(scope="module")
def taxonomy(tmp_path_factory):
    path = tmp_path_factory.mktemp("tax") / "t.toml"
    path.write_text(TAXONOMY, encoding="utf-8")
    return Taxonomy.load(path)


@pytest.fixture(scope="module")
def model(taxonomy):
    return train_from_seeds(ARCHIVE * 3, taxonomy, min_df=1, cv=2)


def test_seed_guesses_follow_the_seed_terms(taxonomy):
    texts = [
        "举办运动会和读书会，运动会设拔河",
        "建图书角",
        "修缮小区路灯，清理下水道和楼道",
        "修路灯",
    ]
    assert seed_guesses(texts, taxonomy) == [["体育"], ["读书"], ["其他"], None]


def test_seed_terms_written_in_simplified_find_traditional_text(taxonomy):
    # 運動會 and 圖書 are the seed terms 运动会 and 图书 in Traditional script.
    texts = ["舉辦運動會，設拔河項目", "建設社區圖書角"]
    assert seed_guesses(texts, taxonomy) == [["体育"], ["读书"]]
    # Blanked where the term stands, the rest kept as written (width-folded).
    assert mask_seeds(texts, taxonomy) == ["舉辦＊,設拔河項目", "建設社區＊角"]


def test_simplified_keeps_every_offset():
    texts = ["婦女兒童之家｜組織建設", "妇联", ""]
    simple = as_simplified(texts)
    assert simple[0] == "妇女儿童之家｜组织建设"
    assert [len(t) for t in simple] == [len(t) for t in texts]
    assert simple[1:] == texts[1:]


@pytest.mark.slow
def test_seed_training_learns_words_that_are_no_seed_term(model, taxonomy):
    # 赛跑, 拔河, 朗读 and 书架 are in no seed list; the model learned them from the archive.
    assert seed_guesses(["拔河赛跑", "朗读会添书架"], taxonomy) == [None, None]
    assert [row[0] for row in model.predict_labels(["拔河赛跑", "朗读会添书架"])] == [
        "体育",
        "读书",
    ]
    assert model.classes_.tolist() == ["体育", "读书", "其他"]


def test_human_labels_override_the_guesses(taxonomy):
    labeled = {"更换小区路灯": ["体育"]}
    model = train_from_seeds(ARCHIVE * 3, taxonomy, labeled=labeled, rounds=0, min_df=1, cv=2)
    plain = train_from_seeds(ARCHIVE * 3, taxonomy, rounds=0, min_df=1, cv=2)
    j = 0  # 体育
    assert model.predict_proba(["更换小区路灯"])[0, j] > plain.predict_proba(["更换小区路灯"])[0, j]


def test_a_human_label_wins_over_the_seed_guess_of_its_item(taxonomy):
    # The seed terms call this item 体育 (运动会); the researcher says 读书, and the model
    # trained with that label must say 读书 for it, in every self-training round.
    text = "运动会期间开放借阅角"
    assert seed_guesses([text], taxonomy) == [["体育"]]
    plain = train_from_seeds(ARCHIVE * 3 + [text], taxonomy, rounds=0, min_df=1, cv=2)
    assert plain.predict_labels([text])[0][0] == "体育"
    labeled = {text: ["读书"]}
    for rounds in (0, 2):
        model = train_from_seeds(
            ARCHIVE * 3 + [text], taxonomy, labeled=labeled, rounds=rounds, min_df=1, cv=2
        )
        assert model.predict_labels([text])[0][0] == "读书"


@pytest.mark.slow
def test_seed_training_is_deterministic(taxonomy):
    a = train_from_seeds(ARCHIVE * 3, taxonomy, min_df=1, cv=2)
    b = train_from_seeds(ARCHIVE * 3, taxonomy, min_df=1, cv=2)
    assert np.array_equal(a.predict_proba(ARCHIVE), b.predict_proba(ARCHIVE))


def test_models_from_guesses_are_regularised_harder_unless_told(model, taxonomy):
    # Guesses are noisy labels: a seed model's SVMs use SEED_C, below the supervised default.
    assert model.C == SEED_C < 1.0
    looser = train_from_seeds(ARCHIVE * 3, taxonomy, rounds=0, min_df=1, cv=2, C=1.0)
    assert looser.C == 1.0


def test_informativeness_ranks_ties_first():
    scores = informativeness(np.array([[0.9, 0.05, 0.05], [0.4, 0.38, 0.22], [0.6, 0.3, 0.1]]))
    assert np.argsort(-scores).tolist() == [1, 2, 0]


class _FixedModel:
    """A fitted model's two outputs, fixed: label probabilities given content, content."""

    def __init__(self, given_content: np.ndarray, content: np.ndarray) -> None:
        self.given_content, self.content = given_content, content

    def predict_proba_and_content(self, texts):
        return self.given_content * self.content[:, None], self.content


def test_worth_labeling_puts_lines_the_gate_rejects_last():
    # Row 0 is a tie but almost surely no content: every p_ is near 0, which the plain
    # informativeness of predict_proba would rank first.
    given = np.array([[0.5, 0.5], [0.5, 0.5], [0.9, 0.1]])
    model = _FixedModel(given, np.array([0.05, 0.9, 0.9]))
    assert informativeness(given * model.content[:, None])[0] == pytest.approx(1.0)
    scores = worth_labeling(model, ["a", "b", "c"])
    assert np.argsort(-scores).tolist() == [1, 2, 0]
    # Without a gate (content 1 everywhere) it is the informativeness itself.
    plain = _FixedModel(given, np.ones(3))
    assert worth_labeling(plain, ["a", "b", "c"]) == pytest.approx(informativeness(given))


def test_propose_writes_the_least_certain_items_to_label(model):
    text = "\n".join(f"{i + 1}、{t}" for i, t in enumerate(ARCHIVE)) + "\n"
    items = planparse.parse(text, doc_id="a.txt").to_frame()
    table = propose(model, items, n=4, exclude=["更换小区路灯"])
    assert list(table.columns) == [
        "doc_id",
        "start",
        "end",
        "text",
        "informativeness",
        "guess",
        "labels",
    ]
    assert len(table) == 4 and (table["labels"] == "").all()
    assert table["informativeness"].is_monotonic_decreasing
    assert "更换小区路灯" not in set(table["text"])
    for row in table.itertuples():
        assert text[row.start : row.end].endswith(row.text)


@pytest.mark.slow
def test_cli_trains_from_seed_words_and_proposes(tmp_path, taxonomy):
    from planparse.cli import main

    archive = tmp_path / "archive"
    archive.mkdir()
    for k in range(3):
        (archive / f"plan{k}.txt").write_text(
            "\n".join(f"{i + 1}、{t}" for i, t in enumerate(ARCHIVE)) + "\n", encoding="utf-8"
        )
    tax = tmp_path / "t.toml"
    tax.write_text(TAXONOMY, encoding="utf-8")
    out, proposals = tmp_path / "m.skops", tmp_path / "next.tsv"
    argv = ["train", "--taxonomy", str(tax), "--unlabeled", str(archive), "-o", str(out)]
    assert main(argv + ["--propose", "5", "--proposals", str(proposals)]) == 0
    table = pd.read_csv(proposals, sep="\t", keep_default_na=False)
    assert len(table) == 5 and set(table["labels"]) == {""}
    # The researcher fills in the labels and trains again with them.
    table["labels"] = "体育"
    labels = tmp_path / "labels"
    labels.mkdir()
    table.to_csv(labels / "mine.tsv", sep="\t", index=False)
    assert main(argv + ["--labels", str(labels)]) == 0
    tagged = planparse.tag(planparse.parse("1、拔河赛跑\n", doc_id="x").to_frame(), str(out))
    assert tagged["domain"].iloc[0] == "体育"


def test_the_stacker_learns_a_systematic_mistake_from_labels():
    # Columns: 体育, 读书, 其他.  The seed model calls both profiles 其他; the labels show
    # that when its 读书 decision is only mildly negative the item is 读书 after all.
    noise = np.random.default_rng(0).normal(scale=0.1, size=(40, 3))
    decisions = np.array([[-1.0, -1.5, 1.0]] * 20 + [[-1.0, -0.5, 1.0]] * 20) + noise
    targets = np.array([[0, 0, 1]] * 20 + [[0, 1, 0]] * 20)
    weights, bias, fitted = fit_stacker(decisions, targets)
    assert fitted.tolist() == [False, True, True]  # no 体育 item: 体育 is left as it was
    reading = np.array([[-1.0, -0.5, 1.0], [-1.0, -1.5, 1.0]]) @ weights[1] + bias[1]
    assert reading[0] > 0 > reading[1]


def test_the_stacker_folds_into_an_ordinary_domain_classifier(model, tmp_path):
    from scipy.special import expit

    from planparse.classify.estimator import DomainClassifier
    from planparse.classify.persist import load_model, save_model

    weights = np.random.default_rng(1).normal(size=(3, 3))
    bias, fitted = np.array([0.5, -0.5, 0.0]), np.array([True, False, True])
    stacked = with_stacker(model, weights, bias, fitted)
    assert type(stacked) is DomainClassifier
    proba, content = stacked.predict_proba_and_content(ARCHIVE)
    expected = expit(decision_values(model, ARCHIVE) @ weights.T + bias) * content[:, None]
    assert proba[:, fitted] == pytest.approx(expected[:, fitted])
    # The label left out keeps the model's own probability; the model itself is unchanged.
    assert proba[:, 1] == pytest.approx(model.predict_proba(ARCHIVE)[:, 1])
    assert not np.allclose(model.predict_proba(ARCHIVE), proba)
    loaded = load_model(save_model(stacked, tmp_path / "m.skops"))
    assert np.array_equal(loaded.predict_proba(ARCHIVE), stacked.predict_proba(ARCHIVE))


@pytest.mark.slow
@pytest.mark.parametrize("stack", ["seeds", "labels"])
def test_labels_fit_a_stacker_only_when_there_are_enough(taxonomy, stack):
    few = {text: ["读书"] for text in ARCHIVE[:3]}
    plain = train_from_seeds(ARCHIVE * 3, taxonomy, labeled=few, stack=None, min_df=1, cv=2)
    same = train_from_seeds(ARCHIVE * 3, taxonomy, labeled=few, stack=stack, min_df=1, cv=2)
    assert np.array_equal(plain.predict_proba(ARCHIVE), same.predict_proba(ARCHIVE))
    # Enough content labels (2 * STACK_FOLDS) for a cross-fitted stacker: the model changes,
    # and the same labels give the same model.
    invented = [
        f"第{i}期社区{place}修缮和{kind}活动"
        for i in range(4)
        for place, kind in [("路灯", "运动"), ("楼道", "读书"), ("下水道", "清洁")]
    ]
    many = dict(zip(invented, [["体育"], ["读书"], ["其他"]] * 4))
    assert len(many) >= 2 * STACK_FOLDS
    archive = ARCHIVE * 3 + invented
    stacked = train_from_seeds(archive, taxonomy, labeled=many, stack=stack, min_df=1, cv=2)
    unstacked = train_from_seeds(archive, taxonomy, labeled=many, stack=None, min_df=1, cv=2)
    again = train_from_seeds(archive, taxonomy, labeled=many, stack=stack, min_df=1, cv=2)
    assert not np.allclose(stacked.predict_proba(ARCHIVE), unstacked.predict_proba(ARCHIVE))
    assert np.array_equal(stacked.predict_proba(ARCHIVE), again.predict_proba(ARCHIVE))


def test_diverse_picks_take_one_of_near_repeats():
    from sklearn.feature_extraction.text import TfidfVectorizer

    # The three 法律援助 lines are the most uncertain, but nearly the same text: one of them
    # is worth labeling, and the next pick is the most uncertain line unlike them.
    texts = [
        "开展法律援助服务",
        "开展法律援助服务活动",
        "开展法律援助服务工作",
        "组织读书分享会",
        "更换路灯",
    ]
    given = np.array([[0.5, 0.5], [0.5, 0.49], [0.5, 0.48], [0.6, 0.3], [0.9, 0.1]])
    model = _FixedModel(given, np.ones(5))
    model.vectorizer_ = TfidfVectorizer(analyzer="char", ngram_range=(1, 2)).fit(texts)
    assert np.argsort(-worth_labeling(model, texts))[:2].tolist() == [0, 1]
    assert diverse_picks(model, texts, 2, candidates=2).tolist() == [0, 3]
