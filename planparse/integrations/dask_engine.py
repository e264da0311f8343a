"""Run ``planparse analyze`` on a Dask cluster (``pip install "planparse[dask]"``).

Two stages go to the workers:

* the per-file stage: each chunk of files is read, parsed and tagged by a worker
  (:func:`planparse.analyze.process_chunk`), and written by the client as in a local run;
* the copy-paste candidate search: workers compute the MinHash signatures of blocks of units
  and their LSH band keys; a Dask DataFrame shuffle on the band key brings each bucket
  together on one worker, which emits its candidate pairs.  No machine holds every
  signature; only the (few) candidate pairs come back.

The results are the same as a local run (``tests/test_dask.py`` checks it on a
``LocalCluster`` with two workers).

Examples:
    >>> from distributed import Client                                    # doctest: +SKIP
    >>> analyze([archive], "out", engine=Client("tcp://scheduler:8786"))   # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np
import pandas as pd

from planparse.reuse.minhash import (
    EMPTY,
    band_keys,
    bucket_pairs,
    distinct_pairs,
    range_signatures,
)


def client_for(engine: Any) -> Any:
    """A ``distributed.Client`` from a client or a scheduler address (``tcp://host:8786``)."""
    from distributed import Client

    return engine if isinstance(engine, Client) else Client(engine)


def map_chunks(client: Any, work: list[list[tuple[str, str]]], model: str | None) -> list[Any]:
    """``process_chunk`` of every chunk on the workers; results in chunk order."""
    from planparse.analyze import process_chunk

    futures = client.map(process_chunk, client.scatter(work), model=model, pure=False)
    return client.gather(futures)


def _band_frame(
    block: tuple[np.ndarray, np.ndarray],
    offset: int,
    k: int,
    num_perm: int,
    exclude: np.ndarray,
    bands: int,
    rows: int,
) -> pd.DataFrame:
    """Band keys of a block of units (their code points joined, and their spans): one row
    per (unit, band)."""
    sig = range_signatures(*block, k, num_perm, exclude)
    filled = np.flatnonzero(sig[:, 0] != EMPTY)
    frames = [
        pd.DataFrame(
            {"key": band_keys(sig[filled], b, rows).view(np.int64), "unit": filled + offset}
        )
        for b in range(bands)
    ]
    if not frames:
        return pd.DataFrame({"key": np.empty(0, np.int64), "unit": np.empty(0, np.int64)})
    return pd.concat(frames, ignore_index=True)


def _bucket_pairs(part: pd.DataFrame, max_bucket: int) -> pd.DataFrame:
    """Candidate pairs of the buckets in one shuffled partition; oversized buckets skipped."""
    found, skipped = bucket_pairs(
        part["key"].to_numpy(np.int64), part["unit"].to_numpy(np.int64), max_bucket
    )
    frame = pd.DataFrame({"i": found[:, 0], "j": found[:, 1], "skipped": 0})
    if skipped:
        frame = pd.concat([frame, pd.DataFrame({"i": [-1], "j": [-1], "skipped": [skipped]})])
    return frame


def lsh_pairs_dask(
    client: Any,
    blocks: Iterable[tuple[np.ndarray, np.ndarray, int]],
    k: int,
    num_perm: int,
    exclude: np.ndarray,
    bands: int,
    rows: int,
    max_bucket: int,
) -> tuple[np.ndarray, int]:
    """The distinct candidate pairs of :func:`planparse.reuse.minhash.lsh_pairs`, computed
    on the cluster by a shuffle on the band keys.  ``blocks`` are ``(codes, spans, first
    global unit number)`` (:meth:`planparse.reuse.store.UnitStore.blocks`): each goes to the
    workers as it comes, so the client holds one block at a time."""
    import dask.dataframe as dd

    stock = client.scatter(exclude, broadcast=True)
    futures = [
        # Data goes to the workers once, by scatter, not inside the task graph.
        client.submit(
            _band_frame,
            client.scatter([(codes, spans)])[0],
            first,
            k,
            num_perm,
            stock,
            bands,
            rows,
            pure=False,
        )
        for codes, spans, first in blocks
    ]
    if not futures:
        return np.empty((0, 2), dtype=np.int64), 0
    keys = dd.from_delayed(futures, meta={"key": "int64", "unit": "int64"})
    shuffled = keys.shuffle(on="key", npartitions=max(1, len(futures)))
    found = shuffled.map_partitions(
        _bucket_pairs, max_bucket, meta={"i": "int64", "j": "int64", "skipped": "int64"}
    ).compute()
    skipped = int(found["skipped"].sum())
    pairs = found[found["i"] >= 0][["i", "j"]].to_numpy(dtype=np.int64)
    return distinct_pairs([pairs], None), skipped
