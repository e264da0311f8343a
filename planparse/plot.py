"""Plots for papers, with matplotlib; every function returns its ``Axes``.

Chinese labels need a CJK font.  :func:`use_cjk_font` finds one from the font files
themselves (fontconfig's list, the usual font folders, the ``planparse[fonts]`` extra) and
registers it with matplotlib, so a font cache built before the font was installed never
matters; or it takes the font you name (a family or a file; also ``PLANPARSE_FONT``).  When
there is none it warns once, with the fix, instead of drawing boxes in silence.

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

import os
import re
import shutil
import subprocess
import warnings
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

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
#: Folders searched for font files (besides fontconfig's own list).
FONT_FOLDERS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "~/Library/Fonts",
    "C:/Windows/Fonts",
    "~/AppData/Local/Microsoft/Windows/Fonts",
)
#: File names of common Chinese fonts (the folder search does not open every font file).
CJK_FILE_NAME = re.compile(
    r"(cjk|wqy|wenquanyi|sourcehan|source-han|simhei|simsun|msyh|yahei|pingfang|stheiti|"
    r"hiragino.*gb|droidsansfallback|uming|ukai|notosanssc|notoserifsc|han_sans|zenhei)",
    re.IGNORECASE,
)
#: The one line that says how to get Chinese labels.
FONT_FIX = (
    "no CJK font found, so Chinese labels in plots would be drawn as boxes. Fix: "
    "pip install 'planparse[fonts]' (or apt-get install fonts-noto-cjk; macOS and Windows "
    "have one), or name a font file with --font / PLANPARSE_FONT / "
    "planparse.plot.use_cjk_font('/path/to/font.ttf')"
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


def cjk_font_files(folders: Sequence[str | Path] = FONT_FOLDERS) -> list[Path]:
    """Chinese font files on this machine, found from the files, not from matplotlib's cache:
    the ``planparse[fonts]`` extra, fontconfig's list of fonts covering Chinese, and files of
    ``folders`` whose names are those of common Chinese fonts.

    Examples:
        >>> all(path.is_file() for path in cjk_font_files())
        True
    """
    found = [*_extra_font(), *_fontconfig_files()]
    for folder in folders:
        root = Path(folder).expanduser()
        if root.is_dir():
            found += sorted(
                path
                for path in root.rglob("*")
                if path.suffix.lower() in (".ttf", ".ttc", ".otf", ".otc")
                and CJK_FILE_NAME.search(path.name)
            )
    return [path for path in dict.fromkeys(found) if path.is_file()]


def _extra_font() -> list[Path]:
    try:
        import noto_cjk_sans_otc
    except ImportError:
        return []
    return [Path(str(noto_cjk_sans_otc.FONT_PATH))]


@lru_cache(maxsize=1)
def _fontconfig_files() -> tuple[Path, ...]:
    """fontconfig's fonts that cover Chinese (none where fontconfig is absent)."""
    if shutil.which("fc-list") is None:
        return ()
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    return tuple(sorted(Path(line.rstrip(": ").strip()) for line in listed.splitlines() if line))


def register_fonts(paths: Sequence[str | Path]) -> list[str]:
    """Add font files to matplotlib's font list (whatever its cache says); returns the
    family names they hold, in order."""
    from matplotlib import font_manager

    known = {f.fname: f.name for f in font_manager.fontManager.ttflist}
    for path in paths:
        if str(path) not in known:
            try:
                font_manager.fontManager.addfont(str(path))
            except (OSError, RuntimeError, ValueError):  # an unreadable or odd font file
                continue
    names = {f.fname: f.name for f in font_manager.fontManager.ttflist}
    return list(dict.fromkeys(n for f, n in names.items() if f in {str(p) for p in paths}))


