"""The documentation: the site builds in strict mode, and the quickstart runs as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT


def test_site_builds_in_strict_mode(tmp_path):
    pytest.importorskip("mkdocs")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "api" / "index.html").is_file()


def test_quickstart_python_runs_as_written(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    text = (ROOT / "docs" / "quickstart.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "quickstart.md", "exec"), namespace)  # noqa: S102 - our own docs
    assert len(namespace["pairs"]) > 0 and len(namespace["shares"]) > 0


def test_changes_guide_runs_as_written(tmp_path, monkeypatch):
    text = (ROOT / "docs" / "changes.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "changes.md", "exec"), namespace)  # noqa: S102 - our own docs
    assert namespace["summarize"](namespace["rows"])["dropped"] == 7
    assert (tmp_path / "diff.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
