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
from typing import TYPE_CHECKING, Any

import numpy as np

from planparse.classify.estimator import DomainClassifier
from planparse.classify.lexicon import LexiconTagger
from planparse.classify.taxonomy import Taxonomy
from planparse.normalize import fold_width, to_simplified

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
    **params: Any,
) -> DomainClassifier:
    """A :class:`DomainClassifier` for ``taxonomy`` learned from unlabeled ``texts``.

    ``labeled`` maps a text to its human labels (they replace the guesses).  ``params`` go
    to :class:`DomainClassifier` (``C`` is ``SEED_C`` unless given).  Deterministic for the
    same texts and labels.
    """
    params = {"C": SEED_C, **params}
    tax = taxonomy if isinstance(taxonomy, Taxonomy) else _loaded(taxonomy)
    texts = list(texts)
    labeled = labeled or {}
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
        model = _fit(texts, guesses, labeled or {}, tax, params)
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
    return [to_simplified(text) for text in texts]


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