def use_cjk_font(font: str | Path | None = None) -> str | None:
    """Make matplotlib draw Chinese: ``font`` is a family name or a font file (default: the
    ``PLANPARSE_FONT`` environment variable, else the first of :data:`CJK_FAMILIES` found by
    :func:`cjk_font_files`, else any Chinese font found).  Returns the family, or ``None``
    after one :class:`NoCJKFontWarning` that says how to get one (:data:`FONT_FIX`).

    Examples:
        >>> use_cjk_font("/no/such/font.ttf") is None  # doctest: +SKIP
        True
    """
    global _warned
    from matplotlib import font_manager

    font = font if font is not None else os.environ.get("PLANPARSE_FONT") or None
    named = [] if font is None else _named(font)
    found = register_fonts(cjk_font_files())
    installed = {f.name for f in font_manager.fontManager.ttflist}
    candidates = named if font is not None else [*CJK_FAMILIES, *found]
    family = next((name for name in candidates if name in installed), None)
    if family is None:
        if not _warned:
            warnings.warn(FONT_FIX, NoCJKFontWarning, stacklevel=2)
            _warned = True
        return None
    _select(family)
    return family


def _named(font: str | Path) -> list[str]:
    """The families of a font file, or the family name given."""
    return register_fonts([font]) if Path(str(font)).is_file() else [str(font)]


def _select(family: str) -> None:
    global _chosen
    import matplotlib

    matplotlib.rcParams["font.sans-serif"] = [family] + [
        f for f in matplotlib.rcParams["font.sans-serif"] if f != family
    ]
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["axes.unicode_minus"] = False
    _chosen = family


def has_cjk_font() -> bool:
    """Whether :func:`use_cjk_font` would find a font (without choosing it)."""
    from matplotlib import font_manager

    if os.environ.get("PLANPARSE_FONT") or cjk_font_files():
        return True
    return bool(set(CJK_FAMILIES) & {f.name for f in font_manager.fontManager.ttflist})


def _axes(ax: Axes | None, size: tuple[float, float] = (8, 4.5)) -> Axes:
    import matplotlib.pyplot as plt

    _font()
    if ax is None:
        _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def _font() -> None:
    if _chosen is None:
        use_cjk_font()


def _colour(domain: str, k: int) -> str:
    return DOMAIN_COLOURS.get(domain, f"C{k % 10}")


#: Words dropped from file names in labels: every plan has one, so they tell nothing apart.
_GENRE = re.compile(r"(工作)?(计划|要点|总结|安排|方案|报告)$")


def short_name(key: str, width: int = 18) -> str:
    """A plan's label for a plot: the file name without folder, extension, separators and
    genre word, cut to ``width`` characters; ``#n`` only for a file's second plan on.

    Examples:
        >>> short_name("archive/2019_东城区_区妇联_工作计划.txt#1")
        '2019 东城区 区妇联'
        >>> short_name("0042.txt#3")
        '0042 #3'
    """
    doc, _, plan = key.rpartition("#") if "#" in key else (key, "", "")
    stem = re.sub(r"[_\s]+", " ", Path(doc).stem).strip()
    stem = _GENRE.sub("", stem).strip() or stem
    if len(stem) > width:
        stem = stem[: width - 1] + "…"
    return stem + (f" #{plan}" if plan not in ("", "1") else "")


def short_names(keys: Sequence[str], width: int = 18) -> list[str]:
    """:func:`short_name` of each key, made unique by a counter where two would be equal."""
    names = [short_name(str(k), width) for k in keys]
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def _label_size(count: int) -> float:
    """Tick label font size that keeps ``count`` labels apart."""
    return float(np.clip(260 / max(count, 1), 5, 9))


