"""Train, evaluate and ship a domain model (``planparse train`` / ``planparse evaluate``).

Examples:
    >>> model, card = train_model("corpus/labels", out="model.skops")   # doctest: +SKIP
    >>> card["labels"]                                                   # doctest: +SKIP
    ['维权', '家庭建设', '就业', '组织建设', '其他']
"""

from __future__ import annotations

import platform
from collections.abc import Callable
from pathlib import Path
from typing import Any

from planparse.classify.baselines import CharTfidfLogistic
from planparse.classify.estimator import DomainClassifier
from planparse.classify.evaluate import ceiling, format_report, grouped_cv, held_out_cv
from planparse.classify.labels import data_hash, described_sources, load_labels
from planparse.classify.persist import save_model
from planparse.classify.taxonomy import Taxonomy


def _versions() -> dict[str, str]:
    import jieba
    import numpy
    import scipy
    import sklearn
    import skops

    import planparse

    return {
        "planparse": planparse.__version__,
        "scikit-learn": sklearn.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "jieba": jieba.__version__,
        "skops": skops.__version__,
        "python": platform.python_version(),
    }


def evaluation(labels: str | Path, factory: Callable[[], Any]) -> tuple[dict, str]:
    """Every evaluation of ``factory()`` on a labels folder, as figures and as a report.

    Each source is cross-validated in folds of its groups.  A source marked
    ``held_out = true`` in ``sources.toml`` (the real work plans) is the one that counts: each
    of its folds is predicted by a model trained on its other folds and on every other
    source (what the shipped model is), beside the lexicon and the character TF-IDF + LR
    baseline trained on the same folds, and its ``agreement`` file gives the ceiling.  Other
    sources are cross-validated on their own items.
    """
    frame = load_labels(labels)
    classes = list(factory()._taxonomy().labels)
    specs = {spec["name"]: spec for spec in described_sources(labels).values()}
    results, parts = {}, []
    for source in sorted(frame["source"].unique()):
        spec = specs.get(source, {})
        top = ceiling(labels, classes, spec["agreement"]) if spec.get("agreement") else None
        if spec.get("held_out"):
            title = f"grouped 5-fold CV on {source}, trained with all other labels"
            result = held_out_cv(
                frame, source, factory, baselines={"char TF-IDF + LR": CharTfidfLogistic}
            )
        else:
            title = f"grouped 5-fold CV, {source} only"
            result = grouped_cv(frame[frame["source"] == source], factory)
        results[title] = result
        parts.append(format_report(title, result, top, classes))
        if top is not None:
            results[f"annotator ceiling, {source}"] = top
    return results, "\n\n".join(parts)


def train_model(
    labels: str | Path,
    taxonomy: str | Path | None = None,
    out: str | Path | None = None,
    evaluate: bool = True,
    **params: Any,
) -> tuple[DomainClassifier, dict]:
    """Fit a :class:`DomainClassifier` on every labeled item of a folder.

    With ``out``, writes the model with skops and a JSON sidecar (the model card): versions,
    training-data hash, label set, parameters and, unless ``evaluate=False``, the figures of
    :func:`evaluation`.
    """
    frame = load_labels(labels)
    tax = Taxonomy.load(taxonomy) if taxonomy else None

    def factory() -> DomainClassifier:
        return DomainClassifier(taxonomy=tax, **params)

    model = factory().fit(frame["text"].tolist(), frame["labels"].tolist())
    card = {
        "labels": list(model.classes_),
        "taxonomy": (tax or Taxonomy.default()).name,
        "training_items": len(frame),
        "training_sources": {
            s: int(n) for s, n in frame["source"].value_counts().sort_index().items()
        },
        "training_data_sha256": data_hash(frame),
        "parameters": {k: v for k, v in model.get_params().items() if k != "taxonomy"},
        "versions": _versions(),
    }
    if evaluate:
        card["evaluation"], _ = evaluation(labels, factory)
    if out is not None:
        save_model(model, out, card)
    return model, card


def train_seeded(
    archive: list[str],
    taxonomy: str | Path | None,
    out: str | Path,
    labels: str | Path | None = None,
    propose_n: int = 0,
    proposals: str | Path = "to_label.tsv",
) -> int:
    """``planparse train --unlabeled``: a model from the taxonomy's seed terms and an
    unlabeled archive (:mod:`planparse.classify.seeded`), plus your labels if any; with
    ``propose_n``, the items most worth labeling next are written to ``proposals``.

    Examples:
        >>> train_seeded(["my_archive/"], "my_taxonomy.toml", "m.skops", propose_n=50)  # doctest: +SKIP
        0
    """
    import planparse
    from planparse.classify.seeded import propose, train_from_seeds
    from planparse.classify.tagging import context_texts

    tax = Taxonomy.load(taxonomy) if taxonomy else Taxonomy.default()
    items = planparse.parse_files(list(archive))
    items = items[items["kind"] != "debris"].reset_index(drop=True)
    texts = context_texts(items)
    human: dict[str, list[str]] = {}
    if labels:
        frame = load_labels(labels)
        human = dict(zip(frame["text"], frame["labels"]))
    model = train_from_seeds(texts, tax, labeled=human)
    card = {
        "labels": list(model.classes_),
        "taxonomy": tax.name,
        "training": "seed terms and self-training on an unlabeled archive",
        "archive_items": len(texts),
        "human_labels": len(human),
        "parameters": {k: v for k, v in model.get_params().items() if k != "taxonomy"},
        "versions": _versions(),
    }
    save_model(model, out, card)
    print(f"wrote {out} ({len(texts)} archive items, {len(human)} labeled) and {out}.json")
    if propose_n:
        table = propose(model, items, propose_n, exclude=list(human))
        table.to_csv(proposals, sep="\t", index=False)
        print(f"wrote {proposals}: {len(table)} items to label (fill in the labels column)")
    return 0


def reliability_plot(card: dict, path: str | Path) -> Path:
    """Draw the reliability diagram of every held-out evaluation in a model card: mean
    predicted probability against observed frequency per bin, the diagonal being perfect
    calibration.  Returns ``path``.

    Examples:
        >>> reliability_plot(model_card(), "reliability.png")   # doctest: +SKIP
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 6))
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="perfect calibration")
    for title, result in card.get("evaluation", {}).items():
        bins = result.get("model", {}).get("reliability") if isinstance(result, dict) else None
        if bins:
            ece = result["model"]["ece"]
            ax.plot(
                [b["predicted"] for b in bins],
                [b["observed"] for b in bins],
                marker="o",
                label=f"{title.replace('grouped 5-fold CV', 'CV')} (ECE {ece:.3f})",
            )
    ax.set(xlabel="predicted probability", ylabel="observed frequency", xlim=(0, 1), ylim=(0, 1))
    ax.set_title("Reliability of p_<label>, held-out folds")
    # Below the axes: with four sources the curves fill every corner of the square.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), fontsize=7, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)
