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
    [['a', '维权', 1.0, 0.5], ['a', '家庭建设', 1.0, 0.5], ['b', '维权', 1.0, 1.0]]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np

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
    "distinctive_terms",
    "domain_cells",
    "domain_shares",
    "plan_similarity",
    "shares_from_cells",
    "stopwords",
    "terms_from_counts",
    "tokens",
    "topics",
    "wilson",
]

PLAN_KEYS = ["doc_id", "plan_no"]


def attach_metadata(tagged: "pd.DataFrame", meta: "pd.DataFrame | str") -> "pd.DataFrame":
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

    if isinstance(meta, str):
        meta = pd.read_csv(
            meta, sep="\t" if meta.endswith(".tsv") else ",", dtype=str, keep_default_na=False
        )
    meta = meta.rename(columns={"file": "doc_id"}).copy()
    meta["plan_no"] = meta["plan_no"].astype(int)
    extra = [c for c in meta.columns if c not in tagged.columns or c in PLAN_KEYS]
    joined = tagged.merge(meta[extra], on=PLAN_KEYS, how="left")
    joined.attrs = dict(tagged.attrs)  # keep failures and file paths for later stages
    return joined


def content_rows(tagged: "pd.DataFrame") -> "pd.DataFrame":
    """The rows themes count: no debris, content (``is_content``) with a domain given (when
    the table has those columns)."""
    rows = tagged[tagged["kind"] != "debris"] if "kind" in tagged else tagged
    if "is_content" in rows:
        rows = rows[rows["is_content"].astype(bool)]
    return rows[rows["domain"].fillna("").astype(str) != ""] if "domain" in rows else rows


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
    tagged: "pd.DataFrame",
    by: str | Sequence[str] = "doc_id",
    weight: str = "count",
    level: float = 0.95,
) -> "pd.DataFrame":
    """Count and share of each primary domain per group, with a Wilson interval.

    ``weight="chars"`` weighs items by their length; the interval then uses Kish's effective
    sample size, ``(Σw)² / Σw²``.  Columns: the ``by`` columns, ``domain``, ``n`` (items or
    characters), ``total``, ``share``, ``ci_low``, ``ci_high``.
    """
    return shares_from_cells(domain_cells(tagged, by, weight), by, level)


def domain_cells(
    tagged: "pd.DataFrame", by: str | Sequence[str] = "doc_id", weight: str = "count"
) -> "pd.DataFrame":
    """The sums :func:`domain_shares` works from: per group and domain, ``n`` (Σw) and
    ``sq`` (Σw²).  Cells of the parts of a table, concatenated in order, give the shares of
    the whole (:func:`shares_from_cells`), so an archive can be read a chunk at a time.

    Examples:
        >>> import pandas as pd
        >>> part = pd.DataFrame({"doc_id": ["a", "a"], "domain": ["维权", "维权"], "text": ["甲", "乙"]})
        >>> cells = pd.concat([domain_cells(part), domain_cells(part)])
        >>> shares_from_cells(cells)[["doc_id", "n", "share"]].values.tolist()
        [['a', 4.0, 1.0]]
    """
    keys = [by] if isinstance(by, str) else list(by)
    rows = content_rows(tagged).copy()
    if weight not in ("count", "chars"):
        raise ValueError("weight must be 'count' or 'chars'")
    rows["n"] = 1.0 if weight == "count" else rows["text"].astype(str).str.len().astype(float)
    rows["sq"] = rows["n"] ** 2
    return _summed(rows[keys + ["domain", "n", "sq"]], keys + ["domain"])


def _summed(cells: "pd.DataFrame", keys: list[str]) -> "pd.DataFrame":
    """``n`` and ``sq`` summed per key, keys in order of first appearance."""
    return cells.groupby(keys, sort=False, observed=True)[["n", "sq"]].sum().reset_index()


def shares_from_cells(
    cells: "pd.DataFrame", by: str | Sequence[str] = "doc_id", level: float = 0.95
) -> "pd.DataFrame":
    """:func:`domain_shares` from :func:`domain_cells` (of a table, or of its parts)."""
    import pandas as pd

    keys = [by] if isinstance(by, str) else list(by)
    cells = _summed(cells, keys + ["domain"])
    groups = cells.groupby(keys, sort=False, observed=True).agg(
        total=("n", "sum"), sq=("sq", "sum")
    )
    out = cells.drop(columns="sq").merge(groups.reset_index(), on=keys)
    out["share"] = out["n"] / out["total"]
    effective = out["total"] ** 2 / out["sq"]
    low, high = wilson(out["share"].to_numpy() * effective.to_numpy(), effective.to_numpy(), level)
    out["ci_low"], out["ci_high"] = low, high
    return pd.DataFrame(out.drop(columns="sq"))


def _plan_texts(tagged: "pd.DataFrame") -> "pd.Series":
    rows = content_rows(tagged)
    keys = rows["doc_id"].astype(str) + "#" + rows["plan_no"].astype(str)
    return rows["text"].astype(str).groupby(keys, sort=False).agg("".join)


def plan_similarity(tagged: "pd.DataFrame", pairs: "pd.DataFrame | None" = None) -> "pd.DataFrame":
    """Plan × plan cosine similarity of TF-IDF over character bigrams (index and columns
    ``doc#plan``).  With ``pairs`` from :func:`planparse.find_duplicates`, a copied pair gets
    at least its copy similarity, so a copy sits visibly next to its source."""
    import pandas as pd
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    texts = _plan_texts(tagged)
    matrix = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), sublinear_tf=True).fit_transform(
        texts
    )
    sim = pd.DataFrame(cosine_similarity(matrix), index=texts.index, columns=texts.index)
    if pairs is not None and len(pairs):
        for a, p, b, q, s in zip(
            pairs.a_doc, pairs.a_plan, pairs.b_doc, pairs.b_plan, pairs.similarity
        ):
            ka, kb = f"{a}#{p}", f"{b}#{q}"
            if ka in sim.index and kb in sim.index:
                value = max(sim.at[ka, kb], s)
                sim.at[ka, kb] = sim.at[kb, ka] = value
    return sim


def topics(
    tagged: "pd.DataFrame", n: int = 8, top: int = 10, seed: int = 0
) -> tuple["pd.DataFrame", "pd.DataFrame"]:
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
