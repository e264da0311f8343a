"""Write notebooks/tutorial.ipynb from the cells below (outputs are never stored).

python notebooks/build_tutorial.py
"""

from pathlib import Path

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
        """import matplotlib
matplotlib.use("Agg")
import pandas as pd
import planparse
from planparse import themes, plot

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
        """pairs = planparse.find_duplicates(items)
pairs[["a_doc", "b_doc", "unit", "similarity", "containment", "edits", "cluster", "source"]].head(8)""",
    ),
    (
        "md",
        """## 4. Compare themes by issuer type and year

The sample ships `plans.tsv` with each plan's issuer type, region, level and year;
`attach_metadata` joins it. `domain_shares` gives shares with Wilson intervals;
`distinctive_terms` finds each group's words by weighted log-odds with an informative
Dirichlet prior (Monroe, Colaresi & Quinn 2008).""",
    ),
    (
        "code",
        """tagged = themes.attach_metadata(tagged, str(archive / "plans.tsv"))
by_issuer = themes.domain_shares(tagged, by="issuer_type")
by_issuer.pivot_table(index="issuer_type", columns="domain", values="share").round(2)""",
    ),
    (
        "code",
        """terms = themes.distinctive_terms(tagged, by="level", top=8)
terms.groupby("group").term.apply(" ".join)""",
    ),
    (
        "md",
        """## 5. Plots

Each plot function returns its matplotlib `Axes`; Chinese labels need a CJK font, which
planparse finds (or warns about, with the fix).""",
    ),
    ("code", """ax = plot.domain_shares_bar(by_issuer, by="issuer_type")"""),
    ("code", """ax = plot.domain_trend(themes.domain_shares(tagged, by="year"))"""),
    (
        "code",
        """ax = plot.similarity_heatmap(themes.plan_similarity(tagged, pairs), labels=False)""",
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


if __name__ == "__main__":
    nbformat.write(build(), Path(__file__).with_name("tutorial.ipynb"))
