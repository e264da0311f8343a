"""A classifier from seed words: your own taxonomy without thousands of labels.

A researcher writes a taxonomy file with a few seed terms per label.  :func:`train_from_seeds`
reads their own unlabeled archive and

1. labels every item the seed terms decide (weak supervision): an item is given the domains
   whose seed terms it holds, most hits first, and an item with no seed term at all gets the
   "other" label;
2. trains a :class:`DomainClassifier` on those guesses, which learns the words that go with
   the seed terms (一对一帮扶 beside 就业, 调解员 beside 纠纷);
3. relabels the archive with that model where it is confident and trains again
   (self-training), ``rounds`` times.

Human labels, when there are any, replace the guesses for their items.
:func:`propose` then picks the items the model is least sure about, to be labeled next
(active learning): the researcher fills in a TSV and trains again.

Examples:
    >>> from planparse.classify.taxonomy import Domain, Taxonomy
    >>> tax = Taxonomy("t", (Domain("体育", seeds=("运动会",)), Domain("读书", seeds=("读书",))))
    >>> texts = ["举办运动会和趣味赛跑", "组织读书分享会", "开展读书月活动", "秋季运动会报名"] * 3
    >>> model = train_from_seeds(texts, tax, min_df=1, cv=2)
    >>> model.predict_labels(["趣味赛跑报名"])[0][0]
    '体育'
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from planparse.classify.estimator import DomainClassifier
from planparse.classify.lexicon import LexiconTagger
from planparse.classify.taxonomy import Taxonomy
from planparse.normalize import fold_width

if TYPE_CHECKING:
    import pandas as pd

#: A self-training guess is kept when its most probable label reaches this probability.
CONFIDENT = 0.6
#: A text without any seed term is guessed "other" only from this length on.
OTHER_LENGTH = 15
#: How much a human label weighs against a guess: its item is given this many times.  With
#: 200 proposed labels against 2,522 guessed items of the web plans (benchmarks/seed_taxonomy.py)
#: macro-F1 was 0.652, 0.655, 0.669, 0.650 at weights 3, 10, 30, 100: a few hundred labels
#: must outweigh thousands of noisy guesses, but not drown them.  Those figures had one
#: self-training round; with the two that ``train_from_seeds`` does by default it is 0.671 at
#: both 30 and 100 (``--weight 100``): past 30 the weight no longer matters.
HUMAN_WEIGHT = 30
#: The SVMs' C when learning from guesses: they are noisy, so the models are kept simpler
#: than on human labels (C 1.0).  Measured on the web plans (benchmarks/seed_taxonomy.py,
#: no label used in training): macro-F1 0.618, 0.656, 0.664, 0.642 at C 0.03, 0.1, 0.3, 1.0.
SEED_C = 0.3


def seed_guesses(texts: Sequence[str], taxonomy: Taxonomy) -> list[list[str] | None]:
    """The seed terms' guess for each text: the domain with the most seed-term hits (one
    label: a seed term beside another domain's is too weak a sign of a second label), the
    "other" label for a text of ``OTHER_LENGTH`` characters or more without any seed term,
    and no guess (``None``) for a shorter one, which is as often a heading or a date.
    Seed terms are looked up in the text :func:`as_simplified`, so a taxonomy written in
    Simplified characters also guesses the pages of an archive written in Traditional ones.

    Examples:
        >>> seed_guesses(["开展法律援助和家庭教育工作", "召开全体居民运动会，丰富文化生活", "通知"],
        ...              Taxonomy.default())
        [['维权'], ['其他'], None]
        >>> seed_guesses(["加強婦聯幹部隊伍建設"], Taxonomy.default())
        [['组织建设']]
    """
    tagger = LexiconTagger(taxonomy).fit()
    hits = tagger.hits(as_simplified(texts))
    guesses: list[list[str] | None] = []
    for text, row in zip(texts, hits):
        if row.any():
            guesses.append([tagger.classes_[int(row.argmax())]])
        else:
            guesses.append([taxonomy.other] if len(text) >= OTHER_LENGTH else None)
    return guesses


def train_from_seeds(
    texts: Sequence[str],
    taxonomy: Taxonomy | str | None = None,
    labeled: dict[str, list[str]] | None = None,
    rounds: int = 2,
    stack: str | None = None,
    **params: Any,
) -> DomainClassifier:
    """A :class:`DomainClassifier` for ``taxonomy`` learned from unlabeled ``texts``.

    ``labeled`` maps a text to its human labels.  How content labels are used (the
    not-content ones always teach the content gate):

    * ``stack=None`` (the default): the labels replace the guesses of their items;
    * ``stack="seeds"``: the model learns from the seed terms alone, and the labels fit a
      small :func:`fit_stacker` on its decisions (:func:`stacked_on_labels`), which
      corrects its systematic mistakes;
    * ``stack="labels"``: the labels also replace the guesses of their items, and the
      stacker is cross-fitted (:func:`stacked_on_labels` with ``folds``);

    Neither stacker beat the default on the web plans (``docs/taxonomy.md``, seventh round).
    With fewer than ``2 * STACK_FOLDS`` content labels there is no stacker: the labels
    replace the guesses.  ``params`` go to :class:`DomainClassifier` (``C`` is ``SEED_C``
    unless given).  Deterministic for the same texts and labels.
    """
    params = {"C": SEED_C, **params}
    tax = taxonomy if isinstance(taxonomy, Taxonomy) else _loaded(taxonomy)
    texts = list(texts)
    labeled = labeled or {}
    if not stack or len(_content_texts(labeled, tax)) < 2 * STACK_FOLDS:
        return _seed_model(texts, tax, labeled, rounds, params)
    if stack == "labels":
        model = _seed_model(texts, tax, labeled, rounds, params)
        return stacked_on_labels(model, tax, labeled, (texts, rounds, params))
    gate_only = {t: row for t, row in labeled.items() if tax.not_content in row}
    return stacked_on_labels(_seed_model(texts, tax, gate_only, rounds, params), tax, labeled)


def _content_texts(labeled: dict[str, list[str]], tax: Taxonomy) -> list[str]:
    return sorted(t for t, row in labeled.items() if row and tax.not_content not in row)


def _seed_model(
    texts: list[str],
    tax: Taxonomy,
    labeled: dict[str, list[str]],
    rounds: int,
    params: dict,
) -> DomainClassifier:
    """Seed guesses, a context model on the masked texts, then ``rounds`` of self-training."""
    guesses: list[list[str] | None] = list(seed_guesses(texts, tax))
    # Trained on the guesses with the seed terms blanked out, a model can only learn the
    # words around them; where it is sure, its labels replace the guesses (items without a
    # seed term, and seed terms used in another sense).
    masked = mask_seeds(texts, tax)
    context = _fit(
        masked, guesses, {mask_seeds([t], tax)[0]: v for t, v in labeled.items()}, tax, params
    )
    guesses = [sure or guess for sure, guess in zip(_confident(context, masked), guesses)]
    model = _fit(texts, guesses, labeled, tax, params)
    for _ in range(rounds):
        guesses = _confident(model, texts)
        model = _fit(texts, guesses, labeled, tax, params)
    return model


def mask_seeds(texts: Sequence[str], taxonomy: Taxonomy) -> list[str]:
    """The texts with every seed term blanked out ("＊"), longest terms first; a term is
    found in the text :func:`as_simplified`, and blanked in the text as written.

    Examples:
        >>> mask_seeds(["开展法律援助和家庭教育", "開展法律援助"], Taxonomy.default())
        ['开展＊和＊', '開展＊']
    """
    import re

    terms = sorted(taxonomy.seed_terms, key=len, reverse=True)
    if not terms:
        return list(texts)
    pattern = re.compile("|".join(map(re.escape, terms)))
    written = [fold_width(text) for text in texts]
    return [
        _blanked(text, pattern.finditer(simple))
        for text, simple in zip(written, as_simplified(written))
    ]


def _blanked(text: str, matches: Any) -> str:
    """``text`` with the spans of ``matches`` (found in a same-length copy) replaced by "＊"."""
    parts, last = [], 0
    for match in matches:
        parts += [text[last : match.start()], "＊"]
        last = match.end()
    return "".join(parts) + text[last:]


@lru_cache(maxsize=1)
def _simplified_characters() -> dict[int, int]:
    from planparse.reuse.matchtext import simplified_table

    table = simplified_table()
    return {code: int(target) for code, target in enumerate(table.tolist()) if code != target}


def as_simplified(texts: Sequence[str]) -> list[str]:
    """The texts with Traditional characters mapped to Simplified ones, one character for
    one (OpenCC's character table, as the copy-paste search uses), so offsets still hold.
    Seed terms are matched in these: on the web plans 159 of the 2,522 archive items are in
    Traditional script, and 50 seed guesses change; macro-F1 without labels rose from 0.665
    to 0.676 (``benchmarks/seed_taxonomy.py``; 0.677 after 200 proposed labels).

    Examples:
        >>> as_simplified(["婦聯幹部隊伍", "妇联干部"])
        ['妇联干部队伍', '妇联干部']
    """
    table = _simplified_characters()
    return [text.translate(table) for text in texts]


def _loaded(taxonomy: str | None) -> Taxonomy:
    return Taxonomy.load(taxonomy) if taxonomy else Taxonomy.default()


def _confident(model: DomainClassifier, texts: list[str]) -> list[list[str] | None]:
    """The model's labels where it is sure of them, ``None`` elsewhere."""
    proba = model.predict_proba(texts)
    labels = model.predict_labels(texts)
    sure = proba.max(axis=1) >= CONFIDENT
    return [row if keep and row else None for row, keep in zip(labels, sure.tolist())]


def _fit(
    texts: list[str],
    guesses: list[list[str] | None],
    labeled: dict[str, list[str]],
    taxonomy: Taxonomy,
    params: dict,
) -> DomainClassifier:
    train_x, train_y = [], []
    for text, guess in zip(texts, guesses):
        if text not in labeled and guess:
            train_x.append(text)
            train_y.append(guess)
    for text, labels in sorted(labeled.items()):
        train_x += [text] * HUMAN_WEIGHT
        train_y += [labels] * HUMAN_WEIGHT
    model = DomainClassifier(taxonomy=taxonomy, **params)
    train_y = _without_rare(train_y, model.cv)
    kept = [i for i, labels in enumerate(train_y) if labels]
    return model.fit([train_x[i] for i in kept], [train_y[i] for i in kept])


def _without_rare(rows: list[list[str]], least: int) -> list[list[str]]:
    """Label lists without the labels that fewer than ``least`` items carry: calibration
    needs that many of each, and a label the guesses hardly ever give is not learned yet."""
    counts: dict[str, int] = {}
    for labels in rows:
        for label in labels:
            counts[label] = counts.get(label, 0) + 1
    return [[label for label in labels if counts[label] >= least] for labels in rows]


def informativeness(proba: np.ndarray) -> np.ndarray:
    """How unsure the model is of an item: one minus the gap between its two most probable
    labels (1.0: a tie; 0.0: one label certain, every other impossible).

    Examples:
        >>> informativeness(np.array([[0.9, 0.1], [0.5, 0.45]])).round(2).tolist()
        [0.2, 0.95]
    """
    top = np.sort(proba, axis=1)[:, ::-1]
    second = top[:, 1] if top.shape[1] > 1 else 0.0
    return 1.0 - (top[:, 0] - second)


def worth_labeling(model: DomainClassifier, texts: Sequence[str]) -> np.ndarray:
    """How much a label for each text would teach ``model``: the :func:`informativeness` of
    its label probabilities *given that it is content*, times the probability that it is
    content.  Ranking by ``predict_proba`` alone put the lines the content gate rejects first
    (every ``p_`` near 0 is a tie): on the web plans, 720 of the 1,000 items proposed over
    five folds were no content; with this score 317 (``benchmarks/seed_taxonomy.py``).

    Examples:
        >>> model = DomainClassifier(min_df=1, cv=2, words=False).fit(
        ...     ["开展法律援助", "举办最美家庭评选", "2023年1月5日", "组织读书会"] * 3,
        ...     [["维权"], ["家庭建设"], ["非内容"], ["其他"]] * 3)
        >>> scores = worth_labeling(model, ["2024年2月6日", "法律援助和家庭评选"])
        >>> bool(scores[1] > scores[0])
        True
    """
    proba, content = model.predict_proba_and_content(list(texts))
    given_content = proba / np.maximum(content, 1e-12)[:, None]
    return informativeness(given_content) * content


def diverse_picks(
    model: DomainClassifier, texts: Sequence[str], n: int, candidates: int = 10
) -> np.ndarray:
    """Indices of ``n`` texts to label that are both uncertain and unlike each other
    (weighted cluster-margin, after Zhdanov 2019 and Citovsky et al. 2021): the
    ``candidates * n`` texts :func:`worth_labeling` ranks first are clustered into ``n``
    groups (k-means over the model's features, weighted by that score, seed 0) and the most
    informative text of each group is taken, best first.

    Examples:
        >>> model = DomainClassifier(min_df=1, cv=2, words=False).fit(
        ...     ["开展法律援助", "举办最美家庭评选", "2023年1月5日", "组织读书会"] * 3,
        ...     [["维权"], ["家庭建设"], ["非内容"], ["其他"]] * 3)
        >>> texts = ["法律援助和家庭评选", "法律援助和家庭评选活动", "读书会和家庭评选", "2024年"]
        >>> picks = diverse_picks(model, texts, 2, candidates=2)
        >>> len(set(picks.tolist()))
        2
    """
    from sklearn.cluster import KMeans

    texts = list(texts)
    scores = worth_labeling(model, texts)
    top = np.argsort(-scores, kind="stable")[: candidates * n]
    if len(top) <= n:
        return top
    features = model.vectorizer_.transform([texts[i] for i in top])
    groups = KMeans(n_clusters=n, random_state=0, n_init=1).fit_predict(
        features, sample_weight=scores[top] + 1e-9
    )
    # ``top`` is ranked, so a group's first member is its most informative text.
    firsts = sorted(np.flatnonzero(groups == g)[0] for g in np.unique(groups))
    return top[firsts]


def propose(
    model: DomainClassifier, items: pd.DataFrame, n: int = 50, exclude: Sequence[str] = ()
) -> pd.DataFrame:
    """The ``n`` items most worth labeling (:func:`worth_labeling`: content whose label the
    model is least sure about), as a table to label: the item's
    ``doc_id``, ``start``, ``end`` and ``text``, the model's ``guess``, and an empty
    ``labels`` column for the researcher (labels "|"-joined, primary first).  Items whose
    text is in ``exclude`` (already labeled) and repeats of one text are skipped.

    Examples:
        >>> import pandas as pd                                  # doctest: +SKIP
        >>> propose(model, items, n=20).to_csv("next.tsv", sep="\\t", index=False)  # doctest: +SKIP
    """
    from planparse.classify.tagging import context_texts

    texts = context_texts(items)
    frame = items.assign(text=texts)[["doc_id", "start", "end", "text"]]
    frame = frame[~frame["text"].isin(set(exclude))].drop_duplicates("text")
    frame = frame.assign(
        informativeness=worth_labeling(model, frame["text"].tolist()).round(4),
        guess=["|".join(row) for row in model.predict_labels(frame["text"].tolist())],
        labels="",
    )
    order = np.argsort(-frame["informativeness"].to_numpy(), kind="stable")[:n]
    return frame.iloc[order].reset_index(drop=True)


#: Folds over the human labels for :func:`stacked_on_labels`: each labelled item's decision
#: values come from a model trained without its label.
STACK_FOLDS = 5
#: The second-level logistic regressions' inverse regularisation (on standardised decisions).
STACK_C = 1.0


def decision_values(model: DomainClassifier, texts: Sequence[str]) -> np.ndarray:
    """The raw SVM decision of every label for each text, shape ``(n_texts, n_labels)``
    (0.0 for a label the model never learnt); ``predict_proba`` is a sigmoid of these.

    Examples:
        >>> model = DomainClassifier(min_df=1, cv=2, words=False).fit(
        ...     ["开展法律援助", "举办最美家庭评选", "组织技能培训", "组织读书会"] * 3,
        ...     [["维权"], ["家庭建设"], ["就业"], ["其他"]] * 3)
        >>> values = decision_values(model, ["开展法律援助"])
        >>> values.shape, int(values.argmax())
        ((1, 5), 0)
    """
    features = model.vectorizer_.transform(list(texts))
    columns = []
    for estimator in model.model_.estimators_:
        svm = _svm_of(estimator)
        columns.append(svm.decision_function(features) if svm else np.zeros(features.shape[0]))
    return np.column_stack(columns)


def _svm_of(estimator: Any) -> Any:
    """The linear SVM inside one label's calibrated estimator (``None`` for a constant)."""
    calibrated = getattr(estimator, "calibrated_classifiers_", None)
    return calibrated[0].estimator if calibrated else None


def fit_stacker(
    decisions: np.ndarray, targets: np.ndarray, C: float = STACK_C
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per label, a logistic regression of "the item carries this label" on every label's
    decision value: a few parameters per label, so that a few hundred labels can learn the
    seed model's systematic mistakes ("a profile it calls other is often organisation
    building").  Returns ``(weights, bias, fitted)`` on the raw decisions: label ``j``'s
    probability is ``expit(decisions @ weights[j] + bias[j])`` where ``fitted[j]``; a label
    with fewer than two positive or two negative items is not fitted.

    Examples:
        >>> decisions = np.array([[2.0, -1.0], [1.5, -0.5], [1.0, 0.5], [0.8, 0.9]] * 3)
        >>> targets = np.array([[1, 0], [1, 0], [0, 1], [0, 1]] * 3)
        >>> weights, bias, fitted = fit_stacker(decisions, targets)
        >>> fitted.tolist(), bool(decisions[2] @ weights[1] + bias[1] > 0)
        ([True, True], True)
    """
    from sklearn.linear_model import LogisticRegression

    live = decisions.std(axis=0) > 0
    centre, scale = decisions.mean(axis=0), np.where(live, decisions.std(axis=0), 1.0)
    standard = ((decisions - centre) / scale)[:, live]
    n_labels = targets.shape[1]
    weights, bias = np.zeros((n_labels, decisions.shape[1])), np.zeros(n_labels)
    fitted = np.zeros(n_labels, dtype=bool)
    for j in range(n_labels):
        positives = int(targets[:, j].sum())
        if min(positives, len(targets) - positives) < 2:
            continue
        regression = LogisticRegression(C=C).fit(standard, targets[:, j])
        weights[j, live] = regression.coef_[0] / scale[live]
        bias[j] = regression.intercept_[0] - weights[j] @ centre
        fitted[j] = True
    return weights, bias, fitted


def with_stacker(
    model: DomainClassifier, weights: np.ndarray, bias: np.ndarray, fitted: np.ndarray
) -> DomainClassifier:
    """A copy of ``model`` whose fitted labels follow the stacker of :func:`fit_stacker`.
    The stacker is linear in the SVMs' decisions and each decision is linear in the
    features, so it folds into one linear SVM per label (its calibration made the plain
    sigmoid): the result is an ordinary :class:`DomainClassifier`, saved, loaded and
    explained like any other.

    Examples:
        >>> model = DomainClassifier(min_df=1, cv=2, words=False).fit(
        ...     ["开展法律援助", "举办最美家庭评选", "组织技能培训", "组织读书会"] * 3,
        ...     [["维权"], ["家庭建设"], ["就业"], ["其他"]] * 3)
        >>> weights, bias = np.zeros((5, 5)), np.full(5, 3.0)  # every label, always
        >>> fitted = np.array([True, False, False, False, False])
        >>> stacked = with_stacker(model, weights, bias, fitted)
        >>> round(float(stacked.predict_proba(["组织读书会"])[0, 0]), 2)
        0.95
    """
    from copy import deepcopy

    combined = deepcopy(model)
    svms = [_svm_of(estimator) for estimator in model.model_.estimators_]
    width = model.vectorizer_.transform([""]).shape[1]
    coef = np.vstack([svm.coef_[0] if svm else np.zeros(width) for svm in svms])
    intercept = np.array([svm.intercept_[0] if svm else 0.0 for svm in svms])
    for j in np.flatnonzero(fitted):
        calibrated = getattr(combined.model_.estimators_[j], "calibrated_classifiers_", None)
        if not calibrated:
            continue
        calibrated[0].estimator.coef_ = (weights[j] @ coef)[None, :]
        calibrated[0].estimator.intercept_ = np.array([weights[j] @ intercept + bias[j]])
        calibrated[0].calibrators[0].a_, calibrated[0].calibrators[0].b_ = -1.0, 0.0
    svms = [_svm_of(estimator) for estimator in combined.model_.estimators_]
    combined.coef_ = np.vstack([svm.coef_[0] if svm else np.zeros(width) for svm in svms])
    return combined


def stacked_on_labels(
    model: DomainClassifier,
    tax: Taxonomy,
    labeled: dict[str, list[str]],
    folds: tuple[list[str], int, dict] | None = None,
) -> DomainClassifier:
    """``model`` corrected by a :func:`fit_stacker` fitted on the human labels of content
    items.  The stacker must learn how the model errs on items whose label it has not seen,
    as on new items: without ``folds``, ``model`` must have seen no content label; with
    ``folds`` (the archive texts, self-training rounds and parameters of ``model``), the
    labelled items are dealt into ``STACK_FOLDS`` folds (every ``STACK_FOLDS``-th in text
    order) and each fold's decisions come from a seed model trained on the other folds'
    labels (cross-fitting).
    """
    content = _content_texts(labeled, tax)
    if folds is None:
        decisions = decision_values(model, content)
    else:
        decisions = _cross_fitted_decisions(content, tax, labeled, *folds)
    targets = np.array([[label in labeled[t] for label in model.classes_] for t in content])
    return with_stacker(model, *fit_stacker(decisions, targets.astype(int)))


def _cross_fitted_decisions(
    content: list[str],
    tax: Taxonomy,
    labeled: dict[str, list[str]],
    texts: list[str],
    rounds: int,
    params: dict,
) -> np.ndarray:
    decisions = np.zeros((len(content), len(tax.labels)))
    for k in range(STACK_FOLDS):
        held = content[k::STACK_FOLDS]
        rest = {t: row for t, row in labeled.items() if t not in set(held)}
        decisions[k::STACK_FOLDS] = decision_values(
            _seed_model(texts, tax, rest, rounds, params), held
        )
    return decisions
