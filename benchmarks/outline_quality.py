"""Outline quality on the hand-checked web-plans gold set (corpus/gold/, see its FORMAT.md).

    python benchmarks/outline_quality.py            # the figures, overall and per phenomenon
    python benchmarks/outline_quality.py --json     # the same, as JSON
    python benchmarks/outline_quality.py --misses   # also every miss, by file and offset

The gold stores pages by reference (file name, SHA-256 prefix, offsets, markers); the text is
read from ../shared/corpus at run time, and the script exits cleanly when that is absent. Each
page is parsed with planparse and compared with the gold: items (precision, recall, F1, parent
accuracy, inline recall), plan titles, compilation splits, page-break joins, and page numbers or
site notices that became items.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "corpus" / "gold"
SHARED = ROOT.parent / "shared" / "corpus"
#: How far (in characters) a parsed marker may stand from the gold offset and still match.
TOLERANCE = 1
#: not_items.tsv kinds that are page numbers or pagination lines.
PAGE_NUMBER_KINDS = ("page-number", "pagination")
#: A pinyin annotation after a character: "(lián)", "(jié)".
PINYIN = re.compile(r"\((?:[a-zü]|[\u00e0-\u01dc])+\)")
#: A decimal section number (1.1, 2.3.1), compared without a trailing dot.
DECIMAL = re.compile(r"^\d+(?:\.\d+)+\.?$")


@dataclass
class GoldItem:
    start: int
    marker: str
    parent: int | None  # start of the parent item; None at the top; -1 when unknown
    kind: str
    plan: int


@dataclass
class GoldPlan:
    start: int
    title: tuple[int, int] | None


@dataclass
class GoldPage:
    file: str
    sha256_16: str
    chars: int
    phenomena: list[str]
    items: list[GoldItem] = field(default_factory=list)
    plans: list[GoldPlan] = field(default_factory=list)
    joins: list[tuple[int, int, str]] = field(default_factory=list)
    not_items: list[tuple[int, int, str]] = field(default_factory=list)


@dataclass
class PredNode:
    """One parsed non-debris node: ``marker`` is "" for a paragraph."""

    start: int
    end: int
    marker: str
    kind: str
    parent: int | None  # start of the nearest numbered ancestor; None at the top


@dataclass
class PredPlan:
    start: int
    title: str


@dataclass
class Prediction:
    nodes: list[PredNode]
    plans: list[PredPlan]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _int_or_none(value: str) -> int | None:
    return int(value) if value not in ("", "?") else (-1 if value == "?" else None)


def load_gold(folder: Path = GOLD) -> dict[str, GoldPage]:
    """The gold pages of ``folder``, keyed by file name (``web-plans/0001.txt``)."""
    pages = {
        r["file"]: GoldPage(r["file"], r["sha256_16"], int(r["chars"]), r["phenomena"].split(","))
        for r in _rows(folder / "pages.tsv")
    }
    for r in _rows(folder / "items.tsv"):
        item = GoldItem(
            int(r["start"]), r["marker"], _int_or_none(r["parent"]), r["kind"], int(r["plan"])
        )
        pages[r["file"]].items.append(item)
    for r in _rows(folder / "plans.tsv"):
        title = (int(r["title_start"]), int(r["title_end"])) if r["title_start"] else None
        pages[r["file"]].plans.append(GoldPlan(int(r["start"]), title))
    for r in _rows(folder / "joins.tsv"):
        pages[r["file"]].joins.append((int(r["a"]), int(r["b"]), r["cause"]))
    for r in _rows(folder / "not_items.tsv"):
        pages[r["file"]].not_items.append((int(r["start"]), int(r["end"]), r["what"]))
    return pages


def read_page(page: GoldPage, corpus: Path = SHARED) -> str:
    """The page's decoded text; raises ValueError when the file is not the one the gold knew."""
    import planparse

    path = corpus / page.file
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    if digest != page.sha256_16:
        raise ValueError(f"{page.file}: SHA-256 {digest} is not the gold's {page.sha256_16}")
    return planparse.read_text(path)


