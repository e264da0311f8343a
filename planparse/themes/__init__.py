"""Compare themes across plans and groups of plans: DataFrames in, DataFrames out.

* :func:`attach_metadata` joins a ``plans.tsv``-style table (issuer, year, region …);
* :func:`domain_shares` counts domains per group, with confidence intervals;
* :func:`distinctive_terms` finds each group's words by weighted log-odds with an informative
  Dirichlet prior (Monroe, Colaresi & Quinn 2008, *Fightin' Words*), from word counts that
  add up chunk by chunk (:mod:`planparse.themes.terms`);
* :func:`plan_similarity` is a plan × plan TF-IDF cosine matrix that can take copy-paste in;
* :func:`topics` fits NMF topics, deterministic for a seed.

Examples:
    >>> import pandas as pd
    >>> tagged = pd.DataFrame({"doc_id": ["a", "a", "b"], "plan_no": [1, 1, 1], "kind": ["item"] * 3,
    ...                        "text": ["法律援助", "最美家庭", "法律援助"], "domain": ["维权", "家庭建设", "维权"]})
    >>> domain_shares(tagged, by="doc_id")[["doc_id", "domain", "n", "share"]].values.tolist()
    [['a', '维权', 1.0, 0.5], ['a', '家庭建设', 1.0, 0.5], ['b', '维权', 1.0, 1.0], ['b', '家庭建设', 0.0, 0.0]]
"""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike
from typing import TYPE_CHECKING

import numpy as np

from planparse.themes.rows import UNKNOWN, content_rows, group_values
from planparse.themes.terms import (
    TermCounts,
    distinctive_terms,
    stopwords,
    terms_from_counts,
    tokens,
)

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "TermCounts",
    "attach_metadata",
    "content_rows",
    "copied_units",
    "copy_similarity",
    "distinctive_terms",
    "domain_cells",
    "domain_shares",
    "group_values",
    "plan_similarity",
    "shares_from_cells",
    "stopwords",
    "terms_from_counts",
    "tokens",
    "topics",
    "wilson",
    "without_copies",
]

PLAN_KEYS = ["doc_id", "plan_no"]


def attach_metadata(tagged: pd.DataFrame, meta: pd.DataFrame | str | PathLike) -> pd.DataFrame:
    """``tagged`` with the columns of a plan metadata table joined on ``doc_id`` and
    ``plan_no`` (a ``file`` column is taken as ``doc_id``); columns already present are kept.

    Examples:
        >>> import pandas as pd
        >>> items = pd.DataFrame({"doc_id": ["a.txt"], "plan_no": [1], "text": ["x"]})
        >>> meta = pd.DataFrame({"file": ["a.txt"], "plan_no": ["1"], "year": ["2019"]})
        >>> attach_metadata(items, meta)["year"].tolist()
        ['2019']
    """
    import pandas as pd

    if isinstance(meta, (str, PathLike)):
        meta = pd.read_csv(
            meta, sep="\t" if str(meta).endswith(".tsv") else ",", dtype=str, keep_default_na=False
        )
    meta = meta.rename(columns={"file": "doc_id"}).copy()
    meta["plan_no"] = meta["plan_no"].astype(int)
    extra = [c for c in meta.columns if c not in tagged.columns or c in PLAN_KEYS]
    joined = tagged.merge(meta[extra], on=PLAN_KEYS, how="left")
    joined.attrs = dict(tagged.attrs)  # keep the failures and warnings of parse_files
    return joined


