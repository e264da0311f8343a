"""The bundled corpus: labels resolve, reuse truth slices, the sample parses as planted,
the generator is deterministic, and no real text was copied into the repository."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT

import planparse

SAMPLE = ROOT / "corpus" / "sample"
LABELS = ROOT / "corpus" / "labels"
DOMAINS = {"维权", "家庭建设", "就业", "组织建设", "其他"}


def table(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def parsed():
    frame = planparse.parse_files([SAMPLE])
    assert frame.attrs["failures"] == []
    return frame


def test_sample_is_large_and_varied():
    plans = table(SAMPLE / "plans.tsv")
    files = {p["file"] for p in plans}
    assert len(files) >= 60
    assert {p["issuer_type"] for p in plans} >= {
        "村妇代会",
        "社区妇联",
        "街道妇联",
        "县妇联",
        "妇儿工委",
        "学校女教职工委员会",
        "企业女职工委员会",
    }
    years = {int(p["year"]) for p in plans}
    assert min(years) <= 2008 and max(years) >= 2025
    chars = sum(len(planparse.read_text(SAMPLE / f)) for f in files)
    assert chars >= 150_000
    assert {Path(f).suffix for f in files} == {".txt", ".docx", ".pdf"}
    raw = [(SAMPLE / f).read_bytes() for f in files if f.endswith(".txt")]
    assert sum(b"\r\n" in r and not _utf8(r) for r in raw) >= 5  # GB18030 with CRLF


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def test_every_sample_plan_parses_as_planted(parsed):
    plans = table(SAMPLE / "plans.tsv")
    found = parsed[parsed.plan_no > 0].groupby("doc_id").plan_no.max().to_dict()
    expected = Counter(p["file"] for p in plans)
    assert found == dict(expected)


def test_every_labeled_sample_item_is_a_parsed_node(parsed):
    nodes = {(r.doc_id, r.start): r.kind for r in parsed.itertuples()}
    labels = table(LABELS / "sample.tsv")
    kinds = Counter((row["kind"], nodes.get((row["file"], int(row["start"])))) for row in labels)
    numbered = sum(n for (kind, node), n in kinds.items() if kind != "inline" and node == "item")
    assert numbered == sum(n for (kind, _), n in kinds.items() if kind != "inline")
    assert kinds[("inline", "para")] == sum(n for (kind, _), n in kinds.items() if kind == "inline")


def test_labels_are_valid_and_large_enough():
    sample, real = table(LABELS / "sample.tsv"), table(LABELS / "real.tsv")
    assert len(sample) >= 1500 and len(real) >= 800 and len(sample) + len(real) >= 2500
    counts = Counter(label for row in sample + real for label in row["labels"].split("|"))
    assert set(counts) == DOMAINS and min(counts.values()) >= 200
    for row in sample + real:
        labels = row["labels"].split("|")
        assert len(set(labels)) == len(labels) and ("其他" not in labels or labels == ["其他"])


@pytest.mark.slow
def test_sample_label_spans_slice_their_files():
    texts: dict[str, str] = {}
    for row in table(LABELS / "sample.tsv"):
        text = texts.setdefault(row["file"], planparse.read_text(SAMPLE / row["file"]))
        span = text[int(row["start"]) : int(row["end"])]
        assert span.strip() == span and len(span) >= 4, row


def test_real_label_references_resolve(shared_corpus):
    from planparse.classify.labels import locate_by_digest

    rows = table(LABELS / "real.tsv")
    located = locate_by_digest(shared_corpus, {row["document"] for row in rows})
    texts: dict[str, str] = {}
    for row in rows:
        path = located[row["document"]]
        assert row["document"].split("/")[0] in (
            "national-reports",
            "state-council",
        )  # never eval-only
        text = texts.setdefault(row["document"], path.read_text(encoding="utf-8-sig"))
        span = text[int(row["start"]) : int(row["end"])]
        assert span.strip() == span and 20 <= len(span) <= 600, row


def test_reuse_truth_spans_slice_and_copies_match():
    import difflib

    texts = {}
    rows = table(SAMPLE / "reuse.tsv")
    assert {r["kind"] for r in rows} >= {
        "synonym-rewrite",
        "year-copy",
        "neighbour-copy",
        "duplicate-rebulleted",
        "reordered",
        "section-paste",
        "exact-repost",
        "boilerplate",
    }
    for row in rows:
        target = texts.setdefault(
            row["target_file"], planparse.read_text(SAMPLE / row["target_file"])
        )
        copied = target[int(row["target_start"]) : int(row["target_end"])]
        assert copied.strip() == copied and copied
        if row["kind"] == "boilerplate":
            continue
        source_text = texts.setdefault(
            row["source_file"], planparse.read_text(SAMPLE / row["source_file"])
        )
        original = source_text[int(row["source_start"]) : int(row["source_end"])]
        if row["kind"] == "script-repost":  # Traditional source, Simplified copy
            opencc = pytest.importorskip("opencc")
            original = opencc.OpenCC("t2s").convert(original)
        similarity = difflib.SequenceMatcher(None, original, copied, autojunk=False).ratio()
        assert similarity >= 0.75, (row, similarity)
        if row["kind"] == "exact-repost":  # only layout and a compilation's 篇N differ
            assert similarity >= 0.97, (row, similarity)


def test_generator_is_deterministic(tmp_path):
    pytest.importorskip("opencc")
    pytest.importorskip("reportlab")
    target = tmp_path / "sample"
    subprocess.run(
        [sys.executable, str(ROOT / "corpus" / "tools" / "build_sample.py"), str(target)],
        check=True,
        capture_output=True,
    )
    for path in sorted(SAMPLE.iterdir()):
        assert (target / path.name).read_bytes() == path.read_bytes(), path.name
    assert (tmp_path / "labels" / "sample.tsv").read_bytes() == (LABELS / "sample.tsv").read_bytes()


@pytest.mark.slow
def test_no_real_text_is_copied_into_the_repository(shared_corpus):
    sys.path.insert(0, str(ROOT / "corpus" / "tools"))
    from check_overlap import overlaps, shared_windows

    seen = shared_windows(shared_corpus)
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout
    paths = [ROOT / f for f in files.split()] or [p for p in ROOT.rglob("*") if p.is_file()]
    hits = []
    for path in paths:
        if not path.is_file() or path.stat().st_size > 5_000_000:
            continue
        try:
            text = (
                planparse.read_text(path)
                if path.suffix in (".docx", ".pdf")
                else path.read_bytes().decode("utf-8")
            )
        except (UnicodeDecodeError, planparse.ReadError):
            text = path.read_bytes().decode("gb18030", errors="ignore")
        hits += [(path.name, w) for w in overlaps(text, seen)]
    assert hits == []


def test_only_the_listed_stock_phrases_are_exempt_from_the_no_copy_check():
    sys.path.insert(0, str(ROOT / "corpus" / "tools"))
    from check_overlap import WINDOW, overlaps, stock_phrases

    from planparse.reuse.detect import stock_phrases as shipped

    assert list(stock_phrases()) == ["".join(p.split()) for p in shipped()]
    phrase = max(stock_phrases(), key=len)
    assert len(phrase) >= WINDOW
    # Made-up text standing in for a real page: a listed stock phrase inside other words.
    real = "今年我们将" + phrase + "，全力推进巾帼家美积分超市建设项目落地见效"
    seen = {hash(real[i : i + WINDOW]) for i in range(len(real) - WINDOW + 1)}
    inside = [phrase[i : i + WINDOW] for i in range(len(phrase) - WINDOW + 1)]
    assert overlaps(phrase, seen) == []  # every window lies inside the listed phrase
    assert overlaps(phrase, seen, exempt=[]) == inside  # nothing is exempt without the list
    straddling = overlaps(real, seen)  # windows that reach past the phrase are still copies
    assert straddling and all(w not in phrase for w in straddling)
    assert len(straddling) == len(real) - WINDOW + 1 - len(inside)
