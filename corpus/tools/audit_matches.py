"""A blind audit of the change gold and of ``planparse.compare``: is a disagreement between
them the method's error or a gap in the gold?

``draw`` takes the real development pairs (the sets of :data:`AUDITED_SETS`), sorts every
(A item, B item) pair into four strata by who matched it, and draws a seeded, shuffled sample:

* ``FP``: only the method matched it (a false positive against the gold);
* ``FN``: only the gold has it (a missed match);
* ``TP``: both;
* ``NEAR``: neither, though the items' keys are somewhat alike (cosine 0.12-0.35).

It stores the sample by reference in ``corpus/gold/changes/audit/pairs.tsv`` (the stratum is
kept there, never shown to a judge) and writes the judges' sheet, with the two texts of each
pair and nothing else, OUTSIDE the repository (real text never enters it). Judges read only
FORMAT.md's rule and the sheet, and answer ``match`` or ``no`` per question
(``audit/judge_*.tsv``). ``score`` prints how often the judges accept each stratum and what
precision and recall the method has if the judges, not the gold, are taken as the truth.

    python corpus/tools/audit_matches.py draw --sheet /tmp/audit_sheet.md
    python corpus/tools/audit_matches.py score

The evaluation-only 海拉尔 set is never drawn. The stored sample was drawn with the weights
of commit 1524d4a; ``draw`` with other weights draws another sample.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from planparse.diff import evaluate
from planparse.diff.align import _items, compare
from planparse.diff.keys import matching_key, similarity_matrix

AUDITED_SETS = ("national", "national-held-out")
AUDIT_DIR = evaluate.GOLD_DIR / "audit"
#: Questions drawn per stratum (the method's false positives get the most: they are the question).
QUOTA = {"FP": 70, "FN": 35, "TP": 35, "NEAR": 30}
NEAR_COSINE = (0.12, 0.35)
SEED = 30
COLUMNS = ["id", "pair", "stratum", "a_doc", "b_doc", "a_start", "b_start"]


def strata(pair: evaluate.GoldPair) -> pd.DataFrame:
    """Every item pair of one gold pair that the method, the gold or the near band holds,
    with its stratum, its two items' start offsets and texts."""
    plan_a, plan_b = evaluate.plan_rows(pair.a_path), evaluate.plan_rows(pair.b_path)
    items_a, items_b = (_items(p).set_index("item_id") for p in (plan_a, plan_b))
    gold = evaluate._matches(evaluate.gold_items(pair, plan_a, plan_b))
    found = evaluate._matches(compare(plan_a, plan_b))
    near = _near(items_a, items_b) - gold - found
    rows = [
        (stratum, a, b)
        for stratum, pairs in (
            ("FP", found - gold),
            ("FN", gold - found),
            ("TP", gold & found),
            ("NEAR", near),
        )
        for a, b in sorted(pairs)
    ]
    table = pd.DataFrame(rows, columns=["stratum", "a_item", "b_item"])
    table.insert(0, "pair", pair.pair)
    for side, items in (("a", items_a), ("b", items_b)):
        table[f"{side}_start"] = items.loc[table[f"{side}_item"], "start"].to_numpy()
        table[f"{side}_text"] = items.loc[table[f"{side}_item"], "text"].to_numpy()
        table[f"{side}_doc"] = pair.rows[f"{side}_doc"].iat[0]
    return table


def _near(items_a: pd.DataFrame, items_b: pd.DataFrame) -> set[tuple[str, str]]:
    cosine = similarity_matrix(
        [matching_key(t) for t in items_a["text"]], [matching_key(t) for t in items_b["text"]]
    )
    low, high = NEAR_COSINE
    rows, cols = np.nonzero((cosine >= low) & (cosine < high))
    return {(items_a.index[i], items_b.index[j]) for i, j in zip(rows, cols)}


def population(sets: tuple[str, ...] = AUDITED_SETS) -> pd.DataFrame:
    """The :func:`strata` of every pair of the named gold sets, in one table."""
    return pd.concat(
        [strata(p) for name in sets for p in evaluate.load_gold(name)], ignore_index=True
    )


def draw(table: pd.DataFrame) -> pd.DataFrame:
    """The seeded, shuffled sample of :data:`QUOTA` questions of a :func:`population`."""
    picked = pd.concat(
        [
            table[table["stratum"] == s].sample(
                n=min(n, int((table["stratum"] == s).sum())), random_state=SEED
            )
            for s, n in QUOTA.items()
        ]
    )
    picked = picked.sample(frac=1, random_state=SEED).reset_index(drop=True)
    picked.insert(0, "id", [f"q{i:03d}" for i in range(len(picked))])
    return picked


