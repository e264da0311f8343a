"""What changed inside a copied passage: the edits between its two sides, summarised.

Examples:
    >>> from collections import Counter
    >>> describe(Counter({_edit("积极", "用心"): 2, _edit("", "本村"): 1}))
    '积极→用心×2; +本村'
"""

from __future__ import annotations

from collections import Counter

#: An edit longer than this is summarised by its length.
SHORT_EDIT = 12
#: Edits listed per pair; the rest are counted.
MAX_EDITS = 12


def _edit(a: str, b: str) -> str:
    if a and b:
        return f"{a}→{b}" if max(len(a), len(b)) <= SHORT_EDIT else f"~{max(len(a), len(b))}字"
    text = a or b
    sign = "-" if a else "+"
    return f"{sign}{text}" if len(text) <= SHORT_EDIT else f"{sign}{len(text)}字"


def describe(edits: Counter) -> str:
    """The most frequent ``MAX_EDITS`` edits, then how many more there are.

    Examples:
        >>> describe(Counter({"积极→用心": 3, "+本村": 1}))
        '积极→用心×3; +本村'
    """
    ranked = sorted(edits.items(), key=lambda item: (-item[1], item[0]))
    shown = [f"{e}×{n}" if n > 1 else e for e, n in ranked[:MAX_EDITS]]
    rest = sum(n for _, n in ranked[MAX_EDITS:])
    return "; ".join(shown + ([f"… {rest} more edits"] if rest else []))
