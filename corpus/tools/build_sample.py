"""Build the sample archive corpus/sample/ from the hand-written item bank.

    python corpus/tools/build_sample.py            # writes corpus/sample and corpus/labels/sample.tsv

Every sentence comes from corpus/tools/bank/*.tsv, written by this project.  This script only
chooses which written rows go into which plan, numbers them, and renders each file the way
plans appear in the wild (web debris, PDF page breaks, bullets, mixed widths, compilations,
GB18030 with CRLF, .docx with Word's numbering, .pdf).  It also plants copy-paste between
plans, and records the exact truth (reuse.tsv) and the labels of every placed item
(corpus/labels/sample.tsv) as it writes.  It is deterministic: the same bank gives
byte-identical output.
"""

from __future__ import annotations

import csv
import random
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent
SAMPLE = CORPUS / "sample"
sys.path.insert(0, str(HERE))

SEED = 20240308
CN_DIGITS = "〇一二三四五六七八九"
DOMAINS = ("维权", "家庭建设", "就业", "组织建设", "其他")

# Era cues: a row that names one of these fits only plans of those years.
ERA = [
    (r"十七大|十七届|科学发展观|和谐社会|新农村建设|农家书屋|双学双比", 2008, 2013),
    (r"十八大|十八届|群众路线|两学一做|十二五", 2012, 2017),
    (r"十三五|精准扶贫|脱贫攻坚", 2016, 2020),
    (r"十九大|十九届|乡村振兴|新时代", 2017, 2025),
    (r"二十大|二十届|十四五|共同富裕|高质量发展", 2021, 2025),
    (r"疫情|新冠|防疫", 2020, 2022),
    (r"建党100周年|建党一百周年|党史学习教育", 2021, 2021),
    (r"计划生育|独生子女", 2008, 2015),
    (r"民法典", 2020, 2025),
    (r"网上妇联|妇联改革|强.三性", 2015, 2025),
    (r"数字|线上|直播|短视频|网格", 2018, 2025),
    (r"美丽庭院", 2017, 2025),
    (r"反家庭暴力法", 2016, 2025),
]

# Places: (region, county, townships, streets, communities, villages).  Fictional names.
PLACES = [
    (
        "华东",
        "清河县",
        ["城关镇", "柳林镇"],
        ["东湖街道"],
        ["幸福社区", "东湖社区"],
        ["桃园村", "柳林村"],
    ),
    ("华东", "临江区", ["滨江镇"], ["南山街道", "江城街道"], ["望江社区", "翠苑社区"], ["沙洲村"]),
    (
        "华中",
        "云溪县",
        ["云溪镇", "石桥乡"],
        ["城南街道"],
        ["玉带社区"],
        ["石桥村", "枫林村", "杨家湾村"],
    ),
    ("华中", "丰安县", ["丰安镇"], ["北关街道"], ["长乐社区", "和平社区"], ["上河村", "黄土岗村"]),
    ("西南", "青石县", ["青石镇", "白岩乡"], ["城西街道"], ["金竹社区"], ["白岩村", "竹林村"]),
    ("西南", "安宁区", ["龙潭镇"], ["安宁街道", "新华街道"], ["龙潭社区", "新华社区"], ["龙泉村"]),
    ("西北", "河西县", ["河西镇", "红柳乡"], ["河东街道"], ["团结社区"], ["红柳村", "沙河村"]),
    (
        "东北",
        "松原区",
        ["松江镇"],
        ["松原街道", "长青街道"],
        ["长青社区", "松江社区"],
        ["三道沟村"],
    ),
    ("华南", "海宁区", ["海湾镇"], ["海滨街道", "榕树街道"], ["榕树社区", "海滨社区"], ["渔湾村"]),
]

