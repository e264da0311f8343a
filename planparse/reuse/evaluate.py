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


def _cases(truth: pd.DataFrame) -> list[tuple[Side, Side]]:
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


def _detections(found: pd.DataFrame) -> list[tuple[Side, Side]]:
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


def score(found: pd.DataFrame, truth: pd.DataFrame, min_chars: int = 100) -> dict:
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


def _plan_pairs(truth: pd.DataFrame, min_chars: int) -> set:
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


def _stock_only(found: pd.DataFrame, truth: pd.DataFrame) -> int:
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


#: Shared-length buckets of the gold evaluation: ``[low, high)`` letters and digits.
BUCKETS = ((50, 100), (100, 200), (200, 10**9))
#: Columns of a reuse gold set (``corpus/gold/reuse/*.tsv``): text by reference only.
GOLD_COLUMNS = [
    "a_file",
    "a_sha",
    "a_start",
    "a_end",
    "b_file",
    "b_sha",
    "b_start",
    "b_end",
    "longest_run",
    "containment",
    "judgement",
]


def sha16(path) -> str:
    """The first 16 hex digits of a file's SHA-256: how gold sets name a file's version."""
    import hashlib
    from pathlib import Path

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def longest_runs(texts: dict, least: int = 20) -> dict:
    """Exhaustive reference: for every pair of files (a file with itself too: its repeats,
    which may not overlap), the longest run of shared letters and digits, Traditional mapped
    to Simplified, when it is at least ``least`` long: ``{(a, b): (length, a_start, a_end,
    b_start, b_end)}`` in original offsets.  Every run of ``least`` shares a window of
    ``least``, so an index of all such windows misses none.

    Examples:
        >>> runs = longest_runs({"a": "甲乙丙丁戊己庚辛壬癸", "b": "子乙丙丁戊己丑"}, 3)
        >>> runs[("a", "b")][:3]
        (5, 1, 6)
    """
    from planparse.hashing import CHAR_SEED, ngram_hashes
    from planparse.reuse.matchtext import DocText

    docs = {name: DocText(text, (), True) for name, text in texts.items()}
    where: dict[int, list] = {}
    for name, doc in docs.items():
        hashes, _ = ngram_hashes(doc.kept.astype("uint64"), least, CHAR_SEED)
        for at, value in enumerate(hashes.tolist()):
            where.setdefault(value, []).append((name, at))
    hits: dict = {}
    for found in where.values():
        for x, (a, i) in enumerate(found):
            for b, j in found[x + 1 :]:
                hits.setdefault((a, b), set()).add((i, j))
    return {pair: _longest(docs, pair, spots, least) for pair, spots in hits.items()}


def _longest(docs: dict, pair: tuple, spots: set, least: int) -> tuple:
    best = (0, 0, 0)
    for i, j in sorted(spots):
        if (i - 1, j - 1) in spots:
            continue  # not the start of a run
        n = 1
        while (i + n, j + n) in spots:
            n += 1
        length = n + least - 1
        if pair[0] == pair[1]:
            length = min(length, abs(j - i))  # a repeat may not overlap itself
        best = max(best, (length, i, j))
    length, i, j = best
    a, b = docs[pair[0]], docs[pair[1]]
    end = max(length, 1)
    return (
        length,
        int(a.offsets[i]),
        int(a.offsets[i + end - 1]) + 1,
        int(b.offsets[j]),
        int(b.offsets[j + end - 1]) + 1,
    )


def containment(texts: dict, k: int = 8) -> dict:
    """Exhaustive reference: for every pair of different files, the share of the smaller
    one's distinct ``k``-character windows found in the other (Traditional as Simplified)."""
    from planparse.hashing import CHAR_SEED, ngram_hashes
    from planparse.reuse.matchtext import DocText

    sets = {}
    for name, text in texts.items():
        kept = DocText(text, (), True).kept.astype("uint64")
        sets[name] = set(ngram_hashes(kept, k, CHAR_SEED)[0].tolist())
    names = sorted(sets)
    return {
        (a, b): len(sets[a] & sets[b]) / max(1, min(len(sets[a]), len(sets[b])))
        for n, a in enumerate(names)
        for b in names[n + 1 :]
    }


def load_gold(folder, path=None) -> pd.DataFrame:
    """A reuse gold set (default ``corpus/gold/reuse/<folder name>.tsv``), checked against
    the files of ``folder``: a file whose SHA-256 changed is refused."""
    from pathlib import Path

    import pandas as pd

    folder = Path(folder)
    path = path or Path(__file__).parents[2] / "corpus" / "gold" / "reuse" / f"{folder.name}.tsv"
    gold = pd.read_csv(path, sep="\t", keep_default_na=False, dtype={"a_sha": str, "b_sha": str})
    for name, sha in {
        **dict(zip(gold.a_file, gold.a_sha)),
        **dict(zip(gold.b_file, gold.b_sha)),
    }.items():
        if sha16(folder / name) != sha:
            raise ValueError(f"{name} is not the version the gold set was judged on")
    return gold


def gold_scores(pairs: pd.DataFrame, gold: pd.DataFrame) -> dict:
    """Recall of the real copies (by shared-length bucket) and precision of the reported
    copies between files, against a judged gold set: a reported pair of files counts as
    right only when judged ``copy``; boilerplate, stock phrases and pairs not in the gold
    set count as wrong.  Repeats inside a file are scored apart."""
    copies = pairs[(pairs.kind == "copy") & (pairs.a_doc != pairs.b_doc)]
    reported = {frozenset((a, b)) for a, b in zip(copies.a_doc, copies.b_doc)}
    judged = {frozenset((a, b)): j for a, b, j in zip(gold.a_file, gold.b_file, gold.judgement)}
    real = gold[(gold.judgement == "copy") & (gold.longest_run >= BUCKETS[0][0])]
    result = {
        "reported": len(reported),
        "wrong": sorted(tuple(sorted(p)) for p in reported if judged.get(p) != "copy"),
    }
    result["precision"] = 1 - len(result["wrong"]) / len(reported) if reported else 1.0
    found = [_found(copies, g) for g in real.itertuples()]
    result["recall"] = sum(found) / len(found) if found else 1.0
    for low, high in BUCKETS:
        inside = [f for f, n in zip(found, real.longest_run) if low <= n < high]
        result[f"recall_{low}"] = (sum(inside), len(inside))
    repeats = gold[gold.judgement == "repeat"]
    rows = pairs[pairs.kind == "repeat"]
    result["repeats"] = (sum(_found(rows, g) for g in repeats.itertuples()), len(repeats))
    return result


def _found(rows: pd.DataFrame, g) -> bool:
    """Whether a row of ``rows`` overlaps the gold run ``g`` on both sides."""
    for a, b, s, e, t, u in zip(
        rows.a_doc, rows.b_doc, rows.a_start, rows.a_end, rows.b_start, rows.b_end
    ):
        for side in (((a, s, e), (b, t, u)), ((b, t, u), (a, s, e))):
            (x, xs, xe), (y, ys, ye) = side
            if (
                (x, y) == (g.a_file, g.b_file)
                and xs < g.a_end
                and g.a_start < xe
                and ys < g.b_end
                and g.b_start < ye
            ):
                return True
    return False
