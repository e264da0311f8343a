"""``LexiconTagger``: the seed-term baseline; needs no training data.

Examples:
    >>> tagger = LexiconTagger().fit()
    >>> tagger.predict_labels(["开展法律援助和家庭教育", "召开运动会"])
    [['维权', '家庭建设'], ['其他']]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from planparse.classify.estimator import labels_from
from planparse.classify.taxonomy import Taxonomy
from planparse.normalize import fold_width


class LexiconTagger(ClassifierMixin, BaseEstimator):
    """Scores each domain by how many of its seed terms an item contains.

    A domain is chosen when it has at least ``min_hits`` seed-term occurrences; an item with
    none gets the "other" label.  ``predict_proba`` turns hit counts into shares, with
    ``other_weight`` hits' worth of mass on "other", so that it can be scored like a model.

    Examples:
        >>> LexiconTagger().fit().predict_labels(["开展反家暴法律宣传", "召开座谈会"])
        [['维权'], ['其他']]
    """

    def __init__(
        self, taxonomy: Taxonomy | str | None = None, min_hits: int = 1, other_weight: float = 0.5
    ) -> None:
        self.taxonomy = taxonomy
        self.min_hits = min_hits
        self.other_weight = other_weight

    def fit(self, X: object = None, y: object = None) -> LexiconTagger:
        """Nothing to learn: reads the taxonomy's labels and seed terms."""
        taxonomy = (
            self.taxonomy
            if isinstance(self.taxonomy, Taxonomy)
            else (Taxonomy.load(self.taxonomy) if self.taxonomy else Taxonomy.default())
        )
        self.classes_ = np.array(taxonomy.labels, dtype=object)
        self.seeds_ = [tuple(d.seeds) for d in taxonomy.domains]
        return self

    def hits(self, X: Sequence[str]) -> np.ndarray:
        """Seed-term occurrences per item and domain, shape ``(n_items, n_domains)``."""
        texts = [fold_width(t) for t in X]
        return np.array(
            [[sum(t.count(s) for s in seeds) for seeds in self.seeds_] for t in texts], dtype=float
        ).reshape(len(texts), len(self.seeds_))

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        hits = self.hits(X)
        mass = np.column_stack([hits, np.full(len(hits), self.other_weight)])
        return mass / mass.sum(axis=1, keepdims=True)

    def predict(self, X: Sequence[str]) -> np.ndarray:
        hits = self.hits(X)
        chosen = hits >= self.min_hits
        return np.column_stack([chosen, ~chosen.any(axis=1)]).astype(int)

    def predict_labels(self, X: Sequence[str]) -> list[list[str]]:
        return labels_from(self.predict(X), self.predict_proba(X), self.classes_)
