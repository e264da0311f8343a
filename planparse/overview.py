"""The archive-wide outputs of ``planparse analyze``: copy-paste, themes, plots, overview.

It is called by :func:`planparse.analyze.analyze`, after the per-file stage has written the
item table in chunks:

Examples:
    >>> summary = write_outputs(Path("out"), parts, paths, None, {})   # doctest: +SKIP
"""

from __future__ import annotations

import functools
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from planparse.analyze import atomic_write, write_text
from planparse.reuse.clusters import plan_keys
from planparse.reuse.units import COLUMNS_READ

if TYPE_CHECKING:
    from concurrent.futures import Future

    import pandas as pd

#: Metadata columns that themes are compared by, when the archive has them.
GROUPINGS = ("issuer_type", "level", "region", "year")


def clusters_table(pairs: "pd.DataFrame") -> "pd.DataFrame":
    """One row per reuse family: its plans, pairs, copied characters and likely source."""
    import pandas as pd

    rows = []
    for cluster, group in pairs.groupby("cluster", sort=True):
        plans = sorted(set(plan_keys(group, "a")) | set(plan_keys(group, "b")))
        rows.append(
            {
                "cluster": int(cluster),
                "plans": len(plans),
                "members": "|".join(plans),
                "pairs": len(group),
                "copied_chars": int((group.a_end - group.a_start).sum()),
                "source": group.source.iloc[0],
            }
        )
    return pd.DataFrame(
        rows, columns=["cluster", "plans", "members", "pairs", "copied_chars", "source"]
    )


#: Columns of ``items.parquet`` that each archive-wide stage reads (not the whole table).
REUSE_COLUMNS = list(COLUMNS_READ)
THEME_COLUMNS = ["doc_id", "plan_no", "kind", "text", "domain"]
PLAN_COLUMNS = ["doc_id", "plan_no", "kind", "domain"]


#: The item table as written by the per-file stage: ``(parquet file, doc_ids in it)`` per
#: chunk, in order.  Stages read these a chunk at a time, or only the columns they need.
Parts = list[tuple[str, list[str]]]


def write_outputs(
    out: Path,
    parts: Parts,
    paths: dict[str, str],
    meta: "pd.DataFrame | None",
    timings: dict[str, float],
    client: object = None,
    jobs: int = 1,
    copies_once: bool = True,
    known: dict | None = None,
    quiet: bool = True,
) -> dict:
    """items.parquet, pairs, clusters, themes, plots and the HTML overview from the chunks of
    the item table; returns the summary.  ``paths`` maps each ``doc_id`` to its file
    (copy-paste reports offsets into it); ``jobs`` processes share each stage (same output
    for any number).

    Copy-paste and themes each run in a process of their own, reading only the columns they
    need (themes a chunk at a time): the whole table is never held by the calling process,
    each stage's memory is given back when it ends, and with ``jobs > 1`` they run side by
    side.  With ``copies_once`` (the default) themes wait for the copy-paste pairs and count
    text copied between plans once (:func:`planparse.themes.without_copies`).
    """
    from planparse.progress import stage

    clock = time.perf_counter()
    with _Stages(jobs) as stages:
        with stage("copy-paste", quiet):
            if client is not None:  # a Dask client cannot cross into another process
                reuse = stages.here(copy_paste_stage, out, parts, paths, meta, jobs, client)
            else:
                reuse = stages.start(copy_paste_stage, out, parts, paths, meta, jobs)
            if copies_once:
                reuse.result()  # themes need the pairs to leave the copies out
        with stage("themes", quiet):
            themes = stages.start(themes_stage, out, parts, meta, jobs, copies_once)
            write_items(parts, out / "items.parquet")
            reuse_part, summary = reuse.result(), themes.result()
        with stage("plots, copy_paste.html and changes", quiet):
            views = stages.start(reuse_views_stage, out, paths)
            drawn = stages.start(similarity_stage, out, parts)
            changed = stages.start(changes_stage, out, parts, meta)
            views_time, drawn_time = views.result()["seconds"], drawn.result()["seconds"]
            compared = changed.result()
    timings["changes"] = compared.pop("seconds")
    summary.update(compared)
    timings["archive_wide"] = time.perf_counter() - clock
    timings["copy_paste"] = reuse_part.pop("seconds") + views_time
    timings["themes_and_plots"] = summary.pop("seconds") + drawn_time
    summary.update(reuse_part)
    summary.update(known or {})  # files, failures, metadata: what the caller knows
    groupings = summary.pop("groupings")
    from planparse.report import render_page

    write_text(out / "report.html", render_page(out, summary, groupings, parts))
    return summary


