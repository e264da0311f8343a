"""The output folder of a run: what ``planparse analyze`` writes there, the lock that keeps
a second run out, and the clearing of an earlier run's outputs (and nothing else).

Examples:
    >>> "items.parquet" in OUTPUT_FILES
    True
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from planparse.io.errors import UsageError
from planparse.io.read import iter_files

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


def inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies inside it."""
    path, folder = path.resolve(), folder.resolve()
    return path == folder or folder in path.parents


def listed_files(paths: list[str | Path], out: Path) -> list[tuple[str, Path]]:
    """The input files, without the output folder; a doc_id clash is a usage error."""
    try:
        return list(iter_files(paths, exclude=[out]))
    except ValueError as exc:
        raise UsageError(str(exc)) from None


@contextlib.contextmanager
def output_folder(out: Path, resume: bool) -> Iterator[None]:
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
            remove_working(out)


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
    remove_working(out)


def remove_working(out: Path) -> None:
    import shutil

    for folder in (out, out / "chunks", out / "themes", out / "plots"):
        for pattern in WORKING:
            for path in folder.glob(pattern):
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
