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


def range_signatures(
    codes: np.ndarray,
    ranges: np.ndarray,
    k: int,
    num_perm: int = 64,
    exclude: np.ndarray | None = None,
    seed: int = 1,
) -> np.ndarray:
    """MinHash signatures of spans of one code array, shape ``(len(ranges), num_perm)``.

    ``codes`` holds texts joined by NUL; ``ranges`` (n × 2) are ``[start, end)`` spans inside
    one text each, and may overlap or nest (a plan, its sections and its items).  Every
    ``k``-gram is hashed and mixed once, however many spans hold it, which is what makes
    this faster than :func:`signatures` over each unit's own shingles; the values are the
    same.  Shingle hashes in ``exclude`` (boilerplate) take no part.

    Examples:
        >>> codes = np.array([5, 6, 7, 8, 0, 5, 6, 7, 8], np.uint64)
        >>> sig = range_signatures(codes, np.array([[0, 4], [5, 9], [1, 4]]), 2, 8)
        >>> bool((sig[0] == sig[1]).all()), bool((sig[0] == sig[2]).all())
        (True, False)
    """
    ranges = np.asarray(ranges, dtype=np.int64).reshape(-1, 2)
    cuts = _text_cuts(codes, CACHE_CODES)
    if len(cuts) > 2:  # one piece at a time, each small enough to stay in the CPU cache
        sig = np.empty((len(ranges), num_perm), dtype=np.uint32)
        piece = np.searchsorted(cuts, ranges[:, 0], side="right") - 1
        for n, (lo, hi) in enumerate(zip(cuts[:-1].tolist(), cuts[1:].tolist())):
            mine = piece == n
            sig[mine] = range_signatures(
                codes[lo:hi], ranges[mine] - lo, k, num_perm, exclude, seed
            )
        return sig
    sig = np.full((len(ranges), num_perm), EMPTY, dtype=np.uint32)
    dense, absent = window_hashes(codes, k, exclude)
    # Window starts run from a span's start to end - k; the spans are given as pairs of
    # indices to reduceat, whose even results are the minima over the spans.
    first, last = ranges[:, 0], ranges[:, 1] - k + 1
    some = last > first
    if not some.any() or absent.all():
        return sig
    bounds = np.stack((first[some], last[some]), axis=1).ravel()
    for p, s in enumerate(permutation_seeds(num_perm, seed)):
        values = (mix(dense ^ s) >> np.uint64(32)).astype(np.uint32)
        values[absent] = EMPTY
        sig[some, p] = np.minimum.reduceat(values, bounds)[::2]
    return sig


#: Code points hashed at once by :func:`range_signatures`.  Small enough that the
#: temporaries stay in the CPU cache through all permutations: 16 K code points ran 2.8 times
#: faster than 2 M on a 10,000-plan archive, where the larger pieces were bound by memory.
CACHE_CODES = 1 << 14


def _text_cuts(codes: np.ndarray, size: int) -> np.ndarray:
    """Where to cut ``codes`` into pieces of about ``size``: only just after a NUL, so that no
    text is cut; the first cut is 0 and the last ``len(codes)``."""
    nul = np.flatnonzero(np.asarray(codes) == 0) + 1
    wanted = np.arange(size, len(codes), size)
    after = nul[np.minimum(np.searchsorted(nul, wanted), len(nul) - 1)] if len(nul) else nul
    inner = after[(after > 0) & (after < len(codes))]
    return np.unique(np.concatenate(([0], inner, [len(codes)]))).astype(np.int64)


