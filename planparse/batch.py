"""Parse many files into one item table; a bad file is reported, never fatal.

Examples:
    >>> import pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "a.txt").write_text("一、学习\\n二、活动\\n", encoding="utf-8")
    >>> _ = (root / "empty.txt").write_bytes(b"")
    >>> df = parse_files([root])
    >>> len(df), [f["doc_id"] for f in df.attrs["failures"]]
    (2, ['empty.txt'])
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping

from planparse.parse import parse
from planparse.read import MAX_BYTES, ReadError, iter_files, os_failure, read_source
from planparse.tree import Document

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    import pandas as pd


class SharedDict(dict):
    """A dict that deep-copies as itself.

    pandas deep-copies ``DataFrame.attrs`` on every operation that derives a frame; with a
    path per file in ``attrs`` that cost grew with the archive on every slice (it was most of
    the time of copy-paste search on a 1,000-plan archive).  The contents are never mutated.
    """

    def __deepcopy__(self, memo: dict) -> "SharedDict":
        return self


class SharedList(list):
    """A list that deep-copies as itself (see :class:`SharedDict`)."""

    def __deepcopy__(self, memo: dict) -> "SharedList":
        return self


def map_in_processes(
    function: Callable, *arguments: Iterable, jobs: int = 1, pool: Any = None
) -> list[Any]:
    """``[function(*a) for a in zip(*arguments)]``, in ``jobs`` processes when ``jobs > 1``
    (in ``pool``, a ``ProcessPoolExecutor``, when given: one pool can serve many maps).

    Results come back in order, so output never depends on the number of processes.

    Examples:
        >>> map_in_processes(pow, [2, 3], [2, 2], jobs=1)
        [4, 9]
    """
    return list(iter_in_processes(function, *arguments, jobs=jobs, pool=pool))


def iter_in_processes(
    function: Callable, *arguments: Iterable, jobs: int = 1, pool: Any = None
) -> Iterator[Any]:
    """:func:`map_in_processes`, yielding each result in order as soon as it and those
    before it are done, so the caller can fold results in while the rest are computed (and
    need not hold them all).  Exhaust it or close it: closing cancels the tasks not started
    and waits for the running ones.

    Examples:
        >>> sum(iter_in_processes(pow, [2, 3], [2, 2], jobs=1))
        13
    """
    tasks = list(zip(*arguments))
    if jobs <= 1 or len(tasks) < 2:
        yield from (function(*task) for task in tasks)
        return
    # A few batches per process: one round trip per task was the cost for small tasks.
    batch = max(1, len(tasks) // (4 * jobs))
    if pool is not None:
        yield from pool.map(function, *zip(*tasks), chunksize=batch)
        return
    with process_pool(min(jobs, len(tasks))) as own:
        yield from own.map(function, *zip(*tasks), chunksize=batch)


def process_pool(workers: int) -> "ProcessPoolExecutor":
    """A ``ProcessPoolExecutor`` whose workers end when the process that made it ends, even
    by SIGKILL (which runs no clean-up): every pool of planparse is made here.

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


@dataclass(frozen=True, slots=True)
class Failure:
    """A file that could not be parsed: which, why (a short tag) and the full message."""

    doc_id: str
    path: str
    reason: str
    message: str


def failure_of(doc_id: str, path: str | os.PathLike[str], exc: BaseException) -> Failure:
    """The :class:`Failure` of one file, whatever stopped it: a :class:`ReadError`, any
    operating-system error, or a fault of planparse itself (reported, never fatal).

    Examples:
        >>> failure_of("a.txt", "a.txt", RecursionError("too deep")).reason
        'internal error'
    """
    if isinstance(exc, OSError):
        exc = os_failure(path, exc)
    if isinstance(exc, ReadError):
        return Failure(doc_id, str(path), exc.reason, str(exc))
    if isinstance(exc, UnicodeError):
        return Failure(doc_id, str(path), "decode error", f"{path}: {exc}")
    detail = str(exc).splitlines()[0] if str(exc) else ""
    return Failure(
        doc_id,
        str(path),
        "internal error",
        f"{path}: planparse failed on this file ({type(exc).__name__}: {detail}); "
        "please report it with the file if you can",
    )


