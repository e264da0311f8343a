"""Reading files: encodings, line ends, .docx numbering, .pdf, .html, and bad input."""

from __future__ import annotations

import os

import pytest

import planparse
from planparse.io import errors, read
from planparse.parse.files import parse_files

PLAN = "社区妇联工作计划\n一、加强组织建设\n（一）健全组织网络。\n二、开展维权服务\n"


@pytest.mark.parametrize(
    "encoding, line_end, bom",
    [
        ("utf-8", "\n", b""),
        ("utf-8", "\r\n", b"\xef\xbb\xbf"),
        ("utf-16-le", "\r\n", b"\xff\xfe"),
        ("utf-16-be", "\n", b"\xfe\xff"),
        ("gb18030", "\r\n", b""),
        ("gbk", "\r", b""),
    ],
)
def test_text_encodings_and_line_ends(tmp_path, encoding, line_end, bom):
    path = tmp_path / "plan.txt"
    text = PLAN.replace("\n", line_end)
    path.write_bytes(bom + text.encode(encoding))
    assert planparse.read_text(path) == text
    frame = planparse.parse_file(path).to_frame()
    assert frame.marker.tolist() == ["一、", "（一）", "二、"]
    assert all(text[r.start : r.end].startswith(r.marker) for r in frame.itertuples())


def test_short_gbk_text_is_not_mistaken(tmp_path):
    path = tmp_path / "short.txt"
    path.write_bytes("妇联".encode("gbk"))
    assert read.read_source(path).encoding == "gb18030" and read.read_text(path) == "妇联"


@pytest.mark.parametrize(
    "content, error",
    [
        (b"", errors.EmptyFileError),
        (b"  \r\n\t\n", errors.EmptyFileError),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), errors.BinaryFileError),
    ],
)
def test_bad_text_files_name_the_file(tmp_path, content, error):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(error, match="bad.txt"):
        read.read_text(path)


def test_undecodable_bytes_give_an_encoding_error(tmp_path):
    path = tmp_path / "odd.txt"
    path.write_bytes(b"\x81\x30" * 50 + b"\xff\xfe\xfd" * 50)  # valid in no single encoding
    with pytest.raises(errors.ReadError, match="odd.txt"):
        read.read_text(path)


def test_too_large_file_is_refused(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes("一、学习\n".encode() * 1000)
    with pytest.raises(errors.FileTooLargeError, match="big.txt"):
        read.read_text(path, max_bytes=1000)


def test_unsupported_type_is_refused_with_a_hint(tmp_path):
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(errors.UnsupportedFileError, match="convert it to .docx"):
        read.read_text(path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_text("一、学习", encoding="utf-8")
    path.chmod(0)
    with pytest.raises(errors.ReadError, match="permission denied"):
        read.read_text(path)


def test_docx_automatic_numbering_is_recovered(tmp_path):
    from office import make_docx

    path = tmp_path / "plan.docx"
    make_docx(
        [
            (None, "社区妇联工作计划"),
            (0, "加强组织建设"),
            (1, "健全组织网络。"),
            (1, "完善工作制度。"),
            (2, "每月召开执委会。"),
            (0, "开展维权服务"),
            (1, "做好法律宣传。"),
        ],
        path,
    )
    frame = planparse.parse_file(path).to_frame()
    assert frame.plan_title.iloc[0] == "社区妇联工作计划"
    assert list(zip(frame.marker, frame.depth)) == [
        ("一、", 1),
        ("（一）", 2),
        ("（二）", 2),
        ("1.", 3),
        ("二、", 1),
        ("（一）", 2),
    ]


def test_corrupt_docx_and_pdf(tmp_path):
    for name in ("broken.docx", "broken.pdf"):
        path = tmp_path / name
        path.write_bytes(
            b"PK\x03\x04 this is not really a zip"
            if name.endswith("docx")
            else b"%PDF-1.4\n garbage"
        )
        with pytest.raises(errors.CorruptFileError, match=name):
            read.read_text(path)


def test_pdf_pages_are_joined_across_the_page_break(tmp_path):
    from office import make_pdf

    path = tmp_path / "plan.pdf"
    make_pdf(
        [
            [
                "社区妇联工作计划",
                "一、加强组织建设",
                "为进一步完善基层组织网络，我们将在各小区设立妇女小组，并定期召开",
                "- 1 -",
            ],
            ["执委会议，研究部署各项工作。", "二、开展维权服务"],
        ],
        path,
    )
    frame = planparse.parse_file(path).to_frame()
    body = frame[frame.kind == "para"].text.tolist()
    assert body == [
        "为进一步完善基层组织网络，我们将在各小区设立妇女小组，并定期召开执委会议，研究部署各项工作。"
    ]
    assert frame[frame.kind == "item"].marker.tolist() == ["一、", "二、"]


def test_html_with_broken_markup(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        "<html><body><div>下载 打印<p>一、学习<p>二、活动</b></i><script>var x=1;</script>",
        encoding="utf-8",
    )
    frame = planparse.parse_file(path).to_frame()
    assert frame[frame.kind == "item"].text.tolist() == ["学习", "活动"]


def test_html_table_cells_stay_apart(tmp_path):
    # Closed and unclosed cells: each cell's words must not run into the next cell's.
    path = tmp_path / "table.html"
    path.write_text(
        "<table><tr><td>一、促进就业</td><td>开展培训</td></tr>"
        "<tr><td>二、维护权益<td>法律宣传</table>",
        encoding="utf-8",
    )
    assert planparse.read_text(path) == "一、促进就业\t开展培训\n二、维护权益\t法律宣传\n"
    items = planparse.parse_file(path).to_frame()
    assert "促进就业开展培训" not in "".join(items.text)


def test_directories_are_read_recursively_in_a_stable_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("一、乙\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("一、甲\n", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("一、隐\n", encoding="utf-8")
    (tmp_path / "b" / "1.txt").write_bytes("一、丙\n".encode("gb18030"))
    assert [doc_id for doc_id, _ in read.iter_files([tmp_path])] == ["a.txt", "b/1.txt", "b/2.txt"]
    assert parse_files(tmp_path).doc_id.unique().tolist() == ["a.txt", "b/1.txt", "b/2.txt"]


def test_one_bad_file_does_not_stop_a_batch(tmp_path):
    (tmp_path / "a.txt").write_text("一、甲\n二、乙\n", encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(b"")
    (tmp_path / "c.bin.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "d.txt").write_text("一、丁\n", encoding="utf-8")
    with pytest.warns(UserWarning, match="3 file"):
        frame = parse_files([tmp_path, tmp_path / "missing.txt"])
    assert frame.doc_id.unique().tolist() == ["a.txt", "d.txt"]
    failures = {f["doc_id"]: f["reason"] for f in frame.attrs["failures"]}
    assert failures == {"b.txt": "empty", "c.bin.txt": "binary", "missing.txt": "missing"}


def test_colliding_doc_ids_are_refused(tmp_path):
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.txt").write_text("一、甲\n", encoding="utf-8")
    with pytest.raises(ValueError, match="doc_id 'a.txt'"):
        list(read.iter_files([tmp_path / "x", tmp_path / "y"]))