def window_hashes(
    codes: np.ndarray, k: int, exclude: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The hash of the ``k``-gram starting at each position of ``codes`` (one more slot at
    the end), and whether there is none: the window holds a NUL or its hash is excluded."""
    from planparse.hashing import CHAR_SEED, ngram_hashes

    hashes, starts = ngram_hashes(np.asarray(codes, dtype=np.uint64), k, CHAR_SEED)
    if exclude is not None and len(exclude):
        keep = ~np.isin(hashes, exclude)
        hashes, starts = hashes[keep], starts[keep]
    dense = np.zeros(len(codes) + 1, dtype=np.uint64)
    dense[starts] = hashes
    absent = np.ones(len(codes) + 1, dtype=bool)
    absent[starts] = False
    return dense, absent


def range_shingles(codes: np.ndarray, ranges: np.ndarray, k: int) -> list[np.ndarray]:
    """The sorted distinct ``k``-gram hashes of each span (as in :func:`range_signatures`).

    Examples:
        >>> codes = np.array([5, 6, 5, 6, 0, 7], np.uint64)
        >>> [len(h) for h in range_shingles(codes, np.array([[0, 4], [5, 6]]), 2)]
        [2, 0]
    """
    dense, absent = window_hashes(codes, k)
    present = ~absent
    spans = np.asarray(ranges, dtype=np.int64).reshape(-1, 2)
    spans[:, 1] = np.maximum(spans[:, 0], spans[:, 1] - k + 1)  # window starts
    return [np.unique(dense[lo:hi][present[lo:hi]]) for lo, hi in spans.tolist()]


def unit_signatures(
    units: list, k: int, num_perm: int = 64, exclude: np.ndarray | None = None, block: int = 20_000
) -> np.ndarray:
    """Signatures of :class:`~planparse.reuse.units.Unit` objects, ``block`` units at a time,
    leaving out the shingle hashes in ``exclude`` (boilerplate).  Memory is bounded by the
    block and the signature matrix (256 bytes a unit), not by the archive."""
    parts = [
        range_signatures(*joined(units[lo : lo + block]), k, num_perm, exclude)
        for lo in range(0, len(units), block)
    ]
    return np.vstack(parts) if parts else np.empty((0, num_perm), dtype=np.uint32)


def joined(units: list) -> tuple[np.ndarray, np.ndarray]:
    """The units' own code points joined by NUL, and each unit's span in them."""
    texts = [u.text.codes for u in units]
    ends = np.cumsum([len(t) + 1 for t in texts], dtype=np.int64) - 1
    ranges = np.stack((ends - [len(t) for t in texts], ends), axis=1)
    return np.concatenate([np.append(t, 0) for t in texts] or [np.zeros(0)]), ranges


def band_parameters(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands and rows for a Jaccard threshold: those that minimise the false positive and
    false negative areas, equally weighted, as datasketch chooses them (its
    ``MinHashLSH(threshold, num_perm).b`` and ``.r``, the reference in a test; importing
    datasketch was a third of a small call).

    Examples:
        >>> band_parameters(0.4, 64)
        (16, 4)
    """
    best, error = (1, 1), float("inf")
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            wrong = _area(threshold, bands, rows, False) + _area(threshold, bands, rows, True)
            if wrong < error:
                best, error = (bands, rows), wrong
    return best


def _area(threshold: float, bands: int, rows: int, missed: bool) -> float:
    """The area of false positives (below ``threshold``) or false negatives (above it)."""
    s = np.linspace(threshold, 1.0, 1001) if missed else np.linspace(0.0, threshold, 1001)
    found = 1 - (1 - s ** float(rows)) ** float(bands)
    y = 1 - found if missed else found
    return float(np.sum((y[1:] + y[:-1]) / 2 * np.diff(s)))


def band_keys(sig: np.ndarray, band: int, rows: int) -> np.ndarray:
    """One 64-bit key per signature row for band ``band``: equal keys, equal band."""
    keys = np.full(len(sig), np.uint64(band), dtype=np.uint64)
    for column in sig[:, band * rows : (band + 1) * rows].T:
        keys = mix(keys ^ column.astype(np.uint64))
    return keys


def bucket_pairs(keys: np.ndarray, units: np.ndarray, max_bucket: int) -> tuple[np.ndarray, int]:
    """Pairs ``(i, j)``, ``i < j``, of ``units`` with equal ``keys``, and how many buckets
    were skipped for holding more than ``max_bucket`` units.

    Buckets of one size are paired together in numpy (a loop over buckets was the cost).

    Examples:
        >>> keys = np.array([7, 9, 7, 7], np.uint64)
        >>> bucket_pairs(keys, np.array([10, 11, 12, 13]), 50)[0].tolist()
        [[10, 12], [10, 13], [12, 13]]
    """
    order = np.argsort(keys, kind="stable")
    edges = np.flatnonzero(np.diff(keys[order])) + 1
    bounds = np.concatenate(([0], edges, [len(order)]))
    starts, sizes = bounds[:-1], np.diff(bounds)
    pairs = [np.empty((0, 2), dtype=np.int64)]
    for size in np.unique(sizes[(sizes >= 2) & (sizes <= max_bucket)]).tolist():
        lo = starts[sizes == size]
        members = np.sort(units[order[lo[:, None] + np.arange(size)]], axis=1)
        i, j = np.triu_indices(size, k=1)
        pairs.append(np.stack((members[:, i].ravel(), members[:, j].ravel()), axis=1))
    return np.concatenate(pairs).astype(np.int64), int((sizes > max_bucket).sum())


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
        found, skips = bucket_pairs(band_keys(sig[filled], b, rows), filled, max_bucket)
        pairs.append(found)
        skipped += skips
    return distinct_pairs(pairs, groups), skipped


def distinct_pairs(pairs: list[np.ndarray], groups: np.ndarray | None) -> np.ndarray:
    """The distinct pairs, sorted, leaving out pairs within one group."""
    found = np.concatenate(pairs) if pairs else np.empty((0, 2), dtype=np.int64)
    found = np.unique(found.reshape(-1, 2), axis=0)
    if groups is not None and len(found):
        found = found[groups[found[:, 0]] != groups[found[:, 1]]]
    return found.reshape(-1, 2)
