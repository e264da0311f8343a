"""benchmarks/compare_quality.py: error analysis stays on the development sets."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from planparse.diff import evaluate as ev

BENCHMARK = ev.GOLD_DIR.parents[2] / "benchmarks" / "compare_quality.py"


def _run(monkeypatch, capsys, *flags: str) -> str:
    """The benchmark's output, every gold set standing in for by the sample's first pair."""
    spec = importlib.util.spec_from_file_location("compare_quality", BENCHMARK)
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    sample = ev.load_gold("sample")[:1]
    monkeypatch.setattr(ev, "load_gold", lambda name, roots=ev.DEFAULT_ROOTS: sample)
    monkeypatch.setattr(sys, "argv", ["compare_quality.py", *flags])
    benchmark.main()
    return capsys.readouterr().out


@pytest.mark.slow
def test_errors_break_down_the_development_sets_only(monkeypatch, capsys):
    out = _run(monkeypatch, capsys, "--errors")
    assert "national: planparse.diff's wrong rows" in out
    breakdown = [line for line in out.splitlines() if "wrong rows" in line or "missed" in line]
    assert "hailar (eval only)" in out and breakdown
    assert not [line for line in breakdown if "hailar" in line]


@pytest.mark.slow
def test_the_evaluation_set_is_broken_down_only_when_asked_and_says_so(monkeypatch, capsys):
    out = _run(monkeypatch, capsys, "--errors", "--errors-on-evaluation-set")
    assert "hailar (eval only): planparse.diff's wrong rows" in out
    assert "hailar (eval only): EVALUATION ONLY" in out
    assert "national: EVALUATION ONLY" not in out
