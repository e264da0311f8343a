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

import numpy as np

from planparse.diff import evaluate
from planparse.diff.align import compare
from planparse.diff.carryover import WEIGHTS_FILE, CarryOverScorer

TRAINING_SET = "national"


def fit(pairs: list, c: float) -> CarryOverScorer:
    """Weights fitted on the candidate item pairs of ``pairs``."""
    examples = [evaluate.carryover_examples(pair) for pair in pairs]
    values = np.vstack([v for v, _ in examples])
    labels = np.concatenate([y for _, y in examples])
    return CarryOverScorer.fit(
        values,
        labels,
        c=c,
        fitted_on=sorted(pair.pair for pair in pairs),
        candidate_pairs=int(len(labels)),
        matches=int(labels.sum()),
        c_parameter=c,
    )


def cross_validate(pairs: list, c: float) -> dict:
    """Pooled figures of compare() on each pair with weights fitted on the others."""
    scores = []
    for held_out in pairs:
        scorer = fit([p for p in pairs if p is not held_out], c)
        plan_a, plan_b = evaluate.plan_rows(held_out.a_path), evaluate.plan_rows(held_out.b_path)
        gold = evaluate.gold_items(held_out, plan_a, plan_b)
        figures = evaluate.score(gold, compare(plan_a, plan_b, scorer=scorer))
        print(f"  {held_out.pair:<22} " + _figures(figures))
        scores.append(figures)
    return evaluate.pool(scores)


def _figures(figures: dict) -> str:
    return "  ".join(f"{k[:4]} {figures[k]:.3f}" for k in ("precision", "recall", "f1"))+ (
        f"  kind {figures['kind_accuracy']:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--c", type=float, default=1.0, help="inverse L2 strength")
    parser.add_argument("--cross-validate", action="store_true")
    parser.add_argument("--write", action="store_true", help=f"write {WEIGHTS_FILE.name}")
    args = parser.parse_args()
    pairs = evaluate.load_gold(TRAINING_SET)
    if not pairs:
        raise SystemExit("the national reports are not under ../shared/corpus; nothing to fit")
    if args.cross_validate:
        print(f"leave one pair out, C={args.c}:")
        print("  pooled                 " + _figures(cross_validate(pairs, args.c)))
    if args.write:
        path = fit(pairs, args.c).save()
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
