"""Which clauses of one plan come back in the other: the evidence for many-to-many matches.

A year's plan rarely keeps a paragraph whole.  It keeps a clause here, a target there, and
condenses three old paragraphs into one new one.  The outline aligner
(:mod:`planparse.diff.align`) finds the one-to-one matches; this module finds the rest, by the
rule the gold annotators follow (``corpus/gold/changes/FORMAT.md``): two items match when a
clause of one comes back in the other, keeping most of its content.

For every pair of items that share any content, :func:`pair_features` measures how far the
clauses of each come back in the other (character bigrams weighted by their inverse frequency
among the two plans' items, stock phrases removed), and :class:`CarryOverScorer` turns those
measures into the probability that an annotator would call the pair a match.  Its weights
are fitted on the development gold (``corpus/tools/fit_carryover.py``) and ship with the
package as plain numbers (``planparse/data/carryover.json``).

Examples:
    >>> f = pair_features(["开展家风建设活动。举办创业培训班"], ["举办创业培训班两期"])
    >>> f.pairs.tolist(), round(float(f.values[0, FEATURES.index("a_share")]), 2)
    ([[0, 0]], 1.0)
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse import vstack as sparse_vstack

from planparse.diff.keys import folded_text, matching_key, similarity_matrix, stock_pattern

#: Where a clause ends: the sentence and clause marks of Chinese and Western punctuation.
CLAUSE_END = re.compile(r"[^。；！？，,;!?：:\n]+")
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
)
#: The measures whose share of each item's best is a feature, by column.
_RELATIVE = ("best_evidence", "dice_evidence", "cosine")
#: The shipped weights of :class:`CarryOverScorer` (``corpus/tools/fit_carryover.py``).
WEIGHTS_FILE = Path(__file__).resolve().parents[1] / "data" / "carryover.json"
#: A clause "came back nearly whole": this share of it, with this log mass (about 11 units).
_WHOLE_SHARE, _WHOLE_MASS = 0.8, 2.5


@dataclass(frozen=True)
class PairFeatures:
    """The candidate item pairs ``(i, j)`` and one row of :data:`FEATURES` for each."""

    pairs: np.ndarray
    values: np.ndarray

    @classmethod
    def empty(cls) -> PairFeatures:
        return cls(np.zeros((0, 2), dtype=np.int64), np.zeros((0, len(FEATURES))))


def clause_keys(text: str) -> list[str]:
    """The matching keys of a text's clauses (stock phrases, years, white space and
    punctuation removed); clauses left with fewer than two characters are dropped.

    Examples:
        >>> clause_keys("2023年，开展家风建设，举办 培训班。好")
        ['开展家风建设', '举办培训班']
    """
    clauses = CLAUSE_END.finditer(FIGURE.sub("", text))
    keys = (stock_pattern().sub("", folded_text(m.group())) for m in clauses)
    return [key for key in keys if len(key) >= 2]


def pair_features(
    texts_a: Sequence[str],
    texts_b: Sequence[str],
    outline: Mapping[int, int] | None = None,
    cosine: np.ndarray | None = None,
) -> PairFeatures:
    """The :data:`FEATURES` of every pair of items (one text each) sharing some content;
    ``outline`` holds the one-to-one matches of the outline aligner (A index -> B index),
    ``cosine`` the items' :func:`~planparse.diff.keys.similarity_matrix` if already known.

    Examples:
        >>> pair_features(["开展家风建设活动"], ["成立维权站"]).pairs.shape
        (0, 2)
    """
    if not len(texts_a) or not len(texts_b):
        return PairFeatures.empty()
    side_a, side_b = _Side.pair(texts_a, texts_b)
    idf = _inverse_frequency(sparse_vstack([side_a.items, side_b.items]))
    shared = (side_a.items.multiply(idf) @ side_b.items.T).toarray()
    pairs = np.argwhere(shared >= MIN_SHARED_MASS)
    if not len(pairs):
        return PairFeatures.empty()
    measured = _measured(side_a, side_b, idf, pairs, outline or {}, cosine)
    values = _with_relatives(_with_combinations(measured), pairs, (len(side_a), len(side_b)))
    return PairFeatures(pairs.astype(np.int64), values)


def _measured(side_a, side_b, idf, pairs, outline, cosine) -> np.ndarray:
    """The measured features (the first twelve of :data:`FEATURES`) of the candidate pairs."""
    if cosine is None:
        cosine = similarity_matrix(side_a.keys, side_b.keys)
    i, j = pairs[:, 0], pairs[:, 1]
    measured = [m[i, j] for m in _carried(side_a, side_b, idf)]
    measured += [m.T[i, j] for m in _carried(side_b, side_a, idf)]
    measured += [_clause_dice(side_a, side_b, idf)[i, j], cosine[i, j]]
    measured += [side_a.lengths[i], side_b.lengths[j], np.abs(i / len(side_a) - j / len(side_b))]
    measured.append(np.array([outline.get(x) == y for x, y in zip(i, j)], dtype=float))
    return np.column_stack(measured)


def _with_relatives(values: np.ndarray, pairs: np.ndarray, shape) -> np.ndarray:
    """Append each :data:`_RELATIVE` measure divided by its maximum over the A item's
    candidate pairs, then over the B item's."""
    relatives = []
    for name in _RELATIVE:
        column = values[:, FEATURES.index(name)]
        for owners, size in ((pairs[:, 0], shape[0]), (pairs[:, 1], shape[1])):
            best = np.zeros(size)
            np.maximum.at(best, owners, column)
            relatives.append(column / np.where(best[owners] > 0, best[owners], 1.0))
    return np.column_stack([values, *relatives])


