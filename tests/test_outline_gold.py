"""The web-plans gold outline (corpus/gold/) and its scorer, benchmarks/outline_quality.py.

The gold must resolve against ../shared/corpus (skipped when absent), and the scorer must give
full marks to the gold itself and lower marks to a damaged prediction.
"""

from __future__ import annotations

import copy
import importlib.util
import re
import sys
from dataclasses import replace

import pytest
from conftest import ROOT

_SPEC = importlib.util.spec_from_file_location(
    "outline_quality", ROOT / "benchmarks" / "outline_quality.py"
)
oq = importlib.util.module_from_spec(_SPEC)
sys.modules["outline_quality"] = oq  # dataclasses look their module up there
_SPEC.loader.exec_module(oq)

#: What a gold marker may look like: numbering only, never a word of the page; a separator
#: may be a comma (一,) or follow a space (1 .).
MARKER = re.compile(
    r"^(?:[（(〈]?[一二三四五六七八九十]+[）)〉]?[、．.:：,，]?|[（(]?\d{1,2}[）)]? ?[、．.,，]?"
    r"|\d+(?:\.\d+)+\.?|[①-⑳]|[⒈-⒛]|[一二三四五六七八九十]+[是要]|第[一二三四五六七八九十]+[，,、：:]?"
    r"|首先|其次|再次|最后|然后)$"
)
#: The development gold (corpus/gold/) and the held-out one (corpus/gold/heldout/, blind).
GOLD_FOLDERS = [ROOT / "corpus" / "gold", ROOT / "corpus" / "gold" / "heldout"]
PERFECT = {
    "item_precision": 1.0,
    "item_recall": 1.0,
    "item_f1": 1.0,
    "parent_accuracy": 1.0,
    "inline_recall": 1.0,
    "title_accuracy": 1.0,
    "plan_starts_found": 1.0,
    "page_break_joins": 1.0,
    "page_numbers_as_items": 0,
    "spurious_splits": 0,
}


@pytest.fixture(scope="module", params=GOLD_FOLDERS, ids=["development", "heldout"])
def gold(request):
    return oq.load_gold(request.param)


@pytest.fixture(scope="module")
def texts(gold, shared_corpus):
    return {name: oq.read_page(page, shared_corpus) for name, page in gold.items()}


def test_the_gold_is_large_and_stores_no_page_text(gold):
    assert len(gold) >= 20
    for page in gold.values():
        assert re.fullmatch(r"web-plans/\d{4}\.txt", page.file)
        assert re.fullmatch(r"[0-9a-f]{16}", page.sha256_16)
        assert page.plans, page.file
        for item in page.items:
            assert MARKER.match(item.marker), (page.file, item.start)
            assert item.kind in ("item", "inline")


def test_parents_precede_children_within_one_plan(gold):
    for page in gold.values():
        by_start = {item.start: item for item in page.items}
        for item in page.items:
            if item.parent is None or item.parent < 0:
                continue
            parent = by_start[item.parent]
            assert parent.start < item.start, (page.file, item.start)
            assert parent.plan == item.plan, (page.file, item.start)
        assert [p.start for p in page.plans] == sorted(p.start for p in page.plans)
        starts = [item.start for item in page.items]
        assert starts == sorted(set(starts)), page.file  # pre-order, one row per marker


def test_every_reference_resolves_in_the_real_page(gold, texts):
    for name, page in gold.items():
        text = texts[name]
        assert len(text) == page.chars, name
        for item in page.items:
            assert text.startswith(item.marker, item.start), (name, item.start)
            plan = page.plans[item.plan - 1]
            assert plan.start <= item.start, (name, item.start)
        for plan in page.plans:
            assert 0 <= plan.start < len(text)
            if plan.title:
                start, end = plan.title
                assert 0 <= start < end <= len(text) and text[start:end].strip(), (name, start)
                assert text[start:end].strip() == text[start:end], (name, start)
        for a, b, _ in page.joins:
            assert 0 <= a < b < len(text), (name, a)
        for start, end, _ in page.not_items:
            assert 0 <= start < end <= len(text) and text[start:end].strip(), (name, start)


def _gold_predictions(gold, texts):
    return {name: oq.gold_as_prediction(page, texts[name]) for name, page in gold.items()}


def test_the_gold_itself_scores_perfectly(gold, texts):
    result = oq.evaluate(gold, texts, _gold_predictions(gold, texts))
    figures = result["overall"]
    assert {key: figures[key] for key in PERFECT} == PERFECT
    assert not result["misses"]


def _damage(prediction, keep=lambda node: True, change=lambda node: node):
    damaged = copy.deepcopy(prediction)
    damaged.nodes = [change(node) for node in damaged.nodes if keep(node)]
    return damaged