# Issuer types: (name, level, scope tag in the bank, how the issuer signs).
ISSUERS = {
    "村妇代会": ("village", "village", "妇代会"),
    "村妇联": ("village", "village", "妇联"),
    "社区妇联": ("community", "community", "妇联"),
    "街道妇联": ("township", "street", "妇联"),
    "乡镇妇联": ("township", "street", "妇联"),
    "县妇联": ("county", "county", "妇联"),
    "区妇联": ("county", "county", "妇联"),
    "妇儿工委": ("county", "wcc", "妇女儿童工作委员会"),
    "学校女教职工委员会": ("unit", "school", "女教职工委员会"),
    "企业女职工委员会": ("unit", "enterprise", "女职工委员会"),
}
# Domain weights per issuer scope: which sections a plan of that issuer has.
WEIGHTS = {
    "village": (2, 3, 3, 2, 3),
    "community": (2, 3, 2, 2, 3),
    "street": (2, 2, 2, 3, 2),
    "county": (3, 3, 3, 3, 2),
    "wcc": (3, 2, 1, 2, 4),
    "school": (2, 4, 1, 2, 2),
    "enterprise": (4, 2, 3, 2, 2),
}
UNITS = {
    "school": ["第一中学", "实验小学", "职业中专"],
    "enterprise": ["纺织有限公司", "电子科技公司", "食品有限公司", "人民医院"],
}
# The rewriting a template site does: swap words for near-synonyms.
SYNONYMS = [
    ("积极", "用心"),
    ("帮助", "帮忙"),
    ("文明", "礼貌"),
    ("能力", "潜力"),
    ("创建", "建立"),
    ("认真", "仔细"),
    ("提高", "提升"),
    ("广泛", "普遍"),
    ("及时", "按时"),
    ("充分", "全面"),
    ("努力", "尽力"),
    ("不断", "持续"),
]


# --------------------------------------------------------------------------------------------
# the bank


@dataclass(frozen=True)
class Row:
    id: str
    kind: str
    labels: tuple[str, ...]
    scope: frozenset[str]
    heading: str
    body: str
    years: tuple[int, int] = (2008, 2025)

    def fits(self, scope: str, year: int) -> bool:
        return ("any" in self.scope or scope in self.scope) and self.years[0] <= year <= self.years[
            1
        ]


def _years(text: str) -> tuple[int, int]:
    lo, hi = 2008, 2025
    for pattern, a, b in ERA:
        if re.search(pattern, text):
            lo, hi = max(lo, a), min(hi, b)
    return (lo, hi) if lo <= hi else (2008, 2025)


def load_bank() -> tuple[dict[str, list[Row]], dict[str, list[Row]]]:
    """Domain rows by primary label, and frame rows by kind."""
    domain: dict[str, list[Row]] = {d: [] for d in DOMAINS}
    frame: dict[str, list[Row]] = {}
    for path in sorted((HERE / "bank").glob("*.tsv")):
        with path.open(encoding="utf-8", newline="") as stream:
            for rec in csv.DictReader(stream, delimiter="\t", quoting=csv.QUOTE_NONE):
                if path.stem == "frame":
                    text = rec["text"]
                    frame.setdefault(rec["kind"], []).append(
                        Row(
                            rec["id"],
                            rec["kind"],
                            (),
                            frozenset(rec["scope"].split("|")),
                            "",
                            text,
                            _years(text),
                        )
                    )
                    continue
                labels = tuple(rec["labels"].split("|"))
                text = rec["heading"] + rec["body"]
                domain[labels[0]].append(
                    Row(
                        rec["id"],
                        rec["kind"],
                        labels,
                        frozenset(rec["scope"].split("|")),
                        rec["heading"],
                        rec["body"],
                        _years(text),
                    )
                )
    return domain, frame


