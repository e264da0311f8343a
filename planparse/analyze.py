"""``planparse analyze``: the whole job over an archive, resumable, in N processes.

Per-file work (read, parse, tag) runs in chunks of files, in ``jobs`` processes; every chunk
is written as its own parquet file with an atomic rename, beside a record of its key: the
SHA-256 of its files and every setting that changes its rows (the model's SHA-256, threshold
and labels, the planparse version).  ``resume=True`` keeps every chunk whose key is
unchanged, so a crashed or interrupted run ends with exactly the rows a clean run gives; the
manifest lists the chunks reused and made.  Whatever fails in one file is a row of
``errors.csv``, never the end of the run.  Chunks are formed
from the sorted file list, so the output is the same for any number of processes.

Then, over the whole table: copy-paste (:func:`planparse.find_duplicates`), theme
comparison, plots, an HTML overview, ``errors.csv`` and ``manifest.json``.

Examples:
    >>> summary = analyze([planparse.sample_path()], "out", quiet=True)   # doctest: +SKIP
    >>> summary["files"], summary["failures"]                             # doctest: +SKIP
    (70, 0)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import time
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

import planparse
from planparse.read import MAX_BYTES, iter_files

if TYPE_CHECKING:
    import pandas as pd

#: Files per chunk: the unit of parallel work, of memory and of resuming.
CHUNK_FILES = 64

#: What ``analyze`` writes into OUTDIR, and only this is ever removed from it: files by
#: name, and in the three sub-folders files by pattern.  A run first removes what an
#: earlier run left (``chunks/`` is kept for ``--resume``), the manifest first, so a folder
#: never holds the outputs of two runs.
OUTPUT_FILES = (
    "manifest.json",
    "items.parquet",
    "pairs.parquet",
    "clusters.parquet",
    "changes.parquet",
    "errors.csv",
    "warnings.csv",
    "report.html",
    "copy_paste.html",
)
OUTPUT_PATTERNS = {
    "themes": ("domain_shares_by_*.csv", "distinctive_terms_by_*.csv"),
    "plots": ("domain_shares.png", "domain_trend.png", "reuse.png", "similarity.png"),
    "chunks": ("items-*.parquet", "items-*.json"),
}
#: Working folders and half-written files: removed at the end, and when a killed run left
#: them, by the next run into the same folder.
WORKING = (".reuse-*", ".themes-*", ".*.tmp*")
LOCK = ".planparse.lock"


class UsageError(ValueError):
    """A problem with what ``analyze`` was asked to do (arguments, model, metadata, output
    folder), found before any per-file work."""


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes ("" if it cannot be read)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()


def atomic_write(path: Path, write: Callable[[Path], Any]) -> Path:
    """Write ``path`` through ``write(temporary)`` and a rename: a reader never sees half a
    file, and a failed write leaves no temporary behind.  Every output file of planparse is
    written here.  The temporary keeps the suffix (writers pick the format from it).

    Examples:
        >>> import pathlib, tempfile
        >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
        >>> atomic_write(target, lambda p: p.write_text("一")).read_text()
        '一'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.stem}.tmp-{os.getpid()}{path.suffix}")
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def write_text(path: Path, text: str) -> Path:
    """:func:`atomic_write` of UTF-8 text."""
    return atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


@lru_cache(maxsize=4)
def _model(path: str | None) -> Any:
    from planparse.classify.persist import load_model

    return load_model(path)


def model_settings(model: str | None) -> dict:
    """Everything about the model that changes the rows it tags: the file's SHA-256, its
    threshold and its labels (the taxonomy), with the planparse version that tags.

    Examples:
        >>> sorted(model_settings(None))
        ['labels', 'model_sha256', 'other', 'planparse', 'threshold']
    """
    from importlib.resources import files

    from planparse.classify.persist import SHIPPED

    loaded = _model(model)
    if model is None:
        digest = hashlib.sha256(files("planparse.data").joinpath(SHIPPED).read_bytes())
        sha = digest.hexdigest()
    else:
        sha = file_hash(Path(model))
    return {
        "model_sha256": sha,
        "threshold": float(loaded.threshold),
        "labels": [str(label) for label in loaded.classes_],
        "other": str(loaded.other_),
        "planparse": planparse.__version__,
    }


