"""One schema: every table an archive run writes has exactly the columns (and, for parquet,
the dtypes) that ``planparse.schema.TABLES`` declares."""

from __future__ import annotations

import pandas as pd
import pytest

import planparse
from planparse import schema
from planparse.pipeline import analyze

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("run")
    analyze([planparse.sample_path()], folder, quiet=True)
    return folder


def _files(out, table):
    if "<group>" in table.file:
        return sorted(out.glob(table.file.replace("<group>", "*")))
    return [out / table.file]


def _expected(table, frame, path):
    names = table.names
    if "<group>" in names:  # the grouping's own name heads a themes table
        names = [path.stem.rsplit("_by_", 1)[1]] + names[1:]
    if table is schema.ITEMS:  # one probability column per label, before reason
        labels = [c for c in frame.columns if c.startswith("p_")]
        names = names[:-1] + labels + names[-1:]
    if table is schema.METADATA:  # plans.tsv's own columns follow the inferred ones
        return names, list(frame.columns[: len(names)])
    return names, list(frame.columns)


@pytest.mark.parametrize("table", schema.TABLES, ids=lambda t: t.file)
def test_every_written_table_has_the_declared_columns(out, table):
    paths = _files(out, table)
    assert paths and all(p.is_file() for p in paths), table.file
    for path in paths:
        read = pd.read_parquet if path.suffix == ".parquet" else pd.read_csv
        frame = read(path)
        expected, found = _expected(table, frame, path)
        assert found == expected, path.name


@pytest.mark.parametrize("table", [schema.PAIRS, schema.CLUSTERS, schema.CHANGES])
def test_parquet_tables_keep_the_declared_kinds_of_column(out, table):
    frame = pd.read_parquet(out / table.file)
    assert len(frame) > 0
    for column, dtype in table.columns.items():
        kind = frame[column].dtype.kind
        wanted = {"int64": "i", "float64": "f", "bool": "b"}.get(dtype)
        assert wanted is None or kind == wanted, (column, frame[column].dtype)


def test_every_stage_read_list_names_item_table_columns():
    known = set(schema.COLUMNS) | set(schema.TAG_COLUMNS)
    for name, record in schema.READS.items():
        assert set(record._fields) <= known, name
