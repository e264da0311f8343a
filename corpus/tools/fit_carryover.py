"""Fit the clause carry-over weights of ``planparse.diff`` on the development gold.

The weights (``planparse/data/carryover.json``) are a logistic model over the features of
``planparse.diff.carryover``, fitted on the pairs of the gold sets given with ``--gold``
(default: the national reports; the sample's planted copies hold no condensed paragraphs).
Evaluation-only pairs (:func:`planparse.diff.evaluate.is_evaluation_only`: the 海拉尔 set, or
a document from a folder the corpus README marks *evaluation only*) are always left out, so a
new training pair in any set is used as soon as it is in the gold.

The match threshold is always chosen by leave one pair out: for each threshold of
:data:`THRESHOLDS`, the figures of ``planparse.diff.compare`` on each pair with weights fitted
on the other pairs, pooled; the best F1 is shipped.  Those pooled figures were used to choose
the threshold, so they flatter it; the figure to quote is the *nested* one, where each
held-out pair is scored at the threshold that leave one pair out chose on the other pairs
alone.  ``--write`` runs both and stores both in the weights' ``about``.

    python corpus/tools/fit_carryover.py                 # print the figures only
    python corpus/tools/fit_carryover.py --c 1.0 --write
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import numpy as np

from planparse.diff import evaluate
from planparse.diff.align import compare
from planparse.diff.carryover import WEIGHTS_FILE, CarryOverScorer

TRAINING_SETS = ("national",)
#: The match thresholds tried; the best by leave-one-pair-out F1 is shipped.
THRESHOLDS = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
FIGURES = ("precision", "recall", "f1", "kind_accuracy")


class Folds:
    """The training pairs, with each pair's carry-over examples, plans and gold items worked
    out once (the folds reuse them)."""

    def __init__(self, pairs: list[evaluate.GoldPair], c: float) -> None:
        self.pairs, self.c = pairs, c
        self.examples = {p.pair: evaluate.carryover_examples(p) for p in pairs}
        self.plans = {
            p.pair: (evaluate.plan_rows(p.a_path), evaluate.plan_rows(p.b_path)) for p in pairs
        }
        self.gold = {p.pair: evaluate.gold_items(p, *self.plans[p.pair]) for p in pairs}
        self._fitted: dict[tuple[str, ...], CarryOverScorer] = {}

    def fit(self, names: list[str]) -> CarryOverScorer:
        """Two-pass weights fitted on the candidate item pairs of the named pairs (fitted
        once per set of names: the nested figure reuses the leave-one-pair-out fits)."""
        key = tuple(sorted(names))
        if key not in self._fitted:
            self._fitted[key] = self._fit(list(key))
        return self._fitted[key]

    def _fit(self, names: list[str]) -> CarryOverScorer:
        examples = [self.examples[n] for n in names]
        labels = np.concatenate([y for _, y in examples])
        return CarryOverScorer.fit_two_pass(
            examples,
            c=self.c,
            fitted_on=sorted(names),
            candidate_pairs=len(labels),
            matches=int(labels.sum()),
            c_parameter=self.c,
        )

    def held_out(self, names: list[str]) -> dict[float, list[dict]]:
        """For each threshold: the score of each named pair with weights fitted on the other
        named pairs."""
        scores: dict[float, list[dict]] = {t: [] for t in THRESHOLDS}
        for name in names:
            scorer = self.fit([n for n in names if n != name])
            for threshold in THRESHOLDS:
                at = dataclasses.replace(scorer, threshold=threshold)
                scores[threshold].append(self.score(name, at))
        return scores

    def score(self, name: str, scorer: CarryOverScorer) -> dict:
        """The figures of compare() with these weights on one pair."""
        return evaluate.score(self.gold[name], compare(*self.plans[name], scorer=scorer))

    def choose_threshold(self, names: list[str]) -> tuple[float, dict[float, dict]]:
        """The threshold of the best pooled leave-one-pair-out F1 over the named pairs (the
        lower on a tie), and the pooled figures of every threshold."""
        pooled = {t: evaluate.pool(s) for t, s in self.held_out(names).items()}
        return max(pooled, key=lambda t: (round(pooled[t]["f1"], 3), -t)), pooled

    def nested(self) -> tuple[dict, dict[str, float]]:
        """Each pair scored with weights fitted on the others, at the threshold chosen by
        leave one pair out on the others alone; pooled figures and each pair's threshold."""
        names = [p.pair for p in self.pairs]
        scores, chosen = [], {}
        for name in names:
            others = [n for n in names if n != name]
            chosen[name], _ = self.choose_threshold(others)
            scorer = dataclasses.replace(self.fit(others), threshold=chosen[name])
            scores.append(self.score(name, scorer))
        return evaluate.pool(scores), chosen


def training_pairs(gold_sets: list[str]) -> list[evaluate.GoldPair]:
    """The resolvable pairs of the given gold sets (names or TSV paths), evaluation-only
    pairs left out."""
    pairs = [p for name in gold_sets for p in evaluate.load_gold(name)]
    left_out = sorted(p.pair for p in pairs if evaluate.is_evaluation_only(p))
    if left_out:
        print(f"left out, evaluation only: {', '.join(left_out)}")
    return [p for p in pairs if not evaluate.is_evaluation_only(p)]


def _figures(figures: dict) -> str:
    return "  ".join(f"{name} {figures[name]:.3f}" for name in FIGURES)


def main(argv: list[str] | None = None) -> None:
    """Command line: print the leave-one-pair-out figures; with ``--write``, save the weights
    fitted on every training pair at the chosen threshold."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--c", type=float, default=1.0, help="inverse L2 strength")
    parser.add_argument("--write", action="store_true", help=f"write {WEIGHTS_FILE.name}")
    parser.add_argument("--out", type=Path, default=WEIGHTS_FILE, help="where --write writes")
    parser.add_argument(
        "--gold", action="append", help="a gold set name or TSV path (repeatable; default national)"
    )
    args = parser.parse_args(argv)
    gold_sets = args.gold or list(TRAINING_SETS)
    pairs = training_pairs(gold_sets)
    if len(pairs) < 3:
        raise SystemExit(
            f"{len(pairs)} training pairs resolve under ../shared/corpus: leave one pair out "
            "with a nested threshold needs at least 3"
        )
    folds = Folds(pairs, args.c)
    names = [p.pair for p in pairs]
    threshold, pooled = folds.choose_threshold(names)
    print(f"leave one pair out, C={args.c}, pooled over {len(pairs)} pairs:")
    for at, figures in pooled.items():
        print(f"  threshold {at:.2f}  " + _figures(figures))
    print(f"chosen threshold: {threshold} (its figures above chose it: optimistic)")
    nested, chosen = folds.nested()
    print(f"nested (each pair's threshold chosen on the other pairs: {chosen}):")
    print("  " + _figures(nested))
    if args.write:
        scorer = folds.fit(names)
        about = {
            **scorer.about,
            "leave_one_pair_out": {k: round(pooled[threshold][k], 3) for k in FIGURES},
            "nested_leave_one_pair_out": {k: round(nested[k], 3) for k in FIGURES},
            "gold": [str(name) for name in gold_sets],
        }
        scorer = dataclasses.replace(scorer, threshold=threshold, about=about)
        print(f"wrote {scorer.save(args.out)}")


if __name__ == "__main__":
    main()