def process_chunk(
    files: list[tuple[str, str]], model: str | None = None, max_bytes: int = MAX_BYTES
) -> tuple["pd.DataFrame", list[dict], list[dict]]:
    """Read, parse and tag one chunk of ``(doc_id, path)``; returns its rows, its failures
    and its files' warnings.  Whatever goes wrong with one file (an operating-system error,
    a decoder error, a fault in parsing or tagging) is that file's failure, never the
    chunk's."""
    from planparse.batch import failure_of
    from planparse.parse import parse
    from planparse.read import read_source
    from planparse.schema import document_rows

    rows: dict[str, list] = {}
    failures: list[dict] = []
    notes: list[dict] = []
    for doc_id, path in files:
        try:
            source = read_source(path, max_bytes)
            rows[doc_id] = document_rows(parse(source.text, doc_id=doc_id))
        except Exception as exc:  # one file never stops the batch
            failures.append(asdict(failure_of(doc_id, path, exc)))
            continue
        notes += [{"doc_id": doc_id, "path": path, "message": m} for m in source.warnings]
    items = _tag_each(rows, dict(files), model, failures)
    return items, failures, notes


def _tag_each(
    rows: dict[str, list], paths: dict[str, str], model: str | None, failures: list[dict]
) -> "pd.DataFrame":
    """The chunk's rows tagged together; if that fails, file by file, so only the file
    whose rows cannot be tagged fails."""
    from planparse.batch import failure_of
    from planparse.classify.tagging import tag
    from planparse.schema import frame_from_rows

    try:
        return tag(frame_from_rows([row for doc in rows.values() for row in doc]), _model(model))
    except Exception:  # noqa: BLE001 - the file at fault is found by tagging one at a time
        import pandas as pd

    tagged = []
    for doc_id, doc_rows in rows.items():
        try:
            tagged.append(tag(frame_from_rows(doc_rows), _model(model)))
        except Exception as exc:
            failures.append(asdict(failure_of(doc_id, paths[doc_id], exc)))
    order = {doc: n for n, (doc, _) in enumerate(paths.items())}
    failures.sort(key=lambda failure: order[failure["doc_id"]])
    if not tagged:
        return tag(frame_from_rows([]), _model(model))
    return pd.concat(tagged, ignore_index=True)


def store_chunk(
    out: Path, k: int, files: list[tuple[str, str]], key: dict, model: str | None
) -> int:
    """:func:`process_chunk`, written as chunk ``k`` of ``out`` by the process that made it
    (sending the rows back to be written was a serial step of every parallel run); returns
    the number of files."""
    _Chunks(out).write(k, *process_chunk(files, model), key)
    return len(files)


def _chunks(files: list[tuple[str, Path]], size: int) -> Iterator[list[tuple[str, Path]]]:
    for start in range(0, len(files), size):
        yield files[start : start + size]


class _Chunks:
    """The chunk files of one output folder.  Each chunk's record holds the key it was made
    with (its files' SHA-256 and every setting that changes its rows); a chunk is reused only
    for the same key."""

    def __init__(self, out: Path) -> None:
        self.folder = out / "chunks"
        self.folder.mkdir(parents=True, exist_ok=True)

    def paths(self, k: int) -> tuple[Path, Path]:
        return self.folder / f"items-{k:05d}.parquet", self.folder / f"items-{k:05d}.json"

    def done(self, k: int, key: dict) -> bool:
        data, record = self.paths(k)
        if not (data.is_file() and record.is_file()):
            return False
        try:
            return json.loads(record.read_text("utf-8")).get("key") == key
        except (OSError, ValueError):  # a damaged record: the chunk is made again
            return False

    def write(
        self,
        k: int,
        items: "pd.DataFrame",
        failures: list[dict],
        notes: list[dict],
        key: dict,
    ) -> None:
        data, record = self.paths(k)
        atomic_write(data, lambda p: items.to_parquet(p, index=False))
        held = {"key": key, "failures": failures, "warnings": notes}
        write_text(record, json.dumps(held, ensure_ascii=False))

    def record(self, k: int) -> dict:
        return json.loads(self.paths(k)[1].read_text("utf-8"))

    def prune(self, count: int) -> None:
        """Remove the chunks numbered ``count`` and up, left by a run of more files."""
        for path in self.folder.glob("items-[0-9]*.*"):
            if int(path.name[6:11]) >= count:
                path.unlink(missing_ok=True)


def _progress(total: int, quiet: bool, label: str) -> Any:
    """tqdm on a terminal, a status line every few seconds otherwise (a log shows progress)."""
    from planparse.progress import Progress

    return Progress(total, label, quiet=quiet)