class Pool:
    """Rows handed out without replacement, preferring those that fit the plan."""

    def __init__(self, rows: list[Row], rng: random.Random) -> None:
        self.rows = rows[:]
        rng.shuffle(self.rows)
        self.used: set[str] = set()

    def take(self, kind: str, scope: str, year: int, n: int = 1, strict: bool = False) -> list[Row]:
        """Up to ``n`` unused rows: first those that fit scope and year, then looser fits
        (unless ``strict``)."""
        picked = []
        tiers = [
            lambda r: r.fits(scope, year),
            lambda r: (
                r.fits("any", year) or (r.years[0] <= year <= r.years[1] and "any" in r.scope)
            ),
        ]
        if not strict:
            tiers += [lambda r: r.fits(scope, r.years[0]), lambda r: True]
        for ok in tiers:
            for row in self.rows:
                if len(picked) == n:
                    return picked
                if row.id not in self.used and row.kind == kind and ok(row):
                    self.used.add(row.id)
                    picked.append(row)
        return picked


# --------------------------------------------------------------------------------------------
# plans as blocks


@dataclass
class Block:
    """One unit of a plan: a paragraph or a numbered item with children.

    ``uid`` names this instance; a copy keeps ``origin``, the uid it was copied from.
    """

    kind: str  # para | item | sub | inline | heading-only
    text: str
    row: Row | None = None
    children: list[Block] = field(default_factory=list)
    uid: str = ""
    origin: str = ""
    role: str = ""  # opening, guide, closing, transition, taohua, signature, section, ...


@dataclass
class Plan:
    pid: str
    issuer: str
    region: str
    place: str
    year: int
    doc_type: str  # 工作计划 | 工作要点 | 工作总结
    blocks: list[Block]
    title: str = ""
    scope: str = ""
    level: str = ""
    style: dict = field(default_factory=dict)
    origin: str = ""  # pid of the plan this one copies, if any


def _uid(counter: list[int]) -> str:
    counter[0] += 1
    return f"u{counter[0]}"


def chinese_year(year: int) -> str:
    return "".join(CN_DIGITS[int(d)] for d in str(year))


def chinese_day(n: int) -> str:
    if n <= 10:
        return "十" if n == 10 else CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return (CN_DIGITS[tens] if tens > 1 else "") + "十" + (CN_DIGITS[ones] if ones else "")