@dataclass(frozen=True)
class _Side:
    """One plan's items as the features see them: matching keys, the bigram rows of their
    clauses with each clause's item, and each item's bigrams (those of its clauses)."""

    keys: list[str]
    clauses: object  # sparse binary clause x bigram
    owners: np.ndarray
    items: object  # sparse binary item x bigram

    @classmethod
    def pair(cls, texts_a: Sequence[str], texts_b: Sequence[str]) -> tuple[_Side, _Side]:
        """Both plans' sides, their bigrams in one column space."""
        keys = [[matching_key(t) for t in texts] for texts in (texts_a, texts_b)]
        tables = [
            _clause_table([clause_keys(t) for t in texts], side_keys)
            for texts, side_keys in zip((texts_a, texts_b), keys)
        ]
        bigrams = _clause_bigrams([*tables[0][0], *tables[1][0]])
        cut = len(tables[0][0])
        return (
            cls.of(keys[0], bigrams[:cut], tables[0][1]),
            cls.of(keys[1], bigrams[cut:], tables[1][1]),
        )

    @classmethod
    def of(cls, keys: list[str], clauses, owners: np.ndarray) -> _Side:
        membership = csr_matrix(
            (np.ones(len(owners)), (owners, np.arange(len(owners)))),
            shape=(len(keys), len(owners)),
        )
        return cls(keys, clauses, owners, (membership @ clauses).sign().tocsr())

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def lengths(self) -> np.ndarray:
        return np.log1p([len(k) for k in self.keys])


def _with_combinations(measured: np.ndarray) -> np.ndarray:
    """Append the combined features (the end of :data:`FEATURES`) to the measured ones."""
    a_share, a_mass, a_carried, b_share, b_mass, b_carried, dice, cosine = measured[:, :8].T
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
    return np.column_stack([measured, *combined]).astype(float)


