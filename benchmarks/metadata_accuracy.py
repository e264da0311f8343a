"""Accuracy of the inferred plan metadata, per field: on the bundled sample against its
plans.tsv, and on the 50 web-plans pages checked by hand (corpus/gold/metadata.tsv).

    python benchmarks/metadata_accuracy.py

A field counts as right when the inferred value equals the true one, "unknown" (empty)
included; "wrong" are inferred values that differ, "missed" true values not inferred.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pandas as pd

import planparse
from planparse.metadata import infer_metadata, infer_plan

ROOT = Path(__file__).resolve().parent.parent
#: The sample's plans.tsv scheme: English levels, issuer types with the level in front.
SAMPLE_LEVEL = {
    "村": "village",
    "社区": "community",
    "街道": "township",
    "乡镇": "township",
    "县": "county",
    "区": "county",
    "单位": "unit",
    "市": "city",
    "省": "province",
}
ORGS = ("女教职工委员会", "女职工委员会", "妇代会", "妇儿工委", "妇联")


def _organisation(issuer_type: str) -> str:
    found = next((org for org in ORGS if org in issuer_type), "")
    return "女职工委员会" if found == "女教职工委员会" else found


def sample_scores() -> pd.DataFrame:
    """Per field: the inferred values against the sample's plans.tsv."""
    items = planparse.parse_files([planparse.sample_path()])
    inferred = infer_metadata(items[items.kind != "debris"])
    truth = pd.read_csv(planparse.sample_path() / "plans.tsv", sep="\t", dtype=str)
    truth = truth.rename(columns={"file": "doc_id"}).astype({"plan_no": int})
    joined = truth.merge(inferred, on=["doc_id", "plan_no"], suffixes=("_true", ""))
    joined["level"] = joined["level"].map(SAMPLE_LEVEL).fillna("")
    joined["issuer_type_true"] = joined["issuer_type_true"].map(_organisation)
    joined["place_true"] = joined["place_true"]
    return _scores(
        joined,
        {
            "year": "year_true",
            "level": "level_true",
            "issuer_type": "issuer_type_true",
            "place": "place_true",
        },
    )


def gold_scores(corpus: Path) -> pd.DataFrame:
    """Per field: the inferred values against the hand-checked web-plans pages (the file's
    first 400 characters are its opening lines; the archive gives no separate title)."""
    gold = pd.read_csv(
        ROOT / "corpus" / "gold" / "metadata.tsv", sep="\t", dtype=str, keep_default_na=False
    )
    rows = []
    for name, digest in zip(gold["file"], gold["sha256_16"]):
        data = (corpus / name).read_bytes()
        if hashlib.sha256(data).hexdigest()[:16] != digest:
            raise ValueError(f"{name} changed since it was checked by hand")
        rows.append(infer_plan(Path(name).name, "", data.decode("utf-8")[:400]))
    inferred = pd.DataFrame(rows)
    joined = pd.concat([gold.add_suffix("_true"), inferred], axis=1)
    return _scores(joined, {f: f"{f}_true" for f in ("year", "level", "issuer_type")})


def _scores(joined: pd.DataFrame, fields: dict[str, str]) -> pd.DataFrame:
    rows = []
    for field, true in fields.items():
        value, truth = joined[field].fillna("").astype(str), joined[true].fillna("").astype(str)
        right = value == truth
        rows.append(
            {
                "field": field,
                "plans": len(joined),
                "accuracy": round(right.mean(), 3),
                "named": int((truth != "").sum()),
                "inferred": int((value != "").sum()),
                "wrong": int(((value != "") & ~right).sum()),
                "missed": int(((value == "") & (truth != "")).sum()),
            }
        )
    return pd.DataFrame(rows)


if __name__ == "__main__":
    print("sample (plans.tsv):")
    print(sample_scores().to_string(index=False))
    corpus = ROOT.parent / "shared" / "corpus"
    if corpus.is_dir():
        print("web-plans, 50 pages checked by hand:")
        print(gold_scores(corpus).to_string(index=False))
    else:
        print("../shared/corpus is absent: the hand-checked pages are skipped", file=sys.stderr)