def wilson(
    successes: np.ndarray, total: np.ndarray, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion (works for 0 and for small ``total``).

    Examples:
        >>> low, high = wilson(np.array([5.0]), np.array([10.0]))
        >>> round(float(low[0]), 3), round(float(high[0]), 3)
        (0.237, 0.763)
    """
    from scipy.stats import norm

    z = norm.ppf(0.5 + level / 2)
    p = np.divide(successes, total, out=np.zeros_like(successes, dtype=float), where=total > 0)
    denom = 1 + z**2 / np.maximum(total, 1e-12)
    centre = (p + z**2 / (2 * np.maximum(total, 1e-12))) / denom
    half = (
        z
        * np.sqrt(
            p * (1 - p) / np.maximum(total, 1e-12) + z**2 / (4 * np.maximum(total, 1e-12) ** 2)
        )
        / denom
    )
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def domain_shares(
    tagged: pd.DataFrame,
    by: str | Sequence[str] = "doc_id",
    weight: str = "count",
    level: float = 0.95,
    interval: str = "plan",
) -> pd.DataFrame:
    """Count and share of each primary domain per group, with a confidence interval.

    Items of one plan are not independent (a plan copies, repeats, keeps to its own themes),
    so by default (``interval="plan"``) the interval treats the plan as the sampling unit: a
    Wilson interval on the effective sample size ``n / deff``, where ``deff`` is the design
    effect of clustering by plan, the ratio of the plan-clustered (linearised ratio-estimator)
    variance to the independent-items variance, never below 1.  ``interval="item"`` gives the
    plain Wilson interval.  ``weight="chars"`` weighs items by their length (Kish's effective
    sample size ``(Σw)² / Σw²``).  Every domain seen in the table gets a row in every group,
    with share 0 and its interval where the group has none.  Columns: the ``by`` columns,
    ``domain``, ``n`` (items or characters), ``total``, ``share``, ``ci_low``, ``ci_high``,
    ``plans``, ``deff``.
    """
    return shares_from_cells(domain_cells(tagged, by, weight), by, level, interval)


#: The ``domain`` of the cells that hold a group's own sums (total, plans).
GROUP_ROW = ""
CELL_SUMS = ["n", "sq", "yy", "yt", "plans"]


def domain_cells(
    tagged: pd.DataFrame, by: str | Sequence[str] = "doc_id", weight: str = "count"
) -> pd.DataFrame:
    """The sums :func:`domain_shares` works from, per group and domain: ``n`` (Σw), ``sq``
    (Σw²), and over plans ``yy`` (Σ y²) and ``yt`` (Σ y·t), where ``y`` is a plan's weight in
    the domain and ``t`` its total; one row per group with domain ``""`` holds the group's
    totals and its number of ``plans``.  Cells of the parts of a table (each plan in one
    part), concatenated in order, give the shares of the whole (:func:`shares_from_cells`),
    so an archive can be read a chunk at a time.

    Examples:
        >>> import pandas as pd
        >>> part = pd.DataFrame({"doc_id": ["a", "a"], "domain": ["维权", "维权"], "text": ["甲", "乙"]})
        >>> cells = pd.concat([domain_cells(part), domain_cells(part)])
        >>> shares_from_cells(cells)[["doc_id", "n", "share"]].values.tolist()
        [['a', 4.0, 1.0]]
    """
    import pandas as pd

    keys = [by] if isinstance(by, str) else list(by)
    rows = content_rows(tagged).copy()
    for key in keys:
        rows[key] = group_values(rows[key]) if key in rows else UNKNOWN
    if weight not in ("count", "chars"):
        raise ValueError("weight must be 'count' or 'chars'")
    rows["n"] = 1.0 if weight == "count" else rows["text"].astype(str).str.len().astype(float)
    rows["sq"] = rows["n"] ** 2
    rows["_plan"] = _plan_ids(rows)
    rows["domain"] = rows["domain"].astype(str)
    per_plan = _summed(rows[keys + ["_plan", "domain", "n", "sq"]], keys + ["_plan", "domain"])
    plan_total = per_plan.groupby(keys + ["_plan"], sort=False)["n"].transform("sum")
    per_plan["yy"], per_plan["yt"], per_plan["plans"] = (
        per_plan["n"] ** 2,
        per_plan["n"] * plan_total,
        0,
    )
    domains = _summed(per_plan, keys + ["domain"], CELL_SUMS)
    plans = per_plan.groupby(keys + ["_plan"], sort=False)[["n", "sq"]].sum().reset_index()
    plans["yy"] = plans["yt"] = plans["n"] ** 2
    plans["plans"], plans["domain"] = 1, GROUP_ROW
    return pd.concat([domains, _summed(plans, keys + ["domain"], CELL_SUMS)], ignore_index=True)


def _plan_ids(rows: pd.DataFrame) -> pd.Series:
    """Each row's plan: ``doc#plan`` where the table has both, else the document, else the
    row itself (each item its own cluster)."""
    import pandas as pd

    if "doc_id" in rows and "plan_no" in rows:
        return rows["doc_id"].astype(str) + "#" + rows["plan_no"].astype(str)
    if "doc_id" in rows:
        return rows["doc_id"].astype(str)
    return pd.Series(range(len(rows)), index=rows.index).astype(str)


def _summed(
    cells: pd.DataFrame, keys: list[str], columns: Sequence[str] = ("n", "sq")
) -> pd.DataFrame:
    """``columns`` summed per key, keys in order of first appearance."""
    return cells.groupby(keys, sort=False, observed=True)[list(columns)].sum().reset_index()


def shares_from_cells(
    cells: pd.DataFrame,
    by: str | Sequence[str] = "doc_id",
    level: float = 0.95,
    interval: str = "plan",
) -> pd.DataFrame:
    """:func:`domain_shares` from :func:`domain_cells` (of a table, or of its parts)."""
    import pandas as pd

    if interval not in ("plan", "item"):
        raise ValueError("interval must be 'plan' or 'item'")
    keys = [by] if isinstance(by, str) else list(by)
    cells = _summed(cells, keys + ["domain"], CELL_SUMS)
    is_group = cells["domain"] == GROUP_ROW
    groups = (
        cells[is_group]
        .drop(columns="domain")
        .rename(columns={"n": "total", "yy": "tt", "sq": "group_sq"})[
            keys + ["total", "group_sq", "tt", "plans"]
        ]
    )
    found = cells[~is_group].drop(columns=["plans", "sq"])
    grid = groups[keys].merge(pd.DataFrame({"domain": found["domain"].unique()}), how="cross")
    out = grid.merge(found, on=keys + ["domain"], how="left").fillna(
        {"n": 0.0, "yy": 0.0, "yt": 0.0}
    )
    out = out.merge(groups, on=keys)
    out["share"] = out["n"] / out["total"]
    kish = out["total"] ** 2 / out["group_sq"]
    out["deff"] = _design_effects(out, kish, keys) if interval == "plan" else 1.0
    effective = (kish / out["deff"]).to_numpy()
    low, high = wilson(out["share"].to_numpy() * effective, effective, level)
    out["ci_low"], out["ci_high"] = low, high
    columns = keys + ["domain", "n", "total", "share", "ci_low", "ci_high", "plans", "deff"]
    return pd.DataFrame(out[columns]).astype({"plans": "int64", "domain": "string"})


def _design_effects(out: pd.DataFrame, kish: pd.Series, keys: list[str]) -> pd.Series:
    """Design effect of clustering by plan for each share: the linearised variance of the
    ratio Σy/Σt over ``plans`` clusters, m/(m−1)·Σ(y − p·t)²/T², over p(1−p)/n.  Where it
    cannot be estimated (a share of 0 or 1, one plan) the group's median is used, else 1;
    it is never below 1, so an interval is never narrower than the items-only one."""
    p, m, total = out["share"], out["plans"], out["total"]
    residual = out["yy"] - 2 * p * out["yt"] + p**2 * out["tt"]
    clustered = m / (m - 1).clip(lower=1) * residual.clip(lower=0) / total**2
    independent = p * (1 - p) / kish
    usable = (m >= 2) & (independent > 0)
    deff = (clustered / independent.where(usable)).where(usable)
    median = deff.groupby([out[k] for k in keys], sort=False).transform("median")
    return deff.fillna(median).fillna(1.0).clip(lower=1.0)


def _plan_texts(tagged: pd.DataFrame) -> pd.Series:
    rows = content_rows(tagged)
    keys = rows["doc_id"].astype(str) + "#" + rows["plan_no"].astype(str)
    return rows["text"].astype(str).groupby(keys, sort=False).agg("".join)


def plan_similarity(tagged: pd.DataFrame, pairs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Plan × plan cosine similarity of TF-IDF over character bigrams (index and columns
    ``doc#plan``).  The two measures are kept apart: with ``pairs`` from
    :func:`planparse.find_duplicates`, the matrix is unchanged and
    ``.attrs["copy_similarity"]`` holds :func:`copy_similarity` on the same plans."""
    import pandas as pd
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    texts = _plan_texts(tagged)
    matrix = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), sublinear_tf=True).fit_transform(
        texts
    )
    sim = pd.DataFrame(cosine_similarity(matrix), index=texts.index, columns=texts.index)
    if pairs is not None:
        sim.attrs["copy_similarity"] = copy_similarity(pairs, list(texts.index))
    return sim


