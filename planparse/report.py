"""``report.html``: one self-contained page (no network, no CDN) that opens an analysis.

It holds the summary, a filterable table of items (domain, plan, text search), each plan's
outline in domain colours, the distinctive words of every group, the reuse families linked
to their pairs in ``copy_paste.html``, and the plots (embedded as data URIs).  Large archives
are sampled: the first :data:`MAX_ITEMS` content items and :data:`MAX_PLANS` outlines, which
the page says.

Examples:
    >>> page = render_page(Path("out"), summary, ["doc_id", "year"], parts)   # doctest: +SKIP
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: Items in the page's table, and plans whose outline is shown (the first ones).
MAX_ITEMS = 5000
MAX_PLANS = 100
#: Above this share of 其他 among content items, the summary says the taxonomy may not fit.
OTHER_WARNING = 0.8
TAXONOMY_DOCS = "https://planparse.readthedocs.io/en/latest/tagging/#your-own-taxonomy"
ITEM_COLUMNS = ["doc_id", "plan_no", "item_id", "kind", "depth", "domain", "text"]
PLOTS = ("domain_shares.png", "domain_trend.png", "similarity.png", "reuse.png")


def counted(n: int, word: str, plural: str | None = None) -> str:
    """``n`` and ``word``, in the plural unless ``n`` is 1 (run summaries read as English).

    Examples:
        >>> counted(1, "pair"), counted(3, "family", "families")
        ('1 pair', '3 families')
    """
    return f"{n} {word if n == 1 else plural or word + 's'}"


def taxonomy_warning(domain_shares: dict[str, float]) -> str:
    """One sentence when more than 80% of content items are 其他, else ``""``.

    Examples:
        >>> taxonomy_warning({"其他": 0.87, "维权": 0.13})[:40]
        '87% of content items fall in 其他: the fiv'
        >>> taxonomy_warning({"其他": 0.2})
        ''
    """
    other = float(domain_shares.get("其他", 0.0))
    if other <= OTHER_WARNING:
        return ""
    return (
        f"{other:.0%} of content items fall in 其他: the five-domain taxonomy may not fit "
        f"these texts. Train a model on your own labels ({TAXONOMY_DOCS})."
    )


def render_page(out: Path, summary: dict, groupings: list[str], parts: list) -> str:
    """The whole page as a string, from the files ``analyze`` wrote into ``out``."""
    items = _items(parts)
    sections = [
        _summary(summary),
        _section("Items", _item_filters(items) + _item_table()),
        _section("Plan outlines", _outlines(items)),
        _section("Distinctive words", _terms(out, groupings)),
        _section("Reuse families", _families(out)),
        _section("Plots", _plots(out)),
    ]
    data = json.dumps(_item_records(items), ensure_ascii=False).replace("</", "<\\/")
    return (
        "<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'>"
        f"<title>planparse analysis</title><style>{STYLE}</style></head><body>"
        "<h1>planparse analysis</h1>"
        + "".join(sections)
        + f"<script id='items-data' type='application/json'>{data}</script>"
        f"<script>{SCRIPT}</script></body></html>\n"
    )


def _items(parts: list) -> pd.DataFrame:
    """The first MAX_ITEMS content items, read a chunk at a time."""
    import pandas as pd

    from planparse.themes import content_rows

    frames, held = [], 0
    for path, _ in parts:
        rows = content_rows(pd.read_parquet(path, columns=ITEM_COLUMNS))
        frames.append(rows.head(MAX_ITEMS - held))
        held += len(frames[-1])
        if held >= MAX_ITEMS:
            break
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ITEM_COLUMNS)


def _item_records(items: pd.DataFrame) -> list[dict]:
    return [
        {"plan": f"{d}#{p}", "id": i, "domain": str(m), "kind": str(k), "text": str(t)[:400]}
        for d, p, i, m, k, t in zip(
            items.doc_id, items.plan_no, items.item_id, items.domain, items.kind, items.text
        )
    ]


def _section(title: str, body: str) -> str:
    anchor = title.lower().replace(" ", "-")
    return f"<section id='{anchor}'><h2>{html.escape(title)}</h2>{body}</section>"


def _summary(summary: dict) -> str:
    shares = "".join(
        f"<tr><td><span class='dot' style='background:{_colour(d)}'></span>{html.escape(d)}"
        f"</td><td>{s:.1%}</td></tr>"
        for d, s in summary["domain_shares"].items()
    )
    warning = taxonomy_warning(summary["domain_shares"])
    copies = (
        f" Themes count copied text once: "
        f"{counted(summary.get('copied_items_left_out', 0), 'copied item')} left out."
        if summary.get("copies_counted_once")
        else ""
    )
    named = summary.get("metadata", {})
    meta = ", ".join(f"{f} {n}" for f, n in named.items() if f != "plans")
    return (
        "<section id='summary'><h2>Summary</h2>"
        f"<p>{counted(summary.get('files', 0), 'file')}, {counted(summary['plans'], 'plan')}, "
        f"{counted(summary['items'], 'content item')} counted; "
        f"{counted(summary['reuse_pairs'], 'copy-paste pair')} in "
        f"{counted(summary['reuse_families'], 'family', 'families')} (<a href='copy_paste.html'>"
        f"side-by-side report</a>); {counted(summary.get('failures', 0), 'file')} could not be "
        f"read (<a href='errors.csv'>errors.csv</a>).{copies}</p>"
        + (f"<p class='warning'>{html.escape(warning)}</p>" if warning else "")
        + (
            f"<p>Plans with metadata named (of {named.get('plans')}): {meta} "
            "(<a href='metadata.csv'>metadata.csv</a>, with the source of every value).</p>"
            if named
            else ""
        )
        + f"<table class='shares'><tr><th>domain</th><th>share</th></tr>{shares}</table></section>"
    )


def _item_filters(items: pd.DataFrame) -> str:
    domains = "".join(
        f"<option>{html.escape(str(d))}</option>" for d in dict.fromkeys(items.domain.astype(str))
    )
    plans = "".join(
        f"<option>{html.escape(p)}</option>"
        for p in dict.fromkeys(items.doc_id.astype(str) + "#" + items.plan_no.astype(str))
    )
    cap = f" (the first {MAX_ITEMS} content items)" if len(items) >= MAX_ITEMS else ""
    return (
        "<div class='filters'><label>domain <select id='domain-filter'><option value=''>all"
        f"</option>{domains}</select></label> <label>plan <select id='plan-filter'>"
        f"<option value=''>all</option>{plans}</select></label> <label>text <input "
        "id='text-filter' type='search' placeholder='搜索 / search'></label> "
        f"<span id='item-count'></span>{cap}</div>"
    )


def _item_table() -> str:
    return (
        "<table id='items'><thead><tr><th>plan</th><th>item</th><th>domain</th><th>text</th>"
        "</tr></thead><tbody></tbody></table><p class='note'>At most 500 rows are shown; "
        "narrow the filters to see the rest.</p>"
    )


def _outlines(items: pd.DataFrame) -> str:
    blocks = []
    plans = items.groupby(["doc_id", "plan_no"], sort=False)
    for n, ((doc, plan), rows) in enumerate(plans):
        if n >= MAX_PLANS:
            blocks.append(f"<p class='note'>The first {MAX_PLANS} plans are shown.</p>")
            break
        lines = "".join(
            f"<li style='margin-left:{max(int(depth) - 1, 0) * 1.4}em;border-color:"
            f"{_colour(str(domain))}' title='{html.escape(str(domain))}'>"
            f"{html.escape(str(text)[:160])}</li>"
            for depth, domain, text, kind in zip(rows.depth, rows.domain, rows.text, rows.kind)
            if kind != "para"
        )
        blocks.append(
            f"<details><summary>{html.escape(f'{doc}#{plan}')} ({len(rows)} items)</summary>"
            f"<ul class='outline'>{lines}</ul></details>"
        )
    legend = "".join(
        f"<span class='dot' style='background:{c}'></span>{html.escape(d)} "
        for d, c in _colours().items()
    )
    return f"<p>{legend}</p>" + "".join(blocks)


def _terms(out: Path, groupings: list[str]) -> str:
    import pandas as pd

    tables = []
    for by in groupings:
        path = out / "themes" / f"distinctive_terms_by_{by}.csv"
        if not path.is_file():
            continue
        terms = pd.read_csv(path, dtype={"group": str}, keep_default_na=False)
        if terms.empty:
            continue
        rows = "".join(
            f"<tr><td>{html.escape(str(group))}</td>"
            f"<td>{html.escape(' '.join(words.term.head(10)))}"
            f"</td><td>{int(words.compared.iloc[0]) if 'compared' in words else ''}</td></tr>"
            for group, words in terms.groupby("group", sort=False)
        )
        tables.append(
            f"<h3>by {html.escape(by)}</h3><table class='terms'><tr><th>group</th><th>top 10 "
            f"words, ranked by z</th><th>words compared</th></tr>{rows}</table>"
            f"<p class='note'><a href='themes/{path.name}'>{path.name}</a> has the z-scores; "
            f"<a href='themes/domain_shares_by_{by}.csv'>domain shares by {html.escape(by)}"
            "</a> (plan-clustered 95% intervals).</p>"
        )
    return "".join(tables) or "<p>No metadata to group by.</p>"


def _families(out: Path) -> str:
    import pandas as pd

    path = out / "clusters.parquet"
    clusters = pd.read_parquet(path) if path.is_file() else pd.DataFrame()
    if clusters.empty:
        return "<p>No copy-paste was found.</p>"
    ordered = clusters.sort_values(["copied_chars", "cluster"], ascending=[False, True]).head(200)
    rows = "".join(
        f"<tr><td><a class='family' href='copy_paste.html#family-{int(c.cluster)}'>family "
        f"{int(c.cluster)}</a></td><td>{int(c.plans)}</td><td>{int(c.pairs)}</td>"
        f"<td>{int(c.copied_chars)}</td><td>{html.escape(str(c.source))}</td>"
        f"<td>{html.escape(', '.join(str(c.members).split('|')[:4]))}</td></tr>"
        for c in ordered.itertuples()
    )
    return (
        "<table id='families'><tr><th>family</th><th>plans</th><th>pairs</th><th>copied "
        f"characters</th><th>likely source</th><th>members</th></tr>{rows}</table>"
    )


def _plots(out: Path) -> str:
    images = []
    for name in PLOTS:
        path = out / "plots" / name
        if path.is_file():
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            images.append(
                f"<figure><img alt='{name}' src='data:image/png;base64,{data}'>"
                f"<figcaption>{name}</figcaption></figure>"
            )
    return "".join(images) or "<p>No plots were drawn.</p>"


def _colours() -> dict[str, str]:
    from planparse.plot import DOMAIN_COLOURS

    return DOMAIN_COLOURS


def _colour(domain: str) -> str:
    return _colours().get(domain, "#666666")


STYLE = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",
sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222}
h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:.25em .5em;
text-align:left;vertical-align:top}th{background:#f4f4f4}
.dot{display:inline-block;width:.8em;height:.8em;border-radius:50%;margin-right:.3em}
.warning{background:#fff3cd;border:1px solid #e0c36b;padding:.5em}
.filters{margin:.5em 0}.filters label{margin-right:1em}.note{color:#666;font-size:.9em}
#items td:nth-child(4){max-width:40em}
.outline{list-style:none;padding-left:0}.outline li{border-left:.35em solid;padding-left:.4em;
margin:.1em 0}
figure{display:inline-block;margin:.5em;max-width:48%}figure img{max-width:100%}
"""

SCRIPT = """
const items = JSON.parse(document.getElementById('items-data').textContent);
const domainFilter = document.getElementById('domain-filter');
const planFilter = document.getElementById('plan-filter');
const textFilter = document.getElementById('text-filter');
const body = document.querySelector('#items tbody');
const escape = s => s.replace(/[&<>'"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;',
  "'":'&#39;','"':'&quot;'}[c]));
function render() {
  const d = domainFilter.value, p = planFilter.value, q = textFilter.value.trim();
  const rows = items.filter(r => (!d || r.domain === d) && (!p || r.plan === p)
    && (!q || r.text.includes(q)));
  document.getElementById('item-count').textContent = rows.length + ' items';
  body.innerHTML = rows.slice(0, 500).map(r => '<tr><td>' + escape(r.plan) + '</td><td>'
    + escape(r.id) + '</td><td>' + escape(r.domain) + '</td><td>' + escape(r.text)
    + '</td></tr>').join('');
}
[domainFilter, planFilter].forEach(e => e.addEventListener('change', render));
textFilter.addEventListener('input', render);
render();
"""
