"""The per-file stage of a run: read, parse and tag every file, a chunk at a time, in the
run's :class:`~planparse.workers.Workers` or on a Dask cluster; resumable.

Every chunk is written as its own parquet file by the process that made it, beside a record
of its key: the SHA-256 of its files and every setting that changes its rows (the model's
SHA-256, threshold and labels, the planparse version).  ``resume`` keeps every chunk whose key
is unchanged, so an interrupted run ends with exactly the rows a clean run gives.

Examples:
    >>> import planparse
    >>> files = [(p.name, str(p)) for p in sorted(planparse.sample_path().glob("*.txt"))[:2]]
    >>> items, failures, notes = process_chunk(files)
    >>> bool(items["domain"].notna().any()), failures
    (True, [])
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import planparse
from planparse.io.errors import failure_of
from planparse.io.read import MAX_BYTES, file_hash
from planparse.parse.files import parse_chunk
from planparse.pipeline.chunks import CHUNK_FILES, ChunkStore, Parts, chunked

if TYPE_CHECKING:
    import pandas as pd

    from planparse.workers import Workers


@lru_cache(maxsize=4)
def loaded_model(path: str | None) -> Any:
    """The model at ``path`` (the shipped one for ``None``), loaded once per process."""
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

    loaded = loaded_model(model)
    if model is None:
        sha = hashlib.sha256(files("planparse.data").joinpath(SHIPPED).read_bytes()).hexdigest()
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
) -> tuple[pd.DataFrame, list[dict], list[dict]]:
    """Read, parse and tag one chunk of ``(doc_id, path)``; returns its rows, its failures
    and its files' warnings.  Whatever goes wrong with one file is that file's failure,
    never the chunk's."""
    parsed = parse_chunk(files, max_bytes)
    failures = list(parsed.failures)
    items = _tag_each(parsed.rows, dict(files), model, failures)
    return items, failures, parsed.warnings


def _tag_each(
    rows: dict[str, list], paths: dict[str, str], model: str | None, failures: list[dict]
) -> pd.DataFrame:
    """The chunk's rows tagged together; if that fails, file by file, so only the file
    whose rows cannot be tagged fails."""
    import pandas as pd

    from planparse.classify.tagging import tag
    from planparse.schema import frame_from_rows

    try:
        return tag(
            frame_from_rows([row for doc in rows.values() for row in doc]), loaded_model(model)
        )
    except Exception:  # noqa: BLE001, S110 - the file at fault is found by tagging one at a time
        pass
    tagged = []
    for doc_id, doc_rows in rows.items():
        try:
            tagged.append(tag(frame_from_rows(doc_rows), loaded_model(model)))
        except Exception as exc:
            failures.append(asdict(failure_of(doc_id, paths[doc_id], exc)))
    order = {doc: n for n, doc in enumerate(paths)}
    failures.sort(key=lambda failure: order[failure["doc_id"]])
    if not tagged:
        return tag(frame_from_rows([]), loaded_model(model))
    return pd.concat(tagged, ignore_index=True)


def store_chunk(
    out: Path, k: int, files: list[tuple[str, str]], key: dict, model: str | None
) -> int:
    """:func:`process_chunk`, written as chunk ``k`` of ``out`` by the process that made it
    (sending the rows back to be written was a serial step of every parallel run); returns
    the number of files."""
    ChunkStore(out).write(k, *process_chunk(files, model), key)
    return len(files)


@dataclass
class PerFileResult:
    """What the per-file stage leaves: the item table's :data:`~planparse.pipeline.chunks.Parts`,
    the failed files, each file's SHA-256, the chunks reused and made, the files' warnings and
    the model's settings (:func:`model_settings`, part of every chunk's key)."""

    parts: Parts
    failures: list[dict]
    hashes: dict[str, str]
    reused: list[int]
    made: list[int]
    warnings: list[dict]
    settings: dict


def per_file_stage(
    files: list[tuple[str, Path]],
    out: Path,
    workers: Workers,
    resume: bool = False,
    model: str | None = None,
    quiet: bool = False,
    chunk_files: int = CHUNK_FILES,
    client: Any = None,
) -> PerFileResult:
    """Parse and tag every file, chunk by chunk, in ``workers`` or on a Dask ``client``."""
    from planparse.progress import Progress

    store = ChunkStore(out)
    chunks = chunked(files, chunk_files)
    store.prune(len(chunks))
    hashes = [{doc: file_hash(path) for doc, path in chunk} for chunk in chunks]
    settings = model_settings(model)
    keys = [{"hashes": h, "settings": settings} for h in hashes]
    reused = [k for k in range(len(chunks)) if resume and store.done(k, keys[k])]
    todo = [k for k in range(len(chunks)) if k not in set(reused)]
    bar = Progress(len(files), "parse + tag", quiet=quiet)
    bar.update(sum(len(chunks[k]) for k in reused))
    work = [[(doc, str(path)) for doc, path in chunks[k]] for k in todo]
    if client is not None:
        from planparse.integrations.dask_engine import map_on_cluster

        for k, result in zip(todo, map_on_cluster(client, process_chunk, work, model=model)):
            store.write(k, *result, keys[k])
            bar.update(len(chunks[k]))
    else:
        done = workers.iter(
            store_chunk, [out] * len(todo), todo, work, [keys[k] for k in todo], [model] * len(todo)
        )
        for count in done:
            bar.update(count)
    bar.close()
    records = [store.record(k) for k in range(len(chunks))]
    return PerFileResult(
        parts=store.parts(chunks) or [_empty_part(store, model)],
        failures=[failure for record in records for failure in record["failures"]],
        hashes={doc: h for chunk in hashes for doc, h in chunk.items()},
        reused=reused,
        made=todo,
        warnings=[note for record in records for note in record.get("warnings", [])],
        settings=settings,
    )


def _empty_part(store: ChunkStore, model: str | None) -> tuple[str, list[str]]:
    """A typed empty item table, the one part when no chunk holds rows."""
    from planparse.classify.tagging import tag
    from planparse.io.write import atomic_write
    from planparse.schema import empty_frame

    empty = store.folder / "items-empty.parquet"  # matched by items-*.parquet: cleared
    table = tag(empty_frame(), loaded_model(model))
    atomic_write(empty, lambda p: table.to_parquet(p, index=False))
    return (str(empty), [])
