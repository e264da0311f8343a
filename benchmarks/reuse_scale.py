"""Copy-paste search at archive scale, beside the naive datasketch loop.

    python benchmarks/reuse_scale.py [--sizes 10000 100000 1000000] [--baseline-max 100000]

A synthetic archive is grown from the sample corpus's items: each synthetic item is a
sample item with 30% of its characters swapped for others (so items are distinct), and 2%
of the items are planted near-copies (5% edits) of others.  Two stages are timed:

1. signatures + candidates: shingles, MinHash signatures (64 permutations), LSH buckets,
   in one process;
2. verification + alignment of every candidate pair.

The baseline is what a user would write with datasketch: ``MinHash.update`` per shingle and
``MinHashLSH.insert`` per item, then ``query`` per item.  It runs up to ``--baseline-max``
items (it is slow); recall of the planted copies is printed for both.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc

sys.path.insert(0, os.path.dirname(__file__))

import numpy as np  # noqa: E402

import planparse  # noqa: E402
from planparse.reuse.align import align, overlap, split_stock  # noqa: E402
from planparse.reuse.minhash import (  # noqa: E402
    band_parameters,
    joined,
    lsh_pairs,
    range_shingles,
    unit_signatures,
)
from planparse.reuse.units import Unit  # noqa: E402

K, PERM, THRESHOLD = 4, 64, 0.4


def synthetic(n: int, seed: int = 0) -> tuple[list[str], set[tuple[int, int]]]:
    items = planparse.parse_files([planparse.sample_path()])
    base = [t for t in items[items.kind.isin(["item", "para"])].text if len(t) >= 40]
    rng = np.random.default_rng(seed)
    alphabet = np.array(sorted(set("".join(base))))
    texts, planted = [], set()
    for i in range(n):
        if i > 10 and rng.random() < 0.02:
            j = int(rng.integers(0, i))
            chars = np.array(list(texts[j]))
            rate = 0.05
            planted.add((j, i))
        else:
            chars = np.array(list(base[int(rng.integers(0, len(base)))]))
            rate = 0.3
        swap = rng.random(len(chars)) < rate
        chars[swap] = rng.choice(alphabet, int(swap.sum()))
        texts.append("".join(chars))
    return texts, planted


def units_of(texts: list[str]) -> list[Unit]:
    return [Unit.whole("d", t, key=str(i)) for i, t in enumerate(texts)]


def candidates(units: list[Unit]) -> np.ndarray:
    sig = unit_signatures(units, K, PERM)
    bands, rows = band_parameters(THRESHOLD, PERM)
    pairs, _ = lsh_pairs(sig, bands, rows, max_bucket=50)
    return pairs


def verify(units: list[Unit], pairs: np.ndarray) -> set[tuple[int, int]]:
    # only the units that are in a candidate pair
    wanted = np.unique(pairs)
    distinct = range_shingles(*joined([units[i] for i in wanted]), K)
    shingles = dict(zip(wanted.tolist(), split_stock(distinct, np.empty(0, np.uint64))))
    found = set()
    for i, j in pairs.tolist():
        match = overlap(shingles[i], shingles[j])
        if max(match.similarity, match.containment) >= THRESHOLD:
            align(units[i].text, units[j].text)
            found.add((i, j))
    return found


def datasketch_baseline(texts: list[str]) -> set[tuple[int, int]]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=PERM)
    sketches = []
    for i, text in enumerate(texts):
        sketch = MinHash(num_perm=PERM)
        for k in range(len(text) - K + 1):
            sketch.update(text[k : k + K].encode("utf-8"))
        lsh.insert(i, sketch)
        sketches.append(sketch)
    return {(min(i, j), max(i, j)) for i, s in enumerate(sketches) for j in lsh.query(s) if i != j}


def timed(fn, *args):  # noqa: ANN001, ANN201
    tracemalloc.start()
    start = time.perf_counter()
    result = fn(*args)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--baseline-max", type=int, default=10_000)
    args = parser.parse_args()
    print(
        f"planparse {planparse.__version__}; shingles {K} chars, {PERM} permutations, "
        f"threshold {THRESHOLD}, bands x rows {band_parameters(THRESHOLD, PERM)}"
    )
    for n in args.sizes:
        texts, planted = synthetic(n)
        units = units_of(texts)
        pairs, s1, m1 = timed(candidates, units)
        found, s3, m3 = timed(verify, units, pairs)
        recall = len(planted & found) / len(planted) if planted else 1.0
        print(
            f"{n:>9,} items | signatures+candidates {n / s1:9,.0f} items/s, {s1:6.1f} s, "
            f"peak {m1 / 2**20:6.0f} MiB | {len(pairs):,} candidates | verify+align "
            f"{n / s3:9,.0f} items/s, peak {m3 / 2**20:5.0f} MiB | planted-copy recall {recall:.3f}"
        )
        if n <= args.baseline_max:
            base, sb, mb = timed(datasketch_baseline, texts)
            base_recall = len(planted & base) / len(planted) if planted else 1.0
            print(
                f"{'':>9}   datasketch baseline {n / sb:9,.0f} items/s, peak {mb / 2**20:6.0f} MiB, "
                f"recall {base_recall:.3f}; planparse is {sb / s1:.1f}x faster"
            )


if __name__ == "__main__":
    main()
