"""Which model settings help on real work plans?  Grouped CV of DomainClassifier variants.

    python benchmarks/classify_variants.py                      # every variant below
    python benchmarks/classify_variants.py C=2.0 words=False    # only these
    python benchmarks/classify_variants.py "lsa=(100, 0.3)"     # an LSA block: dims, weight

Each variant is scored with the evaluation of the shipped model
(:func:`planparse.classify.evaluate.held_out_cv`): grouped 5-fold CV over the real web-plan
labels, every fold trained on its other folds and on every other label of corpus/labels.
``lsa=(DIMS, WEIGHT)`` appends to the TF-IDF features a block of DIMS latent dimensions
(TruncatedSVD, randomized, seed 0) fitted without labels on the TF-IDF of every item of the
sample archive, the web plans and the national reports, plus the training items; each row's
block is L2-normalised and scaled by WEIGHT.  Prints one JSON line per variant: macro-F1, accuracy on the clear items, ECE, per-label F1
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

from _common import ROOT, SHARED

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
    "lsa=(100, 0.3)",
    "lsa=(150, 1.0)",
    "lsa=(200, 0.5)",
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


def unlabeled_texts() -> list[str]:
    """Every item (not debris) of the sample archive, the web plans and the national reports,
    as the classifier reads it: the unlabeled texts the LSA block is fitted on."""
    import planparse
    from planparse.classify.tagging import context_texts

    folders = [ROOT / "corpus" / "sample", SHARED / "web-plans", SHARED / "national-reports"]
    items = planparse.parse_files([str(f) for f in folders])
    return sorted(set(context_texts(items[items["kind"] != "debris"])))


def lsa_classifier(dims: int, weight: float, unlabeled: list[str]) -> type:
    """A DomainClassifier whose features carry an LSA block (see the module's docstring)."""
    import numpy as np
    import scipy.sparse as sp
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    from planparse.classify import DomainClassifier
    from planparse.classify.features import NgramVectorizer

    class LsaVectorizer(NgramVectorizer):
        def fit(self, texts: list[str], y: object = None) -> NgramVectorizer:
            super().fit(texts)
            pool = sorted(set(texts) | set(unlabeled))
            svd = TruncatedSVD(dims, algorithm="randomized", random_state=0)
            self.lsa_ = svd.fit(super().transform(pool)).components_.T.copy()
            return self

        def transform(self, texts: list[str]) -> sp.csr_matrix:
            tfidf = super().transform(texts)
            block = normalize(np.asarray(tfidf @ self.lsa_)) * weight
            return sp.hstack([tfidf, sp.csr_matrix(block)], format="csr")

        @property
        def feature_names_(self) -> list[str]:
            return super().feature_names_ + [f"lsa:{i}" for i in range(dims)]

    class LsaClassifier(DomainClassifier):
        def _vectorizer(self, taxonomy: object) -> NgramVectorizer:
            base = super()._vectorizer(taxonomy)
            return LsaVectorizer(**base.get_params())

    return LsaClassifier


def factory_of(variant: str) -> object:
    """The estimator factory of one variant."""
    from planparse.classify import DomainClassifier

    params = parameters(variant)
    if "lsa" in params:
        dims, weight = params.pop("lsa")
        return partial(lsa_classifier(dims, weight, unlabeled_texts()), **params)
    return partial(DomainClassifier, **params)


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
    from planparse.classify.evaluate import held_out_cv
    from planparse.classify.labels import load_labels

    frame = load_labels(ROOT / "corpus" / "labels")
    if "webplans" not in set(frame["source"]):
        raise SystemExit("the web-plan labels need ../shared/corpus")
    for variant in sys.argv[1:] or VARIANTS:
        start = time.perf_counter()
        result = held_out_cv(frame, "webplans", factory_of(variant))
        figures = summary(result, time.perf_counter() - start)
        print(json.dumps({"variant": variant, **figures}, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