def normalize_marker(marker: str) -> str:
    """Width-folded marker without spaces or a trailing separator.

    Examples:
        >>> normalize_marker("（一）、"), normalize_marker("１．"), normalize_marker("第一，")
        ('(一)', '1.', '第一')
    """
    folded = "".join(unicodedata.normalize("NFKC", marker).split())
    folded = folded.replace("〈", "(").replace("〉", ")")
    if len(folded) > 1 and folded[-1] in ",:、" and folded[-2] in ")":
        return folded[:-1]
    if DECIMAL.match(folded):
        return folded.rstrip(".")
    return folded.rstrip(",:") or folded


def fold_title(text: str) -> str:
    """Titles compare after width folding, without whitespace and without pinyin annotations.

    Pinyin after characters ("婦聯(lián)") is a site's conversion artefact, not part of the title.

    Examples:
        >>> fold_title("工会 2021 年工作总结")
        '工会2021年工作总结'
        >>> fold_title("婦聯(lián)工作總結(jié)")
        '婦聯工作總結'
    """
    folded = "".join(unicodedata.normalize("NFKC", text).split())
    return PINYIN.sub("", folded)


# --- predictions -------------------------------------------------------------------------


def _with_numbered_ancestors(plan) -> list[tuple[object, int | None]]:
    """Each non-debris node of ``plan`` with the start of its nearest numbered ancestor.

    Built from the pre-order ``walk()`` and its depths only, so that it does not depend on
    how a parser links parents.
    """
    stack: list[tuple[int, object]] = []
    out = []
    for node, depth in plan.walk():
        while stack and stack[-1][0] >= depth:
            stack.pop()
        numbered = [n for _, n in stack if n.kind in ("item", "inline") and n.marker]
        out.append((node, numbered[-1].start if numbered else None))
        stack.append((depth, node))
    return out


def _plan_start(plan) -> int:
    starts = [start for start, _ in getattr(plan, "title_pieces", [])]
    starts += [node.start for node, _ in plan.walk()]
    starts += [node.start for node in plan.debris]
    return min(starts) if starts else 0


def predict(text: str, doc_id: str) -> Prediction:
    """planparse's outline of ``text`` in the scorer's terms."""
    import planparse

    doc = planparse.parse(text, doc_id=doc_id)
    nodes = [
        PredNode(node.start, node.end, node.marker, node.kind, parent)
        for plan in doc.plans
        for node, parent in _with_numbered_ancestors(plan)
        if node.kind != "debris"
    ]
    plans = [PredPlan(_plan_start(plan), plan.title) for plan in doc.plans]
    return Prediction(nodes, plans)


def segmented(
    items: list[tuple[int, str, str, int | None]], plans: list[PredPlan], text: str
) -> Prediction:
    """A prediction whose nodes are ``(start, marker, kind, parent)`` entries, each running to
    the next one (a paragraph covers the text before the first): for tests and experiments."""
    items = sorted(items)
    ends = [entry[0] for entry in items[1:]] + [len(text)]
    nodes = [
        PredNode(start, end, marker, kind, parent)
        for (start, marker, kind, parent), end in zip(items, ends)
    ]
    first = items[0][0] if items else len(text)
    return Prediction([PredNode(0, first, "", "para", None)] + nodes, plans)


def gold_as_prediction(page: GoldPage, text: str) -> Prediction:
    """The gold itself as a prediction (what a perfect parser would return): for tests."""
    items = [
        (
            item.start,
            item.marker,
            item.kind,
            None if item.parent is None or item.parent < 0 else item.parent,
        )
        for item in page.items
    ]
    plans = [PredPlan(plan.start, _title_text(plan, text)) for plan in page.plans]
    return segmented(items, plans, text)


def _title_text(plan: GoldPlan, text: str) -> str:
    return text[plan.title[0] : plan.title[1]] if plan.title else ""


# --- scoring -------------------------------------------------------------------------------


class Tally(dict):
    """Counters of one group of pages (all pages, or the pages of one phenomenon)."""

    def add(self, key: str, value: int = 1) -> None:
        self[key] = self.get(key, 0) + value


def _match_items(page: GoldPage, pred: Prediction) -> dict[int, PredNode]:
    """Gold item index -> the parsed numbered node it matches (one-to-one, nearest first)."""
    free = [node for node in pred.nodes if node.marker and node.kind in ("item", "inline")]
    matched: dict[int, PredNode] = {}
    for index, item in enumerate(page.items):
        want = normalize_marker(item.marker)
        near = [
            n
            for n in free
            if abs(n.start - item.start) <= TOLERANCE and normalize_marker(n.marker) == want
        ]
        if near:
            best = min(near, key=lambda n: abs(n.start - item.start))
            matched[index] = best
            free.remove(best)
    return matched


