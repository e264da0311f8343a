"""Chinese fonts: found from the font files, whatever matplotlib's cache says, and one clear
line with the fix when there is none."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from conftest import ROOT

from planparse import plot

#: Run in a fresh process whose matplotlib cache was built before the font was copied in.
STALE_CACHE_SCRIPT = """
import sys, warnings
import matplotlib
matplotlib.use("Agg")
from matplotlib import font_manager
copied = sys.argv[1]
assert copied not in {f.fname for f in font_manager.fontManager.ttflist}, "cache not stale"
sys.path.insert(0, sys.argv[2])
from planparse import plot
from test_themes_plot import render_every_plot, synthetic_plot_data
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    family = plot.use_cjk_font()
    axes = render_every_plot(*synthetic_plot_data())
assert copied in {f.fname for f in font_manager.fontManager.ttflist}, "copied font not found"
texts = [str(w.message) for w in caught]
missing = [t for t in texts if "missing from" in t or "Glyph" in t]
print(family, len(axes), len(missing))
"""


def _environment(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PLANPARSE_FONT"}
    return {**env, "HOME": str(home), "MPLCONFIGDIR": str(home / "mpl"), "PYTHONPATH": str(ROOT)}


@pytest.mark.slow
def test_a_font_installed_after_the_cache_was_built_is_used(tmp_path):
    fonts = plot.cjk_font_files()
    if not fonts:
        pytest.skip("no CJK font file (pip install 'planparse[fonts]' or fonts-wqy-microhei)")
    env = _environment(tmp_path)
    build = "import matplotlib.font_manager as m; print(len(m.fontManager.ttflist))"
    subprocess.run([sys.executable, "-c", build], env=env, check=True, capture_output=True)
    assert list((tmp_path / "mpl").glob("fontlist-*.json")), "matplotlib wrote no font cache"
    folder = tmp_path / ".local" / "share" / "fonts"
    folder.mkdir(parents=True)
    copied = folder / fonts[0].name
    shutil.copyfile(fonts[0], copied)
    result = subprocess.run(
        [sys.executable, "-c", STALE_CACHE_SCRIPT, str(copied), str(ROOT / "tests")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    family, plots, missing = result.stdout.split()[-3:]
    assert family != "None" and int(plots) >= 6 and missing == "0"


def test_a_named_font_file_is_used(tmp_path):
    fonts = plot.cjk_font_files()
    if not fonts:
        pytest.skip("no CJK font file")
    family = plot.use_cjk_font(fonts[0])
    assert family is not None
    import matplotlib

    assert matplotlib.rcParams["font.sans-serif"][0] == family


def test_no_font_prints_one_line_with_the_fix_even_with_warnings_silenced(
    monkeypatch, capsys, tmp_path
):
    from planparse import cli

    monkeypatch.setattr(plot, "cjk_font_files", lambda *a: [])
    monkeypatch.setattr(plot, "CJK_FAMILIES", ("No Such Font",))
    monkeypatch.delenv("PLANPARSE_FONT", raising=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cli._check_font(None)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and "pip install 'planparse[fonts]'" in lines[0]
    monkeypatch.setattr(plot, "cjk_font_files", lambda *a: [Path("x.ttf")])
    cli._check_font(None)
    assert capsys.readouterr().err == ""
