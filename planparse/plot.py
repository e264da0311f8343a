"""Plots for papers, with matplotlib; every function returns its ``Axes``.

Chinese labels need a CJK font.  :func:`use_cjk_font` finds an installed one (Noto Sans CJK,
Source Han Sans, WenQuanYi, SimHei, Microsoft YaHei, PingFang …) or takes the font you
name; when none is installed it warns once, with the fix, instead of drawing boxes in silence.

Examples:
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> shares = pd.DataFrame({"g": ["a", "a"], "domain": ["维权", "其他"], "share": [0.4, 0.6]})
    >>> ax = domain_shares_bar(shares, by="g")
    >>> ax.get_ylabel()
    'share of items'
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

#: Installed font families tried in order.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "Hiragino Sans GB",
    "Noto Serif CJK SC",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "AR PL UKai CN",
)
#: Domain colours, stable across plots (a colour-blind-safe palette).
DOMAIN_COLOURS = {
    "维权": "#0072B2",
    "家庭建设": "#E69F00",
    "就业": "#009E73",
    "组织建设": "#CC79A7",
    "其他": "#999999",
}
_chosen: str | None = None
_warned = False


class NoCJKFontWarning(UserWarning):
    """No font with Chinese characters is installed; labels would be boxes."""


def use_cjk_font(font: str | Path | None = None) -> str | None:
    """Make matplotlib draw Chinese: ``font`` is a family name or a font file; with ``None``
    the first installed family of :data:`CJK_FAMILIES` is used.  Returns the family, or
    ``None`` after one :class:`NoCJKFontWarning` that says how to install one."""
    global _chosen, _warned
    import matplotlib
    from matplotlib import font_manager

    if font is not None and Path(str(font)).is_file():
        font_manager.fontManager.addfont(str(font))
        font = font_manager.FontProperties(fname=str(font)).get_name()
    installed = {f.name for f in font_manager.fontManager.ttflist}
    candidates = [str(font)] if font is not None else list(CJK_FAMILIES)
    family = next((name for name in candidates if name in installed), None)
    if family is None:
        if not _warned:
            warnings.warn(
                "no CJK font is installed, so Chinese labels would be drawn as boxes. "
                "Install one (Debian/Ubuntu: apt-get install fonts-noto-cjk or "
                "fonts-wqy-microhei; macOS and Windows have one) or call "
                "planparse.plot.use_cjk_font('/path/to/font.ttf')",
                NoCJKFontWarning,
                stacklevel=2,
            )
            _warned = True
        return None
    matplotlib.rcParams["font.sans-serif"] = [family] + [
        f for f in matplotlib.rcParams["font.sans-serif"] if f != family
    ]
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["axes.unicode_minus"] = False
    _chosen = family
    return family


def _axes(ax: "Axes | None", size: tuple[float, float] = (8, 4.5)) -> "Axes":
    import matplotlib.pyplot as plt

    if _chosen is None:
        use_cjk_font()
    if ax is None:
        _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def _colour(domain: str, k: int) -> str:
    return DOMAIN_COLOURS.get(domain, f"C{k % 10}")


def domain_shares_bar(shares: "pd.DataFrame", by: str, ax: "Axes | None" = None) -> "Axes":
    """Stacked bars of domain shares per group (the output of
    :func:`planparse.themes.domain_shares`)."""
    ax = _axes(ax)
    table = shares.pivot_table(index=by, columns="domain", values="share", aggfunc="sum").fillna(0)
    order = [d for d in DOMAIN_COLOURS if d in table.columns] + [
        d for d in table.columns if d not in DOMAIN_COLOURS
    ]
    bottom = np.zeros(len(table))
    for k, domain in enumerate(order):
        ax.bar(
            table.index.astype(str),
            table[domain],
            bottom=bottom,
            label=domain,
            color=_colour(domain, k),
        )
        bottom += table[domain].to_numpy()
    ax.set_ylabel("share of items")
    ax.set_ylim(0, 1)
    ax.legend(title="domain", bbox_to_anchor=(1.01, 1), loc="upper left", frameon=False)
    for label in ax.get_xticklabels():
        label.set(rotation=30, ha="right")
    return ax


def domain_trend(shares: "pd.DataFrame", year: str = "year", ax: "Axes | None" = None) -> "Axes":
    """Each domain's share over the years, with its confidence band (``domain_shares`` by
    year)."""
    ax = _axes(ax)
    data = shares.assign(_year=shares[year].astype(int)).sort_values("_year")
    for k, (domain, rows) in enumerate(data.groupby("domain", sort=False)):
        colour = _colour(domain, k)
        ax.plot(rows["_year"], rows["share"], marker="o", label=domain, color=colour)
        if {"ci_low", "ci_high"} <= set(rows.columns):
            ax.fill_between(
                rows["_year"], rows["ci_low"], rows["ci_high"], color=colour, alpha=0.15
            )
    ax.set_xlabel("year")
    ax.set_ylabel("share of items")
    ax.legend(title="domain", bbox_to_anchor=(1.01, 1), loc="upper left", frameon=False)
    return ax


def distinctive_terms_chart(
    terms: "pd.DataFrame", group: str, top: int = 15, ax: "Axes | None" = None
) -> "Axes":
    """Horizontal bars of one group's most distinctive words (z-scores of
    :func:`planparse.themes.distinctive_terms`)."""
    ax = _axes(ax, (6, 0.35 * top + 1))
    rows = terms[terms["group"].astype(str) == str(group)].nlargest(top, "z").iloc[::-1]
    ax.barh(rows["term"], rows["z"], color="#0072B2")
    ax.axvline(1.96, color="#999999", linestyle="--", linewidth=0.8)
    ax.set_xlabel("z-score of the weighted log-odds")
    ax.set_title(f"distinctive words: {group}")
    return ax


def clustered_order(matrix: "pd.DataFrame") -> list:
    """Rows of a similarity matrix in the leaf order of average-linkage clustering."""
    from scipy.cluster.hierarchy import leaves_list, linkage
    from scipy.spatial.distance import squareform

    if len(matrix) < 3:
        return list(matrix.index)
    distance = np.clip(1 - matrix.to_numpy(), 0, None)
    np.fill_diagonal(distance, 0)
    order = leaves_list(linkage(squareform((distance + distance.T) / 2, checks=False), "average"))
    return [matrix.index[i] for i in order]


def similarity_heatmap(
    similarity: "pd.DataFrame", ax: "Axes | None" = None, labels: bool | None = None
) -> "Axes":
    """A plan × plan similarity heatmap, rows and columns in clustered order."""
    ax = _axes(ax, (7, 6))
    order = clustered_order(similarity)
    data = similarity.loc[order, order]
    image = ax.imshow(data.to_numpy(), cmap="viridis", vmin=0, vmax=1)
    ax.figure.colorbar(image, ax=ax, shrink=0.8, label="similarity")
    if labels if labels is not None else len(order) <= 40:
        ax.set_xticks(range(len(order)), order, rotation=90, fontsize=6)
        ax.set_yticks(range(len(order)), order, fontsize=6)
    else:
        ax.set_xticks([])
        ax.set_yticks([])
    ax.set_title("plan similarity (clustered)")
    return ax


def reuse_matrix(
    pairs: "pd.DataFrame", plans: Sequence[str] | None = None, ax: "Axes | None" = None
) -> "Axes":
    """Which plans share copied text: a plan × plan matrix of copied characters, plans in
    reuse-family order (the output of :func:`planparse.find_duplicates`)."""
    import pandas as pd

    ax = _axes(ax, (7, 6))
    from planparse.reuse.clusters import plan_keys

    a, b = plan_keys(pairs, "a"), plan_keys(pairs, "b")
    size = (pairs["a_end"] - pairs["a_start"]).to_numpy()
    order = (
        list(plans)
        if plans is not None
        else list(
            dict.fromkeys(
                pd.concat([a, b]).iloc[
                    np.argsort(np.concatenate([pairs["cluster"], pairs["cluster"]]), kind="stable")
                ]
            )
        )
    )
    index = {p: i for i, p in enumerate(order)}
    grid = np.zeros((len(order), len(order)))
    for x, y, s in zip(a, b, size):
        if x in index and y in index:
            grid[index[x], index[y]] += s
            grid[index[y], index[x]] += s
    image = ax.imshow(np.log1p(grid), cmap="magma_r")
    ax.figure.colorbar(image, ax=ax, shrink=0.8, label="log(1 + copied characters)")
    if len(order) <= 40:
        ax.set_xticks(range(len(order)), order, rotation=90, fontsize=6)
        ax.set_yticks(range(len(order)), order, fontsize=6)
    ax.set_title(f"copy-paste between plans ({len(pairs)} pairs)")
    return ax
