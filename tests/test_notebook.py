"""The tutorial notebook is stored executed, with its figures, and still runs top to bottom."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

FOLDER = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOK = FOLDER / "tutorial.ipynb"


def _code(notebook):
    return [c for c in notebook.cells if c.cell_type == "code"]


def _figures(notebook) -> int:
    return sum("image/png" in o.get("data", {}) for c in _code(notebook) for o in c.outputs)


def test_the_stored_notebook_shows_its_figures():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert _figures(notebook) >= 3
    assert all(c.execution_count is not None for c in _code(notebook))
    assert not [o for c in _code(notebook) for o in c.outputs if o.output_type == "error"]


def test_the_first_cell_does_not_force_a_backend_without_figures():
    first = _code(nbformat.read(NOTEBOOK, as_version=4))[0].source
    assert "Agg" not in first and "%matplotlib inline" in first


def test_the_stored_notebook_is_the_one_the_build_script_writes():
    sys.path.insert(0, str(FOLDER))
    from build_tutorial import build

    stored = nbformat.read(NOTEBOOK, as_version=4)
    assert [c.source for c in stored.cells] == [c.source for c in build().cells]


def test_every_code_cell_still_runs_and_draws_its_figures(tmp_path):
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    for cell in _code(notebook):
        cell.outputs, cell.execution_count = [], None
    client = nbclient.NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    assert all(c.execution_count is not None for c in _code(notebook))
    assert not [o for c in _code(notebook) for o in c.outputs if o.output_type == "error"]
    assert _figures(notebook) == _figures(nbformat.read(NOTEBOOK, as_version=4))