def per_file_stage(
    files: list[tuple[str, Path]],
    out: Path,
    jobs: int = 1,
    resume: bool = False,
    model: str | None = None,
    quiet: bool = False,
    chunk_files: int = CHUNK_FILES,
    client: Any = None,
) -> tuple[list, list[dict], dict[str, str], dict]:
    """Parse and tag every file, chunk by chunk, in ``jobs`` processes or on a Dask
    ``client``; resumable.  Returns the item table's parts (see :func:`item_parts`), the
    failures, each file's SHA-256, and what was reused (chunks, warnings)."""
    store = _Chunks(out)
    chunks = list(_chunks(files, chunk_files))
    store.prune(len(chunks))
    hashes = [{doc: file_hash(path) for doc, path in chunk} for chunk in chunks]
    settings = model_settings(model)
    keys = [{"hashes": h, "settings": settings} for h in hashes]
    reused = [k for k in range(len(chunks)) if resume and store.done(k, keys[k])]
    todo = [k for k in range(len(chunks)) if k not in set(reused)]
    bar = _progress(len(files), quiet, "parse + tag")
    bar.update(sum(len(chunks[k]) for k in reused))
    work = [[(doc, str(path)) for doc, path in chunks[k]] for k in todo]
    if client is not None:
        from planparse.integrations.dask_engine import map_chunks

        for k, result in zip(todo, map_chunks(client, work, model)):
            store.write(k, *result, keys[k])
            bar.update(len(chunks[k]))
    else:
        _run_chunks([(out, k, w, keys[k], model) for k, w in zip(todo, work)], jobs, bar)
    bar.close()
    records = [store.record(k) for k in range(len(chunks))]
    failures = [failure for record in records for failure in record["failures"]]
    notes = [note for record in records for note in record.get("warnings", [])]
    parts = item_parts(store, chunks, model)
    resumed = {"reused_chunks": reused, "made_chunks": todo, "warnings": notes}
    return parts, failures, {doc: h for chunk in hashes for doc, h in chunk.items()}, resumed


def _run_chunks(tasks: list[tuple], jobs: int, bar: Any) -> None:
    """:func:`store_chunk` of every task, in ``jobs`` processes that end with this one."""
    if jobs > 1 and len(tasks) > 1:
        from planparse.batch import process_pool

        with process_pool(jobs) as pool:
            for done in pool.map(store_chunk, *zip(*tasks)):
                bar.update(done)
    else:
        for task in tasks:
            bar.update(store_chunk(*task))


def item_parts(store: "_Chunks", chunks: list, model: str | None = None) -> list:
    """The chunks that hold rows, as ``(parquet file, doc_ids)`` in order (a chunk of failed
    files has no typed columns); when none does, a typed empty table is the one part."""
    import pyarrow.parquet as pq

    parts = [
        (str(store.paths(k)[0]), [doc for doc, _ in chunk])
        for k, chunk in enumerate(chunks)
        if pq.read_metadata(store.paths(k)[0]).num_rows
    ]
    if parts:
        return parts
    empty = store.folder / "items-empty.parquet"  # matched by items-*.parquet: cleared
    atomic_write(
        empty, lambda p: planparse.tag(_empty_items(), _model(model)).to_parquet(p, index=False)
    )
    return [(str(empty), [])]


def _empty_items() -> "pd.DataFrame":
    from planparse.schema import empty_frame

    return empty_frame()


def analyze(
    paths: list[str | Path],
    out: str | Path,
    jobs: int = 1,
    resume: bool = False,
    model: str | None = None,
    meta: str | Path | None = None,
    quiet: bool = False,
    chunk_files: int = CHUNK_FILES,
    engine: str = "local",
    scheduler: Any = None,
    copies_once: bool = True,
    keep_work: bool = False,
) -> dict:
    """Run the whole analysis; writes OUT and returns the summary (also in manifest.json).

    Everything that can be checked before the per-file work is (arguments, the model, the
    metadata, the output folder): a problem there raises :class:`UsageError` (or
    :class:`~planparse.classify.persist.ModelFileError`) and nothing is written.  OUT is
    locked against a second run, cleared of an earlier run's outputs (``--resume`` keeps
    the chunks whose key still matches) and left out of the input walk.

    ``engine="dask"`` runs the per-file stage and the copy-paste candidate search on a Dask
    cluster: ``scheduler`` is a ``distributed.Client`` or a scheduler address.
    The per-file chunks (``OUT/chunks``, what ``resume`` reuses) are removed at the end
    unless ``keep_work``.  ``copies_once`` counts text copied between plans once in the
    themes (the copy side of each copy-paste pair is left out; see
    :func:`planparse.themes.without_copies`).
    """
    out = Path(out)
    table = check_usage(paths, out, jobs, chunk_files, engine, model, meta)
    files = _listed(paths, out)
    client = None
    if engine == "dask":
        from planparse.integrations.dask_engine import client_for

        client = client_for(scheduler)
    parameters = {
        "jobs": jobs,
        "resume": resume,
        "model": model,
        "engine": engine,
        "meta": str(meta) if meta else None,
        "chunk_files": chunk_files,
        "copies_once": copies_once,
        "keep_work": keep_work,
    }
    with _output_folder(out, resume):
        return _run(files, out, parameters, table, quiet, client)


