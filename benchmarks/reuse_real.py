"""``find_duplicates`` on real texts: the bundled sample, the real corpus's six folders of
reports and policies, and web-plans; median of 3 calls with ``n_jobs=1``, wall and CPU.

    python benchmarks/reuse_real.py

Needs ``../shared/corpus`` for the last two (skipped when it is absent).
"""

from __future__ import annotations

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import SHARED

import planparse


def timed(name: str, items, texts: dict) -> None:
    walls, cpus = [], []
    for _ in range(3):
        cpu, start = time.process_time(), time.perf_counter()
        pairs = planparse.find_duplicates(items, texts=texts)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    print(
        f"{name}: {items.doc_id.nunique()} files, {sum(map(len, texts.values())):,} characters, "
        f"{len(pairs)} pairs: {statistics.median(walls):.2f} s wall, "
        f"{statistics.median(cpus):.2f} s CPU (median of 3; load {os.getloadavg()[0]:.1f})",
        flush=True,
    )


def _prefixed(folders: list) -> tuple:
    """The folders' items and texts in one table, each file named ``folder/file`` (file
    names repeat across folders)."""
    import pandas as pd

    frames, texts = [], {}
    for folder in folders:
        items = planparse.parse_files([folder])
        for doc, text in planparse.read_texts(folder).items():
            texts[f"{folder.name}/{doc}"] = text
        for column in ("doc_id", "item_id", "parent_id"):
            named = items[column].astype(str)
            items[column] = named.where(named == "", folder.name + "/" + named)
        frames.append(items)
    return pd.concat(frames, ignore_index=True), texts


def main() -> None:
    sample = planparse.sample_path()
    timed("sample", planparse.parse_files([sample]), planparse.read_texts(sample))
    if not SHARED.is_dir():
        print(f"the real corpus is not at {SHARED}: skipped")
        return
    folders = [p for p in sorted(SHARED.iterdir()) if p.is_dir() and p.name != "web-plans"]
    timed("real corpus (six folders)", *_prefixed(folders))
    web = SHARED / "web-plans"
    timed("web-plans", planparse.parse_files([web]), planparse.read_texts(web))


if __name__ == "__main__":
    main()
