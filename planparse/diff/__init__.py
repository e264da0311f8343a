"""Compare two plans as plans (the ``diff`` stage): which items were kept, rewritten, moved, merged, split,
dropped or added (:func:`compare`), a plan-level summary (:func:`summarize`), every
issuer's consecutive plans at once (:func:`changes`), and a side-by-side HTML view
(:func:`render_changes`).

Examples:
    >>> import planparse
    >>> a = planparse.parse("一、开展家风建设活动\\n", doc_id="a").to_frame()
    >>> b = planparse.parse("一、开展家风建设活动\\n二、成立维权站\\n", doc_id="b").to_frame()
    >>> summarize(compare(a, b))["added"]
    1
"""

from planparse.diff.align import CHANGE_COLUMNS, CHANGE_KINDS, Settings, compare
from planparse.diff.keys import matching_key
from planparse.diff.summary import changes, domain_shift, summarize
from planparse.diff.view import render_changes

__all__ = [
    "CHANGE_COLUMNS",
    "CHANGE_KINDS",
    "Settings",
    "changes",
    "compare",
    "domain_shift",
    "matching_key",
    "render_changes",
    "summarize",
]
