"""The held-out web-plans gold outline (corpus/gold/heldout/, see its README.md).

Its pages must be exactly the stated seeded draw (so nobody can swap in pages the parser does
well on), and it must share no page with the development gold.  Its rows are checked beside the
development gold's in test_outline_gold.py.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import sys
from collections import Counter

import pytest
from conftest import ROOT

if "outline_quality" in sys.modules:  # test_outline_gold.py loaded the scorer already
    oq = sys.modules["outline_quality"]
else:
    _SPEC = importlib.util.spec_from_file_location(
        "outline_quality", ROOT / "benchmarks" / "outline_quality.py"
    )
    oq = importlib.util.module_from_spec(_SPEC)
    sys.modules["outline_quality"] = oq  # dataclasses look their module up there
    _SPEC.loader.exec_module(oq)

HELDOUT = ROOT / "corpus" / "gold" / "heldout"
PAGES_DRAWN = 40
SEED = "planparse-heldout:"


@pytest.fixture(scope="module")
def heldout():
    return oq.load_gold(HELDOUT)


def seeded_draw(index_rows: list[dict[str, str]], excluded: set[str], size: int) -> list[str]:
    """The README's rule: genre quotas by share of the folder, then the lowest seeded hashes."""
    shares = Counter(row["genre"] for row in index_rows)
    quota = {genre: size * count / len(index_rows) for genre, count in shares.items()}
    whole = {genre: int(q) for genre, q in quota.items()}
    by_remainder = sorted(quota, key=lambda genre: (whole[genre] - quota[genre], genre))
    for genre in by_remainder[: size - sum(whole.values())]:
        whole[genre] += 1
    chosen = []
    for genre, count in whole.items():
        rest = [r["file"] for r in index_rows if r["genre"] == genre and r["file"] not in excluded]
        rest.sort(key=lambda name: hashlib.sha256((SEED + name).encode()).hexdigest())
        chosen += rest[:count]
    return sorted(chosen)


def test_the_pages_are_the_seeded_draw_and_not_development_pages(heldout, shared_corpus):
    with open(shared_corpus / "web-plans" / "index.tsv", encoding="utf-8") as handle:
        index_rows = list(csv.DictReader(handle, delimiter="\t"))
    development = {name.removeprefix("web-plans/") for name in oq.load_gold()}
    drawn = seeded_draw(index_rows, development, PAGES_DRAWN)
    assert sorted(name.removeprefix("web-plans/") for name in heldout) == drawn
    assert not development & set(drawn)


def test_the_heldout_gold_holds_the_drawn_number_of_pages(heldout):
    # its rows are checked with the development gold's in test_outline_gold.py
    assert len(heldout) == PAGES_DRAWN
