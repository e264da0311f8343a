"""The matching keys of plan items, and how similar two keys are.

Two items are compared by their *matching key*: the text width-folded, with white space,
punctuation, years and placeholders (``20xx``, ``xx社区``) removed, and without the stock
phrases (套话) that every plan shares, so that two different tasks opening with the same
slogan do not look alike.

Examples:
    >>> matching_key("2023年，坚持党建带妇建，开展 最美家庭评选")
    '开展最美家庭评选'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from planparse.diff.ngrams import char_ngrams
from planparse.normalize import fold_width, to_simplified

_YEAR = re.compile(r"(?:19|20)[0-9xX×]{2}\s*年?|[〇零一二三四五六七八九]{4}\s*年|[xX×]{2,}")
_SPACE_AND_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


@lru_cache(maxsize=1)
def stock_pattern() -> re.Pattern[str]:
    """One pattern matching every stock phrase, folded as keys are (longest first)."""
    from planparse.reuse.detect import stock_phrases

    phrases = sorted({folded_text(p) for p in stock_phrases()}, key=len, reverse=True)
    return re.compile("|".join(re.escape(p) for p in phrases if p))


def folded_text(text: str) -> str:
    """Width folded, Traditional script read as Simplified (a plan copied from a site in the
    other script is the same plan), years and placeholders masked, white space and
    punctuation removed.

    Examples:
        >>> folded_text("2023年，開展 婦女培訓！")
        '开展妇女培训'
    """
    return _SPACE_AND_PUNCT.sub("", _YEAR.sub("", to_simplified(fold_width(text))))


def matching_key(text: str) -> str:
    """The text two items are compared by: :func:`folded_text` without the stock phrases.

    Examples:
        >>> matching_key("2023年，坚持党建带妇建，开展 最美家庭评选")
        '开展最美家庭评选'
    """
    folded = folded_text(text)
    return stock_pattern().sub("", folded) or folded


def similarity_matrix(keys_a: Sequence[str], keys_b: Sequence[str]) -> np.ndarray:
    """TF-IDF cosine (0–1) of every key of A to every key of B, over character 1–2-grams
    weighted by their inverse frequency among the two plans' items.

    A rewritten task keeps its content words but not their order or its connectives, so a
    bag of character n-grams finds it where an edit distance does not; the IDF makes the
    phrases every item of both plans shares count for little.

    Examples:
        >>> similarity_matrix(["开展活动"], ["开展活动", "成立组织"]).round(2).tolist()
        [[1.0, 0.0]]
    """
    from sklearn.feature_extraction.text import TfidfTransformer

    if not any(keys_a) or not any(keys_b):
        return np.zeros((len(keys_a), len(keys_b)))
    counts = char_ngrams([*keys_a, *keys_b], (1, 2), binary=False)
    rows = TfidfTransformer(sublinear_tf=True).fit_transform(counts)
    cosine = (rows[: len(keys_a)] @ rows[len(keys_a) :].T).toarray()
    return cosine.round(12).clip(0, 1)  # identical keys: exactly 1, whatever the rounding
