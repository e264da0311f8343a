"""The archive-wide stages of a run, each reading the chunked item table
(:mod:`planparse.pipeline.chunks`) only as far as it needs:

* :func:`copy_paste_stage`: pairs.parquet and clusters.parquet;
* :func:`themes_stage`: themes/*.csv and the domain plots;
* :func:`changes_stage`: changes.parquet (each plan beside its issuer's previous year);
* :func:`reuse_views_stage` and :func:`similarity_stage`: copy_paste.html and the reuse and
  similarity plots.

Each returns its part of the run's summary, with its duration as ``seconds``.

Examples:
    >>> summary = copy_paste_stage(Path("out"), parts, paths, None, workers)   # doctest: +SKIP
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planparse.io.write import atomic_write, write_frame, write_text
from planparse.pipeline.chunks import Parts, by_part, read_parts
from planparse.reuse.clusters import clusters_table, plan_keys
from planparse.schema import ChangeRow, PlanRow

if TYPE_CHECKING:
    import pandas as pd

    from planparse.workers import Workers

#: Metadata columns that themes are compared by, when the archive has them.
GROUPINGS = ("issuer_type", "level", "region", "year")
#: The domain-shares plot shows the largest this many groups.
BAR_GROUPS = 60
#: The similarity heatmap shows at most this many plans (the matrix is n × n).
HEATMAP_PLANS = 300


def _timed(stage: Callable[..., dict]) -> Callable[..., dict]:
    """The stage, adding its own duration to what it returns (as ``seconds``)."""

    @functools.wraps(stage)
    def timed(*arguments: Any) -> dict:
        clock = time.perf_counter()
        result = stage(*arguments)
        result["seconds"] = time.perf_counter() - clock
        return result

    return timed


def _save(ax, path: Path) -> None:
    import matplotlib.pyplot as plt

    if ax is not None:
        atomic_write(path, lambda p: ax.figure.savefig(p, dpi=120))
    plt.close("all")


@_timed
def copy_paste_stage(
    out: Path,
    parts: Parts,
    paths: dict[str, str],
    meta: pd.DataFrame | None,
    workers: Workers,
    client: object = None,
    min_run: int | None = None,
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
            chunks,
            meta=dated,
            n_jobs=workers.processes,
            client=client,
            workdir=folder,
            pool=workers,
            min_run=min_run,
        )
    write_frame(out / "pairs.parquet", pairs)
    clusters = clusters_table(pairs)
    write_frame(out / "clusters.parquet", clusters)
    largest = clusters.sort_values(["copied_chars", "cluster"], ascending=[False, True]).head(5)
    return {
        "reuse_pairs": int(clusters.pairs.sum()) if len(clusters) else 0,
        "reuse_families": len(clusters),
        "largest_families": largest[["cluster", "plans", "copied_chars", "source"]].to_dict(
            "records"
        ),
    }


def chunk_for_reuse(path: str, paths: dict[str, str]) -> tuple[pd.DataFrame, dict]:
    """One chunk's rows (the columns copy-paste reads) and its files' texts."""
    import pandas as pd

    from planparse.io.read import texts_of
    from planparse.schema import ReuseRow

    items = pd.read_parquet(path, columns=list(ReuseRow._fields))
    return items, texts_of(paths, items.doc_id)


@_timed
def themes_stage(
    out: Path,
    parts: Parts,
    meta: pd.DataFrame | None,
    workers: Workers,
    copies_once: bool = False,
) -> dict:
    """themes/*.csv, plots/domain_shares.png and plots/domain_trend.png, from sums taken a
    chunk at a time in ``workers`` (:func:`planparse.themes.partitions.count_chunks`);
    returns the summary's table part (plans, items, domain shares) and the groupings."""
    import tempfile

    import matplotlib
    import pandas as pd

    matplotlib.use("Agg")
    from planparse import themes
    from planparse.themes.partitions import count_chunks

    groupings = ["doc_id"] + [g for g in GROUPINGS if meta is not None and g in meta.columns]
    copies = _copies_by_part(out, parts) if copies_once else [None] * len(parts)
    with tempfile.TemporaryDirectory(dir=out, prefix=".themes-") as folder:
        paths = [path for path, _ in parts]
        sums, scored = count_chunks(paths, by_part(meta, parts), copies, groupings, folder, workers)
    cells = {by: pd.concat(sums.cells[by]) for by in groupings}
    for by in groupings:
        shares = themes.shares_from_cells(cells[by], by=by)
        write_frame(out / "themes" / f"domain_shares_by_{by}.csv", shares)
        if by != "doc_id":
            terms = themes.terms.best_terms([frames[by] for frames in scored])
            write_frame(out / "themes" / f"distinctive_terms_by_{by}.csv", terms)
    _theme_plots(out / "plots", cells, groupings)
    domains = cells["doc_id"][cells["doc_id"].domain != themes.GROUP_ROW]
    domains = domains.groupby("domain", sort=False)["n"].sum()
    return {
        "copies_counted_once": copies_once,
        "copied_items_left_out": sums.copies_left_out,
        "plans": sums.plans,
        "items": int(domains.sum()),
        "domain_shares": (domains / domains.sum()).sort_values(ascending=False).round(4).to_dict(),
        "groupings": groupings,
    }


def _copies_by_part(out: Path, parts: Parts) -> list:
    """The copied units of each chunk's files (:func:`planparse.themes.copied_units`)."""
    import pandas as pd

    from planparse import themes

    units = themes.copied_units(pd.read_parquet(out / "pairs.parquet"))
    return by_part(units, parts)


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
    from planparse.io.read import texts_of
    from planparse.reuse.report import render_report

    pairs = pd.read_parquet(out / "pairs.parquet")
    texts = texts_of(paths, sorted(set(pairs.a_doc) | set(pairs.b_doc)))
    write_text(out / "copy_paste.html", render_report(pairs, texts))
    if len(pairs):
        _save(plot.reuse_matrix(pairs, _largest_families(pairs)), out / "plots" / "reuse.png")
    return {}


@_timed
def changes_stage(out: Path, parts: Parts, meta: pd.DataFrame | None) -> dict:
    """changes.parquet: each plan compared with the same issuer's plan of the previous year,
    when the metadata names issuers and years and some issuer has plans in several years."""
    import pandas as pd

    from planparse import themes
    from planparse.diff import changes
    from planparse.diff.summary import plan_pairs

    if meta is None or "year" not in meta.columns:
        return {"changes": 0}
    # Years as numbers; anything else (20xx, empty) is unknown and pairs with nothing.
    meta = meta.assign(
        year=pd.to_numeric(meta["year"], errors="coerce"), plan_no=meta["plan_no"].astype(int)
    )
    try:
        pairs = plan_pairs(meta, "issuer", "year")
    except KeyError:  # no issuer columns: nothing to pair
        return {"changes": 0}
    if not pairs:
        return {"changes": 0}
    docs = {doc for _, a, b in pairs for doc in (a[0], b[0])}
    rows = themes.attach_metadata(read_parts(parts, list(ChangeRow._fields), docs), meta)
    table = changes(rows, by="issuer", order="year")
    write_frame(out / "changes.parquet", table)
    return {"changes": len(pairs)}


@_timed
def similarity_stage(out: Path, parts: Parts) -> dict:
    """plots/similarity.png over at most HEATMAP_PLANS plans, those in reuse families first
    (a copied plan sits beside its source); reads the text of those plans only."""
    import matplotlib
    import pandas as pd

    matplotlib.use("Agg")
    from planparse import plot, themes
    from planparse.themes.partitions import THEME_READ

    pairs = pd.read_parquet(out / "pairs.parquet")
    copied = list(plan_keys(pairs, "a")) + list(plan_keys(pairs, "b"))
    chosen = set(list(dict.fromkeys(copied + _first_plans(parts, HEATMAP_PLANS)))[:HEATMAP_PLANS])
    rows = read_parts(parts, THEME_READ, {key.rsplit("#", 1)[0] for key in chosen})
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
        rows = themes.content_rows(read_parts([(path, [])], list(PlanRow._fields)))
        found.update(dict.fromkeys(_plan_key(rows)))
    return list(found)[:count]


def _plan_key(rows: pd.DataFrame) -> pd.Series:
    """``doc#plan`` of each row of the item table (as :func:`plan_keys` names pairs' plans)."""
    return rows.doc_id.astype(str) + "#" + rows.plan_no.astype(str)


def _largest_families(pairs: pd.DataFrame) -> list[str]:
    """Plans of the largest reuse families, family by family, at most HEATMAP_PLANS (a
    10,000-plan archive had 4,000 plans in families: an unreadable image, 7 s to draw)."""
    copied = (pairs.a_end - pairs.a_start).groupby(pairs.cluster).sum()
    rank = {c: r for r, c in enumerate(copied.sort_values(ascending=False, kind="stable").index)}
    ordered = pairs.assign(rank=pairs.cluster.map(rank)).sort_values("rank", kind="stable")
    plans = zip(plan_keys(ordered, "a"), plan_keys(ordered, "b"))
    return list(dict.fromkeys(p for pair in plans for p in pair))[:HEATMAP_PLANS]
