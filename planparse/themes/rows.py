"""Which rows of the item table themes count, and the group each plan falls in.

Examples:
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"kind": ["item", "debris"], "domain": ["维权", "其他"]})
    >>> len(content_rows(rows))
    1
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


#: The group of a plan whose metadata does not name the grouping's value.
UNKNOWN = "unknown"


def content_rows(tagged: pd.DataFrame) -> pd.DataFrame:
    """The rows themes count: no debris, not marked ``is_content`` False, a domain given (when
    the table has those columns; a missing domain, NA, is not counted)."""
    rows = tagged[tagged["kind"].astype(str) != "debris"] if "kind" in tagged else tagged
    if "is_content" in rows:
        rows = rows[rows["is_content"].fillna(False).astype(bool)]
    if "domain" not in rows:
        return rows
    return rows[rows["domain"].notna() & (rows["domain"].astype(str) != "")]


def group_values(values: pd.Series) -> pd.Series:
    """A grouping column as strings, a missing or empty value as :data:`UNKNOWN` (a plan
    without metadata is counted in its own group, never dropped).

    Examples:
        >>> import pandas as pd
        >>> group_values(pd.Series(["2019", None, ""])).tolist()
        ['2019', 'unknown', 'unknown']
    """
    text = values.astype("string").fillna("")
    return text.mask(text.str.strip() == "", UNKNOWN)
