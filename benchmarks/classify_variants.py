"""Which model settings help on real work plans?  Grouped CV of DomainClassifier variants.

    python benchmarks/classify_variants.py                      # every variant below
    python benchmarks/classify_variants.py C=2.0 words=False    # only these

Each variant is scored with the evaluation of the shipped model
(:func:`planparse.classify.evaluate.held_out_cv`): grouped 5-fold CV over the real web-plan
labels, every fold trained on its other folds and on every other label of corpus/labels.
Prints one JSON line per variant: macro-F1, accuracy on the clear items, ECE, per-label F1
and the content gate's not-content P/R.  A run takes 1–3 minutes per variant on 2 cores.
Needs ../shared/corpus.
"""

from __future__ import annotations

import ast
import json
import os
import sys
import time
import warnings
from functools import partial

sys.path.insert(0, os.path.dirname(__file__))

from _common import ROOT  # noqa: E402

#: Each variant changes one parameter of the shipped model's.
VARIANTS = [
    "default",
    "C=0.5",
    "C=2.0",
    "class_weight='balanced'",
    "ngram_range=(1, 4)",
    "ngram_range=(2, 4)",
    "words=False",
    "min_df=1",
    "content_gate=False",
]


def parameters(variant: str) -> dict:
    """``"C=2.0"`` as ``{"C": 2.0}``; ``"default"`` as ``{}``.

    Examples:
        >>> parameters("ngram_range=(1, 4)")
        {'ngram_range': (1, 4)}
    """
    if variant == "default":
        return {}
    name, _, value = variant.partition("=")
    return {name: ast.literal_eval(value)}


def summary(result: dict, seconds: float) -> dict:
    """The figures of one variant that decide between settings."""
    model = result["model"]
    gate = model.get("content_gate", {})
    return {
        "macro_f1": model["macro_f1"],
        "accuracy_clear": model.get("accuracy_clear"),
        "ece": model["ece"],
        "f1": {label: figures["f1"] for label, figures in model["labels"].items()},
        "not_content_precision": gate.get("not_content_precision"),
        "not_content_recall": gate.get("not_content_recall"),
        "lexicon_macro_f1": result["lexicon"]["macro_f1"],
        "seconds": round(seconds),
    }


def main() -> None:
    warnings.simplefilter("ignore")
    from planparse.classify import DomainClassifier
    from planparse.classify.evaluate import held_out_cv
    from planparse.classify.labels import load_labels

    frame = load_labels(ROOT / "corpus" / "labels")
    if "webplans" not in set(frame["source"]):
        raise SystemExit("the web-plan labels need ../shared/corpus")
    for variant in sys.argv[1:] or VARIANTS:
        start = time.perf_counter()
        factory = partial(DomainClassifier, **parameters(variant))
        result = held_out_cv(frame, "webplans", factory)
        figures = summary(result, time.perf_counter() - start)
        print(json.dumps({"variant": variant, **figures}, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
