"""Character n-gram count matrices, built with numpy over all texts at once.

A comparison cuts every item and every clause of two plans into character n-grams several
times.  scikit-learn's ``HashingVectorizer`` does it one string at a time in Python and was
40% of ``planparse.diff.compare``'s time on the national reports
(``benchmarks/compare_speed.py``); this builds the same matrices from the texts' code points
in a few array operations.  ``tests/test_ngrams.py`` keeps scikit-learn's ``CountVectorizer``
as the reference: both give the same n-grams for every text.

Examples:
    >>> m = char_ngrams(["开展活动", "活动"], (2, 2))
    >>> m.shape[0], int(m.sum()), (m @ m.T).toarray().tolist()
    (2, 4, [[3, 1], [1, 1]])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix

#: Bits per code point: every Unicode code point is below 2**21, so three fit in an int64.
_BITS = 21
MAX_SIZE = 3


def char_ngrams(texts: Sequence[str], sizes: tuple[int, int], binary: bool = False) -> csr_matrix:
    """Rows: ``texts``; columns: the distinct character n-grams of lengths ``sizes[0]`` to
    ``sizes[1]`` (at most :data:`MAX_SIZE`) among them; values: counts, or 1 if ``binary``.

    Columns are in no meaningful order; only which texts share an n-gram matters.

    Examples:
        >>> char_ngrams(["家风家风"], (1, 1)).toarray().tolist()
        [[2, 2]]
    """
    if not 1 <= sizes[0] <= sizes[1] <= MAX_SIZE:
        raise ValueError(f"n-gram sizes must lie in 1..{MAX_SIZE}, got {sizes}")
    points = [np.frombuffer(t.encode("utf-32-le"), dtype=np.uint32) for t in texts]
    lengths = np.array([len(p) for p in points], dtype=np.int64)
    flat = np.concatenate(points).astype(np.int64) if points else np.zeros(0, np.int64)
    owner = np.repeat(np.arange(len(texts)), lengths)
    rows, columns, width = [], [], 0
    for size in range(sizes[0], sizes[1] + 1):
        found_rows, codes = _codes(flat, owner, size)
        distinct, column = np.unique(codes, return_inverse=True)
        rows.append(found_rows)
        columns.append(column.ravel() + width)
        width += len(distinct)
    data_rows, data_columns = np.concatenate(rows), np.concatenate(columns)
    matrix = csr_matrix(
        (np.ones(len(data_rows), dtype=np.int64), (data_rows, data_columns)),
        shape=(len(texts), width),
    )
    matrix.sum_duplicates()
    if binary:
        matrix.data[:] = 1
    return matrix


def _codes(flat: np.ndarray, owner: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The owning text and an integer code of every n-gram of ``size`` inside one text."""
    starts = np.arange(max(len(flat) - size + 1, 0))
    inside = owner[starts] == owner[starts + size - 1]
    starts = starts[inside]
    codes = np.zeros(len(starts), dtype=np.int64)
    for offset in range(size):
        codes = (codes << _BITS) | flat[starts + offset]
    return owner[starts], codes
