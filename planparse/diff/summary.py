"""Plan-level summaries of a comparison, and the comparison of every issuer's plans year by year.

Examples:
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"change": ["kept", "added"], "a_text": ["开展活动", None],
    ...                      "b_text": ["开展活动", "成立维权站"], "similarity": [1.0, None]})
    >>> summary = summarize(rows)
    >>> summary["kept"], summary["added"], round(summary["carried_over"], 2)
    (1, 1, 0.44)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from planparse.diff.align import CHANGE_KINDS, Settings, compare

if TYPE_CHECKING:
    import pandas as pd

_MATCHED = ("kept", "rewritten", "moved", "merged", "split")
PLAN_KEYS = ["doc_id", "plan_no"]


def summarize(rows: pd.DataFrame) -> dict:
    """Counts per change kind (rows: an item matched several times counts each time), and
    ``carried_over``: the share of plan B's characters that came from plan A (each matched B
    item counted once, by its length times its largest similarity).

    Examples:
        >>> import pandas as pd
        >>> summarize(pd.DataFrame(columns=["change", "a_text", "b_text", "similarity"]))["kept"]
        0
    """
    counts = rows["change"].value_counts()
    summary: dict = {kind: int(counts.get(kind, 0)) for kind in CHANGE_KINDS}
    b_rows = rows.dropna(subset=["b_text"])
    matched = b_rows["change"].isin(_MATCHED)
    weights = b_rows["similarity"].astype(float).fillna(0.0).clip(0, 1).where(matched, 0.0)
    # A B item merged from several A items has one row each: it counts once, by its best.
    best = (
        b_rows.assign(weight=weights)
        .sort_values("weight", ascending=False, kind="stable")
        .drop_duplicates("b_text" if "b_item_id" not in rows else "b_item_id")
    )
    lengths = best["b_text"].str.len().astype(float).to_numpy()
    total = float(lengths.sum())
    summary["carried_over"] = (
        float((lengths * best["weight"].to_numpy()).sum() / total) if total else 0.0
    )
    return summary


def domain_shift(rows: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Each domain's share of plan A's and plan B's items, and the change in share with a
    Newcombe hybrid-score interval (the difference of two Wilson intervals).

    Examples:
        >>> import pandas as pd
        >>> rows = pd.DataFrame({"a_domain": ["维权", "维权", None], "b_domain": ["维权", "就业", "就业"],
        ...                      "a_item_id": ["a1", "a2", None], "b_item_id": ["b1", "b2", "b3"]})
        >>> domain_shift(rows)[["domain", "share_a", "share_b"]].round(2).values.tolist()
        [['就业', 0.0, 0.67], ['维权', 1.0, 0.33]]
    """
    import pandas as pd

    from planparse.themes import wilson

    a = _side_domains(rows, "a")
    b = _side_domains(rows, "b")
    domains = sorted(set(a) | set(b))
    n_a, n_b = float(len(a)), float(len(b))
    hits_a = np.array([float((a == d).sum()) for d in domains])
    hits_b = np.array([float((b == d).sum()) for d in domains])
    low_a, high_a = wilson(hits_a, np.full(len(domains), n_a), level)
    low_b, high_b = wilson(hits_b, np.full(len(domains), n_b), level)
    share_a = hits_a / n_a if n_a else np.zeros(len(domains))
    share_b = hits_b / n_b if n_b else np.zeros(len(domains))
    diff = share_b - share_a
    return pd.DataFrame(
        {
            "domain": domains,
            "n_a": hits_a,
            "share_a": share_a,
            "n_b": hits_b,
            "share_b": share_b,
            "shift": diff,
            "shift_low": diff - np.sqrt((share_b - low_b) ** 2 + (high_a - share_a) ** 2),
            "shift_high": diff + np.sqrt((high_b - share_b) ** 2 + (share_a - low_a) ** 2),
        }
    )


def _side_domains(rows: pd.DataFrame, side: str) -> pd.Series:
    column = f"{side}_domain"
    if column not in rows.columns:
        return rows.iloc[:0][f"{side}_item_id"]
    items = rows.dropna(subset=[f"{side}_item_id"]).drop_duplicates(f"{side}_item_id")
    return items[column].dropna()


