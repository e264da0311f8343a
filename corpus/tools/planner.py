"""Which plans and files the sample archive holds, and which of them copy which.

Called by build_sample.py; see corpus/README.md for the resulting datasheet.
"""

from __future__ import annotations

from build_sample import Archive, FileSpec

# (issuer, shape, mess) of the original single-plan files; years are spread over 2008–2025.
SINGLES = [
    ("村妇代会", "list", ()),
    ("村妇代会", "list", ("web",)),
    ("村妇联", "sections", ("blank",)),
    ("村妇代会", "list", ("gb",)),
    ("村妇联", "list", ("indent", "gb")),
    ("村妇联", "sections", ()),
    ("村妇代会", "sections", ("placeholder",)),
    ("村妇联", "list", ("bulletsall",)),
    ("社区妇联", "sections", ("web", "blank")),
    ("社区妇联", "standard", ()),
    ("社区妇联", "list", ("gb",)),
    ("社区妇联", "sections", ("placeholder", "disclaimer")),
    ("社区妇联", "standard", ("indent",)),
    ("社区妇联", "sections", ("traditional",)),
    ("街道妇联", "standard", ("web",)),
    ("街道妇联", "sections", ("pdf",)),
    ("乡镇妇联", "sections", ("gb", "indent")),
    ("乡镇妇联", "standard", ("toc",)),
    ("街道妇联", "sections", ("blank",)),
    ("县妇联", "district", ("pdf",)),
    ("区妇联", "district", ("web", "indent")),
    ("县妇联", "district", ()),
    ("县妇联", "standard", ("gb",)),
    ("区妇联", "standard", ("toc", "web")),
    ("县妇联", "sections", ()),
    ("区妇联", "sections", ("disclaimer",)),
    ("县妇联", "standard", ("blank",)),
    ("妇儿工委", "standard", ()),
    ("妇儿工委", "sections", ("web",)),
    ("妇儿工委", "standard", ("pdf",)),
    ("学校女教职工委员会", "sections", ()),
    ("学校女教职工委员会", "list", ("web",)),
    ("学校女教职工委员会", "standard", ("indent",)),
    ("企业女职工委员会", "sections", ("gb",)),
    ("企业女职工委员会", "list", ()),
    ("企业女职工委员会", "standard", ("blank",)),
    ("村妇联", "summary", ()),
    ("社区妇联", "summary", ("web",)),
    ("县妇联", "summary", ("gb",)),
    ("街道妇联", "summary", ("indent",)),
    ("企业女职工委员会", "summary", ()),
    ("区妇联", "summary", ("pdf",)),
    ("村妇代会", "sections", ("indent",)),
    ("社区妇联", "list", ()),
    ("乡镇妇联", "list", ("web",)),
    ("县妇联", "sections", ("blank", "gb")),
    ("妇儿工委", "list", ()),
    ("企业女职工委员会", "sections", ("placeholder",)),
    ("学校女教职工委员会", "sections", ("toc",)),
    ("街道妇联", "list", ("indent",)),
    ("村妇联", "sections", ("web",)),
    ("区妇联", "sections", ("indent",)),
    ("社区妇联", "standard", ("blank",)),
    ("县妇联", "standard", ()),
    ("乡镇妇联", "sections", ("gb",)),
    ("妇儿工委", "sections", ("indent",)),
    ("企业女职工委员会", "standard", ("web",)),
]


def file_name(plan, suffix: str = "txt") -> str:
    return f"{plan.year}_{plan.place}_{plan.issuer}_{plan.doc_type}.{suffix}"


