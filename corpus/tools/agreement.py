"""Inter-annotator agreement of corpus/labels/agreement.tsv (Cohen's kappa).

    python corpus/tools/agreement.py

Sample items are named by their item-bank id (stable across rebuilds), real ones by
``document:start-end`` (document as in real.tsv: folder and SHA-256 prefix).  Per label: kappa on "the label is present" (any position).  Overall: kappa on the primary
label (five classes), and the mean of the per-label kappas.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

LABELS = ("维权", "家庭建设", "就业", "组织建设", "其他")
PATH = Path(__file__).resolve().parent.parent / "labels" / "agreement.tsv"


def agreement(path: Path = PATH) -> dict[str, float]:
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream, delimiter="\t"))
    first = [r["labels_a"].split("|") for r in rows]
    second = [r["labels_b"].split("|") for r in rows]
    result = {
        label: cohen_kappa_score([label in a for a in first], [label in b for b in second])
        for label in LABELS
    }
    result["mean of labels"] = sum(result[label] for label in LABELS) / len(LABELS)
    result["primary (5 classes)"] = cohen_kappa_score([a[0] for a in first], [b[0] for b in second])
    result["primary, raw agreement"] = sum(a[0] == b[0] for a, b in zip(first, second)) / len(rows)
    for source in sorted({r["source"] for r in rows}):
        pairs = [(a[0], b[0]) for a, b, r in zip(first, second, rows) if r["source"] == source]
        result[f"primary, {source} only"] = cohen_kappa_score(*zip(*pairs))
    result["items"] = len(rows)
    return result


if __name__ == "__main__":
    for name, value in agreement().items():
        print(f"{name:<24} {value:.3f}" if isinstance(value, float) else f"{name:<24} {value}")
