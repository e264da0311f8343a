"""How much would more real labels help?  The shipped model's grouped CV on the web plans,
with a share of the web-plan training groups.

    python benchmarks/classify_learning_curve.py [--shares 0.25 0.5 0.75 1.0]

Each fold of :func:`planparse.classify.evaluate.held_out_splits` (grouped 5-fold CV on the
real web plans, trained on the other folds and every other label) keeps a random share of
its web-plan training groups (whole websites; seed 0), and the test folds stay whole.  Prints
one JSON line per share: the web-plan spans trained on (mean over folds), macro-F1 and
accuracy on the clear items.  The slope per doubling tells how many labelled pages a target
would need, if the curve goes on as it has.  About 40 seconds a share on 2 cores.  Needs
../shared/corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from typing import TYPE_CHECKING

sys.path.insert(0, os.path.dirname(__file__))

from _common import ROOT

if TYPE_CHECKING:
    import pandas as pd

SOURCE = "webplans"


Folds = list[tuple["pd.DataFrame", "pd.DataFrame"]]


def thinned(splits: Folds, share: float, seed: int = 0) -> Folds:
    """The folds with ``share`` of each training set's web-plan groups, drawn at random."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    out = []
    for train, test in splits:
        web = train[train["source"] == SOURCE]
        groups = rng.permutation(sorted(web["group"].unique()))
        kept = set(groups[: round(share * len(groups))])
        out.append((pd.concat([train[train["source"] != SOURCE], web[web["group"].isin(kept)]]), test))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shares", type=float, nargs="+", default=[0.25, 0.5, 0.75, 1.0])
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    from planparse.classify import DomainClassifier
    from planparse.classify.evaluate import _classes, _evaluate, held_out_splits
    from planparse.classify.labels import load_labels

    frame = load_labels(ROOT / "corpus" / "labels")
    splits = held_out_splits(frame, SOURCE)
    for share in args.shares:
        folds = thinned(splits, share)
        model = _evaluate(folds, DomainClassifier, _classes(DomainClassifier))["model"]
        spans = sum((train["source"] == SOURCE).sum() for train, _ in folds) / len(folds)
        print(
            json.dumps(
                {
                    "share": share,
                    "web_training_spans": round(spans),
                    "macro_f1": model["macro_f1"],
                    "accuracy_clear": model["accuracy_clear"],
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
