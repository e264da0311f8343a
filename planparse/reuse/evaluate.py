"""Score copy-paste findings against planted truth: pair-level and PAN character measures.

The character measures are those of the PAN text-alignment task (Potthast et al. 2010):
precision and recall over the characters of cases and detections on both sides, the
granularity (detections per detected case) and plagdet = F1 / log2(1 + granularity).

Examples:
    >>> import pandas as pd
    >>> truth = pd.DataFrame({"kind": ["copy"], "source_file": ["a"], "source_plan": [1],
    ...     "source_start": [0], "source_end": [100], "target_file": ["b"], "target_plan": [1],
    ...     "target_start": [0], "target_end": [100]})
    >>> found = pd.DataFrame({"a_doc": ["a"], "a_plan": [1], "b_doc": ["b"], "b_plan": [1],
    ...     "a_start": [0], "a_end": [100], "b_start": [0], "b_end": [50]})
    >>> round(score(found, truth)["char_recall"], 3)
    0.75
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

Side = tuple[str, int, int]


def _cases(truth: "pd.DataFrame") -> list[tuple[Side, Side]]:
    copies = truth[truth["kind"] != "boilerplate"]
    return [
        ((sf, int(ss), int(se)), (tf, int(ts), int(te)))
        for sf, ss, se, tf, ts, te in zip(
            copies.source_file,
            copies.source_start,
            copies.source_end,
            copies.target_file,
            copies.target_start,
            copies.target_end,
        )
    ]


def _detections(found: "pd.DataFrame") -> list[tuple[Side, Side]]:
    return [
        ((a, int(s), int(e)), (b, int(t), int(u)))
        for a, s, e, b, t, u in zip(
            found.a_doc, found.a_start, found.a_end, found.b_doc, found.b_start, found.b_end
        )
    ]


def _overlap(x: Side, y: Side) -> int:
    return max(0, min(x[2], y[2]) - max(x[1], y[1])) if x[0] == y[0] else 0


def _oriented(case: tuple[Side, Side], det: tuple[Side, Side]) -> tuple[Side, Side] | None:
    """``det`` in the orientation of ``case`` if it overlaps the case on both sides."""
    for d in (det, det[::-1]):
        if _overlap(case[0], d[0]) and _overlap(case[1], d[1]):
            return d
    return None


def _covered(target: tuple[Side, Side], others: list[tuple[Side, Side]]) -> int:
    """Characters of ``target`` (both sides) covered by ``others``."""
    total = 0
    for side in (0, 1):
        doc, start, end = target[side]
        marks = bytearray(end - start)
        for other in others:
            o = other[side]
            lo, hi = max(start, o[1]), min(end, o[2])
            if o[0] == doc and lo < hi:
                marks[lo - start : hi - start] = b"\x01" * (hi - lo)
        total += sum(marks)
    return total


def _size(pair: tuple[Side, Side]) -> int:
    return sum(side[2] - side[1] for side in pair)


def score(found: "pd.DataFrame", truth: "pd.DataFrame", min_chars: int = 100) -> dict:
    """Pair-level precision and recall (plan pairs, copies of ``min_chars``+ characters) and
    the PAN character measures, for findings ``found`` against ``truth`` (reuse.tsv)."""
    cases, detections = _cases(truth), _detections(found)
    detected_by = [[d for det in detections if (d := _oriented(c, det))] for c in cases]
    recall = [
        (_covered(c, ds) / _size(c)) if _size(c) else 0.0 for c, ds in zip(cases, detected_by)
    ]
    precision = []
    for det in detections:
        hits = [c for c in cases if _oriented(c, det)]
        aligned = [c if _oriented(c, det) == det else c[::-1] for c in hits]
        precision.append(_covered(det, aligned) / _size(det) if _size(det) else 0.0)
    detected = [len(ds) for ds in detected_by if ds]
    char_p = sum(precision) / len(precision) if precision else 0.0
    char_r = sum(recall) / len(recall) if recall else 0.0
    granularity = sum(detected) / len(detected) if detected else 1.0
    f1 = 2 * char_p * char_r / (char_p + char_r) if char_p + char_r else 0.0
    truth_pairs = _plan_pairs(truth, min_chars)
    found_pairs = {
        frozenset(((a, int(p)), (b, int(q))))
        for a, p, b, q in zip(found.a_doc, found.a_plan, found.b_doc, found.b_plan)
    }
    stock_only = _stock_only(found, truth)
    return {
        "pair_precision": len(found_pairs & truth_pairs) / len(found_pairs) if found_pairs else 0.0,
        "pair_recall": len(found_pairs & truth_pairs) / len(truth_pairs) if truth_pairs else 0.0,
        "char_precision": char_p,
        "char_recall": char_r,
        "granularity": granularity,
        "plagdet": f1 / math.log2(1 + granularity),
        "truth_pairs": len(truth_pairs),
        "found_pairs": len(found_pairs),
        "boilerplate_only_found": stock_only,
    }


def _plan_pairs(truth: "pd.DataFrame", min_chars: int) -> set:
    copies = truth[truth["kind"] != "boilerplate"]
    sizes: dict = {}
    for sf, sp, ss, se, tf, tp in zip(
        copies.source_file,
        copies.source_plan,
        copies.source_start,
        copies.source_end,
        copies.target_file,
        copies.target_plan,
    ):
        key = frozenset(((sf, int(sp)), (tf, int(tp))))
        sizes[key] = sizes.get(key, 0) + int(se) - int(ss)
    return {key for key, size in sizes.items() if size >= min_chars}


def _stock_only(found: "pd.DataFrame", truth: "pd.DataFrame") -> int:
    """Findings that overlap no planted copy on both sides, but do overlap planted 套话."""
    cases = _cases(truth)
    stock = truth[truth["kind"] == "boilerplate"]
    spans = [
        (f, int(s), int(e))
        for f, s, e in zip(stock.target_file, stock.target_start, stock.target_end)
    ]
    count = 0
    for det in _detections(found):
        if any(_oriented(c, det) for c in cases):
            continue
        count += any(_overlap(det[0], s) or _overlap(det[1], s) for s in spans)
    return count
