"""64-bit hashes of character n-grams, for a whole batch of texts at once (numpy).

Shared by the classifier's features and by copy-paste detection.  Texts are joined with NUL
separators; a window that holds a NUL belongs to no text.

Examples:
    >>> import numpy as np
    >>> codes = np.frombuffer("妇联妇联".encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    >>> hashes, starts = ngram_hashes(codes, 2, CHAR_SEED)
    >>> bool(hashes[0] == hashes[2]), starts.tolist()
    (True, [0, 1, 2])
"""

from __future__ import annotations

import numpy as np

MULTIPLIER = np.uint64(0x100000001B3)
#: Hash seeds of the two namespaces.  Neither may be 0: with seed 0 a window that starts
#: with the NUL between two texts would hash like the same window without it.
CHAR_SEED = 0x9E3779B97F4A7C15
WORD_SEED = 0xC2B2AE3D27D4EB4F


def initial_state(seed: int) -> np.uint64:
    """The hash state before the first character (Python ints: no numpy overflow warning)."""
    return np.uint64((seed * int(MULTIPLIER)) % 2**64)


def _nul_prefix(codes: np.ndarray) -> np.ndarray:
    """Running count of NUL separators, so a window holds none when both ends agree."""
    return np.concatenate(([0], np.cumsum(codes == 0)))


def ngram_hashes(
    codes: np.ndarray, n: int, seed: int, nul: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every n-gram of ``codes`` that holds no NUL, and their start positions."""
    count = len(codes) - n + 1
    if count <= 0:
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    nul = _nul_prefix(codes) if nul is None else nul
    starts = np.flatnonzero(nul[n : n + count] == nul[:count])
    hashes = np.full(len(starts), initial_state(seed), dtype=np.uint64)
    for k in range(n):
        hashes ^= codes[starts + k]
        hashes *= MULTIPLIER
    return hashes, starts