def domain_shares_bar(
    shares: pd.DataFrame, by: str, ax: Axes | None = None, top: int | None = None
) -> Axes:
    """Stacked bars of domain shares per group (the output of
    :func:`planparse.themes.domain_shares`); with more than 12 groups the bars lie down, one
    readable label per row (``top`` keeps the largest groups)."""
    table = shares.pivot_table(index=by, columns="domain", values="share", aggfunc="sum").fillna(0)
    if top is not None and "total" in shares:
        largest = shares.groupby(by)["total"].first().nlargest(top).index
        table = table.loc[[g for g in table.index if g in set(largest)]]
    if table.empty:  # an archive of only bad files: an empty plot that says so
        ax = _axes(ax, (8, 4.5))
        ax.set_title("no content items")
        return ax
    lying = len(table) > 12
    ax = _axes(ax, (8, 0.26 * len(table) + 1.6) if lying else (8, 4.5))
    names = short_names(table.index.astype(str)) if by == "doc_id" else table.index.astype(str)
    order = [d for d in DOMAIN_COLOURS if d in table.columns] + [
        d for d in table.columns if d not in DOMAIN_COLOURS
    ]
    bars = ax.barh if lying else ax.bar
    start = np.zeros(len(table))
    for k, domain in enumerate(order):
        offset = {"left": start} if lying else {"bottom": start}
        bars(
            list(names), table[domain].to_numpy(), label=domain, color=_colour(domain, k), **offset
        )
        start = start + table[domain].to_numpy()
    (ax.set_xlabel if lying else ax.set_ylabel)("share of items")
    (ax.set_xlim if lying else ax.set_ylim)(0, 1)
    ax.legend(title="domain", bbox_to_anchor=(1.01, 1), loc="upper left", frameon=False)
    if lying:
        ax.invert_yaxis()
        ax.tick_params(axis="y", labelsize=_label_size(len(table)))
        ax.margins(y=0.005)
    else:
        for label in ax.get_xticklabels():
            label.set(rotation=30, ha="right")
    return ax


