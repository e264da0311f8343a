"""Tag the item table: ``planparse.tag(items)`` adds domain columns to the right.

Examples:
    >>> import planparse
    >>> items = planparse.parse("一、开展法律援助，维护妇女合法权益\\n二、举办最美家庭评选活动\\n", doc_id="a").to_frame()
    >>> planparse.tag(items)[["text", "domain"]].values.tolist()  # doctest: +SKIP
    [['开展法律援助，维护妇女合法权益', '维权'], ['举办最美家庭评选活动', '家庭建设']]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from planparse.classify.features import BORROWED, PARENT, plain

if TYPE_CHECKING:
    import pandas as pd

    from planparse.classify.estimator import DomainClassifier

#: A heading shorter than this borrows the text of its first children ("三、深化维权活动").
SHORT_HEADING = 16
CONTEXT_CHARS = 200
#: How much of the parent heading an item carries.
HEADING_CHARS = 30
#: Texts featurized at once when tagging.
BLOCK = 8192


def context_texts(items: pd.DataFrame) -> list[str]:
    """The text the classifier reads for each row: its own text, and for a short heading or
    a line that introduces what follows ("…总体思路是："), the start of its children's text;
    then, after "｜", the start of its parent's heading.

    Plans group items under thematic headings, and an annotator reads an item under its
    heading: "举办儿童节联欢会" is 其他 under "丰富群众文化生活".  The heading raised the
    grouped-CV macro-F1 on the sample from 0.839 to 0.866, and the cross-source figures too.

    Examples:
        >>> import planparse
        >>> items = planparse.parse("一、维护妇女权益\\n1、开展普法宣传\\n", doc_id="a").to_frame()
        >>> context_texts(items)
        ['维护妇女权益⟫开展普法宣传', '开展普法宣传｜维护妇女权益']
    """
    texts = [plain(text) for text in items["text"].fillna("").astype(str).tolist()]
    kinds = items["kind"].tolist()
    children: dict[str, list[str]] = {}
    for parent, text in zip(items["parent_id"].tolist(), texts):
        if parent:
            children.setdefault(parent, []).append(text)
    own = dict(zip(items["item_id"].tolist(), texts))
    out = []
    for item_id, parent, kind, text in zip(
        items["item_id"].tolist(), items["parent_id"].tolist(), kinds, texts
    ):
        below = children.get(item_id)
        if below and kind != "inline" and (len(text) < SHORT_HEADING or text.endswith(("：", ":"))):
            text = (text.rstrip("：:") + BORROWED + "".join(below))[:CONTEXT_CHARS]
        if parent and parent in own:
            text = text + PARENT + own[parent][:HEADING_CHARS]
        out.append(text)
    return out


def tag(
    items: pd.DataFrame,
    model: DomainClassifier | str | None = None,
    threshold: float | None = None,
    reasons: bool = True,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """The item table with ``is_content``, ``content_score``, ``domain``, ``domains``,
    ``p_<label>`` … and ``reason`` added.

    ``is_content`` says whether the row is an item of some label at all: greetings, dates,
    speaker and signature lines, site blurbs and bare section headings (指导思想, 保障措施)
    are not, and neither is debris.  ``content_score`` is the content gate's probability.
    For a content row, ``domain`` is the primary label, ``domains`` every label at or above
    the threshold (a list; "|"-joined in CSV) and ``reason`` the words that drove the
    primary label; for other rows ``domain`` is missing (``None``), ``domains`` empty and
    ``reason`` "".  The ``p_`` columns (one per label of the model's taxonomy) are the
    probability that the row is content *and* carries the label, so they stay below 0.5 on
    rows that are not content; debris rows get ``NaN``.  ``model`` is a fitted
    :class:`DomainClassifier`, a path to a ``.skops`` model, or ``None`` for the shipped
    model.  ``n_jobs`` processes share the rows in contiguous blocks; the result is the same
    for any ``n_jobs``.

    Examples:
        >>> import planparse
        >>> items = planparse.parse(
        ...     "村妇联工作计划\\n一、维护妇女权益\\n（一）开展反家暴法律宣传进村入户。\\n"
        ...     "二、促进妇女就业\\n（一）举办家政技能培训班。\\n", doc_id="a.txt").to_frame()
        >>> tagged = planparse.tag(items)
        >>> tagged["domain"].tolist()
        ['维权', '维权', '就业', '就业']
    """
    from planparse.classify.estimator import with_threshold
    from planparse.classify.persist import load_model

    clf = load_model(model) if not hasattr(model, "predict_proba") else model
    if threshold is not None:
        clf = with_threshold(clf, threshold)
    out = items.copy()
    scored = (out["kind"] != "debris").to_numpy()
    texts = [t for t, keep in zip(context_texts(out), scored) if keep]
    labels, proba, content, explained = _predict(clf, texts, reasons, n_jobs)
    is_content = np.zeros(len(out), dtype=bool)
    is_content[scored] = content >= 0.5
    out["is_content"] = is_content
    _put(out, scored, "content_score", content.round(4), np.nan)
    _put(out, scored, "domain", [row[0] if row else None for row in labels], None)
    out["domain"] = out["domain"].astype("string")  # missing is <NA>; one Parquet type always
    _put(out, scored, "domains", labels, [])
    for j, label in enumerate(clf.classes_):
        _put(out, scored, f"p_{label}", proba[:, j].round(4), np.nan)
    _put(out, scored, "reason", explained, "")
    return out


Predicted = tuple[list[list[str]], np.ndarray, np.ndarray, list[str]]


def predict_block(clf: DomainClassifier, texts: list[str], reasons: bool = True) -> Predicted:
    """Labels, label probabilities, content probabilities and reasons for a list of texts
    (one process), computed ``BLOCK`` texts at a time so that memory does not grow with the
    archive."""
    parts = [
        _predict_texts(clf, texts[i : i + BLOCK], reasons) for i in range(0, len(texts), BLOCK)
    ] or [_predict_texts(clf, [], reasons)]
    return _joined(parts)


def _joined(parts: list[Predicted]) -> Predicted:
    return (
        [row for part in parts for row in part[0]],
        np.vstack([part[1] for part in parts]),
        np.concatenate([part[2] for part in parts]),
        [r for part in parts for r in part[3]],
    )


def _predict_texts(clf: DomainClassifier, texts: list[str], reasons: bool) -> Predicted:
    from planparse.classify.estimator import labels_from

    if not texts:
        return [], np.empty((0, len(clf.classes_))), np.empty(0), []
    features = clf.vectorizer_.transform(texts)
    content = clf._content(texts, features)
    proba = clf._proba(features) * content[:, None]  # P(content and label)
    labels = labels_from(clf.decide(proba, content), proba, clf.classes_)
    if not reasons:
        return labels, proba, content, [""] * len(labels)
    index = {label: j for j, label in enumerate(clf.classes_)}
    primary = np.array([index[row[0]] if row else 0 for row in labels], dtype=int)
    explained = clf.explain(features, primary)
    return labels, proba, content, [r if row else "" for r, row in zip(explained, labels)]


def _predict(clf: DomainClassifier, texts: list[str], reasons: bool, n_jobs: int) -> Predicted:
    if n_jobs <= 1 or len(texts) < 2000:
        return predict_block(clf, texts, reasons)
    from planparse.workers import map_in_processes

    size = -(-len(texts) // n_jobs)
    blocks = [texts[i : i + size] for i in range(0, len(texts), size)]
    parts = map_in_processes(
        predict_block, [clf] * len(blocks), blocks, [reasons] * len(blocks), jobs=n_jobs
    )
    return _joined(list(parts))


def _put(frame: pd.DataFrame, mask: np.ndarray, column: str, values: Any, empty: Any) -> None:
    """Set a new column: ``values`` on the rows of ``mask``, ``empty`` on the others."""
    if isinstance(values, np.ndarray):
        full = np.full(len(frame), empty, dtype=float)
        full[mask] = values
        frame[column] = full
        return
    cells: list[Any] = (
        [[] for _ in range(len(frame))] if isinstance(empty, list) else [empty] * len(frame)
    )
    for i, value in zip(np.flatnonzero(mask).tolist(), values):
        cells[i] = value
    frame[column] = cells
