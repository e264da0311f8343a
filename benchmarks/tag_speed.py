"""Tagging speed and quality beside the naive pipeline a user would write.

    python benchmarks/tag_speed.py [--chars 5000000]

Both pipelines learn from the same labeled items (corpus/labels, 80% of the plans and
documents; grouped split) and are scored on the held-out 20% (the content items: the naive
pipeline has no way to say "no content", so it learns from content items only).  Throughput
is measured on the bundled sample archive's items repeated to ``--chars`` characters, with the
naive pipeline and planparse timed in alternation (``--rounds`` times each, best time kept),
so that a busy machine slows both alike.

naive:     jieba.lcut + TfidfVectorizer + LogisticRegression (one label per item)
planparse: DomainClassifier (calibrated multi-label) with reasons, in 1 and 2 processes
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(__file__))

from _common import ROOT, measure

import planparse


def naive_pipeline():
    import jieba
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(tokenizer=jieba.lcut, token_pattern=None), LogisticRegression(max_iter=2000)
    )


def macro_f1(truth: list[list[str]], predicted: list[list[str]], classes: list[str]) -> float:
    from sklearn.metrics import f1_score
    from sklearn.preprocessing import MultiLabelBinarizer

    binarizer = MultiLabelBinarizer(classes=classes)
    return float(
        f1_score(
            binarizer.fit_transform(truth),
            binarizer.fit_transform(predicted),
            average="macro",
            zero_division=0,
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chars", type=int, default=5_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    import jieba
    from sklearn.model_selection import GroupShuffleSplit

    from planparse.classify.labels import load_labels
    from planparse.classify.tagging import context_texts, predict_block

    jieba.setLogLevel(60)
    labels = load_labels(ROOT / "corpus" / "labels")
    train_idx, test_idx = next(
        GroupShuffleSplit(1, test_size=0.2, random_state=0).split(labels, groups=labels["group"])
    )
    train, test = labels.iloc[train_idx], labels.iloc[test_idx]
    model = planparse.DomainClassifier().fit(train["text"].tolist(), train["labels"].tolist())
    classes = list(model.classes_)
    train = train[train["labels"].map(lambda row: row[0] in classes)]
    test = test[test["labels"].map(lambda row: row[0] in classes)]
    naive = naive_pipeline().fit(train["text"].tolist(), [row[0] for row in train["labels"]])
    truth = test["labels"].tolist()
    f1_model = macro_f1(truth, model.predict_labels(test["text"].tolist()), classes)
    f1_naive = macro_f1(truth, [[p] for p in naive.predict(test["text"].tolist())], classes)

    items = planparse.parse_files([planparse.sample_path()])
    items = items[items.kind != "debris"]
    texts = context_texts(items)
    base = sum(map(len, texts))
    texts = texts * (args.chars // base + 1)
    texts = texts[: int(len(texts) * args.chars / (base * (args.chars // base + 1)))]
    chars = sum(map(len, texts))
    print(
        f"planparse {planparse.__version__}; {len(train)} training and {len(test)} held-out "
        f"items; throughput on {len(texts):,} items, {chars / 1e6:.2f} M characters"
    )
    runs = [
        ("naive: jieba + TF-IDF + LogisticRegression", lambda: naive.predict(texts)),
        ("planparse, labels + probabilities", lambda: predict_block(model, texts, False)),
        ("planparse, with reasons", lambda: predict_block(model, texts, True)),
        ("planparse.tag(), 2 processes", lambda: planparse.tag(_frame(texts), model, n_jobs=2)),
    ]
    best = {name: float("inf") for name, _ in runs}
    for _ in range(args.rounds):  # alternate: naive, planparse …, naive, planparse …
        for name, run in runs:
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    peaks = {name: measure(run, repeat=0)[1] for name, run in runs}
    base_time = best[runs[0][0]]
    for name, _ in runs:
        seconds, peak = best[name], peaks[name]
        print(
            f"{name:<44} {chars / seconds / 1e6:6.2f} M chars/s {seconds:7.2f} s "
            f"{peak / 2**20:7.0f} MiB peak  {base_time / seconds:5.2f}x naive"
        )
    print(f"held-out macro-F1: planparse {f1_model:.3f}, naive {f1_naive:.3f}")


def _frame(texts: list[str]):
    import pandas as pd

    n = len(texts)
    return pd.DataFrame(
        {
            "item_id": [f"x#{i}" for i in range(n)],
            "parent_id": [""] * n,
            "kind": ["item"] * n,
            "text": texts,
        }
    )


if __name__ == "__main__":
    main()
