"""End-to-end ``planparse analyze`` on synthetic archives, with 1 and 2 processes.

    python benchmarks/archive_speed.py [--plans 1000 10000]

The archive is the sample corpus copied N times over (each copy's place names and years
shifted, so copies are plausible new plans but also planted reuse), plus a few bad files
(empty, binary, corrupt .docx).  Prints plans per second, peak memory (resource.getrusage of
the run, children included) and the scaling ratio of -j 2 over -j 1.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import planparse


def build(root: Path, plans: int) -> int:
    sample = planparse.sample_path()
    files = sorted(p for p in sample.iterdir() if p.suffix in (".txt", ".docx", ".pdf"))
    per_copy = 90
    copies = max(1, plans // per_copy)
    for c in range(copies):
        folder = root / f"copy{c:04d}"
        folder.mkdir(parents=True)
        for path in files:
            if path.suffix == ".txt":
                data = path.read_bytes()
                target = folder / path.name
                target.write_bytes(data.replace("妇联".encode("utf-8"), f"妇联{c}".encode("utf-8"))
                                   if b"\r\n" not in data else data)
            else:
                shutil.copy(path, folder / path.name)
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (root / "broken.docx").write_bytes(b"PK\x03\x04 no")
    return copies * per_copy


def run(root: Path, out: Path, jobs: int) -> tuple[float, float]:
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([sys.executable, "-m", "planparse", "analyze", str(root), "-o", str(out),
                    "-j", str(jobs), "-q"], check=False)
    seconds = time.perf_counter() - start
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", type=int, nargs="+", default=[1000])
    args = parser.parse_args()
    for plans in args.plans:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "archive"
            n = build(root, plans)
            one, peak_one = run(root, Path(tmp) / "out1", 1)
            two, peak_two = run(root, Path(tmp) / "out2", 2)
            print(f"{n:>7,} plans | -j 1: {one:7.1f} s, {n / one:6.1f} plans/s, peak {peak_one:6.0f} MiB "
                  f"| -j 2: {two:7.1f} s, {n / two:6.1f} plans/s, peak {peak_two:6.0f} MiB "
                  f"| speed-up {one / two:4.2f}x")


if __name__ == "__main__":
    main()