def write_items(parts: Parts, path: Path) -> None:
    """Join the chunks into one parquet file, a chunk at a time (the whole table is never in
    memory), through a temporary file and a rename."""
    import pyarrow.parquet as pq

    def join(temporary: Path) -> None:
        first = pq.read_schema(parts[0][0])
        with pq.ParquetWriter(temporary, first) as writer:
            for part, _ in parts:
                writer.write_table(pq.read_table(part).cast(first))

    atomic_write(path, join)


def read_parts(parts: Parts, columns: list[str], docs: set[str] | None = None) -> "pd.DataFrame":
    """The given columns of the item table; with ``docs``, only their rows (and only the
    chunks that hold them are read)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    chosen = [p for p, held in parts if docs is None or docs.intersection(held)]
    wanted = pa.array(sorted(docs or ()), pa.string())

    def read(path: str) -> pa.Table:  # each chunk filtered as it is read: only those rows held
        table = pq.read_table(path, columns=columns)
        return table if docs is None else table.filter(pc.is_in(table["doc_id"], wanted))

    return pa.concat_tables([read(p) for p in chosen or [parts[0][0]]]).to_pandas()


class _Stages:
    """Stages, each in a process of its own (its memory is given back when it ends): side
    by side when ``jobs > 1``, one after another otherwise."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.pools: list = []

    def __enter__(self) -> "_Stages":
        return self

    def __exit__(self, *exc: object) -> None:
        for pool in self.pools:
            pool.shutdown()

    def start(self, function: Callable[..., dict], *arguments: Any) -> "Future":
        from planparse.batch import process_pool

        pool = process_pool(1)
        self.pools.append(pool)
        future = pool.submit(function, *arguments)
        if self.jobs <= 1:
            future.result()
            pool.shutdown()
        return future

    @staticmethod
    def here(function: Callable[..., dict], *arguments: Any) -> "Future":
        from concurrent.futures import Future

        future: Future = Future()
        future.set_result(function(*arguments))
        return future


def _timed(stage: Callable[..., dict]) -> Callable[..., dict]:
    """The stage, adding its own duration to what it returns (as ``seconds``)."""

    @functools.wraps(stage)
    def timed(*arguments: Any) -> dict:
        clock = time.perf_counter()
        result = stage(*arguments)
        result["seconds"] = time.perf_counter() - clock
        return result

    return timed


def _save(ax, path: Path) -> None:  # noqa: ANN001 - a matplotlib Axes or None
    import matplotlib.pyplot as plt

    if ax is not None:
        atomic_write(path, lambda p: ax.figure.savefig(p, dpi=120))
    plt.close("all")


def _csv(frame: "pd.DataFrame") -> Callable[[Path], None]:
    return lambda path: frame.to_csv(path, index=False)


@_timed
def copy_paste_stage(
    out: Path,
    parts: Parts,
    paths: dict[str, str],
    meta: "pd.DataFrame | None",
    jobs: int = 1,
    client: object = None,
) -> dict:
    """pairs.parquet and clusters.parquet; returns the summary's copy-paste part.  The
    search keeps its units on disk, in a temporary folder of ``out``, and each worker reads
    its own chunks (see :func:`planparse.reuse.find_duplicates_by_chunk`)."""
    import tempfile

    from planparse.reuse import find_duplicates_by_chunk

    dated = meta if meta is not None and "year" in meta else None
    chunks = [
        functools.partial(chunk_for_reuse, path, {d: paths[d] for d in docs if d in paths})
        for path, docs in parts
    ]
    with tempfile.TemporaryDirectory(dir=out, prefix=".reuse-") as folder:
        pairs = find_duplicates_by_chunk(
            chunks, meta=dated, n_jobs=jobs, client=client, workdir=folder
        )
    atomic_write(out / "pairs.parquet", lambda p: pairs.to_parquet(p, index=False))
    clusters = clusters_table(pairs)
    atomic_write(out / "clusters.parquet", lambda p: clusters.to_parquet(p, index=False))
    largest = clusters.sort_values(["copied_chars", "cluster"], ascending=[False, True]).head(5)
    return {
        "reuse_pairs": int(clusters.pairs.sum()) if len(clusters) else 0,
        "reuse_families": int(len(clusters)),
        "largest_families": largest[["cluster", "plans", "copied_chars", "source"]].to_dict(
            "records"
        ),
    }


