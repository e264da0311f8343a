"""Copy-paste search end to end at archive scale, beside datasketch.

    python benchmarks/reuse_scale.py [--plans 2000 10000 50000] [--jobs 2] [--baseline-max 10000]
                                     [--repeat 3] [--min-run 25]

A synthetic archive is grown from the sample corpus's items: each plan holds 10 items, each
a sample item with 30% of its characters swapped for others (so plans are distinct), and
2% of the items are planted copies (5% edits) of an item of another plan.  The item table
is built directly (no parsing), and ``find_duplicates`` is timed END TO END: storing the
units, fingerprints, candidates, passages, rows and families.  Each size runs in a fresh
(forked) process; peak memory is that process's peak resident set, less what it held before the call,
and CPU time is that process's and its worker processes' (less sensitive to other jobs on a
shared machine than wall time).

The baseline is what a user would write with datasketch: a ``MinHash`` of 128 permutations
per item over its character 5-grams (``update_batch``), ``MinHashLSH.insert`` and ``query``,
then the candidate pairs of files verified by the same passage search as planparse's.
The scaling exponent is fitted on log(time) against log(units), on the medians of
``--repeat`` runs per size (planparse and the baseline alternating, each line with the load
average after it), for wall and for CPU time.  Each line also counts the planted copies
found, by the longest run the copy shares with its source character for character (the 5%
edits leave runs of any length): planparse guarantees the runs of ``min_run`` (default 50)
and more; datasketch guarantees nothing, but its Jaccard threshold also finds copies whose
runs are short.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import resource
import sys
import time
from difflib import SequenceMatcher

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np
import pandas as pd

import planparse
from planparse.reuse.units import COLUMNS_READ

ITEMS_PER_PLAN, THRESHOLD, PERM, GRAM = 10, 0.4, 128, 5


def synthetic(plans: int, seed: int = 0) -> tuple[pd.DataFrame, dict[str, str], list[tuple]]:
    """The item table, the texts, and the planted copies between plans that keep enough of
    their source to be reported (50 letters and digits, ``min_copy``): (source file, file,
    longest run they share character for character)."""
    sample = planparse.parse_files([planparse.sample_path()])
    base = [t for t in sample[sample.kind.isin(["item", "para"])].text if len(t) >= 40]
    rng = np.random.default_rng(seed)
    alphabet = np.array(sorted(set("".join(base))))
    made: list[str] = []
    rows, texts, planted = [], {}, []
    for p in range(plans):
        doc, lines, at = f"p{p:06d}.txt", [f"第{p}号工作计划"], 0
        for n in range(ITEMS_PER_PLAN):
            source = int(rng.integers(0, len(made))) if made and rng.random() < 0.02 else None
            if source is not None:
                chars, rate = np.array(list(made[source])), 0.05
            else:
                chars, rate = np.array(list(base[int(rng.integers(0, len(base)))])), 0.3
            swap = rng.random(len(chars)) < rate
            chars[swap] = rng.choice(alphabet, int(swap.sum()))
            made.append("".join(chars))
            if source is not None and source // ITEMS_PER_PLAN != p:
                shared, run = _shared(made[source], made[-1])
                if shared >= 50:
                    planted.append((f"p{source // ITEMS_PER_PLAN:06d}.txt", doc, run))
            lines.append(f"{n + 1}、" + made[-1])
        text = "\n".join(lines) + "\n"
        texts[doc] = text
        at = len(lines[0]) + 1
        for n, line in enumerate(lines[1:]):
            rows.append(
                (doc, 1, lines[0], f"{doc}#1/{n + 1}", "", "item", f"{n + 1}、", at, at + len(line))
            )
            at += len(line) + 1
    return pd.DataFrame(rows, columns=list(COLUMNS_READ)), texts, planted


def _shared(source: str, copy: str) -> tuple[int, int]:
    """How many letters and digits (what the search compares) the copy keeps from its
    source, and the longest run of them it keeps character for character."""
    a, b = (re.sub(r"\W", "", text) for text in (source, copy))
    blocks = SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    return sum(block.size for block in blocks), max(block.size for block in blocks)


def planparse_run(
    items: pd.DataFrame, texts: dict, jobs: int, min_run: int | None
) -> pd.DataFrame:
    return planparse.find_duplicates(items, texts=texts, n_jobs=jobs, min_run=min_run)


def datasketch_run(items: pd.DataFrame, texts: dict, jobs: int, _: int | None) -> pd.DataFrame:
    """datasketch candidates (items), verified as pairs of files by planparse's passages."""
    from datasketch import MinHash, MinHashLSH

    from planparse.reuse import detect

    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=PERM)
    sketches, owner = [], []
    docs = {d: n for n, d in enumerate(dict.fromkeys(items.doc_id))}
    for n, (doc, start, end) in enumerate(zip(items.doc_id, items.start, items.end)):
        text = texts[doc][start:end]
        sketch = MinHash(num_perm=PERM)
        sketch.update_batch([text[i : i + GRAM].encode("utf-8") for i in range(len(text) - 4)])
        lsh.insert(n, sketch)
        sketches.append(sketch)
        owner.append(docs[doc])
    pairs = {
        tuple(sorted((owner[n], owner[m])))
        for n, sketch in enumerate(sketches)
        for m in lsh.query(sketch)
        if owner[m] != owner[n]
    }
    chosen = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
    with patch_candidates(detect, chosen):
        return planparse.find_duplicates(items, texts=texts, n_jobs=jobs)


