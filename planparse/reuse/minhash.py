"""Candidate pairs without comparing all pairs: MinHash signatures and LSH banding.

datasketch's ``MinHash.update`` and ``MinHashLSH.insert`` work one shingle and one item at a
time in Python; ``benchmarks/reuse_scale.py`` measures them as the baseline.  Here the
signatures of all units are computed at once in numpy (one mixing pass per permutation and a
segmented minimum), and the bands are grouped by sorting.  The number of bands and rows for a
threshold comes from datasketch itself (``MinHashLSH(threshold, num_perm).b`` and ``.r``), and
``tests/test_reuse.py`` checks that both implementations estimate the same similarities.

Examples:
    >>> import numpy as np
    >>> sig = signatures(np.array([1, 2, 3, 1, 2, 3], np.uint64), np.array([0, 0, 0, 1, 1, 1]), 2)
    >>> bool((sig[0] == sig[1]).all())
    True
"""

from __future__ import annotations

import numpy as np

EMPTY = np.iinfo(np.uint32).max
_GOLDEN = 0x9E3779B97F4A7C15


def mix(values: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser: a fast, well-spread 64-bit hash of 64-bit values."""
    x = values ^ (values >> np.uint64(30))
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


def permutation_seeds(num_perm: int, seed: int = 1) -> np.ndarray:
    """One 64-bit seed per permutation, reproducible."""
    return mix(np.arange(1, num_perm + 1, dtype=np.uint64) * np.uint64(_GOLDEN) + np.uint64(seed))


def signatures(
    hashes: np.ndarray,
    owner: np.ndarray,
    n_units: int,
    num_perm: int = 64,
    seed: int = 1,
    chunk: int = 1 << 22,
) -> np.ndarray:
    """MinHash signatures, shape ``(n_units, num_perm)``, 32-bit; a unit with no shingle is
    all EMPTY.

    ``owner`` gives the unit of each shingle hash and must be sorted (units contiguous).
    Shingles are processed ``chunk`` at a time (whole units per chunk), so memory stays
    bounded by the chunk, not the archive.
    """
    sig = np.full((n_units, num_perm), EMPTY, dtype=np.uint32)
    if not len(hashes):
        return sig
    seeds = permutation_seeds(num_perm, seed)
    bounds = np.searchsorted(owner, np.arange(n_units + 1))
    cuts = np.unique(
        np.concatenate(
            (bounds[np.searchsorted(bounds, np.arange(0, len(hashes), chunk))], [len(hashes)])
        )
    )
    for lo, hi in zip(cuts[:-1], cuts[1:]):
        part, units = hashes[lo:hi], owner[lo:hi]
        counts = np.bincount(units - units[0])
        filled = np.flatnonzero(counts)
        starts = np.concatenate(([0], np.cumsum(counts)))[filled]
        rows = filled + units[0]
        for p, s in enumerate(seeds):
            sig[rows, p] = np.minimum.reduceat(mix(part ^ s) >> np.uint64(32), starts)
    return sig


def unit_signatures(
    units: list, k: int, num_perm: int = 64, exclude: np.ndarray | None = None, block: int = 20_000
) -> np.ndarray:
    """Signatures of :class:`~planparse.reuse.units.Unit` objects, ``block`` units at a time,
    leaving out the shingle hashes in ``exclude`` (boilerplate).  Memory is bounded by the
    block and the signature matrix (256 bytes a unit), not by the archive."""
    from planparse.reuse.units import shingle_arrays

    parts = []
    for lo in range(0, len(units), block):
        chunk = units[lo : lo + block]
        hashes, owner = shingle_arrays(chunk, k)
        if exclude is not None and len(exclude):
            keep = ~np.isin(hashes, exclude)
            hashes, owner = hashes[keep], owner[keep]
        parts.append(signatures(hashes, owner, len(chunk), num_perm))
    return np.vstack(parts) if parts else np.empty((0, num_perm), dtype=np.uint32)


def band_parameters(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands and rows for a Jaccard threshold, as datasketch chooses them."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


def lsh_pairs(
    sig: np.ndarray, bands: int, rows: int, max_bucket: int = 50, groups: np.ndarray | None = None
) -> tuple[np.ndarray, int]:
    """Candidate pairs ``(i, j)``, ``i < j``, that share a band bucket, and how many buckets
    were skipped for holding more than ``max_bucket`` units (stock text everyone shares).

    Units with the same ``groups`` value (one plan) are never paired.
    """
    filled = np.flatnonzero(sig[:, 0] != EMPTY)
    pairs: list[np.ndarray] = []
    skipped = 0
    for b in range(bands):
        keys = np.full(len(filled), np.uint64(b), dtype=np.uint64)
        for column in sig[filled, b * rows : (b + 1) * rows].T:
            keys = mix(keys ^ column.astype(np.uint64))
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        edges = np.flatnonzero(np.diff(sorted_keys)) + 1
        bounds = np.concatenate(([0], edges, [len(order)]))
        sizes = np.diff(bounds)
        skipped += int((sizes > max_bucket).sum())
        for lo, hi in zip(
            bounds[:-1][(sizes >= 2) & (sizes <= max_bucket)],
            bounds[1:][(sizes >= 2) & (sizes <= max_bucket)],
        ):
            members = np.sort(filled[order[lo:hi]])
            i, j = np.triu_indices(len(members), k=1)
            pairs.append(np.stack([members[i], members[j]], axis=1))
    if not pairs:
        return np.empty((0, 2), dtype=np.int64), skipped
    found = np.unique(np.concatenate(pairs), axis=0)
    if groups is not None:
        found = found[groups[found[:, 0]] != groups[found[:, 1]]]
    return found, skipped
