"""What a run is asked to do, checked before any file is read or written: the arguments,
the model and the plan metadata table (``--meta`` or the archive's ``plans.tsv``).

Examples:
    >>> metadata_table(None, []) is None
    True
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from planparse.io.errors import UsageError
from planparse.pipeline.folder import inside
from planparse.pipeline.per_file import loaded_model

if TYPE_CHECKING:
    import pandas as pd


def check_usage(
    paths: list[str | Path],
    out: Path,
    jobs: int,
    chunk_files: int,
    engine: str,
    model: str | None,
    meta: str | Path | None,
    min_run: int | None = None,
) -> pd.DataFrame | None:
    """Raise :class:`UsageError` (or ``ModelFileError``) for anything wrong with the
    arguments; returns the metadata table.  Runs before any file is read or written.

    Examples:
        >>> check_usage([], Path("out"), 0, 64, "local", None, None)
        Traceback (most recent call last):
        ...
        planparse.io.errors.UsageError: -j/--jobs must be at least 1, not 0
    """
    if engine not in ("local", "dask"):
        raise UsageError("engine must be 'local' or 'dask'")
    if jobs < 1:
        raise UsageError(f"-j/--jobs must be at least 1, not {jobs}")
    if chunk_files < 1:
        raise UsageError(f"chunk_files must be at least 1, not {chunk_files}")
    check_min_run(min_run)
    for path in map(Path, paths):
        if path.is_dir() and inside(path, out):
            raise UsageError(
                f"the output folder {out} is the input folder {path} or holds it; choose another -o"
            )
    if out.exists() and not out.is_dir():
        raise UsageError(f"the output {out} exists and is not a folder")
    loaded_model(model)  # a ModelFileError names the file and what is wrong with it
    return metadata_table(meta, paths)


def metadata_table(meta: str | Path | None, paths: list[str | Path]) -> pd.DataFrame | None:
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


def _read_metadata(path: Path) -> pd.DataFrame:
    import pandas as pd

    try:
        return pd.read_csv(
            path, sep="\t" if path.suffix == ".tsv" else ",", dtype=str, keep_default_na=False
        )
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        detail = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise UsageError(f"{path}: cannot read the metadata table ({detail})") from None


def check_min_run(min_run: int | None) -> int | None:
    """``min_run`` checked by the copy-paste search's own settings, before any work.

    Examples:
        >>> check_min_run(25)
        25
        >>> check_min_run(5)
        Traceback (most recent call last):
        ...
        planparse.io.errors.UsageError: min_run must be above 12 (the fingerprint window) and at most min_copy (50), not 5
    """
    from planparse.reuse.detect import Settings

    try:
        return Settings(min_run=min_run).min_run
    except ValueError as exc:
        raise UsageError(str(exc)) from None
