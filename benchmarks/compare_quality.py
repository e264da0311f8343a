"""Quality of planparse.diff on the hand-built gold alignments, beside two baselines.

    python benchmarks/compare_quality.py [--errors] [--errors-on-evaluation-set]

Sets (corpus/gold/changes, see its FORMAT.md): the sample's planted year copies, three pairs
of national reports (development), and two pairs of 海拉尔 district reports (evaluation only:
scored here, never tuned on).  Figures are pooled over each set's pairs (micro averages):
match precision / recall / F1 over (A item, B item) pairs, and change-kind accuracy over all
gold rows.  Baselines run on the same items: difflib on the item texts as lines, and greedy
best match by TF-IDF cosine of character 1–2-grams (planparse.diff.evaluate).

--errors also prints, per development set, the gold kind -> predicted kind counts of
planparse.diff's wrong rows ("none": no predicted row with that (A, B) pair), and the
matching-key similarity of the gold matches it missed.  Error analysis is for improving the
method, so it leaves out the evaluation-only sets (海拉尔) unless
--errors-on-evaluation-set asks for them too, and then labels them as evaluation only.

--agreement scores the two blind annotations that each real gold pair was adjudicated from
(corpus/gold/changes/double/a and b) against each other: how well two annotators agree, the
ceiling of the figures above, beside planparse.compare scored against each annotator; then
the same for the annotations under the earlier rules (corpus/gold/changes/earlier/).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from typing import TYPE_CHECKING

sys.path.insert(0, os.path.dirname(__file__))

from planparse.diff import evaluate

if TYPE_CHECKING:
    import pandas as pd

FIGURES = ("precision", "recall", "f1", "kind_accuracy")
#: Annotations under the earlier match rules, (first, second) folder, for --agreement.
EARLIER = (
    ("earlier/first", "earlier/second", "FORMAT.md's first rule: gold v1 and its second reading"),
    ("earlier/ruled/annotator_a", "earlier/ruled/annotator_b", "the sharpened rule of stop 26"),
)


def _line(label: str, method: str, figures: dict) -> str:
    """One row: the figures, then the counts behind them (matches right of those predicted,
    gold matches found, change kinds right of the gold rows scored)."""
    values = "  ".join(f"{figures[name]:6.3f}" for name in FIGURES)
    counts = (
        f"right {figures['possible_pairs']:3d}/{figures['predicted_pairs']:<3d} "
        f"found {figures['true_pairs']:3d}/{figures['gold_pairs']:<3d} "
        f"kinds {figures['kinds_right']:3d}/{figures['gold_rows']}"
    )
    return f"{label:<22} {method:<18} {values}   {counts}"


def _missed_similarities(pair: evaluate.GoldPair) -> list[float]:
    """Matching-key similarity of each gold one-to-one match the comparison did not give."""
    from planparse.diff.align import _items, compare
    from planparse.diff.keys import matching_key, similarity_matrix

    plan_a, plan_b = evaluate.plan_rows(pair.a_path), evaluate.plan_rows(pair.b_path)
    gold = evaluate.gold_items(pair, plan_a, plan_b)
    found = set(evaluate._keys(compare(plan_a, plan_b)))
    text_a = dict(zip(_items(plan_a)["item_id"], _items(plan_a)["text"]))
    text_b = dict(zip(_items(plan_b)["item_id"], _items(plan_b)["text"]))
    missed = [k for k in evaluate._keys(gold) if None not in k and k not in found]
    return [
        float(similarity_matrix([matching_key(text_a[a])], [matching_key(text_b[b])])[0, 0])
        for a, b in missed
    ]


def _print_errors(name: str, pairs: list, confusion: Counter) -> None:
    if "eval only" in name:
        print(f"  {name}: EVALUATION ONLY: read to report, never to tune a rule, weight or default")
    wrong = {k: v for k, v in sorted(confusion.items()) if k[0] != k[1]}
    print(f"  {name}: planparse.diff's wrong rows (gold -> predicted): {wrong}")
    sims = sorted(s for pair in pairs for s in _missed_similarities(pair))
    bands = Counter(min(int(s * 10), 9) / 10 for s in sims)
    print(
        f"  {name}: key similarity of the {len(sims)} missed gold matches, by band of 0.1: "
        + ", ".join(f"{band:.1f}: {bands[band]}" for band in sorted(bands))
    )


def _print_agreement() -> None:
    print(f"{'pair':<20} {'comparison':<28} {'P':>6}  {'R':>6}  {'F1':>6}  {'kind':>6}")
    print("-- the settled rule: annotator b against annotator a (blind, before adjudication) --")
    for name in evaluate.GOLD_SETS:
        _print_table(evaluate.agreement(name))
    for first, second, title in EARLIER:
        print(f"-- {title} --")
        for name in evaluate.GOLD_SETS:
            one, two = (evaluate.GOLD_DIR / d / f"{name}.tsv" for d in (first, second))
            _print_table(evaluate.compare_annotations(one, two))


def _print_table(table: pd.DataFrame) -> None:
    for row in table.itertuples():
        values = "  ".join(f"{getattr(row, f):6.3f}" for f in FIGURES)
        print(
            f"{row.pair:<20} {row.comparison:<28} {values}   "
            f"{row.true_pairs}/{row.predicted_pairs} of {row.gold_pairs}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--errors", action="store_true", help="print the error breakdown of the development sets"
    )
    parser.add_argument(
        "--errors-on-evaluation-set",
        action="store_true",
        help="also break down the errors on the evaluation-only sets (never tune on them)",
    )
    parser.add_argument("--agreement", action="store_true", help="two annotators' agreement")
    args = parser.parse_args()
    if args.agreement:
        _print_agreement()
        return
    print(
        f"{'set':<22} {'method':<18} {'P':>6}  {'R':>6}  {'F1':>6}  {'kind':>6}   counts"
    )
    pooled: dict[str, list[dict]] = {}
    for name in evaluate.GOLD_SETS:
        _print_set(name, pooled, _breaks_down(name, args.errors, args.errors_on_evaluation_set))
    for method, scores in pooled.items():
        print(_line("overall", method, evaluate.pool(scores)))


def _breaks_down(name: str, errors: bool, on_evaluation_set: bool) -> bool:
    """Whether to print the error breakdown of a gold set: a development set with --errors,
    an evaluation-only set only with --errors-on-evaluation-set."""
    if name in evaluate.EVALUATION_ONLY:
        return on_evaluation_set
    return errors


def _print_set(name: str, pooled: dict[str, list[dict]], errors: bool) -> None:
    """The figures of each method on one gold set, pooled over its pairs."""
    pairs = evaluate.load_gold(name)
    label = name + (" (eval only)" if name in evaluate.EVALUATION_ONLY else "")
    if not pairs:
        print(f"{label:<22} skipped: its documents are absent (../shared/corpus)")
        return
    results = [evaluate.evaluate_pair(pair) for pair in pairs]
    for method in results[0]:
        pooled.setdefault(method, []).extend(r[method] for r in results)
        print(_line(f"{label} ({len(pairs)})", method, evaluate.pool(r[method] for r in results)))
    if errors:
        confusion: Counter = Counter()
        for r in results:
            confusion.update(r["planparse.compare"]["confusion"].to_dict())
        _print_errors(label, pairs, confusion)


if __name__ == "__main__":
    main()
