"""``DomainClassifier``: a multi-label, calibrated scikit-learn estimator for plan items.

Examples:
    >>> texts = ["开展法律援助，维护妇女权益", "举办最美家庭评选", "组织技能培训，促进就业"] * 4
    >>> labels = [["维权"], ["家庭建设"], ["就业"]] * 4
    >>> clf = DomainClassifier(min_df=1, cv=2, words=False).fit(texts, labels)
    >>> clf.predict_labels(["开展法律援助"])
    [['维权']]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.metrics import f1_score
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from planparse.classify.features import (
    NgramVectorizer,
    layout_features,
    own_lines,
    word_columns,
)
from planparse.classify.taxonomy import Taxonomy

Labels = Sequence[str] | str


def as_label_lists(y: Sequence[Labels] | np.ndarray, classes: Sequence[str]) -> list[list[str]]:
    """Label lists from lists, ``"|"``-joined strings or an indicator matrix."""
    if isinstance(y, np.ndarray) and y.ndim == 2:
        return [[c for c, on in zip(classes, row) if on] for row in y]
    return [v.split("|") if isinstance(v, str) else list(v) for v in y]


class DomainClassifier(ClassifierMixin, BaseEstimator):
    """Tags plan items with domains: one-vs-rest linear SVMs with calibrated probabilities.

    Features are TF-IDF over character n-grams and jieba words (see
    :mod:`planparse.classify.features`).  ``predict`` returns the indicator matrix of
    labels whose probability reaches ``threshold`` (at least the most probable one; the
    taxonomy's "other" label only when no domain is chosen); ``predict_proba`` the
    calibrated probability of each label, in ``classes_`` order.

    Parameters are stored unchanged, so the estimator works with ``clone`` and
    ``GridSearchCV``: ``score`` is the macro-F1 of :meth:`predict`, for ``y`` in any form
    ``fit`` takes.  When some items carry two labels, give ``GridSearchCV`` a splitter
    (``cv=KFold(5)``, or ``GroupKFold`` with ``groups``): with an integer ``cv``,
    scikit-learn checks the target's type first and refuses ragged label lists.  ``taxonomy`` is a :class:`Taxonomy`, a path to a TOML file, or
    ``None`` for the shipped one.

    Examples:
        >>> texts = ["开展反家暴法律宣传", "举办家政技能培训", "评选最美家庭", "召开执委会议",
        ...          "做好信息报送", "维护妇女合法权益", "促进妇女创业就业", "弘扬优良家风",
        ...          "加强基层组织建设", "完成上级交办任务"] * 2
        >>> labels = ["维权", "就业", "家庭建设", "组织建设", "其他"] * 4
        >>> model = DomainClassifier(min_df=1, cv=2).fit(texts, labels)
        >>> model.predict_labels(["开展反家暴宣传"])
        [['维权']]
    """

    def __init__(
        self,
        taxonomy: Taxonomy | str | None = None,
        ngram_range: tuple[int, int] = (1, 3),
        words: bool = True,
        min_df: int = 2,
        C: float = 1.0,
        class_weight: str | None = None,
        calibration: str = "sigmoid",
        cv: int = 3,
        threshold: float = 0.5,
        random_state: int = 0,
        content_gate: bool = True,
    ) -> None:
        self.taxonomy = taxonomy
        self.ngram_range = ngram_range
        self.words = words
        self.min_df = min_df
        self.C = C
        self.class_weight = class_weight
        self.calibration = calibration
        self.cv = cv
        self.threshold = threshold
        self.random_state = random_state
        self.content_gate = content_gate

    def _taxonomy(self) -> Taxonomy:
        if isinstance(self.taxonomy, Taxonomy):
            return self.taxonomy
        return Taxonomy.load(self.taxonomy) if self.taxonomy else Taxonomy.default()

    def __sklearn_tags__(self):  # sklearn.utils.Tags
        """Texts in, a multi-label indicator matrix out: scikit-learn's checks and
        meta-estimators read this instead of guessing from a numeric array."""
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.input_tags.one_d_array = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        tags.classifier_tags.multi_label = True
        return tags

    def _featurized(self, X: Sequence[str]) -> tuple[list[str], sp.csr_matrix]:
        """The texts as a list and their features; ``NotFittedError`` before ``fit``."""
        check_is_fitted(self, ("vectorizer_", "model_"))
        X = list(X)
        return X, self.vectorizer_.transform(X)

    def fit(self, X: Sequence[str], y: Sequence[Labels] | np.ndarray) -> DomainClassifier:
        """Learn from item texts ``X`` and their label lists ``y`` (primary first).

        An item labeled with the taxonomy's not-content label (``非内容``: a greeting, a date,
        a signature, a bare heading) teaches the content gate and nothing else; the domain
        labels are learned from the other items.
        """
        taxonomy = self._taxonomy()
        self.classes_ = np.array(taxonomy.labels, dtype=object)
        self.other_ = taxonomy.other
        self.not_content_ = taxonomy.not_content
        X = list(X)
        lists = as_label_lists(y, self.classes_)
        unknown = {label for labels in lists for label in labels} - set(self.classes_)
        unknown.discard(self.not_content_)
        if unknown:
            raise ValueError(
                f"labels {sorted(unknown)} are not in the taxonomy "
                f"{taxonomy.name!r} ({', '.join(self.classes_)})"
            )
        content = np.array([self.not_content_ not in labels for labels in lists])
        _require_two_labels([labels for labels, keep in zip(lists, content) if keep])
        self.vectorizer_ = self._vectorizer(taxonomy).fit(X)
        features = self.vectorizer_.transform(X)
        target = MultiLabelBinarizer(classes=list(self.classes_)).fit_transform(
            [labels for labels, keep in zip(lists, content) if keep]
        )
        # ensemble=False: one SVM per label fitted on all items and calibrated on its
        # out-of-fold decisions; a third of the size and time of averaging ``cv`` SVMs.
        self.model_ = OneVsRestClassifier(self._calibrated_svm(self.class_weight)).fit(
            features[content], target
        )
        self.coef_ = np.vstack(
            [_linear_weights(est, features.shape[1]) for est in self.model_.estimators_]
        )
        self.reason_columns_ = word_columns(self.vectorizer_.feature_names_, taxonomy.seed_terms)
        self.gate_ = None
        if self.content_gate and 0 < content.sum() < len(content):
            # Balanced: the spans that are no content are the rarer class, and missing one
            # puts a domain on a greeting or a date.
            gate = self._calibrated_svm("balanced")
            self.gate_ = gate.fit(self._gate_features(X, features), content)
        return self

    def _vectorizer(self, taxonomy: Taxonomy) -> NgramVectorizer:
        """The unfitted featurizer; a subclass may add feature blocks
        (``benchmarks/classify_variants.py`` adds an LSA block this way)."""
        return NgramVectorizer(
            self.ngram_range, self.words, self.min_df, extra_words=taxonomy.seed_terms
        )

    def _calibrated_svm(self, class_weight: str | None = None) -> CalibratedClassifierCV:
        svm = LinearSVC(C=self.C, class_weight=class_weight, random_state=self.random_state)
        return CalibratedClassifierCV(svm, method=self.calibration, cv=self.cv, ensemble=False)

    def _gate_features(self, texts: Sequence[str], features: sp.csr_matrix) -> sp.csr_matrix:
        # The line alone, for short lines: a heading that borrows its children's text or
        # carries its parent's reads like the content around it.
        alone = self.vectorizer_.transform(own_lines(texts))
        return sp.hstack([features, alone, layout_features(texts)], format="csr")

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """Calibrated probability of every label, shape ``(n_items, n_labels)``: the
        probability that the item is content *and* carries the label, so a line the gate
        reads as no content never gets a label above 0.5."""
        X, features = self._featurized(X)
        return self._proba(features) * self._content(X, features)[:, None]

    def content_proba(self, X: Sequence[str]) -> np.ndarray:
        """Probability that each item is content (an item of some label), shape ``(n_items,)``."""
        return self._content(*self._featurized(X))

    def _content(self, texts: Sequence[str], features: sp.csr_matrix) -> np.ndarray:
        if getattr(self, "gate_", None) is None:
            return np.ones(features.shape[0])
        return self.gate_.predict_proba(self._gate_features(texts, features))[:, 1]

    def _proba(self, features: sp.csr_matrix) -> np.ndarray:
        """Probability of every label given that the item is content."""
        return np.column_stack(
            [est.predict_proba(features)[:, 1] for est in self.model_.estimators_]
        )

    def decide(self, proba: np.ndarray, content: np.ndarray | None = None) -> np.ndarray:
        """Indicator matrix from probabilities: the labels at or above ``threshold``, at
        least the most probable one, and "other" only when no domain is chosen.  Rows whose
        ``content`` probability is below 0.5 get no label at all."""
        chosen = choose(proba, self.threshold, list(self.classes_).index(self.other_))
        if content is not None:
            chosen[content < 0.5] = False
        return chosen.astype(int)

    def predict(self, X: Sequence[str]) -> np.ndarray:
        """Indicator matrix of the chosen labels, shape ``(n_items, n_labels)``; all zeros
        for an item that is no content."""
        return self.decide(*self.predict_proba_and_content(X))

    def predict_labels(self, X: Sequence[str]) -> list[list[str]]:
        """The chosen labels of each item, most probable first (none for no content)."""
        proba, content = self.predict_proba_and_content(X)
        return labels_from(self.decide(proba, content), proba, self.classes_)

    def predict_proba_and_content(self, X: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`predict_proba` and :meth:`content_proba` from one featurization; give both
        to :meth:`decide`."""
        X, features = self._featurized(X)
        content = self._content(X, features)
        return self._proba(features) * content[:, None], content

    def score(
        self, X: Sequence[str], y: Sequence[Labels] | np.ndarray, sample_weight: object = None
    ) -> float:
        """Macro-F1 over the taxonomy's labels of :meth:`predict` against ``y``, in any form
        :meth:`fit` takes (label lists, "|"-joined strings, an indicator matrix): the figure
        ``planparse evaluate`` reports, and what ``GridSearchCV`` maximises by default.
        Items labeled not-content count as items with no label.

        Examples:
            >>> texts = ["开展法律援助，维护妇女权益", "举办最美家庭评选", "组织技能培训，促进就业"] * 4
            >>> labels = [["维权"], ["家庭建设"], ["就业"]] * 4
            >>> clf = DomainClassifier(min_df=1, cv=2, words=False).fit(texts, labels)
            >>> clf.score(texts, labels) > 0.5
            True
        """
        check_is_fitted(self, "model_")
        lists = as_label_lists(y, self.classes_)
        truth = MultiLabelBinarizer(classes=list(self.classes_)).fit_transform(
            [[label for label in labels if label != self.not_content_] for labels in lists]
        )
        return float(
            f1_score(
                truth,
                self.predict(X),
                average="macro",
                sample_weight=sample_weight,
                zero_division=0,
            )
        )

    def explain(self, features: sp.csr_matrix, label_index: np.ndarray, top: int = 3) -> list[str]:
        """For each row, the ``top`` features that pushed it most towards ``label_index``.

        Returns readable strings such as ``"两癌筛查 +0.41; 筛查 +0.22"``: the feature and its
        share of the linear decision.  Only words are cited (jieba-vocabulary words and
        n-grams that are dictionary words), never a lone character or a fragment.
        """
        coef = self.coef_ * getattr(self, "reason_columns_", 1)
        return explain_rows(features, coef, label_index, self.vectorizer_.feature_names_, top)