def plan_archive(archive: Archive) -> None:
    """Fill ``archive.files`` with the originals, the compilations and the planted copies."""
    rng = archive.rng
    years = list(range(2008, 2026))
    originals = []
    for i, (issuer, shape, mess) in enumerate(SINGLES):
        plan = archive.new_plan(issuer, years[(i * 7) % len(years)], shape, i % 9)
        originals.append(plan)
        spec = FileSpec(file_name(plan), [plan], mess=mess)
        if "gb" in mess:
            spec.encoding, spec.newline = "gb18030", "\r\n"
        archive.files.append(spec)

    # Word and PDF files, made by corpus/tools/office.py.
    for fmt, issuer, year in (("docx", "县妇联", 2019), ("pdf", "街道妇联", 2021)):
        plan = archive.new_plan(issuer, year, "standard")
        plan.style.update(
            ladder="full",
            width_mix=False,
            bullets=False,
            fullwidth_digits=False,
            marker_alone=False,
            runon=False,
        )
        archive.files.append(FileSpec(file_name(plan, fmt), [plan], fmt=fmt))

    # Planted copies in their own files.
    for source in (originals[21], originals[9], originals[4]):
        copy = archive.year_copy(source)
        archive.files.append(FileSpec(file_name(copy), [copy], mess=("web",)))
    for source in (originals[26], originals[33]):
        copy = archive.neighbour_copy(source)
        archive.files.append(FileSpec(file_name(copy), [copy], mess=("blank",)))
    copy = archive.reordered_copy(originals[15])
    archive.files.append(
        FileSpec(file_name(copy).replace(".txt", "_转载.txt"), [copy], mess=("indent",))
    )
    copy = archive.copy_plan(originals[30], "exact-repost")
    copy.style["edits"] = ""
    archive.files.append(
        FileSpec(
            file_name(copy).replace(".txt", "_网站转载.txt"), [copy], mess=("web", "disclaimer")
        )
    )
    for source, target in (
        (originals[19], originals[24]),
        (originals[12], originals[18]),
        (originals[31], originals[35]),
    ):
        archive.paste_section(source, target)

    # Compilations of a template site.
    comp_a = [
        archive.new_plan(rng.choice(["社区妇联", "街道妇联"]), rng.choice(years), "sections")
        for _ in range(5)
    ]
    dup = archive.copy_plan(comp_a[1], "duplicate-rebulleted")
    dup.style["edits"] = "re-bulleted"
    dup.style["bullets_all"] = True
    comp_a += [archive.template_rewrite(originals[10]), dup, archive.neighbour_copy(comp_a[3])]
    archive.files.append(
        FileSpec("社区妇联工作计划（大全8篇）.txt", comp_a, compilation="大全", mess=("blank",))
    )
    comp_b = [
        archive.new_plan(rng.choice(["村妇代会", "村妇联"]), rng.choice(years[:-1]), "list")
        for _ in range(4)
    ]
    comp_b += [archive.template_rewrite(originals[5]), archive.year_copy(comp_b[0])]
    archive.files.append(
        FileSpec(
            "村妇代会工作计划（精选6篇）.txt",
            comp_b,
            compilation="精选",
            encoding="gb18030",
            newline="\r\n",
        )
    )
    comp_c = [
        archive.new_plan(
            rng.choice(["村妇联", "社区妇联", "乡镇妇联"]), rng.choice(years), "summary"
        )
        for _ in range(3)
    ]
    comp_c += [
        archive.copy_plan(originals[37], "exact-repost"),
        archive.reordered_copy(originals[20]),
    ]
    comp_c[3].style["edits"] = ""
    comp_d = [
        archive.template_rewrite(originals[2]),
        archive.template_rewrite(originals[22]),
        archive.year_copy(originals[40]),
        archive.neighbour_copy(originals[28]),
        archive.copy_plan(originals[13], "script-repost"),
    ]
    comp_d[4].style["edits"] = "Traditional→Simplified script (the source file is in Traditional)"
    archive.files.append(
        FileSpec("妇联工作计划（精选5篇）.txt", comp_d, compilation="精选", mess=("web",))
    )
    archive.files.append(
        FileSpec("妇联工作总结范文（通用5篇）.txt", comp_c, compilation="通用", mess=("indent",))
    )