def _run(
    files: list[tuple[str, Path]],
    out: Path,
    parameters: dict,
    table: "pd.DataFrame | None",
    quiet: bool,
    client: Any,
) -> dict:
    jobs, model, copies_once = parameters["jobs"], parameters["model"], parameters["copies_once"]
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    parts, failures, hashes, resumed = per_file_stage(
        files, out, jobs, parameters["resume"], model, quiet, parameters["chunk_files"], client
    )
    timings["parse_and_tag"] = time.perf_counter() - clock
    _write_csv(out / "errors.csv", failures, ["doc_id", "path", "reason", "message"])
    _write_csv(out / "warnings.csv", resumed["warnings"], ["doc_id", "path", "message"])
    failed = {failure["doc_id"] for failure in failures}
    located = {doc: _resolved(path) for doc, path in files}
    from planparse.metadata import archive_metadata
    from planparse.overview import write_outputs
    from planparse.progress import stage

    # Year, level and issuer inferred from titles and file names; a plans.tsv overrides.
    with stage("metadata", quiet):
        plan_meta = archive_metadata([part for part, _ in parts], table)
    atomic_write(out / "metadata.csv", lambda p: plan_meta.to_csv(p, index=False))
    summary = write_outputs(
        out,
        parts,
        {doc: path for doc, path in located.items() if doc not in failed},
        plan_meta,
        timings,
        client,
        jobs,
        copies_once,
        {"files": len(files), "failures": len(failures), "metadata": _named_counts(plan_meta)},
        quiet,
    )
    summary.update(
        files=len(files),
        failures=len(failures),
        warnings=len(resumed["warnings"]),
        metadata=_named_counts(plan_meta),
    )
    manifest = {
        "inputs": [{"doc_id": d, "path": p, "sha256": hashes[d]} for d, p in located.items()],
        "parameters": {**parameters, "model": model or "shipped"},
        "model": model_settings(model),
        "chunks": {
            "reused": resumed["reused_chunks"],
            "made": resumed["made_chunks"],
        },
        "versions": {"planparse": planparse.__version__, "python": platform.python_version()},
        "timings_seconds": {k: round(v, 3) for k, v in timings.items()},
        "summary": summary,
    }
    write_text(out / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    if not parameters["keep_work"]:  # the run ended well: nothing left to resume
        import shutil

        shutil.rmtree(out / "chunks", ignore_errors=True)
    return summary


def _named_counts(plan_meta: "pd.DataFrame") -> dict[str, int]:
    """How many plans have each metadata field named (inferred or from plans.tsv)."""
    plans = plan_meta[plan_meta["plan_no"].astype(int) > 0]
    fields = [f for f in ("year", "level", "issuer_type", "region") if f in plans]
    return {"plans": len(plans), **{f: int((plans[f].fillna("") != "").sum()) for f in fields}}


def _resolved(path: Path) -> str:
    try:
        return str(Path(path).resolve())
    except (OSError, RuntimeError):  # a link loop: reported in errors.csv, named as given
        return str(Path(path).absolute())


def _write_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    import pandas as pd

    frame = pd.DataFrame(rows, columns=columns)
    atomic_write(path, lambda p: frame.to_csv(p, index=False))


def check_usage(
    paths: list[str | Path],
    out: Path,
    jobs: int,
    chunk_files: int,
    engine: str,
    model: str | None,
    meta: str | Path | None,
) -> "pd.DataFrame | None":
    """Raise :class:`UsageError` (or ``ModelFileError``) for anything wrong with the
    arguments; returns the metadata table.  Runs before any file is read or written.

    Examples:
        >>> check_usage([], Path("out"), 0, 64, "local", None, None)
        Traceback (most recent call last):
        ...
        planparse.analyze.UsageError: -j/--jobs must be at least 1, not 0
    """
    if engine not in ("local", "dask"):
        raise UsageError("engine must be 'local' or 'dask'")
    if jobs < 1:
        raise UsageError(f"-j/--jobs must be at least 1, not {jobs}")
    if chunk_files < 1:
        raise UsageError(f"chunk_files must be at least 1, not {chunk_files}")
    for path in map(Path, paths):
        if path.is_dir() and _inside(path, out):
            raise UsageError(
                f"the output folder {out} is the input folder {path} or holds it; choose another -o"
            )
    if out.exists() and not out.is_dir():
        raise UsageError(f"the output {out} exists and is not a folder")
    _model(model)  # a ModelFileError names the file and what is wrong with it
    return metadata_table(meta, paths)


def _inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies inside it."""
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def _listed(paths: list[str | Path], out: Path) -> list[tuple[str, Path]]:
    """The input files, without the output folder; a doc_id clash is a usage error."""
    try:
        return list(iter_files(paths, exclude=[out]))
    except ValueError as exc:
        raise UsageError(str(exc)) from None


@contextlib.contextmanager
def _output_folder(out: Path, resume: bool) -> Iterator[None]:
    """OUT, locked for this run and cleared of earlier runs' outputs (and of what a killed
    run left); the working folders are removed again when the run ends, however it ends."""
    out.mkdir(parents=True, exist_ok=True)
    with open(out / LOCK, "w") as lock:
        try:
            import fcntl

            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # not POSIX: no lock
            pass
        except OSError:
            raise UsageError(f"another planparse run is writing to {out}") from None
        clear_outputs(out, keep_chunks=resume)
        try:
            yield
        finally:
            _remove_working(out)


def clear_outputs(out: Path, keep_chunks: bool = False) -> None:
    """Remove what planparse wrote into ``out`` (see :data:`OUTPUT_FILES`), the manifest
    first; nothing else in the folder is touched.

    Examples:
        >>> import pathlib, tempfile
        >>> out = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (out / "manifest.json").write_text("{}"); _ = (out / "notes.txt").write_text("")
        >>> clear_outputs(out); sorted(p.name for p in out.iterdir())
        ['notes.txt']
    """
    for name in OUTPUT_FILES:
        (out / name).unlink(missing_ok=True)
    for folder, patterns in OUTPUT_PATTERNS.items():
        if folder == "chunks" and keep_chunks:
            continue
        for pattern in patterns:
            for path in (out / folder).glob(pattern):
                path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # left when it holds files of the user's
            (out / folder).rmdir()
    _remove_working(out)


def _remove_working(out: Path) -> None:
    import shutil

    for folder in (out, out / "chunks", out / "themes", out / "plots"):
        for pattern in WORKING:
            for path in folder.glob(pattern):
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)


def metadata_table(meta: str | Path | None, paths: list[str | Path]) -> "pd.DataFrame | None":
    """The plan metadata table (``--meta``, else PATH/plans.tsv of a single folder), checked:
    a ``doc_id`` or ``file`` column (named ``doc_id`` in the result) and whole-number
    ``plan_no``, each plan once; else :class:`UsageError`.

    Examples:
        >>> metadata_table(None, []) is None
        True
    """
    candidate = Path(meta) if meta else None
    if candidate is None and len(paths) == 1 and (Path(paths[0]) / "plans.tsv").is_file():
        candidate = Path(paths[0]) / "plans.tsv"  # an archive may carry its own metadata
    if candidate is None:
        return None
    table = _read_metadata(candidate).rename(columns={"file": "doc_id"})
    if "doc_id" not in table:
        raise UsageError(f"{candidate}: metadata needs a doc_id (or file) column")
    if "plan_no" not in table:
        raise UsageError(f"{candidate}: metadata needs a plan_no column (1 for a one-plan file)")
    bad = table[~table.plan_no.str.fullmatch(r"\s*\d+\s*")]
    if len(bad):
        raise UsageError(
            f"{candidate}: plan_no must be a whole number; row {bad.index[0] + 2} "
            f"has {bad.plan_no.iloc[0]!r}"
        )
    if table.duplicated(["doc_id", "plan_no"]).any():
        first = table[table.duplicated(["doc_id", "plan_no"])].iloc[0]
        raise UsageError(f"{candidate}: plan {first.doc_id}#{first.plan_no} is listed twice")
    return table


def _read_metadata(path: Path) -> "pd.DataFrame":
    import pandas as pd

    try:
        return pd.read_csv(
            path, sep="\t" if path.suffix == ".tsv" else ",", dtype=str, keep_default_na=False
        )
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        detail = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise UsageError(f"{path}: cannot read the metadata table ({detail})") from None
