"""Render the planned archive to files and record the truth: plans.tsv, reuse.tsv, labels.

Offsets are character offsets into the decoded file, exactly as planparse.read_text returns
it (line ends kept).  They are computed while the text is assembled, so they are exact.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

from build_sample import (
    Archive,
    FileSpec,
    Line,
    Plan,
    Renderer,
    bullets_everywhere,
    pdf_copy,
    walk,
    web_page,
)

CN = "一二三四五六七八九十"
COMPILATION_TOC = re.compile("篇[一二三四五六七八九十]|范文[一二三四五六七八九十]")
PIECE = ["{t} 篇{n}", "【篇{n}】{t}", "第{n}篇：{t}", "{t}（篇{n}）"]


def render_plan(archive: Archive, plan: Plan, spec: FileSpec) -> list[Line]:
    lines = Renderer(plan, archive.rng).render()
    if plan.style.get("bullets_all") or "bulletsall" in spec.mess:
        lines = lines[:1] + bullets_everywhere(lines[1:], archive.rng)
    if "placeholder" in spec.mess:
        place = plan.place
        blank = (
            "xx社区" if plan.level == "community" else "XX镇" if plan.level == "township" else "xx"
        )
        lines = [
            Line(
                l.text.replace(str(plan.year), "20xx").replace(place, blank),
                l.uid,
                l.plan,
                l.marker,
            )
            for l in lines
        ]
    if "traditional" in spec.mess:
        import opencc

        convert = opencc.OpenCC("s2t").convert
        lines = [Line(convert(l.text), l.uid, l.plan, l.marker) for l in lines]
    return lines


def assemble(archive: Archive, spec: FileSpec) -> list[Line]:
    rng = archive.rng
    if not spec.compilation:
        lines = render_plan(archive, spec.plans[0], spec)
        if "toc" in spec.mess:
            tocs = [
                r for r in archive.composer.frame["toc"].rows if not COMPILATION_TOC.search(r.body)
            ]
            toc = rng.choice(tocs).body.split(" ¦ ")
            lines = lines[:1] + [Line("目录")] + [Line(t) for t in toc] + lines[1:]
    else:
        first = spec.plans[0]
        head = f"{spec.name.split('（')[0].split('.')[0]}（{spec.compilation}{len(spec.plans)}篇）"
        blurbs = archive.composer.frame["blurb"].rows
        blurb = rng.choice([r for r in blurbs if first.scope in r.scope] or blurbs).body
        lines = [Line(head), Line(blurb)]
        if spec.compilation == "大全":
            tocs = [r for r in archive.composer.frame["toc"].rows if COMPILATION_TOC.search(r.body)]
            lines += [Line(t) for t in rng.choice(tocs).body.split(" ¦ ")]
        for n, plan in enumerate(spec.plans, 1):
            body = render_plan(archive, plan, spec)
            pattern = PIECE[n % len(PIECE)] if spec.compilation != "精选" else "{t}{d}"
            title = pattern.format(t=body[0].text, n=CN[n - 1], d=n)
            lines += [Line(title, body[0].uid, plan.pid)] + body[1:]
    if "disclaimer" in spec.mess:
        group = rng.choice("abcd")
        rows = sorted(
            (
                r
                for r in archive.composer.frame["disclaimer"].rows
                if r.id.startswith(f"fr-dis-{group}")
            ),
            key=lambda r: r.id,
        )
        lines = [Line(r.body) for r in rows] + lines
    if "web" in spec.mess:
        lines = web_page(lines, rng, archive.composer.frame)
    if "pdf" in spec.mess:
        lines = pdf_copy(lines, rng, rng.randint(30, 38))
    if "indent" in spec.mess:
        lines = [
            Line("　　" + l.text, l.uid, l.plan, l.marker) if l.uid and not l.marker else l
            for l in lines
        ]
    if "blank" in spec.mess:
        lines = [x for l in lines for x in (l, Line(""))]
    return lines


def layout(
    lines: list[Line], newline: str
) -> tuple[str, dict[str, list[tuple[int, int]]], dict[str, tuple[int, int]]]:
    """The file text, the spans of each block uid, and the span of each plan."""
    parts: list[str] = []
    spans: dict[str, list[tuple[int, int]]] = {}
    plans: dict[str, tuple[int, int]] = {}
    offset = 0
    for line in lines:
        text = line.text
        lead = len(text) - len(text.lstrip("　 "))
        if line.uid:
            bullet = len(text[lead:]) - len(text[lead:].lstrip("- "))  # "- " or "- - "
            spans.setdefault(line.uid, []).append((offset + lead + bullet, offset + len(text)))
        if line.plan:
            start, end = plans.get(line.plan, (offset + lead, 0))
            plans[line.plan] = (start, offset + len(text))
        parts.append(text + newline)
        offset += len(text) + len(newline)
    return "".join(parts), spans, plans


def write_file(spec: FileSpec, text: str, lines: list[Line], out: Path) -> None:
    from office import make_docx, make_pdf

    path = out / spec.name
    if spec.fmt == "docx":
        make_docx([(_level(l), _strip_marker(l)) for l in lines], path)
    elif spec.fmt == "pdf":
        flat = [l.text for l in pdf_copy(lines, _Fixed(), 34)]
        pages, page = [], []
        for t in flat:
            if re.fullmatch(r"- \d+ -|— \d+ —|第 \d+ 页", t):
                pages.append(page + [t])
                page = []
            elif t:
                page.append(t)
        make_pdf(pages + [page], path)
    else:
        path.write_bytes(text.encode(spec.encoding))


class _Fixed:
    """A stand-in random source so the PDF pages break at fixed places."""

    @staticmethod
    def randint(a: int, b: int) -> int:
        return a

    @staticmethod
    def choice(seq):
        return seq[0]


_LEVELS = [
    re.compile(r"^[一二三四五六七八九十]+、"),
    re.compile(r"^（[一二三四五六七八九十]+）"),
    re.compile(r"^\d+[、.]"),
    re.compile(r"^（\d+）"),
]


def _level(line: Line) -> int | None:
    if not line.marker:
        return None
    return next((i for i, p in enumerate(_LEVELS) if p.match(line.text)), None)


def _strip_marker(line: Line) -> str:
    return line.text[line.marker :] if _level(line) is not None else line.text


def write_archive(archive: Archive, out: Path, labels_out: Path) -> dict:
    import planparse

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    owner: dict[str, tuple[str, Plan]] = {}
    files: dict[str, tuple[FileSpec, str, dict, dict]] = {}
    for spec in archive.files:
        lines = assemble(archive, spec)
        text, spans, plan_spans = layout(lines, spec.newline)
        write_file(spec, text, lines, out)
        if spec.fmt != "txt":
            text = planparse.read_text(out / spec.name)
            spans, plan_spans = relocate(text, lines)
        files[spec.name] = (spec, text, spans, plan_spans)
        for plan in spec.plans:
            owner[plan.pid] = (spec.name, plan)
    plans_rows = plan_table(archive, files)
    truth = reuse_truth(archive, files, owner, plans_rows)
    labels = label_rows(archive, files, owner)
    write_tsv(out / "plans.tsv", plans_rows)
    write_tsv(out / "reuse.tsv", truth)
    write_tsv(labels_out, labels)
    chars = sum(len(t) for _, t, _, _ in files.values())
    return {
        "files": len(files),
        "plans": len(plans_rows),
        "characters": chars,
        "labeled items": len(labels),
        "reuse rows": len(truth),
    }


def relocate(text: str, lines: list[Line]) -> tuple[dict, dict]:
    """Spans of blocks in a .docx or .pdf by finding each line's text in the extracted text."""
    spans: dict[str, list[tuple[int, int]]] = {}
    plans: dict[str, tuple[int, int]] = {}
    cursor = 0
    for line in lines:
        body = line.text[line.marker :] if _level(line) is not None else line.text
        at = text.find(body, cursor) if body else -1
        if at < 0:
            continue
        start = at - (line.marker if _level(line) is not None else 0)
        if line.uid:
            spans.setdefault(line.uid, []).append((start, at + len(body)))
        if line.plan:
            plans[line.plan] = (plans.get(line.plan, (start, 0))[0], at + len(body))
        cursor = at + len(body)
    return spans, plans