def copy_similarity(pairs: pd.DataFrame, plans: Sequence[str]) -> pd.DataFrame:
    """Plan × plan: the largest similarity of the copy-paste ``pairs`` between two plans
    (0 where they share no copied text, 1 on the diagonal).

    Examples:
        >>> import pandas as pd
        >>> pairs = pd.DataFrame({"a_doc": ["x"], "a_plan": [1], "b_doc": ["y"], "b_plan": [1],
        ...                       "similarity": [0.9]})
        >>> copy_similarity(pairs, ["x#1", "y#1"]).to_numpy().tolist()
        [[1.0, 0.9], [0.9, 1.0]]
    """
    import pandas as pd

    from planparse.reuse.clusters import plan_keys

    index = {p: i for i, p in enumerate(plans)}
    grid = np.eye(len(plans))
    for a, b, value in zip(plan_keys(pairs, "a"), plan_keys(pairs, "b"), pairs["similarity"]):
        if a in index and b in index and a != b:
            i, j = index[a], index[b]
            grid[i, j] = grid[j, i] = max(grid[i, j], float(value))
    return pd.DataFrame(grid, index=list(plans), columns=list(plans))


def copied_units(pairs: pd.DataFrame) -> pd.DataFrame:
    """The copies among copy-paste ``pairs``: for each pair, the unit (``doc_id`` and the
    ``unit``'s item id) on the side that is not its family's likely ``source`` (side b when
    the source is unknown), so that text copied between plans can be counted once.

    Examples:
        >>> import pandas as pd
        >>> pairs = pd.DataFrame({"a_doc": ["x"], "a_plan": [1], "a_item": ["x#1/2"],
        ...     "b_doc": ["y"], "b_plan": [1], "b_item": ["y#1/3"], "source": ["y#1"]})
        >>> copied_units(pairs).values.tolist()
        [['x', 'x#1/2']]
    """
    import pandas as pd

    from planparse.reuse.clusters import plan_keys

    if pairs.empty:
        return pd.DataFrame({"doc_id": [], "unit": []}, dtype="string")
    source = pairs["source"].astype(str) if "source" in pairs else pd.Series("", index=pairs.index)
    a_is_copy = (source == plan_keys(pairs, "b")).to_numpy()
    return pd.DataFrame(
        {
            "doc_id": np.where(a_is_copy, pairs["a_doc"], pairs["b_doc"]),
            "unit": np.where(a_is_copy, pairs["a_item"], pairs["b_item"]),
        },
        dtype="string",
    ).drop_duplicates(ignore_index=True)


