"""Progress of long stages: a tqdm bar on a terminal, otherwise one status line on stderr
every few seconds (a log file or CI shows that the job is alive); nothing when quiet.

Examples:
    >>> with Progress(3, "parse + tag", quiet=True) as bar:
    ...     bar.update(3)
    >>> with stage("themes", quiet=True):
    ...     pass
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

#: Seconds between two status lines when stderr is not a terminal.
EVERY = 5.0


class Progress:
    """Counted progress (files, chunks): tqdm on a terminal, else a status line on ``stream``
    at most every ``every`` seconds and one when done."""

    def __init__(
        self,
        total: int,
        label: str,
        unit: str = "file",
        quiet: bool = False,
        every: float = EVERY,
        stream: IO[str] | None = None,
    ) -> None:
        self.total, self.label, self.unit, self.quiet = total, label, unit, quiet
        self.every, self.stream = every, stream or sys.stderr
        self.done, self.start, self.last = 0, time.monotonic(), time.monotonic()
        self.bar: Any = None
        if not quiet and self.stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit=unit, desc=label, file=self.stream)

    def update(self, count: int = 1) -> None:
        """``count`` more units done."""
        self.done += count
        if self.bar is not None:
            self.bar.update(count)
        elif not self.quiet and time.monotonic() - self.last >= self.every:
            self._line()

    def close(self) -> None:
        """The last line (or the bar closed)."""
        if self.bar is not None:
            self.bar.close()
        elif not self.quiet:
            self._line()

    def _line(self) -> None:
        self.last = time.monotonic()
        share = f" ({self.done / self.total:.0%})" if self.total else ""
        print(
            f"planparse: {self.label}: {self.done}/{self.total} {self.unit}s{share}, "
            f"{self.last - self.start:.0f} s",
            file=self.stream,
            flush=True,
        )

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextmanager
def stage(
    label: str, quiet: bool = False, every: float = EVERY, stream: IO[str] | None = None
) -> Iterator[None]:
    """A stage without counts: a line when it starts, one every ``every`` seconds while it
    runs, one when it ends (with its duration); nothing when quiet."""
    stream = stream or sys.stderr
    if quiet:
        yield
        return
    start, stop = time.monotonic(), threading.Event()
    print(f"planparse: {label} …", file=stream, flush=True)

    def tick() -> None:
        while not stop.wait(every):
            print(
                f"planparse: {label}, {time.monotonic() - start:.0f} s …", file=stream, flush=True
            )

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    try:
        yield
    finally:
        stop.set()
        ticker.join()
        print(
            f"planparse: {label} done in {time.monotonic() - start:.1f} s", file=stream, flush=True
        )
