"""The item table: one schema for every stage of planparse.

Every stage reads and writes this table; later stages add columns to the right of
:data:`COLUMNS` and never change these.  The layout is documented in ``docs/schema.md``.

Examples:
    >>> import planparse
    >>> df = planparse.parse("一、加强学习\\n", doc_id="a.txt").to_frame()
    >>> list(df.columns) == list(COLUMNS)
    True
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, TextIO

if TYPE_CHECKING:
    import pandas as pd

    from planparse.tree import Document, Node, Plan

#: Column name -> pandas dtype, in table order.
COLUMNS: dict[str, str] = {
    "doc_id": "string",
    "plan_no": "int64",
    "plan_title": "string",
    "item_id": "string",
    "parent_id": "string",
    "kind": "string",
    "depth": "int64",
    "marker": "string",
    "style": "string",
    "number": "Int64",
    "heading": "string",
    "text": "string",
    "start": "int64",
    "end": "int64",
    "warnings": "string",
}

#: Columns that :func:`planparse.tag` adds to the right of :data:`COLUMNS`, with one
#: ``p_<label>`` column per label of the model's taxonomy between ``domains`` and ``reason``.
#: ``is_content`` is False for debris and for rows the content gate reads as no item
#: (greetings, dates, signatures, bare headings); ``domain`` is then missing (``<NA>``).
TAG_COLUMNS: dict[str, str] = {
    "is_content": "bool",
    "content_score": "float64",
    "domain": "string",
    "domains": "object",
    "reason": "string",
}

#: Output formats understood by :func:`write_table`.
FORMATS = ("csv", "jsonl", "parquet")

#: Columns holding lists (``domains``) are "|"-joined in CSV; JSON Lines and parquet keep lists.
LIST_SEPARATOR = "|"


def _row(
    doc: "Document",
    plan_no: int,
    title: str,
    node: "Node",
    item_id: str,
    parent_id: str,
    depth: int,
) -> tuple[Any, ...]:
    return (
        doc.doc_id,
        plan_no,
        title,
        item_id,
        parent_id,
        node.kind,
        depth,
        node.marker,
        node.style,
        node.number,
        node.heading,
        node.text,
        node.start,
        node.end,
        "; ".join(node.warnings),
    )


def _debris_rows(
    doc: "Document", plan_no: int, title: str, nodes: list["Node"]
) -> Iterator[tuple[Any, ...]]:
    for k, node in enumerate(nodes, 1):
        yield _row(doc, plan_no, title, node, f"{doc.doc_id}#{plan_no}/d{k}", "", 1)


def _plan_rows(doc: "Document", plan: "Plan") -> Iterator[tuple[Any, ...]]:
    prefix = f"{doc.doc_id}#{plan.number}/"
    stack = [(child, 1, "", str(i)) for i, child in reversed(list(enumerate(plan.nodes, 1)))]
    while stack:
        node, depth, parent_id, path = stack.pop()
        item_id = prefix + path
        yield _row(doc, plan.number, plan.title, node, item_id, parent_id, depth)
        stack.extend(
            (child, depth + 1, item_id, f"{path}.{i}")
            for i, child in reversed(list(enumerate(node.children, 1)))
        )


def document_rows(doc: "Document") -> list[tuple[Any, ...]]:
    """The rows of one document, sorted by their start offset.

    Item ids are ``doc#plan/path``, where ``path`` is the 1-based position of the node among
    its siblings, dot-joined from the top (``a.txt#1/2.3``); debris rows are ``doc#plan/dK``.
    """
    rows = list(_debris_rows(doc, 0, "", doc.front))
    for plan in doc.plans:
        rows.extend(_debris_rows(doc, plan.number, plan.title, plan.debris))
        rows.extend(_plan_rows(doc, plan))
    rows.sort(key=lambda row: (row[12], row[1]))
    return rows


def empty_frame() -> "pd.DataFrame":
    """An empty item table with the right columns and dtypes."""
    import pandas as pd

    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in COLUMNS.items()})


def frame_from_rows(rows: Iterable[tuple[Any, ...]]) -> "pd.DataFrame":
    """Build the item table from row tuples in :data:`COLUMNS` order."""
    import pandas as pd

    frame = pd.DataFrame.from_records(list(rows), columns=list(COLUMNS))
    if frame.empty:
        return empty_frame()
    return frame.astype(COLUMNS)


def frame_from_documents(docs: Iterable["Document"]) -> "pd.DataFrame":
    """Concatenate the rows of several documents into one item table."""
    rows: list[tuple[Any, ...]] = []
    for doc in docs:
        rows.extend(document_rows(doc))
    return frame_from_rows(rows)


def _flat(frame: "pd.DataFrame") -> "pd.DataFrame":
    """List-valued columns as "|"-joined strings, for CSV."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object and out[column].map(lambda v: isinstance(v, list)).any():
            out[column] = out[column].map(
                lambda v: LIST_SEPARATOR.join(v) if isinstance(v, list) else v
            )
    return out


def write_jsonl(frame: "pd.DataFrame", stream: TextIO) -> None:
    """Write one JSON object per row, keeping Chinese readable (no ``\\u`` escapes)."""
    import pandas as pd

    def plain(value: Any) -> Any:
        if isinstance(value, (list, str)):
            return value
        if value is None or pd.isna(value):
            return None
        return value.item() if hasattr(value, "item") else value

    columns = list(frame.columns)
    for values in frame.itertuples(index=False, name=None):
        record = {c: plain(v) for c, v in zip(columns, values)}
        stream.write(json.dumps(record, ensure_ascii=False))
        stream.write("\n")


def write_table(frame: "pd.DataFrame", out: str | Path | TextIO, fmt: str) -> None:
    """Write the table as ``csv``, ``jsonl`` or ``parquet`` to a path or a text stream.

    Examples:
        >>> import io, planparse
        >>> buf = io.StringIO()
        >>> write_table(planparse.parse("一、学习\\n", doc_id="a").to_frame(), buf, "csv")
        >>> buf.getvalue().splitlines()[0].split(",")[:3]
        ['doc_id', 'plan_no', 'plan_title']
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        if not isinstance(out, (str, Path)):
            raise ValueError("parquet needs a file: give -o OUT.parquet")
        frame.to_parquet(out, index=False)  # list columns stay lists
        return
    if isinstance(out, (str, Path)):
        with open(out, "w", encoding="utf-8", newline="") as stream:
            write_table(frame, stream, fmt)
        return
    if fmt == "csv":
        _flat(frame).to_csv(out, index=False, lineterminator="\n")
    else:
        write_jsonl(frame, out)


def format_for(path: str | Path | None, default: str = "csv") -> str:
    """The output format implied by a file name's suffix (``.csv``, ``.jsonl``, ``.parquet``)."""
    if path is None:
        return default
    suffix = Path(path).suffix.lower().lstrip(".")
    return (
        {"json": "jsonl", "ndjson": "jsonl", "pq": "parquet"}.get(suffix, suffix)
        if suffix in FORMATS + ("json", "ndjson", "pq")
        else default
    )
