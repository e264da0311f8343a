"""Score a comparison of two plans against a hand-built gold alignment, beside two baselines.

A gold set (``corpus/gold/changes/*.tsv``, described in its ``FORMAT.md``) names each item by
its document (``folder/<first 16 hex of the file's SHA-256>``, or ``sample/<file name>``) and
the offset where it starts; no text is stored.  :func:`load_gold` resolves the documents under
one or more corpus roots and leaves out the pairs whose files are absent (a fresh clone has no
``../shared``), :func:`gold_items` maps each offset to the parsed item whose span holds it,
and :func:`score` gives match precision, recall and F1 over (A item, B item) pairs and
change-kind accuracy over all gold items.

The baselines run on the same items: :func:`difflib_baseline` (difflib on the item texts as
lines) and :func:`tfidf_baseline` (greedy best match by TF-IDF cosine of character 1–2-grams).

Examples:
    >>> import planparse
    >>> from planparse.diff import compare
    >>> a = planparse.parse("一、开展家风建设活动\\n二、举办创业培训班\\n", doc_id="a").to_frame()
    >>> b = planparse.parse("一、开展家风建设活动\\n二、成立维权站\\n", doc_id="b").to_frame()
    >>> gold = gold_from_rows(a, b, [(0, 0, "kept"), (1, None, "dropped"), (None, 1, "added")])
    >>> score(gold, compare(a, b))["f1"]
    1.0
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from planparse.diff.align import _items
from planparse.diff.keys import folded_text

if TYPE_CHECKING:
    import pandas as pd

    from planparse.diff.carryover import PairFeatures

#: The repository's gold sets: name -> file (the 海拉尔 set is evaluation only).
GOLD_DIR = Path(__file__).resolve().parents[2] / "corpus" / "gold" / "changes"
GOLD_SETS = ("sample", "national", "national-held-out", "hailar")
EVALUATION_ONLY = frozenset({"hailar"})
#: The folders of the real corpus that its README marks *evaluation only*: scored, never
#: labeled for training nor tuned on, whatever gold set a pair of them stands in.
EVALUATION_ONLY_FOLDERS = frozenset({"district-hailar-gbk", "provincial-2026", "policy-misc"})
#: The two blind annotations each real gold pair was adjudicated from (``GOLD_DIR / "double"``).
ANNOTATORS = ("a", "b")
#: Where documents are looked up: the repository's own corpus, then the shared real corpus.
DEFAULT_ROOTS = (GOLD_DIR.parents[1], GOLD_DIR.parents[3] / "shared" / "corpus")

_SHA_PREFIX = re.compile(r"^[0-9a-f]{16}$")
_PAIR_COLUMNS = ["a_item_id", "b_item_id", "change"]


@dataclass(frozen=True)
class GoldPair:
    """One gold pair: its id, the two resolved files and its rows (a_start, b_start, change)."""

    pair: str
    a_path: Path
    b_path: Path
    rows: pd.DataFrame


@cache
def _folder_hashes(folder: Path) -> dict[str, Path]:
    """First 16 hex digits of each file's SHA-256 -> the file (hashed once per folder)."""
    return {
        hashlib.sha256(p.read_bytes()).hexdigest()[:16]: p
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def resolve(ref: str, roots: Sequence[Path] = DEFAULT_ROOTS) -> Path | None:
    """The file a gold document reference names, or ``None`` when no root holds it.

    Examples:
        >>> resolve("sample/2011_丰安县_县妇联_工作要点.txt").name
        '2011_丰安县_县妇联_工作要点.txt'
        >>> resolve("no-such-folder/0123456789abcdef") is None
        True
    """
    folder, _, name = ref.rpartition("/")
    for root in roots:
        candidate = Path(root) / folder / name
        if candidate.is_file():
            return candidate
        if _SHA_PREFIX.match(name) and (Path(root) / folder).is_dir():
            found = _folder_hashes(Path(root) / folder).get(name)
            if found is not None:
                return found
    return None


def is_evaluation_only(pair: GoldPair) -> bool:
    """Whether a gold pair may only be scored, never fitted or tuned on: it belongs to an
    evaluation-only set (its id starts with the set's name, as ``hailar-2014-2015``) or one
    of its documents lies in an evaluation-only folder.

    Examples:
        >>> import pandas as pd
        >>> rows = pd.DataFrame({"a_doc": ["district-hailar-gbk/0123456789abcdef"],
        ...                      "b_doc": ["national-reports/0123456789abcdef"]})
        >>> is_evaluation_only(GoldPair("new-pair-2014-2015", Path("a"), Path("b"), rows))
        True
        >>> is_evaluation_only(load_gold("sample")[0])
        False
    """
    if pair.pair.split("-", 1)[0] in EVALUATION_ONLY:
        return True
    docs = {*pair.rows["a_doc"], *pair.rows["b_doc"]}
    return any(str(doc).rpartition("/")[0] in EVALUATION_ONLY_FOLDERS for doc in docs)


def load_gold(name: str | Path, roots: Sequence[Path] = DEFAULT_ROOTS) -> list[GoldPair]:
    """The pairs of a gold set (a name in :data:`GOLD_SETS` or a TSV path) whose two
    documents resolve; pairs with an absent document are left out, so without ``../shared``
    only the sample's pairs remain.

    Examples:
        >>> [p.pair for p in load_gold("sample")][:1]
        ['sample-fengan-2011-2012']
    """
    import pandas as pd

    path = GOLD_DIR / f"{name}.tsv" if name in GOLD_SETS else Path(name)
    table = pd.read_csv(path, sep="\t", dtype={"a_start": "Int64", "b_start": "Int64"})
    pairs = []
    for pair, rows in table.groupby("pair", sort=False):
        a_path, b_path = resolve(rows["a_doc"].iat[0], roots), resolve(rows["b_doc"].iat[0], roots)
        if a_path is not None and b_path is not None:
            pairs.append(GoldPair(str(pair), a_path, b_path, rows.reset_index(drop=True)))
    return pairs


def plan_rows(path: Path) -> pd.DataFrame:
    """The item table of a file's plans (plan_no > 0), as :func:`planparse.diff.compare`
    takes it.

    Examples:
        >>> int(plan_rows(resolve("sample/2018_青石镇白岩村_村妇联_工作计划.txt"))["plan_no"].min())
        1
    """
    import planparse

    frame = planparse.parse(planparse.read_text(path), doc_id=Path(path).name).to_frame()
    return frame[frame["plan_no"] > 0].reset_index(drop=True)


def item_at(items: pd.DataFrame, offset: int) -> str | None:
    """The id of the innermost item whose span ``[start, end)`` holds ``offset``.

    Examples:
        >>> import pandas as pd
        >>> items = pd.DataFrame({"item_id": ["p", "c"], "start": [0, 3], "end": [10, 6]})
        >>> item_at(items, 4), item_at(items, 8), item_at(items, 12)
        ('c', 'p', None)
    """
    holding = items[(items["start"] <= offset) & (items["end"] > offset)]
    if holding.empty:
        return None
    return str(holding.loc[(holding["end"] - holding["start"]).idxmin(), "item_id"])


def gold_items(pair: GoldPair, plan_a: pd.DataFrame, plan_b: pd.DataFrame) -> pd.DataFrame:
    """The gold rows as item ids (a_item_id, b_item_id, change), offsets mapped by
    :func:`item_at` over the compared items of each plan."""
    import pandas as pd

    items_a, items_b = _items(plan_a), _items(plan_b)
    rows = [
        (_id_at(items_a, a), _id_at(items_b, b), change)
        for a, b, change in pair.rows[["a_start", "b_start", "change"]].itertuples(index=False)
    ]
    return pd.DataFrame(rows, columns=_PAIR_COLUMNS)


def _id_at(items: pd.DataFrame, offset: object) -> str | None:
    return None if _missing(offset) else item_at(items, int(offset))


def _missing(value: object) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


def gold_from_rows(
    plan_a: pd.DataFrame, plan_b: pd.DataFrame, rows: Iterable[tuple[int | None, int | None, str]]
) -> pd.DataFrame:
    """Gold rows from (A item number, B item number, change) triples, numbers counting the
    compared items of each plan in outline order; for made-up examples and tests.

    Examples:
        >>> import planparse
        >>> a = planparse.parse("一、开展活动\\n", doc_id="a").to_frame()
        >>> gold_from_rows(a, a, [(0, 0, "kept")]).values.tolist()
        [['a#1/1', 'a#1/1', 'kept']]
    """
    import pandas as pd

    ids_a, ids_b = list(_items(plan_a)["item_id"]), list(_items(plan_b)["item_id"])
    return pd.DataFrame(
        [
            (None if i is None else ids_a[i], None if j is None else ids_b[j], kind)
            for i, j, kind in rows
        ],
        columns=_PAIR_COLUMNS,
    )


def _keys(rows: pd.DataFrame) -> list[tuple]:
    return [(_clean(a), _clean(b)) for a, b in zip(rows["a_item_id"], rows["b_item_id"])]


def _clean(value: object) -> str | None:
    return None if _missing(value) else str(value)


def score(gold: pd.DataFrame, predicted: pd.DataFrame, second: pd.DataFrame | None = None) -> dict:
    """Match precision, recall and F1 over the (A item, B item) pairs that both sides of a row
    name, and change-kind accuracy: the share of gold rows whose exact (A, B) key the
    prediction gives the same kind.  Counts are returned too, so sets can be pooled
    (:func:`pool`).

    With ``second``, a second annotation of the same pair, the two are read as *sure* and
    *possible* links (Och and Ney's scoring of word alignments, for a task whose annotators
    disagree): recall is over the matches both annotators made, precision over the matches
    either made, and the change kind is scored on the rows both gave the same kind.

    Examples:
        >>> import pandas as pd
        >>> gold = pd.DataFrame({"a_item_id": ["a1", "a2", None], "b_item_id": ["b1", None, "b2"],
        ...                      "change": ["kept", "dropped", "added"]})
        >>> guess = pd.DataFrame({"a_item_id": ["a1", "a2"], "b_item_id": ["b1", "b2"],
        ...                       "change": ["kept", "rewritten"]})
        >>> s = score(gold, guess)
        >>> s["precision"], s["recall"], round(s["kind_accuracy"], 2)
        (0.5, 1.0, 0.33)
        >>> s = score(gold, guess, second=guess)     # the second annotator matched a2 to b2
        >>> s["precision"], s["recall"], s["gold_rows"]
        (1.0, 1.0, 1)
    """
    gold_pairs, possible, rows = _matches(gold), _matches(gold), _rows(gold)
    if second is not None:
        gold_pairs, possible = gold_pairs & _matches(second), possible | _matches(second)
        agreed = set(_rows(second))
        rows = [row for row in rows if row in agreed]
    guess_pairs = _matches(predicted)
    guess_kind = dict(zip(_keys(predicted), predicted["change"]))
    counts = {
        "true_pairs": len(gold_pairs & guess_pairs),
        "possible_pairs": len(possible & guess_pairs),
        "predicted_pairs": len(guess_pairs),
        "gold_pairs": len(gold_pairs),
        "kinds_right": sum(guess_kind.get(key) == kind for key, kind in rows),
        "gold_rows": len(rows),
    }
    return _rates(counts)


def _matches(rows: pd.DataFrame) -> set[tuple]:
    return {key for key in _keys(rows) if None not in key}


def _rows(rows: pd.DataFrame) -> list[tuple]:
    return list(zip(_keys(rows), rows["change"]))


def _rates(counts: dict) -> dict:
    tp, pred, gold = counts["true_pairs"], counts["predicted_pairs"], counts["gold_pairs"]
    precision = counts["possible_pairs"] / pred if pred else 1.0
    recall = tp / gold if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = counts["kinds_right"] / counts["gold_rows"] if counts["gold_rows"] else 1.0
    return {**counts, "precision": precision, "recall": recall, "f1": f1, "kind_accuracy": accuracy}


def pool(scores: Iterable[dict]) -> dict:
    """Micro-averaged figures over several :func:`score` results (their counts summed).

    Examples:
        >>> one = {"true_pairs": 1, "possible_pairs": 1, "predicted_pairs": 1, "gold_pairs": 2,
        ...        "kinds_right": 2, "gold_rows": 2}
        >>> pool([one, one])["recall"]
        0.5
    """
    names = (
        "true_pairs",
        "possible_pairs",
        "predicted_pairs",
        "gold_pairs",
        "kinds_right",
        "gold_rows",
    )
    scores = list(scores)
    return _rates({name: sum(s[name] for s in scores) for name in names})


def kind_confusion(gold: pd.DataFrame, predicted: pd.DataFrame) -> pd.Series:
    """How many gold rows of each kind got which predicted kind (``none`` when the prediction
    has no row with the same (A, B) key): where a method goes wrong.

    Examples:
        >>> import pandas as pd
        >>> gold = pd.DataFrame({"a_item_id": ["a1"], "b_item_id": ["b1"], "change": ["kept"]})
        >>> kind_confusion(gold, gold.assign(change="moved")).to_dict()
        {('kept', 'moved'): 1}
    """
    import pandas as pd

    guess_kind = dict(zip(_keys(predicted), predicted["change"]))
    found = [(kind, guess_kind.get(k, "none")) for k, kind in zip(_keys(gold), gold["change"])]
    return pd.Series(found, dtype=object).value_counts().sort_index()


def _same_task_kind(text_a: str, text_b: str) -> str:
    return "kept" if folded_text(text_a) == folded_text(text_b) else "rewritten"


def _table(items_a: pd.DataFrame, items_b: pd.DataFrame, pairs: dict[int, int]) -> pd.DataFrame:
    """A comparison table (a_item_id, b_item_id, change) from matched positions; the items
    left over are dropped or added, and a match is kept when the texts fold equal."""
    import pandas as pd

    text_a, text_b = list(items_a["text"]), list(items_b["text"])
    ids_a, ids_b = list(items_a["item_id"]), list(items_b["item_id"])
    rows = [(ids_a[i], ids_b[j], _same_task_kind(text_a[i], text_b[j])) for i, j in pairs.items()]
    rows += [(ids_a[i], None, "dropped") for i in range(len(ids_a)) if i not in pairs]
    taken = set(pairs.values())
    rows += [(None, ids_b[j], "added") for j in range(len(ids_b)) if j not in taken]
    return pd.DataFrame(rows, columns=_PAIR_COLUMNS)


def difflib_baseline(
    plan_a: pd.DataFrame, plan_b: pd.DataFrame, min_ratio: float = 0.5
) -> pd.DataFrame:
    """difflib on lines: the item texts as lines through :class:`difflib.SequenceMatcher`;
    equal lines are matches, lines of a replace block are paired in order when their
    character ratio reaches ``min_ratio``, the rest are dropped or added.

    Examples:
        >>> import planparse
        >>> a = planparse.parse("一、开展家风建设活动\\n二、举办创业培训班\\n", doc_id="a").to_frame()
        >>> b = planparse.parse("一、开展家风建设活动\\n二、举办创业技能培训班\\n", doc_id="b").to_frame()
        >>> difflib_baseline(a, b)["change"].tolist()
        ['kept', 'rewritten']
    """
    items_a, items_b = _items(plan_a), _items(plan_b)
    lines_a, lines_b = list(items_a["text"]), list(items_b["text"])
    matcher = difflib.SequenceMatcher(None, lines_a, lines_b, autojunk=False)
    pairs: dict[int, int] = {}
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag in ("equal", "replace"):
            for i, j in zip(range(a0, a1), range(b0, b1)):
                if tag == "equal" or _ratio(lines_a[i], lines_b[j]) >= min_ratio:
                    pairs[i] = j
    return _table(items_a, items_b, pairs)


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def tfidf_baseline(
    plan_a: pd.DataFrame, plan_b: pd.DataFrame, min_cosine: float = 0.5
) -> pd.DataFrame:
    """Greedy best match by TF-IDF cosine of character 1–2-grams: in descending cosine order,
    each A item takes its best B item not yet used, while the cosine reaches ``min_cosine``.

    Examples:
        >>> import planparse
        >>> a = planparse.parse("一、开展家风建设活动\\n二、举办创业培训班\\n", doc_id="a").to_frame()
        >>> b = planparse.parse("一、举办创业培训班\\n二、开展家风建设活动\\n", doc_id="b").to_frame()
        >>> tfidf_baseline(a, b)["change"].tolist()
        ['kept', 'kept']
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    items_a, items_b = _items(plan_a), _items(plan_b)
    if items_a.empty or items_b.empty:
        return _table(items_a, items_b, {})
    vectors = TfidfVectorizer(analyzer="char", ngram_range=(1, 2)).fit(
        list(items_a["text"]) + list(items_b["text"])
    )
    cosine = (vectors.transform(items_a["text"]) @ vectors.transform(items_b["text"]).T).toarray()
    return _table(items_a, items_b, _greedy(cosine, min_cosine))


def _greedy(weights: np.ndarray, floor: float) -> dict[int, int]:
    """One-to-one pairs taken in descending weight (ties by position) while ≥ ``floor``."""
    rows, cols = np.nonzero(weights >= floor)
    order = np.lexsort((cols, rows, -weights[rows, cols]))
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for k in order:
        i, j = int(rows[k]), int(cols[k])
        if i not in pairs and j not in taken:
            pairs[i] = j
            taken.add(j)
    return pairs


def methods() -> dict[str, Callable[[pd.DataFrame, pd.DataFrame], pd.DataFrame]]:
    """The methods scored side by side: planparse.diff and the two baselines."""
    from planparse.diff.align import compare

    return {
        "planparse.compare": compare,
        "difflib lines": difflib_baseline,
        "tfidf greedy": tfidf_baseline,
    }


def evaluate_pair(pair: GoldPair) -> dict[str, dict]:
    """Each method's :func:`score` on one gold pair, with its ``confusion`` added.

    Examples:
        >>> pair = load_gold("sample")[2]
        >>> round(evaluate_pair(pair)["planparse.compare"]["f1"], 2)
        1.0
    """
    plan_a, plan_b = plan_rows(pair.a_path), plan_rows(pair.b_path)
    gold = gold_items(pair, plan_a, plan_b)
    results = {}
    for name, method in methods().items():
        predicted = method(plan_a, plan_b)
        results[name] = score(gold, predicted) | {"confusion": kind_confusion(gold, predicted)}
    return results


def annotation_file(name: str, annotator: str) -> Path:
    """The blind annotation of a gold set by one annotator (``a`` or ``b``).

    Examples:
        >>> annotation_file("national", "b").relative_to(GOLD_DIR).as_posix()
        'double/b/national.tsv'
    """
    return GOLD_DIR / "double" / annotator / f"{name}.tsv"


def evaluate_set(name: str | Path, roots: Sequence[Path] = DEFAULT_ROOTS) -> pd.DataFrame:
    """One row per (pair, method) of a gold set, with the figures of :func:`score`.

    Examples:
        >>> table = evaluate_set("sample")
        >>> sorted(table["method"].unique())
        ['difflib lines', 'planparse.compare', 'tfidf greedy']
    """
    import pandas as pd

    rows = []
    for pair in load_gold(name, roots):
        for method, figures in evaluate_pair(pair).items():
            rows.append({"pair": pair.pair, "method": method, **figures})
    return pd.DataFrame(rows)


def agreement(name: str, roots: Sequence[Path] = DEFAULT_ROOTS) -> pd.DataFrame:
    """How well the two blind annotators of a gold set agree (annotator b scored against
    annotator a: the ceiling of any method's figures), beside ``planparse.compare`` scored
    against each (:func:`compare_annotations`).

    Examples:
        >>> agreement("sample").empty          # the sample's gold is planted, not annotated
        True
    """
    first, second = (annotation_file(name, who) for who in ANNOTATORS)
    return compare_annotations(first, second, roots)


def compare_annotations(
    first: Path, second: Path, roots: Sequence[Path] = DEFAULT_ROOTS
) -> pd.DataFrame:
    """For each pair of the annotation file ``second`` that ``first`` also annotates: the
    :func:`score` of ``second`` against ``first``, and of ``planparse.compare`` against
    each (columns ``pair``, ``comparison`` and the figures of :func:`score`).

    Examples:
        >>> compare_annotations(GOLD_DIR / "sample.tsv", GOLD_DIR / "none.tsv").empty
        True
    """
    import pandas as pd

    if not (Path(first).is_file() and Path(second).is_file()):
        return pd.DataFrame()
    ones = {pair.pair: pair for pair in load_gold(first, roots)}
    rows = []
    for pair in load_gold(second, roots):
        if pair.pair not in ones:
            continue
        plan_a, plan_b = plan_rows(pair.a_path), plan_rows(pair.b_path)
        one = gold_items(ones[pair.pair], plan_a, plan_b)
        two = gold_items(pair, plan_a, plan_b)
        method = methods()["planparse.compare"](plan_a, plan_b)
        for judged, truth, guess in (
            ("second annotator vs first", one, two),
            ("planparse.compare vs first", one, method),
            ("planparse.compare vs second", two, method),
        ):
            rows.append({"pair": pair.pair, "comparison": judged, **score(truth, guess)})
    return pd.DataFrame(rows)


def carryover_examples(pair: GoldPair) -> tuple[PairFeatures, np.ndarray]:
    """The carry-over features of a gold pair's candidate item pairs
    (:func:`planparse.diff.carryover.pair_features`, with the outline aligner's one-to-one
    matches) and whether the gold matches each: the training rows of
    :class:`~planparse.diff.carryover.CarryOverScorer`.

    Examples:
        >>> found, labels = carryover_examples(load_gold("sample")[2])
        >>> found.values.shape[0] == labels.shape[0] > 0, bool(labels.any())
        (True, True)
    """
    from planparse.diff.align import outline_alignment
    from planparse.diff.carryover import pair_features

    plan_a, plan_b = plan_rows(pair.a_path), plan_rows(pair.b_path)
    gold = _matches(gold_items(pair, plan_a, plan_b))
    a, b, outline = outline_alignment(plan_a, plan_b)
    texts_a, texts_b = [r["text"] for r in a], [r["text"] for r in b]
    found = pair_features(texts_a, texts_b, outline.pairs, outline.sim)
    labels = [(a[i]["item_id"], b[j]["item_id"]) in gold for i, j in found.pairs]
    return found, np.asarray(labels, dtype=bool)