def plan_table(archive: Archive, files: dict) -> list[dict]:
    rows = []
    for name, (spec, _, _, _) in files.items():
        for n, plan in enumerate(spec.plans, 1):
            rows.append(
                {
                    "file": name,
                    "plan_no": n,
                    "plan_id": plan.pid,
                    "title": plan.title,
                    "issuer_type": plan.issuer,
                    "region": plan.region,
                    "place": plan.place,
                    "year": plan.year,
                    "level": plan.level,
                    "doc_type": plan.doc_type,
                }
            )
    return rows


def _units(plan: Plan, spans: dict) -> list[str]:
    """The plan's unit uids in file order (title, blocks, signature)."""
    uids = [f"{plan.pid}-title"] + [b.uid for b in walk(plan.blocks)] + [f"{plan.pid}-signature"]
    return sorted((u for u in uids if u in spans), key=lambda u: spans[u][0][0])


def _origins(plan: Plan) -> dict[str, str]:
    origin = {b.uid: b.origin for b in walk(plan.blocks) if b.origin}
    if plan.origin:
        origin[f"{plan.pid}-title"] = f"{plan.origin}-title"
        origin[f"{plan.pid}-signature"] = f"{plan.origin}-signature"
    return origin


def reuse_truth(archive: Archive, files: dict, owner: dict, plans_rows: list[dict]) -> list[dict]:
    plan_no = {r["plan_id"]: r["plan_no"] for r in plans_rows}
    uid_plan = {b.uid: pid for pid, (_, p) in owner.items() for b in walk(p.blocks)}
    uid_plan.update({f"{pid}-{part}": pid for pid in owner for part in ("title", "signature")})
    rows = []
    for pid, (name, plan) in owner.items():
        spec, _, spans, _ = files[name]
        origin = _origins(plan)
        runs: list[list[tuple[str, str]]] = []
        for uid in _units(plan, spans):
            src = origin.get(uid)
            if src is None or uid_plan.get(src) is None:
                continue
            src_plan = uid_plan[src]
            src_units = _units(owner[src_plan][1], files[owner[src_plan][0]][2])
            if src not in src_units:
                continue
            last = runs[-1][-1] if runs else None
            if (
                last
                and uid_plan[last[1]] == src_plan
                and src_units.index(last[1]) + 1 == src_units.index(src)
                and _units(plan, spans).index(last[0]) + 1 == _units(plan, spans).index(uid)
            ):
                runs[-1].append((uid, src))
            else:
                runs.append([(uid, src)])
        for run in runs:
            src_plan = uid_plan[run[0][1]]
            src_name, source = owner[src_plan]
            src_spans = files[src_name][2]
            whole = len(run) == len(_units(plan, spans)) and plan.origin == src_plan
            kind = (
                plan.style.get("kind", "section-paste")
                if plan.origin == src_plan
                else "section-paste"
            )
            rows.append(
                {
                    "kind": kind,
                    "unit": "plan" if whole else "section" if len(run) > 1 else "item",
                    "source_file": src_name,
                    "source_plan": plan_no[src_plan],
                    "source_start": src_spans[run[0][1]][0][0],
                    "source_end": src_spans[run[-1][1]][-1][1],
                    "target_file": name,
                    "target_plan": plan_no[pid],
                    "target_start": spans[run[0][0]][0][0],
                    "target_end": spans[run[-1][0]][-1][1],
                    "edits": plan.style.get("edits", "") if plan.origin == src_plan else "",
                }
            )
    rows += boilerplate_rows(archive, files, owner, plan_no)
    return rows


