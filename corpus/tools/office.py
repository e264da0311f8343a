"""Write plan text as .docx (with Word's automatic numbering) and as .pdf.

Used by ``corpus/tools/build_sample.py`` for the sample archive and by the tests, so the
fixtures and the sample are made the same way.  Needs python-docx and reportlab.

    python corpus/tools/office.py plan.txt out.docx out.pdf
"""

from __future__ import annotations

import datetime
import sys
import zipfile
from pathlib import Path

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

#: (numFmt, lvlText) per list level: 一、 → （一） → 1. → （1）
CHINESE_LADDER = (
    ("chineseCounting", "%1、"),
    ("chineseCounting", "（%2）"),
    ("decimal", "%3."),
    ("decimal", "（%4）"),
)


def _numbering_xml(abstract_id: int, num_id: int, ladder: tuple[tuple[str, str], ...]) -> tuple:
    from docx.oxml import parse_xml

    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
        for i, (fmt, text) in enumerate(ladder)
    )
    abstract = parse_xml(
        f'<w:abstractNum xmlns:w="{W}" w:abstractNumId="{abstract_id}">'
        f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'
    )
    num = parse_xml(
        f'<w:num xmlns:w="{W}" w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>'
    )
    return abstract, num


def make_docx(
    paragraphs: list[tuple[int | None, str]],
    path: str | Path,
    ladder: tuple[tuple[str, str], ...] = CHINESE_LADDER,
) -> None:
    """Write ``(level, text)`` paragraphs; a level (0-based) puts the paragraph in an
    automatically numbered list, ``None`` leaves it plain.  The marker is *not* in the text."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    numbering = document.part.numbering_part.element
    abstract, num = _numbering_xml(90, 90, ladder)
    first_num = numbering.find(f"{{{W}}}num")
    if first_num is not None:
        first_num.addprevious(abstract)  # abstractNum elements must precede num elements
    else:
        numbering.append(abstract)
    numbering.append(num)
    for level, text in paragraphs:
        paragraph = document.add_paragraph(text)
        if level is not None:
            paragraph._p.get_or_add_pPr().append(
                parse_xml(
                    f'<w:numPr xmlns:w="{W}"><w:ilvl w:val="{level}"/><w:numId w:val="90"/>'
                    f"</w:numPr>"
                )
            )
    fixed = datetime.datetime(2020, 1, 1)
    document.core_properties.created = document.core_properties.modified = fixed
    document.save(str(path))
    _freeze_zip(Path(path))


def _freeze_zip(path: Path) -> None:
    """Rewrite a zip with fixed timestamps, so the same input gives byte-identical files."""
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            target.writestr(
                zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)),
                data,
                compress_type=zipfile.ZIP_DEFLATED,
            )


def make_pdf(pages: list[list[str]], path: str | Path, font_size: int = 11) -> None:
    """Write pages of lines as a PDF in the built-in STSong-Light CJK font (nothing embedded)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path), invariant=1)  # invariant: byte-identical on every run
    for lines in pages:
        pdf.setFont("STSong-Light", font_size)
        y = 800
        for line in lines:
            pdf.drawString(56, y, line)
            y -= font_size * 1.6
        pdf.showPage()
    pdf.save()


if __name__ == "__main__":
    source, docx_out, pdf_out = sys.argv[1:4]
    lines = Path(source).read_text(encoding="utf-8").splitlines()
    make_docx([(None, line) for line in lines], docx_out)
    make_pdf([lines[i : i + 40] for i in range(0, len(lines), 40)], pdf_out)
