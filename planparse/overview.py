"""The archive-wide outputs of ``planparse analyze``: copy-paste, themes, plots, overview.

Examples:
    >>> summary = write_outputs(items, Path("out"), None, {}, quiet=True)   # doctest: +SKIP
"""

from __future__ import annotations

import html
import time
from pathlib import Path
from typing import TYPE_CHECKING

from planparse.reuse.clusters import plan_keys

if TYPE_CHECKING:
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


def write_outputs(
    items: "pd.DataFrame",
    out: Path,
    meta: "pd.DataFrame | None",
    timings: dict[str, float],
    quiet: bool = False,
    client: object = None,
    jobs: int = 1,
) -> dict:
    """pairs, clusters, themes, plots and the HTML overview; returns the summary.
    ``jobs`` processes share the copy-paste search (same pairs for any number)."""
    import matplotlib

    matplotlib.use("Agg")
    from planparse import plot, themes
    from planparse.batch import read_texts
    from planparse.reuse import find_duplicates
    from planparse.reuse.report import render_report

    clock = time.perf_counter()
    texts = read_texts(items)
    tagged = themes.attach_metadata(items, meta) if meta is not None else items
    pairs = find_duplicates(
        tagged,
        texts=texts,
        client=client,
        n_jobs=jobs,
        meta=meta if meta is not None and "year" in meta else None,
    )
    pairs.to_parquet(out / "pairs.parquet", index=False)
    clusters = clusters_table(pairs)
    clusters.to_parquet(out / "clusters.parquet", index=False)
    (out / "copy_paste.html").write_text(render_report(pairs, texts), encoding="utf-8")
    timings["copy_paste"] = time.perf_counter() - clock

    clock = time.perf_counter()
    theme_dir, plot_dir = out / "themes", out / "plots"
    theme_dir.mkdir(exist_ok=True)
    plot_dir.mkdir(exist_ok=True)
    groupings = ["doc_id"] + [g for g in GROUPINGS if g in tagged.columns]
    content = tagged[(tagged.kind != "debris") & (tagged.domain.astype(str) != "")]
    for by in groupings:
        themes.domain_shares(content, by=by).to_csv(
            theme_dir / f"domain_shares_by_{by}.csv", index=False
        )
        if by != "doc_id":
            themes.distinctive_terms(content, by=by).to_csv(
                theme_dir / f"distinctive_terms_by_{by}.csv", index=False
            )
    _plots(content, pairs, plot_dir, groupings, plot, themes)
    timings["themes_and_plots"] = time.perf_counter() - clock
    summary = _summary(tagged, clusters)
    (out / "report.html").write_text(_overview(summary, groupings), encoding="utf-8")
    return summary


def _plots(content, pairs, folder: Path, groupings: list[str], plot, themes) -> None:  # noqa: ANN001
    import matplotlib.pyplot as plt

    by = next((g for g in groupings if g != "doc_id"), "doc_id")
    largest = content[by].value_counts().index[:BAR_GROUPS]  # a bar per group; 30 stay readable
    for name, draw in (
        (
            "domain_shares.png",
            lambda: plot.domain_shares_bar(
                themes.domain_shares(content[content[by].isin(largest)], by=by), by=by
            ),
        ),
        (
            "domain_trend.png",
            lambda: (
                plot.domain_trend(themes.domain_shares(content, by="year"))
                if "year" in content
                else None
            ),
        ),
        (
            "similarity.png",
            lambda: plot.similarity_heatmap(
                themes.plan_similarity(_some_plans(content, pairs), pairs)
            ),
        ),
        (
            "reuse.png",
            lambda: plot.reuse_matrix(pairs, _largest_families(pairs)) if len(pairs) else None,
        ),
    ):
        ax = draw()
        if ax is not None:
            ax.figure.savefig(folder / name, dpi=120)
        plt.close("all")


#: The domain-shares plot shows the largest this many groups.
BAR_GROUPS = 30
#: The similarity heatmap shows at most this many plans (the matrix is n × n).
HEATMAP_PLANS = 300