def write_sheet(picked: pd.DataFrame, path: Path) -> None:
    """The judges' sheet: question ids and the two texts, no stratum, no method output."""
    with open(path, "w", encoding="utf-8") as sheet:
        sheet.writelines(
            f"## {row.id}\n\nA: {row.a_text}\n\nB: {row.b_text}\n\n" for row in picked.itertuples()
        )


def judgments(folder: Path = AUDIT_DIR) -> pd.DataFrame:
    """One column per judge (``judge_<name>.tsv``): True where the judge said ``match``."""
    columns = {
        path.stem.removeprefix("judge_"): pd.read_csv(path, sep="\t", dtype=str)
        .set_index("id")["verdict"]
        .str.strip()
        .eq("match")
        for path in sorted(folder.glob("judge_*.tsv"))
    }
    return pd.DataFrame(columns)


def acceptance(sample: pd.DataFrame, judged: pd.DataFrame) -> pd.DataFrame:
    """Per stratum: how many questions, and the share each judge (and both, and either)
    called a match."""
    table = sample.set_index("id")[["stratum"]].join(judged, how="inner")
    table["both"] = judged.all(axis=1)
    table["either"] = judged.any(axis=1)
    shares = table.groupby("stratum").mean(numeric_only=True)
    return shares.assign(questions=table.groupby("stratum").size()).round(3)


def judged_figures(shares: pd.Series, population: pd.Series) -> dict[str, float]:
    """The method's precision, recall and F1 if a stratum's true matches are its whole
    population times the judges' acceptance share (the judges, not the gold, as the truth)."""
    true = shares * population
    found = true.get("TP", 0) + true.get("FP", 0)
    precision = found / (population.get("TP", 0) + population.get("FP", 0))
    recall = found / true.sum()
    return _figures(precision, recall)


def _figures(precision: float, recall: float) -> dict[str, float]:
    return {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall),
    }


def judge_against_gold(shares: pd.Series, population: pd.Series) -> dict[str, float]:
    """A judge's precision, recall and F1 against the gold over the strata: the judge's
    matches are each stratum's population times the judge's acceptance share."""
    accepted = shares * population
    in_gold = accepted.get("TP", 0) + accepted.get("FN", 0)
    precision = in_gold / accepted.sum()
    recall = in_gold / (population.get("TP", 0) + population.get("FN", 0))
    return _figures(precision, recall)


def _score(_: argparse.Namespace) -> None:
    sample = pd.read_csv(AUDIT_DIR / "pairs.tsv", sep="\t")
    sizes = pd.read_csv(AUDIT_DIR / "population.tsv", sep="\t", index_col="stratum")["pairs"]
    judged = judgments()
    shares = acceptance(sample, judged)
    print(shares.to_string())
    agree = judged.eq(judged.iloc[:, 0], axis=0).all(axis=1).mean()
    print(f"judges agree on {agree:.3f} of {len(judged)} questions")
    for column in [*judged.columns, "both", "either"]:
        for title, measure in (
            ("method if the judge is right", judged_figures),
            ("judge against the gold", judge_against_gold),
        ):
            figures = measure(shares[column], sizes)
            print(f"{column:>7}, {title}: " + "  ".join(f"{k} {v:.3f}" for k, v in figures.items()))


def _draw(args: argparse.Namespace) -> None:
    table = population()
    picked = draw(table)
    AUDIT_DIR.mkdir(exist_ok=True)
    picked[COLUMNS].to_csv(AUDIT_DIR / "pairs.tsv", sep="\t", index=False)
    sizes = table.groupby("stratum").size().rename("pairs")
    sizes.to_csv(AUDIT_DIR / "population.tsv", sep="\t")
    write_sheet(picked, Path(args.sheet))
    print(sizes.to_string())
    print(f"{len(picked)} questions; sheet at {args.sheet} (outside the repository)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(required=True)
    drawing = commands.add_parser("draw", help="draw the sample and write the judges' sheet")
    drawing.add_argument("--sheet", required=True, help="the sheet's path, outside the repo")
    drawing.set_defaults(run=_draw)
    commands.add_parser("score", help="the judges' acceptance per stratum").set_defaults(run=_score)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