class patch_candidates:
    """Make the search verify ``chosen`` pairs of files instead of its own candidates."""

    def __init__(self, detect, chosen: np.ndarray) -> None:
        self.detect, self.chosen = detect, chosen

    def __enter__(self) -> None:
        self.original = self.detect.candidate_files
        self.detect.candidate_files = lambda *args: (self.chosen, 0)

    def __exit__(self, *exc) -> None:
        self.detect.candidate_files = self.original


#: Planted copies by the longest run they share: the guarantee covers the last bucket
#: (and, with ``--min-run 25``, most of the middle one).
RUN_BUCKETS = ((0, 30), (30, 50), (50, 10**6))


def planted_found(pairs: pd.DataFrame, planted: list[tuple]) -> str:
    """Planted copies found (their two files in one reported row), by shared-run bucket."""
    found = {tuple(sorted(pair)) for pair in zip(pairs.a_doc, pairs.b_doc)}
    hits = [(run, tuple(sorted((a, b))) in found) for a, b, run in planted]
    buckets = [[hit for run, hit in hits if low <= run < high] for low, high in RUN_BUCKETS]
    names = ("run <30", "30-49", ">=50")
    return ", ".join(f"{name} {sum(found)}/{len(found)}" for name, found in zip(names, buckets))


def measure(name: str, plans: int, jobs: int, min_run: int | None, queue) -> None:
    items, texts, planted = synthetic(plans)
    run = planparse_run if name == "planparse" else datasketch_run
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu = _cpu_seconds()
    start = time.perf_counter()
    pairs = run(items, texts, jobs, min_run)
    seconds = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    copies = int(((pairs.kind == "copy") & (pairs.a_doc != pairs.b_doc)).sum())
    recall = planted_found(pairs, planted)
    queue.put((len(items) + plans, seconds, peak / 1024, copies, recall, cpu))


def _cpu_seconds() -> float:
    """CPU time of this process and of its ended children (the worker processes): less
    sensitive than wall time to other jobs on the machine."""
    own, ended = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + ended.ru_utime + ended.ru_stime


def in_process(name: str, plans: int, jobs: int, min_run: int | None) -> tuple:
    # fork, as a script on Linux runs: a spawned parent makes its pool spawn too, and each
    # worker then imports planparse again (about 1 s of CPU each, measured)
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=measure, args=(name, plans, jobs, min_run, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", type=int, nargs="+", default=[2_000, 10_000, 50_000])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--baseline-max", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1, help="alternating runs per size")
    parser.add_argument("--min-run", type=int, help="planparse's min_run (default: min_copy)")
    args = parser.parse_args()
    print(
        f"planparse {planparse.__version__}; {ITEMS_PER_PLAN} items a plan; -j {args.jobs}; "
        f"min_run {args.min_run or 'default'}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    fitted: dict[str, list] = {"planparse": [], "datasketch": []}
    for plans in args.plans:
        names = [n for n in fitted if n == "planparse" or plans <= args.baseline_max]
        runs: dict[str, list] = {name: [] for name in names}
        for _ in range(args.repeat):  # alternating, so that the load weighs on both alike
            for name in names:
                runs[name].append(in_process(name, plans, args.jobs, args.min_run))
                print(_line(name, plans, runs[name][-1], "run"), flush=True)
        for name in names:
            seconds = float(np.median([run[1] for run in runs[name]]))
            median = (runs[name][0][0], seconds, max(run[2] for run in runs[name]))
            median += runs[name][0][3:5] + (float(np.median([run[5] for run in runs[name]])),)
            fitted[name].append((median[0], median[1], median[5]))
            if args.repeat > 1:
                print(_line(name, plans, median, f"median of {args.repeat}"), flush=True)
    for name, points in fitted.items():
        if len(points) >= 2:
            x = np.log([p[0] for p in points])
            wall, cpu = (np.polyfit(x, np.log([p[n] for p in points]), 1)[0] for n in (1, 2))
            print(f"{name}: wall time grows as units^{wall:.2f}, CPU time as units^{cpu:.2f}")


def _line(name: str, plans: int, result: tuple, label: str) -> str:
    units, seconds, peak, copies, recall, cpu = result
    return (
        f"{name:>10} {plans:>7,} plans {units:>9,} units: {seconds:7.1f} s, "
        f"{units / seconds:9,.0f} units/s, CPU {cpu:6.1f} s ({units / cpu:7,.0f} units "
        f"per CPU second), peak +{peak:6.0f} MiB "
        f"({peak / units * 1e6 / 1024:5.2f} GiB per 1M units), "
        f"{copies} copies; planted found: {recall}; {label}, "
        f"load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