def _some_plans(content: "pd.DataFrame", pairs: "pd.DataFrame") -> "pd.DataFrame":
    """The rows of at most HEATMAP_PLANS plans: those in reuse families first."""
    keys = content.doc_id.astype(str) + "#" + content.plan_no.astype(str)
    copied = list(dict.fromkeys(list(plan_keys(pairs, "a")) + list(plan_keys(pairs, "b"))))
    chosen = list(dict.fromkeys(copied + list(dict.fromkeys(keys))))[:HEATMAP_PLANS]
    return content[keys.isin(set(chosen))]


def _largest_families(pairs: "pd.DataFrame") -> list[str]:
    """Plans of the largest reuse families, family by family, at most HEATMAP_PLANS (a
    10,000-plan archive had 4,000 plans in families: an unreadable image, 7 s to draw)."""
    copied = (pairs.a_end - pairs.a_start).groupby(pairs.cluster).sum()
    rank = {c: r for r, c in enumerate(copied.sort_values(ascending=False, kind="stable").index)}
    ordered = pairs.assign(rank=pairs.cluster.map(rank)).sort_values("rank", kind="stable")
    plans = zip(plan_keys(ordered, "a"), plan_keys(ordered, "b"))
    return list(dict.fromkeys(p for pair in plans for p in pair))[:HEATMAP_PLANS]


def _summary(tagged: "pd.DataFrame", clusters: "pd.DataFrame") -> dict:
    content = tagged[(tagged.kind != "debris") & (tagged.domain.astype(str) != "")]
    shares = content.domain.value_counts(normalize=True).round(4).to_dict()
    largest = clusters.sort_values(["copied_chars", "cluster"], ascending=[False, True]).head(5)
    return {
        "plans": int(tagged[tagged.plan_no > 0].groupby(["doc_id", "plan_no"]).ngroups),
        "items": int(len(content)),
        "domain_shares": shares,
        "reuse_pairs": int(clusters.pairs.sum()) if len(clusters) else 0,
        "reuse_families": int(len(clusters)),
        "largest_families": largest[["cluster", "plans", "copied_chars", "source"]].to_dict(
            "records"
        ),
    }


def _overview(summary: dict, groupings: list[str]) -> str:
    shares = "".join(
        f"<tr><td>{html.escape(d)}</td><td>{s:.1%}</td></tr>"
        for d, s in summary["domain_shares"].items()
    )
    families = "".join(
        f"<tr><td>{f['cluster']}</td><td>{f['plans']}</td><td>{f['copied_chars']}</td>"
        f"<td>{html.escape(str(f['source']))}</td></tr>"
        for f in summary["largest_families"]
    )
    tables = "".join(
        f"<li><a href='themes/domain_shares_by_{g}.csv'>domain shares by {g}</a></li>"
        for g in groupings
    )
    images = "".join(
        f"<img src='plots/{n}' alt='{n}' style='max-width:48%'>"
        for n in ("domain_shares.png", "domain_trend.png", "similarity.png", "reuse.png")
    )
    return (
        "<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>planparse analysis"
        "</title></head><body style='font-family:sans-serif;margin:2em'>"
        f"<h1>planparse analysis</h1><p>{summary['plans']} plans, {summary['items']} items, "
        f"{summary['reuse_pairs']} copy-paste pairs in {summary['reuse_families']} families "
        "(<a href='copy_paste.html'>side-by-side report</a>).</p>"
        f"<h2>Domains</h2><table>{shares}</table><h2>Largest reuse families</h2><table>"
        f"<tr><th>family</th><th>plans</th><th>copied characters</th><th>likely source</th></tr>"
        f"{families}</table><h2>Tables</h2><ul>{tables}<li><a href='items.parquet'>items.parquet"
        f"</a>, <a href='pairs.parquet'>pairs.parquet</a>, <a href='errors.csv'>errors.csv</a>"
        f"</li></ul><h2>Plots</h2>{images}</body></html>\n"
    )
