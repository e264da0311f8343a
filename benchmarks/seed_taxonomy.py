"""How far seed words get you: the 妇联 taxonomy's seed terms, web-plans as the unlabeled
archive, scored on the real labels of web-plans.

    python benchmarks/seed_taxonomy.py [--rounds 2] [--batch 100] [--json OUT]
        [--self-training 2] [--weight 30] [--random-proposals] [--stack seeds|labels|none]
        [--diverse]

1. lexicon: the seed terms alone (LexiconTagger);
2. seeds: ``train_from_seeds`` on every parsed item of the 285 pages, no label at all (the
   output also counts the archive items with Traditional characters, whose seed terms are
   matched as Simplified);
3. seeds + N proposed labels: in grouped 5-fold CV (websites and near-duplicates kept
   together), ``--rounds`` times the ``--batch`` items of the training folds that
   ``worth_labeling`` ranks first are labeled from the gold labels (a simulated researcher)
   and the model is trained again the way ``planparse train --labels`` trains it (two
   self-training rounds; until session 27 this loop used one); scored on the held-out fold;
4. supervised: a DomainClassifier trained on all labels of the training folds, same folds;
5. the same labels without the seeds, to tell what the seed words add: a DomainClassifier on
   the proposed labels alone, and on as many labels drawn at random from the training folds
   (seeded by the fold number).

``--self-training`` sets the self-training rounds of step 3, ``--weight`` how many times a
human label counts (``seeded.HUMAN_WEIGHT``), and ``--random-proposals`` labels random items of
the training folds instead of the proposed ones (the same draw as step 5's), and ``--stack``
how ``train_from_seeds`` uses the content labels (its ``stack`` argument; ``none``: they only
replace the guesses, the default), and ``--diverse`` proposes with ``seeded.diverse_picks``
(uncertain items unlike each other) instead of the most uncertain ones.

Needs ../shared/corpus.  Macro-F1 over the five labels, on the content items.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(__file__))

import numpy as np
from _common import ROOT

SHARED = ROOT.parent / "shared" / "corpus" / "web-plans"


def macro_f1(truth: list[list[str]], predicted: list[list[str]], classes: list[str]) -> float:
    from sklearn.metrics import f1_score
    from sklearn.preprocessing import MultiLabelBinarizer

    binarizer = MultiLabelBinarizer(classes=classes)
    return round(
        float(
            f1_score(
                binarizer.fit_transform(truth),
                binarizer.fit_transform(predicted),
                average="macro",
                zero_division=0,
            )
        ),
        4,
    )


def archive_texts() -> list[str]:
    import planparse
    from planparse.classify.tagging import context_texts

    items = planparse.parse_files([str(SHARED)])
    return context_texts(items[items.kind != "debris"])


def active_round(
    model,
    pool: dict[str, list[str]],
    labeled: dict,
    batch: int,
    seed: int | None = None,
    diverse: bool = False,
) -> dict:
    """The ``batch`` most informative pool items, labeled from the pool's gold labels; with a
    ``seed``, :func:`random_labels` of the size the labeled set grows to instead; with
    ``diverse``, ``seeded.diverse_picks`` (uncertain and unlike each other)."""
    from planparse.classify.seeded import diverse_picks, worth_labeling

    if seed is not None:
        return random_labels(pool, len(labeled) + batch, seed)
    open_texts = sorted(t for t in pool if t not in labeled)
    if diverse:
        order = diverse_picks(model, open_texts, batch)
    else:
        scores = worth_labeling(model, open_texts)
        order = np.argsort(-scores, kind="stable")[:batch]
    return {**labeled, **{open_texts[i]: pool[open_texts[i]] for i in order}}


def random_labels(pool: dict[str, list[str]], size: int, seed: int) -> dict[str, list[str]]:
    """``size`` items of the pool drawn at random (reproducibly), with their gold labels."""
    texts = sorted(pool)
    drawn = np.random.default_rng(seed).choice(
        len(texts), size=min(size, len(texts)), replace=False
    )
    return {texts[i]: pool[texts[i]] for i in sorted(drawn)}


def labels_alone(labeled: dict[str, list[str]]):
    """A supervised DomainClassifier on ``labeled`` only (min_df 1: a few hundred items)."""
    from planparse.classify import DomainClassifier

    return DomainClassifier(min_df=1).fit(list(labeled), list(labeled.values()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--json", metavar="OUT")
    parser.add_argument("--self-training", type=int, default=2)
    parser.add_argument("--weight", type=int, default=None)
    parser.add_argument("--random-proposals", action="store_true")
    parser.add_argument("--stack", choices=("seeds", "labels", "none"), default="none")
    parser.add_argument("--diverse", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    if args.weight is not None:
        import planparse.classify.seeded

        planparse.classify.seeded.HUMAN_WEIGHT = args.weight
    from sklearn.model_selection import GroupKFold

    from planparse.classify import DomainClassifier, LexiconTagger, Taxonomy
    from planparse.classify.labels import load_labels
    from planparse.classify.seeded import as_simplified, train_from_seeds

    taxonomy = Taxonomy.default()
    classes = list(taxonomy.labels)
    labels = load_labels(ROOT / "corpus" / "labels", ["webplans"]).reset_index(drop=True)
    content = labels[labels["labels"].map(lambda row: row[0] != taxonomy.not_content)]
    truth = content["labels"].tolist()
    texts = archive_texts()
    seeds = train_from_seeds(texts, taxonomy)
    figures = {
        "items": len(content),
        "archive_items": len(texts),
        # seed terms are matched in these as Simplified (seeded.as_simplified)
        "archive items with Traditional characters": sum(
            text != simple for text, simple in zip(texts, as_simplified(texts))
        ),
        "lexicon": macro_f1(truth, LexiconTagger().fit().predict_labels(content["text"]), classes),
        "seeds, no labels": macro_f1(truth, seeds.predict_labels(content["text"]), classes),
    }
    picked = "random" if args.random_proposals else "proposed"
    active_name = f"seeds + {args.rounds * args.batch} {picked} labels"
    alone_name = f"the {args.rounds * args.batch} {picked} labels alone, no seeds"
    random_name = f"{args.rounds * args.batch} random labels alone, no seeds"
    names = (active_name, "supervised", alone_name, random_name)
    predicted: dict[str, list] = {name: [None] * len(labels) for name in names}
    proposed_not_content = 0
    stack = None if args.stack == "none" else args.stack
    for fold, (train, test) in enumerate(GroupKFold(5).split(labels, groups=labels["group"])):
        pool = dict(zip(labels["text"].iloc[train], labels["labels"].iloc[train]))
        labeled: dict = {}
        model = seeds
        for _ in range(args.rounds):
            draw = fold if args.random_proposals else None
            labeled = active_round(model, pool, labeled, args.batch, draw, args.diverse)
            model = train_from_seeds(
                texts, taxonomy, labeled=labeled, rounds=args.self_training, stack=stack
            )
        proposed_not_content += sum(row[0] == taxonomy.not_content for row in labeled.values())
        supervised = DomainClassifier().fit(
            labels["text"].iloc[train].tolist(), labels["labels"].iloc[train].tolist()
        )
        fits = (
            model,
            supervised,
            labels_alone(labeled),
            labels_alone(random_labels(pool, args.rounds * args.batch, fold)),
        )
        for name, fitted in zip(names, fits):
            for i, row in zip(test, fitted.predict_labels(labels["text"].iloc[test])):
                predicted[name][i] = row
    figures["proposed labels that are no content (all folds)"] = proposed_not_content
    for name, rows in predicted.items():
        kept = [rows[i] for i in content.index]
        figures[name + " (grouped 5-fold CV)"] = macro_f1(truth, kept, classes)
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as stream:
            json.dump(figures, stream, ensure_ascii=False, indent=2)


if __name__ == "__main__":
    main()
