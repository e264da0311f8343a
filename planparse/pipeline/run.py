"""``planparse analyze``: the whole job over an archive, resumable, in N processes.

The run, in the order the data flows:

1. check what was asked (:mod:`~planparse.pipeline.usage`) and take the output folder
   (:mod:`~planparse.pipeline.folder`);
2. the per-file stage (:mod:`~planparse.pipeline.per_file`): read, parse and tag every file,
   a chunk of files at a time, into the chunked item table (:mod:`~planparse.pipeline.chunks`);
3. the plans' metadata, inferred from titles and file names or read from ``plans.tsv``;
4. the archive-wide stages (:mod:`~planparse.pipeline.stages`): copy-paste, themes, changes,
   plots and the HTML overview;
5. ``errors.csv``, ``warnings.csv`` and ``manifest.json``.

One :class:`~planparse.workers.Workers` serves the whole run, so worker processes start
once; a small archive runs inline.  Chunks are formed from the sorted file list, so the
output is the same for any number of processes and on Dask.

Examples:
    >>> summary = analyze([planparse.sample_path()], "out", quiet=True)   # doctest: +SKIP
    >>> summary["files"], summary["failures"]                             # doctest: +SKIP
    (72, 0)
"""

from __future__ import annotations

import json
import platform
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import planparse
from planparse.io.write import write_csv, write_frame, write_text
from planparse.pipeline.chunks import CHUNK_FILES, Parts
from planparse.pipeline.folder import listed_files, output_folder
from planparse.pipeline.per_file import PerFileResult, per_file_stage
from planparse.pipeline.usage import check_usage
from planparse.schema import ERRORS, WARNINGS
from planparse.workers import Workers

if TYPE_CHECKING:
    import pandas as pd


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
    min_run: int | None = None,
) -> dict:
    """Run the whole analysis; writes OUT and returns the summary (also in manifest.json).

    Everything that can be checked before the per-file work is (arguments, the model, the
    metadata, the output folder): a problem there raises
    :class:`~planparse.io.errors.UsageError` (or
    :class:`~planparse.classify.persist.ModelFileError`) and nothing is written.  OUT is
    locked against a second run, cleared of an earlier run's outputs (``resume`` keeps
    the chunks whose key still matches) and left out of the input walk.

    ``engine="dask"`` runs the per-file stage and the copy-paste candidate search on a Dask
    cluster: ``scheduler`` is a ``distributed.Client`` or a scheduler address.
    The per-file chunks (``OUT/chunks``, what ``resume`` reuses) are removed at the end
    unless ``keep_work``.  ``copies_once`` counts text copied between plans once in the
    themes (the copy side of each copy-paste pair is left out; see
    :func:`planparse.themes.without_copies`).  ``min_run`` is the copy-paste search's
    guaranteed shared run (see :func:`planparse.reuse.find_duplicates`).

    Examples:
        >>> import planparse
        >>> summary = planparse.analyze([planparse.sample_path()], "out")  # doctest: +SKIP
        >>> summary["plans"], summary["failures"]  # doctest: +SKIP
        (90, 0)
    """
    out = Path(out)
    table = check_usage(paths, out, jobs, chunk_files, engine, model, meta, min_run)
    files = listed_files(paths, out)
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
        "min_run": min_run,
    }
    size = sum(_size(path) for _, path in files)
    with output_folder(out, resume), Workers(jobs, size) as workers:
        return _run(files, out, parameters, table, quiet, client, workers)


def _run(
    files: list[tuple[str, Path]],
    out: Path,
    parameters: dict,
    table: pd.DataFrame | None,
    quiet: bool,
    client: Any,
    workers: Workers,
) -> dict:
    from planparse.metadata import archive_metadata
    from planparse.progress import stage

    model = parameters["model"]
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    done = per_file_stage(
        files, out, workers, parameters["resume"], model, quiet, parameters["chunk_files"], client
    )
    timings["parse_and_tag"] = time.perf_counter() - clock
    write_csv(out / "errors.csv", done.failures, ERRORS.names)
    write_csv(out / "warnings.csv", done.warnings, WARNINGS.names)
    failed = {failure["doc_id"] for failure in done.failures}
    located = {doc: _resolved(path) for doc, path in files}
    # Year, level and issuer inferred from titles and file names; a plans.tsv overrides.
    with stage("metadata", quiet):
        plan_meta = archive_metadata([part for part, _ in done.parts], table)
    write_frame(out / "metadata.csv", plan_meta)
    known = {
        "files": len(files),
        "failures": len(done.failures),
        "metadata": _named_counts(plan_meta),
    }
    paths = {doc: path for doc, path in located.items() if doc not in failed}
    summary = archive_stages(
        out, done.parts, paths, plan_meta, timings, workers, client, parameters, known, quiet
    )
    summary.update(**known, warnings=len(done.warnings))
    _write_manifest(out, located, done, parameters, timings, summary)
    if not parameters["keep_work"]:  # the run ended well: nothing left to resume
        import shutil

        shutil.rmtree(out / "chunks", ignore_errors=True)
    return summary


