"""Which clauses of one plan come back in the other: the evidence for many-to-many matches.

A year's plan rarely keeps a paragraph whole.  It keeps a clause here, a target there, and
condenses three old paragraphs into one new one.  The outline aligner
(:mod:`planparse.diff.align`) finds the one-to-one matches; this module finds the rest, by the
rule the gold annotators follow (``corpus/gold/changes/FORMAT.md``): two items match when a
clause of one comes back in the other, keeping most of its content.

For every pair of items that share any content, :func:`pair_features` measures how far the
clauses and sentences of each come back in the other (character bigrams weighted by their
inverse frequency among the two plans' items, stock phrases removed), and
:class:`CarryOverScorer` turns those measures into the probability that an annotator would
call the pair a match, in two passes: the second also reads the first pass's probabilities of
the pair's neighbours along both outlines.  Its weights are fitted on the development gold
(``corpus/tools/fit_carryover.py``) and ship with the package as plain numbers
(``planparse/data/carryover.json``).

Examples:
    >>> f = pair_features(["开展家风建设活动。举办创业培训班"], ["举办创业培训班两期"])
    >>> f.pairs.tolist(), round(float(f.values[0, FEATURES.index("a_share")]), 2)
    ([[0, 0]], 1.0)
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import NamedTuple

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse import vstack as sparse_vstack

from planparse.diff.keys import folded_text, matching_key, similarity_matrix, stock_pattern

#: Where a clause ends: the sentence and clause marks of Chinese and Western punctuation.
CLAUSE_END = re.compile(r"[^。；！？，,;!?：:\n]+")
#: Where a sentence ends: a clause mark above that also closes a statement.
SENTENCE_END = re.compile(r"[^。；！？;!?\n]+")
#: A figure: this year's target or result differs from last year's, its measure does not.
FIGURE = re.compile(r"[0-9０-９](?:[0-9０-９.．%％]|[,，](?=[0-9０-９]))*[万亿千百]*")
#: A clause carries over when this share of its weighted bigrams stands in the other item ...
CARRIED_SHARE = 0.6
#: ... and they weigh at least this much (about four distinctive characters).
CARRIED_MASS = 8.0
#: Pairs sharing less weighted content than this are never candidates.
MIN_SHARED_MASS = 4.0
#: The measures of a pair, in the order of :attr:`PairFeatures.values`' columns.  The last
#: ones combine the first (a logistic model adds its evidence; a clause that comes back whole
#: *and* is long is what an annotator reads as carried over).
FEATURES = (
    "a_share",  # the largest share of one A clause's content found in the B item
    "a_mass",  # log of the content found for that clause
    "a_carried",  # how many A clauses carry over
    "b_share",  # the same, from B's clauses into the A item
    "b_mass",
    "b_carried",
    "clause_dice",  # the best weighted Dice coefficient of an A clause and a B clause
    "cosine",  # TF-IDF cosine of the whole items
    "a_length",  # log of the A item's key length
    "b_length",
    "position_gap",  # |relative position in A - relative position in B|
    "in_outline",  # the outline aligner matched the two one to one
    "a_evidence",  # a_share x a_mass
    "b_evidence",
    "best_evidence",
    "dice_evidence",  # clause_dice x the smaller mass
    "carried",  # log(1 + clauses carried either way)
    "cosine_squared",
    "a_whole",  # an A clause of some length came back nearly whole
    "b_whole",
    # Each measure below as a share of the largest the same A item (or B item) reaches with
    # any partner: a paragraph's best counterpart stands out from its merely similar ones.
    "evidence_of_a_best",
    "evidence_of_b_best",
    "dice_of_a_best",
    "dice_of_b_best",
    "cosine_of_a_best",
    "cosine_of_b_best",
    # Sentences (to 。；！？) as wholes: the gold's rule asks whether a sentence comes back
    # keeping most of its content words, and a condensed sentence keeps some of each of its
    # clauses, which no single clause's share shows.
    "a_sentence_share",  # the largest share of one A sentence's content found in the B item
    "a_sentence_evidence",  # the largest such share x the log of the content found
    "b_sentence_share",
    "b_sentence_evidence",
)
#: The features of the second pass of a two-pass :class:`CarryOverScorer`, after
#: :data:`FEATURES`.  Annotators read the two plans in order, so a pair whose neighbours along
#: both outlines match is likelier to match too.
CONTEXT = (
    "first_pass",  # the first pass's probability of this pair
    "neighbour_best",  # the larger first-pass probability of pairs (i-1, j-1) and (i+1, j+1)
    "neighbour_worst",  # the smaller of the two (0 where a neighbour is no candidate)
)
#: The measures whose share of each item's best is a feature, by column.
_RELATIVE = ("best_evidence", "dice_evidence", "cosine")
#: The shipped weights of :class:`CarryOverScorer` (``corpus/tools/fit_carryover.py``).
WEIGHTS_FILE = Path(__file__).resolve().parents[1] / "data" / "carryover.json"
#: A clause "came back nearly whole": this share of it, with this log mass (about 11 units).
_WHOLE_SHARE, _WHOLE_MASS = 0.8, 2.5
#: Rows standardized at once when scoring (a few MB, whatever the number of pairs).
_ROWS_AT_ONCE = 1 << 16
#: Cells of the item grid reduced at once (8 MB of scratch), whatever the plans' sizes.
_CELLS_AT_ONCE = 1 << 20


@dataclass(frozen=True)
class PairFeatures:
    """The candidate item pairs ``(i, j)`` and one row of :data:`FEATURES` for each; ``shape``
    is (items of A, items of B)."""

    pairs: np.ndarray
    values: np.ndarray
    shape: tuple[int, int] = (0, 0)

    @classmethod
    def empty(cls, shape: tuple[int, int] = (0, 0)) -> PairFeatures:
        return cls(np.zeros((0, 2), dtype=np.int64), np.zeros((0, len(FEATURES))), shape)

    def context(self, chance: np.ndarray) -> np.ndarray:
        """The :data:`CONTEXT` columns of the pairs, given each pair's first-pass ``chance``.

        Examples:
            >>> found = PairFeatures(np.array([[0, 0], [1, 1], [2, 2]]), np.zeros((3, 1)), (3, 3))
            >>> found.context(np.array([0.9, 0.2, 0.6])).tolist()[1]
            [0.2, 0.9, 0.6]
        """
        before, after = self._neighbour(chance, -1), self._neighbour(chance, 1)
        return np.column_stack([chance, np.maximum(before, after), np.minimum(before, after)])

    def _neighbour(self, chance: np.ndarray, step: int) -> np.ndarray:
        """The chance of each pair's neighbour (i + step, j + step); 0 if it is none."""
        width = self.shape[1]
        codes = self.pairs[:, 0] * width + self.pairs[:, 1]  # sorted: pairs are row-major
        i, j = self.pairs[:, 0] + step, self.pairs[:, 1] + step
        inside = (i >= 0) & (i < self.shape[0]) & (j >= 0) & (j < width)
        wanted = i * width + j
        at = np.searchsorted(codes, wanted).clip(max=max(len(codes) - 1, 0))
        return np.where(inside & (codes[at] == wanted), chance[at], 0.0)


