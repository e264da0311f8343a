"""End-to-end ``planparse analyze`` on synthetic archives, with 1 and 2 processes.

    python benchmarks/archive_speed.py [--plans 1000 10000] [--rounds 3] [--no-meta]
    python benchmarks/archive_speed.py --sample --rounds 5

The archive is grown from the sample corpus: each file is a sample file with 40% of its Chinese
characters swapped (markers and lines kept, so the structure is real and the plans distinct),
2% are near-copies of earlier files (planted reuse), plus three bad files (empty, binary,
corrupt .docx), and a ``plans.tsv`` that gives each plan the metadata of the sample plan it
was grown from (left out with ``--no-meta``).  With 20% swapped, two files grown from the same sample file were still
near-copies of each other (shingle Jaccard about 0.17): the 10k archive reported 9,453 copied
pairs, and candidate pairs grew with the square of the plans per sample file, which measured
the synthetic data, not the tool.  Prints plans per second, peak memory (the largest resident
size of one of the run's stage or worker processes, and of the calling process) and the
scaling ratio of -j 2 over -j 1, as medians of alternating runs, with the load average.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import planparse


def _mutate(text: str, rate: float, rng: np.random.Generator, alphabet: np.ndarray) -> str:
    """Swap a share of the Chinese characters, keeping markers, punctuation and lines."""
    chars = np.array(list(text))
    cjk = np.flatnonzero([("\u4e00" <= c <= "\u9fff") for c in chars])
    swap = cjk[rng.random(len(cjk)) < rate]
    chars[swap] = rng.choice(alphabet, len(swap))
    return "".join(chars)


def build(root: Path, plans: int, seed: int = 0) -> int:
    """An archive of about ``plans`` distinct plans (sample files with 40% of their Chinese
    characters swapped), 2% of them near-copies of earlier ones, and three bad files; with a
    ``plans.tsv`` that gives each plan the issuer, region, level and year of the sample plan
    it was grown from, so themes are compared by group as in a real study."""
    import csv

    rng = np.random.default_rng(seed)
    sample = planparse.sample_path()
    with open(sample / "plans.tsv", encoding="utf-8") as stream:
        meta: dict[str, list[dict]] = {}
        for row in csv.DictReader(stream, delimiter="\t"):
            meta.setdefault(row["file"], []).append(row)
    sources = [f for f in sorted(meta) if f.endswith(".txt")]
    texts = {f: planparse.read_text(sample / f) for f in sources}
    alphabet = np.array(sorted({c for t in texts.values() for c in t if "\u4e00" <= c <= "\u9fff"}))
    made, written, rows = 0, [], []
    while made < plans:
        folder = root / f"part{len(written) // 500:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        if written and rng.random() < 0.02:
            earlier, name = written[int(rng.integers(0, len(written)))]
            text = _mutate(earlier.read_text(encoding="utf-8"), 0.03, rng, alphabet)
        else:
            name = sources[int(rng.integers(0, len(sources)))]
            text = _mutate(texts[name], 0.4, rng, alphabet)
        path = folder / f"plan{len(written):06d}.txt"
        path.write_text(text, encoding="utf-8")
        written.append((path, name))
        rows += [dict(row, file=path.relative_to(root).as_posix()) for row in meta[name]]
        made += len(meta[name])
    with open(root / "plans.tsv", "w", encoding="utf-8", newline="") as stream:
        table = csv.DictWriter(stream, fieldnames=list(rows[0]), delimiter="\t")
        table.writeheader()
        table.writerows(rows)
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (root / "broken.docx").write_bytes(b"PK\x03\x04 no")
    return made


#: Runs ``planparse analyze`` and prints, on its last line, the largest resident size (KiB)
#: of that run's own process and of its largest child (a stage or a worker).
_MEASURED = """
import resource, runpy, sys
sys.argv = ["planparse"] + sys.argv[1:]
try:
    runpy.run_module("planparse", run_name="__main__")
finally:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(own, children, file=sys.stderr)
"""


def run(root: Path, out: Path, jobs: int) -> tuple[float, float, float]:
    """Seconds and peak memory (MiB) of one run, in a fresh process: of the calling process,
    and of its largest child."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, "analyze", str(root), "-o", str(out)]
        + ["-j", str(jobs), "-q"],
        check=False,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    own, children = (int(v) / 1024 for v in done.stderr.strip().splitlines()[-1].split())
    return seconds, own, children


def alternating(root: Path, out: Path, rounds: int) -> dict[int, list[tuple[float, float, float]]]:
    """``rounds`` runs with -j 1 and with -j 2, alternating (one, two, one, two, …), so both
    see the same load on a shared machine."""
    runs: dict[int, list[tuple[float, float, float]]] = {1: [], 2: []}
    for k in range(rounds):
        for jobs in (1, 2):
            runs[jobs].append(run(root, out / f"{jobs}-{k}", jobs))
    return runs


def report(label: str, plans: int, runs: dict[int, list[tuple[float, float, float]]]) -> None:
    """Medians of the alternating runs, every run's seconds, peak memory and the load."""
    one, two = (float(np.median([r[0] for r in runs[j]])) for j in (1, 2))
    peak = {j: max(max(r[1], r[2]) for r in runs[j]) for j in (1, 2)}
    each = {j: ", ".join(f"{r[0]:.1f}" for r in runs[j]) for j in (1, 2)}
    print(
        f"{label}: {plans:,} plans, median of {len(runs[1])} alternating runs | "
        f"-j 1: {one:.1f} s ({plans / one:.1f} plans/s; runs {each[1]}), peak {peak[1]:.0f} MiB | "
        f"-j 2: {two:.1f} s ({plans / two:.1f} plans/s; runs {each[2]}), peak {peak[2]:.0f} MiB | "
        f"speed-up {one / two:.2f}x | load average {os.getloadavg()[0]:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", type=int, nargs="+", default=[1000])
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs of -j 1 and -j 2")
    parser.add_argument(
        "--sample", action="store_true", help="the bundled sample archive instead of a grown one"
    )
    parser.add_argument(
        "--no-meta",
        action="store_true",
        help="leave out plans.tsv: no themes by group (distinctive terms need jieba over every item)",
    )
    args = parser.parse_args()
    if args.sample:
        with tempfile.TemporaryDirectory() as tmp:
            runs = alternating(planparse.sample_path(), Path(tmp), args.rounds)
            listed = (planparse.sample_path() / "plans.tsv").read_text(encoding="utf-8")
            report("bundled sample", len(listed.splitlines()) - 1, runs)
        return
    for plans in args.plans:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "archive"
            n = build(root, plans)
            if args.no_meta:
                (root / "plans.tsv").unlink()
            report("grown archive", n, alternating(root, Path(tmp), args.rounds))


if __name__ == "__main__":
    main()
