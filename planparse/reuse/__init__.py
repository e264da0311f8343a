"""Find copy-paste between plans: units, matching text, MinHash LSH candidates, verified
alignment, boilerplate discount, reuse families, evaluation and the HTML report.

Examples:
    >>> from planparse.reuse import PAIR_COLUMNS
    >>> PAIR_COLUMNS[:3]
    ['a_doc', 'a_plan', 'a_item']
"""

from planparse.reuse.detect import (
    PAIR_COLUMNS,
    Settings,
    find_duplicates,
    find_duplicates_by_chunk,
    stock_phrases,
)

__all__ = [
    "PAIR_COLUMNS",
    "Settings",
    "find_duplicates",
    "find_duplicates_by_chunk",
    "stock_phrases",
]