def boilerplate_rows(archive: Archive, files: dict, owner: dict, plan_no: dict) -> list[dict]:
    phrases = [r.body for r in archive.composer.frame["taohua"].rows]
    rows = []
    for pid, (name, plan) in owner.items():
        _, text, _, plan_spans = files[name]
        if pid not in plan_spans:
            continue
        start, end = plan_spans[pid]
        for phrase in phrases:
            for match in re.finditer(re.escape(phrase), text[start:end]):
                rows.append(
                    {
                        "kind": "boilerplate",
                        "unit": "phrase",
                        "source_file": "",
                        "source_plan": "",
                        "source_start": "",
                        "source_end": "",
                        "target_file": name,
                        "target_plan": plan_no[pid],
                        "target_start": start + match.start(),
                        "target_end": start + match.end(),
                        "edits": "套话: shared stock phrase, not copying",
                    }
                )
    return rows


def label_rows(archive: Archive, files: dict, owner: dict) -> list[dict]:
    rows = []
    for pid, (name, plan) in owner.items():
        spans = files[name][2]
        if plan.origin:
            continue
        for block in walk(plan.blocks):
            if block.row is None or block.origin or block.uid not in spans or not block.row.labels:
                continue
            pieces = spans[block.uid]
            rows.append(
                {
                    "file": name,
                    "plan_id": pid,
                    "start": pieces[0][0],
                    "end": pieces[-1][1],
                    "labels": "|".join(domain_labels(block.row.labels)),
                    "kind": block.row.kind,
                    "bank_id": block.row.id,
                }
            )
    return rows


def domain_labels(labels: tuple[str, ...]) -> list[str]:
    """Labels as the guide has them: 其他 means no domain applies, so it stands alone."""
    domains = [label for label in labels if label != "其他"]
    return domains or ["其他"]


def write_tsv(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(
            stream, fieldnames=list(rows[0]), delimiter="\t", lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows)
