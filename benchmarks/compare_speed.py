"""Speed of planparse.diff over every pair of consecutive national reports, beside difflib.

    python benchmarks/compare_speed.py [--repeat 3]
    python benchmarks/compare_speed.py --large


The reports of ../shared/corpus/national-reports are parsed once (not timed); then every pair
of consecutive years (about 48 pairs) is compared, in one process on one core, by
planparse.diff and by the baseline: difflib.SequenceMatcher over the same item texts as
lines, with each line of a replace block scored against its partner (ratio), as
planparse.diff.evaluate.difflib_baseline does.  The two run alternately, ``--repeat``
rounds; the median round's wall and CPU time are printed (run it pinned to one core:
``taskset -c 0``; on a loaded machine the CPU time is the fairer figure).  The target of
issue 22 is under 10 s for all pairs.

``--large`` instead compares two made-up plans of about 3,000 items each (30 sections of 100
items; B keeps, condenses and rewords A's clauses, see :func:`made_up_plans`), far larger than
any real plan, and prints the time and the peak traced memory (tracemalloc) of the clause
carry-over features alone (``pair_features``, the outline's cosine computed beforehand) and
of the whole ``compare``.  It needs no corpus.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc

sys.path.insert(0, os.path.dirname(__file__))

import itertools

import numpy as np
from _common import SHARED

from planparse.diff import compare
from planparse.diff.evaluate import difflib_baseline, plan_rows


def consecutive_pairs() -> list:
    """(year A, year B, plan A rows, plan B rows) of each pair of consecutive reports."""
    folder = SHARED / "national-reports"
    if not folder.is_dir():
        raise SystemExit(f"the real corpus is not at {folder}; this benchmark needs it")
    plans = [(p.name[:4], plan_rows(p)) for p in sorted(folder.glob("*.txt"))]
    return [(ya, yb, a, b) for (ya, a), (yb, b) in itertools.pairwise(plans)]


def timed_round(method, pairs: list) -> tuple[float, float]:
    """Wall and CPU seconds of one round over all pairs (CPU time is what load does not
    inflate, on a shared machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _, _, a, b in pairs:
        method(a, b)
    return time.perf_counter() - wall, time.process_time() - cpu


def _made_up_clause(rng: np.random.Generator, words: list[str]) -> str:
    """Three to seven words, drawn with a long tail as a plan's words are (the k-th most
    frequent with a chance in proportion to 1 / (k + 20))."""
    chance = 1 / (np.arange(len(words)) + 20)
    drawn = rng.choice(len(words), size=rng.integers(3, 8), p=chance / chance.sum())
    return "".join(words[k] for k in drawn)


def _reworded(rng: np.random.Generator, clause: str, words: list[str]) -> str:
    """The clause kept (most often), with a word put in front, or replaced by a new one."""
    roll = rng.random()
    if roll < 0.6:
        return clause
    if roll < 0.85:
        return words[int(rng.integers(len(words)))] + clause
    return _made_up_clause(rng, words)


def made_up_plans(items: int = 3000, seed: int = 0) -> tuple[str, str]:
    """Two plan texts of ``items`` numbered items (30 sections): B's items keep, reword or
    replace the clauses of A's item at the same place, and every fifth B item also takes a
    clause of an A item from anywhere (a condensed paragraph)."""
    rng = np.random.default_rng(seed)
    alphabet = [chr(0x4E00 + int(k)) for k in rng.choice(6000, size=2500, replace=False)]
    words = ["".join(rng.choice(alphabet, size=rng.integers(2, 4))) for _ in range(4000)]
    plan_a = [
        [_made_up_clause(rng, words) for _ in range(rng.integers(1, 6))] for _ in range(items)
    ]
    plan_b = []
    for clauses in plan_a:
        kept = [_reworded(rng, c, words) for c in clauses]
        if rng.random() < 0.2:
            other = plan_a[int(rng.integers(items))]
            kept.append(other[int(rng.integers(len(other)))])
        plan_b.append(kept)
    return _outline(plan_a), _outline(plan_b)


def _outline(plan: list[list[str]]) -> str:
    """The items as 30 sections of numbered paragraphs."""
    per_section = -(-len(plan) // 30)
    numerals = "一二三四五六七八九十"
    lines = []
    for k in range(0, len(plan), per_section):
        section = k // per_section
        tens = "" if section < 10 else ("十" if section < 20 else "二十")
        lines.append(f"{tens}{numerals[section % 10]}、工作任务")
        for n, clauses in enumerate(plan[k : k + per_section], start=1):
            lines.append(f"{n}、{'，'.join(clauses)}。")
    return "\n".join(lines) + "\n"


def large(repeat: int) -> None:
    """Time and peak traced memory of the carry-over features and of compare on two made-up
    plans of about 3,000 items each."""
    import planparse
    from planparse.diff.align import outline_alignment
    from planparse.diff.carryover import pair_features

    plans = [
        planparse.parse(t, doc_id=f"made-up-{k}").to_frame() for k, t in enumerate(made_up_plans())
    ]
    a, b, outline = outline_alignment(*plans)
    texts_a, texts_b = [r["text"] for r in a], [r["text"] for r in b]
    print(f"two made-up plans, {len(texts_a)} x {len(texts_b)} compared items")
    cases = {
        "pair_features": lambda: pair_features(texts_a, texts_b, outline.pairs, outline.sim),
        "planparse.compare": lambda: compare(*plans),
    }
    for name, case in cases.items():
        times = [timed_call(case) for _ in range(repeat)]
        peak, found = traced_peak(case)
        size = f", {len(found.pairs)} candidate pairs" if name == "pair_features" else ""
        print(
            f"{name:<18} best of {repeat}: {min(t for t, _ in times):6.2f} s wall, "
            f"{min(c for _, c in times):6.2f} s CPU; peak traced {peak / 2**20:7.1f} MiB{size}"
        )


def timed_call(case) -> tuple[float, float]:
    """Wall and CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    case()
    return time.perf_counter() - wall, time.process_time() - cpu


def traced_peak(case) -> tuple[int, object]:
    """Peak memory allocated while ``case`` runs (tracemalloc: numpy's arrays included)."""
    tracemalloc.start()
    try:
        found = case()
        return tracemalloc.get_traced_memory()[1], found
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--large", action="store_true", help="two made-up 3,000-item plans")
    args = parser.parse_args()
    if args.large:
        large(args.repeat)
        return
    pairs = consecutive_pairs()
    items = sum(len(a) + len(b) for _, _, a, b in pairs)
    print(f"{len(pairs)} pairs of consecutive national reports, {items} item rows in all")
    methods = {"planparse.compare": compare, "difflib lines": difflib_baseline}
    rounds: dict[str, list[tuple[float, float]]] = {name: [] for name in methods}
    for _ in range(args.repeat):
        for name, method in methods.items():  # alternate, so load hits both alike
            rounds[name].append(timed_round(method, pairs))
    for name, times in rounds.items():
        wall = statistics.median(t for t, _ in times)
        cpu = statistics.median(c for _, c in times)
        print(
            f"{name:<18} median {wall:7.2f} s wall ({len(pairs) / wall:5.1f} pairs/s), "
            f"{cpu:7.2f} s CPU ({len(pairs) / cpu:5.1f} pairs/s); "
            f"wall rounds: {', '.join(f'{t:.2f}' for t, _ in times)}"
        )


if __name__ == "__main__":
    main()