def chunk_for_reuse(path: str, paths: dict[str, str]) -> tuple["pd.DataFrame", dict]:
    """One chunk's rows (the columns copy-paste reads) and its files' texts."""
    import pandas as pd

    from planparse.batch import texts_of

    items = pd.read_parquet(path, columns=REUSE_COLUMNS)
    return items, texts_of(paths, items.doc_id)


@_timed
def themes_stage(
    out: Path, parts: Parts, meta: "pd.DataFrame | None", jobs: int = 1, copies_once: bool = False
) -> dict:
    """themes/*.csv, plots/domain_shares.png and plots/domain_trend.png, from sums taken a
    chunk at a time in ``jobs`` processes; returns the summary's table part (plans, items,
    domain shares) and the groupings compared.

    Word counts never meet in one process: each chunk's are split by word into partitions
    and written to a temporary folder of ``out``; each partition is then added up and scored
    on its own, and only its best words come back (see :mod:`planparse.themes.terms`).
    """
    import contextlib
    import tempfile

    import matplotlib
    import pandas as pd

    matplotlib.use("Agg")
    from planparse import themes
    from planparse.batch import iter_in_processes

    groupings = ["doc_id"] + [g for g in GROUPINGS if meta is not None and g in meta.columns]
    words = [by for by in groupings if by != "doc_id"]  # only these need the text
    found: dict[str, list] = {by: [] for by in groupings}
    plans, spans, partitions, left_out = 0, [], _partitions(len(parts), jobs), 0
    with tempfile.TemporaryDirectory(dir=out, prefix=".themes-") as folder:
        sums = iter_in_processes(
            chunk_theme_sums,
            [path for path, _ in parts],
            _meta_by_part(meta, parts),
            [groupings] * len(parts),
            [(folder, n, partitions) for n in range(len(parts))],
            _copies_by_part(out, parts, copies_once),
            jobs=jobs,
        )
        # Closed on an error too: its workers must stop before their folder is removed.
        with contextlib.closing(sums):
            for part in sums:  # share cells are kept; word counts went to the folder
                plans += part["plans"]
                left_out += part["copies_left_out"]
                spans.append(part["spans"])
                for by in groupings:
                    found[by].append(part["cells"][by])
        scored = _terms_by_partition(spans, words, jobs)
    cells = {by: pd.concat(found[by]) for by in groupings}
    theme_dir = out / "themes"
    theme_dir.mkdir(exist_ok=True)
    for by in groupings:
        shares = themes.shares_from_cells(cells[by], by=by)
        atomic_write(theme_dir / f"domain_shares_by_{by}.csv", _csv(shares))
        if by != "doc_id":
            terms = themes.terms.best_terms([frames[by] for frames in scored])
            atomic_write(theme_dir / f"distinctive_terms_by_{by}.csv", _csv(terms))
    _theme_plots(out / "plots", cells, groupings)
    domains = cells["doc_id"][cells["doc_id"].domain != themes.GROUP_ROW]
    domains = domains.groupby("domain", sort=False)["n"].sum()
    return {
        "copies_counted_once": copies_once,
        "copied_items_left_out": left_out,
        "plans": plans,
        "items": int(domains.sum()),
        "domain_shares": (domains / domains.sum()).sort_values(ascending=False).round(4).to_dict(),
        "groupings": groupings,
    }


