"""Theme counts over an archive kept in chunks, without ever holding all word counts in one
process (the chunked path of :func:`~planparse.themes.domain_shares` and
:func:`~planparse.themes.distinctive_terms`).

Each chunk of the item table gives its share cells (small: one row per group and domain) and
its word counts, split by word into partitions written to a folder; each partition is then
added up over the chunks in order and scored on its own, and only its best words come back.
Sums and scores equal those of the whole table (``tests/test_terms.py`` checks it for any
cut into chunks and partitions).

Examples:
    >>> partition_count(chunks=20, jobs=2)
    3
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planparse.schema import ThemeRow
from planparse.themes.terms import TermCounts, scored_terms

if TYPE_CHECKING:
    import pandas as pd

    from planparse.workers import Workers

#: Columns of the item table that theme counting reads (:class:`planparse.schema.ThemeRow`).
THEME_READ = list(ThemeRow._fields)

#: Where a piece of pickled counts lies: ``(file, offset, length)``.
Span = tuple[str, int, int]


def partition_count(chunks: int, jobs: int) -> int:
    """How many partitions the words are split into: one per 8 chunks (a partition then
    holds about the words of 8 chunks, even if no two chunks shared a word), at least one
    per process, at most 64.  The result does not depend on it."""
    return max(1, min(64, max(jobs, -(-chunks // 8))))


def chunk_sums(
    path: str,
    meta: pd.DataFrame | None,
    groupings: list[str],
    store: tuple[str, int, int],
    copies: pd.DataFrame | None = None,
) -> dict:
    """One chunk's share cells for each grouping and its number of plans, from its parquet
    file; its word counts are written to ``store`` (folder, chunk number, partitions), one
    pickle per partition in one file, and come back as ``spans`` (one :data:`Span` each)."""
    import pandas as pd

    from planparse import themes

    words = [g for g in groupings if g != "doc_id"]
    columns = [c for c in THEME_READ if words or c != "text"]
    tagged = pd.read_parquet(path, columns=columns + ["item_id"] * (copies is not None))
    rows = len(tagged)
    plans = int(tagged[tagged.plan_no > 0].groupby(["doc_id", "plan_no"]).ngroups)
    if copies is not None:
        tagged = themes.without_copies(tagged, copies)
    if meta is not None:
        tagged = themes.attach_metadata(tagged, meta)
    folder, number, partitions = store
    counts = TermCounts.of(tagged, words, position=number << 32)
    return {
        "cells": {by: themes.domain_cells(tagged, by=by) for by in groupings},
        "spans": write_pickles(folder, number, counts.split(partitions) if words else []),
        "plans": plans,
        "copies_left_out": rows - len(tagged),
    }


@dataclass
class ArchiveSums:
    """What :func:`count_chunks` adds up: share cells per grouping (one frame per chunk),
    plans, rows of copies left out, and each chunk's word-count spans."""

    cells: dict[str, list] = field(default_factory=dict)
    plans: int = 0
    copies_left_out: int = 0
    spans: list[list[Span]] = field(default_factory=list)

    def add(self, part: dict) -> None:
        """Fold in one chunk's :func:`chunk_sums`."""
        self.plans += part["plans"]
        self.copies_left_out += part["copies_left_out"]
        self.spans.append(part["spans"])
        for by, cells in part["cells"].items():
            self.cells.setdefault(by, []).append(cells)


def count_chunks(
    paths: list[str],
    metas: list,
    copies: list,
    groupings: list[str],
    folder: str,
    workers: Workers,
) -> tuple[ArchiveSums, list[dict]]:
    """:func:`chunk_sums` of every chunk in ``workers``, folded in as they come, then the
    best words of each partition (:func:`partition_terms`); ``metas`` and ``copies`` hold
    each chunk's metadata rows and copied units (or ``None``)."""
    partitions = partition_count(len(paths), workers.processes)
    sums = ArchiveSums()
    stores = [(folder, n, partitions) for n in range(len(paths))]
    for part in workers.iter(chunk_sums, paths, metas, [groupings] * len(paths), stores, copies):
        sums.add(part)  # share cells are kept; word counts went to the folder
    words = [by for by in groupings if by != "doc_id"]
    count = len(sums.spans[0]) if sums.spans else 0
    by_partition = [[chunk[n] for chunk in sums.spans] for n in range(count)]
    scored = workers.map(partition_terms, by_partition, [words] * count)
    return sums, scored


def partition_terms(spans: list[Span], words: list[str]) -> dict:
    """One partition's word counts, added over the chunks in order, and its best words for
    each grouping (:func:`planparse.themes.terms.scored_terms`)."""
    counts = TermCounts()
    for span in spans:
        counts.add(read_pickle(span))
    return {by: scored_terms(counts, by) for by in words}


def write_pickles(folder: str, number: int, objects: list) -> list[Span]:
    """Each object pickled, one after another in one file of ``folder``."""
    path, spans, offset = Path(folder) / f"terms-{number:05d}.pkl", [], 0
    if not objects:
        return spans
    with open(path, "wb") as handle:
        for piece in objects:
            data = pickle.dumps(piece, protocol=pickle.HIGHEST_PROTOCOL)
            handle.write(data)
            spans.append((str(path), offset, len(data)))
            offset += len(data)
    return spans


def read_pickle(span: Span) -> Any:
    """The object written at ``span`` by :func:`write_pickles` (a file of this run's own)."""
    path, offset, length = span
    with open(path, "rb") as handle:
        handle.seek(offset)
        return pickle.loads(handle.read(length))
