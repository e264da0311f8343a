"""Where the copy-paste search spends its time: CPU seconds of each step, in one process.

    python benchmarks/reuse_stages.py [--plans 10000] [--chunk 256]

On the synthetic archive of ``benchmarks/reuse_scale.py``: cutting the table into chunks,
storing the units, marking and fingerprinting (with the candidate pairs of files), and
verifying the candidates (passages and rows); with the number of candidate pairs and of rows
they gave.  The steps run as ``find_duplicates`` runs them with ``n_jobs=1``.  For the
end-to-end speed, see ``benchmarks/reuse_scale.py``.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from reuse_scale import synthetic

from planparse.reuse import detect
from planparse.reuse.store import UnitStore
from planparse.reuse.units import LEVELS


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plans", type=int, default=10_000)
    parser.add_argument("--chunk", type=int, default=detect.CHUNK_FILES)
    args = parser.parse_args()
    items, texts, _ = synthetic(args.plans)
    settings = detect.Settings()
    clock = time.process_time
    start = clock()
    chunks = detect.table_chunks(items, texts, args.chunk)
    print(f"cut into {len(chunks)} chunks: {clock() - start:.2f} s", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        start = clock()
        store = UnitStore.build(chunks, folder, 4, settings.min_chars, True, LEVELS)
        print(f"store units: {clock() - start:.2f} s", flush=True)
        start = clock()
        search = detect._Search(store, settings, detect.stock_phrases())
        print(
            f"marks, fingerprints, candidates: {clock() - start:.2f} s "
            f"({len(search.pairs):,} candidate pairs of files)",
            flush=True,
        )
        start = clock()
        rows = search.rows("auto")
        kinds = collections.Counter(row["kind"] for row in rows)
        print(f"verify (passages, rows): {clock() - start:.2f} s ({dict(kinds)})", flush=True)


if __name__ == "__main__":
    main()