def _partitions(chunks: int, jobs: int) -> int:
    """How many partitions the words are split into: one per 8 chunks (a partition then
    holds about the words of 8 chunks, even if no two chunks shared a word), at least one
    per process, at most 64.  The result does not depend on it."""
    return max(1, min(64, max(jobs, -(-chunks // 8))))


def chunk_theme_sums(
    path: str,
    meta: "pd.DataFrame | None",
    groupings: list[str],
    store: tuple[str, int, int],
    copies: "pd.DataFrame | None" = None,
) -> dict:
    """One chunk's share cells for each grouping and its number of plans; its word counts
    are written to ``store`` (folder, chunk number, partitions), one pickle per partition
    in one file, and come back as ``spans``: ``(file, offset, length)`` per partition."""
    import pandas as pd

    from planparse import themes

    words = [g for g in groupings if g != "doc_id"]
    columns = [c for c in THEME_COLUMNS if words or c != "text"]
    tagged = pd.read_parquet(path, columns=columns + ["item_id"] * (copies is not None))
    rows, plans = (
        len(tagged),
        int(tagged[tagged.plan_no > 0].groupby(["doc_id", "plan_no"]).ngroups),
    )
    if copies is not None:
        tagged = themes.without_copies(tagged, copies)
    if meta is not None:
        tagged = themes.attach_metadata(tagged, meta)
    folder, number, partitions = store
    counts = themes.TermCounts.of(tagged, words, position=number << 32)
    return {
        "cells": {by: themes.domain_cells(tagged, by=by) for by in groupings},
        "spans": _write_pickles(folder, number, counts.split(partitions) if words else []),
        "plans": plans,
        "copies_left_out": rows - len(tagged),
    }


def _copies_by_part(out: Path, parts: Parts, copies_once: bool) -> list:
    """The copied units of each chunk's files (:func:`planparse.themes.copied_units`), or
    ``None`` for every chunk when copies are counted every time."""
    import pandas as pd

    from planparse import themes

    if not copies_once:
        return [None] * len(parts)
    units = themes.copied_units(pd.read_parquet(out / "pairs.parquet"))
    part_of = {doc: n for n, (_, docs) in enumerate(parts) for doc in docs}
    grouped = dict(tuple(units.groupby(units.doc_id.map(part_of), sort=False)))
    return [grouped.get(n, units.iloc[:0]) for n in range(len(parts))]


def _write_pickles(folder: str, number: int, objects: list) -> list[tuple[str, int, int]]:
    """Each object pickled, one after another in one file of ``folder``: ``(file, offset,
    length)`` each."""
    import pickle

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


def _read_pickle(span: tuple[str, int, int]) -> Any:
    import pickle

    path, offset, length = span
    with open(path, "rb") as handle:
        handle.seek(offset)
        return pickle.loads(handle.read(length))


def _terms_by_partition(spans: list[list], words: list[str], jobs: int) -> list[dict]:
    """:func:`partition_terms` of every partition, in ``jobs`` processes."""
    from planparse.batch import map_in_processes

    partitions = len(spans[0]) if spans else 0
    by_partition = [[chunk[n] for chunk in spans] for n in range(partitions)]
    return map_in_processes(partition_terms, by_partition, [words] * partitions, jobs=jobs)


def partition_terms(spans: list[tuple[str, int, int]], words: list[str]) -> dict:
    """One partition's word counts, added over the chunks in order, and its best words for
    each grouping (:func:`planparse.themes.terms.scored_terms`)."""
    from planparse import themes

    counts = themes.TermCounts()
    for span in spans:
        counts.add(_read_pickle(span))
    return {by: themes.terms.scored_terms(counts, by) for by in words}


def _meta_by_part(meta: "pd.DataFrame | None", parts: Parts) -> list:
    """The metadata rows of each chunk's files (a worker gets its own, not the archive's)."""
    if meta is None:
        return [None] * len(parts)
    part_of = {doc: n for n, (_, docs) in enumerate(parts) for doc in docs}
    grouped = dict(tuple(meta.groupby(meta.doc_id.map(part_of), sort=False)))
    return [grouped.get(n, meta.iloc[:0]) for n in range(len(parts))]


def _theme_plots(folder: Path, cells: dict, groupings: list[str]) -> None:
    from planparse import plot, themes

    by = next((g for g in groupings if g != "doc_id"), "doc_id")
    size = cells[by][cells[by].domain == themes.GROUP_ROW].groupby(by, sort=False)["n"].sum()
    largest = size.sort_values(ascending=False).index[:BAR_GROUPS]  # lying bars, one label a row
    shown = cells[by][cells[by][by].isin(largest)]
    _save(
        plot.domain_shares_bar(themes.shares_from_cells(shown, by=by), by=by),
        folder / "domain_shares.png",
    )
    if "year" in cells:
        _save(
            plot.domain_trend(themes.shares_from_cells(cells["year"], by="year")),
            folder / "domain_trend.png",
        )


@_timed
def reuse_views_stage(out: Path, paths: dict[str, str]) -> dict:
    """copy_paste.html (the largest pairs side by side) and plots/reuse.png; reads the files
    of the pairs only."""
    import matplotlib
    import pandas as pd

    matplotlib.use("Agg")
    from planparse import plot
    from planparse.batch import texts_of
    from planparse.reuse.report import render_report

    pairs = pd.read_parquet(out / "pairs.parquet")
    texts = texts_of(paths, sorted(set(pairs.a_doc) | set(pairs.b_doc)))
    write_text(out / "copy_paste.html", render_report(pairs, texts))
    if len(pairs):
        _save(plot.reuse_matrix(pairs, _largest_families(pairs)), out / "plots" / "reuse.png")
    return {}


#: Columns the year-over-year comparison reads.
CHANGE_READ = ["doc_id", "plan_no", "item_id", "parent_id", "kind", "text", "start", "domain"]


@_timed
def changes_stage(out: Path, parts: Parts, meta: "pd.DataFrame | None") -> dict:
    """changes.parquet: each plan compared with the same issuer's plan of the previous year,
    when the metadata names issuers and years and some issuer has plans in several years."""
    import pandas as pd

    from planparse import themes
    from planparse.diff import changes
    from planparse.diff.summary import plan_pairs

    if meta is None or "year" not in meta.columns:
        return {"changes": 0}
    # Years as numbers; anything else (20xx, empty) is unknown and pairs with nothing.
    meta = meta.assign(year=pd.to_numeric(meta["year"], errors="coerce"),
                       plan_no=meta["plan_no"].astype(int))
    try:
        pairs = plan_pairs(meta, "issuer", "year")
    except KeyError:  # no issuer columns: nothing to pair
        return {"changes": 0}
    if not pairs:
        return {"changes": 0}
    docs = {doc for _, a, b in pairs for doc in (a[0], b[0])}
    rows = themes.attach_metadata(read_parts(parts, CHANGE_READ, docs), meta)
    table = changes(rows, by="issuer", order="year")
    atomic_write(out / "changes.parquet", lambda p: table.to_parquet(p, index=False))
    return {"changes": len(pairs)}


@_timed
def similarity_stage(out: Path, parts: Parts) -> dict:
    """plots/similarity.png over at most HEATMAP_PLANS plans, those in reuse families first
    (a copied plan sits beside its source); reads the text of those plans only."""
    import matplotlib
    import pandas as pd

    matplotlib.use("Agg")
    from planparse import plot, themes

    pairs = pd.read_parquet(out / "pairs.parquet")
    copied = list(plan_keys(pairs, "a")) + list(plan_keys(pairs, "b"))
    chosen = set(list(dict.fromkeys(copied + _first_plans(parts, HEATMAP_PLANS)))[:HEATMAP_PLANS])
    rows = read_parts(parts, THEME_COLUMNS, {key.rsplit("#", 1)[0] for key in chosen})
    content = themes.content_rows(rows)
    content = content[_plan_key(content).isin(chosen)]
    if content.empty:  # no plan was read: nothing to compare
        return {}
    _save(
        plot.similarity_heatmap(themes.plan_similarity(content, pairs)),
        out / "plots" / "similarity.png",
    )
    return {}


def _first_plans(parts: Parts, count: int) -> list[str]:
    """The first ``count`` plans with content, as ``doc#plan``, reading only the chunks
    needed (not the whole table)."""
    from planparse import themes

    found: dict[str, None] = {}
    for path, _ in parts:
        if len(found) >= count:
            break
        rows = themes.content_rows(read_parts([(path, [])], PLAN_COLUMNS))
        found.update(dict.fromkeys(_plan_key(rows)))
    return list(found)[:count]


def _plan_key(rows: "pd.DataFrame") -> "pd.Series":
    """``doc#plan`` of each row of the item table (as :func:`plan_keys` names pairs' plans)."""
    return rows.doc_id.astype(str) + "#" + rows.plan_no.astype(str)


#: The domain-shares plot shows the largest this many groups.
BAR_GROUPS = 60
#: The similarity heatmap shows at most this many plans (the matrix is n × n).
HEATMAP_PLANS = 300


def _largest_families(pairs: "pd.DataFrame") -> list[str]:
    """Plans of the largest reuse families, family by family, at most HEATMAP_PLANS (a
    10,000-plan archive had 4,000 plans in families: an unreadable image, 7 s to draw)."""
    copied = (pairs.a_end - pairs.a_start).groupby(pairs.cluster).sum()
    rank = {c: r for r, c in enumerate(copied.sort_values(ascending=False, kind="stable").index)}
    ordered = pairs.assign(rank=pairs.cluster.map(rank)).sort_values("rank", kind="stable")
    plans = zip(plan_keys(ordered, "a"), plan_keys(ordered, "b"))
    return list(dict.fromkeys(p for pair in plans for p in pair))[:HEATMAP_PLANS]
