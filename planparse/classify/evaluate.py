"""Honest evaluation: grouped cross-validation, cross-source splits, baseline and ceiling.

All items of one plan (one document for real texts) fall in one fold, so no plan is both
trained on and tested on.  Every figure is printed beside the lexicon baseline and the
annotator-agreement ceiling.

Examples:
    >>> from planparse.classify.labels import load_labels          # doctest: +SKIP
    >>> result = grouped_cv(load_labels("corpus/labels", ["sample"]))  # doctest: +SKIP
    >>> round(result["model"]["macro_f1"], 3)                       # doctest: +SKIP
    0.9
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import MultiLabelBinarizer

from planparse.classify.estimator import DomainClassifier
from planparse.classify.lexicon import LexiconTagger

if TYPE_CHECKING:
    import pandas as pd

Factory = Callable[[], Any]


def expected_calibration_error(truth: np.ndarray, proba: np.ndarray, bins: int = 10) -> float:
    """ECE over every (item, label) probability: the mean gap between confidence and
    frequency in ``bins`` equal-width bins, weighted by bin size.

    Examples:
        >>> expected_calibration_error(np.array([[1, 0]]), np.array([[0.9, 0.1]]))
        0.1
    """
    truth, proba = truth.ravel().astype(float), proba.ravel()
    which = np.minimum((proba * bins).astype(int), bins - 1)
    gap = 0.0
    for b in range(bins):
        inside = which == b
        if inside.any():
            gap += inside.sum() * abs(proba[inside].mean() - truth[inside].mean())
    return round(float(gap / len(proba)), 4)


def scores(
    truth: np.ndarray, chosen: np.ndarray, proba: np.ndarray | None, classes: list[str]
) -> dict:
    """Per-label precision, recall, F1; macro-F1; primary-label confusion matrix; ECE."""
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, chosen, average=None, zero_division=0
    )
    result = {
        "labels": {
            c: {
                "precision": round(float(p), 4),
                "recall": round(float(r), 4),
                "f1": round(float(f), 4),
                "support": int(s),
            }
            for c, p, r, f, s in zip(classes, precision, recall, f1, support)
        },
        "macro_f1": round(float(np.mean(f1)), 4),
    }
    if proba is not None:
        result["ece"] = expected_calibration_error(truth, proba)
    return result


def _primary(labels: list[list[str]], classes: list[str]) -> np.ndarray:
    return np.array([classes.index(row[0]) for row in labels])


def confusion(true_primary: np.ndarray, predicted_primary: np.ndarray, k: int) -> list[list[int]]:
    """Counts of (true primary label, predicted primary label)."""
    matrix = np.zeros((k, k), dtype=int)
    np.add.at(matrix, (true_primary, predicted_primary), 1)
    return matrix.tolist()


def _fold(model: Any, train: pd.DataFrame, test: pd.DataFrame, classes: list[str]) -> dict:
    """Fit on ``train``; the test items' truth, choices and probabilities.  Domain scores are
    taken on the content items; a model with a content gate is also scored on every item."""
    model.fit(train["text"].tolist(), train["labels"].tolist())
    content = np.array([row[0] in classes for row in test["labels"]])
    kept = test[content]
    texts = kept["text"].tolist()
    proba = model.predict_proba(texts)
    chosen = model.predict(texts)
    fold = {
        "truth": MultiLabelBinarizer(classes=classes).fit_transform(kept["labels"]),
        "chosen": chosen,
        "proba": proba,
        "primary": _primary(kept["labels"].tolist(), classes),
        "clear": (kept["confidence"] == "clear").to_numpy() if "confidence" in kept else None,
    }
    if hasattr(model, "content_proba") and not content.all():
        fold["content_truth"] = content
        fold["content_proba"] = model.content_proba(test["text"].tolist())
    return fold


def _stacked(folds: list[dict], key: str) -> np.ndarray | None:
    parts = [fold[key] for fold in folds if fold.get(key) is not None]
    if len(parts) < len(folds):
        return None
    return np.concatenate(parts) if parts[0].ndim == 1 else np.vstack(parts)


def _scored(folds: list[dict], classes: list[str]) -> dict:
    truth, chosen, proba = (_stacked(folds, k) for k in ("truth", "chosen", "proba"))
    primary = _stacked(folds, "primary")
    result = scores(truth, chosen, proba, classes)
    result["confusion"] = confusion(primary, proba.argmax(axis=1), len(classes))
    # An item with no label (the gate called it no content) counts as wrong.
    picked = np.where(chosen.any(axis=1), np.where(chosen, proba, -1).argmax(axis=1), -1)
    right = picked == primary
    result["accuracy"] = round(float(right.mean()), 4)
    clear = _stacked(folds, "clear")
    if clear is not None and clear.any():
        result["accuracy_clear"] = round(float(right[clear].mean()), 4)
        result["items_clear"] = int(clear.sum())
    result["reliability"] = reliability(truth, proba)
    gate_truth = _stacked(folds, "content_truth")
    if gate_truth is not None:
        result["content_gate"] = gate_scores(gate_truth, _stacked(folds, "content_proba"))
    return result


def gate_scores(content: np.ndarray, proba: np.ndarray) -> dict:
    """How well the gate finds the spans that are no content: precision, recall and F1 of
    "not content", accuracy, and how many non-content spans would get a label above 0.5.

    Examples:
        >>> gate_scores(np.array([True, False]), np.array([0.9, 0.2]))["accuracy"]
        1.0
    """
    said_not = proba < 0.5
    precision, recall, f1, _ = precision_recall_fscore_support(
        ~content, said_not, average="binary", zero_division=0
    )
    return {
        "not_content_precision": round(float(precision), 4),
        "not_content_recall": round(float(recall), 4),
        "not_content_f1": round(float(f1), 4),
        "accuracy": round(float((said_not != content).mean()), 4),
        "items": len(content),
        "not_content_items": int((~content).sum()),
    }


def reliability(truth: np.ndarray, proba: np.ndarray, bins: int = 10) -> list[dict]:
    """Reliability-diagram data over every (item, label) probability: per equal-width bin,
    the mean predicted probability, the observed frequency and the count.

    Examples:
        >>> reliability(np.array([[1, 0]]), np.array([[0.95, 0.05]]), bins=2)
        [{'bin': 0, 'predicted': 0.05, 'observed': 0.0, 'count': 1}, {'bin': 1, 'predicted': 0.95, 'observed': 1.0, 'count': 1}]
    """
    truth, proba = truth.ravel().astype(float), proba.ravel()
    which = np.minimum((proba * bins).astype(int), bins - 1)
    return [
        {
            "bin": b,
            "predicted": round(float(proba[which == b].mean()), 4),
            "observed": round(float(truth[which == b].mean()), 4),
            "count": int((which == b).sum()),
        }
        for b in range(bins)
        if (which == b).any()
    ]


def _evaluate(
    splits: list[tuple[pd.DataFrame, pd.DataFrame]],
    factory: Factory,
    classes: list[str],
    baselines: dict[str, Factory] | None = None,
) -> dict:
    makers = {"model": factory, "lexicon": LexiconTagger, **(baselines or {})}
    out: dict[str, Any] = {
        name: _scored([_fold(make(), train, test, classes) for train, test in splits], classes)
        for name, make in makers.items()
    }
    out["items"] = int(sum(len(test) for _, test in splits))
    return out


def grouped_cv(frame: pd.DataFrame, factory: Factory = DomainClassifier, folds: int = 5) -> dict:
    """Grouped k-fold cross-validation of ``factory()`` and the lexicon baseline."""
    classes = _classes(factory)
    splitter = GroupKFold(n_splits=folds)
    splits = [
        (frame.iloc[a], frame.iloc[b]) for a, b in splitter.split(frame, groups=frame["group"])
    ]
    return _evaluate(splits, factory, classes)


def held_out_cv(
    frame: pd.DataFrame,
    source: str,
    factory: Factory = DomainClassifier,
    folds: int = 5,
    baselines: dict[str, Factory] | None = None,
) -> dict:
    """Grouped k-fold CV over the items of one ``source`` only (its groups: websites and
    pages that copy each other), each fold trained on the other folds *and* on every item of
    the other sources: how well the shipped model, trained on everything, does on a site it
    has never seen.  ``baselines`` are trained and scored on the same folds."""
    splits = held_out_splits(frame, source, folds)
    return _evaluate(splits, factory, _classes(factory), baselines)


def held_out_splits(
    frame: pd.DataFrame, source: str, folds: int = 5
) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """The (train, test) folds of :func:`held_out_cv`: grouped k-fold over the items of
    ``source``, each training set holding the other folds and the items of the other
    sources, except those of a document in the test fold.  Groups are ``source:document…``,
    so the reports' long items (source ``real``) never train the fold that tests the same
    reports' short lines (source ``reports-lines``).

    Examples:
        >>> import pandas as pd
        >>> frame = pd.DataFrame({"source": ["a"] * 4 + ["b", "b"],
        ...                       "group": ["a:x", "a:x", "a:y", "a:y", "b:x", "b:z"]})
        >>> [(len(train), len(test)) for train, test in held_out_splits(frame, "a", folds=2)]
        [(4, 2), (3, 2)]
    """
    tested = frame[frame["source"] == source]
    rest = frame[frame["source"] != source]
    documents = rest["group"].map(_document)
    splitter = GroupKFold(n_splits=folds)
    splits = []
    for a, b in splitter.split(tested, groups=tested["group"]):
        test = tested.iloc[b]
        unseen = ~documents.isin(set(test["group"].map(_document)))
        splits.append((pd_concat(rest[unseen], tested.iloc[a]), test))
    return splits


def _document(group: str) -> str:
    """The document part of a group key (``real:national-reports/ab12`` →
    ``national-reports/ab12``); a key without a source prefix is its own document."""
    _, colon, document = str(group).partition(":")
    return document if colon else str(group)


def pd_concat(*frames: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    return pd.concat(frames, ignore_index=True)


def cross_source(
    frame: pd.DataFrame, train: str, test: str, factory: Factory = DomainClassifier
) -> dict:
    """Train on one source (``"sample"``), test on another (``"real"``)."""
    split = [(frame[frame["source"] == train], frame[frame["source"] == test])]
    return _evaluate(split, factory, _classes(factory))


def _classes(factory: Factory) -> list[str]:
    model = factory()
    taxonomy = model._taxonomy() if hasattr(model, "_taxonomy") else None
    from planparse.classify.taxonomy import Taxonomy

    return list((taxonomy or Taxonomy.default()).labels)


def ceiling(folder: str | Path, classes: list[str], file: str = "agreement.tsv") -> dict | None:
    """Annotator agreement from a file of two blind annotations (``labels_a``,
    ``labels_b``): the second scored against the first per label (P/R/F1 on the items both
    call content), Cohen's kappa per label (presence or absence, on every item; the
    not-content label ``非内容`` is one more label here) and of the primary label."""
    path = Path(folder) / file
    if not path.is_file():
        return None
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream, delimiter="\t"))
    first = [r["labels_a"].split("|") for r in rows]
    second = [r["labels_b"].split("|") for r in rows]
    both = [i for i, (a, b) in enumerate(zip(first, second)) if a[0] in classes and b[0] in classes]
    binarizer = MultiLabelBinarizer(classes=classes)
    result = scores(
        binarizer.fit_transform([first[i] for i in both]),
        binarizer.fit_transform([second[i] for i in both]),
        None,
        classes,
    )
    extra = sorted({label for row in first + second for label in row} - set(classes))
    every = MultiLabelBinarizer(classes=classes + extra)
    a, b = every.fit_transform(first), every.fit_transform(second)
    # None for a label neither annotator used: kappa is undefined there.
    result["kappa"] = {
        label: _kappa(a[:, j], b[:, j]) for j, label in enumerate(classes + extra)
    }
    result["kappa_primary"] = round(
        float(cohen_kappa_score([x[0] for x in first], [y[0] for y in second])), 4
    )
    result["items"] = len(rows)
    return result


def _kappa(first: np.ndarray, second: np.ndarray) -> float | None:
    if not (first.any() or second.any()):
        return None
    return round(float(cohen_kappa_score(first, second)), 4)


def format_report(title: str, result: dict, top: dict | None, classes: list[str]) -> str:
    """A plain-text table: per-label P/R/F1 of the model, the baselines' F1, the ceiling's
    F1 and kappa; accuracy, calibration, the content gate and the confusion matrix."""
    others = [name for name in result if isinstance(result[name], dict) and name != "model"]
    lines = [
        f"== {title} ({result['items']} items)",
        f"{'label':<8} {'P':>6} {'R':>6} {'F1':>6} | "
        + " ".join(f"{name[:12]:>12}" for name in others)
        + f" | {'ceiling F1':>10} {'kappa':>6} {'support':>8}",
    ]
    for label in classes + ["macro-F1"]:
        m = result["model"]["labels"].get(label, {})
        f1 = m.get("f1", result["model"]["macro_f1"])
        base = [
            result[n]["labels"][label]["f1"] if label in classes else result[n]["macro_f1"]
            for n in others
        ]
        c = (top["labels"][label]["f1"] if label in classes else top["macro_f1"]) if top else None
        k = top.get("kappa", {}).get(label) if top else None
        lines.append(
            f"{label:<8} {_num(m.get('precision')):>6} {_num(m.get('recall')):>6} {_num(f1):>6} | "
            + " ".join(f"{_num(b):>12}" for b in base)
            + f" | {_num(c):>10} {_num(k):>6} {m.get('support', ''):>8}"
        )
    model = result["model"]
    lines.append(
        f"primary-label accuracy {model['accuracy']:.3f}"
        + (
            f", on the {model['items_clear']} clear items {model['accuracy_clear']:.3f}"
            if "accuracy_clear" in model
            else ""
        )
    )
    lines.append(
        "ECE (10 bins): " + ", ".join(f"{n} {result[n]['ece']:.3f}" for n in ["model"] + others)
    )
    if "content_gate" in model:
        gate = model["content_gate"]
        lines.append(
            f"content gate on {gate['items']} spans ({gate['not_content_items']} not content): "
            f"not-content P {gate['not_content_precision']:.3f} R {gate['not_content_recall']:.3f}"
            f" F1 {gate['not_content_f1']:.3f}, accuracy {gate['accuracy']:.3f}"
        )
    if top and "kappa_primary" in top:
        lines.append(
            f"ceiling: {top['items']} items, kappa of the primary label {top['kappa_primary']:.3f}"
        )
    lines.append("confusion of the primary label (rows: truth, columns: model):")
    lines.append("          " + " ".join(f"{c:>6}" for c in classes))
    for label, row in zip(classes, model["confusion"]):
        lines.append(f"{label:<8}  " + " ".join(f"{n:>6}" for n in row))
    return "\n".join(lines)


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"
