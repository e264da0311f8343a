"""Issue 18: one hostile entry never costs the batch, resume is exact, processes and working
folders end with the run, exit codes and outputs tell the truth, decoding loses nothing."""

from __future__ import annotations

import copy
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planparse
from planparse.cli import main
from planparse.io.read import iter_files, read_source
from planparse.pipeline import analyze
from planparse.pipeline.per_file import process_chunk

GOOD = 5  # sample plans copied into each archive


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    root = tmp_path_factory.mktemp("good")
    texts = sorted(planparse.sample_path().glob("*.txt"))[:GOOD]
    for number, path in enumerate(texts):
        shutil.copy(path, root / f"plan{number}.txt")
    return root


def _hostile(folder: Path, kinds) -> dict[str, str]:
    """Hostile entries of the given kinds in ``folder``; returns the reason each must get."""
    made = {}
    for number, kind in enumerate(kinds):
        name, reason = HOSTILE[kind](folder, f"h{number}")
        made[name] = reason
    return made


def _link(folder, stem, target, suffix=".txt"):
    (folder / f"{stem}{suffix}").symlink_to(target)
    return f"{stem}{suffix}"


HOSTILE = {
    "loop": lambda f, s: (_link(f, s, f"{s}.txt"), "symlink loop"),
    "dangling": lambda f, s: (_link(f, s, "nowhere/at/all.txt"), "missing"),
    "folder link": lambda f, s: (_link(f, s, ".", ""), "is a folder"),
    "empty": lambda f, s: (_write(f, f"{s}.txt", b""), "empty"),
    "binary": lambda f, s: (_write(f, f"{s}.txt", bytes(range(256)) * 4), "binary"),
    "bad encoding": lambda f, s: (
        _write(f, f"{s}.txt", b"\x81\x30" * 50 + b"\xff\xfe\xfd" * 50),
        "unknown encoding",
    ),
    "corrupt docx": lambda f, s: (_write(f, f"{s}.docx", b"PK\x03\x04 not a zip"), "corrupt"),
    "corrupt pdf": lambda f, s: (_write(f, f"{s}.pdf", b"%PDF-1.4 garbage"), "corrupt"),
    "i/o error": lambda f, s: (_write(f, f"{s}-eio.txt", "一、学习\n".encode()), "i/o error"),
    "crash": lambda f, s: (_write(f, f"{s}-crash.txt", "一、学习\n".encode()), "internal error"),
}


def _write(folder: Path, name: str, data: bytes) -> str:
    (folder / name).write_bytes(data)
    return name


@pytest.fixture
def sabotage(monkeypatch):
    """Files named *-eio* fail with EIO when read; files named *-crash* crash the parser."""
    import importlib

    module = importlib.import_module("planparse.parse.files")  # where files are parsed
    read_bytes, parse = Path.read_bytes, module.parse

    def failing_read(path):
        if "-eio" in path.name:
            raise OSError(errno.EIO, "Input/output error", str(path))
        return read_bytes(path)

    def crashing_parse(text, doc_id=None, **options):
        if doc_id and "-crash" in doc_id:
            raise RecursionError("maximum recursion depth exceeded")
        return parse(text, doc_id=doc_id, **options)

    monkeypatch.setattr(Path, "read_bytes", failing_read)
    monkeypatch.setattr(module, "parse", crashing_parse)


_ALONE: dict[str, pd.DataFrame] = {}


def _alone(doc_id: str, path: Path) -> pd.DataFrame:
    if doc_id not in _ALONE:
        items, failures, *_ = process_chunk([(doc_id, str(path))])
        assert not failures
        _ALONE[doc_id] = items
    return _ALONE[doc_id]


@pytest.mark.slow
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kinds=st.lists(st.sampled_from(sorted(HOSTILE)), max_size=8),
    keep=st.lists(st.booleans(), min_size=GOOD, max_size=GOOD),
    chunk_files=st.integers(1, 4),
)
def test_good_files_get_the_rows_they_get_alone_whatever_hostile_entries_sit_beside_them(
    good, sabotage, kinds, keep, chunk_files
):
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "in"
        folder.mkdir()
        kept = [p for p, k in zip(sorted(good.iterdir()), keep) if k]
        for path in kept:
            shutil.copy(path, folder / path.name)
        expected = _hostile(folder, kinds)
        files = [(doc, str(path)) for doc, path in iter_files([folder])]
        results = [
            process_chunk(files[start : start + chunk_files])
            for start in range(0, len(files), chunk_files)
        ]
        failures = [failure for result in results for failure in result[1]]
        assert {f["doc_id"]: f["reason"] for f in failures} == expected
        rows = {
            doc: items[items.doc_id == doc].reset_index(drop=True)
            for items, *_ in results
            for doc in set(items.doc_id)
        }
        assert set(rows) == {path.name for path in kept}
        for path in kept:
            pd.testing.assert_frame_equal(rows[path.name], _alone(path.name, path))


