"""``planparse analyze``: outputs, the same rows for any -j, resume after a kill, bad files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import planparse
from planparse import themes
from planparse.cli import main
from planparse.pipeline import analyze


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    root = tmp_path_factory.mktemp("archive")
    sample = planparse.sample_path()
    for path in sorted(sample.iterdir())[:24]:
        shutil.copy(path, root / path.name)
    return root


@pytest.mark.slow
def test_outputs_and_summary(archive, tmp_path):
    out = tmp_path / "out"
    summary = analyze([archive], out, quiet=True)
    for name in (
        "items.parquet",
        "pairs.parquet",
        "clusters.parquet",
        "report.html",
        "copy_paste.html",
        "errors.csv",
        "manifest.json",
        "themes",
        "plots",
    ):
        assert (out / name).exists(), name
    items = pd.read_parquet(out / "items.parquet")
    assert list(items.columns[: len(planparse.COLUMNS)]) == list(planparse.COLUMNS)
    assert {"domain", "domains", "reason"} <= set(items.columns)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert (
        len(manifest["inputs"]) == summary["files"]
        and manifest["summary"]["plans"] == summary["plans"]
    )
    assert all(len(entry["sha256"]) == 64 for entry in manifest["inputs"])
    assert list((out / "plots").glob("*.png"))


@pytest.mark.slow
def test_same_output_for_one_or_two_processes(archive, tmp_path, workers_for_any_size):
    analyze([archive], tmp_path / "one", jobs=1, quiet=True, chunk_files=5)
    analyze([archive], tmp_path / "two", jobs=2, quiet=True, chunk_files=5)
    for name in ("items.parquet", "pairs.parquet", "clusters.parquet"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(tmp_path / "one" / name), pd.read_parquet(tmp_path / "two" / name)
        )


@pytest.mark.slow
def test_resume_after_a_kill_gives_the_clean_rows(archive, tmp_path):
    clean, crashed = tmp_path / "clean", tmp_path / "crashed"
    analyze([archive], clean, quiet=True, chunk_files=3)
    code = (
        f"from planparse.pipeline import analyze; "
        f"analyze([{str(archive)!r}], {str(crashed)!r}, quiet=True, chunk_files=3)"
    )
    process = subprocess.Popen([sys.executable, "-c", code])
    marker = crashed / "chunks" / "items-00002.json"
    deadline = time.time() + 120
    while not marker.exists() and time.time() < deadline and process.poll() is None:
        time.sleep(0.05)
    process.kill()
    process.wait()
    assert marker.exists() and not (crashed / "items.parquet").exists()
    kept = {
        p.name: p.stat().st_mtime_ns for p in (crashed / "chunks").glob("items-0000[0-2].parquet")
    }
    analyze([archive], crashed, resume=True, quiet=True, chunk_files=3, keep_work=True)
    assert {
        p.name: p.stat().st_mtime_ns for p in (crashed / "chunks").glob("items-0000[0-2].parquet")
    } == kept
    pd.testing.assert_frame_equal(
        pd.read_parquet(clean / "items.parquet"), pd.read_parquet(crashed / "items.parquet")
    )
    pd.testing.assert_frame_equal(
        pd.read_parquet(clean / "pairs.parquet"), pd.read_parquet(crashed / "pairs.parquet")
    )


@pytest.mark.slow
def test_a_changed_file_is_redone_on_resume(archive, tmp_path):
    folder = tmp_path / "arch"
    shutil.copytree(archive, folder)
    out = tmp_path / "out"
    analyze([folder], out, quiet=True, chunk_files=4)
    first = sorted(folder.glob("*.txt"))[0]
    first.write_text("社区工作计划\n一、开展法律援助，维护妇女合法权益\n", encoding="utf-8")
    analyze([folder], out, resume=True, quiet=True, chunk_files=4)
    items = pd.read_parquet(out / "items.parquet")
    assert items[items.doc_id == first.name].text.tolist()[-1] == "开展法律援助，维护妇女合法权益"


@pytest.mark.slow
def test_bad_files_are_reported_and_the_rest_is_complete(archive, tmp_path):
    folder = tmp_path / "bad"
    shutil.copytree(archive, folder)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (folder / "odd.txt").write_bytes(b"\x81\x30" * 50 + b"\xff\xfe\xfd" * 50)
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not a zip")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    with open(folder / "huge.txt", "wb") as stream:
        stream.truncate(200 * 2**20)  # 200 MB, sparse: refused by size before it is read
    out = tmp_path / "out"
    assert main(["analyze", str(folder), "-o", str(out), "-q"]) == 1
    errors = pd.read_csv(out / "errors.csv").set_index("doc_id").reason.to_dict()
    assert errors == {
        "binary.txt": "binary",
        "broken.docx": "corrupt",
        "broken.pdf": "corrupt",
        "empty.txt": "empty",
        "huge.txt": "too large",
        "odd.txt": "unknown encoding",
    }
    items = pd.read_parquet(out / "items.parquet")
    assert set(items.doc_id) == {
        p.name for p in archive.iterdir() if p.suffix in (".txt", ".docx", ".pdf")
    }


@pytest.mark.slow
def test_a_file_without_permission_is_reported_and_the_rest_is_complete(
    archive, tmp_path, monkeypatch
):
    folder = tmp_path / "locked"
    shutil.copytree(archive, folder)
    locked = folder / "locked.txt"
    locked.write_text("一、学习\n", encoding="utf-8")
    locked.chmod(0)
    if os.geteuid() == 0:  # root reads any file (CI runs as root): refuse as the OS would
        read_bytes = Path.read_bytes

        def refuse(path: Path) -> bytes:
            if path.name == locked.name:
                raise PermissionError(13, "Permission denied", str(path))
            return read_bytes(path)

        monkeypatch.setattr(Path, "read_bytes", refuse)
    summary = analyze([folder], tmp_path / "out", quiet=True)
    errors = pd.read_csv(tmp_path / "out" / "errors.csv")
    assert errors[["doc_id", "reason"]].values.tolist() == [["locked.txt", "permission denied"]]
    assert summary["failures"] == 1
    items = pd.read_parquet(tmp_path / "out" / "items.parquet")
    assert set(items.doc_id) == {
        p.name for p in archive.iterdir() if p.suffix in (".txt", ".docx", ".pdf")
    }


@pytest.mark.slow
def test_themes_taken_a_chunk_at_a_time_equal_the_themes_of_the_whole_table(
    archive, tmp_path, workers_for_any_size
):
    meta = planparse.sample_path() / "plans.tsv"
    out = tmp_path / "out"
    analyze([archive], out, jobs=2, quiet=True, chunk_files=3, meta=meta)
    items = pd.read_parquet(out / "items.parquet")
    used = pd.read_csv(out / "metadata.csv", dtype=str, keep_default_na=False)
    tagged = themes.attach_metadata(items, used)  # plans.tsv over what was inferred
    copies = themes.copied_units(pd.read_parquet(out / "pairs.parquet"))
    tagged = themes.without_copies(tagged, copies)  # analyze counts copied text once
    content = themes.content_rows(tagged)
    for by in ("doc_id", "year", "region"):
        written = (out / "themes" / f"domain_shares_by_{by}.csv").read_text("utf-8")
        assert written == themes.domain_shares(content, by=by).to_csv(index=False)
    for by in ("year", "issuer_type"):
        written = (out / "themes" / f"distinctive_terms_by_{by}.csv").read_text("utf-8")
        assert written == themes.distinctive_terms(content, by=by).to_csv(index=False)


def test_an_archive_of_only_bad_files_is_reported_not_a_crash(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    summary = analyze([folder], tmp_path / "out", quiet=True)
    assert summary["failures"] == summary["files"] == 2 and summary["plans"] == 0
    assert len(pd.read_parquet(tmp_path / "out" / "items.parquet")) == 0
    assert len(pd.read_csv(tmp_path / "out" / "errors.csv")) == 2
