"""Fit the clause carry-over weights of ``planparse.diff`` on the development gold.

The weights (``planparse/data/carryover.json``) are a logistic model over the features of
``planparse.diff.carryover``; they are fitted on the national reports' gold pairs only (the
海拉尔 pairs are evaluation only, and the sample's planted copies hold no condensed
paragraphs).  ``--cross-validate`` first prints, for each national pair, the figures of
``planparse.diff.compare`` with weights fitted on the other pairs (leave one pair out).

    python corpus/tools/fit_carryover.py --cross-validate
    python corpus/tools/fit_carryover.py --c 1.0 --write
"""

from __future__ import annotations

import argparse
import dataclasses

import numpy as np

from planparse.diff import evaluate
from planparse.diff.align import compare
from planparse.diff.carryover import WEIGHTS_FILE, CarryOverScorer

TRAINING_SET = "national"
#: The match thresholds tried; the best by leave-one-pair-out F1 is shipped.
THRESHOLDS = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


def fit(pairs: list, c: float) -> CarryOverScorer:
    """Two-pass weights fitted on the candidate item pairs of ``pairs``."""
    examples = [evaluate.carryover_examples(pair) for pair in pairs]
    labels = np.concatenate([y for _, y in examples])
    return CarryOverScorer.fit_two_pass(
        examples,
        c=c,
        fitted_on=sorted(pair.pair for pair in pairs),
        candidate_pairs=len(labels),
        matches=int(labels.sum()),
        c_parameter=c,
    )


def cross_validate(pairs: list, c: float) -> dict[float, dict]:
    """For each threshold of :data:`THRESHOLDS`: the pooled figures of compare() on each
    pair with weights fitted on the other pairs (leave one pair out)."""
    scores: dict[float, list] = {t: [] for t in THRESHOLDS}
    for held_out in pairs:
        scorer = fit([p for p in pairs if p is not held_out], c)
        plan_a, plan_b = evaluate.plan_rows(held_out.a_path), evaluate.plan_rows(held_out.b_path)
        gold = evaluate.gold_items(held_out, plan_a, plan_b)
        for threshold in THRESHOLDS:
            at = dataclasses.replace(scorer, threshold=threshold)
            scores[threshold].append(evaluate.score(gold, compare(plan_a, plan_b, scorer=at)))
    return {t: evaluate.pool(found) for t, found in scores.items()}


FIGURES = ("precision", "recall", "f1", "kind_accuracy")


def _figures(figures: dict) -> str:
    return "  ".join(f"{name} {figures[name]:.3f}" for name in FIGURES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--c", type=float, default=1.0, help="inverse L2 strength")
    parser.add_argument("--cross-validate", action="store_true")
    parser.add_argument("--write", action="store_true", help=f"write {WEIGHTS_FILE.name}")
    parser.add_argument("--gold", default=TRAINING_SET, help="a gold set name or TSV path")
    args = parser.parse_args()
    pairs = [p for p in evaluate.load_gold(args.gold) if p.pair.startswith("national")]
    if not pairs:
        raise SystemExit("the national reports are not under ../shared/corpus; nothing to fit")
    threshold, checked = 0.5, {}
    if args.cross_validate:
        print(f"leave one pair out, C={args.c}, pooled over {len(pairs)} pairs:")
        pooled = cross_validate(pairs, args.c)
        for at, figures in pooled.items():
            print(f"  threshold {at:.2f}  " + _figures(figures))
        threshold = max(pooled, key=lambda t: (round(pooled[t]["f1"], 3), -t))
        print(f"best threshold: {threshold}")
        checked = {k: round(pooled[threshold][k], 3) for k in FIGURES}
    if args.write:
        scorer = fit(pairs, args.c)
        about = {**scorer.about, "leave_one_pair_out": checked, "gold": str(args.gold)}
        scorer = dataclasses.replace(scorer, threshold=threshold, about=about)
        print(f"wrote {scorer.save()}")


if __name__ == "__main__":
    main()
