"""The fast featurizer against its references: scikit-learn's CountVectorizer and jieba."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer

from planparse.classify import features
from planparse.classify.features import JiebaWords, NgramVectorizer
from planparse.normalize import fold_width

TEXTS = [
    "组织开展两癌筛查，维护妇女健康权益。",
    "举办最美家庭评选活动，弘扬好家风。",
    "开展巾帼建功和双学双比活动。",
    "加强妇女儿童之家建设；完善执委联系制度。",
    "１．开展法律援助（维权周）",
    "妇女妇女妇女",
    "",
]


def test_ngram_counts_equal_countvectorizer_exactly():
    texts = [fold_width(t) for t in TEXTS]
    ours = NgramVectorizer(ngram_range=(1, 3), words=False, min_df=1).fit(texts)
    reference = CountVectorizer(
        analyzer="char", ngram_range=(1, 3), lowercase=False, preprocessor=lambda x: x
    ).fit(texts)
    names = [name[2:] for name in ours.feature_names_]
    assert sorted(names) == sorted(reference.vocabulary_)
    columns = [reference.vocabulary_[name] for name in names]
    difference = ours._counts(texts) - reference.transform(texts)[:, columns]
    assert abs(difference).sum() == 0


def test_counts_do_not_depend_on_the_chunk_size(monkeypatch):
    vec = NgramVectorizer(min_df=1).fit(TEXTS * 3)
    whole = vec._counts(TEXTS * 50)
    monkeypatch.setattr(features, "CHUNK", 40)
    assert abs(vec._counts(TEXTS * 50) - whole).sum() == 0


def test_word_matches_cover_what_jieba_segments():
    vec = NgramVectorizer(min_df=1).fit(TEXTS)
    segmenter = JiebaWords()
    counts = vec._counts(TEXTS)
    column = {name: j for j, name in enumerate(vec.feature_names_)}
    for i, text in enumerate(TEXTS):
        for word in set(segmenter.words(text)):
            if f"w:{word}" in column:
                assert counts[i, column[f"w:{word}"]] >= segmenter.words(text).count(word)


def test_domain_terms_come_from_the_private_user_dictionary():
    import jieba

    words = JiebaWords()
    assert "两癌筛查" in words.words("组织开展两癌筛查")
    assert words.tokenizer is not jieba.dt


def test_pickling_drops_caches_and_keeps_results():
    vec = NgramVectorizer(min_df=1).fit(TEXTS)
    before = vec.transform(TEXTS)
    state = pickle.dumps(vec)
    assert b"_table" not in state
    again = pickle.loads(state)
    assert abs(again.transform(TEXTS) - before).sum() == 0
    tokenizer = JiebaWords(("妇儿工委",))
    tokenizer.words("测试")
    assert pickle.loads(pickle.dumps(tokenizer))._tokenizer is None


def test_tfidf_rows_are_unit_length():
    vec = NgramVectorizer(min_df=1).fit(TEXTS)
    norms = np.sqrt(
        np.asarray(
            vec.transform(TEXTS[:-1]).multiply(vec.transform(TEXTS[:-1])).sum(axis=1)
        ).ravel()
    )
    assert norms == pytest.approx(1.0)
    assert vec.transform([""]).nnz == 0


# The layout columns count characters over all texts at once; a regex per text is the reference.
_REFERENCE_CLASSES = ("[\u4e00-\u9fff]", "[0-9０-９]", "[A-Za-zＡ-Ｚａ-ｚ]")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="维权家庭0９aＺz｜⟫。： 𝗔\n", max_size=12), max_size=8))
def test_character_counts_equal_a_regex_per_text(texts):
    import re

    counted = features._character_counts(texts)
    for pattern, counts in zip(_REFERENCE_CLASSES, counted):
        assert counts.tolist() == [float(len(re.findall(pattern, t))) for t in texts]


def test_layout_reads_the_line_before_the_parent_and_flags_borrowed_text():
    layout = features.layout_features(["关于群团工作⟫今年要建好妇女之家｜一", "各位代表！"]).toarray()
    assert layout.shape == (2, 11)
    assert layout[:, 9].tolist() == [1.0, 0.0]  # borrows its children's text
    assert layout[:, 10].tolist() == [1.0, 0.0]  # has a parent heading
    assert layout[1, 4] == 1.0  # ends with a full stop


def test_own_lines_keep_short_lines_alone():
    assert features.own_lines(["关于群团工作⟫今年要建好妇女之家｜二", "开展活动" * 10, "各位代表！"]) == [
        "关于群团工作",
        "",
        "各位代表！",
    ]
