"""A stacked content gate: does a non-linear second stage keep confident labels off the
report lines that look like no content, without losing real items?

    python benchmarks/classify_gate_stack.py [--balanced]

The shipped gate is one calibrated linear SVM over the item's features and eleven layout
columns.  Here gradient-boosted trees (depth 3, seed 0) decide instead, from that SVM's
out-of-fold content probability and the same layout columns, so that "short" can weigh
differently for a line with plan words and one without.  Prints two JSON lines:

* the held-out grouped CV on the web plans (as ``planparse evaluate``): macro-F1, accuracy
  on clear items, the gate's not-content precision and recall;
* fitted on every label, the check of ``benchmarks/content_check.py`` on the national
  reports: rows marked no content, rows that look like no content, how many of those are
  marked content and how many get a ``p_`` above 0.5.

Needs ../shared/corpus.  About 5 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(__file__))

import numpy as np
from _common import ROOT, SHARED


def stacked_classifier(balanced: bool) -> type:
    """A DomainClassifier whose content gate is the stacked one described above."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from planparse.classify import DomainClassifier
    from planparse.classify.estimator import as_label_lists
    from planparse.classify.features import layout_features

    def stack_input(texts: list[str], gate_proba: np.ndarray) -> np.ndarray:
        return np.column_stack([gate_proba, layout_features(texts).toarray()])

    class StackedGate(DomainClassifier):
        def fit(self, X: list[str], y: list) -> DomainClassifier:
            super().fit(X, y)
            if self.gate_ is None:
                return self
            X = list(X)
            content = np.array(
                [self.not_content_ not in row for row in as_label_lists(y, self.classes_)]
            )
            features = self._gate_features(X, self.vectorizer_.transform(X))
            svm = self._calibrated_svm("balanced")
            folds = StratifiedKFold(3)
            oof = cross_val_predict(svm, features, content, cv=folds, method="predict_proba")
            trees = HistGradientBoostingClassifier(
                max_depth=3, random_state=0, class_weight="balanced" if balanced else None
            )
            self.stack_ = trees.fit(stack_input(X, oof[:, 1]), content)
            return self

        def _content(self, texts: list[str], features: object) -> np.ndarray:
            if getattr(self, "gate_", None) is None:
                return np.ones(features.shape[0])
            linear = self.gate_.predict_proba(self._gate_features(texts, features))[:, 1]
            return self.stack_.predict_proba(stack_input(list(texts), linear))[:, 1]

    return StackedGate


def report_check(model: object) -> dict:
    """The figures of benchmarks/content_check.py for ``model`` on the national reports."""
    import planparse

    items = planparse.parse_files([str(SHARED / "national-reports")])
    rows = planparse.tag(items, model=model)
    rows = rows[rows.kind != "debris"]
    confident = rows[[c for c in rows.columns if c.startswith("p_")]].max(axis=1) > 0.5
    text = rows.text.fillna("").str.strip()
    looks = (
        (text.str.len() < 20)
        & ~text.str.contains("[。；！？]$", regex=True)
        & ~rows.item_id.isin(set(rows.parent_id))
    ) | text.str.fullmatch(r"各位代表[！!：:，,]?|同志们[！!：:，,]?")
    return {
        "rows": len(rows),
        "marked_not_content": int((~rows.is_content).sum()),
        "look_like_no_content": int(looks.sum()),
        "of_them_marked_content": int((looks & rows.is_content).sum()),
        "of_them_with_p_above_0.5": int((looks & confident).sum()),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--balanced", action="store_true", help="class-balanced trees")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    from planparse.classify.evaluate import held_out_cv
    from planparse.classify.labels import load_labels

    frame = load_labels(ROOT / "corpus" / "labels")
    if "webplans" not in set(frame["source"]):
        raise SystemExit("the web-plan labels need ../shared/corpus")
    factory = stacked_classifier(args.balanced)
    model = held_out_cv(frame, "webplans", factory)["model"]
    gate = model["content_gate"]
    cv = {
        "macro_f1": model["macro_f1"],
        "accuracy_clear": model["accuracy_clear"],
        "not_content_precision": gate["not_content_precision"],
        "not_content_recall": gate["not_content_recall"],
    }
    print(json.dumps({"balanced": args.balanced, **cv}), flush=True)
    fitted = factory().fit(frame["text"].tolist(), frame["labels"].tolist())
    print(json.dumps({"balanced": args.balanced, **report_check(fitted)}), flush=True)


if __name__ == "__main__":
    main()
