"""Copy-paste with a guarantee: winnowed candidates, passages across paragraph breaks,
repeats inside one plan, site boilerplate, and the gold set of web-plans."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import planparse
from planparse.reuse import find_duplicates
from planparse.reuse.detect import stock_phrases
from planparse.reuse.fingerprint import K, fingerprints, winnow

#: Written for these tests: a 60-character passage and long unrelated paragraphs.
PASSAGE = "组织巾帼志愿者走进敬老院，为老人理发、打扫卫生、陪伴聊天，每月不少于两次，建立服务台账，年底评选优秀志愿者并予以表彰。"
FILLER_A = (
    "全年围绕中心工作，扎实推进各项任务。上半年重点抓好基层组织换届，下半年重点抓好阵地建设，"
    "组织开展家庭教育讲座六场，举办亲子阅读活动四次，评选文明家庭三十户，走访困难妇女五十人次，"
    "协调解决实际困难十二件，推荐妇女代表参加区级培训，组织参观学习两次，完成上级交办的各项工作。"
)
FILLER_B = (
    "今年以来，我们把服务群众作为第一要务，深入村组了解妇女需求，建立联系台账，做到底数清、情况明。"
    "结合春耕生产开展农技培训，邀请专家现场讲解种植技术，帮助妇女拓宽增收渠道，全年培训三百余人次，"
    "组织手工编织合作社接单生产，带动留守妇女居家就业，人均月增收八百元以上，受到群众普遍欢迎。"
)


def run(texts: dict[str, str], **options) -> pd.DataFrame:
    items = pd.concat(
        [planparse.parse(t, doc_id=d).to_frame() for d, t in texts.items()], ignore_index=True
    )
    return find_duplicates(items, texts=texts, **options)


def codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), np.uint32)


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    length=st.integers(50, 140),
    before_a=st.integers(0, 600),
    before_b=st.integers(0, 600),
    w=st.sampled_from([43, 20]),
)
def test_a_shared_run_of_the_guaranteed_length_always_shares_a_fingerprint(
    seed, length, before_a, before_b, w
):
    """Winnowing's guarantee: a run of ``w + K - 1`` characters or more, wherever it lies,
    shares a fingerprint (it fails if the window minima are computed wrongly)."""
    rng = np.random.default_rng(seed)
    run_ = rng.integers(0x4E00, 0x4E40, length).astype(np.uint32)
    a = np.concatenate([rng.integers(0x4E00, 0x4E40, before_a), run_]).astype(np.uint32)
    b = np.concatenate([rng.integers(0x4E00, 0x4E40, before_b), run_, [7, 8]]).astype(np.uint32)
    if length < w + K - 1:
        return
    ha, _ = fingerprints(a, np.zeros(len(a), np.uint8), w)
    hb, _ = fingerprints(b, np.zeros(len(b), np.uint8), w)
    assert len(np.intersect1d(ha, hb)) > 0


def test_winnow_equals_the_minimum_of_every_window():
    rng = np.random.default_rng(1)
    values = rng.integers(0, 50, 400).astype(np.uint64)  # many ties
    chosen = set(winnow(values, 9).tolist())
    for start in range(len(values) - 8):
        low = values[start : start + 9].min()
        assert any(values[p] == low for p in chosen if start <= p < start + 9)


def test_a_short_copy_inside_a_long_paragraph_is_found():
    """A 60-character passage is 10% of the paragraph it is pasted into: found anyway, with
    its own span on both sides."""
    texts = {
        "a.txt": "甲社区工作计划\n一、" + FILLER_A[:80] + PASSAGE + FILLER_A[80:] + "\n",
        "b.txt": "乙社区工作计划\n一、" + FILLER_B + "\n二、" + PASSAGE + "\n",
    }
    pairs = run(texts)
    assert len(pairs) == 1 and pairs.kind.iloc[0] == "copy"
    row = pairs.iloc[0]
    assert PASSAGE[:-1] in texts["a.txt"][row.a_start : row.a_end + 1]
    assert row.similarity == 1.0 and row.b_end - row.b_start <= len(PASSAGE) + 2


def edited_every(text: str, step: int) -> str:
    """``text`` with one character in every ``step`` changed (the middle of each stretch)."""
    chars = list(text)
    for at in range(step // 2, len(chars), step):
        chars[at] = "〇" if chars[at] != "〇" else "口"
    return "".join(chars)


def lightly_edited_copies() -> tuple[dict[str, str], set]:
    """Ten 60-character passages, each copied into another file with one character in every
    30 changed (exact runs of 29), and the planted pairs of files."""
    rng = np.random.default_rng(5)
    letters = sorted(set(PASSAGE + FILLER_A) - set("，。、"))
    texts = {}
    for n in range(10):
        passage = "".join(rng.choice(letters, 60))
        texts[f"a{n}.txt"] = "甲社区工作计划\n一、" + FILLER_A + "\n二、" + passage + "\n"
        copy = edited_every(passage, 30)
        texts[f"b{n}.txt"] = "乙社区工作计划\n一、" + FILLER_B + "\n二、" + copy + "\n"
    return texts, {(f"a{n}.txt", f"b{n}.txt") for n in range(10)}


def test_min_run_25_also_finds_every_copy_with_one_change_in_every_30_characters():
    """The guarantee is stated on exact runs: the default search (runs of 50) has no
    candidate for some of these copies; ``min_run=25`` finds every one, and the passage
    search chains the pieces into one copy."""
    texts, planted = lightly_edited_copies()
    assert len(set(zip(*run(texts)[["a_doc", "b_doc"]].values.T)) & planted) < 10
    pairs = run(texts, min_run=25)
    assert set(zip(pairs.a_doc, pairs.b_doc)) >= planted and set(pairs.kind) == {"copy"}


def test_the_command_line_takes_min_run(tmp_path):
    from planparse.cli import main

    texts, planted = lightly_edited_copies()
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = tmp_path / "pairs.csv"
    assert main(["dupes", str(tmp_path), "-o", str(out), "--min-run", "25"]) == 0
    pairs = pd.read_csv(out)
    assert set(zip(pairs.a_doc, pairs.b_doc)) >= planted
    with pytest.raises(SystemExit) as refused:
        main(["dupes", str(tmp_path), "-o", str(out), "--min-run", "5"])
    assert refused.value.code == 2


@pytest.mark.parametrize("min_run", [K, 51])
def test_min_run_outside_the_window_and_min_copy_is_refused(min_run):
    with pytest.raises(ValueError, match="min_run"):
        run({"a.txt": "甲计划\n一、" + PASSAGE + "\n"}, min_run=min_run)


def test_a_copy_across_a_paragraph_break_is_one_passage():
    """48 + 46 characters in two paragraphs on one side, one paragraph on the other: each
    piece is under the minimum of 50, the passage is not."""
    first, second = PASSAGE[:30], PASSAGE[30:] + "同时做好志愿服务宣传。"
    texts = {
        "a.txt": "甲社区工作计划\n一、" + FILLER_A + "\n二、" + first + "\n三、" + second + "\n",
        "b.txt": "乙社区工作计划\n一、" + FILLER_B + "\n二、" + first + second + "\n",
    }
    pairs = run(texts)
    assert len(pairs) == 1
    row = pairs.iloc[0]
    assert texts["a.txt"][row.a_start : row.a_end].startswith(first[:10])
    assert texts["a.txt"][row.a_start : row.a_end].endswith(second[-5:-1])


def test_a_paragraph_repeated_inside_one_plan_is_a_repeat():
    text = "甲社区工作计划\n一、" + PASSAGE + "\n二、" + FILLER_A + "\n三、" + PASSAGE + "\n"
    pairs = run({"a.txt": text})
    assert pairs[["a_doc", "b_doc", "kind"]].values.tolist() == [["a.txt", "a.txt", "repeat"]]
    row = pairs.iloc[0]
    assert row.a_end <= row.b_start


def test_site_notices_are_boilerplate_shown_apart_not_copying():
    """A download notice shared by two pages (written here, in the style of such sites)
    between two items of each plan: the parser sets it apart as debris, which takes part
    only as boilerplate."""
    notice = (
        "温馨提示：本文档由网友上传，版权归上传者所有，如有侵权请联系客服删除。"
        "成为VIP会员后可免费下载全部文档，下载前请仔细预览，付费后不支持退款。"
    )
    texts = {
        "a.txt": "甲社区工作计划\n一、" + FILLER_A + "\n" + notice + "\n二、做好年终总结。\n",
        "b.txt": "乙社区工作计划\n一、" + FILLER_B + "\n" + notice + "\n二、开展评比表彰。\n",
    }
    pairs = run(texts)
    assert pairs.empty
    shown = pairs.attrs["boilerplate"]
    assert len(shown) == 1 and shown[0]["a_doc"] == "a.txt" and shown[0]["b_doc"] == "b.txt"
    from planparse.reuse.report import render_report

    page = render_report(pairs, texts)
    assert "Site boilerplate (1 passages" in page and "温馨提示" in page


def test_stock_formulae_alone_are_not_copying():
    # the slogan is read from the shipped list: stock phrases stand in real plans, and the
    # repository keeps them in that one file
    slogan = next(p for p in stock_phrases() if p.startswith("产业兴旺、"))
    formulae = (
        "本村对标" + slogan + "，本方案现印发给你们，望各组对照落实，全面建设社会主义现代化国家。"
    )
    texts = {
        "a.txt": "甲镇工作计划\n一、" + formulae + FILLER_A + "\n",
        "b.txt": "乙镇工作计划\n一、" + formulae + FILLER_B + "\n",
    }
    assert run(texts, threshold=0.25).empty


def test_a_small_call_does_not_import_datasketch():
    import subprocess
    import sys

    code = (
        "import sys, planparse\n"
        "t = '甲计划\\n一、" + PASSAGE + "\\n'\n"
        "planparse.find_duplicates(planparse.parse(t, 'a').to_frame(), texts={'a': t})\n"
        "print('datasketch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.fixture(scope="module")
def web_plans(shared_corpus):
    from planparse.reuse.evaluate import load_gold

    folder = shared_corpus / "web-plans"
    items = planparse.parse_files([folder])
    return items, load_gold(folder), find_duplicates(items, texts=folder)


def test_web_plans_gold_recall_and_precision(web_plans):
    """Every real copy sharing a run of 50+ characters is found; site boilerplate and stock
    phrases are not reported as copies (the gold set: corpus/gold/reuse/web-plans.tsv)."""
    from planparse.reuse.evaluate import gold_scores

    _, gold, pairs = web_plans
    result = gold_scores(pairs, gold)
    assert result["recall"] == 1.0 and result["precision"] >= 0.95


@pytest.mark.slow
def test_web_plans_pairs_are_the_same_for_any_number_of_processes_and_chunks(
    web_plans, shared_corpus
):
    from planparse.io.read import read_texts
    from planparse.reuse import find_duplicates_by_chunk
    from planparse.reuse.detect import table_chunks

    items, _, pairs = web_plans
    texts = read_texts(shared_corpus / "web-plans")
    parallel = find_duplicates(items, texts=texts, n_jobs=2)
    pd.testing.assert_frame_equal(parallel, pairs)
    chunked = find_duplicates_by_chunk(table_chunks(items, texts, 17), n_jobs=2)
    pd.testing.assert_frame_equal(chunked, pairs)
    assert parallel.attrs["boilerplate"] == pairs.attrs["boilerplate"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(["温馨提示", "本站", "下载", "VIP", "第12页", "www", "会员", "收藏"]),
            st.text("妇女工作计划开展0123456789", min_size=0, max_size=40),
        ),
        max_size=30,
    )
)
def test_notice_spans_equal_the_pattern_over_the_whole_text(parts):
    """The notice search runs the pattern only where two words stand near each other; its
    spans must be those of the pattern run over the whole text."""
    from planparse.reuse.fingerprint import notice_patterns, notice_spans

    text = "".join(parts)
    assert notice_spans(text) == [m.span() for m in notice_patterns().finditer(text)]


@settings(max_examples=100, deadline=None)
@given(
    texts=st.lists(st.text("一、（１）Ａ妇女 ，。2024年\n", max_size=40), min_size=1, max_size=4),
    spans=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 45), st.integers(0, 45))),
    simplified=st.booleans(),
)
def test_matching_texts_made_together_equal_each_made_alone(texts, spans, simplified):
    """DocText.many folds, masks and flags all texts in one pass; each must equal the plain
    reference: width folding by str.translate, one text at a time."""
    from planparse.normalize import fold_width
    from planparse.reuse.matchtext import DocText, keep_table, simplified_table

    masked = [
        [(a, b) for t, a, b in spans if t % len(texts) == n and a < b] for n in range(len(texts))
    ]
    flagged = [[(b, a + b) for t, a, b in spans if t % len(texts) != n] for n in range(len(texts))]
    made = DocText.many(texts, masked, simplified, flagged)
    for text, mask, flags, doc in zip(texts, masked, flagged, made):
        codes = np.frombuffer(fold_width(text).encode("utf-32-le"), np.uint32)
        keep = keep_table()[codes]
        inside = np.zeros(len(codes), bool)
        for start, end in mask:
            keep[start:end] = False
        for start, end in flags:
            inside[start:end] = True
        codes = simplified_table()[codes] if simplified else codes
        assert doc.offsets.tolist() == np.flatnonzero(keep).tolist()
        assert doc.kept.tolist() == codes[keep].tolist()
        assert doc.flagged.tolist() == inside[keep].tolist()


@settings(max_examples=100, deadline=None)
@given(
    texts=st.lists(st.lists(st.integers(1, 3), max_size=40), min_size=1, max_size=4),
    q=st.integers(2, 4),
)
def test_windows_made_together_equal_each_text_sorted_alone(texts, q):
    """Windows.many sorts the windows of all texts at once; each text's must be its windows
    inside one unit, repeated at most MAX_REPEAT times, sorted by hash."""
    from planparse.hashing import CHAR_SEED, ngram_hashes
    from planparse.reuse.passages import MAX_REPEAT, Windows

    codes = [np.array(t, np.uint32) for t in texts]
    ids = [np.where(np.arange(len(t)) % 7 == 6, -1, np.arange(len(t)) // 7) for t in codes]
    for text, unit, made in zip(codes, ids, Windows.many(codes, q, ids)):
        hashes, starts = ngram_hashes(text.astype(np.uint64), q, CHAR_SEED)
        inside = [(unit[s] >= 0) and unit[s] == unit[s + q - 1] for s in starts.tolist()]
        hashes, starts = hashes[inside], starts[inside]
        rare = [int((hashes == h).sum()) <= MAX_REPEAT for h in hashes]
        expected = sorted(zip(hashes[rare].tolist(), starts[rare].tolist()))
        assert sorted(zip(made.hashes.tolist(), made.starts.tolist())) == expected
        assert made.hashes.tolist() == sorted(made.hashes.tolist())


@settings(max_examples=100, deadline=None)
@given(
    a=st.lists(st.integers(1, 3), max_size=60),
    b=st.lists(st.integers(1, 3), max_size=60),
    at_least=st.integers(0, 60),
)
def test_pieces_stop_early_only_when_they_could_not_cover_enough(a, b, at_least):
    """A pair left before its pieces are cut is one whose pieces share fewer than
    ``at_least`` characters together: no passage of that length is lost."""
    from planparse.reuse.passages import pieces

    a, b = np.array(a, np.uint32), np.array(b, np.uint32)
    every = pieces(a, b, 3)
    bounded = pieces(a, b, 3, at_least=at_least)
    assert bounded.tolist() in (every.tolist(), [])
    if not len(bounded):
        assert every[:, 2].sum() < at_least or not len(every)


def test_analyze_takes_min_run_and_checks_it_before_any_work(tmp_path):
    """The whole job finds the lightly edited copies with ``min_run=25`` and records the
    setting in its manifest; a value the search refuses stops the run before anything is
    written."""
    import json

    from planparse.io.errors import UsageError
    from planparse.pipeline import analyze

    texts, planted = lightly_edited_copies()
    archive = tmp_path / "archive"
    archive.mkdir()
    for name, text in texts.items():
        (archive / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    analyze([archive], out, quiet=True, min_run=25)
    pairs = pd.read_parquet(out / "pairs.parquet")
    assert set(zip(pairs.a_doc, pairs.b_doc)) >= planted
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["parameters"]["min_run"] == 25
    with pytest.raises(UsageError, match="min_run"):
        analyze([archive], tmp_path / "refused", quiet=True, min_run=51)
    assert not (tmp_path / "refused").exists()
