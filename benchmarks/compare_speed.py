"""Speed of planparse.diff over every pair of consecutive national reports, beside difflib.

    python benchmarks/compare_speed.py [--repeat 3]

The reports of ../shared/corpus/national-reports are parsed once (not timed); then every pair
of consecutive years (about 48 pairs) is compared, in one process on one core, by
planparse.diff and by the baseline: difflib.SequenceMatcher over the same item texts as
lines, with each line of a replace block scored against its partner (ratio), as
planparse.diff.evaluate.difflib_baseline does.  The two run alternately, ``--repeat``
rounds; the median round's wall and CPU time are printed (run it pinned to one core:
``taskset -c 0``; on a loaded machine the CPU time is the fairer figure).  The target of issue 22 is under 10 s for all pairs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

import itertools

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
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
