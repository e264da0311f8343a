"""The held-out web-plans gold outline (corpus/gold/heldout/, see its README.md).

Its rows must resolve against ../shared/corpus (skipped when absent), its pages must be exactly
the stated seeded draw (so nobody can swap in pages the parser does well on), and it must share
no page with the development gold.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import re
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

#: Numbering only, as written: a separator may be a comma (一,) or follow a space (1 .).
MARKER = re.compile(
    r"^(?:[（(〈]?[一二三四五六七八九十]+[）)〉]?[、．.:：,，]?|[（(]?\d{1,2}[）)]? ?[、．.,，]?"
    r"|\d+(?:\.\d+)+\.?|[①-⑳]|[⒈-⒛]|[一二三四五六七八九十]+[是要]|第[一二三四五六七八九十]+[，,、：:]?"
    r"|首先|其次|再次|最后|然后)$"
)


@pytest.fixture(scope="module")
def heldout():
    return oq.load_gold(HELDOUT)


@pytest.fixture(scope="module")
def texts(heldout, shared_corpus):
    return {name: oq.read_page(page, shared_corpus) for name, page in heldout.items()}


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


def test_the_heldout_gold_stores_only_references(heldout):
    assert len(heldout) == PAGES_DRAWN
    for page in heldout.values():
        assert re.fullmatch(r"web-plans/\d{4}\.txt", page.file)
        assert re.fullmatch(r"[0-9a-f]{16}", page.sha256_16)
        assert len(page.plans) >= 1, page.file
        for item in page.items:
            assert MARKER.match(item.marker), (page.file, item.start, item.marker)
            assert item.kind in ("item", "inline")


def test_heldout_parents_precede_children_within_one_plan(heldout):
    for page in heldout.values():
        by_start = {item.start: item for item in page.items}
        starts = [item.start for item in page.items]
        assert starts == sorted(set(starts)), page.file
        for item in page.items:
            if item.parent is not None and item.parent >= 0:
                parent = by_start[item.parent]
                assert parent.start < item.start and parent.plan == item.plan, (page.file, item)


def test_every_heldout_row_resolves_in_the_real_page(heldout, texts):
    for name, page in heldout.items():
        text = texts[name]
        assert len(text) == page.chars, name
        for item in page.items:
            assert text.startswith(item.marker, item.start), (name, item.start)
            assert page.plans[item.plan - 1].start <= item.start, (name, item.start)
        for plan in page.plans:
            if plan.title:
                start, end = plan.title
                assert text[start:end].strip() == text[start:end], (name, start)
        for a, b, _ in page.joins:
            assert 0 <= a < b < len(text), (name, a)
        for start, end, what in page.not_items:
            assert 0 <= start < end <= len(text) and text[start:end].strip(), (name, start, what)


def test_the_heldout_gold_itself_scores_perfectly(heldout, texts):
    predictions = {name: oq.gold_as_prediction(page, texts[name]) for name, page in heldout.items()}
    figures = oq.evaluate(heldout, texts, predictions)["overall"]
    assert figures["item_recall"] == figures["item_precision"] == 1.0
    assert figures["title_accuracy"] == figures["parent_accuracy"] == 1.0
    assert figures["page_numbers_as_items"] == 0
