"""Show the short lines of the national reports that ``reports_lines.tsv`` labels, in context.

The content gate of the tagger learns what "no content" looks like from labelled lines; the
national reports' own labels (``real.tsv``) were picked as items and never judged for content.
This script lists, file by file (oldest year first), every parsed row that is not debris, is
shorter than ``MAX_CHARS`` characters and is not already in ``real.tsv``, with the rows around it,
so that an annotator can judge each one in its document.  It prints real text to the terminal
only; it never writes real text into a file.

    python corpus/tools/report_lines.py                 # every file: number of rows to label
    python corpus/tools/report_lines.py 1954 --context 2
    python corpus/tools/report_lines.py --check         # labelled rows against the row list
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

import planparse
from planparse.reuse.evaluate import sha16

REPO = Path(__file__).resolve().parents[2]
REPORTS = REPO.parent / "shared" / "corpus" / "national-reports"
LABELS = REPO / "corpus" / "labels"
MAX_CHARS = 30


def document_name(path: Path) -> str:
    """The reference of a report as ``real.tsv`` spells it: folder and 16 hex of its SHA-256."""
    return "national-reports/" + sha16(path)


def report_files() -> list[Path]:
    """The reports, oldest year first (their names start with the year)."""
    return sorted(path for path in REPORTS.iterdir() if path.is_file())


def parsed_rows(path: Path) -> pd.DataFrame:
    """Every parsed row of one report, with a flag for the rows that need a content label."""
    frame = planparse.parse(planparse.read_text(path), doc_id=path.stem).to_frame()
    already = _labelled_starts(document_name(path))
    short = frame["text"].str.strip().str.len() < MAX_CHARS
    wanted = short & (frame["kind"] != "debris") & ~frame["start"].isin(already)
    return frame.assign(wanted=wanted.to_numpy()).reset_index(drop=True)


def _labelled_starts(document: str) -> set[int]:
    real = pd.read_csv(LABELS / "real.tsv", sep="\t", dtype={"start": int})
    return set(real.loc[real["document"] == document, "start"])


def rows_to_label(path: Path) -> pd.DataFrame:
    """The rows of one report that ``reports_lines.tsv`` must hold, as its key columns."""
    frame = parsed_rows(path)
    wanted = frame[frame["wanted"]]
    return pd.DataFrame(
        {
            "document": document_name(path),
            "start": wanted["start"].astype(int),
            "end": wanted["end"].astype(int),
            "unit": wanted["kind"].astype(str),
        }
    )


def _clip(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[:width] + "…"


def show(path: Path, context: int) -> Iterator[str]:
    """Lines that show every wanted row of one report with ``context`` rows either side."""
    frame = parsed_rows(path)
    yield f"== {path.name[:4]} {document_name(path)} ({int(frame['wanted'].sum())} rows)"
    for index in frame.index[frame["wanted"]]:
        yield ""
        for near in range(max(0, index - context), min(len(frame), index + context + 1)):
            row = frame.loc[near]
            mark = ">>" if near == index else "  "
            text = row["text"] if near == index else _clip(row["text"])
            yield f"{mark} {row['start']:>6} {row['kind']:<6} d{row['depth']} {text.strip()}"


def check() -> int:
    """Compare ``reports_lines.tsv`` with the rows it must hold; print what is missing."""
    labelled = pd.read_csv(LABELS / "reports_lines.tsv", sep="\t")
    expected = pd.concat([rows_to_label(path) for path in report_files()])
    keys = ["document", "start", "end", "unit"]
    merged = expected.merge(labelled[keys], on=keys, how="outer", indicator=True)
    for side, count in merged["_merge"].value_counts().items():
        print(f"{side}: {count}")
    return 0 if (merged["_merge"] != "both").sum() == 0 else 1


def main(argv: list[str] | None = None) -> int:
    """Command line: list counts, show one year's rows in context, or check the label file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("year", nargs="?", help="show the rows of the report(s) of this year")
    parser.add_argument("--context", type=int, default=1)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    if args.check:
        return check()
    for path in report_files():
        if args.year is None:
            print(path.name[:4], document_name(path), int(parsed_rows(path)["wanted"].sum()))
        elif path.name.startswith(args.year):
            print("\n".join(show(path, args.context)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
