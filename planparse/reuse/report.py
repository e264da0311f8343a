"""A static, self-contained HTML page of copy-paste findings, side by side.

Copied characters are highlighted, edits inside a copy are marked, and stock phrases (套话)
are greyed.  Pairs are sorted by the size of the copy.  The page needs no network.

Examples:
    >>> html = render_report(pairs, texts)        # doctest: +SKIP
    >>> Path("report.html").write_text(html, encoding="utf-8")   # doctest: +SKIP
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from planparse.reuse.matchtext import DocText

if TYPE_CHECKING:
    import pandas as pd

_STYLE = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;
margin:2em;color:#222;background:#fafafa}
h1{font-size:1.4em} .pair{background:#fff;border:1px solid #ddd;margin:1.5em 0;padding:1em}
.meta{font-size:.9em;color:#555;margin-bottom:.6em} .cols{display:flex;gap:1em}
.col{flex:1;white-space:pre-wrap;line-height:1.7;font-size:.95em;border-top:1px solid #eee;padding-top:.5em}
.same{background:#fff3b0} .edit{background:#ffc9c9;text-decoration:underline wavy #c00}
.stock{color:#999;background:#eee} .legend span{padding:0 .4em;margin-right:1em}
"""


def _classes(a: str, b: str, stock_a: set[int], stock_b: set[int]) -> tuple[list[str], list[str]]:
    """A CSS class per character of ``a`` and ``b``: same, edit or stock."""
    from rapidfuzz.distance import Levenshtein

    cls_a, cls_b = ["edit"] * len(a), ["edit"] * len(b)
    for op in Levenshtein.opcodes(a, b):
        if op.tag == "equal":
            cls_a[op.src_start : op.src_end] = ["same"] * (op.src_end - op.src_start)
            cls_b[op.dest_start : op.dest_end] = ["same"] * (op.dest_end - op.dest_start)
    for i in stock_a:
        cls_a[i] = "stock"
    for i in stock_b:
        cls_b[i] = "stock"
    return cls_a, cls_b


def _stock_positions(text: str, phrases: Sequence[str]) -> set[int]:
    found: set[int] = set()
    for phrase in phrases:
        start = text.find(phrase)
        while start >= 0:
            found.update(range(start, start + len(phrase)))
            start = text.find(phrase, start + 1)
    return found


def _markup(original: str, start: int, end: int, normal, classes: list[str]) -> str:
    """HTML of ``original[start:end]``: kept characters take their class, the rest none."""
    by_offset = dict(zip(normal.offsets.tolist(), classes))
    out, current, run = [], None, []
    for offset in range(start, end):
        cls = by_offset.get(offset, current if original[offset].isspace() else None)
        if cls != current and run:
            out.append(_span(current, "".join(run)))
            run = []
        current = cls
        run.append(original[offset])
    if run:
        out.append(_span(current, "".join(run)))
    return "".join(out)


def _span(cls: str | None, text: str) -> str:
    escaped = html.escape(text)
    return f'<span class="{cls}">{escaped}</span>' if cls else escaped


def render_report(
    pairs: pd.DataFrame,
    texts: Mapping[str, str],
    stock: Sequence[str] = (),
    title: str = "planparse: copy-paste report",
    max_pairs: int = 300,
) -> str:
    """The whole page as a string: the ``max_pairs`` largest pairs side by side (a page of
    thousands is unreadable, and every pair is in the table anyway)."""
    from planparse.reuse.detect import stock_phrases

    phrases = stock_phrases(stock)
    ordered = (
        pairs.assign(size=pairs.a_end - pairs.a_start)
        .sort_values(["size", "a_doc", "a_start"], ascending=[False, True, True])
        .head(max_pairs)
    )
    blocks, families = [], set()
    for n, row in enumerate(ordered.itertuples(), 1):
        a = DocText(texts[row.a_doc]).unit(row.a_start, row.a_end)
        b = DocText(texts[row.b_doc]).unit(row.b_start, row.b_end)
        cls_a, cls_b = _classes(
            a.text, b.text, _stock_positions(a.text, phrases), _stock_positions(b.text, phrases)
        )
        left = _markup(texts[row.a_doc], row.a_start, row.a_end, a, cls_a)
        right = _markup(texts[row.b_doc], row.b_start, row.b_end, b, cls_b)
        meta = (
            f"#{n} · {row.unit} · similarity {row.similarity:.2f} · containment "
            f"{row.containment:.2f} · boilerplate {row.boilerplate_share:.0%} · family "
            f"{row.cluster}" + (f" · likely source {row.source}" if row.source else "")
        )
        edits = f"<div class='meta'>edits: {html.escape(row.edits)}</div>" if row.edits else ""
        # The family's first (largest) pair carries its anchor: report.html links to it.
        anchor = "" if row.cluster in families else f"<a id='family-{row.cluster}'></a>"
        families.add(row.cluster)
        blocks.append(
            f"{anchor}<div class='pair' id='pair-{n}'><div class='meta'>{html.escape(meta)}</div>"
            f"{edits}"
            f"<div class='cols'><div class='col'><b>{html.escape(row.a_doc)}</b> (plan {row.a_plan}, "
            f"{row.a_start}–{row.a_end})\n{left}</div><div class='col'><b>{html.escape(row.b_doc)}"
            f"</b> (plan {row.b_plan}, {row.b_start}–{row.b_end})\n{right}</div></div></div>"
        )
    legend = (
        "<p class='legend'><span class='same'>copied</span><span class='edit'>edited</span>"
        "<span class='stock'>stock phrase (套话)</span></p>"
    )
    return (
        f"<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>{html.escape(title)}"
        f"</title><style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
        f"<p>{len(pairs)} pairs, largest first"
        + (
            f"; the largest {max_pairs} are shown, all are in the pairs table"
            if len(pairs) > max_pairs
            else ""
        )
        + f".</p>{legend}{''.join(blocks)}{_boilerplate(pairs, texts)}</body></html>\n"
    )


def _boilerplate(pairs: pd.DataFrame, texts: Mapping[str, str], shown: int = 120) -> str:
    """The passages shared only through site boilerplate (``pairs.attrs["boilerplate"]``):
    listed, greyed, never counted as copying."""
    rows = pairs.attrs.get("boilerplate", [])
    if not rows:
        return ""
    items = "".join(
        f"<li>{html.escape(r['a_doc'])} {r['a_start']}–{r['a_end']} · {html.escape(r['b_doc'])} "
        f"{r['b_start']}–{r['b_end']}: <span class='stock'>"
        f"{html.escape(texts[r['a_doc']][r['a_start'] : r['a_end']][:shown])}</span></li>"
        for r in rows
        if r["a_doc"] in texts
    )
    return (
        f"<h2>Site boilerplate ({len(rows)} passages, not counted as copying)</h2>"
        f"<ul class='boilerplate'>{items}</ul>"
    )