@dataclass(frozen=True)
class CarryOverScorer:
    """A logistic model over standardized :data:`FEATURES`: the probability that an
    annotator following ``corpus/gold/changes/FORMAT.md`` calls a pair of items a match.

    The weights are plain numbers (a JSON file), so a reader can see what drives a match and
    a model file cannot run code.

    Examples:
        >>> scorer = CarryOverScorer.load()
        >>> f = pair_features(["举办妇女创业技能培训班三期"], ["今年举办妇女创业技能培训班五期"])
        >>> bool(scorer.predict_proba(f.values)[0] > scorer.threshold)
        True
    """

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float = 0.5
    about: Mapping[str, object] = field(default_factory=dict)

    def predict_proba(self, values: np.ndarray) -> np.ndarray:
        """The match probability of each row of :data:`FEATURES` values."""
        z = (values - np.asarray(self.mean)) / np.asarray(self.scale)
        return 1.0 / (1.0 + np.exp(-(z @ np.asarray(self.coef) + self.intercept)))

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

    def save(self, path: str | Path = WEIGHTS_FILE) -> Path:
        """Write the weights as JSON, one named weight per feature."""
        weights = {
            name: {"weight": w, "mean": m, "scale": sd}
            for name, w, m, sd in zip(FEATURES, self.coef, self.mean, self.scale)
        }
        data = {
            "features": weights,
            "intercept": self.intercept,
            "threshold": self.threshold,
            "about": dict(self.about),
        }
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")
        return Path(path)

    @classmethod
    def load(cls, path: str | Path = WEIGHTS_FILE) -> CarryOverScorer:
        """Read weights written by :meth:`save` (the shipped ones by default)."""
        return _load_scorer(str(path), Path(path).stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _load_scorer(path: str, modified: int) -> CarryOverScorer:  # modified: a cache key
    data = json.loads(Path(path).read_text("utf-8"))
    weights = data["features"]
    if tuple(weights) != FEATURES:
        raise ValueError(f"{path}: weights for other features; refit with fit_carryover.py")
    return CarryOverScorer(
        tuple(float(w["mean"]) for w in weights.values()),
        tuple(float(w["scale"]) for w in weights.values()),
        tuple(float(w["weight"]) for w in weights.values()),
        float(data["intercept"]),
        float(data["threshold"]),
        data.get("about", {}),
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
    chance = scorer.predict_proba(found.values)
    keep = chance >= scorer.threshold
    return {(int(i), int(j)): float(p) for (i, j), p in zip(found.pairs[keep], chance[keep])}


def _clause_bigrams(texts: Sequence[str]):
    """Binary character-bigram rows of the clauses."""
    from planparse.diff.ngrams import char_ngrams

    return char_ngrams(texts, (2, 2), binary=True)


def _clause_table(clauses: list[list[str]], keys: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Every clause of every item, and the index of its item (an item without a clause of
    two characters stands for itself)."""
    texts, owners = [], []
    for k, (found, key) in enumerate(zip(clauses, keys)):
        for clause in found or [key]:
            texts.append(clause)
            owners.append(k)
    return texts, np.asarray(owners, dtype=np.int64)


def _inverse_frequency(items) -> np.ndarray:
    """Smoothed IDF of each bigram among the two plans' items: a bigram every item has
    (本年, 工作) says little about which item a clause came from."""
    frequency = np.asarray(items.sum(axis=0)).ravel()
    return np.log((items.shape[0] + 1) / (frequency + 1)) + 1


def _carried(own: _Side, other: _Side, idf: np.ndarray) -> list[np.ndarray]:
    """For each (own item, other item): the largest share of one own clause's weight found
    in the other item, the log weight found for that clause, and the number of own clauses
    that carry over (:data:`CARRIED_SHARE`, :data:`CARRIED_MASS`)."""
    weighted = own.clauses.multiply(idf).tocsr()
    found = (weighted @ other.items.T).tocoo()
    totals = np.asarray(weighted.sum(axis=1)).ravel()
    rows, cols, mass = found.row, found.col, found.data
    share = mass / np.maximum(totals[rows], 1e-9)
    owner, shape = own.owners[rows], (len(own), len(other))
    carried = (share >= CARRIED_SHARE) & (mass >= CARRIED_MASS)
    return [
        _group_max(owner, cols, share, shape),
        _group_max(owner, cols, np.log1p(mass), shape),
        _group_sum(owner, cols, carried.astype(float), shape),
    ]


def _clause_dice(side_a: _Side, side_b: _Side, idf: np.ndarray) -> np.ndarray:
    """The best weighted Dice coefficient of a clause of A's item and a clause of B's."""
    weighted_a = side_a.clauses.multiply(idf).tocsr()
    shared = (weighted_a @ side_b.clauses.T).tocoo()
    weight_a = np.asarray(weighted_a.sum(axis=1)).ravel()
    weight_b = np.asarray(side_b.clauses.multiply(idf).sum(axis=1)).ravel()
    rows, cols = shared.row, shared.col
    dice = 2 * shared.data / np.maximum(weight_a[rows] + weight_b[cols], 1e-9)
    shape = (len(side_a), len(side_b))
    return _group_max(side_a.owners[rows], side_b.owners[cols], dice, shape)


def _group_max(rows, cols, values, shape) -> np.ndarray:
    """Dense ``shape`` array of the largest value per (row, col); 0 where there is none."""
    out = np.zeros(shape)
    np.maximum.at(out, (rows, cols), values)
    return out


def _group_sum(rows, cols, values, shape) -> np.ndarray:
    """Dense ``shape`` array of the sum of values per (row, col)."""
    out = np.zeros(shape)
    np.add.at(out, (rows, cols), values)
    return out