def parse_file(
    path: str | os.PathLike[str], doc_id: str | None = None, max_bytes: int = MAX_BYTES
) -> Document:
    """Read and parse one file; raises :class:`~planparse.read.ReadError` if it is unreadable.

    Examples:
        >>> import pathlib, tempfile
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
        >>> _ = p.write_text("一、学习\\n", encoding="utf-8")
        >>> parse_file(p).plans[0].nodes[0].text
        '学习'
    """
    source = read_source(path, max_bytes)
    return parse(source.text, doc_id=doc_id if doc_id is not None else os.path.basename(path))


def iter_documents(
    paths: Iterable[str | os.PathLike[str]], max_bytes: int = MAX_BYTES
) -> Iterator[Document | Failure]:
    """Each file under ``paths`` as a :class:`Document`, or a :class:`Failure` if unreadable."""
    for doc_id, path in iter_files(paths):
        try:
            yield parse_file(path, doc_id, max_bytes)
        except Exception as exc:  # one file never stops the batch
            yield failure_of(doc_id, path, exc)


def read_texts(items: "pd.DataFrame") -> dict[str, str]:
    """The decoded text of every file of a table from :func:`parse_files` (its
    ``attrs["paths"]``), for stages that report offsets into the files."""
    paths = items.attrs.get("paths", {})
    parsed = set(items["doc_id"])
    return texts_of(paths, [doc for doc in paths if doc in parsed])


def texts_of(paths: Mapping[str, str], docs: Iterable[str]) -> dict[str, str]:
    """The decoded text of each of ``docs``; ``paths`` maps a ``doc_id`` to its file.

    Examples:
        >>> import planparse
        >>> path = sorted(planparse.sample_path().glob("*.txt"))[0]
        >>> texts = texts_of({"a": path}, ["a", "a"])
        >>> list(texts), len(texts["a"]) > 0
        (['a'], True)
    """
    return {doc: read_source(paths[doc]).text for doc in dict.fromkeys(docs)}


def parse_files(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str], max_bytes: int = MAX_BYTES
) -> "pd.DataFrame":
    """Parse files and folders into one item table (see :mod:`planparse.schema`).

    Files that cannot be read are skipped with one warning; they are listed in
    ``df.attrs["failures"]`` as dicts with ``doc_id``, ``path``, ``reason`` and ``message``.
    ``df.attrs["paths"]`` maps each parsed ``doc_id`` to its file; ``df.attrs["warnings"]``
    lists the files read with a loss (``doc_id``, ``path``, ``message``).
    """
    from planparse.schema import document_rows, frame_from_rows

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    rows: list[tuple] = []
    failures: list[Failure] = []
    notes: list[dict] = []
    located: dict[str, str] = {}
    for doc_id, path in iter_files(paths):
        try:
            source = read_source(path, max_bytes)
            rows.extend(document_rows(parse(source.text, doc_id=doc_id)))
        except Exception as exc:  # one file never stops the batch
            failures.append(failure_of(doc_id, path, exc))
            continue
        notes += [{"doc_id": doc_id, "path": str(path), "message": m} for m in source.warnings]
        located[doc_id] = str(Path(path).resolve())
    frame = frame_from_rows(rows)
    frame.attrs["failures"] = SharedList(asdict(f) for f in failures)
    frame.attrs["warnings"] = SharedList(notes)
    frame.attrs["paths"] = SharedDict(located)  # lets later stages (copy-paste) re-read files
    if failures:
        warnings.warn(
            f"{len(failures)} file(s) could not be read, e.g. {failures[0].message}; "
            "see df.attrs['failures']",
            stacklevel=2,
        )
    return frame
