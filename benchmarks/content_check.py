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
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from _common import SHARED

#: Shorter than this, without a full stop and without children: looks like no content.
SHORT = 20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folders", nargs="*", default=[str(SHARED / "national-reports")])
    parser.add_argument("--show", action="store_true")
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


if __name__ == "__main__":
    main()
