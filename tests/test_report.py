"""report.html without a browser: the honest summary (tests/test_report_browser.py drives it)."""

from __future__ import annotations

from planparse import report

SUMMARY = {"plans": 3, "items": 10, "reuse_pairs": 0, "reuse_families": 0}


def test_a_taxonomy_that_does_not_fit_is_said_and_points_to_the_docs():
    page = report._summary({**SUMMARY, "domain_shares": {"其他": 0.87, "维权": 0.13}})
    assert "class='warning'" in page and "87% of content items fall in 其他" in page
    assert "#your-own-taxonomy" in page


def test_no_warning_when_the_taxonomy_fits():
    page = report._summary({**SUMMARY, "domain_shares": {"其他": 0.8, "维权": 0.2}})
    assert "warning" not in page


def test_the_cli_prints_the_note(monkeypatch, capsys, tmp_path):
    from planparse import cli

    summary = {
        **SUMMARY,
        "files": 1,
        "failures": 0,
        "largest_families": [],
        "domain_shares": {"其他": 0.9, "维权": 0.1},
    }

    def analyze(paths, out, **options):  # what a real run leaves beside its summary
        out = tmp_path / "out"
        out.mkdir(parents=True, exist_ok=True)
        for name in ("errors.csv", "warnings.csv"):
            (out / name).write_text("doc_id,path,reason,message\n", encoding="utf-8")
        return summary

    monkeypatch.setattr("planparse.pipeline.analyze", analyze)
    assert cli.main(["analyze", str(tmp_path), "-o", str(tmp_path / "out")]) == 0
    assert "note: 90% of content items fall in 其他" in capsys.readouterr().out


def test_the_summary_counts_read_as_english():
    one = {
        **SUMMARY,
        "files": 1,
        "plans": 1,
        "failures": 1,
        "reuse_pairs": 1,
        "reuse_families": 1,
        "domain_shares": {"维权": 1.0},
    }
    page = report._summary(one)
    assert "1 file, 1 plan, 10 content items counted; 1 copy-paste pair in 1 family" in page
    assert "1 file could not be read" in page
    page = report._summary({**one, "files": 2, "reuse_pairs": 3, "reuse_families": 2})
    assert "2 files, 1 plan" in page and "3 copy-paste pairs in 2 families" in page
