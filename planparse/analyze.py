"""``planparse analyze``: the whole job over an archive, resumable, in N processes.

Per-file work (read, parse, tag) runs in chunks of files, in ``jobs`` processes; every chunk
is written as its own parquet file with an atomic rename, beside a record of the files it
holds and their SHA-256.  ``resume=True`` keeps every chunk whose files are unchanged, so a
crashed or interrupted run ends with exactly the rows a clean run gives.  Chunks are formed
from the sorted file list, so the output is the same for any number of processes.

Then, over the whole table: copy-paste (:func:`planparse.find_duplicates`), theme
comparison, plots, an HTML overview, ``errors.csv`` and ``manifest.json``.

Examples:
    >>> summary = analyze([planparse.sample_path()], "out", quiet=True)   # doctest: +SKIP
    >>> summary["files"], summary["failures"]                             # doctest: +SKIP
    (70, 0)
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
import os
import platform
import time
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import planparse
from planparse.read import MAX_BYTES, ReadError, iter_files

if TYPE_CHECKING:
    import pandas as pd

#: Files per chunk: the unit of parallel work, of memory and of resuming.
CHUNK_FILES = 64


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


def atomic_write(path: Path, write: Any) -> None:
    """Write through a temporary file and rename it into place: a reader never sees half."""
    temporary = path.with_name(f".{path.name}.tmp")
    write(temporary)
    os.replace(temporary, path)


@lru_cache(maxsize=4)
def _model(path: str | None) -> Any:
    from planparse.classify.persist import load_model

    return load_model(path)


def process_chunk(
    files: list[tuple[str, str]], model: str | None = None, max_bytes: int = MAX_BYTES
) -> tuple["pd.DataFrame", list[dict]]:
    """Read, parse and tag one chunk of ``(doc_id, path)``; returns rows and failures."""
    from planparse.batch import Failure, parse_file
    from planparse.classify.tagging import tag
    from planparse.schema import document_rows, frame_from_rows

    rows, failures = [], []
    for doc_id, path in files:
        try:
            rows.extend(document_rows(parse_file(path, doc_id, max_bytes)))
        except ReadError as exc:
            failures.append(asdict(Failure(doc_id, path, exc.reason, str(exc))))
    return tag(frame_from_rows(rows), _model(model)), failures


def store_chunk(
    out: Path, k: int, files: list[tuple[str, str]], hashes: dict[str, str], model: str | None
) -> int:
    """:func:`process_chunk`, written as chunk ``k`` of ``out`` by the process that made it
    (sending the rows back to be written was a serial step of every parallel run); returns
    the number of files."""
    items, failures = process_chunk(files, model)
    _Chunks(out).write(k, items, failures, hashes)
    return len(files)


def _chunks(files: list[tuple[str, Path]], size: int) -> Iterator[list[tuple[str, Path]]]:
    for start in range(0, len(files), size):
        yield files[start : start + size]


class _Chunks:
    """The chunk files of one output folder."""

    def __init__(self, out: Path) -> None:
        self.folder = out / "chunks"
        self.folder.mkdir(parents=True, exist_ok=True)

    def paths(self, k: int) -> tuple[Path, Path]:
        return self.folder / f"items-{k:05d}.parquet", self.folder / f"items-{k:05d}.json"

    def done(self, k: int, hashes: dict[str, str]) -> bool:
        data, record = self.paths(k)
        if not (data.is_file() and record.is_file()):
            return False
        return json.loads(record.read_text("utf-8")).get("hashes") == hashes

    def write(
        self, k: int, items: "pd.DataFrame", failures: list[dict], hashes: dict[str, str]
    ) -> None:
        data, record = self.paths(k)
        atomic_write(data, lambda p: items.to_parquet(p, index=False))
        atomic_write(
            record,
            lambda p: p.write_text(
                json.dumps({"hashes": hashes, "failures": failures}, ensure_ascii=False), "utf-8"
            ),
        )

    def failures(self, k: int) -> list[dict]:
        return json.loads(self.paths(k)[1].read_text("utf-8"))["failures"]


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
) -> tuple[list, list[dict], dict[str, str]]:
    """Parse and tag every file, chunk by chunk, in ``jobs`` processes or on a Dask
    ``client``; resumable.  Returns the item table's parts (see :func:`item_parts`), the
    failures and each file's SHA-256."""
    store = _Chunks(out)
    chunks = list(_chunks(files, chunk_files))
    hashes = [{doc: file_hash(path) for doc, path in chunk} for chunk in chunks]
    todo = [k for k in range(len(chunks)) if not (resume and store.done(k, hashes[k]))]
    bar = _progress(len(files), quiet, "parse + tag")
    bar.update(sum(len(chunks[k]) for k in range(len(chunks)) if k not in set(todo)))
    work = [[(doc, str(path)) for doc, path in chunks[k]] for k in todo]
    if client is not None:
        from planparse.integrations.dask_engine import map_chunks

        for k, (items, failures) in zip(todo, map_chunks(client, work, model)):
            store.write(k, items, failures, hashes[k])
            bar.update(len(chunks[k]))
    else:
        tasks = ([out, k, w, hashes[k], model] for k, w in zip(todo, work))
        if jobs > 1 and len(work) > 1:
            with ProcessPoolExecutor(jobs) as pool:
                for done in pool.map(store_chunk, *zip(*tasks)):
                    bar.update(done)
        else:
            for task in tasks:
                bar.update(store_chunk(*task))
    bar.close()
    failures: list[dict] = []
    for k in range(len(chunks)):
        failures += store.failures(k)
    parts = item_parts(store, chunks, model)
    return parts, failures, {doc: h for chunk in hashes for doc, h in chunk.items()}


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
    empty = store.folder / "items-empty.parquet"
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

    ``engine="dask"`` runs the per-file stage and the copy-paste candidate search on a Dask
    cluster: ``scheduler`` is a ``distributed.Client`` or a scheduler address.
    The per-file chunks (``OUT/chunks``, what ``resume`` reuses) are removed at the end
    unless ``keep_work``.  ``copies_once`` counts text copied between plans once in the
    themes (the copy side of each copy-paste pair is left out; see
    :func:`planparse.themes.without_copies`).
    """
    if engine not in ("local", "dask"):
        raise ValueError("engine must be 'local' or 'dask'")
    client = None
    if engine == "dask":
        from planparse.integrations.dask_engine import client_for

        client = client_for(scheduler)
    import pandas as pd

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    files = list(iter_files(paths))
    parts, failures, hashes = per_file_stage(
        files, out, jobs, resume, model, quiet, chunk_files, client
    )
    timings["parse_and_tag"] = time.perf_counter() - clock
    pd.DataFrame(failures, columns=["doc_id", "path", "reason", "message"]).to_csv(
        out / "errors.csv", index=False
    )
    failed = {failure["doc_id"] for failure in failures}
    located = {doc: str(Path(path).resolve()) for doc, path in files}
    from planparse.metadata import archive_metadata
    from planparse.overview import write_outputs
    from planparse.progress import stage

    # Year, level and issuer inferred from titles and file names; a plans.tsv overrides.
    with stage("metadata", quiet):
        plan_meta = archive_metadata([part for part, _ in parts], _metadata(meta, paths))
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
    summary.update(files=len(files), failures=len(failures), metadata=_named_counts(plan_meta))
    manifest = {
        "inputs": [{"doc_id": d, "path": p, "sha256": hashes[d]} for d, p in located.items()],
        "parameters": {
            "jobs": jobs,
            "resume": resume,
            "model": model or "shipped",
            "engine": engine,
            "meta": str(meta) if meta else None,
            "chunk_files": chunk_files,
            "copies_once": copies_once,
        },
        "versions": {"planparse": planparse.__version__, "python": platform.python_version()},
        "timings_seconds": {k: round(v, 3) for k, v in timings.items()},
        "summary": summary,
    }
    atomic_write(
        out / "manifest.json",
        lambda p: p.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8"),
    )
    if not keep_work:  # the run ended well: nothing left to resume
        import shutil

        shutil.rmtree(out / "chunks", ignore_errors=True)
    return summary


def _named_counts(plan_meta: "pd.DataFrame") -> dict[str, int]:
    """How many plans have each metadata field named (inferred or from plans.tsv)."""
    plans = plan_meta[plan_meta["plan_no"].astype(int) > 0]
    fields = [f for f in ("year", "level", "issuer_type", "region") if f in plans]
    return {"plans": len(plans), **{f: int((plans[f].fillna("") != "").sum()) for f in fields}}


def _metadata(meta: str | Path | None, paths: list[str | Path]) -> "pd.DataFrame | None":
    import pandas as pd

    candidate = Path(meta) if meta else None
    if candidate is None and len(paths) == 1 and (Path(paths[0]) / "plans.tsv").is_file():
        candidate = Path(paths[0]) / "plans.tsv"  # an archive may carry its own metadata
    if candidate is None:
        return None
    table = pd.read_csv(
        candidate, sep="\t" if candidate.suffix == ".tsv" else ",", dtype=str, keep_default_na=False
    )
    return table.rename(columns={"file": "doc_id"})
