"""Rebuild the shipped domain model, its model card and the reliability plot.

    python corpus/tools/rebuild_model.py

Trains planparse/data/domain_model.skops on every label of corpus/labels (the sample, and,
when ../shared/corpus is there, the real reports and the real web plans), writes the model
card (domain_model.skops.json) with every evaluation figure, and draws
docs/img/reliability.png from the card.  Same data and seed: the same bytes.  Re-run it after
a change to the parser, the features or the labels.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from planparse.classify.train import reliability_plot, train_model


def main() -> None:
    shared = REPO.parent / "shared" / "corpus"
    if not shared.is_dir():
        raise SystemExit(f"the real corpus is not at {shared}: the shipped model needs it")
    out = REPO / "planparse" / "data" / "domain_model.skops"
    _, card = train_model(REPO / "corpus" / "labels", out=out)
    reliability_plot(card, REPO / "docs" / "img" / "reliability.png")
    print(f"wrote {out}, its card and docs/img/reliability.png ({card['training_items']} items)")


if __name__ == "__main__":
    main()