def domain_trend(shares: pd.DataFrame, year: str = "year", ax: Axes | None = None) -> Axes:
    """Each domain's share over the years with its confidence band, one small panel per
    domain, each on its own scale from 0 so that shares of 87% and of 3% both show
    (``domain_shares`` by year); years that are not numbers (``unknown``) are left out.  Returns the first panel (``ax.figure.axes`` holds all); with
    ``ax`` given, every domain is drawn on it."""
    import matplotlib.pyplot as plt
    import pandas as pd

    years = pd.to_numeric(shares[year], errors="coerce")
    data = shares.assign(_year=years)[years.notna()].sort_values("_year")
    domains = [d for d in DOMAIN_COLOURS if d in set(data["domain"])]
    domains += [d for d in dict.fromkeys(data["domain"]) if d not in domains]
    if not domains:  # nothing dated: an empty plot that says so
        ax = _axes(ax)
        ax.set_title("no items with a year")
        return ax
    if ax is None:
        _font()
        columns = min(3, max(len(domains), 1))
        rows = -(-max(len(domains), 1) // columns)
        figure, grid = plt.subplots(
            rows,
            columns,
            figsize=(3.2 * columns, 2.4 * rows + 0.4),
            sharex=True,
            sharey=False,
            layout="constrained",
            squeeze=False,
        )
        panels = list(grid.flat)
        for extra in panels[len(domains) :]:
            extra.remove()
        figure.supxlabel("year")
        figure.supylabel("share of items")
    else:
        panels = [ax] * len(domains)
    for k, (domain, panel) in enumerate(zip(domains, panels)):
        _trend_line(panel, data[data["domain"] == domain], domain, _colour(domain, k))
        if len(set(map(id, panels))) > 1:
            panel.set_title(domain, fontsize=10)
    for panel in dict.fromkeys(panels):  # after every line is drawn, so none is cut off
        panel.set_ylim(bottom=0)
    first = panels[0] if panels else _axes(ax)
    if ax is not None:
        ax.set_xlabel("year")
        ax.set_ylabel("share of items")
        ax.legend(title="domain", bbox_to_anchor=(1.01, 1), loc="upper left", frameon=False)
    return first


def _trend_line(panel: Axes, rows: pd.DataFrame, domain: str, colour: str) -> None:
    from matplotlib.ticker import MaxNLocator

    panel.plot(rows["_year"], rows["share"], marker="o", markersize=3, label=domain, color=colour)
    if {"ci_low", "ci_high"} <= set(rows.columns):
        panel.fill_between(rows["_year"], rows["ci_low"], rows["ci_high"], color=colour, alpha=0.2)
    panel.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    panel.tick_params(axis="x", labelbottom=True)  # a panel with none below shows its years
    panel.grid(alpha=0.3)


def distinctive_terms_chart(
    terms: pd.DataFrame, group: str, top: int = 15, ax: Axes | None = None
) -> Axes:
    """Horizontal bars of one group's most distinctive words, ranked by the z-score of
    :func:`planparse.themes.distinctive_terms`.  The title states how many words were
    compared; the dotted line is z = 1.96, the dashed one Bonferroni's threshold for that
    many comparisons (among thousands of words some pass 1.96 by chance)."""
    ax = _axes(ax, (6, 0.35 * top + 1.2))
    rows = terms[terms["group"].astype(str) == str(group)].nlargest(top, "z").iloc[::-1]
    ax.barh(rows["term"], rows["z"], color="#0072B2")
    ax.axvline(1.96, color="#999999", linestyle=":", linewidth=0.8, label="z = 1.96")
    note = ""
    if "compared" in rows and len(rows):
        compared = int(rows["compared"].iloc[0])
        threshold = float(rows["z_bonferroni"].iloc[0])
        ax.axvline(
            threshold,
            color="#555555",
            linestyle="--",
            linewidth=0.8,
            label=f"Bonferroni, {compared:,} words: z = {threshold:.2f}",
        )
        note = f"\nrank 1–{len(rows)} of {compared:,} words compared"
        ax.legend(loc="lower right", frameon=False, fontsize=8)
    ax.set_xlabel("z-score of the weighted log-odds (Monroe et al. 2008)")
    ax.set_title(f"distinctive words: {group}{note}", fontsize=10)
    return ax


def clustered_order(matrix: pd.DataFrame) -> list:
    """Rows of a similarity matrix in the leaf order of average-linkage clustering."""
    from scipy.cluster.hierarchy import leaves_list, linkage
    from scipy.spatial.distance import squareform

    if len(matrix) < 3:
        return list(matrix.index)
    distance = np.clip(1 - matrix.to_numpy(), 0, None)
    np.fill_diagonal(distance, 0)
    order = leaves_list(linkage(squareform((distance + distance.T) / 2, checks=False), "average"))
    return [matrix.index[i] for i in order]


def with_other(matrix: pd.DataFrame, keep: Sequence, how: str = "mean") -> pd.DataFrame:
    """``matrix`` (plan × plan) on the plans ``keep``, the rest joined into one last row and
    column ``other (n plans)``: their mean (``how="mean"``, diagonal left out) or sum.

    Examples:
        >>> import pandas as pd
        >>> m = pd.DataFrame(np.ones((3, 3)), index=list("abc"), columns=list("abc"))
        >>> with_other(m, ["a"], how="sum").to_numpy().tolist()
        [[1.0, 2.0], [2.0, 1.0]]
    """
    keep = list(keep)
    rest = [k for k in matrix.index if k not in set(keep)]
    if not rest:
        return matrix.loc[keep, keep]
    name = f"other ({len(rest)} plans)"
    out = matrix.loc[keep, keep].copy()
    block = matrix.loc[rest, rest].to_numpy()
    out[name] = matrix.loc[keep, rest].agg(how, axis=1)
    if how == "mean":
        pairs = len(rest) * (len(rest) - 1)
        inner = (block.sum() - np.trace(block)) / pairs if pairs else 0.0
    else:
        inner = (block.sum() - np.trace(block)) / 2
    out.loc[name] = [*matrix.loc[rest, keep].agg(how, axis=0), inner]
    return out


def similarity_heatmap(
    similarity: pd.DataFrame,
    ax: Axes | None = None,
    labels: bool | None = None,
    top: int = 50,
) -> Axes:
    """A plan × plan similarity heatmap, rows and columns in clustered order and labeled with
    :func:`short_name`.  With more than ``top`` plans, the ``top`` plans most similar to
    another are shown and the rest form one ``other`` row (their mean similarity)."""
    ax = _axes(ax, (8, 7))
    shown = similarity
    if len(similarity) > top:
        closest = (similarity - np.eye(len(similarity))).max(axis=1)
        keep = closest.sort_values(ascending=False, kind="stable").index[:top]
        shown = similarity.loc[keep, keep]
    order = clustered_order(shown)
    data = (
        with_other(similarity, order, "mean") if len(similarity) > top else shown.loc[order, order]
    )
    image = ax.imshow(data.to_numpy(), cmap="viridis", vmin=0, vmax=1)
    ax.figure.colorbar(image, ax=ax, shrink=0.8, label="similarity (TF-IDF cosine)")
    _tick_labels(ax, list(data.index), labels is not False)
    ax.set_title(f"plan similarity, clustered ({len(similarity)} plans)")
    return ax


def _tick_labels(ax: Axes, keys: list, shown: bool) -> None:
    names = [k if str(k).startswith("other (") else n for k, n in zip(keys, short_names(keys))]
    if not shown:
        ax.set_xticks([])
        ax.set_yticks([])
        return
    size = _label_size(len(names))
    ax.set_xticks(range(len(names)), names, rotation=90, fontsize=size)
    ax.set_yticks(range(len(names)), names, fontsize=size)


def reuse_matrix(
    pairs: pd.DataFrame,
    plans: Sequence[str] | None = None,
    ax: Axes | None = None,
    top: int = 50,
) -> Axes:
    """Which plans share copied text: a plan × plan matrix of copied characters, plans in
    reuse-family order (the output of :func:`planparse.find_duplicates`), labeled with
    :func:`short_name`.  Beyond ``top`` plans (those that copy the most are kept), the rest
    form one ``other`` row and column (their sum)."""
    import pandas as pd

    from planparse.reuse.clusters import plan_keys

    ax = _axes(ax, (8, 7))
    a, b = plan_keys(pairs, "a"), plan_keys(pairs, "b")
    size = (pairs["a_end"] - pairs["a_start"]).to_numpy()
    order = list(plans) if plans is not None else _family_order(pairs, a, b)
    index = {p: i for i, p in enumerate(order)}
    grid = np.zeros((len(order), len(order)))
    for x, y, s in zip(a, b, size):
        if x in index and y in index:
            grid[index[x], index[y]] += s
            grid[index[y], index[x]] += s
    matrix = pd.DataFrame(grid, index=order, columns=order)
    if len(order) > top:
        copied = matrix.sum(axis=1).sort_values(ascending=False, kind="stable")
        kept = set(copied.index[:top])
        matrix = with_other(matrix, [p for p in order if p in kept], "sum")
    image = ax.imshow(np.log1p(matrix.to_numpy()), cmap="magma_r")
    ax.figure.colorbar(image, ax=ax, shrink=0.8, label="log(1 + copied characters)")
    _tick_labels(ax, list(matrix.index), True)
    ax.set_title(f"copy-paste between plans ({len(pairs)} pairs, {len(order)} plans)")
    return ax


def _family_order(pairs: pd.DataFrame, a: pd.Series, b: pd.Series) -> list[str]:
    import pandas as pd

    clusters = np.concatenate([pairs["cluster"], pairs["cluster"]])
    return list(dict.fromkeys(pd.concat([a, b]).iloc[np.argsort(clusters, kind="stable")]))
