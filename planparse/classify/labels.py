"""Labeled items for training and evaluation, from a labels folder.

A labels folder holds TSV or CSV files.  A file with ``text`` and ``labels`` columns is read
as it is (the simplest way to bring your own labels).  A file that stores items *by
reference*, as spans of documents, is described in the folder's ``sources.toml``::

    [[source]]
    file = "sample.tsv"        # the label file
    name = "sample"            # a name for reports
    root = "../sample"         # where the referenced documents are, relative to this folder
    path_column = "file"       # the column naming the document
    group_columns = ["file", "plan_id"]   # items of one group never straddle CV folds
    optional = false           # true: skip with a warning when the root is missing
    by_hash = false            # true: documents named "folder/<first 16 hex of SHA-256>"

``labels`` are "|"-joined, primary first.  Each referenced document is parsed; a span that
starts where the parser puts a node is read the way :func:`planparse.tag` reads that node.

Examples:
    >>> frame = load_labels("corpus/labels")          # doctest: +SKIP
    >>> frame.columns.tolist()                         # doctest: +SKIP
    ['text', 'labels', 'group', 'source', 'confidence']
"""

from __future__ import annotations

import hashlib
import tomllib
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from planparse.normalize import SPACES

if TYPE_CHECKING:
    import pandas as pd


#: The columns of :func:`load_labels`' table.
COLUMNS = ["text", "labels", "group", "source", "confidence"]


def _read_table(path: Path) -> pd.DataFrame:
    import pandas as pd

    sep = "\t" if path.suffix.lower() in (".tsv", ".tab") else ","
    return pd.read_csv(
        path, sep=sep, dtype=str, keep_default_na=False, quoting=3 if sep == "\t" else 0
    )


def locate_by_digest(root: Path, names: set[str]) -> dict[str, Path]:
    """The files that ``folder/<digest>`` names stand for: each named folder's files by the
    first 16 hex digits of their SHA-256."""
    found: dict[str, Path] = {}
    for folder in sorted({name.partition("/")[0] for name in names}):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file():
                digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
                found[f"{folder}/{digest}"] = path
    missing = sorted(names - set(found))
    if missing:
        raise FileNotFoundError(f"no file under {root} has the SHA-256 of {missing[0]}")
    return found


def _span_texts(
    root: Path, table: pd.DataFrame, path_column: str, by_hash: bool = False
) -> list[str]:
    """The classifier's reading of each referenced span."""
    import planparse
    from planparse.classify.features import plain
    from planparse.classify.tagging import context_texts
    from planparse.parse.markers import match_marker

    names = set(table[path_column])
    located = locate_by_digest(root, names) if by_hash else {name: root / name for name in names}
    out: list[str] = []
    cache: dict[str, tuple[str, dict[int, str]]] = {}
    for name, start, end in zip(table[path_column], table["start"], table["end"]):
        if name not in cache:
            text = planparse.read_text(located[name])
            items = planparse.parse(text, doc_id=name).to_frame()
            items = items[items.kind != "debris"]
            cache[name] = (text, dict(zip(items.start.tolist(), context_texts(items))))
        text, nodes = cache[name]
        start, end = int(start), int(end)
        if start in nodes:
            out.append(nodes[start])
            continue
        span = "".join(line.strip(SPACES) for line in text[start:end].splitlines())
        marker = match_marker(span)
        out.append(plain(span[marker.skip :] if marker else span))
    return out


def load_labels(folder: str | Path, sources: list[str] | None = None) -> pd.DataFrame:
    """All labeled items of a folder: ``text``, ``labels`` (list), ``group``, ``source``,
    ``confidence``.  A span that is no item of any domain carries the taxonomy's
    not-content label (``["非内容"]``).

    ``sources`` keeps only the named sources (for example ``["sample"]``).
    """
    import pandas as pd

    folder = Path(folder)
    described = described_sources(folder)
    frames = []
    for path in sorted(folder.glob("*.[tc]sv")):
        spec = described.get(path.name)
        if spec is None:
            frame = _plain(path)
        else:
            frame = _by_reference(folder, path, spec)
        if frame is not None and (sources is None or frame["source"].iloc[0] in sources):
            frames.append(frame)
    if not frames:
        raise ValueError(f"no labeled items found in {folder}")
    result = pd.concat(frames, ignore_index=True)
    result["labels"] = result["labels"].map(lambda v: v.split("|"))
    return result


def described_sources(folder: str | Path) -> dict[str, dict]:
    """The entries of a labels folder's ``sources.toml``, by label file name."""
    spec = Path(folder) / "sources.toml"
    if not spec.is_file():
        return {}
    with spec.open("rb") as stream:
        return {entry["file"]: entry for entry in tomllib.load(stream).get("source", [])}


def _plain(path: Path) -> pd.DataFrame | None:
    table = _read_table(path)
    if not {"text", "labels"} <= set(table.columns):
        return None  # not a label file (for example agreement.tsv)
    table = table[table["labels"].str.strip() != ""]  # a proposal not labeled yet
    group = table["group"] if "group" in table.columns else table.index.astype(str)
    return _with_confidence(table).assign(group=path.stem + ":" + group, source=path.stem)[COLUMNS]


def _by_reference(folder: Path, path: Path, spec: dict) -> pd.DataFrame | None:
    root = (folder / spec["root"]).resolve()
    if not root.is_dir():
        if spec.get("optional"):
            warnings.warn(
                f"labels {path.name}: documents not found at {root}; skipped", stacklevel=3
            )
            return None
        raise FileNotFoundError(f"labels {path.name}: documents not found at {root}")
    table = _read_table(path)
    groups = table[spec["group_columns"]].agg(":".join, axis=1)
    return _with_confidence(table).assign(
        text=_span_texts(root, table, spec["path_column"], spec.get("by_hash", False)),
        group=spec["name"] + ":" + groups,
        source=spec["name"],
    )[COLUMNS]


def _with_confidence(table: pd.DataFrame) -> pd.DataFrame:
    """The annotator's confidence of each label (``clear`` or ``unsure``; ``clear`` when the
    file does not say)."""
    if "confidence" not in table.columns:
        return table.assign(confidence="clear")
    return table.assign(confidence=table["confidence"].replace("", "clear"))


def data_hash(frame: pd.DataFrame) -> str:
    """SHA-256 of the texts and labels, in order: the identity of a training set."""
    digest = hashlib.sha256()
    for text, labels in zip(frame["text"], frame["labels"]):
        digest.update(text.encode("utf-8") + b"\t" + "|".join(labels).encode("utf-8") + b"\n")
    return digest.hexdigest()
