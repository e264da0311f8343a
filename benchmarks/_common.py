"""Shared helpers for the benchmark scripts: timing, peak memory, the real corpus."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"


def measure(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, int, Any]:
    """Best wall time over ``repeat`` runs, then peak traced memory of one more run."""
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak, result


def real_texts() -> list[str]:
    """Every text of ../shared/corpus, decoded; exits with a message when it is absent."""
    import planparse

    if not SHARED.is_dir():
        raise SystemExit(f"the real corpus is not at {SHARED}; this benchmark needs it")
    return [planparse.read_text(p) for p in sorted(SHARED.rglob("*.txt"))]


def row(name: str, chars: int, seconds: float, peak: int, base: float | None = None) -> str:
    rate = chars / seconds
    ratio = f"  {base / seconds:5.2f}x baseline time" if base else ""
    return (
        f"{name:<34} {chars / 1e6:8.2f} M chars {seconds:8.3f} s {rate / 1e6:8.2f} M chars/s "
        f"{peak / 2**20:8.1f} MiB peak{ratio}"
    )
