"""Check that a change to the copy-paste search changes no output: the pairs tables (and the
boilerplate shown apart) of fixed archives, written as CSV and compared byte for byte.

    python benchmarks/reuse_same.py --write /tmp/reuse-before   # on the old code
    python benchmarks/reuse_same.py --check /tmp/reuse-before   # on the new code

Archives: the bundled sample (``unit="auto"`` and ``unit="item"``), the 2,000-plan
synthetic archive of ``benchmarks/reuse_scale.py`` (``--plans`` for more), and
``../shared/corpus/web-plans`` when it is present.  ``--jobs`` runs the search in that many
processes (the output must not depend on it).
"""

from __future__ import annotations

import argparse
import filecmp
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import pandas as pd
from reuse_scale import synthetic

import planparse

WEB_PLANS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "web-plans"


def archives(plans: list[int]) -> dict:
    """Name → (items, texts, unit) of every archive checked."""
    found = {}
    sample = planparse.parse_files([planparse.sample_path()])
    texts = planparse.read_texts(planparse.sample_path())
    found["sample-auto"] = (sample, texts, "auto")
    found["sample-item"] = (sample, texts, "item")
    for size in plans:
        items, made, _ = synthetic(size)
        found[f"synthetic-{size}"] = (items, made, "auto")
    if WEB_PLANS.is_dir():
        web = planparse.parse_files([WEB_PLANS])
        found["web-plans"] = (web, planparse.read_texts(WEB_PLANS), "auto")
    return found


def write_outputs(folder: Path, plans: list[int], jobs: int) -> None:
    """Each archive's pairs (``<name>.csv``) and boilerplate (``<name>-boilerplate.csv``)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (items, texts, unit) in archives(plans).items():
        start = time.perf_counter()
        pairs = planparse.find_duplicates(items, unit=unit, texts=texts, n_jobs=jobs)
        pairs.to_csv(folder / f"{name}.csv", index=False)
        shown = pd.DataFrame(pairs.attrs["boilerplate"])
        shown.to_csv(folder / f"{name}-boilerplate.csv", index=False)
        print(
            f"{name}: {len(pairs)} pairs, {len(shown)} boilerplate, "
            f"{time.perf_counter() - start:.1f} s",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", type=Path)
    action.add_argument("--check", type=Path)
    parser.add_argument("--plans", type=int, nargs="*", default=[2_000])
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    if args.write:
        write_outputs(args.write, args.plans, args.jobs)
        return
    with tempfile.TemporaryDirectory() as now:
        write_outputs(Path(now), args.plans, args.jobs)
        names = sorted(p.name for p in Path(now).glob("*.csv"))
        _, differ, missing = filecmp.cmpfiles(args.check, now, names, shallow=False)
    print("identical" if not differ + missing else f"DIFFERENT: {differ + missing}")
    sys.exit(1 if differ + missing else 0)


if __name__ == "__main__":
    main()