def _require_two_labels(lists: Sequence[Sequence[str]]) -> None:
    """A classifier needs content items of at least two labels to tell anything apart."""
    seen = {label for labels in lists for label in labels}
    if len(seen) < 2:
        raise ValueError(
            f"DomainClassifier needs content items of at least two labels; got "
            f"{len(lists)} content items with {sorted(seen) or 'no label'}"
        )


def choose(proba: np.ndarray, threshold: float, other: int) -> np.ndarray:
    """The labels at or above ``threshold``, at least the most probable one, and the
    "other" label (column ``other``) only when no domain is chosen.

    Examples:
        >>> choose(np.array([[0.9, 0.1, 0.6], [0.2, 0.3, 0.4]]), 0.5, 2).astype(int).tolist()
        [[1, 0, 0], [0, 0, 1]]
    """
    chosen = proba >= threshold
    chosen[np.arange(len(proba)), proba.argmax(axis=1)] = True
    chosen[np.delete(chosen, other, axis=1).any(axis=1), other] = False
    return chosen


def with_threshold(model: DomainClassifier, threshold: float) -> DomainClassifier:
    """A shallow copy of a fitted model that decides at another ``threshold``.

    Examples:
        >>> clf = DomainClassifier(threshold=0.5)
        >>> with_threshold(clf, 0.3).threshold, clf.threshold
        (0.3, 0.5)
    """
    from copy import copy

    changed = copy(model)
    changed.threshold = threshold
    return changed