class Composer:
    """Chooses rows for plans; every row of the bank is used at most once."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        domain, frame = load_bank()
        self.domain = {d: Pool(rows, rng) for d, rows in domain.items()}
        self.frame = {k: Pool(rows, rng) for k, rows in frame.items()}
        self.uids = [0]

    def block(
        self,
        kind: str,
        text: str,
        row: Row | None = None,
        role: str = "",
        children: list[Block] | None = None,
    ) -> Block:
        return Block(kind, text, row, children or [], _uid(self.uids), "", role)

    def frame_para(self, kind: str, plan: Plan) -> Block | None:
        rows = self.frame[kind].take(kind, plan.scope, plan.year, strict=True)
        if not rows:
            return None
        text = rows[0].body.replace("{place}", plan.place).replace("{year}", str(plan.year))
        return self.block("para", text, rows[0], kind)

    def taohua(self, plan: Plan, n: int) -> list[str]:
        rows = [r for r in self.frame["taohua"].rows]  # stock phrases repeat across plans
        return [r.body for r in self.rng.sample(rows, n)]

    def items(self, domain: str, plan: Plan, n: int, subs: int, inline: bool) -> list[Block]:
        pool = self.domain[domain]
        out = []
        for row in pool.take("item", plan.scope, plan.year, n):
            children = []
            if subs and self.rng.random() < 0.35:
                children = [
                    self.block("sub", r.body, r)
                    for r in pool.take("sub", plan.scope, plan.year, self.rng.randint(2, subs))
                ]
            out.append(self.block("item", row.heading, row, children=children))
        if inline:
            out += [
                self.block("inline", r.body, r) for r in pool.take("inline", plan.scope, plan.year)
            ]
        return out

    def section(self, domain: str, plan: Plan, n: int, subs: int, inline: bool) -> Block | None:
        heads = self.domain[domain].take("section", plan.scope, plan.year)
        items = self.items(domain, plan, n, subs, inline)
        if not heads or not items:
            return None
        return self.block("item", heads[0].heading, heads[0], "section", items)

    def summary_items(self, domain: str, plan: Plan, n: int) -> list[Block]:
        return [
            self.block("item" if r.heading else "para", r.heading, r)
            for r in self.domain[domain].take("summary", plan.scope, plan.year, n)
        ]

    def domains_for(self, plan: Plan, k: int) -> list[str]:
        weights = list(WEIGHTS[plan.scope])
        chosen = []
        for _ in range(min(k, 5)):
            d = self.rng.choices(range(5), weights)[0]
            weights[d] = 0
            chosen.append(DOMAINS[d])
        return chosen

    # -- plan shapes --------------------------------------------------------------------
    def compose(self, plan: Plan, shape: str) -> Plan:
        rng = self.rng
        blocks: list[Block] = []
        opening = self.frame_para("summary_opening" if shape == "summary" else "opening", plan)
        if opening is not None:
            if rng.random() < 0.5:
                opening.text = (
                    opening.text.rstrip("。：:") + "，" + "，".join(self.taohua(plan, 2)) + "。"
                )
            blocks.append(opening)
        if shape == "list":  # a short list: 6–10 items, no sections
            for domain in self.domains_for(plan, 3):
                blocks += self.items(domain, plan, rng.randint(2, 4), 0, False)
        elif shape == "summary":
            results = [
                self.block(
                    "item",
                    "主要工作及成效",
                    None,
                    "section",
                    [
                        b
                        for d in self.domains_for(plan, 4)
                        for b in self.summary_items(d, plan, rng.randint(1, 3))
                    ],
                )
            ]
            problems = self.frame_para("goal", plan)
            results.append(
                self.block("item", "存在的不足", None, "section", [problems] if problems else [])
            )
            blocks += results
            transition = self.frame_para("transition", plan)
            if transition is not None:
                transition.text = f"{plan.year + 1}年工作打算如下："
                transition.role = "restart"
                transition.children = [
                    s
                    for d in self.domains_for(plan, 3)
                    if (s := self.section(d, plan, rng.randint(2, 3), 0, False))
                ]
                blocks.append(transition)
        else:
            sizes = {"standard": (2, 4, 3, 5), "sections": (2, 4, 3, 6), "district": (4, 5, 6, 9)}
            k_lo, k_hi, n_lo, n_hi = sizes[shape]
            sections = [
                s
                for d in self.domains_for(plan, rng.randint(k_lo, k_hi))
                if (
                    s := self.section(
                        d,
                        plan,
                        rng.randint(n_lo, n_hi),
                        3 if shape == "district" else 2,
                        rng.random() < 0.4,
                    )
                )
            ]
            if shape in ("standard", "district"):
                guide = self.frame_para("guide", plan)
                goal = self.frame_para("goal", plan)
                if guide is not None:
                    blocks.append(self.block("item", "指导思想", None, "guide", [guide]))
                if goal is not None:
                    blocks.append(self.block("item", "工作目标", None, "goal", [goal]))
                blocks.append(self.block("item", "主要任务", None, "tasks", sections))
            else:
                blocks += sections
            if shape != "list" and rng.random() < 0.3 and sections:
                transition = self.frame_para("transition", plan)
                if transition is not None:  # a list that restarts at 一 under a plain paragraph
                    transition.role = "restart"
                    transition.children = [
                        s
                        for d in self.domains_for(plan, 2)
                        if (s := self.section(d, plan, 2, 0, False))
                    ]
                    blocks.append(transition)
            closing = self.frame_para("closing", plan)
            if closing is not None:
                if shape in ("standard", "district") and rng.random() < 0.6:
                    blocks.append(self.block("item", "保障措施", None, "closing", [closing]))
                else:
                    blocks.append(closing)
        plan.blocks = blocks
        return plan


# --------------------------------------------------------------------------------------------
# rendering


LADDERS = {
    "full": [
        lambda n: f"{chinese_day(n)}、",
        lambda n: f"（{chinese_day(n)}）",
        lambda n: f"{n}、",
        lambda n: f"（{n}）",
        lambda n: chr(0x2460 + n - 1),
    ],
    "dot": [
        lambda n: f"{chinese_day(n)}、",
        lambda n: f"（{chinese_day(n)}）",
        lambda n: f"{n}.",
        lambda n: f"（{n}）",
        lambda n: chr(0x2460 + n - 1),
    ],
    "short": [
        lambda n: f"（{chinese_day(n)}）",
        lambda n: f"{n}、",
        lambda n: f"（{n}）",
        lambda n: chr(0x2460 + n - 1),
        lambda n: chr(0x2460 + n - 1),
    ],
    "arabic": [
        lambda n: f"{n}、",
        lambda n: f"（{n}）",
        lambda n: chr(0x2460 + n - 1),
        lambda n: chr(0x2460 + n - 1),
        lambda n: chr(0x2460 + n - 1),
    ],
}
WIDTH_MIX = [("（", "("), ("）", ")"), ("、", "．"), (".", "．")]


@dataclass
class Line:
    text: str
    uid: str = ""  # the block this line renders ("" for layout and debris)
    plan: str = ""
    marker: int = 0  # length of the marker at the start of text


class Renderer:
    """Turns a plan's blocks into lines, in one plan's own numbering style."""

    def __init__(self, plan: Plan, rng: random.Random) -> None:
        self.plan = plan
        self.rng = rng
        self.style = plan.style
        self.ladder = LADDERS[self.style.get("ladder", "full")]
        self.lines: list[Line] = []
        self.runon: dict[int, int] = {}

    def text_of(self, block: Block) -> str:
        row = block.row
        if block.kind == "item" and row is not None and row.body and row.kind != "section":
            joiner = "：" if self.style.get("colon") else "。"
            return block.text + joiner + row.body
        if block.kind in ("sub", "inline"):
            return block.text
        if row is not None and row.kind == "summary" and row.heading:
            return row.heading + "。" + row.body
        return block.text

    def marker(self, depth: int, n: int) -> str:
        marker = self.ladder[min(depth, len(self.ladder) - 1)](n)
        if self.style.get("width_mix") and self.rng.random() < 0.25:
            a, b = self.rng.choice(WIDTH_MIX)
            marker = marker.replace(a, b, 1)
        if self.style.get("fullwidth_digits") and marker[0].isdigit():
            marker = marker.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"}).replace(
                ".", "．"
            )
        return marker

    def add(self, text: str, uid: str = "", marker: int = 0) -> None:
        self.lines.append(Line(text, uid, self.plan.pid, marker))

    def render_blocks(self, blocks: list[Block], depth: int) -> None:
        n = self.runon.get(depth, 0) if self.style.get("runon") and depth == 1 else 0
        for block in blocks:
            if block.kind == "para":
                self.add(self.text_of(block), block.uid)
                if block.children:  # "下半年重点工作如下：" then a list restarting at 一
                    self.render_blocks(block.children, 0)
                continue
            if block.kind == "inline":
                self.add(self.text_of(block), block.uid)
                continue
            n += 1
            marker = self.marker(depth, n)
            bullet = "- " if self.style.get("bullets") and self.rng.random() < 0.3 else ""
            text = self.text_of(block)
            if (
                self.style.get("marker_alone")
                and block.role == "section"
                and self.rng.random() < 0.5
            ):
                self.add(bullet + marker, block.uid, len(bullet) + len(marker))
                self.add(text, block.uid)
            else:
                self.add(bullet + marker + text, block.uid, len(bullet) + len(marker))
            self.render_blocks(block.children, depth + 1)
        if self.style.get("runon") and depth == 1:
            self.runon[depth] = n

    def render(self) -> list[Line]:
        plan = self.plan
        self.add(plan.title, f"{plan.pid}-title")
        self.render_blocks(plan.blocks, 0)
        self.add(plan.style.get("signature", ""), f"{plan.pid}-signature")
        return [line for line in self.lines if line.text]


def signature(plan: Plan, rng: random.Random) -> str:
    sign = ISSUERS[plan.issuer][2]
    month, day = rng.randint(1, 3), rng.randint(1, 28)
    if plan.doc_type == "工作总结":
        year = plan.year
        month = 12
    else:
        year = plan.year if month > 1 or rng.random() < 0.5 else plan.year - 1
    if rng.random() < 0.5:
        date = f"{chinese_year(year)}年{chinese_day(month)}月{chinese_day(day)}日"
    else:
        date = f"{year}年{month}月{day}日"
    return f"{plan.place}{sign}　{date}"


# --------------------------------------------------------------------------------------------
# file-level mess


def pdf_copy(lines: list[Line], rng: random.Random, width: int) -> list[Line]:
    """Hard-wrap at ``width`` and break pages with page numbers and a running header."""
    header = lines[0].text[:20] if lines else ""
    out: list[Line] = []
    count, page = 0, 1
    for line in lines:
        pieces = [line.text[i : i + width] for i in range(0, len(line.text), width)] or [""]
        for k, piece in enumerate(pieces):
            out.append(Line(piece, line.uid, line.plan, line.marker if k == 0 else 0))
            count += 1
            if count >= 30 + rng.randint(0, 8):
                page += 1
                number = rng.choice([f"- {page - 1} -", f"— {page - 1} —", f"第 {page - 1} 页"])
                out += [Line(""), Line(number), Line(""), Line(header), Line("")]
                count = 0
    return out


def web_page(lines: list[Line], rng: random.Random, frame: dict[str, Pool]) -> list[Line]:
    debris = [r.body for r in rng.sample(frame["debris"].rows, 5)]
    top = [Line(t) for t in debris[:3]]
    return top + lines[:1] + [Line(t) for t in debris[3:]] + lines[1:]


def bullets_everywhere(lines: list[Line], rng: random.Random) -> list[Line]:
    """A re-bulleted copy: some numbered lines get "- " before their marker."""
    return [
        replace(l, text="- " + l.text, marker=l.marker + 2)
        if l.marker and rng.random() < 0.5
        else l
        for l in lines
    ]


# --------------------------------------------------------------------------------------------
# planted reuse


def copy_blocks(blocks: list[Block], composer: Composer) -> list[Block]:
    out = []
    for b in blocks:
        c = Block(
            b.kind,
            b.text,
            b.row,
            copy_blocks(b.children, composer),
            _uid(composer.uids),
            b.uid,
            b.role,
        )
        out.append(c)
    return out


def rewrite(blocks: list[Block], swap) -> None:
    for b in blocks:
        b.text = swap(b.text)
        if b.row is not None and b.row.body and b.kind == "item":
            b.row = replace(b.row, body=swap(b.row.body))
        rewrite(b.children, swap)


def synonym_swap(rng: random.Random, text: str) -> tuple:
    """A rewriter that swaps up to five of the synonym pairs found in ``text``."""
    present = [pair for pair in SYNONYMS if pair[0] in text]
    pairs = rng.sample(present, min(5, len(present)))
    edits: dict[str, int] = {}

    def swap(text: str) -> str:
        for a, b in pairs:
            if a in text:
                edits[f"{a}→{b}"] = edits.get(f"{a}→{b}", 0) + text.count(a)
                text = text.replace(a, b)
        return text

    return swap, edits


def walk(blocks: list[Block]):
    for b in blocks:
        yield b
        yield from walk(b.children)


# --------------------------------------------------------------------------------------------
# the archive


@dataclass
class FileSpec:
    name: str
    plans: list[Plan]
    encoding: str = "utf-8"
    newline: str = "\n"
    mess: tuple[str, ...] = ()
    compilation: str = ""
    fmt: str = "txt"


class Archive:
    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.composer = Composer(self.rng)
        self.plans: dict[str, Plan] = {}
        self.files: list[FileSpec] = []
        self.truth: list[dict] = []
        self.counter = 0

    # -- plan creation ------------------------------------------------------------------
    def new_plan(
        self,
        issuer: str,
        year: int,
        shape: str,
        place_index: int | None = None,
        doc_type: str | None = None,
    ) -> Plan:
        rng = self.rng
        region, county, towns, streets, communities, villages = PLACES[
            place_index if place_index is not None else rng.randrange(len(PLACES))
        ]
        level, scope, _ = ISSUERS[issuer]
        place = {
            "village": rng.choice(towns) + rng.choice(villages),
            "community": rng.choice(streets) + rng.choice(communities),
            "township": rng.choice(streets if issuer == "街道妇联" else towns),
            "county": county,
            "unit": county + rng.choice(UNITS.get(scope, [""])),
        }[level]
        if issuer == "区妇联" and county.endswith("县"):
            issuer = "县妇联"
        if issuer == "县妇联" and county.endswith("区"):
            issuer = "区妇联"
        doc_type = doc_type or (
            "工作总结" if shape == "summary" else rng.choice(["工作计划", "工作要点", "工作计划"])
        )
        self.counter += 1
        plan = Plan(
            f"p{self.counter:03d}",
            issuer,
            region,
            place,
            year,
            doc_type,
            [],
            scope=scope,
            level=level,
        )
        plan.title = self.title(plan)
        plan.style = self.style(shape)
        self.composer.compose(plan, shape)
        if not any(b.row is not None and b.row.labels for b in walk(plan.blocks)):
            self.composer.compose(plan, "list")  # the bank ran out of section headings
        plan.style["signature"] = signature(plan, rng) if rng.random() < 0.7 else ""
        self.plans[plan.pid] = plan
        return plan

    def title(self, plan: Plan, placeholder: bool = False) -> str:
        issuer = (
            plan.issuer.replace("村", "").replace("社区", "").replace("街道", "")
            if plan.level in ("village", "community", "township")
            else plan.issuer
        )
        if plan.issuer in ("县妇联", "区妇联"):
            issuer = "妇联"  # 临江区妇联, not 临江区区妇联
        if plan.level == "unit":
            issuer = plan.issuer.replace("学校", "").replace("企业", "")
        year = "20xx" if placeholder else str(plan.year)
        return f"{plan.place}{issuer}{year}年{plan.doc_type}"

    def style(self, shape: str) -> dict:
        rng = self.rng
        ladder = {"list": rng.choice(["arabic", "short"]), "summary": "full"}.get(
            shape, rng.choice(["full", "full", "dot", "short"])
        )
        return {
            "ladder": ladder,
            "width_mix": rng.random() < 0.3,
            "bullets": rng.random() < 0.15,
            "runon": ladder in ("full", "dot") and rng.random() < 0.3,
            "colon": rng.random() < 0.15,
            "marker_alone": rng.random() < 0.1,
            "fullwidth_digits": rng.random() < 0.15,
        }

    # -- planted copies -------------------------------------------------------------------
    def copy_plan(self, source: Plan, kind: str, **changes) -> Plan:
        self.counter += 1
        plan = replace(
            source,
            pid=f"p{self.counter:03d}",
            origin=source.pid,
            blocks=copy_blocks(source.blocks, self.composer),
            style=dict(source.style),
        )
        for key, value in changes.items():
            setattr(plan, key, value)
        plan.style["kind"] = kind
        self.plans[plan.pid] = plan
        return plan

    def year_copy(self, source: Plan) -> Plan:
        """Last year's plan, copied: new year in title and dates, one section replaced."""
        plan = self.copy_plan(source, "year-copy", year=source.year + 1)
        swap = lambda t: t.replace(f"{source.year}年", f"{source.year + 1}年")
        rewrite(plan.blocks, swap)
        plan.title = self.title(plan)
        plan.style["signature"] = signature(plan, self.rng)
        tasks = next((b for b in plan.blocks if b.role == "tasks"), None)
        holder = tasks.children if tasks else plan.blocks
        sections = [i for i, b in enumerate(holder) if b.role == "section"]
        if sections:
            fresh = self.composer.section(self.rng.choice(DOMAINS), plan, 3, 0, False)
            if fresh is not None:
                holder[self.rng.choice(sections)] = fresh
        plan.style["edits"] = f"year {source.year}→{plan.year}; one section replaced"
        return plan

    def neighbour_copy(self, source: Plan) -> Plan:
        """A neighbour's plan with the place names changed."""
        home = next(
            p
            for p in PLACES
            if source.place.startswith(p[1]) or any(source.place.startswith(t) for t in p[2] + p[3])
        )
        others = [p for p in PLACES if p[1] != home[1] and p[1][-1] == home[1][-1]]
        region, county, towns, streets, communities, villages = self.rng.choice(others)
        township = streets[0] if any(source.place.startswith(s) for s in home[3]) else towns[-1]
        place = {
            "village": towns[0] + villages[-1],
            "community": streets[0] + communities[-1],
            "township": township,
            "county": county,
            "unit": county + source.place[len(home[1]) :],
        }[source.level]
        plan = self.copy_plan(source, "neighbour-copy", place=place, region=region)
        rewrite(plan.blocks, lambda t: t.replace(source.place, place))
        plan.title = self.title(plan)
        plan.style["signature"] = source.style.get("signature", "").replace(source.place, place)
        plan.style["edits"] = f"place {source.place}→{place}"
        return plan

    def template_rewrite(self, source: Plan) -> Plan:
        """A template site's copy: words swapped for near-synonyms, year made 20xx."""
        text = "".join(b.text + (b.row.body if b.row else "") for b in walk(source.blocks))
        swap, edits = synonym_swap(self.rng, text)
        plan = self.copy_plan(source, "synonym-rewrite")
        rewrite(plan.blocks, swap)
        plan.title = swap(self.title(plan, placeholder=True))
        plan.style["signature"] = ""
        plan.style["edits"] = (
            "; ".join(f"{k}×{v}" for k, v in sorted(edits.items())) + "; year→20xx"
        )
        return plan

    def reordered_copy(self, source: Plan) -> Plan:
        """The same plan with the items of each section shuffled."""
        plan = self.copy_plan(source, "reordered")
        for block in walk(plan.blocks):
            if block.role == "section" and len(block.children) > 2:
                self.rng.shuffle(block.children)
        plan.title = self.title(plan)
        plan.style["edits"] = "items reordered within sections"
        return plan

    def paste_section(self, source: Plan, target: Plan) -> None:
        """Cut one section of ``source`` and paste it into ``target``."""
        sections = [b for b in walk(source.blocks) if b.role == "section" and b.children]
        holder = next((b.children for b in target.blocks if b.role == "tasks"), target.blocks)
        if not sections:
            return
        pasted = copy_blocks([self.rng.choice(sections)], self.composer)[0]
        at = self.rng.randint(0, len(holder))
        holder.insert(at, pasted)
        target.style.setdefault("pasted", []).append(source.pid)


def build(out: Path = SAMPLE, labels_out: Path = CORPUS / "labels" / "sample.tsv") -> dict:
    """Write the archive; returns summary statistics."""
    from planner import plan_archive

    archive = Archive()
    plan_archive(archive)
    from writer import write_archive

    return write_archive(archive, out, labels_out)


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE
    stats = build(
        target,
        target.parent / "labels" / "sample.tsv"
        if len(sys.argv) > 1
        else CORPUS / "labels" / "sample.tsv",
    )
    for key, value in stats.items():
        print(f"{key}: {value}")
