"""The plain baseline a user would write first: character n-gram TF-IDF and logistic regression.

Every evaluation prints it beside the model, trained on the same folds, so that the model is
compared with the obvious alternative and not only with the seed-term lexicon.

Examples:
    >>> texts = ["开展法律援助", "举办最美家庭评选", "组织技能培训"] * 4
    >>> clf = CharTfidfLogistic().fit(texts, [["维权"], ["家庭建设"], ["就业"]] * 4)
    >>> clf.predict_labels(["开展法律援助"])
    [['维权']]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer

from planparse.classify.estimator import as_label_lists, choose, labels_from
from planparse.classify.taxonomy import Taxonomy


class CharTfidfLogistic(ClassifierMixin, BaseEstimator):
    """TF-IDF over character 1–3-grams, one logistic regression per label.

    Items labeled with the taxonomy's not-content label are left out of training (the
    baseline has no content gate); the decision rule is the model's: every label at 0.5 or
    more, at least the most probable one, "other" only alone.
    """

    def __init__(self, taxonomy: Taxonomy | None = None, C: float = 10.0) -> None:
        self.taxonomy = taxonomy
        self.C = C

    def fit(self, X: Sequence[str], y: Sequence) -> CharTfidfLogistic:
        taxonomy = self.taxonomy or Taxonomy.default()
        self.classes_ = np.array(taxonomy.labels, dtype=object)
        self.other_ = taxonomy.other
        lists = as_label_lists(y, self.classes_)
        keep = [taxonomy.not_content not in labels for labels in lists]
        texts = [t for t, k in zip(X, keep) if k]
        target = MultiLabelBinarizer(classes=list(self.classes_)).fit_transform(
            [labels for labels, k in zip(lists, keep) if k]
        )
        self.vectorizer_ = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
        self.model_ = OneVsRestClassifier(LogisticRegression(C=self.C, max_iter=2000))
        self.model_.fit(self.vectorizer_.fit_transform(texts), target)
        return self

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        return self.model_.predict_proba(self.vectorizer_.transform(list(X)))

    def predict(self, X: Sequence[str]) -> np.ndarray:
        other = list(self.classes_).index(self.other_)
        return choose(self.predict_proba(X), 0.5, other).astype(int)

    def predict_labels(self, X: Sequence[str]) -> list[list[str]]:
        return labels_from(self.predict(X), self.predict_proba(X), self.classes_)