@pytest.mark.slow
def test_an_os_error_of_any_kind_is_a_row_and_the_batch_goes_on(good, tmp_path, monkeypatch):
    folder = tmp_path / "in"
    shutil.copytree(good, folder)
    codes = {"eio.txt": errno.EIO, "long.txt": errno.ENAMETOOLONG, "odd.txt": errno.EXDEV}
    for name in codes:
        (folder / name).write_text("一、学习\n", encoding="utf-8")
    read_bytes = Path.read_bytes

    def failing(path):
        if path.name in codes:
            raise OSError(codes[path.name], os.strerror(codes[path.name]), str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", failing)
    summary = analyze([folder], tmp_path / "out", quiet=True)
    errors = pd.read_csv(tmp_path / "out" / "errors.csv").set_index("doc_id")
    assert errors.reason.to_dict() == {
        "eio.txt": "i/o error",
        "long.txt": "name too long",
        "odd.txt": "os error",
    }
    assert all(name in message for name, message in errors.message.items())
    assert summary["failures"] == 3
    items = pd.read_parquet(tmp_path / "out" / "items.parquet")
    assert set(items.doc_id) == {p.name for p in good.iterdir()}


def test_a_file_whose_rows_cannot_be_tagged_fails_alone(good, tmp_path, monkeypatch):
    from planparse.classify import tagging

    folder = tmp_path / "in"
    shutil.copytree(good, folder)
    (folder / "poison.txt").write_text("一、毒丸条目\n", encoding="utf-8")
    tag = tagging.tag

    def picky(frame, *args, **kwargs):
        if frame.text.str.contains("毒丸").any():
            raise MemoryError("no room")
        return tag(frame, *args, **kwargs)

    monkeypatch.setattr(tagging, "tag", picky)
    items, failures, _ = process_chunk([(p.name, str(p)) for p in sorted(folder.iterdir())])
    assert [(f["doc_id"], f["reason"]) for f in failures] == [("poison.txt", "internal error")]
    assert set(items.doc_id) == {p.name for p in good.iterdir()}


def test_the_walk_survives_link_loops_and_leaves_out_the_output_folder(tmp_path):
    (tmp_path / "a.txt").write_text("一、学习\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to("..")
    (tmp_path / "self.txt").symlink_to("self.txt")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "report.html").write_text("<p>一、旧报告</p>", encoding="utf-8")
    found = [doc for doc, _ in iter_files([tmp_path], exclude=[tmp_path / "out"])]
    assert found == ["a.txt", "self.txt", "sub/up"]


# --- the hostile archive of the issue, end to end -------------------------------------


@pytest.mark.slow
def test_analyze_on_the_hostile_archive_exits_1_reports_each_and_completes_the_rest(
    good, tmp_path, capsys
):
    folder = tmp_path / "in"
    shutil.copytree(good, folder)
    expected = _hostile(
        folder,
        ["loop", "dangling", "empty", "binary", "bad encoding", "corrupt docx", "corrupt pdf"],
    )
    (folder / "utf16.txt").write_bytes("一、组织妇女学习\n二、开展活动\n".encode("utf-16-le"))
    (folder / "cut.txt").write_bytes("一、组织妇女学习\n二、开展活动".encode()[:-1])
    out = folder / "out"  # its own output folder inside, run twice
    assert main(["analyze", str(folder), "-o", str(out), "-q"]) == 1
    assert main(["analyze", str(folder), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    errors = pd.read_csv(out / "errors.csv").set_index("doc_id").reason.to_dict()
    assert errors == expected
    assert all(f"skipped {folder / name}" in err for name in expected)
    assert "cut.txt" in err and "UTF-8 character" in err  # the warning, with the file name
    items = pd.read_parquet(out / "items.parquet")
    readable = {p.name for p in good.iterdir()} | {"utf16.txt", "cut.txt"}
    assert set(items.doc_id) == readable
    for path in sorted(good.iterdir()):
        alone = _alone(path.name, path)
        rows = items[items.doc_id == path.name].reset_index(drop=True)[alone.columns]
        pd.testing.assert_frame_equal(rows, alone, check_categorical=False)
    assert items[items.doc_id == "cut.txt"].text.tolist()[-1] == "开展活"
    assert items[items.doc_id == "utf16.txt"].text.tolist()[-1] == "开展活动"


# --- resume -----------------------------------------------------------------------------


def _variant(tmp_path, threshold: float) -> str:
    from planparse.classify.persist import load_model, save_model

    model = copy.deepcopy(load_model())  # the shipped model is cached: never change it
    model.threshold = threshold
    return str(save_model(model, tmp_path / f"model-{threshold}.skops"))


@pytest.mark.slow
def test_resume_reuses_a_chunk_only_under_the_same_model(good, tmp_path):
    out = tmp_path / "out"
    analyze([good], out, quiet=True, keep_work=True, chunk_files=2)
    analyze([good], out, quiet=True, keep_work=True, chunk_files=2, resume=True)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["chunks"] == {"reused": [0, 1, 2], "made": []}
    low = _variant(tmp_path, 0.05)
    analyze([good], out, quiet=True, keep_work=True, chunk_files=2, resume=True, model=low)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["chunks"] == {"reused": [], "made": [0, 1, 2]}
    assert manifest["model"]["threshold"] == 0.05
    fresh = tmp_path / "fresh"
    analyze([good], fresh, quiet=True, keep_work=True, chunk_files=2, model=low)
    pd.testing.assert_frame_equal(
        pd.read_parquet(out / "items.parquet"), pd.read_parquet(fresh / "items.parquet")
    )


@pytest.mark.slow
def test_resume_redoes_a_chunk_made_by_another_planparse_version(good, tmp_path):
    out = tmp_path / "out"
    analyze([good], out, quiet=True, keep_work=True, chunk_files=2)
    record = out / "chunks" / "items-00001.json"
    held = json.loads(record.read_text("utf-8"))
    held["key"]["settings"]["planparse"] = "0.0.1"
    record.write_text(json.dumps(held), "utf-8")
    analyze([good], out, quiet=True, keep_work=True, chunk_files=2, resume=True)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["chunks"] == {"reused": [0, 2], "made": [1]}
    analyze([good], out, quiet=True, keep_work=True, chunk_files=5, resume=True)  # fewer chunks: none stale
    assert sorted(p.name for p in (out / "chunks").iterdir()) == [
        "items-00000.json",
        "items-00000.parquet",
    ]


# --- processes and working folders -----------------------------------------------------


def _children(root: int) -> set[int]:
    """Every living descendant of ``root`` (zombies are dead)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pids: set[int]) -> set[int]:
    living = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            living.add(pid)
    return living


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
def test_no_worker_survives_a_killed_run(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for copy in range(4):
        for path in sorted(planparse.sample_path().glob("*.txt")):
            shutil.copy(path, folder / f"{copy}-{path.name}")
    code = (
        "import planparse.workers; planparse.workers.BYTES_PER_WORKER = 1; "
        "from planparse.pipeline import analyze; "
        f"analyze([{str(folder)!r}], {str(tmp_path / 'out')!r}, jobs=2, quiet=True, chunk_files=2)"
    )
    process = subprocess.Popen([sys.executable, "-c", code])
    seen: set[int] = set()
    deadline = time.time() + 120
    while len(seen) < 2 and time.time() < deadline and process.poll() is None:
        seen |= _children(process.pid)
        time.sleep(0.05)
    assert len(seen) >= 2, "the run ended before its workers were seen"
    seen |= _children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.time() + 10
    while _alive(seen) and time.time() < deadline:
        time.sleep(0.1)
    assert not _alive(seen)


@pytest.mark.slow
def test_stale_working_folders_are_removed_by_the_next_run(good, tmp_path):
    out = tmp_path / "out"
    for stale in (".reuse-abc", ".themes-def"):
        (out / stale).mkdir(parents=True)
        (out / stale / "units.bin").write_bytes(b"\0" * 1000)
    (out / ".items.tmp-123.parquet").write_bytes(b"half")
    analyze([good], out, quiet=True, resume=True)
    assert not list(out.glob(".reuse-*")) and not list(out.glob(".themes-*"))
    assert not list(out.glob(".*.tmp*"))


@pytest.mark.slow
def test_working_folders_are_removed_when_a_stage_fails(good, tmp_path, monkeypatch):
    import planparse.io.write as writer

    def broken(parts, path):
        (path.parent / ".themes-x").mkdir()
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer, "join_parquet", broken)
    with pytest.raises(RuntimeError):
        analyze([good], tmp_path / "out", quiet=True)
    assert not list((tmp_path / "out").glob(".themes-*"))


# --- exit codes and outputs ------------------------------------------------------------


@pytest.mark.slow
def test_a_failed_run_exits_3_with_one_line_and_clears_the_old_outputs(good, tmp_path, capsys):
    import planparse.io.write as writer

    out = tmp_path / "out"
    assert main(["analyze", str(good), "-o", str(out), "-q"]) == 0
    capsys.readouterr()
    original = writer.join_parquet
    writer.join_parquet = lambda parts, path: (_ for _ in ()).throw(OSError(28, "No space"))
    try:
        assert main(["analyze", str(good), "-o", str(out), "-q"]) == 3
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "No space" in err and "Traceback" not in err
        assert not (out / "manifest.json").exists() and not (out / "items.parquet").exists()
        with pytest.raises(OSError, match="No space"):
            main(["analyze", str(good), "-o", str(out), "-q", "--debug"])
    finally:
        writer.join_parquet = original


@pytest.mark.parametrize(
    "content, message",
    [
        ("file\tyear\nplan0.txt\t2019\n", "plan_no"),
        ("doc_id\tplan_no\nplan0.txt\t1\nplan0.txt\t1\n", "twice"),
        ("doc_id\tplan_no\nplan0.txt\tone\n", "whole number"),
        ('doc_id,plan_no,title\nplan0.txt,1,"an open quote\n', "metadata"),
        ("year\n2019\n", "doc_id"),
    ],
)
def test_a_bad_meta_file_is_a_usage_error_before_any_work(good, tmp_path, capsys, content, message):
    meta = tmp_path / ("meta.csv" if "," in content else "meta.tsv")
    meta.write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["analyze", str(good), "-o", str(out), "--meta", str(meta), "-q"]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()


def test_usage_errors_exit_2_before_any_work(good, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["analyze", str(good), "-o", str(good), "-q"]) == 2
    assert main(["analyze", str(good), "-o", str(out), "-j", "0", "-q"]) == 2
    assert main(["tag", str(good), "--threshold", "7", "-o", str(out / "t.csv")]) == 2
    assert main(["parse", str(good), "--max-mb", "0", "-o", str(out / "p.csv")]) == 2
    assert main(["train", "--labels", str(tmp_path / "none"), "-o", str(out / "m.skops")]) == 2
    assert main(["evaluate", "--labels", str(tmp_path / "none")]) == 2
    with pytest.raises(SystemExit) as stopped:
        main(["analyze", "--no-such-option"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "must be" in err and "no such labels folder" in err
    assert not out.exists() and not (good / "chunks").exists()


@pytest.mark.slow
def test_every_output_file_is_written_through_the_atomic_helper(good, tmp_path, monkeypatch):
    log = tmp_path / "replaced.log"
    replace = os.replace

    def logged(source, target, *args, **kwargs):
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{Path(target).resolve()}\n")
        return replace(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", logged)  # forked stage processes inherit it
    out = tmp_path / "out"
    meta = planparse.sample_path() / "plans.tsv"
    table = pd.read_csv(meta, sep="\t", dtype=str)
    table["file"] = table["file"].map(
        {
            p.name: f"plan{n}.txt"
            for n, p in enumerate(sorted(planparse.sample_path().glob("*.txt"))[:GOOD])
        }
    )
    table.dropna(subset=["file"]).to_csv(tmp_path / "meta.tsv", sep="\t", index=False)
    analyze([good], out, quiet=True, meta=tmp_path / "meta.tsv")
    written = {
        str(p.resolve()) for p in out.rglob("*") if p.is_file() and not p.name.startswith(".")
    }
    assert {"report.html", "copy_paste.html", "errors.csv"} <= {Path(p).name for p in written}
    assert any("domain_shares_by_year" in p for p in written)
    assert written <= set(log.read_text("utf-8").splitlines())


@pytest.mark.slow
def test_a_run_into_an_old_output_folder_never_mixes_runs(good, tmp_path):
    out = tmp_path / "out"
    analyze([good], out, quiet=True, meta=_meta_for(good, tmp_path))
    assert (out / "themes" / "domain_shares_by_year.csv").exists()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(sorted(good.iterdir())[0], other / "only.txt")
    analyze([other], out, quiet=True, keep_work=True)
    by_file = pd.read_csv(out / "themes" / "domain_shares_by_doc_id.csv")
    assert set(by_file.doc_id) == {"only.txt"}  # no row of the earlier run's files
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert [entry["doc_id"] for entry in manifest["inputs"]] == ["only.txt"]
    assert sorted(p.name for p in (out / "chunks").iterdir()) == [
        "items-00000.json",
        "items-00000.parquet",
    ]
    assert set(pd.read_parquet(out / "items.parquet").doc_id) == {"only.txt"}
    assert (out / "notes.txt").read_text("utf-8") == "mine"


def _meta_for(good: Path, tmp_path: Path) -> Path:
    rows = [
        {"doc_id": p.name, "plan_no": "1", "year": str(2010 + n)}
        for n, p in enumerate(sorted(good.iterdir()))
    ]
    path = tmp_path / "meta.tsv"
    pd.DataFrame(rows).to_csv(path, sep="\t", index=False)
    return path


# --- decoding --------------------------------------------------------------------------

PLAN = "社区妇联工作计划\n一、加强组织建设\n（一）健全组织网络。\n二、开展维权服务\n"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(tmp_path, encoding):
    path = tmp_path / "plan.txt"
    path.write_bytes(PLAN.encode(encoding))
    source = read_source(path)
    assert (source.text, source.encoding, source.warnings) == (PLAN, encoding, ())


def test_binary_with_nul_bytes_is_still_binary(tmp_path):
    from planparse.io.errors import BinaryFileError

    path = tmp_path / "x.txt"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(BinaryFileError):
        read_source(path)


@pytest.mark.parametrize("cut", [1, 2])
def test_a_utf8_file_cut_mid_character_is_read_up_to_the_cut(tmp_path, cut):
    path = tmp_path / "plan.txt"
    data = PLAN.rstrip("\n").encode("utf-8")
    path.write_bytes(data[:-cut])
    source = read_source(path)
    assert source.text == PLAN.rstrip("\n")[:-1] and source.encoding == "utf-8"
    assert len(source.warnings) == 1 and "UTF-8 character" in source.warnings[0]


def test_pypdf_noise_goes_into_the_file_warnings(tmp_path, capfd):
    import re

    from office import make_pdf

    path = tmp_path / "plan.pdf"
    make_pdf([["一、加强组织建设", "二、开展维权服务"]], path)
    path.write_bytes(re.sub(rb"startxref\s+\d+", b"startxref\n9999", path.read_bytes()))
    source = read_source(path)
    assert source.text == "一、加强组织建设\n二、开展维权服务\n"
    assert any("startxref" in note for note in source.warnings)
    assert "startxref" not in capfd.readouterr().err


@pytest.mark.slow
def test_failures_are_listed_on_stderr_unless_quiet(good, tmp_path, capsys):
    folder = tmp_path / "in"
    shutil.copytree(good, folder)
    (folder / "empty.txt").write_bytes(b"")
    assert main(["analyze", str(folder), "-o", str(tmp_path / "out")]) == 1
    assert f"skipped {folder / 'empty.txt'}: empty file" in capsys.readouterr().err
    assert main(["analyze", str(folder), "-o", str(tmp_path / "out"), "-q"]) == 1
    assert capsys.readouterr().err == ""


def test_parse_lists_a_lossy_read_on_stderr_and_keeps_the_file(tmp_path, capsys):
    path = tmp_path / "cut.txt"
    path.write_bytes(PLAN.rstrip("\n").encode("utf-8")[:-1])
    assert main(["parse", str(path), "-o", str(tmp_path / "items.csv")]) == 0
    assert f"warning: {path}: the file ends inside a UTF-8 character" in capsys.readouterr().err
    assert pd.read_csv(tmp_path / "items.csv").text.tolist()[-1] == "开展维权服"