def clause_keys(text: str) -> list[str]:
    """The matching keys of a text's clauses (stock phrases, years, white space and
    punctuation removed); clauses left with fewer than two characters are dropped.

    Examples:
        >>> clause_keys("2023年，开展家风建设，举办 培训班。好")
        ['开展家风建设', '举办培训班']
    """
    return [key for sentence in sentence_clause_keys(text) for key in sentence]


def sentence_clause_keys(text: str) -> list[list[str]]:
    """The :func:`clause_keys` of each sentence of a text; sentences left without a clause
    are dropped.

    Examples:
        >>> sentence_clause_keys("开展家风建设，举办培训班。好；成立维权站")
        [['开展家风建设', '举办培训班'], ['成立维权站']]
    """
    masked = FIGURE.sub("", text)
    sentences = (
        [_clause_key(c.group()) for c in CLAUSE_END.finditer(s.group())]
        for s in SENTENCE_END.finditer(masked)
    )
    return [kept for sentence in sentences if (kept := [k for k in sentence if len(k) >= 2])]


def _clause_key(clause: str) -> str:
    return stock_pattern().sub("", folded_text(clause))


def pair_features(
    texts_a: Sequence[str],
    texts_b: Sequence[str],
    outline: Mapping[int, int] | None = None,
    cosine: np.ndarray | None = None,
) -> PairFeatures:
    """The :data:`FEATURES` of every pair of items (one text each) sharing some content;
    ``outline`` holds the one-to-one matches of the outline aligner (A index -> B index),
    ``cosine`` the items' :func:`~planparse.diff.keys.similarity_matrix` if already known.

    Only the candidate pairs are ever held, never an array over all pairs of items: two
    plans of 3,000 items each have nine million pairs (``benchmarks/compare_speed.py
    --large``).

    Examples:
        >>> pair_features(["开展家风建设活动"], ["成立维权站"]).pairs.shape
        (0, 2)
    """
    shape = (len(texts_a), len(texts_b))
    if not len(texts_a) or not len(texts_b):
        return PairFeatures.empty(shape)
    side_a, side_b = _Side.pair(texts_a, texts_b)
    idf = _inverse_frequency(sparse_vstack([side_a.items, side_b.items]))
    candidates = _Candidates.sharing(side_a, side_b, idf)
    if not len(candidates.pairs):
        return PairFeatures.empty(shape)
    values = np.empty((len(candidates.pairs), len(FEATURES)))
    _measure(values, candidates, side_a, side_b, idf, outline or {}, cosine)
    _combine(values)
    _relate(values, candidates.pairs, (len(side_a), len(side_b)))
    return PairFeatures(candidates.pairs, values, shape)