def without_copies(tagged: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """``tagged`` without the rows inside the copied ``units`` (:func:`copied_units`): an
    item is inside a unit when the unit is the item or one of its ancestors (item ids
    ``doc#plan/1.2.3``).

    Examples:
        >>> import pandas as pd
        >>> items = pd.DataFrame({"doc_id": ["x"] * 3, "item_id": ["x#1/1", "x#1/2", "x#1/2.1"]})
        >>> units = pd.DataFrame({"doc_id": ["x"], "unit": ["x#1/2"]})
        >>> without_copies(items, units).item_id.tolist()
        ['x#1/1']
    """
    if units.empty or tagged.empty:
        return tagged
    dropped = set(units["unit"].astype(str))
    ids = tagged["item_id"].astype(str)
    maybe = tagged["doc_id"].astype(str).isin(set(units["doc_id"].astype(str)))
    inside = ids[maybe].map(lambda item: not dropped.isdisjoint(_ancestors(item)))
    keep = ~maybe.copy()
    keep[maybe] = ~inside.astype(bool)
    out = tagged[keep.to_numpy()]
    out.attrs = dict(tagged.attrs)
    return out


def _ancestors(item_id: str) -> list[str]:
    """``doc#1/2.1`` → ``["doc#1", "doc#1/2", "doc#1/2.1"]``."""
    plan, _, path = item_id.partition("/")
    parts = path.split(".") if path else []
    return [plan] + [f"{plan}/{'.'.join(parts[: k + 1])}" for k in range(len(parts))]


def topics(
    tagged: pd.DataFrame, n: int = 8, top: int = 10, seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """NMF topics over the plans' jieba words: ``(terms, weights)``.

    ``terms`` has ``topic``, ``rank``, ``term``, ``weight``; ``weights`` is plan × topic.
    The same ``seed`` gives the same topics (NNDSVD initialisation, fixed random state).
    """
    import pandas as pd
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = _plan_texts(tagged)
    words = tokens(texts.tolist())
    vectorizer = TfidfVectorizer(analyzer=lambda doc: doc, min_df=2, sublinear_tf=True)
    matrix = vectorizer.fit_transform(words)
    model = NMF(
        n_components=min(n, matrix.shape[1], matrix.shape[0]),
        init="nndsvd",
        random_state=seed,
        max_iter=500,
    )
    doc_topics = model.fit_transform(matrix)
    vocab = vectorizer.get_feature_names_out()
    rows = [
        {"topic": k, "rank": r + 1, "term": vocab[j], "weight": float(component[j])}
        for k, component in enumerate(model.components_)
        for r, j in enumerate(np.argsort(-component, kind="stable")[:top])
    ]
    return pd.DataFrame(rows), pd.DataFrame(
        doc_topics, index=texts.index, columns=[f"topic_{k}" for k in range(doc_topics.shape[1])]
    )