def archive_stages(
    out: Path,
    parts: Parts,
    paths: dict[str, str],
    meta: pd.DataFrame | None,
    timings: dict[str, float],
    workers: Workers,
    client: Any,
    parameters: dict,
    known: dict,
    quiet: bool = True,
) -> dict:
    """items.parquet, pairs, clusters, themes, changes, plots and report.html from the
    chunks of the item table; returns the summary.  ``paths`` maps each ``doc_id`` to its
    file (copy-paste reports offsets into it).  With ``copies_once`` (the default) themes
    wait for the copy-paste pairs and count text copied between plans once
    (:func:`planparse.themes.without_copies`); the three last stages run side by side."""
    from planparse.io.write import join_parquet
    from planparse.pipeline import stages
    from planparse.progress import stage
    from planparse.report import render_page

    clock = time.perf_counter()
    with stage("copy-paste", quiet):
        reuse = stages.copy_paste_stage(
            out, parts, paths, meta, workers, client, parameters["min_run"]
        )
    with stage("themes", quiet):
        summary = stages.themes_stage(out, parts, meta, workers, parameters["copies_once"])
        join_parquet([part for part, _ in parts], out / "items.parquet")
    with stage("plots, copy_paste.html and changes", quiet):
        views = workers.submit(stages.reuse_views_stage, out, paths)
        drawn = workers.submit(stages.similarity_stage, out, parts)
        changed = workers.submit(stages.changes_stage, out, parts, meta).result()
        views_time, drawn_time = views.result()["seconds"], drawn.result()["seconds"]
    timings["changes"] = changed.pop("seconds")
    summary.update(changed)
    timings["archive_wide"] = time.perf_counter() - clock
    timings["copy_paste"] = reuse.pop("seconds") + views_time
    timings["themes_and_plots"] = summary.pop("seconds") + drawn_time
    summary.update(reuse)
    summary.update(known)  # files, failures, metadata: what the caller knows
    groupings = summary.pop("groupings")
    write_text(out / "report.html", render_page(out, summary, groupings, parts))
    return summary


def _write_manifest(
    out: Path,
    located: dict[str, str],
    done: PerFileResult,
    parameters: dict,
    timings: dict[str, float],
    summary: dict,
) -> None:
    model = parameters["model"]
    manifest = {
        "inputs": [{"doc_id": d, "path": p, "sha256": done.hashes[d]} for d, p in located.items()],
        "parameters": {**parameters, "model": model or "shipped"},
        "model": done.settings,
        "chunks": {"reused": done.reused, "made": done.made},
        "versions": {"planparse": planparse.__version__, "python": platform.python_version()},
        "timings_seconds": {k: round(v, 3) for k, v in timings.items()},
        "summary": summary,
    }
    write_text(out / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))


def _named_counts(plan_meta: pd.DataFrame) -> dict[str, int]:
    """How many plans have each metadata field named (inferred or from plans.tsv)."""
    plans = plan_meta[plan_meta["plan_no"].astype(int) > 0]
    fields = [f for f in ("year", "level", "issuer_type", "region") if f in plans]
    return {"plans": len(plans), **{f: int((plans[f].fillna("") != "").sum()) for f in fields}}


def _resolved(path: Path) -> str:
    try:
        return str(Path(path).resolve())
    except (OSError, RuntimeError):  # a link loop: reported in errors.csv, named as given
        return str(Path(path).absolute())


def _size(path: Path) -> int:
    try:
        return Path(path).stat().st_size
    except OSError:  # reported when the file is read
        return 0
