"""Align two plans item by item along their outlines, and name each item's change.

The method, in three passes over the items (headings, numbered items, inline pieces and
paragraphs, in outline order):

1. **Similarity.** Each item's *matching key* is its text with white space, punctuation
   width, years and placeholders (``20xx``, ``xx社区``) folded away and the stock phrases
   (套话) removed, so that two different tasks that open with the same slogan do not look
   alike.  Two items are candidates when the TF-IDF cosine of their keys' character
   1–2-grams (:func:`similarity_matrix`) reaches ``min_similarity``.
2. **Order first, then moves.** The in-order matches are the heaviest common subsequence of
   the two outlines (the monotone matching of greatest total similarity, found in
   O(k log k) over the k candidate pairs).  Items left over on both sides are then matched by
   a maximum-weight assignment (:func:`scipy.optimize.linear_sum_assignment`).
3. **Merges and splits.** A left-over item whose key is mostly contained in a matched item of
   the other plan (``min_containment`` of its character 3-grams) was merged into it (A → B) or
   split out of it (B → A); the clause carry-overs of :mod:`planparse.diff.carryover` add the
   many-to-many matches of condensed paragraphs.

Change kinds, decided from all the matches by the gold's rule (:func:`link_kinds`): ``kept``
(identical up to white space and placeholders), ``rewritten`` (a match with edits),
``moved`` (under another parent, or out of the outlines' order), ``merged``, ``split``,
``dropped`` (only in A), ``added`` (only in B).

Examples:
    >>> import planparse
    >>> a = planparse.parse("一、开展家风建设活动\\n二、举办创业培训班\\n", doc_id="a").to_frame()
    >>> b = planparse.parse("一、开展家风建设活动\\n二、举办创业技能培训班两期\\n三、成立维权站\\n",
    ...                     doc_id="b").to_frame()
    >>> compare(a, b)["change"].tolist()
    ['kept', 'rewritten', 'added']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np

from planparse.diff.keys import folded_text, matching_key, similarity_matrix
from planparse.diff.ngrams import char_ngrams
from planparse.schema import COMPARE_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

    from planparse.diff.carryover import CarryOverScorer

#: The change kinds, in the order a summary lists them.
CHANGE_KINDS = ("kept", "rewritten", "moved", "merged", "split", "dropped", "added")

#: The columns of :func:`compare`'s table, in order (:data:`planparse.schema.COMPARE_COLUMNS`).
CHANGE_COLUMNS = tuple(COMPARE_COLUMNS)
_DTYPES = dict(COMPARE_COLUMNS)
_CONTENT_KINDS = ("item", "inline", "para")


@dataclass(frozen=True)
class Settings:
    """Thresholds of the alignment, chosen on the development gold (the sample's planted year
    copies and three pairs of national reports; see docs/changes.md)."""

    #: Two items are the same task when their keys are at least this similar ...
    min_similarity: float = 0.4
    #: ... or this similar and in the same order as the other matches: the outline's order
    #: corroborates a weaker match, a move has only its text to go by.
    min_similarity_in_order: float = 0.3
    #: A left-over item this contained in a matched item was merged into it (or split from it) ...
    min_containment: float = 0.7
    #: ... when it has at least this many characters: a salutation is not a task.
    min_join_chars: int = 10
    #: Also match items one of whose clauses comes back in the other
    #: (:mod:`planparse.diff.carryover`): the many-to-many matches of condensed paragraphs.
    carry_over: bool = True


def _items(plan: pd.DataFrame) -> pd.DataFrame:
    """The plan's content rows in outline order (debris and front matter left out)."""
    rows = plan[plan["kind"].isin(_CONTENT_KINDS)]
    if "is_content" in rows.columns:  # a tagged table: non-content lines are not tasks
        rows = rows[rows["is_content"].fillna(True).astype(bool)]
    return rows.sort_values("start", kind="stable").reset_index(drop=True)


