"""Plan metadata without a hand-written table: year, issuer level, issuer type and place,
inferred from each plan's title, its file name and its opening lines.

Every value comes with where it was found (``title``, ``file name``, ``opening``).  A
placeholder (``20xx年``, ``xx社区``, ``某某村``) means unknown, never a guess: the value is left
empty and its source says ``placeholder``.  A ``plans.tsv`` overrides whatever it gives
(:func:`merged_metadata`, source ``plans.tsv``).

Levels: 村 社区 街道 乡镇 县 区 市 省 全国, and 单位 for schools, firms, hospitals and offices.
Issuer types: 妇联 妇代会 妇儿工委 女职工委员会 团委 工会 计生协 政府.

Examples:
    >>> infer_plan("2019_东城区_区妇联_工作计划.txt", "东城区妇联2019年工作计划")["level"]
    '区'
    >>> row = infer_plan("a.txt", "xx社区妇联20xx年工作计划")
    >>> row["year"], row["year_source"], row["level"], row["place"], row["place_source"]
    ('', 'placeholder', '社区', '', 'placeholder')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from planparse.schema import METADATA, METADATA_FIELDS

if TYPE_CHECKING:
    import pandas as pd

#: The inferred fields, each followed by ``<field>_source`` in :func:`infer_metadata`.
FIELDS = METADATA_FIELDS
#: Columns of :func:`infer_metadata`.
COLUMNS = METADATA.names

#: Organisation words → issuer type (longest first, so 妇女联合会 wins over 妇联).
ISSUER_TYPES = {
    "妇女儿童工作委员会": "妇儿工委",
    "女教职工委员会": "女职工委员会",
    "女职工委员会": "女职工委员会",
    "妇女代表大会": "妇代会",
    "妇女联合会": "妇联",
    "计划生育协会": "计生协",
    "妇儿工委": "妇儿工委",
    "女职委": "女职工委员会",
    "女职工部": "女职工委员会",
    "女工委": "女职工委员会",
    "妇代会": "妇代会",
    "女工工作": "女职工委员会",
    "计生协": "计生协",
    "共青团": "团委",
    "团支部": "团委",
    "妇联": "妇联",
    "团委": "团委",
    "工会": "工会",
    "政府工作报告": "政府",
}
_ORG = re.compile("|".join(ISSUER_TYPES))
#: Place words → level; scanned left to right, the last one in an issuer's name decides.
LEVEL_WORDS = {
    "全国": "全国",
    "自治区": "省",
    "省": "省",
    "市": "市",
    "县": "县",
    "旗": "县",
    "社区": "社区",
    "居委会": "社区",
    "街道": "街道",
    "办事处": "街道",
    "乡镇": "乡镇",
    "镇": "乡镇",
    "乡": "乡镇",
    "区": "区",
    "村": "村",
    "企业": "单位",
    "公司": "单位",
    "学校": "单位",
    "小学": "单位",
    "中学": "单位",
    "大学": "单位",
    "学院": "单位",
    "医院": "单位",
    "机关": "单位",
    "银行": "单位",
    "中专": "单位",
    "职专": "单位",
    "幼儿园": "单位",
    "集团": "单位",
    "中心": "单位",
    "局": "单位",
    "校": "单位",
    "厂": "单位",
}
#: Level words written again before the organisation word (松江镇乡镇妇联, 桃园村村妇联).
_REPEATED_LEVEL = re.compile(r"(乡镇|村|社区|街道|县|区|市|省|企业|学校)$")
_LEVEL = re.compile("|".join(sorted(LEVEL_WORDS, key=len, reverse=True)))
_ENDS_IN_LEVEL = re.compile(f"(?:{_LEVEL.pattern})$")
#: A placeholder where a year or a name should be.
_PLACEHOLDER = re.compile(r"[xX×＊*Ｘｘ]{1,4}|某某?|〇〇|○○|__+")
_YEAR_PLACEHOLDER = re.compile(r"(?:19|20|二〇|二零)\s*(?:[xX×＊*Ｘｘ□_]{1,2})\s*年?")
#: A year; not one of a date stamp (2022-10-13, 24.11.2014), which on template sites is the
#: day of posting, not the plan's year.
_YEAR = re.compile(r"(?<![\d.\-/])(19[5-9]\d|20[0-4]\d)(?![\d\-/.])\s*(年|年度)?")
_CHINESE_YEAR = re.compile(r"(?:一九|二〇|二零)[〇零一二三四五六七八九]{2}年")
_DIGITS = dict(zip("〇零一二三四五六七八九", "00123456789"))
#: Leading words of a title that are not part of the issuer's name.
_LEADING = re.compile(r"^(?:年度?|度|关于|的|及|和|与|全年|上半年|下半年|我们|本|届)+")
#: Where a sentence's words end and an issuer's name may begin ("记者从贵州省妇联获悉").
_NAME_START = re.compile(
    r".*(?:记者|动态|根据|贯彻|获悉|召开|近日|领导|指导|[从在由与的及对向为将据是了于、])"
)


@lru_cache(maxsize=1)
def _simplified():
    from opencc import OpenCC

    return OpenCC("t2s")


def _simplify(text: str) -> str:
    return _simplified().convert(text)


def year_of(text: str) -> tuple[str, str]:
    """``(year, "")``, or ``("", "placeholder")`` for 20xx, or ``("", "")``.

    Examples:
        >>> year_of("2019年工作计划"), year_of("20xx年工作计划"), year_of("二〇一九年工作要点")
        (('2019', ''), ('', 'placeholder'), ('2019', ''))
    """
    found = _YEAR.search(text)
    placeholder = _YEAR_PLACEHOLDER.search(text)
    if placeholder and (found is None or placeholder.start() < found.start()):
        return "", "placeholder"
    if found:
        return found.group(1), ""
    chinese = _CHINESE_YEAR.search(text)
    if chinese:
        return "".join(_DIGITS[c] for c in chinese.group(0)[:4]), ""
    return "", ""


def issuer_of(text: str) -> dict[str, str]:
    """Issuer type, level and place named before the first organisation word of ``text``
    (empty where not named; ``place`` is ``"placeholder"`` for ``xx社区``).

    Examples:
        >>> issuer_of("柳林镇桃园村妇代会2008年工作计划")
        {'issuer_type': '妇代会', 'level': '村', 'place': '柳林镇桃园村'}
        >>> issuer_of("2008 柳林镇桃园村 村妇代会 工作计划")["place"]
        '柳林镇桃园村'
        >>> issuer_of("县实验小学女教职工委员会工作要点")["level"]
        '单位'
    """
    found = _ORG.search(text)
    if found is None:
        return {"issuer_type": "", "level": "", "place": ""}
    runs = re.findall(r"[\u4e00-\u9fff〇xX×＊*Ｘｘ]+", text[: found.start()])
    runs = [_LEADING.sub("", _NAME_START.sub("", run)) for run in runs if not _YEAR.fullmatch(run)]
    runs = [run for run in runs if run]
    name = runs[-1] if runs else ""
    if name in LEVEL_WORDS and len(runs) > 1:  # "桃园村 村妇代会": the level word, then the place
        return {
            "issuer_type": ISSUER_TYPES[found.group(0)],
            "level": _level(runs[-2]) or LEVEL_WORDS[name],
            "place": _place(runs[-2]),
        }
    return {
        "issuer_type": ISSUER_TYPES[found.group(0)],
        "level": _level(name),
        "place": _place(name),
    }


def _level(name: str) -> str:
    words = _LEVEL.findall(name)
    return LEVEL_WORDS[words[-1]] if words else ""


def _place(name: str) -> str:
    trimmed = _REPEATED_LEVEL.sub("", name)
    name = trimmed if _ENDS_IN_LEVEL.search(trimmed) else name
    if _PLACEHOLDER.search(name):
        return "placeholder"
    if name in LEVEL_WORDS or len(name) < 2 or len(name) > 24 or not _ENDS_IN_LEVEL.search(name):
        return ""  # a bare level word (村妇联) names no place
    return name


def infer_plan(file_name: str, title: str = "", opening: str = "") -> dict[str, str]:
    """Year, level, issuer type and place of one plan, each with its source: the title
    first, then the file name, then the opening lines.

    Examples:
        >>> row = infer_plan("2015_临江区_区妇联_工作要点.txt", "工作要点")
        >>> row["year"], row["year_source"], row["issuer_type"], row["issuer_type_source"]
        ('2015', 'file name', '妇联', 'file name')
    """
    stem = re.sub(r"[_\-.\s]+", " ", Path(file_name).stem)
    sources = [
        ("title", _simplify(title)),
        ("file name", _simplify(stem)),
        ("opening", _simplify(opening[:200])),
    ]
    row: dict[str, str] = {}
    for field in FIELDS:
        row[field], row[f"{field}_source"] = _first_found(field, sources)
    return row


def _first_found(field: str, sources: list[tuple[str, str]]) -> tuple[str, str]:
    """The first source that names the field; a placeholder there is passed over (a template
    says 20xx, the archivist's file name may still say 2014) and reported if nothing names it.
    A level no issuer names is taken from the first level word of the title line
    (社区2025年工作计划)."""
    found = _named(field, sources)
    if found[0] or field != "level":
        return found
    for source, text in sources[:1] + sources[2:]:
        words = _LEVEL.findall(text.strip().split("\n")[0][:40])
        if words:
            return LEVEL_WORDS[words[0]], source
    return found


def _named(field: str, sources: list[tuple[str, str]]) -> tuple[str, str]:
    seen_placeholder = False
    for source, text in sources:
        value, note = year_of(text) if field == "year" else (issuer_of(text)[field], "")
        if value == "placeholder" or note == "placeholder":
            seen_placeholder = True
        elif value:
            return value, source
    return "", "placeholder" if seen_placeholder else ""


def infer_metadata(items: pd.DataFrame) -> pd.DataFrame:
    """One row per plan of an item table (``doc_id``, ``plan_no``, ``plan_title``, ``kind``,
    ``text``): the inferred fields and their sources (:data:`COLUMNS`), all strings.

    Examples:
        >>> import pandas as pd
        >>> items = pd.DataFrame({"doc_id": ["2019_甲县_县妇联_工作计划.txt"], "plan_no": [1],
        ...                       "plan_title": [""], "kind": ["item"], "text": ["一、加强学习"]})
        >>> infer_metadata(items)[["year", "level", "issuer_type", "place"]].values.tolist()
        [['2019', '县', '妇联', '甲县']]
    """
    import pandas as pd

    rows = []
    if items.empty:
        return pd.DataFrame(columns=COLUMNS).astype({c: "string" for c in COLUMNS})
    for (doc, plan), group in items.groupby(["doc_id", "plan_no"], sort=False):
        title = str(group["plan_title"].iloc[0]) if "plan_title" in group else ""
        opening = "".join(group["text"].astype(str).head(3)) if "text" in group else ""
        rows.append(
            {"doc_id": str(doc), "plan_no": int(plan), **infer_plan(str(doc), title, opening)}
        )
    table = pd.DataFrame(rows, columns=COLUMNS)
    return table.astype({c: "string" for c in COLUMNS if c != "plan_no"})


def merged_metadata(inferred: pd.DataFrame, given: pd.DataFrame | None) -> pd.DataFrame:
    """``inferred`` with every non-empty value of ``given`` (a plans.tsv, columns ``doc_id``
    or ``file``, ``plan_no`` …) in its place, source ``plans.tsv``; columns only ``given``
    has are added.

    Examples:
        >>> import pandas as pd
        >>> inferred = pd.DataFrame({"doc_id": ["a"], "plan_no": [1], "year": [""], "year_source": [""]})
        >>> given = pd.DataFrame({"file": ["a"], "plan_no": ["1"], "year": ["2020"]})
        >>> merged_metadata(inferred, given)[["year", "year_source"]].values.tolist()
        [['2020', 'plans.tsv']]
    """
    if given is None or given.empty:
        return inferred
    given = given.rename(columns={"file": "doc_id"}).astype({"plan_no": int})
    out = inferred.merge(given, on=["doc_id", "plan_no"], how="left", suffixes=("", "_given"))
    for column in [c for c in given.columns if c not in ("doc_id", "plan_no")]:
        if f"{column}_given" not in out:
            continue
        value = out.pop(f"{column}_given").fillna("").astype(str)
        use = value != ""
        out.loc[use, column] = value[use]
        if f"{column}_source" in out:
            out.loc[use, f"{column}_source"] = "plans.tsv"
    return out.astype({c: "string" for c in out.columns if c != "plan_no"})


def archive_metadata(parts: Iterable[str], given: pd.DataFrame | None) -> pd.DataFrame:
    """:func:`merged_metadata` of every plan of an item table written in parquet parts
    (read a part at a time, only the opening rows of each plan are kept)."""
    import pandas as pd

    columns = ["doc_id", "plan_no", "plan_title", "kind", "text"]
    frames = []
    for path in parts:
        items = pd.read_parquet(path, columns=columns)
        items = items[items["kind"].astype(str) != "debris"]
        frames.append(infer_metadata(items.groupby(["doc_id", "plan_no"], sort=False).head(3)))
    inferred = pd.concat(frames, ignore_index=True) if frames else infer_metadata(pd.DataFrame())
    return merged_metadata(inferred, given)
