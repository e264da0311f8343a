"""Reuse families: pairs joined by union-find, and the likely source of each family.

Examples:
    >>> import pandas as pd
    >>> pairs = pd.DataFrame({"a_doc": ["x", "y"], "a_plan": [1, 1], "b_doc": ["y", "z"], "b_plan": [1, 1]})
    >>> items = pd.DataFrame({"doc_id": ["x", "y", "z"], "plan_no": [1, 1, 1],
    ...                       "plan_title": ["2019年计划", "2020年计划", "2021年计划"]})
    >>> add_clusters(pairs, items)[["cluster", "source"]].values.tolist()
    [[1, 'x#1'], [1, 'x#1']]
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

_YEAR = re.compile(r"(19[5-9]\d|20[0-4]\d)\s*年")


class UnionFind:
    """Disjoint sets over hashable items, with path halving."""

    def __init__(self) -> None:
        self.parent: dict = {}

    def find(self, item):
        parent = self.parent.setdefault(item, item)
        while parent != item:
            grand = self.parent.setdefault(parent, parent)
            self.parent[item] = grand
            item, parent = parent, grand
        return item

    def union(self, a, b) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def plan_keys(pairs: pd.DataFrame, side: str) -> pd.Series:
    """``doc#plan`` of side ``"a"`` or ``"b"`` of each pair: how plans are named in reports.

    Examples:
        >>> import pandas as pd
        >>> plan_keys(pd.DataFrame({"a_doc": ["x.txt"], "a_plan": [2]}), "a").tolist()
        ['x.txt#2']
    """
    return pairs[f"{side}_doc"].astype(str) + "#" + pairs[f"{side}_plan"].astype(str)


def plan_years(items: pd.DataFrame, meta: pd.DataFrame | None = None) -> dict[str, int]:
    """``doc#plan`` → year: from ``meta`` (columns doc_id, plan_no, year) where given, else the
    first year written in the plan's title (2019年…)."""
    years: dict[str, int] = {}
    titles = items[items.plan_no > 0].groupby(["doc_id", "plan_no"]).plan_title.first()
    for (doc, plan), title in titles.items():
        found = _YEAR.search(str(title))
        if found:
            years[f"{doc}#{plan}"] = int(found.group(1))
    if meta is not None:
        for doc, plan, year in zip(meta["doc_id"], meta["plan_no"], meta["year"]):
            if str(year).isdigit():
                years[f"{doc}#{int(plan)}"] = int(year)
    return years


def add_clusters(
    pairs: pd.DataFrame, items: pd.DataFrame, meta: pd.DataFrame | None = None
) -> pd.DataFrame:
    """``pairs`` with ``cluster`` (1, 2, … by first member) and ``source`` (the earliest plan of
    the family, ``doc#plan``; empty when no year tells, or two plans tie)."""
    out = pairs.copy()
    keys = [
        (f"{a}#{p}", f"{b}#{q}")
        for a, p, b, q in zip(out["a_doc"], out["a_plan"], out["b_doc"], out["b_plan"])
    ]
    sets = UnionFind()
    for a, b in keys:
        sets.union(a, b)
    roots = sorted({sets.find(a) for a, _ in keys})
    number = {root: n for n, root in enumerate(roots, 1)}
    years = plan_years(items, meta)
    members: dict[str, set[str]] = {}
    for a, b in keys:
        members.setdefault(sets.find(a), set()).update((a, b))
    source = {}
    for root, plans in members.items():
        dated = sorted((years[p], p) for p in plans if p in years)
        unique_first = dated and (len(dated) == 1 or dated[0][0] < dated[1][0])
        source[root] = dated[0][1] if unique_first else ""
    out["cluster"] = [number[sets.find(a)] for a, _ in keys]
    out["source"] = [source[sets.find(a)] for a, _ in keys]
    return out


def clusters_table(pairs: pd.DataFrame) -> pd.DataFrame:
    """One row per reuse family (``clusters.parquet``, columns :data:`planparse.schema.CLUSTERS`):
    its plans, pairs, copied characters and likely source."""
    import pandas as pd

    from planparse.schema import CLUSTERS

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
    return pd.DataFrame(rows, columns=CLUSTERS.names)
