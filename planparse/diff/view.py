"""A static, self-contained HTML page of a plan comparison, side by side.

Kept items are dimmed, rewritten items show their edits (deleted text struck through on the
left, inserted text marked on the right), added and dropped items are highlighted, a moved
item links to where it stood in plan A, and an item matched several times (merged, split)
shows its text once and links back to it.  The page needs no network.

Examples:
    >>> import planparse
    >>> a = planparse.parse("一、开展家风建设\\n", doc_id="a").to_frame()
    >>> b = planparse.parse("一、开展家风建设活动\\n", doc_id="b").to_frame()
    >>> "rewritten" in render_changes(planparse.diff.compare(a, b))
    True
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from planparse.diff.align import CHANGE_KINDS

if TYPE_CHECKING:
    import pandas as pd

_STYLE = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei","PingFang SC",
"Microsoft YaHei",sans-serif;margin:2em;color:#222;background:#fafafa}
h1{font-size:1.4em} table{border-collapse:collapse;width:100%;background:#fff}
td{vertical-align:top;border-top:1px solid #e4e4e4;padding:.45em .6em;line-height:1.7;width:46%}
td.kind{width:8%;font-size:.85em;color:#555;white-space:nowrap}
tr.kept td.side{color:#999} tr.added td.b{background:#e3f6e3} tr.dropped td.a{background:#fde2e2}
tr.moved td{background:#eef3ff} tr.merged td,tr.split td{background:#fff6dd}
del{background:#ffc9c9;text-decoration:line-through} ins{background:#c9f2c9;text-decoration:none}
.legend span{padding:0 .5em;margin-right:1em} .summary{margin:1em 0;color:#444}
a{color:#1558b0} td.again{font-size:.85em;color:#777}
"""


def _text(value: object) -> str:
    """A cell as text: missing values (None, NaN, NA) are empty."""
    import pandas as pd

    return "" if pd.isna(value) else str(value)


def _marked(text: str | None, edits: list, side: str) -> str:
    """``text`` with the edited characters of its side wrapped in <del> (A) or <ins> (B)."""
    if not text:
        return ""
    tag = "del" if side == "a" else "ins"
    out, at = [], 0
    for edit in sorted(edits, key=lambda e: e[f"{side}_pos"]):
        start, piece = edit[f"{side}_pos"], edit[side]
        if not piece:
            continue
        out += [html.escape(text[at:start]), f"<{tag}>{html.escape(piece)}</{tag}>"]
        at = start + len(piece)
    out.append(html.escape(text[at:]))
    return "".join(out)


def _row_html(row: dict, shown: set[str]) -> str:
    """One table row; an item already shown (a merge's B item, a split's A item) is a link
    back to its first row, not its text again."""
    edits = row["edits"] if isinstance(row["edits"], list) else list(row["edits"] or [])
    kind = row["change"]
    # a kept item may still differ in its years or placeholders: say so beside the marks
    label = html.escape(kind) + (" (edited)" if kind == "kept" and edits else "")
    if _text(row["similarity"]):
        label += f"<br>{float(row['similarity']):.2f}"
    if kind == "moved" and _text(row["a_item_id"]):
        label += f'<br><a href="#a-{html.escape(_text(row["a_item_id"]))}">from A</a>'
    cells = [_side_cell(row, side, edits, shown) for side in ("a", "b")]
    return f'<tr class="{html.escape(kind)}">{cells[0]}<td class="kind">{label}</td>{cells[1]}</tr>'


def _side_cell(row: dict, side: str, edits: list, shown: set[str]) -> str:
    """One side's cell: the item's text with its edits marked and an anchor (``a-<item id>``)
    the first time the item is shown, a link back to it after; empty on the side where the
    item does not exist (an added or dropped row), with no anchor, so every id is unique."""
    item_id = _text(row[f"{side}_item_id"])
    if not item_id:
        return f'<td class="side {side}"></td>'
    anchor = html.escape(f"{side}-{item_id}")
    if anchor in shown:
        return f'<td class="side {side} again"><a href="#{anchor}">↑ the same item, above</a></td>'
    shown.add(anchor)
    text = _marked(_text(row[f"{side}_text"]), edits, side)
    return f'<td class="side {side}" id="{anchor}">{text}</td>'


def render_changes(rows: pd.DataFrame, title_a: str = "A", title_b: str = "B") -> str:
    """The comparison table of :func:`~planparse.diff.compare` as one HTML page."""
    counts = rows["change"].value_counts()
    summary = ", ".join(f"{kind} {int(counts.get(kind, 0))}" for kind in CHANGE_KINDS)
    shown: set[str] = set()
    body = "\n".join(_row_html(row, shown) for row in rows.to_dict("records"))
    legend = (
        '<span class="legend"><del>deleted</del> <ins>inserted</ins> '
        '<span style="background:#e3f6e3">added</span>'
        '<span style="background:#fde2e2">dropped</span>'
        '<span style="background:#eef3ff">moved</span>'
        '<span style="background:#fff6dd">merged / split</span></span>'
    )
    title = f"{html.escape(title_a)} → {html.escape(title_b)}"
    return (
        f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{_STYLE}</style></head><body><h1>{title}</h1>"
        f'<p class="summary">{html.escape(summary)}</p><p>{legend}</p>'
        f"<table><tr><th>{html.escape(title_a)}</th><th></th><th>{html.escape(title_b)}</th></tr>"
        f"{body}</table></body></html>"
    )
