"""The command line: formats, standard output, exit codes, the bundled sample."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pandas as pd
import pytest

import planparse
from planparse.cli import main


@pytest.fixture
def archive(tmp_path):
    (tmp_path / "a.txt").write_text(
        "村妇代会工作计划\n一、学习\n（一）读书。\n二、活动\n", encoding="utf-8"
    )
    (tmp_path / "b.txt").write_bytes("一、维权\n二、就业\n".encode("gb18030"))
    return tmp_path


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_every_format_has_the_same_columns_and_rows(archive, tmp_path, fmt):
    out = tmp_path / f"items.{fmt}"
    assert main(["parse", str(archive), "-o", str(out)]) == 0
    if fmt == "csv":
        frame = pd.read_csv(out, keep_default_na=False)
    elif fmt == "jsonl":
        frame = pd.DataFrame([json.loads(line) for line in out.read_text("utf-8").splitlines()])
    else:
        frame = pd.read_parquet(out)
    assert list(frame.columns) == list(planparse.COLUMNS)
    assert frame.item_id.tolist() == [
        "a.txt#1/1",
        "a.txt#1/1.1",
        "a.txt#1/2",
        "b.txt#1/1",
        "b.txt#1/2",
    ]


def test_stdout_is_csv_by_default(archive, capsys):
    assert main(["parse", str(archive / "a.txt")]) == 0
    frame = pd.read_csv(io.StringIO(capsys.readouterr().out), keep_default_na=False)
    assert frame.marker.tolist() == ["一、", "（一）", "二、"]


def test_jsonl_keeps_chinese_readable(archive, capsys):
    main(["parse", str(archive / "a.txt"), "--format", "jsonl"])
    first = capsys.readouterr().out.splitlines()[0]
    assert "村妇代会工作计划" in first and json.loads(first)["number"] == 1


def test_failures_are_reported_and_the_rest_is_written(archive, tmp_path, capsys):
    (archive / "empty.txt").write_bytes(b"")
    out = tmp_path / "items.csv"
    assert main(["parse", str(archive), "-o", str(out)]) == 1
    assert "empty.txt: empty file" in capsys.readouterr().err
    assert set(pd.read_csv(out).doc_id) == {"a.txt", "b.txt"}


def test_parquet_to_stdout_is_a_usage_error(archive):
    with pytest.raises(SystemExit, match="parquet needs -o"):
        main(["parse", str(archive), "--format", "parquet"])


@pytest.mark.slow
def test_no_path_parses_the_bundled_sample(tmp_path):
    out = tmp_path / "sample.csv"
    result = subprocess.run(
        [sys.executable, "-m", "planparse", "parse", "-o", str(out)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    frame = pd.read_csv(out, keep_default_na=False)
    assert frame.doc_id.nunique() >= 1 and (frame.kind == "item").sum() > 0


def test_analyze_summary_counts_read_as_english_and_skip_empty_parts():
    from planparse.cli import summary_lines

    nothing = {
        "files": 1,
        "plans": 1,
        "items": 1,
        "domain_shares": {},
        "reuse_pairs": 0,
        "reuse_families": 0,
        "failures": 0,
        "copies_counted_once": True,
        "copied_items_left_out": 0,
        "metadata": {"plans": 0},
    }
    lines = summary_lines(nothing, "out")
    assert lines[0] == "planparse analyze: 1 file, 1 plan, 1 item -> out/"
    assert "  copy-paste: no pairs" in lines
    assert not any(line.startswith(("  domains", "  themes", "  metadata")) for line in lines)

    family = {"cluster": 4, "plans": 2, "copied_chars": 900}
    some = {
        **nothing,
        "files": 2,
        "plans": 2,
        "items": 9,
        "domain_shares": {"就业": 1.0},
        "reuse_pairs": 1,
        "reuse_families": 1,
        "largest_families": [family],
        "copied_items_left_out": 3,
        "metadata": {"plans": 2, "year": 1},
    }
    lines = summary_lines(some, "out")
    assert lines[0] == "planparse analyze: 2 files, 2 plans, 9 items -> out/"
    assert "  copy-paste: 1 pair in 1 family; largest: family 4 (2 plans, 900 chars)" in lines
    assert any("3 copied items left out" in line for line in lines)
    assert any(line.startswith("  metadata: year 1/2 plans named") for line in lines)


def test_a_folder_with_nothing_to_read_and_a_mistyped_path_are_said(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.csv").write_text("a,b\n", encoding="utf-8")
    assert main(["parse", str(tmp_path / "empty")]) == 0
    assert "holds no .txt, .docx, .pdf or .html file" in capsys.readouterr().err
    assert main(["parse", str(tmp_path / "typo.txt")]) == 1
    assert "no such file (a mistyped path" in capsys.readouterr().err


def test_a_labels_folder_without_label_files_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "labels").mkdir()
    assert main(["evaluate", "--labels", str(tmp_path / "labels")]) == 2
    assert "holds no .tsv or .csv label file" in capsys.readouterr().err