@dataclass(frozen=True)
class _Grid:
    """Cells of a grid ``rows`` x ``width`` (A items x B items, or B x A), sorted by their
    codes ``row * width + column``: the candidate pairs seen from one plan."""

    codes: np.ndarray
    rows: int
    width: int

    def reduce(self, rows, cols, measures) -> list[np.ndarray]:
        """Each measure ``(ufunc, values)`` of the entries at (``rows``, ``cols``) reduced
        per cell, by ``np.maximum`` (the largest) or ``np.add`` (the sum), 0 where none.

        ``rows`` must not decrease (entries of a product's rows, in order).  A block of
        rows at a time goes through a dense scratch of :data:`_CELLS_AT_ONCE` cells: as fast
        as one dense array over the grid, without its memory."""
        per_block = max(1, _CELLS_AT_ONCE // self.width)
        starts = np.append(np.arange(0, self.rows, per_block), self.rows)
        entry_at, cell_at = (
            np.searchsorted(rows, starts),
            np.searchsorted(self.codes, starts * self.width),
        )
        reduced = [np.zeros(len(self.codes)) for _ in measures]
        for k in range(len(starts) - 1):
            entries, cells = slice(*entry_at[k : k + 2]), slice(*cell_at[k : k + 2])
            if entries.start == entries.stop or cells.start == cells.stop:
                continue
            offset = starts[k] * self.width
            where = rows[entries].astype(np.int64) * self.width + cols[entries] - offset
            for (ufunc, values), out in zip(measures, reduced):
                scratch = np.zeros(per_block * self.width)
                ufunc.at(scratch, where, values[entries])
                out[cells] = scratch[self.codes[cells] - offset]
        return reduced


@dataclass(frozen=True)
class _Candidates:
    """The candidate pairs ``(i, j)`` in row-major order, as cells of the A x B grid (in the
    same order) and of the B x A grid (in ``b_order``), onto which measures of any entries
    (clause pairs, clause-item pairs) are reduced."""

    pairs: np.ndarray
    by_a: _Grid
    by_b: _Grid
    b_order: np.ndarray  # pairs[b_order] are in by_b's order

    @classmethod
    def sharing(cls, side_a: _Side, side_b: _Side, idf: np.ndarray) -> _Candidates:
        """The pairs sharing at least :data:`MIN_SHARED_MASS` of weighted bigrams."""
        shared = (side_a.items.multiply(idf) @ side_b.items.T).tocoo()
        keep = shared.data >= MIN_SHARED_MASS
        size_a, size_b = len(side_a), len(side_b)
        codes = np.sort(shared.row[keep].astype(np.int64) * size_b + shared.col[keep])
        pairs = np.column_stack([codes // size_b, codes % size_b])
        codes_b = pairs[:, 1] * size_a + pairs[:, 0]
        b_order = np.argsort(codes_b, kind="stable")
        by_b = _Grid(codes_b[b_order], size_b, size_a)
        return cls(pairs, _Grid(codes, size_a, size_b), by_b, b_order)

    def reduce(self, rows, cols, measures, b_first: bool = False) -> list[np.ndarray]:
        """:meth:`_Grid.reduce` onto the candidates of entries at (A item ``rows``, B item
        ``cols``), or at (B item ``rows``, A item ``cols``) if ``b_first``."""
        if not b_first:
            return self.by_a.reduce(rows, cols, measures)
        reduced = []
        for in_b_order in self.by_b.reduce(rows, cols, measures):
            out = np.empty(len(in_b_order))
            out[self.b_order] = in_b_order
            reduced.append(out)
        return reduced


def _measure(values, candidates, side_a, side_b, idf, outline, cosine) -> None:
    """Fill the measured features of the candidates (all but the combined and relative
    ones of :data:`FEATURES`), one column at a time (never a second copy of them all)."""
    for name, measure in _measures(candidates, side_a, side_b, idf, outline, cosine):
        values[:, FEATURES.index(name)] = measure


def _measures(candidates, side_a, side_b, idf, outline, cosine) -> Iterator[tuple]:
    """The measured features of the candidates, (name, column) by column."""
    yield from zip(
        ("a_share", "a_mass", "a_carried"), _carried(side_a, side_b, idf, candidates, False)
    )
    yield from zip(
        ("b_share", "b_mass", "b_carried"), _carried(side_b, side_a, idf, candidates, True)
    )
    yield "clause_dice", _clause_dice(side_a, side_b, idf, candidates)
    i, j = candidates.pairs[:, 0], candidates.pairs[:, 1]
    if cosine is None:
        cosine = similarity_matrix(side_a.keys, side_b.keys)
    yield "cosine", cosine[i, j]
    yield "a_length", side_a.lengths[i]
    yield "b_length", side_b.lengths[j]
    yield "position_gap", np.abs(i / len(side_a) - j / len(side_b))
    width = candidates.by_a.width
    outline_codes = np.asarray([x * width + y for x, y in outline.items()], dtype=np.int64)
    yield "in_outline", np.isin(candidates.by_a.codes, outline_codes)
    for own, other, b_first, side in ((side_a, side_b, False, "a"), (side_b, side_a, True, "b")):
        found = _sentences_carried(own, other, idf, candidates, b_first)
        yield from zip((f"{side}_sentence_share", f"{side}_sentence_evidence"), found)


def _relate(values: np.ndarray, pairs: np.ndarray, shape) -> None:
    """Fill each :data:`_RELATIVE` measure divided by its maximum over the A item's
    candidate pairs, then over the B item's (the ``*_of_a_best``, ``*_of_b_best`` columns)."""
    column = FEATURES.index("evidence_of_a_best")
    for name in _RELATIVE:
        measure = values[:, FEATURES.index(name)]
        for owners, size in ((pairs[:, 0], shape[0]), (pairs[:, 1], shape[1])):
            best = np.zeros(size)
            np.maximum.at(best, owners, measure)
            values[:, column] = measure / np.where(best[owners] > 0, best[owners], 1.0)
            column += 1


@dataclass(frozen=True)
class _Side:
    """One plan's items as the features see them: matching keys, the bigram rows of their
    clauses with each clause's item, those of their sentences (each the union of its
    clauses) with each sentence's item, and each item's bigrams (those of its clauses)."""

    keys: list[str]
    clauses: object  # sparse binary clause x bigram
    owners: np.ndarray
    items: object  # sparse binary item x bigram
    sentences: object  # sparse binary sentence x bigram
    sentence_owners: np.ndarray

    @classmethod
    def pair(cls, texts_a: Sequence[str], texts_b: Sequence[str]) -> tuple[_Side, _Side]:
        """Both plans' sides, their bigrams in one column space."""
        keys = [[matching_key(t) for t in texts] for texts in (texts_a, texts_b)]
        tables = [
            _clause_table([sentence_clause_keys(t) for t in texts], side_keys)
            for texts, side_keys in zip((texts_a, texts_b), keys)
        ]
        bigrams = _clause_bigrams([*tables[0].texts, *tables[1].texts])
        cut = len(tables[0].texts)
        return cls.of(keys[0], bigrams[:cut], tables[0]), cls.of(keys[1], bigrams[cut:], tables[1])

    @classmethod
    def of(cls, keys: list[str], clauses, table: _ClauseTable) -> _Side:
        items = _grouped(clauses, table.owners, len(keys))
        sentences = _grouped(clauses, table.sentences, len(table.sentence_owners))
        return cls(keys, clauses, table.owners, items, sentences, table.sentence_owners)

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def lengths(self) -> np.ndarray:
        return np.log1p([len(k) for k in self.keys])


def _grouped(rows, groups: np.ndarray, size: int):
    """Binary rows, one per group: the union of the ``rows`` of the group."""
    membership = csr_matrix(
        (np.ones(len(groups)), (groups, np.arange(len(groups)))), shape=(size, len(groups))
    )
    return (membership @ rows).sign().tocsr()


def _combine(values: np.ndarray) -> None:
    """Fill the combined features (after the measured ones in :data:`FEATURES`)."""
    a_share, a_mass, a_carried, b_share, b_mass, b_carried, dice, cosine = values[:, :8].T
    a_evidence, b_evidence = a_share * a_mass, b_share * b_mass
    combined = [
        a_evidence,
        b_evidence,
        np.maximum(a_evidence, b_evidence),
        dice * np.minimum(a_mass, b_mass),
        np.log1p(a_carried + b_carried),
        cosine**2,
        (a_share >= _WHOLE_SHARE) & (a_mass >= _WHOLE_MASS),
        (b_share >= _WHOLE_SHARE) & (b_mass >= _WHOLE_MASS),
    ]
    first = FEATURES.index("a_evidence")
    for column, measure in enumerate(combined, start=first):
        values[:, column] = measure


@dataclass(frozen=True)
class CarryOverScorer:
    """A logistic model over standardized :data:`FEATURES`: the probability that an
    annotator following ``corpus/gold/changes/FORMAT.md`` calls a pair of items a match.

    A two-pass scorer (the shipped one) holds a ``first`` pass over :data:`FEATURES`; its
    own weights are over :data:`FEATURES` and :data:`CONTEXT`, the first pass's
    probabilities of the pair and of its neighbours.  The weights are plain numbers (a JSON
    file), so a reader can see what drives a match and a model file cannot run code.

    Examples:
        >>> scorer = CarryOverScorer.load()
        >>> f = pair_features(["举办妇女创业技能培训班三期"], ["今年举办妇女创业技能培训班五期"])
        >>> bool(scorer.chances(f)[0] > scorer.threshold)
        True
    """

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float = 0.5
    about: Mapping[str, object] = field(default_factory=dict)
    first: CarryOverScorer | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """The names of the features the weights are over."""
        return FEATURES + CONTEXT if self.first is not None else FEATURES

    def chances(self, found: PairFeatures) -> np.ndarray:
        """The match probability of each candidate pair (both passes if two-pass)."""
        if self.first is None:
            return self.predict_proba(found.values)
        return self.predict_proba(found.values, found.context(self.first.chances(found)))

    def predict_proba(self, values: np.ndarray, context: np.ndarray | None = None) -> np.ndarray:
        """The match probability of each row of :data:`FEATURES` values (and, for a
        two-pass scorer, of the :data:`CONTEXT` columns beside them)."""
        chance = np.empty(len(values))
        for start in range(0, len(values), _ROWS_AT_ONCE):  # a block: no copy of all values
            rows = slice(start, start + _ROWS_AT_ONCE)
            block = values[rows] if context is None else np.hstack([values[rows], context[rows]])
            z = (block - np.asarray(self.mean)) / np.asarray(self.scale)
            # Summed row by row, not by a matrix product: BLAS rounds a row's sum differently
            # with the number of rows, and a pair's chance should not depend on the others.
            evidence = (z * np.asarray(self.coef)).sum(axis=1) + self.intercept
            chance[rows] = 1.0 / (1.0 + np.exp(-evidence))
        return chance

    @classmethod
    def fit(
        cls, values: np.ndarray, labels: np.ndarray, c: float = 1.0, **about
    ) -> CarryOverScorer:
        """Fit the weights by L2-regularized logistic regression (scikit-learn)."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.preprocessing import StandardScaler

        scaler = StandardScaler().fit(values)
        model = LogisticRegression(C=c, max_iter=5000).fit(scaler.transform(values), labels)
        return cls(
            mean=tuple(map(float, scaler.mean_)),
            scale=tuple(map(float, scaler.scale_)),
            coef=tuple(map(float, model.coef_[0])),
            intercept=float(model.intercept_[0]),
            about=about,
        )

    @classmethod
    def fit_two_pass(
        cls, examples: Sequence[tuple[PairFeatures, np.ndarray]], c: float = 1.0, **about
    ) -> CarryOverScorer:
        """Fit a two-pass scorer on the candidate pairs and labels of several plan pairs:
        the first pass on all of them, the second on their context under first passes
        fitted without the plan pair (so that it learns how far to trust the first pass on
        pairs that pass has not seen).

        Examples:
            >>> rng = np.random.default_rng(0)
            >>> def made_up(n):
            ...     pairs = np.column_stack([np.arange(n), np.arange(n)])
            ...     return PairFeatures(pairs, rng.normal(size=(n, len(FEATURES))), (n, n))
            >>> examples = [(made_up(40), np.arange(40) % 2 == 0) for _ in range(3)]
            >>> CarryOverScorer.fit_two_pass(examples).names[-1]
            'neighbour_worst'
        """
        values, labels = _stacked(examples)
        first = cls.fit(values, labels, c)
        rows = [
            np.hstack([found.values, found.context(_held_out(cls, examples, k, c).chances(found))])
            for k, (found, _) in enumerate(examples)
        ]
        return dataclasses.replace(cls.fit(np.vstack(rows), labels, c, **about), first=first)

    def save(self, path: str | Path = WEIGHTS_FILE) -> Path:
        """Write the weights as JSON, one named weight per feature (the first pass's under
        ``first_pass``)."""
        data = {**self._weights(), "threshold": self.threshold, "about": dict(self.about)}
        if self.first is not None:
            data["first_pass"] = self.first._weights()
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")
        return Path(path)

    def _weights(self) -> dict:
        weights = {
            name: {"weight": w, "mean": m, "scale": sd}
            for name, w, m, sd in zip(self.names, self.coef, self.mean, self.scale)
        }
        return {"features": weights, "intercept": self.intercept}

    @classmethod
    def load(cls, path: str | Path = WEIGHTS_FILE) -> CarryOverScorer:
        """Read weights written by :meth:`save` (the shipped ones by default)."""
        return _load_scorer(str(path), Path(path).stat().st_mtime_ns)


def _held_out(cls, examples: Sequence, k: int, c: float) -> CarryOverScorer:
    """A first pass fitted on the examples other than the k-th (all, if it is alone)."""
    others = [e for m, e in enumerate(examples) if m != k] or list(examples)
    return cls.fit(*_stacked(others), c)


def _stacked(examples: Sequence[tuple[PairFeatures, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """The feature rows and labels of several plan pairs' examples, one after another."""
    return np.vstack([found.values for found, _ in examples]), np.concatenate(
        [labels for _, labels in examples]
    )


@lru_cache(maxsize=4)
def _load_scorer(path: str, modified: int) -> CarryOverScorer:  # modified: a cache key
    data = json.loads(Path(path).read_text("utf-8"))
    first = _scorer_of(data["first_pass"], FEATURES, path) if "first_pass" in data else None
    names = FEATURES + CONTEXT if first is not None else FEATURES
    scorer = _scorer_of(data, names, path)
    return dataclasses.replace(
        scorer, threshold=float(data["threshold"]), about=data.get("about", {}), first=first
    )


def _scorer_of(data: Mapping, names: tuple[str, ...], path: str) -> CarryOverScorer:
    """One pass's weights, read from ``data``; they must be over ``names``."""
    weights = data["features"]
    if tuple(weights) != names:
        raise ValueError(f"{path}: weights for other features; refit with fit_carryover.py")
    return CarryOverScorer(
        tuple(float(w["mean"]) for w in weights.values()),
        tuple(float(w["scale"]) for w in weights.values()),
        tuple(float(w["weight"]) for w in weights.values()),
        float(data["intercept"]),
    )


def carried_pairs(
    texts_a: Sequence[str],
    texts_b: Sequence[str],
    outline: Mapping[int, int],
    scorer: CarryOverScorer | None = None,
    cosine: np.ndarray | None = None,
) -> dict[tuple[int, int], float]:
    """The item pairs whose carry-over probability passes the scorer's threshold, with it
    (``outline`` and ``cosine`` as :func:`pair_features` takes them).

    Examples:
        >>> carried_pairs(["举办妇女创业技能培训班三期。开展家风建设"],
        ...               ["举办妇女创业技能培训班五期", "成立维权站"], {})
        {(0, 0): ...}
    """
    scorer = scorer or CarryOverScorer.load()
    found = pair_features(texts_a, texts_b, outline, cosine)
    chance = scorer.chances(found)
    keep = chance >= scorer.threshold
    return {(int(i), int(j)): float(p) for (i, j), p in zip(found.pairs[keep], chance[keep])}


def _clause_bigrams(texts: Sequence[str]):
    """Binary character-bigram rows of the clauses."""
    from planparse.diff.ngrams import char_ngrams

    return char_ngrams(texts, (2, 2), binary=True)


class _ClauseTable(NamedTuple):
    """Every clause of every item: its key, its item, its sentence, and each sentence's item."""

    texts: list[str]
    owners: np.ndarray
    sentences: np.ndarray
    sentence_owners: np.ndarray


def _clause_table(sentences: list[list[list[str]]], keys: Sequence[str]) -> _ClauseTable:
    """The clauses of each item's sentences (an item without a clause of two characters
    stands for itself, as one sentence of one clause)."""
    texts, owners, sentence_of, sentence_owners = [], [], [], []
    for k, (found, key) in enumerate(zip(sentences, keys)):
        for sentence in found or [[key]]:
            texts.extend(sentence)
            owners.extend([k] * len(sentence))
            sentence_of.extend([len(sentence_owners)] * len(sentence))
            sentence_owners.append(k)
    as_array = partial(np.asarray, dtype=np.int64)
    return _ClauseTable(texts, as_array(owners), as_array(sentence_of), as_array(sentence_owners))


def _inverse_frequency(items) -> np.ndarray:
    """Smoothed IDF of each bigram among the two plans' items: a bigram every item has
    (本年, 工作) says little about which item a clause came from."""
    frequency = np.asarray(items.sum(axis=0)).ravel()
    return np.log((items.shape[0] + 1) / (frequency + 1)) + 1


def _found_in(units, unit_owners: np.ndarray, other_items, idf: np.ndarray) -> tuple:
    """For each (unit of own, item of other) sharing bigrams: the unit's item, the other
    item, the weight of the unit found there and its share of the unit's weight."""
    weighted = units.multiply(idf).tocsr()
    found = (weighted @ other_items.T).tocoo()
    totals = np.asarray(weighted.sum(axis=1)).ravel()
    share = found.data / np.maximum(totals[found.row], 1e-9)
    return unit_owners[found.row], found.col, found.data, share


def _carried(own: _Side, other: _Side, idf: np.ndarray, candidates, b_first: bool) -> list:
    """For each candidate (own item, other item): the largest share of one own clause's
    weight found in the other item, the log weight found for that clause, and the number
    of own clauses that carry over (:data:`CARRIED_SHARE`, :data:`CARRIED_MASS`).
    ``b_first``: own is plan B."""
    owners, cols, mass, share = _found_in(own.clauses, own.owners, other.items, idf)
    carried = (share >= CARRIED_SHARE) & (mass >= CARRIED_MASS)
    measures = [(np.maximum, share), (np.maximum, np.log1p(mass)), (np.add, carried.astype(float))]
    return candidates.reduce(owners, cols, measures, b_first)


def _sentences_carried(own: _Side, other: _Side, idf, candidates, b_first: bool) -> list:
    """For each candidate (own item, other item): the largest share of one own sentence's
    weight found in the other item, and the largest share x log weight found."""
    owners, cols, mass, share = _found_in(own.sentences, own.sentence_owners, other.items, idf)
    measures = [(np.maximum, share), (np.maximum, share * np.log1p(mass))]
    return candidates.reduce(owners, cols, measures, b_first)


def _clause_dice(side_a: _Side, side_b: _Side, idf: np.ndarray, candidates) -> np.ndarray:
    """The best weighted Dice coefficient of a clause of A's item and a clause of B's,
    per candidate."""
    weighted_a = side_a.clauses.multiply(idf).tocsr()
    shared = (weighted_a @ side_b.clauses.T).tocoo()
    weight_a = np.asarray(weighted_a.sum(axis=1)).ravel()
    weight_b = np.asarray(side_b.clauses.multiply(idf).sum(axis=1)).ravel()
    rows, cols = shared.row, shared.col
    dice = 2 * shared.data / np.maximum(weight_a[rows] + weight_b[cols], 1e-9)
    return candidates.reduce(side_a.owners[rows], side_b.owners[cols], [(np.maximum, dice)])[0]
