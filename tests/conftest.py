"""Shared fixtures: the real corpus (skipped when absent) and small helpers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
TOOLS = ROOT / "corpus" / "tools"
sys.path.insert(0, str(TOOLS))  # corpus/tools/office.py writes the .docx and .pdf fixtures


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    """The real texts in ../shared/corpus; tests that need them skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared/corpus is absent (a fresh clone has no real corpus)")
    return SHARED


def cn(n: int) -> str:
    """A Chinese numeral for 1–99, as plan markers write it."""
    from planparse.io.extract import chinese_numeral

    return chinese_numeral(n)


#: The usual marker ladder, one function per level: 一、 （一） 1、 （1） ①.
LADDER = [
    lambda n: f"{cn(n)}、",
    lambda n: f"（{cn(n)}）",
    lambda n: f"{n}、",
    lambda n: f"（{n}）",
    lambda n: chr(0x2460 + n - 1),
]


def items(text: str) -> list[tuple[str, int, str]]:
    """(marker, depth, text) of every non-debris node of a one-plan text."""
    import planparse

    doc = planparse.parse(text, doc_id="t")
    return [(node.marker, depth, node.text) for plan in doc.plans for node, depth in plan.walk()]


def markers(text: str) -> list[tuple[str, int]]:
    """(marker, depth) of every numbered item."""
    return [(m, d) for m, d, _ in items(text) if m]


@pytest.fixture
def workers_for_any_size(monkeypatch):
    """``-j N`` starts N worker processes even for a small test archive (a run otherwise
    keeps work too small to pay for a worker in its own process)."""
    monkeypatch.setattr("planparse.workers.BYTES_PER_WORKER", 1)
