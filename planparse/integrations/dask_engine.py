"""Run ``planparse analyze`` on a Dask cluster (``pip install "planparse[dask]"``).

Two stages go to the workers:

* the per-file stage: each chunk of files is read, parsed and tagged by a worker (the run
  hands :func:`map_on_cluster` the function, :func:`planparse.pipeline.per_file.process_chunk`),
  and written by the client as in a local run;
* the copy-paste search: workers fingerprint the stored chunks and compare batches of
  candidate pairs of files (:func:`planparse.reuse.find_duplicates_by_chunk` with
  ``client=``); the workers must see the search's folder (``workdir``), as on one machine
  or a shared file system.

The results are the same as a local run (``tests/test_dask.py`` checks it on a
``LocalCluster`` with two workers).

Examples:
    >>> from distributed import Client                                    # doctest: +SKIP
    >>> analyze([archive], "out", engine=Client("tcp://scheduler:8786"))   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def client_for(engine: Any) -> Any:
    """A ``distributed.Client`` from a client or a scheduler address (``tcp://host:8786``)."""
    from distributed import Client

    return engine if isinstance(engine, Client) else Client(engine)


def map_on_cluster(client: Any, function: Callable, *arguments: list, **kwargs: Any) -> list[Any]:
    """``function(*task, **kwargs)`` of every task of ``zip(*arguments)`` on the workers;
    results in task order.

    This module knows nothing of the pipeline: the caller hands it the function to map.
    Without a cluster, :class:`planparse.workers.Workers` runs the same work locally.
    """
    futures = client.map(function, *arguments, **kwargs, pure=False)
    return client.gather(futures)
