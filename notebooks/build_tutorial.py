"""Write notebooks/tutorial.ipynb from the cells below and execute it, so that the stored
notebook shows its tables and figures (CI re-executes it and checks that every code cell
still runs and that the stored figures are there: tests/test_notebook.py).

python notebooks/build_tutorial.py
"""

from pathlib import Path

import nbclient
import nbformat

CELLS = [
    (
        "md",
        """# planparse tutorial: from raw plan files to research questions

This notebook works through the bundled sample archive (90 work plans of women's federations,
written by the planparse project in the genre, with planted copy-paste) from raw files to the
questions researchers ask: **what do plans talk about, how does that differ by issuer and
year, and who copied whom?** Every step returns a pandas DataFrame.""",
    ),
    (
        "code",
        """%matplotlib inline
import matplotlib
import pandas as pd
import planparse
from planparse import themes, plot

matplotlib.rcParams["figure.dpi"] = 72  # small figures in the stored notebook
archive = planparse.sample_path()
sorted(p.name for p in archive.iterdir())[:5]""",
    ),
    (
        "md",
        """## 1. Parse

`parse_files` reads every file (UTF-8 or GB18030 `.txt`, `.docx` with Word numbering, `.pdf`),
splits compilations into plans, and turns each plan into a tree of headings, numbered items,
inline enumerations (一是…二是…) and paragraphs. One row per node; `start`/`end` are
character offsets into the decoded file, so `text[start:end]` is the node as written.
`kind == "debris"` rows record what was set aside (page numbers, web widgets, site blurbs).""",
    ),
    (
        "code",
        """items = planparse.parse_files([archive])
print(len(items), "rows;", items.attrs["failures"], "failures")
items[["item_id", "kind", "depth", "marker", "heading", "text"]].head(8)""",
    ),
    ("code", """items.kind.value_counts()"""),
    (
        "md",
        """## 2. Tag by domain

`tag` adds the primary `domain`, all `domains` over the threshold, one calibrated probability
per label (`p_维权` … `p_其他`) and a `reason`: the words or character n-grams that drove the
label, so that a person can check it.""",
    ),
    (
        "code",
        """tagged = planparse.tag(items)
tagged[tagged.kind != "debris"][["text", "domain", "p_维权", "p_家庭建设", "reason"]].head(6)""",
    ),
    (
        "md",
        """## 3. Find copy-paste

`find_duplicates` reports each copied pair at the largest unit copied (a whole plan, a
section, an item), with the copied span's offsets in both files, the edits inside the copy
(synonym swaps, changed place names), the share of stock phrases (套话), the reuse family and
its likely source (the earliest dated plan).""",
    ),
    (
        "code",
        """pairs = planparse.find_duplicates(items, texts=[archive])   # offsets into these files
pairs[["a_doc", "b_doc", "unit", "similarity", "containment", "edits", "cluster", "source"]].head(8)""",
    ),
    (
        "md",
        """## 4. Metadata: inferred, or from plans.tsv

Themes are compared by year, issuer level and issuer type. `infer_metadata` reads them from
each plan's title, file name and opening lines, with the source of every value; placeholders
such as `20xx年` mean unknown. The sample also ships a hand-written `plans.tsv`, which
overrides what was inferred (`merged_metadata`).""",
    ),
    (
        "code",
        """from planparse.metadata import infer_metadata, merged_metadata

inferred = infer_metadata(tagged[tagged.kind != "debris"])
inferred[["doc_id", "plan_no", "year", "year_source", "level", "issuer_type", "place"]].tail(6)""",
    ),
    (
        "code",
        """given = pd.read_csv(archive / "plans.tsv", sep="\\t", dtype=str)
meta = merged_metadata(inferred, given)
tagged = themes.attach_metadata(tagged, meta)
meta.year_source.value_counts()""",
    ),
    (
        "md",
        """## 5. Compare themes by issuer type and year

`domain_shares` gives each group's shares with 95% intervals that treat the plan, not the
item, as the sampling unit (`deff` is the design effect of clustering by plan). Text copied
between plans can be counted once with `without_copies`. `distinctive_terms` ranks each
group's words by weighted log-odds with an informative Dirichlet prior (Monroe, Colaresi &
Quinn 2008), stating how many words were compared.""",
    ),
    (
        "code",
        """once = themes.without_copies(tagged, themes.copied_units(pairs))
by_issuer = themes.domain_shares(once, by="issuer_type")
by_issuer.pivot_table(index="issuer_type", columns="domain", values="share").round(2)""",
    ),
    (
        "code",
        """by_issuer[["issuer_type", "domain", "share", "ci_low", "ci_high", "plans", "deff"]].head(5).round(3)""",
    ),
    (
        "code",
        """terms = themes.distinctive_terms(once, by="level", top=8)
terms.groupby("group").term.apply(" ".join)""",
    ),
    (
        "md",
        """## 6. Plots

Each plot function returns its matplotlib `Axes`. Chinese labels need a CJK font: planparse
finds one from the font files (`pip install "planparse[fonts]"` brings one), or says how to
get one.""",
    ),
    ("code", """ax = plot.domain_shares_bar(by_issuer, by="issuer_type")"""),
    ("code", """ax = plot.domain_trend(themes.domain_shares(once, by="year"))"""),
    ("code", """ax = plot.distinctive_terms_chart(terms, "village", top=8)"""),
    ("code", """ax = plot.similarity_heatmap(themes.plan_similarity(tagged), top=30)"""),
    ("code", """ax = plot.reuse_matrix(pairs)"""),
    (
        "md",
        """## 7. What changed since last year

`planparse.compare` aligns two plans item by item along their outlines and names each item's
change: kept, rewritten (with its character edits), moved, merged, split, dropped or added.
`changes()` does it for every issuer's consecutive plans; see `docs/changes.md`.""",
    ),
    (
        "code",
        """from planparse.diff import changes, summarize
yearly = changes(tagged, by="issuer", order="year")
yearly.groupby(["a_doc_id", "b_doc_id"]).change.value_counts().unstack(fill_value=0).head()""",
    ),
    (
        "code",
        """one = yearly[yearly.b_doc_id == "2018_东湖街道幸福社区_社区妇联_工作计划.txt"]
summarize(one)""",
    ),
    (
        "md",
        """## Where next

* `planparse analyze my_archive/ -o out -j 2` runs all of this over a whole archive and writes
  tables, plots and an HTML overview.
* `docs/` explains the table schema, the taxonomy, how copy-paste is detected and the measured
  performance.""",
    ),
]


def build() -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    for kind, source in CELLS:
        cell = (
            nbformat.v4.new_markdown_cell(source)
            if kind == "md"
            else nbformat.v4.new_code_cell(source)
        )
        cell.pop("id", None)
        notebook.cells.append(cell)
    notebook.nbformat_minor = 4
    return notebook


def execute(notebook: nbformat.NotebookNode, folder: Path) -> nbformat.NotebookNode:
    """Run every cell in ``folder`` (outputs are stored in the notebook)."""
    nbclient.NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    ).execute()
    for cell in notebook.cells:
        cell.pop("id", None)
    return notebook


if __name__ == "__main__":
    here = Path(__file__).parent
    nbformat.write(execute(build(), here), here / "tutorial.ipynb")