def _linear_weights(estimator: object, width: int) -> np.ndarray:
    """The SVM weights behind one label (zeros for a label never seen in training)."""
    calibrated = getattr(estimator, "calibrated_classifiers_", None)
    if not calibrated:
        return np.zeros(width)
    return np.mean([c.estimator.coef_[0] for c in calibrated], axis=0)


def labels_from(chosen: np.ndarray, proba: np.ndarray, classes: np.ndarray) -> list[list[str]]:
    """Label lists from an indicator matrix, each ordered by falling probability."""
    order = np.argsort(-proba, axis=1, kind="stable")
    return [[classes[j] for j in row if chosen[i, j]] for i, row in enumerate(order)]


def explain_rows(
    features: sp.csr_matrix,
    coef: np.ndarray,
    label_index: np.ndarray,
    names: Sequence[str],
    top: int,
) -> list[str]:
    """Top-k of ``features[i] * coef[label_index[i]]`` per row, as readable strings.

    Vectorised: ``top`` rounds of a segmented maximum over the CSR rows, so the cost is a
    few passes over the non-zeros, not a sort of them.
    """
    lengths = np.diff(features.indptr)
    rows = np.repeat(np.arange(features.shape[0]), lengths)
    share = features.data * coef[label_index[rows], features.indices]
    filled = np.flatnonzero(lengths)
    picked: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for _ in range(top):
        if not len(filled):
            break
        best = np.maximum.reduceat(share, features.indptr[filled])
        at = np.flatnonzero(share == np.repeat(best, lengths[filled]))
        first_rows, first = np.unique(rows[at], return_index=True)
        at = at[first]
        positive = share[at] > 0
        picked.append((first_rows[positive], features.indices[at][positive], share[at][positive]))
        share[at] = -np.inf
    out: list[list[str]] = [[] for _ in range(features.shape[0])]
    for rows_k, cols_k, values_k in picked:
        for row, col, value in zip(rows_k.tolist(), cols_k.tolist(), values_k.tolist()):
            out[row].append(f"{names[col][2:]} +{value:.2f}")
    return ["; ".join(parts) for parts in out]