def _same_parent(gold: int | None, parsed: int | None) -> bool:
    if gold is None or parsed is None:
        return gold is None and parsed is None
    return abs(gold - parsed) <= TOLERANCE


def score_items(page: GoldPage, pred: Prediction, tally: Tally) -> list[str]:
    matched = _match_items(page, pred)
    tally.add("gold_items", len(page.items))
    tally.add("parsed_items", sum(1 for n in pred.nodes if n.marker and n.kind != "para"))
    tally.add("matched_items", len(matched))
    misses = []
    for index, item in enumerate(page.items):
        if item.kind == "inline":
            tally.add("gold_inline")
            tally.add("matched_inline", index in matched)
        node = matched.get(index)
        if node is None:
            misses.append(f"item missed at {item.start} {item.marker}")
            continue
        if item.parent is not None and item.parent < 0:
            continue
        tally.add("parent_checked")
        if _same_parent(item.parent, node.parent):
            tally.add("parent_right")
        else:
            misses.append(f"parent of {item.start} {item.marker}: {node.parent} not {item.parent}")
    return misses


def _plan_window(plan: GoldPlan) -> tuple[int, int]:
    last = max(plan.start, plan.title[1] if plan.title else plan.start)
    return plan.start - TOLERANCE, last + TOLERANCE


def _parsed_plan_for(plan: GoldPlan, pred: Prediction) -> PredPlan | None:
    limit = _plan_window(plan)[1]
    before = [p for p in pred.plans if p.start <= limit]
    return before[-1] if before else (pred.plans[0] if pred.plans else None)


def score_plans(page: GoldPage, text: str, pred: Prediction, tally: Tally) -> list[str]:
    misses = []
    for plan in page.plans:
        parsed = _parsed_plan_for(plan, pred)
        want = fold_title(_title_text(plan, text))
        got = fold_title(parsed.title) if parsed else ""
        tally.add("titles")
        tally.add("titles_right", got == want)
        if got != want:
            misses.append(f"title of plan at {plan.start}: {len(got)} chars, want {plan.title}")
    if "compilation" in page.phenomena:
        misses += _score_splits(page, pred, tally)
    return misses


def _score_splits(page: GoldPage, pred: Prediction, tally: Tally) -> list[str]:
    windows = [_plan_window(plan) for plan in page.plans]
    found = [any(lo <= p.start <= hi for p in pred.plans) for lo, hi in windows]
    tally.add("plan_starts", len(windows))
    tally.add("plan_starts_found", sum(found))
    spurious = [
        p.start for p in pred.plans[1:] if not any(lo <= p.start <= hi for lo, hi in windows)
    ]
    tally.add("spurious_splits", len(spurious))
    missed = [plan.start for plan, ok in zip(page.plans, found) if not ok]
    return [f"plan start missed at {s}" for s in missed] + [
        f"spurious split at {s}" for s in spurious
    ]


def _joined(pred: Prediction, a: int, b: int) -> bool:
    return any(n.start <= a < n.end and n.start <= b < n.end for n in pred.nodes)


def score_joins(page: GoldPage, pred: Prediction, tally: Tally) -> list[str]:
    misses = []
    for a, b, cause in page.joins:
        ok = _joined(pred, a, b)
        tally.add(f"joins_{cause}")
        tally.add(f"joins_{cause}_right", ok)
        if not ok:
            misses.append(f"{cause} join {a}-{b} broken")
    return misses


def score_not_items(page: GoldPage, pred: Prediction, tally: Tally) -> list[str]:
    numbered = [n.start for n in pred.nodes if n.marker and n.kind != "para"]
    misses = []
    for start, end, what in page.not_items:
        hits = [s for s in numbered if start <= s < end]
        group = "page_numbers" if what in PAGE_NUMBER_KINDS else f"not_item_{what}"
        tally.add(f"{group}")
        tally.add(f"{group}_as_items", bool(hits))
        if hits:
            misses.append(f"{what} {start}-{end} parsed as item(s) at {hits}")
    return misses