def test_a_damaged_prediction_scores_lower(gold, texts):
    predictions = _gold_predictions(gold, texts)
    inline_dropped = {
        name: _damage(pred, keep=lambda n: n.kind != "inline") for name, pred in predictions.items()
    }
    figures = oq.evaluate(gold, texts, inline_dropped)["overall"]
    assert figures["inline_recall"] == 0.0
    assert figures["item_recall"] < 1.0 and figures["item_precision"] == 1.0

    flattened = {
        name: _damage(pred, change=lambda n: replace(n, parent=None))
        for name, pred in predictions.items()
    }
    assert oq.evaluate(gold, texts, flattened)["overall"]["parent_accuracy"] < 1.0

    untitled = copy.deepcopy(predictions)
    for pred in untitled.values():
        pred.plans = [replace(plan, title="") for plan in pred.plans]
    assert oq.evaluate(gold, texts, untitled)["overall"]["title_accuracy"] < 1.0


def test_broken_joins_and_page_numbers_as_items_are_counted(gold, texts):
    predictions = {}
    for name, page in gold.items():
        entries = [(i.start, i.marker, i.kind, None) for i in page.items]
        entries += [
            (start, "1、", "item", None)
            for start, _, what in page.not_items
            if what in oq.PAGE_NUMBER_KINDS
        ]
        plans = oq.gold_as_prediction(page, texts[name]).plans
        predictions[name] = oq.segmented(entries, plans, texts[name])
    figures = oq.evaluate(gold, texts, predictions)["overall"]
    assert figures["page_numbers_as_items"] == figures["page_numbers"] > 0
    assert figures["item_precision"] < 1.0
    assert figures["page_break_joins"] < 1.0  # the page number now splits the joined sentence


# --- the scorer on a page written for this test (runs without ../shared) -------------------

OWN_TEXT = (
    "某社区妇联工作计划\n一、加强学习\n一是读书，二是交流。\n二、开展活动\n1、三八节活\n- 2 -\n动\n"
)


def _own_page():
    text = OWN_TEXT
    at = text.index
    page = oq.GoldPage("own.txt", "0" * 16, len(text), ["own"])
    first, second = at("一、"), at("二、")
    page.items = [
        oq.GoldItem(first, "一、", None, "item", 1),
        oq.GoldItem(at("一是"), "一是", first, "inline", 1),
        oq.GoldItem(at("二是"), "二是", first, "inline", 1),
        oq.GoldItem(second, "二、", None, "item", 1),
        oq.GoldItem(at("1、"), "1、", second, "item", 1),
    ]
    page.plans = [oq.GoldPlan(0, (0, at("\n")))]
    page.joins = [(at("活"), at("动\n"), "page-break")]
    page.not_items = [(at("- 2 -"), at("- 2 -") + 5, "page-number")]
    return page, text


def test_the_scorer_on_an_own_page():
    page, text = _own_page()
    pages, texts = {"own": page}, {"own": text}
    perfect = oq.evaluate(pages, texts, {"own": oq.gold_as_prediction(page, text)})["overall"]
    assert {key: perfect[key] for key in PERFECT} == PERFECT | {"plan_starts_found": None}

    shifted = oq.gold_as_prediction(page, text)
    shifted.nodes[1] = replace(shifted.nodes[1], start=shifted.nodes[1].start + 2)  # 一、 off by 2
    figures = oq.evaluate(pages, texts, {"own": shifted})["overall"]
    assert figures["item_recall"] == 0.8 and figures["item_precision"] == 0.8


def test_the_parser_outlines_a_clean_own_page_perfectly():
    page, text = _own_page()
    figures = oq.evaluate({"own": page}, {"own": text}, {"own": oq.predict(text, "own")})
    assert {key: figures["overall"][key] for key in PERFECT} == PERFECT | {
        "plan_starts_found": None
    }


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("（一）", "(一)"),
        ("(一）、", "(一)"),
        ("〈一〉", "(一)"),
        ("1．", "1."),
        ("第一，", "第一"),
        ("１、", "1、"),
        ("一是", "一是"),
        ("1.1.", "1.1"),
    ],
)
def test_markers_compare_after_width_folding(written, normal):
    assert oq.normalize_marker(written) == normal


def test_titles_compare_without_whitespace():
    assert oq.fold_title("工会 2021 年工作总结") == oq.fold_title("工会2021年工作总结")
    assert oq.fold_title("工作计划") != oq.fold_title("工作计划1")
    assert oq.fold_title("縣婦聯(lián)工會工作計劃") == oq.fold_title("縣婦聯工會工作計劃")
    assert oq.fold_title("工作计划(2021)") != oq.fold_title("工作计划")
