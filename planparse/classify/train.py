"""Train, evaluate and ship a domain model (``planparse train`` / ``planparse evaluate``).

Examples:
    >>> model, card = train_model("corpus/labels", out="model.skops")   # doctest: +SKIP
    >>> card["labels"]                                                   # doctest: +SKIP
    ['维权', '家庭建设', '就业', '组织建设', '其他']
"""

from __future__ import annotations

import platform
from pathlib import Path
from typing import Any, Callable

from planparse.classify.estimator import DomainClassifier
from planparse.classify.evaluate import ceiling, cross_source, format_report, grouped_cv
from planparse.classify.labels import data_hash, load_labels
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
    """Every evaluation of ``factory()`` on a labels folder, as figures and as a report."""
    frame = load_labels(labels)
    classes = list(factory()._taxonomy().labels)
    top = ceiling(labels, classes)
    results, parts = {}, []
    sources = sorted(frame["source"].unique())
    runs: list[tuple[str, Callable[[], dict]]] = [
        (
            f"grouped 5-fold CV, {source} only",
            lambda s=source: grouped_cv(frame[frame["source"] == s], factory),
        )
        for source in sources
    ]
    if len(sources) > 1:
        runs.append(("grouped 5-fold CV, all sources", lambda: grouped_cv(frame, factory)))
        runs += [
            (
                f"cross-source: train {a}, test {b}",
                lambda a=a, b=b: cross_source(frame, a, b, factory),
            )
            for a in sources
            for b in sources
            if a != b
        ]
    for title, run in runs:
        result = run()
        results[title] = result
        parts.append(format_report(title, result, top, classes))
    if top is not None:
        results["annotator ceiling"] = top
        parts.append(
            f"ceiling: a second annotator on {top['items']} items, macro-F1 "
            f"{top['macro_f1']:.3f}, Cohen's kappa of the primary label "
            f"{top['kappa_primary']:.3f}"
        )
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
        "training_items": int(len(frame)),
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