def score_page(page: GoldPage, text: str, pred: Prediction, tally: Tally) -> list[str]:
    """Add one page's counts to ``tally``; return its misses (offsets and markers only)."""
    tally.add("pages")
    misses = score_items(page, pred, tally)
    misses += score_plans(page, text, pred, tally)
    misses += score_joins(page, pred, tally)
    return misses + score_not_items(page, pred, tally)


def _ratio(tally: Tally, part: str, whole: str) -> float | None:
    return round(tally.get(part, 0) / tally[whole], 3) if tally.get(whole) else None


def figures(tally: Tally) -> dict[str, float | int | None]:
    """The headline figures of one tally."""
    precision = _ratio(tally, "matched_items", "parsed_items")
    recall = _ratio(tally, "matched_items", "gold_items")
    f1 = round(2 * precision * recall / (precision + recall), 3) if precision and recall else None
    return {
        "pages": tally.get("pages", 0),
        "gold_items": tally.get("gold_items", 0),
        "item_precision": precision,
        "item_recall": recall,
        "item_f1": f1,
        "parent_accuracy": _ratio(tally, "parent_right", "parent_checked"),
        "inline_recall": _ratio(tally, "matched_inline", "gold_inline"),
        "title_accuracy": _ratio(tally, "titles_right", "titles"),
        "plan_starts_found": _ratio(tally, "plan_starts_found", "plan_starts"),
        "spurious_splits": tally.get("spurious_splits", 0),
        "page_break_joins": _ratio(tally, "joins_page-break_right", "joins_page-break"),
        "wrap_joins": _ratio(tally, "joins_wrap_right", "joins_wrap"),
        "page_numbers": tally.get("page_numbers", 0),
        "page_numbers_as_items": tally.get("page_numbers_as_items", 0),
        "notices_as_items": tally.get("not_item_notice_as_items", 0),
        "toc_as_items": tally.get("not_item_toc_as_items", 0),
    }


def evaluate(
    pages: dict[str, GoldPage], texts: dict[str, str], predictions: dict[str, Prediction]
) -> dict:
    """Overall and per-phenomenon figures, plus each page's misses."""
    overall = Tally()
    by_tag: dict[str, Tally] = defaultdict(Tally)
    misses = {}
    for name, page in pages.items():
        misses[name] = score_page(page, texts[name], predictions[name], overall)
        for tag in page.phenomena:
            score_page(page, texts[name], predictions[name], by_tag[tag])
    return {
        "overall": figures(overall),
        "by_phenomenon": {tag: figures(by_tag[tag]) for tag in sorted(by_tag)},
        "misses": {name: m for name, m in misses.items() if m},
    }


def _fmt(value) -> str:
    return "-" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def _which_planparse() -> str:
    """Which planparse was scored: the venv may hold another checkout than this one."""
    import planparse

    return f"{planparse.__version__} from {Path(planparse.__file__).parent}"


def print_report(result: dict, show_misses: bool) -> None:
    print(f"planparse {result['planparse']}\n")
    overall = result["overall"]
    width = max(map(len, overall))
    for key, value in overall.items():
        print(f"{key:<{width}}  {_fmt(value)}")
    columns = [
        "pages",
        "gold_items",
        "item_precision",
        "item_recall",
        "parent_accuracy",
        "inline_recall",
        "title_accuracy",
        "page_break_joins",
        "page_numbers_as_items",
    ]
    short = ["pages", "items", "P", "R", "parent", "inline", "title", "joins", "pn-items"]
    print(f"\n{'phenomenon':<20}" + "".join(f"{s:>9}" for s in short))
    for tag, values in result["by_phenomenon"].items():
        print(f"{tag:<20}" + "".join(f"{_fmt(values[c]):>9}" for c in columns))
    if show_misses:
        for name, misses in result["misses"].items():
            print(f"\n{name}\n  " + "\n  ".join(misses))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--misses", action="store_true", help="also list every miss")
    parser.add_argument("--gold", type=Path, default=GOLD, help="the gold folder")
    parser.add_argument("--corpus", type=Path, default=SHARED, help="the real corpus folder")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"skipped: the real corpus is not at {args.corpus} (a fresh clone has none)")
        return 0
    pages = load_gold(args.gold)
    texts = {name: read_page(page, args.corpus) for name, page in pages.items()}
    predictions = {name: predict(texts[name], name) for name in pages}
    result = evaluate(pages, texts, predictions)
    result["planparse"] = _which_planparse()
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print_report(result, args.misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
