"""The web-plans reuse gold set, and how copy-paste detection scores on it.

    python benchmarks/reuse_gold.py            # score find_duplicates (gold, sample, spread)
    python benchmarks/reuse_gold.py --write    # rebuild corpus/gold/reuse/web-plans.tsv

The gold set comes from an exhaustive reference over all pairs of the 285 pages of
``../shared/corpus/web-plans`` (40,470 pairs, and each page with itself): the longest run of
shared letters and digits (Traditional mapped to Simplified) and the 8-character
containment (:mod:`planparse.reuse.evaluate`).  Every pair with a shared run of 30+
characters or a containment of 0.05+, and every page repeating 50+ characters inside
itself, was read on both sides and judged (``JUDGED`` below): ``copy`` (real copying),
``boilerplate`` (site notices, download terms, blurbs), ``stock`` (a quoted formula) or
``repeat`` (a paragraph standing twice in one page) or ``unrelated``.  The gold file holds file names, SHA-256 prefixes, offsets
and figures, never text.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import pandas as pd

import planparse
from planparse.reuse import evaluate

FOLDER = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "web-plans"
GOLD = Path(__file__).resolve().parents[1] / "corpus" / "gold" / "reuse" / "web-plans.tsv"

COPY, BOILERPLATE, STOCK, REPEAT, UNRELATED = "copy", "boilerplate", "stock", "repeat", "unrelated"
#: Judged by reading both sides (file numbers of web-plans, not text).
JUDGED = {
    ("0226", "0227"): COPY,  # the same report reposted, different blurbs around it
    ("0218", "0219"): COPY,  # one news report on two sites
    ("0208", "0209"): COPY,  # one summary, two sites
    ("0246", "0247"): COPY,  # the same plan, Traditional and Simplified
    ("0057", "0058"): COPY,  # a 94-character paragraph pair, one side cut by a hiding notice
    ("0081", "0083"): COPY,  # a training paragraph rewritten with small edits
    ("0057", "0130"): COPY,  # a template opening with the place names swapped (no long run)
    ("0091", "0277"): BOILERPLATE,  # download-site 温馨提示
    ("0270", "0277"): BOILERPLATE,
    ("0091", "0270"): BOILERPLATE,
    ("0048", "0276"): BOILERPLATE,  # document-site terms
    ("0019", "0054"): BOILERPLATE,  # document-site terms and VIP offer
    ("0146", "0285"): BOILERPLATE,  # document-site preview notice and copyright note
    ("0111", "0285"): BOILERPLATE,
    ("0111", "0146"): BOILERPLATE,
    ("0044", "0285"): BOILERPLATE,
    ("0044", "0146"): BOILERPLATE,
    ("0044", "0111"): BOILERPLATE,
    ("0256", "0285"): BOILERPLATE,
    ("0146", "0256"): BOILERPLATE,
    ("0111", "0256"): BOILERPLATE,
    ("0044", "0256"): BOILERPLATE,
    ("0017", "0111"): BOILERPLATE,
    ("0017", "0285"): BOILERPLATE,
    ("0017", "0256"): BOILERPLATE,
    ("0017", "0146"): BOILERPLATE,
    ("0017", "0044"): BOILERPLATE,
    ("0034", "0057"): BOILERPLATE,  # template-site blurb
    ("0020", "0021"): BOILERPLATE,  # template-site blurb
    ("0007", "0010"): STOCK,  # the statutory wording on women workers' rights
    ("0010", "0250"): STOCK,
    ("0010", "0159"): STOCK,
    ("0172", "0173"): STOCK,  # the duties of a 妇儿工委 in the standard wording
    ("0055", "0191"): BOILERPLATE,  # document-site blurb
    ("0217", "0218"): UNRELATED,  # two news items of one genre, no shared passage
    # Repeats inside one page: site debris repeated (titles, tables of contents, blurbs)
    # is boilerplate; a paragraph of the plan standing twice is a repeat.
    ("0107", "0107"): BOILERPLATE,
    ("0191", "0191"): BOILERPLATE,
    ("0282", "0282"): BOILERPLATE,
    ("0001", "0001"): BOILERPLATE,
    ("0261", "0261"): BOILERPLATE,
    ("0220", "0220"): REPEAT,
    ("0022", "0022"): REPEAT,
    ("0129", "0129"): REPEAT,
    ("0083", "0083"): REPEAT,
}


def judgement(a: str, b: str) -> str:
    return JUDGED.get((a[:4], b[:4]), "")


def write_gold() -> pd.DataFrame:
    paths = sorted(FOLDER.glob("*.txt"))
    texts = {p.name: planparse.read_text(p) for p in paths}
    runs, contained = evaluate.longest_runs(texts), evaluate.containment(texts)
    rows = []
    for pair in sorted(set(runs) | {p for p, c in contained.items() if c >= 0.05}):
        length, *spans = runs.get(pair, (0, 0, 0, 0, 0))
        share = contained.get(pair, 1.0)
        if (pair[0] == pair[1] and length < 50) or (length < 30 and share < 0.05):
            continue
        a, b = pair
        rows.append(
            [
                a,
                evaluate.sha16(FOLDER / a),
                *spans[:2],
                b,
                evaluate.sha16(FOLDER / b),
                *spans[2:],
                length,
                round(share, 4),
                judgement(a, b),
            ]
        )
    gold = pd.DataFrame(rows, columns=evaluate.GOLD_COLUMNS)
    unjudged = gold[gold.judgement == ""]
    if len(unjudged):
        print(unjudged.to_string())
    GOLD.parent.mkdir(parents=True, exist_ok=True)
    gold.to_csv(GOLD, sep="\t", index=False)
    return gold


def score_sample() -> dict:
    items = planparse.parse_files([planparse.sample_path()])
    truth = pd.read_csv(planparse.sample_path() / "reuse.tsv", sep="\t", keep_default_na=False)
    return evaluate.score(planparse.find_duplicates(items, texts=planparse.sample_path()), truth)


def spread(items: pd.DataFrame, texts: dict[str, str]) -> int:
    """Rows that differ between -j 1, -j 2 and other chunkings (0: none)."""
    from planparse.reuse import find_duplicates_by_chunk
    from planparse.reuse.detect import table_chunks

    runs = [planparse.find_duplicates(items, texts=texts, n_jobs=jobs) for jobs in (1, 2)]
    runs += [find_duplicates_by_chunk(table_chunks(items, texts, size)) for size in (7, 300)]
    first = runs[0].to_csv(index=False).splitlines()
    return sum(len(set(r.to_csv(index=False).splitlines()) ^ set(first)) for r in runs[1:])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    gold = write_gold() if args.write else evaluate.load_gold(FOLDER, GOLD)
    print(f"gold: {len(gold)} judged pairs; {gold.judgement.value_counts().to_dict()}")
    items = planparse.parse_files([FOLDER])
    texts = planparse.read_texts([FOLDER])
    start = time.perf_counter()
    pairs = planparse.find_duplicates(items, texts=texts)
    seconds = time.perf_counter() - start
    result = evaluate.gold_scores(pairs, gold)
    print(
        f"web-plans ({seconds:.1f} s): precision {result['precision']:.3f} over "
        f"{result['reported']} reported pairs of files, recall {result['recall']:.3f}"
    )
    for low, high in evaluate.BUCKETS:
        hit, total = result[f"recall_{low}"]
        print(
            f"  shared run {low}-{high if high < 10**9 else ''}: {hit} of {total} real copies found"
        )
    print(
        f"  wrong: {result['wrong']}; repeats found {result['repeats'][0]} of {result['repeats'][1]};"
        f" boilerplate shown apart: {len(pairs.attrs['boilerplate'])}"
    )
    print(f"spread over -j 1 / -j 2 / chunkings: {spread(items, texts)} differing rows")
    sample = score_sample()
    print(
        "sample: "
        + ", ".join(
            f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in sample.items()
        )
    )


if __name__ == "__main__":
    main()
