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
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

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


def _run(model: Any, train: "pd.DataFrame", test: "pd.DataFrame") -> tuple[np.ndarray, np.ndarray]:
    model.fit(train["text"].tolist(), train["labels"].tolist())
    proba = model.predict_proba(test["text"].tolist())
    return model.decide(proba) if hasattr(model, "decide") else model.predict(
        test["text"].tolist()
    ), proba


def _evaluate(
    splits: list[tuple["pd.DataFrame", "pd.DataFrame"]], factory: Factory, classes: list[str]
) -> dict:
    binarizer = MultiLabelBinarizer(classes=classes)
    out = {}
    for name, make in (("model", factory), ("lexicon", LexiconTagger)):
        truth, chosen, proba, primary = [], [], [], []
        for train, test in splits:
            c, p = _run(make(), train, test)
            truth.append(binarizer.fit_transform(test["labels"]))
            chosen.append(c)
            proba.append(p)
            primary.append(_primary(test["labels"].tolist(), classes))
        truth_all, chosen_all, proba_all = map(np.vstack, (truth, chosen, proba))
        result = scores(truth_all, chosen_all, proba_all, classes)
        result["confusion"] = confusion(
            np.concatenate(primary), proba_all.argmax(axis=1), len(classes)
        )
        out[name] = result
    out["items"] = int(sum(len(test) for _, test in splits))
    return out


def grouped_cv(frame: "pd.DataFrame", factory: Factory = DomainClassifier, folds: int = 5) -> dict:
    """Grouped k-fold cross-validation of ``factory()`` and the lexicon baseline."""
    classes = _classes(factory)
    splitter = GroupKFold(n_splits=folds)
    splits = [
        (frame.iloc[a], frame.iloc[b]) for a, b in splitter.split(frame, groups=frame["group"])
    ]
    return _evaluate(splits, factory, classes)


def cross_source(
    frame: "pd.DataFrame", train: str, test: str, factory: Factory = DomainClassifier
) -> dict:
    """Train on one source (``"sample"``), test on another (``"real"``)."""
    split = [(frame[frame["source"] == train], frame[frame["source"] == test])]
    return _evaluate(split, factory, _classes(factory))


def _classes(factory: Factory) -> list[str]:
    model = factory()
    taxonomy = model._taxonomy() if hasattr(model, "_taxonomy") else None
    from planparse.classify.taxonomy import Taxonomy

    return list((taxonomy or Taxonomy.default()).labels)


def ceiling(folder: str | Path, classes: list[str]) -> dict | None:
    """Annotator agreement from ``agreement.tsv``: the second annotator scored against the
    first, per label, plus Cohen's kappa of the primary label."""
    path = Path(folder) / "agreement.tsv"
    if not path.is_file():
        return None
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream, delimiter="\t"))
    first = [r["labels_a"].split("|") for r in rows]
    second = [r["labels_b"].split("|") for r in rows]
    binarizer = MultiLabelBinarizer(classes=classes)
    result = scores(binarizer.fit_transform(first), binarizer.fit_transform(second), None, classes)
    result["kappa_primary"] = round(
        float(cohen_kappa_score([a[0] for a in first], [b[0] for b in second])), 4
    )
    result["items"] = len(rows)
    return result


def format_report(title: str, result: dict, top: dict | None, classes: list[str]) -> str:
    """A plain-text table: per-label P/R/F1 of the model, the baseline and the ceiling."""
    lines = [
        f"== {title} ({result['items']} items)",
        f"{'label':<8} {'P':>6} {'R':>6} {'F1':>6} | {'lexicon F1':>10} | {'ceiling F1':>10} "
        f"{'support':>8}",
    ]
    for label in classes:
        m, b = result["model"]["labels"][label], result["lexicon"]["labels"][label]
        c = top["labels"][label]["f1"] if top else float("nan")
        lines.append(
            f"{label:<8} {m['precision']:>6.3f} {m['recall']:>6.3f} {m['f1']:>6.3f} | "
            f"{b['f1']:>10.3f} | {c:>10.3f} {m['support']:>8}"
        )
    c = top["macro_f1"] if top else float("nan")
    lines.append(
        f"{'macro-F1':<8} {'':>6} {'':>6} {result['model']['macro_f1']:>6.3f} | "
        f"{result['lexicon']['macro_f1']:>10.3f} | {c:>10.3f}"
    )
    lines.append(
        f"ECE (10 bins): model {result['model']['ece']:.3f}, lexicon {result['lexicon']['ece']:.3f}"
    )
    lines.append("confusion of the primary label (rows: truth, columns: model):")
    lines.append("          " + " ".join(f"{c:>6}" for c in classes))
    for label, row in zip(classes, result["model"]["confusion"]):
        lines.append(f"{label:<8}  " + " ".join(f"{n:>6}" for n in row))
    return "\n".join(lines)
