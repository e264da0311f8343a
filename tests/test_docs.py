"""The documentation: the site builds in strict mode, the quickstart runs as written, and
every public function and class has type hints and an example."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from conftest import ROOT


@pytest.mark.slow
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
    code = re.search(r"```python\n(.*?)```", text, re.DOTALL).group(1)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "quickstart.md", "exec"), namespace)  # noqa: S102 - our own docs
    assert len(namespace["pairs"]) > 0 and len(namespace["shares"]) > 0


def test_changes_guide_runs_as_written(tmp_path, monkeypatch):
    text = (ROOT / "docs" / "changes.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.DOTALL).group(1)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "changes.md", "exec"), namespace)  # noqa: S102 - our own docs
    assert namespace["summarize"](namespace["rows"])["dropped"] == 7
    assert (tmp_path / "diff.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.slow
def test_readme_quickstart_runs_outside_the_repository(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"## Quickstart \(Python\)\n\n```python\n(.*?)```", text, re.DOTALL).group(1)
    monkeypatch.chdir(tmp_path)  # not the repository: the sample is found by sample_path()
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own docs
    assert len(namespace["pairs"]) > 0 and len(namespace["shares"]) > 0
    assert str(namespace["shares"]["domain"].dtype) == "string"


def test_every_table_uses_one_string_dtype():
    import planparse
    from planparse import themes
    from planparse.metadata import infer_metadata

    items = planparse.parse_files([planparse.sample_path() / "2008_城关镇_乡镇妇联_工作计划.txt"])
    tagged = themes.attach_metadata(planparse.tag(items), planparse.sample_path() / "plans.tsv")
    tables = [
        items,
        infer_metadata(items),
        themes.domain_shares(tagged, by="year"),
        themes.distinctive_terms(tagged, by="year", min_count=1),
    ]
    for table in tables:
        text = [c for c in table.columns if table[c].map(type).eq(str).all() and len(table)]
        assert {str(table[c].dtype) for c in text} == {"string"}, table.dtypes


def test_the_list_of_tables_in_the_schema_page_is_generated_from_the_schema():
    from planparse.schema import tables_markdown

    page = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- tables: [^>]*-->\n(.*?)\n<!-- end of tables -->", page, re.DOTALL)
    assert block is not None and block.group(1) == tables_markdown()


#: Public names whose docstring still has no example (none now; keep the test strict).
NO_EXAMPLE_YET: set[str] = set()


def test_every_public_function_and_class_has_type_hints_and_an_example():
    import inspect

    import planparse

    missing_example, missing_hints = [], []
    for name in planparse.__all__:
        obj = getattr(planparse, name)
        if not callable(obj):
            continue
        if ">>>" not in (inspect.getdoc(obj) or "") and name not in NO_EXAMPLE_YET:
            missing_example.append(name)
        parameters = inspect.signature(obj).parameters.values()
        missing_hints += [
            f"{name}({p.name})" for p in parameters if p.annotation is inspect.Parameter.empty
        ]
    assert missing_example == [] and missing_hints == []
