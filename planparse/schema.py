"""Every table planparse makes, declared once: the item table that flows through every stage
(:data:`COLUMNS`, then the tagger's :data:`TAG_COLUMNS`), the tables an archive run writes
(:data:`TABLES`: pairs, clusters, changes, metadata, themes, errors), and the columns of the
item table each stage reads (:data:`READS`, as named records).

Later stages add columns to the right of :data:`COLUMNS` and never change these.
``docs/schema.md`` documents the item table; its list of tables is generated from
:data:`TABLES` (``tests/test_docs.py`` checks that it is current).

Examples:
    >>> import planparse
    >>> df = planparse.parse("一、加强学习\\n", doc_id="a.txt").to_frame()
    >>> list(df.columns) == list(COLUMNS)
    True
"""

from __future__ import annotations

import json
from collections import namedtuple
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

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

# Where a row tuple holds these, for sorting rows without building a frame.
_START, _PLAN_NO = list(COLUMNS).index("start"), list(COLUMNS).index("plan_no")

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


@dataclass(frozen=True)
class Table:
    """One table planparse writes: its name, its file in an archive run's output folder, the
    docs page that explains it, and its columns with their pandas dtypes, in order."""

    name: str
    file: str
    page: str
    columns: Mapping[str, str]

    @property
    def names(self) -> list[str]:
        """The column names, in order.

        Examples:
            >>> CLUSTERS.names[:3]
            ['cluster', 'plans', 'members']
        """
        return list(self.columns)


#: The columns :func:`planparse.compare` gives each aligned pair of items.
COMPARE_COLUMNS: dict[str, str] = {
    "change": "string",
    "a_item_id": "string",
    "b_item_id": "string",
    "similarity": "float64",
    "edited": "bool",
    "edits": "object",
    "a_parent_id": "string",
    "b_parent_id": "string",
    "a_domain": "string",
    "b_domain": "string",
    "a_text": "string",
    "b_text": "string",
}

ITEMS = Table("items", "items.parquet", "schema.md", {**COLUMNS, **TAG_COLUMNS})
PAIRS = Table(
    "copy-paste pairs",
    "pairs.parquet",
    "reuse.md",
    {
        "a_doc": "string",
        "a_plan": "int64",
        "a_item": "string",
        "b_doc": "string",
        "b_plan": "int64",
        "b_item": "string",
        "unit": "string",
        "kind": "string",
        "similarity": "float64",
        "containment": "float64",
        "a_start": "int64",
        "a_end": "int64",
        "b_start": "int64",
        "b_end": "int64",
        "edits": "string",
        "boilerplate_share": "float64",
        "cluster": "int64",
        "source": "string",
    },
)
CLUSTERS = Table(
    "reuse families",
    "clusters.parquet",
    "reuse.md",
    {
        "cluster": "int64",
        "plans": "int64",
        "members": "string",
        "pairs": "int64",
        "copied_chars": "int64",
        "source": "string",
    },
)
CHANGES = Table(
    "year-over-year changes",
    "changes.parquet",
    "changes.md",
    {
        "group": "string",
        "a_doc_id": "string",
        "a_plan_no": "int64",
        "b_doc_id": "string",
        "b_plan_no": "int64",
        **COMPARE_COLUMNS,
    },
)
#: What :func:`planparse.metadata.infer_metadata` infers for each plan.
METADATA_FIELDS = ("year", "level", "issuer_type", "place")
METADATA = Table(
    "plan metadata",
    "metadata.csv",
    "cli.md",
    {
        "doc_id": "string",
        "plan_no": "int64",
        **{column: "string" for field in METADATA_FIELDS for column in (field, f"{field}_source")},
    },
)
SHARES = Table(
    "domain shares",
    "themes/domain_shares_by_<group>.csv",
    "themes.md",
    {
        "<group>": "string",
        "domain": "string",
        "n": "float64",
        "total": "float64",
        "share": "float64",
        "ci_low": "float64",
        "ci_high": "float64",
        "plans": "int64",
        "deff": "float64",
    },
)
TERMS = Table(
    "distinctive terms",
    "themes/distinctive_terms_by_<group>.csv",
    "themes.md",
    {
        "group": "string",
        "rank": "int64",
        "term": "string",
        "count": "int64",
        "log_odds": "float64",
        "z": "float64",
        "compared": "int64",
        "z_bonferroni": "float64",
    },
)
ERRORS = Table(
    "files that failed",
    "errors.csv",
    "cli.md",
    {"doc_id": "string", "path": "string", "reason": "string", "message": "string"},
)
WARNINGS = Table(
    "files read with a loss",
    "warnings.csv",
    "cli.md",
    {"doc_id": "string", "path": "string", "message": "string"},
)

#: Every table an archive run writes (``planparse analyze``), in the order the data flows.
TABLES = (ITEMS, PAIRS, CLUSTERS, CHANGES, METADATA, SHARES, TERMS, ERRORS, WARNINGS)

