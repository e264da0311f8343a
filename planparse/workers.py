"""The one way planparse runs work in processes: :class:`Workers`.

Every stage that can use several processes (the per-file stage of ``planparse analyze``,
the copy-paste search, theme counting, ``tag(n_jobs=…)``) maps its work through a
:class:`Workers`, and an archive run makes one for the whole run, so worker processes start
once and stay warm (a worker's imports and model load cost about 3 s, measured).

* Results come back in task order, so output never depends on the number of processes.
* Work too small to pay for a worker's start runs inline, in the calling process: with
  ``size`` (the input's bytes) given, a process is used for each :data:`BYTES_PER_WORKER`
  at most, so ``-j N`` is never slower than ``-j 1`` on a small archive.
* Workers end when the process that made them ends, even by SIGKILL (the kernel's
  parent-death signal); an error or Ctrl-C in the caller cancels the tasks not started.

A Dask cluster is the other engine (:mod:`planparse.integrations.dask_engine`); without
one, this is its local fallback.

Examples:
    >>> with Workers(jobs=2, size=1_000) as workers:      # too little work: inline
    ...     workers.processes, workers.map(pow, [2, 3], [2, 2])
    (1, [4, 9])
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

#: Bytes of input a worker process must have to pay for its start: about a million
#: characters of Chinese text, 7 s of parsing and tagging at the measured 150k characters
#: per second, twice a worker's ~3 s start (imports and the model).
BYTES_PER_WORKER = 3_000_000


class Workers:
    """Up to ``jobs`` worker processes, started on first use and shared by every map of a
    run; inline when ``jobs`` is 1 or ``size`` (the input's bytes, when known) is too small
    to pay for them.  Use it as a context manager, or call :meth:`close`.

    Examples:
        >>> with Workers(jobs=1) as workers:
        ...     list(workers.iter(len, ["一二", "三"]))
        [2, 1]
    """

    def __init__(self, jobs: int = 1, size: int | None = None) -> None:
        self.jobs = jobs
        self.size = size
        self._pool: ProcessPoolExecutor | None = None

    @property
    def processes(self) -> int:
        """How many processes the work is worth: 1 means inline."""
        if self.size is None:
            return max(1, self.jobs)
        return max(1, min(self.jobs, self.size // BYTES_PER_WORKER))

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, kind: type | None, *rest: object) -> None:
        self.close(cancel=kind is not None)

    def close(self, cancel: bool = False) -> None:
        """Stop the workers, after the running tasks end; ``cancel`` drops those not started."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=cancel)
            self._pool = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = process_pool(self.processes)
        return self._pool

    def iter(self, function: Callable, *arguments: Iterable) -> Iterator[Any]:
        """``function(*task)`` for each task of ``zip(*arguments)``, yielded in order as soon
        as it and those before it are done (the caller folds results in while the rest are
        computed)."""
        tasks = list(zip(*arguments))
        if self.processes <= 1 or len(tasks) < 2:
            yield from (function(*task) for task in tasks)
            return
        # A few batches per process: one round trip per task was the cost for small tasks.
        batch = max(1, len(tasks) // (4 * self.processes))
        yield from self._executor().map(function, *zip(*tasks), chunksize=batch)

    def map(self, function: Callable, *arguments: Iterable) -> list[Any]:
        """:meth:`iter`, as a list."""
        return list(self.iter(function, *arguments))

    def submit(self, function: Callable, *arguments: Any) -> Future:
        """``function(*arguments)`` in a worker, or done here when inline."""
        if self.processes > 1:
            return self._executor().submit(function, *arguments)
        future: Future = Future()
        future.set_result(function(*arguments))
        return future


def map_in_processes(
    function: Callable, *arguments: Iterable, jobs: int = 1, pool: Workers | None = None
) -> list[Any]:
    """``[function(*a) for a in zip(*arguments)]`` through ``pool`` (a run's
    :class:`Workers`), or through workers of its own for ``jobs > 1``; results in order.

    Examples:
        >>> map_in_processes(pow, [2, 3], [2, 2], jobs=1)
        [4, 9]
    """
    if pool is not None:
        return pool.map(function, *arguments)
    with Workers(jobs) as workers:
        return workers.map(function, *arguments)


def process_pool(workers: int) -> ProcessPoolExecutor:
    """A ``ProcessPoolExecutor`` whose workers end when the process that made it ends, even
    by SIGKILL (which runs no clean-up): every process of planparse is started here.

    Examples:
        >>> with process_pool(1) as pool:
        ...     pool.submit(pow, 2, 5).result()
        32
    """
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(workers, initializer=die_with_parent, initargs=(os.getpid(),))


def die_with_parent(parent: int) -> None:
    """Make this process end when ``parent`` ends: the kernel's parent-death signal on Linux,
    else a thread that watches the parent.  Workers of workers do the same, so a whole tree
    of processes ends with its root."""
    import signal

    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        armed = libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):  # not Linux
        armed = False
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    if not armed:
        import threading

        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    import time

    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)
