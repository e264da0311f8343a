"""planparse.diff.ngrams against its reference, scikit-learn's CountVectorizer."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer

from planparse.diff.ngrams import char_ngrams

# Characters with no white space (the texts compared are matching keys, white space removed),
# including ones outside the Basic Multilingual Plane.
LETTERS = st.text(st.sampled_from("开展妇女家风建设ab1𠀀𪚥"), max_size=12)


def _reference(texts, sizes, binary):
    vectorizer = CountVectorizer(analyzer="char", ngram_range=sizes, lowercase=False, binary=binary)
    try:
        return vectorizer.fit_transform(texts)
    except ValueError:  # an empty vocabulary: no text has an n-gram of these sizes
        return None


@settings(max_examples=150, deadline=None)
@given(
    st.lists(LETTERS, min_size=1, max_size=6),
    st.sampled_from([(1, 1), (1, 2), (2, 2), (3, 3), (1, 3)]),
    st.booleans(),
)
def test_the_same_ngrams_as_count_vectorizer(texts, sizes, binary):
    ours = char_ngrams(texts, sizes, binary)
    reference = _reference(texts, sizes, binary)
    assert ours.shape[0] == len(texts)
    if reference is None:
        assert ours.nnz == 0
        return
    # Column order differs; what each text holds, and what each pair of texts shares, do not.
    assert ours.shape[1] == reference.shape[1]
    np.testing.assert_array_equal((ours @ ours.T).toarray(), (reference @ reference.T).toarray())
    np.testing.assert_array_equal(
        np.sort(ours.toarray(), axis=1), np.sort(reference.toarray(), axis=1)
    )


def test_ngram_sizes_beyond_three_are_refused():
    with pytest.raises(ValueError, match="1..3"):
        char_ngrams(["开展活动"], (2, 4))


def test_no_text_gives_an_empty_matrix():
    assert char_ngrams([], (1, 2)).shape == (0, 0)