def heaviest_common_subsequence(pairs: np.ndarray, weights: np.ndarray) -> list[int]:
    """Indexes of the pairs ``(i, j)`` forming the monotone matching (i and j both strictly
    increasing) of greatest total weight.

    Examples:
        >>> heaviest_common_subsequence(np.array([[0, 0], [0, 1], [1, 1]]), np.array([.5, .9, .6]))
        [0, 2]
    """
    if not len(pairs):
        return []
    best, back = _chain_ends(pairs, weights)
    chain, k = [], int(np.argmax(best))
    while k >= 0:
        chain.append(k)
        k = int(back[k])
    return sorted(chain, key=lambda c: (pairs[c, 0], pairs[c, 1]))


def _chain_ends(pairs: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each pair, the weight of the heaviest monotone chain ending at it, and the pair
    before it in that chain (-1 for none).

    A Fenwick tree over j keeps, for each j, the best chain ending at or before it; pairs of
    one i are scored before any is stored, so no i is used twice.  O(k log k) for k pairs.
    """
    size = int(pairs[:, 1].max()) + 2
    tree_best = np.zeros(size)
    tree_at = np.full(size, -1)
    best = np.zeros(len(pairs))
    back = np.full(len(pairs), -1)

    def query(j: int) -> tuple[float, int]:  # best chain over columns < j
        score, at = 0.0, -1
        while j > 0:
            if tree_best[j] > score:
                score, at = tree_best[j], tree_at[j]
            j -= j & -j
        return score, at

    def update(j: int, score: float, at: int) -> None:
        j += 1
        while j < size:
            if score > tree_best[j]:
                tree_best[j], tree_at[j] = score, at
            j += j & -j

    order = np.lexsort((pairs[:, 1], pairs[:, 0]))
    for _, group in _runs(pairs[order, 0]):
        members = order[group]
        for k in members:
            score, at = query(int(pairs[k, 1]))
            best[k], back[k] = score + weights[k], at
        for k in members:
            update(int(pairs[k, 1]), best[k], int(k))
    return best, back


def longest_order_kept(pairs: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    """The longest subset of the one-to-one matches ``(i, j)`` that keeps both outlines'
    order (i and j both increasing); of several, the earliest in A: the pairs are taken in
    (i, j) order, each the first that still starts a longest chain.  O(k log k).

    Examples:
        >>> sorted(longest_order_kept([(1, 30), (2, 10), (3, 20)]))
        [(2, 10), (3, 20)]
        >>> sorted(longest_order_kept([(1, 20), (2, 10)]))  # a tie: the earlier A item stays
        [(1, 20)]
    """
    ordered = np.array(sorted(set(pairs)), dtype=np.int64).reshape(-1, 2)
    if not len(ordered):
        return set()
    # Reversed, a chain ending at a pair is a chain starting at it in the real order.
    starting, _ = _chain_ends(ordered.max(axis=0) - ordered, np.ones(len(ordered)))
    chosen: set[tuple[int, int]] = set()
    need, last_i, last_j = starting.max(), -1, -1
    for (i, j), length in zip(ordered.tolist(), starting):
        if length == need and i > last_i and j > last_j:
            chosen.add((i, j))
            need, last_i, last_j = need - 1, i, j
    return chosen


def link_kinds(
    links: Iterable[tuple[int, int]],
    parents_a: Sequence[int],
    parents_b: Sequence[int],
    texts_a: Sequence[str],
    texts_b: Sequence[str],
) -> dict[tuple[int, int], str]:
    """The change kind of each match ``(i, j)`` (A item i, B item j), decided from all the
    matches as ``corpus/gold/changes/FORMAT.md`` decides the gold's; :func:`compare` and the
    gold's tool (``corpus/tools/annotate_pair.py``) both call it.

    ``merged`` when B item j has several matches, else ``split`` when A item i has several;
    a one-to-one match is ``moved`` when its A parent and its B parent (``parents_a[i]``,
    ``parents_b[j]``: item numbers, -1 for none) both have matches but not with each other,
    or when it is outside :func:`longest_order_kept` of the one-to-one matches, unless its
    parents are matched to each other and that match moved (a section moved with its children
    is one move); otherwise ``kept`` when the texts fold equal
    (:func:`~planparse.diff.keys.folded_text`), else ``rewritten``.  Items are numbered in
    outline order, so a parent's kind is decided before its children's.

    Examples:
        >>> texts_a, texts_b = ["家风", "评选最美家庭", "就业", "举办培训班"], ["就业", "办培训班", "家风", "评选最美家庭"]
        >>> parents = [-1, 0, -1, 2]  # two sections of one item each, swapped in B
        >>> links = [(0, 2), (1, 3), (2, 0), (3, 1)]
        >>> [link_kinds(links, parents, parents, texts_a, texts_b)[link] for link in links]
        ['kept', 'kept', 'moved', 'rewritten']
        >>> link_kinds([(0, 2), (1, 2)], parents, parents, texts_a, texts_b)
        {(0, 2): 'merged', (1, 2): 'merged'}
    """
    links = sorted(set(links))
    per_a = Counter(i for i, _ in links)
    per_b = Counter(j for _, j in links)
    single = [(i, j) for i, j in links if per_a[i] == 1 and per_b[j] == 1]
    moved = _moved_links(single, set(links), parents_a, parents_b)
    kinds = {}
    for i, j in links:
        if per_b[j] > 1 or per_a[i] > 1:
            kinds[(i, j)] = "merged" if per_b[j] > 1 else "split"
        elif (i, j) in moved:
            kinds[(i, j)] = "moved"
        else:
            same = folded_text(texts_a[i]) == folded_text(texts_b[j])
            kinds[(i, j)] = "kept" if same else "rewritten"
    return kinds


def _moved_links(
    single: list[tuple[int, int]],
    links: set[tuple[int, int]],
    parents_a: Sequence[int],
    parents_b: Sequence[int],
) -> set[tuple[int, int]]:
    """The one-to-one matches that moved (:func:`link_kinds`): to parents matched elsewhere,
    or out of the outlines' order without their section; parents come first in A's order."""
    matched_a, matched_b = {i for i, _ in links}, {j for _, j in links}
    in_order = longest_order_kept(single)
    moved: set[tuple[int, int]] = set()
    for i, j in sorted(single):
        parents = (parents_a[i], parents_b[j])
        other_parent = parents[0] in matched_a and parents[1] in matched_b and parents not in links
        if other_parent or ((i, j) not in in_order and parents not in moved):
            moved.add((i, j))
    return moved


def _runs(values: np.ndarray) -> list[tuple[int, slice]]:
    """(value, slice) of each run of equal values in a sorted array."""
    cuts = np.flatnonzero(np.diff(values)) + 1
    bounds = np.concatenate(([0], cuts, [len(values)]))
    return [(int(values[s]), slice(s, e)) for s, e in pairwise(bounds)]


def _assign_leftovers(sim: np.ndarray, free_a: list[int], free_b: list[int], floor: float) -> list:
    """Maximum-weight one-to-one matching of the left-over items (the moves)."""
    from scipy.optimize import linear_sum_assignment

    if not free_a or not free_b:
        return []
    sub = sim[np.ix_(free_a, free_b)]
    rows, cols = linear_sum_assignment(sub, maximize=True)
    return [(free_a[r], free_b[c]) for r, c in zip(rows, cols) if sub[r, c] >= floor]


@dataclass
class _Alignment:
    """Matched index pairs, built up pass by pass."""

    sim: np.ndarray  # TF-IDF cosine of every A key to every B key
    pairs: dict[int, int]  # the one-to-one matches: A item -> B item
    scores: dict[int, float]  # A item -> similarity to its match
    joined_a: dict[int, int] = field(default_factory=dict)  # A item -> B item it merged into
    joined_b: dict[int, int] = field(default_factory=dict)  # B item -> A item it split from
    scores_joined_a: dict[int, float] = field(default_factory=dict)  # containment
    scores_joined_b: dict[int, float] = field(default_factory=dict)


def align(keys_a: list[str], keys_b: list[str], settings: Settings = Settings()) -> _Alignment:
    """Match the items of two outlines (their matching keys) one to one, in order first and
    then by assignment, then join left-overs by containment.

    Examples:
        >>> align(["开展家风建设活动", "成立维权站"], ["成立维权站", "开展家风建设活动"]).pairs
        {0: 1, 1: 0}
    """
    sim = similarity_matrix(keys_a, keys_b)
    _empty_keys_alike(sim, keys_a, keys_b)
    candidates = np.argwhere(sim >= settings.min_similarity_in_order)
    chain = heaviest_common_subsequence(candidates, sim[candidates[:, 0], candidates[:, 1]])
    pairs = {int(candidates[k, 0]): int(candidates[k, 1]) for k in chain}
    free_a = [i for i in range(len(keys_a)) if i not in pairs]
    taken = set(pairs.values())
    free_b = [j for j in range(len(keys_b)) if j not in taken]
    pairs.update(_assign_leftovers(sim, free_a, free_b, settings.min_similarity))
    scores = {i: float(sim[i, j]) for i, j in pairs.items()}
    alignment = _Alignment(sim, dict(sorted(pairs.items())), scores)
    _join_leftovers(alignment, keys_a, keys_b, settings)
    return alignment


def _empty_keys_alike(sim: np.ndarray, keys_a: list[str], keys_b: list[str]) -> None:
    """Two items with nothing to compare (no text left after folding, such as a bare marker)
    are alike, as two equal keys are: a plan compared with itself keeps them."""
    empty_a = [i for i, key in enumerate(keys_a) if not key]
    empty_b = [j for j, key in enumerate(keys_b) if not key]
    sim[np.ix_(empty_a, empty_b)] = 1.0


def _join_leftovers(
    found: _Alignment, keys_a: list[str], keys_b: list[str], settings: Settings
) -> None:
    """Left-over items mostly contained in a matched item of the other side: merges, splits.

    Containment is the share of an item's character 3-grams that stand in the other item:
    one sparse product gives it for every pair.
    """
    grams = char_ngrams([*keys_a, *keys_b], (3, 3), binary=True)
    shared = (grams[: len(keys_a)] @ grams[len(keys_a) :].T).toarray()
    sizes = np.maximum(np.asarray(grams.sum(axis=1)).ravel(), 1)
    contained_a = shared / sizes[: len(keys_a), None]  # share of A item i inside B item j
    contained_b = shared.T / sizes[len(keys_a) :, None]  # share of B item j inside A item i
    matched_b = {j: i for i, j in found.pairs.items()}
    for i in range(len(keys_a)):
        if i not in found.pairs and len(keys_a[i]) >= settings.min_join_chars:
            best = _best_container(contained_a[i], matched_b, settings.min_containment)
            if best is not None:
                found.joined_a[i], found.scores_joined_a[i] = best, float(contained_a[i, best])
    for j in range(len(keys_b)):
        if j not in matched_b and len(keys_b[j]) >= settings.min_join_chars:
            best = _best_container(contained_b[j], found.pairs, settings.min_containment)
            if best is not None:
                found.joined_b[j], found.scores_joined_b[j] = best, float(contained_b[j, best])


def _best_container(shares: np.ndarray, matched: dict[int, int], floor: float) -> int | None:
    """The matched item of the other side holding the largest share (the earliest on a tie),
    if that share reaches ``floor``."""
    candidates = sorted(matched)
    if not candidates:
        return None
    best = candidates[int(np.argmax(shares[candidates]))]
    return best if shares[best] >= floor else None


def edit_list(a: str, b: str) -> list[dict]:
    """The character-level edits that turn ``a`` into ``b`` (Levenshtein opcodes, equal runs
    left out); positions are offsets into each text.

    Examples:
        >>> edit_list("举办培训班", "举办创业培训班")
        [{'op': 'insert', 'a_pos': 2, 'a': '', 'b_pos': 2, 'b': '创业'}]
    """
    from rapidfuzz.distance import Levenshtein

    return [
        {
            "op": op.tag,
            "a_pos": op.src_start,
            "a": a[op.src_start : op.src_end],
            "b_pos": op.dest_start,
            "b": b[op.dest_start : op.dest_end],
        }
        for op in Levenshtein.opcodes(a, b)
        if op.tag != "equal"
    ]


def _parent_index(items: list[dict]) -> list[int]:
    """Each item's parent as its number among the compared items (-1: none)."""
    position = {item["item_id"]: k for k, item in enumerate(items)}
    return [position.get(item["parent_id"], -1) for item in items]


_SIDE_COLUMNS = ("item_id", "parent_id", "domain", "text")


def _records(items: pd.DataFrame) -> list[dict]:
    """Each item's id, parent, domain and text, missing values as None."""
    columns = [c for c in _SIDE_COLUMNS if c in items.columns]
    frame = items[columns].astype(object)
    return frame.where(frame.notna(), None).to_dict("records")


def _row(
    change: str,
    a: list[dict],
    b: list[dict],
    i: int | None,
    j: int | None,
    similarity: float | None,
    edits: list | None,
) -> dict:
    """One row of :func:`compare`'s table; ``edits`` is ``[]`` for a one-to-one match
    without edits and ``None`` where a row has no edit list (merged, split, dropped, added)."""
    row = {"change": change, "similarity": similarity, "edits": edits}
    for side, records, k in (("a", a, i), ("b", b, j)):
        record = records[k] if k is not None else {}
        for column in _SIDE_COLUMNS:
            row[f"{side}_{column}"] = record.get(column)
    row["edited"] = bool(edits)
    return row


def compare(
    plan_a: pd.DataFrame,
    plan_b: pd.DataFrame,
    settings: Settings = Settings(),
    scorer: CarryOverScorer | None = None,
) -> pd.DataFrame:
    """One row per matched pair of items, and per item matched to nothing: how plan A's
    items became plan B's.

    ``plan_a`` and ``plan_b`` are the item-table rows of one plan each (parsed or tagged;
    with a ``domain`` column the domains of both sides are given).  Columns are
    :data:`CHANGE_COLUMNS`; ``similarity`` is the TF-IDF cosine of the matching keys (for a
    merge or split found by containment, the share of the smaller item contained), ``edits``
    the character edits from A's text to B's (:func:`edit_list`) of a one-to-one match (``[]``
    when the texts are equal; ``None`` for merged, split, dropped and added rows).  An
    item matched to several items of the other plan has one row per match.  Rows follow B's
    outline; a dropped item stands after the B item that A's preceding item went to.
    ``scorer`` weighs the clause carry-overs (default: the shipped weights).

    Examples:
        >>> import planparse
        >>> a = planparse.parse("一、开展家风建设\\n二、培训巾帼骨干\\n", doc_id="a").to_frame()
        >>> b = planparse.parse("一、培训巾帼骨干\\n二、开展家风建设\\n", doc_id="b").to_frame()
        >>> compare(a, b)["change"].tolist()
        ['moved', 'kept']
    """
    import pandas as pd

    a, b, found = outline_alignment(plan_a, plan_b, settings)
    links = _links(found, a, b, settings, scorer)
    rows = _link_rows(links, a, b) + _unmatched_rows(links, a, b)
    rows.sort(key=lambda r: r[0])
    table = pd.DataFrame([r for _, r in rows], columns=list(CHANGE_COLUMNS))
    return table.astype(_DTYPES)


def outline_alignment(
    plan_a: pd.DataFrame, plan_b: pd.DataFrame, settings: Settings = Settings()
) -> tuple[list[dict], list[dict], _Alignment]:
    """Both plans' compared items (as records) and their outline alignment: what
    :func:`compare` starts from, and what the carry-over weights are fitted on."""
    a, b = _records(_items(plan_a)), _records(_items(plan_b))
    keys_a, keys_b = [matching_key(r["text"]) for r in a], [matching_key(r["text"]) for r in b]
    return a, b, align(keys_a, keys_b, settings)


def _links(
    found: _Alignment,
    a: list[dict],
    b: list[dict],
    settings: Settings,
    scorer: CarryOverScorer | None,
) -> dict[tuple[int, int], float]:
    """Every match, (A item, B item) -> similarity: the outline's one-to-one matches, the
    merges and splits by containment, and the clause carry-overs."""
    links = {(i, j): found.scores[i] for i, j in found.pairs.items()}
    links.update({(i, j): found.scores_joined_a[i] for i, j in found.joined_a.items()})
    links.update({(i, j): found.scores_joined_b[j] for j, i in found.joined_b.items()})
    if settings.carry_over:
        from planparse.diff.carryover import carried_pairs

        texts_a, texts_b = [r["text"] for r in a], [r["text"] for r in b]
        carried = carried_pairs(texts_a, texts_b, found.pairs, scorer, found.sim)
        same_a, same_b = _identical_matches(found.pairs, texts_a, texts_b)
        for i, j in carried:
            if i not in same_a and j not in same_b:
                links.setdefault((i, j), float(found.sim[i, j]))
    return links


def _identical_matches(
    pairs: dict[int, int], texts_a: list[str], texts_b: list[str]
) -> tuple[set[int], set[int]]:
    """The A items and the B items of the one-to-one matches whose texts fold equal.

    An item kept word for word is accounted for: a clause of it found elsewhere in the other
    plan is that plan repeating itself, not this item carried over (else a plan compared
    with itself would come out merged and split).
    """
    same = {i: j for i, j in pairs.items() if folded_text(texts_a[i]) == folded_text(texts_b[j])}
    return set(same), set(same.values())


def _link_rows(
    links: dict[tuple[int, int], float], a: list[dict], b: list[dict]
) -> list[tuple[tuple, dict]]:
    """One row per match, its kind decided from all matches (:func:`link_kinds`, the gold's
    rule); a one-to-one match carries its character edits."""
    texts_a, texts_b = [r["text"] for r in a], [r["text"] for r in b]
    kinds = link_kinds(links, _parent_index(a), _parent_index(b), texts_a, texts_b)
    rows = []
    for (i, j), similarity in sorted(links.items()):
        change = kinds[(i, j)]
        edits = None if change in ("merged", "split") else edit_list(texts_a[i], texts_b[j])
        rows.append(((j, 0, i), _row(change, a, b, i, j, similarity, edits)))
    return rows


def _unmatched_rows(
    links: dict[tuple[int, int], float], a: list[dict], b: list[dict]
) -> list[tuple[tuple, dict]]:
    """Added items in B's order; each dropped item after where A's preceding item went."""
    matched_a = {i for i, _ in links}
    matched_b = {j for _, j in links}
    last_b: dict[int, int] = {}
    for i, j in links:
        last_b[i] = max(last_b.get(i, j), j)
    rows = [
        ((j, 0, -1), _row("added", a, b, None, j, None, None))
        for j in range(len(b))
        if j not in matched_b
    ]
    anchor = -1
    for i in range(len(a)):
        if i in matched_a:
            anchor = last_b[i]
        else:
            rows.append(((anchor, 1, i), _row("dropped", a, b, i, None, None, None)))
    return rows
