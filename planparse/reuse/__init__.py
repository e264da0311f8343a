"""Find copy-paste between plans: units, matching text, winnowed fingerprints (every shared
run of 50 characters is a candidate), passages chained across paragraph breaks, site
boilerplate and stock phrases set apart, reuse families, evaluation and the HTML report.

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
