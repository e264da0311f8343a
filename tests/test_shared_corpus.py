"""The parser over the real texts in ../shared/corpus (skipped when it is absent).

Evaluation-only folders are parsed here to see that nothing breaks; nothing is tuned to them.
"""

from __future__ import annotations

import re

import pytest

import planparse
from planparse.parse.markers import cn_to_int

pytestmark = pytest.mark.shared
LINE_MARKER = re.compile(r"^[ \t\u3000]*([一二三四五六七八九十]{1,3})、", re.MULTILINE)


@pytest.mark.slow
def test_every_file_parses(shared_corpus):
    frame = planparse.parse_files([shared_corpus])
    failed = {f["doc_id"] for f in frame.attrs["failures"]}
    assert failed <= {"state-council/index.tsv"}  # a table, not a text
    parsed = set(frame.doc_id)
    texts = {p.relative_to(shared_corpus).as_posix() for p in shared_corpus.rglob("*.txt")}
    assert texts <= parsed
    assert frame.item_id.is_unique


def test_gbk_folder_is_decoded(shared_corpus):
    for path in sorted((shared_corpus / "district-hailar-gbk").glob("*.txt")):
        source = planparse.io.read.read_source(path)
        assert source.encoding == "gb18030" and "海拉尔" in source.text


def _simple_sequences(folder):
    for path in sorted(folder.glob("*.txt")):
        text = planparse.read_text(path)
        numbers = [cn_to_int(m) for m in LINE_MARKER.findall(text)]
        if numbers and numbers == list(range(1, len(numbers) + 1)):
            yield path, text, numbers


@pytest.mark.parametrize("folder", ["national-reports", "national-reports-alt"])
def test_a_single_line_initial_sequence_is_the_top_level(shared_corpus, folder):
    checked = mismatched = 0
    for path, text, numbers in _simple_sequences(shared_corpus / folder):
        doc = planparse.parse(text, doc_id=path.name)
        got = [
            n.number
            for plan in doc.plans
            for n, depth in plan.walk()
            if n.style == "cn-dun" and depth == 1
        ]
        nested = [n.number for plan in doc.plans for n, _ in plan.walk() if n.style == "cn-dun"]
        checked += 1
        # A report whose 一、 list sits under （一）…（三） parts keeps it at depth 2.
        mismatched += got != numbers and nested != numbers
    assert checked >= 30 and mismatched == 0


@pytest.mark.slow
def test_offsets_slice_every_real_file(shared_corpus):
    for path in sorted(shared_corpus.rglob("*.txt")):
        text = planparse.read_text(path)
        rows = planparse.parse(text, doc_id=path.name).to_frame()
        items = rows[rows.kind.isin(["item", "inline"])]
        assert all(text[r.start : r.end].startswith(r.marker) for r in items.itertuples()), path
