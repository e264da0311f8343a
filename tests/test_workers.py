"""One way to run work in processes: in order, inline when small, shut down on errors."""

from __future__ import annotations

import os

import pytest

from planparse.workers import BYTES_PER_WORKER, Workers, map_in_processes


def _pid(_: int) -> int:
    return os.getpid()


def _fail(n: int) -> int:
    if n == 3:
        raise ValueError("task 3 failed")
    return n


def test_work_too_small_for_a_worker_runs_in_this_process():
    with Workers(jobs=4, size=BYTES_PER_WORKER - 1) as workers:
        assert workers.processes == 1
        assert set(workers.map(_pid, range(8))) == {os.getpid()}
        assert workers.submit(_pid, 0).result() == os.getpid()


def test_processes_grow_with_the_input_up_to_jobs():
    assert Workers(jobs=4, size=2 * BYTES_PER_WORKER).processes == 2
    assert Workers(jobs=2, size=100 * BYTES_PER_WORKER).processes == 2
    assert Workers(jobs=3).processes == 3


def test_one_pool_serves_every_map_of_a_run_and_keeps_order():
    with Workers(jobs=2) as workers:
        first = workers.map(_pid, range(16))
        second = workers.map(_pid, range(16))
        assert os.getpid() not in first
        assert len(set(first) | set(second)) <= 2  # the same two workers, not new ones
        assert workers.map(pow, [2, 3, 4], [2, 2, 2]) == [4, 9, 16]
    assert map_in_processes(pow, [2, 3], [3, 3], jobs=2) == [8, 27]


def test_an_error_in_a_task_reaches_the_caller_and_stops_the_workers():
    workers = Workers(jobs=2)
    with pytest.raises(ValueError, match="task 3 failed"), workers:
        workers.map(_fail, range(8))
    assert workers._pool is None  # shut down, the tasks not started cancelled
