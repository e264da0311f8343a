"""Do lines that are no content get a confident domain?  Counted on real government reports.

    python benchmarks/content_check.py [FOLDER ...]   # default: ../shared/corpus/national-reports

Tags every file with the shipped model and counts, among the rows that are not debris:

* rows the tagger marks ``is_content = False``, and how many of them have some ``p_<label>``
  above 0.5 (it must be none);
* rows that *look* like no content whatever the tagger says: short lines (under 20
  characters) without a full stop and without child items (salutations such as 各位代表,
  speaker and date lines, bare headings), and how many of them have a ``p_<label>`` above
  0.5 or are marked content.  ``--show`` prints those rows for reading (they are real text:
  never paste them into the repository).

Where the reports' short lines carry real content labels (``corpus/labels/reports_lines.tsv``,
source ``reports-lines``), the count is also taken against those labels instead of the
heuristic: the rows labelled ``非内容`` that get a ``p_`` above 0.5, and the content rows the
gate rejects, once from the shipped model (which was trained on them) and once held out
(grouped 5-fold CV by report, each fold trained on every other label: what a model does on
reports it has not seen).  ``--no-held-out`` skips the second, which trains five models.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

sys.path.insert(0, os.path.dirname(__file__))

from _common import ROOT, SHARED

if TYPE_CHECKING:
    import pandas as pd

    from planparse.classify import DomainClassifier

#: Shorter than this, without a full stop and without children: looks like no content.
SHORT = 20
#: The labelled short lines of the reports (corpus/labels/sources.toml).
LABELLED = "reports-lines"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folders", nargs="*", default=[str(SHARED / "national-reports")])
    parser.add_argument("--show", action="store_true")
    parser.add_argument("--no-held-out", action="store_true")
    args = parser.parse_args()
    import planparse

    items = planparse.parse_files(args.folders)
    tagged = planparse.tag(items)
    rows = tagged[tagged.kind != "debris"]
    p_columns = [c for c in rows.columns if c.startswith("p_")]
    confident = rows[p_columns].max(axis=1) > 0.5
    not_content = ~rows.is_content
    parents = set(rows.parent_id)
    text = rows.text.fillna("").str.strip()
    looks = (
        (text.str.len() < SHORT)
        & ~text.str.contains("[。；！？]$", regex=True)
        & ~rows.item_id.isin(parents)
    ) | text.str.fullmatch(r"各位代表[！!：:，,]?|同志们[！!：:，,]?")
    print(f"{len(rows):,} rows that are not debris in {rows.doc_id.nunique()} files")
    print(
        f"marked not content: {int(not_content.sum()):,}; of them with a p_ above 0.5: "
        f"{int((not_content & confident).sum())}"
    )
    print(
        f"look like no content (short, no full stop, no children, or a salutation): "
        f"{int(looks.sum()):,}; marked content: {int((looks & rows.is_content).sum())}; "
        f"with a p_ above 0.5: {int((looks & confident).sum())}"
    )
    if args.show:
        shown = rows[looks & (confident | rows.is_content)]
        for row in shown.itertuples():
            print(f"{row.domain}\t{row.content_score:.2f}\t{row.text[:40]}")
    labelled_check(held_out=not args.no_held_out)


def errors_against_labels(model: DomainClassifier, test: pd.DataFrame) -> tuple[int, int, int, int]:
    """(rows labelled no content, of them with a ``p_`` above 0.5, content rows, of them
    rejected by the gate) for the labelled rows ``test``."""
    proba, content = model.predict_proba_and_content(test["text"].tolist())
    empty = test["labels"].map(lambda labels: labels[0] == "非内容").to_numpy()
    confident = proba.max(axis=1) > 0.5
    rejected = content < 0.5
    return (
        int(empty.sum()),
        int((empty & confident).sum()),
        int((~empty).sum()),
        int((~empty & rejected).sum()),
    )


def _fitted(model: DomainClassifier, train: pd.DataFrame) -> DomainClassifier:
    return model.fit(train["text"].tolist(), train["labels"].tolist())


def labelled_check(held_out: bool = True) -> None:
    """The errors counted against the reports' content labels, when there are any."""
    import numpy as np

    from planparse.classify import DomainClassifier
    from planparse.classify.evaluate import held_out_splits
    from planparse.classify.labels import load_labels
    from planparse.classify.persist import load_model

    frame = load_labels(ROOT / "corpus" / "labels")
    rows = frame[frame["source"] == LABELLED]
    if rows.empty:
        print(f"no labels of source {LABELLED!r}: nothing counted against labels")
        return
    shipped = errors_against_labels(load_model(), rows)
    print("against the labels (no content, with a p_ above 0.5, content, rejected by the gate)")
    print(f"  shipped model (trained on them): {shipped}")
    if held_out:
        folds = [
            errors_against_labels(_fitted(DomainClassifier(), train), test)
            for train, test in held_out_splits(frame, LABELLED)
        ]
        print(f"  held out, 5 folds grouped by report: {tuple(np.sum(folds, axis=0).tolist())}")


if __name__ == "__main__":
    main()
