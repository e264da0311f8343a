"""``planparse analyze`` on a Dask LocalCluster with 1 and 2 workers, beside the local engine.

python benchmarks/dask_scaling.py [--plans 1000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(__file__))

from archive_speed import build

from planparse.pipeline import analyze


def main() -> None:
    from distributed import Client, LocalCluster

    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "archive"
        n = build(root, args.plans)
        start = time.perf_counter()
        analyze([root], Path(tmp) / "local", quiet=True)
        local = time.perf_counter() - start
        print(f"{n} plans | local engine, 1 process: {local:6.1f} s")
        for workers in (1, 2):
            with (
                LocalCluster(
                    n_workers=workers, threads_per_worker=1, dashboard_address=None
                ) as cluster,
                Client(cluster) as client,
            ):
                start = time.perf_counter()
                analyze(
                    [root],
                    Path(tmp) / f"dask{workers}",
                    quiet=True,
                    engine="dask",
                    scheduler=client,
                )
                seconds = time.perf_counter() - start
            print(
                f"{n} plans | dask, {workers} worker(s): {seconds:6.1f} s, {n / seconds:5.1f} plans/s"
            )


if __name__ == "__main__":
    main()