def _group_key(table: pd.DataFrame, by: str | Sequence[str]) -> pd.Series:
    """One key per row: the ``by`` column, or the columns joined.  ``by="issuer"`` without an
    ``issuer`` column means the place and the issuer type together."""
    columns = [by] if isinstance(by, str) else list(by)
    if columns == ["issuer"] and "issuer" not in table.columns:
        columns = [c for c in ("place", "issuer_type") if c in table.columns]
    missing = [c for c in columns if c not in table.columns] or ([] if columns else [by])
    if missing:
        raise KeyError(
            f"changes(by={by!r}): the table has no column {missing[0]!r}; "
            "attach plan metadata first (planparse.themes.attach_metadata)"
        )
    import pandas as pd

    if table.empty:  # agg over no rows gives a frame, not a series
        return pd.Series([], index=table.index, dtype="string")
    return table[columns].astype("string").fillna("").agg("/".join, axis=1)


def plan_pairs(
    tagged: pd.DataFrame, by: str | Sequence[str] = "issuer", order: str = "year"
) -> list[tuple[str, tuple, tuple]]:
    """(group, plan A, plan B) for each plan and the same group's previous plan by ``order``.

    Plans are ``(doc_id, plan_no)``; plans whose group or order is unknown are left out, and
    so are two plans with the same order value (two plans of one year are not a sequence).
    """
    plans = tagged[PLAN_KEYS].copy()
    plans["group"] = _group_key(tagged, by)
    plans["order"] = tagged[order]
    plans = plans.dropna(subset=["order"]).drop_duplicates(PLAN_KEYS)
    plans = plans[plans["group"].str.strip("/") != ""].sort_values(["group", "order", *PLAN_KEYS])
    pairs = []
    for group, members in plans.groupby("group", sort=True):
        if members["order"].duplicated(keep=False).any():
            members = members.drop_duplicates("order", keep=False)
        keys = list(members[PLAN_KEYS].itertuples(index=False, name=None))
        pairs += [(group, keys[k - 1], keys[k]) for k in range(1, len(keys))]
    return pairs


def changes(
    tagged: pd.DataFrame,
    by: str | Sequence[str] = "issuer",
    order: str = "year",
    settings: Settings = Settings(),
) -> pd.DataFrame:
    """:func:`~planparse.diff.compare` for every plan and its group's previous plan.

    ``tagged`` is an item table with plan metadata (``by`` and ``order`` columns, as
    :func:`planparse.themes.attach_metadata` gives).  The rows of all pairs are returned, with
    ``group``, ``a_doc_id``, ``a_plan_no``, ``b_doc_id`` and ``b_plan_no`` in front.

    Examples:
        >>> import pandas as pd, planparse
        >>> a = planparse.parse("一、开展家风建设\\n", doc_id="a").to_frame().assign(issuer="x", year=2020)
        >>> b = planparse.parse("一、开展家风建设\\n", doc_id="b").to_frame().assign(issuer="x", year=2021)
        >>> changes(pd.concat([a, b]))[["group", "a_doc_id", "b_doc_id", "change"]].values.tolist()
        [['x', 'a', 'b', 'kept']]
    """
    import pandas as pd

    plans = {key: rows for key, rows in tagged.groupby(PLAN_KEYS, sort=False)}
    frames = []
    for group, key_a, key_b in plan_pairs(tagged, by, order):
        rows = compare(plans[key_a], plans[key_b], settings)
        ids = {
            "group": group,
            "a_doc_id": key_a[0],
            "a_plan_no": key_a[1],
            "b_doc_id": key_b[0],
            "b_plan_no": key_b[1],
        }
        frames.append(rows.assign(**ids)[[*ids, *rows.columns]])
    if not frames:
        return compare(tagged.iloc[:0], tagged.iloc[:0]).assign(
            group=None, a_doc_id=None, a_plan_no=None, b_doc_id=None, b_plan_no=None
        )
    return pd.concat(frames, ignore_index=True)
