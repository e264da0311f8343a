"""Parse speed on the real corpus, beside the naive baseline a user would write.

    python benchmarks/parse_speed.py

The baseline is one regular expression that splits lines at line-initial markers: no
sequence validation, no debris, no joining of broken lines, no offsets or warnings.
Both are timed as the median of five alternating runs (baseline, planparse, baseline, …).
Then a scaling check: the same text repeated to 5, 20 and 50 MB, and one line of 1 M chars.

    python benchmarks/parse_speed.py --previous /tmp/old_e18bd25

times this parser against another checkout instead (alternating, median of five each).
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from _common import measure, real_texts, row

import planparse
from planparse.schema import document_rows

NAIVE = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[、.．]|（\d+）|[①-⑳])", re.MULTILINE
)


def naive(texts: list[str]) -> int:
    items = 0
    for text in texts:
        items += len([m.start() for m in NAIVE.finditer(text)])
    return items


def full(texts: list[str]) -> int:
    rows = 0
    for i, text in enumerate(texts):
        rows += len(document_rows(planparse.parse(text, doc_id=str(i))))
    return rows


def alternating(first, second, runs: int = 5) -> tuple[float, float]:
    """Median wall times of ``first`` and ``second``, run in turn ``runs`` times each, so
    that a busy machine slows both alike."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for fn, seconds in zip((first, second), times):
            start = time.perf_counter()
            fn()
            seconds.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def previous_parser(folder: str):
    """``parse`` and ``document_rows`` of another planparse checkout (a folder holding the
    ``planparse`` package, e.g. from ``git archive <commit> planparse``), loaded beside this one."""
    import importlib

    saved = {name: module for name, module in sys.modules.items() if name.startswith("planparse")}
    for name in saved:
        del sys.modules[name]
    sys.path.insert(0, folder)
    try:
        package = importlib.import_module("planparse")
        rows_of = importlib.import_module("planparse.schema").document_rows
    finally:
        sys.path.remove(folder)
        for name in [n for n in sys.modules if n.startswith("planparse")]:
            del sys.modules[name]
        sys.modules.update(saved)
    return package.parse, rows_of


def compare(texts: list[str], folder: str) -> None:
    """This parser against a previous one, five alternating runs each, medians."""
    parse, rows_of = previous_parser(folder)
    chars = sum(map(len, texts))

    def previous() -> None:
        for i, text in enumerate(texts):
            rows_of(parse(text, doc_id=str(i)))

    old_s, new_s = alternating(previous, lambda: full(texts))
    print(f"previous parser from {folder}: {chars / old_s / 1e6:.2f} M chars/s")
    print(f"this parser: {chars / new_s / 1e6:.2f} M chars/s ({old_s / new_s:.2f}x the previous)")


def main() -> None:
    texts = real_texts()
    chars = sum(map(len, texts))
    print(
        f"planparse {planparse.__version__}, {len(texts)} real texts, python {sys.version.split()[0]}"
    )
    if len(sys.argv) == 3 and sys.argv[1] == "--previous":
        compare(texts, sys.argv[2])
        return
    base_s, full_s = alternating(lambda: naive(texts), lambda: full(texts))
    _, base_peak, base_items = measure(lambda: naive(texts), repeat=1)
    _, full_peak, rows = measure(lambda: full(texts), repeat=1)
    print(row("baseline: one marker regex", chars, base_s, base_peak))
    print(row("planparse.parse + table rows", chars, full_s, full_peak))
    print(f"  baseline found {base_items} line-initial markers; planparse made {rows} rows")
    print(
        f"  planparse takes {full_s / base_s:.1f}x the baseline's time "
        f"({chars / full_s / 1e6:.2f} M chars/s, target >= 2.0)"
    )
    whole = "\n".join(texts)
    print("scaling (time per character should stay flat):")
    for megabytes in (5, 20, 50):
        big = (whole * (megabytes * 2**20 // (3 * len(whole)) + 1))[: megabytes * 2**20 // 3]
        seconds, peak, _ = measure(lambda: planparse.parse(big, doc_id="big"), repeat=1)
        print(row(f"  {megabytes} MB of UTF-8 text", len(big), seconds, peak))
    line = "一、" + "加强组织建设，一是完善制度；二是加强学习；" * 50_000
    seconds, peak, _ = measure(lambda: planparse.parse(line, doc_id="line"), repeat=1)
    print(row("  one line of 1 M characters", len(line), seconds, peak))


if __name__ == "__main__":
    main()
