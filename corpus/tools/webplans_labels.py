"""Turn the annotators' label files of ``web-plans`` into the repository's by-reference tables.

    python corpus/tools/webplans_labels.py /work/labeling

reads ``labels_A.tsv`` and ``labels_B.tsv`` (the two disjoint slices), ``second_A.tsv`` and
``second_B.tsv`` (each annotator's blind second reading of 150 rows of the other's slice) and
``all_candidates.tsv`` (the parser's unit kind of every span), and writes

* ``corpus/labels/webplans.tsv``: ``document start end labels unit confidence group``, with
  the project's corrections from ``corpus/labels/webplans_fixes.tsv`` applied (``document
  start end labels why``: labels the project changed after checking a sample against
  docs/taxonomy.md);
* ``corpus/labels/webplans_second.tsv``: ``document start end labels_a labels_b``
  (the slice owner's labels and the second reading, for Cohen's kappa).

No text and no annotator note is written: a span is its document (``web-plans/<first 16 hex
of the file's SHA-256>``) and its offsets.  ``group`` keeps pages of one website, and pages
that copy each other, in one cross-validation fold: pages are joined when they share a
website (the host of their URL in ``web-plans/index.tsv``) or when one holds at least
``NEAR_DUPLICATE`` of the other's 8-character shingles.  Groups are numbered by their first
file, so the output is the same on every run.
"""

from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[2]
WEB_PLANS = REPO.parent / "shared" / "corpus" / "web-plans"
OUT = REPO / "corpus" / "labels"
#: Share of the smaller page's 8-character shingles found in the other: a copied page.
NEAR_DUPLICATE = 0.3
SHINGLE = 8
DIALECT = {"delimiter": "\t", "quoting": csv.QUOTE_NONE, "escapechar": "\\"}


def read_rows(path: Path) -> list[dict[str, str]]:
    """The rows of one annotation file (missing file: no rows)."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as stream:
        return [
            row for row in csv.DictReader(stream, **DIALECT) if row.get("id", "").startswith("s")
        ]


class Groups:
    """Union-find over page files."""

    def __init__(self, files: list[str]) -> None:
        self.parent = {f: f for f in files}

    def find(self, f: str) -> str:
        while self.parent[f] != f:
            self.parent[f] = self.parent[self.parent[f]]
            f = self.parent[f]
        return f

    def join(self, a: str, b: str) -> None:
        ra, rb = sorted((self.find(a), self.find(b)))
        self.parent[rb] = ra


def shingles(text: str) -> set[str]:
    squeezed = "".join(text.split())
    return {squeezed[i : i + SHINGLE] for i in range(len(squeezed) - SHINGLE + 1)}


def page_groups(root: Path) -> dict[str, str]:
    """``web-plans/<digest>`` -> group id (``g000`` …), by website and near-duplicate."""
    with (root / "index.tsv").open(encoding="utf-8", newline="") as stream:
        index = list(csv.DictReader(stream, delimiter="\t", quoting=csv.QUOTE_NONE))
    files = sorted(row["file"] for row in index)
    groups = Groups(files)
    by_host: dict[str, str] = {}
    for row in index:
        host = urlsplit(row["url"]).netloc.lower().removeprefix("www.")
        groups.join(row["file"], by_host.setdefault(host, row["file"]))
    sets = {f: shingles((root / f).read_text(encoding="utf-8")) for f in files}
    for i, a in enumerate(files):
        for b in files[i + 1 :]:
            small = min(len(sets[a]), len(sets[b])) or 1
            if len(sets[a] & sets[b]) / small >= NEAR_DUPLICATE:
                groups.join(a, b)
    numbers: dict[str, str] = {}
    out = {}
    for f in files:
        number = numbers.setdefault(groups.find(f), f"g{len(numbers):03d}")
        digest = hashlib.sha256((root / f).read_bytes()).hexdigest()[:16]
        out[f"web-plans/{digest}"] = number
    return out


def fixed_labels(path: Path) -> dict[tuple[str, str, str], str]:
    """The project's corrections: (document, start, end) -> labels."""
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as stream:
        rows = csv.DictReader(stream, delimiter="\t", quoting=csv.QUOTE_NONE)
        return {(r["document"], r["start"], r["end"]): r["labels"] for r in rows}


def write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE)
        writer.writerow(header)
        writer.writerows(rows)


def main(labeling: Path) -> None:
    candidates = {row["id"]: row for row in read_rows(labeling / "all_candidates.tsv")}
    first = {
        r["id"]: r for name in ("labels_A.tsv", "labels_B.tsv") for r in read_rows(labeling / name)
    }
    groups = page_groups(WEB_PLANS)
    fixes = fixed_labels(OUT / "webplans_fixes.tsv")
    labeled = sorted(first.values(), key=lambda r: r["id"])
    write(
        OUT / "webplans.tsv",
        ["document", "start", "end", "labels", "unit", "confidence", "group"],
        [
            [
                r["document"],
                r["start"],
                r["end"],
                fixes.get((r["document"], r["start"], r["end"]), r["labels"]),
                candidates[r["id"]]["kind"],
                r["confidence"] or "clear",
                groups[r["document"]],
            ]
            for r in labeled
            if r["labels"].strip()
        ],
    )
    second = [r for name in ("second_A.tsv", "second_B.tsv") for r in read_rows(labeling / name)]
    pairs = [
        [r["document"], r["start"], r["end"], first[r["id"]]["labels"], r["labels"]]
        for r in sorted(second, key=lambda r: r["id"])
        if r["id"] in first and r["labels"].strip()
    ]
    write(OUT / "webplans_second.tsv", ["document", "start", "end", "labels_a", "labels_b"], pairs)
    print(
        f"{len(labeled)} labeled spans, {len(pairs)} doubly annotated, "
        f"{len(set(groups.values()))} groups of pages"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/work/labeling"))
