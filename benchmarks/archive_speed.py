"""End-to-end ``planparse analyze`` on synthetic archives, with 1 and 2 processes.

    python benchmarks/archive_speed.py [--plans 1000 10000] [--no-meta]

The archive is grown from the sample corpus: each file is a sample file with 40% of its Chinese
characters swapped (markers and lines kept, so the structure is real and the plans distinct),
2% are near-copies of earlier files (planted reuse), plus three bad files (empty, binary,
corrupt .docx), and a ``plans.tsv`` that gives each plan the metadata of the sample plan it
was grown from (left out with ``--no-meta``).  With 20% swapped, two files grown from the same sample file were still
near-copies of each other (shingle Jaccard about 0.17): the 10k archive reported 9,453 copied
pairs, and candidate pairs grew with the square of the plans per sample file, which measured
the synthetic data, not the tool.  Prints plans per second, peak memory (the largest resident
size of one of the run's stage or worker processes, and of the calling process) and the
scaling ratio of -j 2 over -j 1.
"""

from __future__ import annotations

import argparse
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", type=int, nargs="+", default=[1000])
    parser.add_argument(
        "--no-meta",
        action="store_true",
        help="leave out plans.tsv: no themes by group (distinctive terms need jieba over every item)",
    )
    args = parser.parse_args()
    for plans in args.plans:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "archive"
            n = build(root, plans)
            if args.no_meta:
                (root / "plans.tsv").unlink()
            one, own_one, peak_one = run(root, Path(tmp) / "out1", 1)
            two, own_two, peak_two = run(root, Path(tmp) / "out2", 2)
            print(
                f"{n:>7,} plans | -j 1: {one:7.1f} s, {n / one:6.1f} plans/s, peak {peak_one:6.0f} MiB "
                f"(calling process {own_one:4.0f}) | -j 2: {two:7.1f} s, {n / two:6.1f} plans/s, "
                f"peak {peak_two:6.0f} MiB (calling process {own_two:4.0f}) "
                f"| speed-up {one / two:4.2f}x"
            )


if __name__ == "__main__":
    main()