#: The columns of the item table each stage reads, as a named record: rows are read with
#: ``itertuples(name=...)`` and used by field name, never by position.
ReuseRow = namedtuple(
    "ReuseRow",
    ["doc_id", "plan_no", "plan_title", "item_id", "parent_id", "kind", "marker", "start", "end"],
)
ThemeRow = namedtuple("ThemeRow", ["doc_id", "plan_no", "kind", "text", "domain"])
ChangeRow = namedtuple(
    "ChangeRow", ["doc_id", "plan_no", "item_id", "parent_id", "kind", "text", "start", "domain"]
)
PlanRow = namedtuple("PlanRow", ["doc_id", "plan_no", "kind", "domain"])
READS = {"reuse": ReuseRow, "themes": ThemeRow, "changes": ChangeRow, "plans": PlanRow}


def tables_markdown() -> str:
    """The list of tables in ``docs/schema.md``, made from :data:`TABLES`.

    Examples:
        >>> tables_markdown().splitlines()[2]
        '| `items.parquet` | items | [schema.md](schema.md) | doc_id, plan_no, plan_title, item_id, parent_id, kind, depth, marker, style, number, heading, text, start, end, warnings, is_content, content_score, domain, domains, reason (+ one p_<label> per label) |'
    """
    lines = ["| file | table | explained in | columns, in order |", "|---|---|---|---|"]
    for table in TABLES:
        extra = " (+ one p_<label> per label)" if table is ITEMS else ""
        columns = ", ".join(table.names) + extra
        lines.append(
            f"| `{table.file}` | {table.name} | [{table.page}]({table.page}) | {columns} |"
        )
    return "\n".join(lines)


#: Output formats understood by :func:`write_table`.
FORMATS = ("csv", "jsonl", "parquet")

#: Columns holding lists (``domains``) are "|"-joined in CSV; JSON Lines and parquet keep lists.
LIST_SEPARATOR = "|"
#: Columns holding lists of records (a comparison's ``edits``), written to CSV as JSON: an
#: empty list as ``[]``, a missing value (no edit list at all) as an empty cell.
JSON_COLUMNS = frozenset({"edits"})


def _row(
    doc: Document,
    plan_no: int,
    title: str,
    node: Node,
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
    doc: Document, plan_no: int, title: str, nodes: list[Node]
) -> Iterator[tuple[Any, ...]]:
    for k, node in enumerate(nodes, 1):
        yield _row(doc, plan_no, title, node, f"{doc.doc_id}#{plan_no}/d{k}", "", 1)


def _plan_rows(doc: Document, plan: Plan) -> Iterator[tuple[Any, ...]]:
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


def document_rows(doc: Document) -> list[tuple[Any, ...]]:
    """The rows of one document, sorted by their start offset.

    Item ids are ``doc#plan/path``, where ``path`` is the 1-based position of the node among
    its siblings, dot-joined from the top (``a.txt#1/2.3``); debris rows are ``doc#plan/dK``.
    """
    rows = list(_debris_rows(doc, 0, "", doc.front))
    for plan in doc.plans:
        rows.extend(_debris_rows(doc, plan.number, plan.title, plan.debris))
        rows.extend(_plan_rows(doc, plan))
    rows.sort(key=lambda row: (row[_START], row[_PLAN_NO]))
    return rows


def empty_frame() -> pd.DataFrame:
    """An empty item table with the right columns and dtypes."""
    import pandas as pd

    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in COLUMNS.items()})


def frame_from_rows(rows: Iterable[tuple[Any, ...]]) -> pd.DataFrame:
    """Build the item table from row tuples in :data:`COLUMNS` order."""
    import pandas as pd

    frame = pd.DataFrame.from_records(list(rows), columns=list(COLUMNS))
    if frame.empty:
        return empty_frame()
    return frame.astype(COLUMNS)


def frame_from_documents(docs: Iterable[Document]) -> pd.DataFrame:
    """Concatenate the rows of several documents into one item table."""
    rows: list[tuple[Any, ...]] = []
    for doc in docs:
        rows.extend(document_rows(doc))
    return frame_from_rows(rows)


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """List-valued columns as "|"-joined strings for CSV; the lists of records of
    :data:`JSON_COLUMNS` (and any other list of non-strings) as JSON.

    Examples:
        >>> import pandas as pd
        >>> edits = [[], None, [{"op": "insert"}]]
        >>> rows = pd.DataFrame({"edits": edits, "tags": [["a", "b"], [], []]})
        >>> print(_flat(rows).to_csv(index=False), end="")
        edits,tags
        [],a|b
        ,
        "[{""op"": ""insert""}]",
    """
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype != object:
            continue
        if column in JSON_COLUMNS:
            out[column] = out[column].map(_json_value)
        elif out[column].map(lambda v: isinstance(v, list)).any():
            out[column] = out[column].map(_flat_value)
    return out


def _json_value(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value


def _flat_value(value: Any) -> Any:
    if not isinstance(value, list):
        return value
    if all(isinstance(v, str) for v in value):
        return LIST_SEPARATOR.join(value)
    return json.dumps(value, ensure_ascii=False)


def write_jsonl(frame: pd.DataFrame, stream: TextIO) -> None:
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


def write_table(frame: pd.DataFrame, out: str | Path | TextIO, fmt: str) -> None:
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
