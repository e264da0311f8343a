"""The carry-over features, reduced onto the candidate pairs block by block, are exactly
those of a straightforward dense computation over every pair of items (kept here only)."""

from __future__ import annotations

from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import vstack as sparse_vstack

from planparse.diff import carryover
from planparse.diff.carryover import (
    CARRIED_MASS,
    CARRIED_SHARE,
    FEATURES,
    MIN_SHARED_MASS,
    CarryOverScorer,
    pair_features,
)
from planparse.diff.keys import similarity_matrix


def _dense_max(rows, cols, values, shape) -> np.ndarray:
    out = np.zeros(shape)
    np.maximum.at(out, (rows, cols), values)
    return out


def _dense_found(units, owners, other_items, idf):
    weighted = units.multiply(idf).tocsr()
    found = (weighted @ other_items.T).tocoo()
    totals = np.asarray(weighted.sum(axis=1)).ravel()
    share = found.data / np.maximum(totals[found.row], 1e-9)
    return owners[found.row], found.col, found.data, share


def _dense_carried(own, other, idf) -> list[np.ndarray]:
    """(own item, other item) arrays: largest clause share, its log mass, clauses carried;
    largest sentence share, and sentence share x log mass."""
    shape = (len(own), len(other))
    owner, col, mass, share = _dense_found(own.clauses, own.owners, other.items, idf)
    carried = np.zeros(shape)
    hit = (share >= CARRIED_SHARE) & (mass >= CARRIED_MASS)
    np.add.at(carried, (owner, col), hit.astype(float))
    owner_s, col_s, mass_s, share_s = _dense_found(
        own.sentences, own.sentence_owners, other.items, idf
    )
    return [
        _dense_max(owner, col, share, shape),
        _dense_max(owner, col, np.log1p(mass), shape),
        carried,
        _dense_max(owner_s, col_s, share_s, shape),
        _dense_max(owner_s, col_s, share_s * np.log1p(mass_s), shape),
    ]


def _dense_dice(side_a, side_b, idf) -> np.ndarray:
    weighted_a = side_a.clauses.multiply(idf).tocsr()
    weighted_b = side_b.clauses.multiply(idf)
    shared = (weighted_a @ side_b.clauses.T).tocoo()
    weight_a = np.asarray(weighted_a.sum(axis=1)).ravel()
    weight_b = np.asarray(weighted_b.sum(axis=1)).ravel()
    total = weight_a[shared.row] + weight_b[shared.col]
    dice = 2 * shared.data / np.maximum(total, 1e-9)
    owners = side_a.owners[shared.row], side_b.owners[shared.col]
    return _dense_max(*owners, dice, (len(side_a), len(side_b)))


def dense_reference(texts_a, texts_b, outline, cosine) -> tuple[np.ndarray, np.ndarray]:
    """Every measure as an array over all pairs of items, read at the candidates."""
    side_a, side_b = carryover._Side.pair(texts_a, texts_b)
    idf = carryover._inverse_frequency(sparse_vstack([side_a.items, side_b.items]))
    shared = (side_a.items.multiply(idf) @ side_b.items.T).toarray()
    pairs = np.argwhere(shared >= MIN_SHARED_MASS)
    i, j = pairs[:, 0], pairs[:, 1]
    if cosine is None:
        cosine = similarity_matrix(side_a.keys, side_b.keys)
    from_a = [m[i, j] for m in _dense_carried(side_a, side_b, idf)]
    from_b = [m.T[i, j] for m in _dense_carried(side_b, side_a, idf)]
    measured = [*from_a[:3], *from_b[:3], _dense_dice(side_a, side_b, idf)[i, j], cosine[i, j]]
    measured += [side_a.lengths[i], side_b.lengths[j], np.abs(i / len(texts_a) - j / len(texts_b))]
    measured.append(np.array([outline.get(x) == y for x, y in zip(i, j)], dtype=float))
    values = np.zeros((len(pairs), len(FEATURES)))
    values[:, :12] = np.column_stack(measured)
    sentence_features = [f"{side}_sentence_{m}" for side in "ab" for m in ("share", "evidence")]
    sentences = [FEATURES.index(name) for name in sentence_features]
    values[:, sentences] = np.column_stack([*from_a[3:], *from_b[3:]])
    carryover._combine(values)
    carryover._relate(values, pairs, (len(texts_a), len(texts_b)))
    return pairs, values


made_up_texts = st.lists(
    st.text("开展妇女培训家庭维权建设创业服务，。；", min_size=0, max_size=40),
    min_size=1,
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(
    made_up_texts,
    made_up_texts,
    st.integers(1, 30),
    st.booleans(),
    st.randoms(use_true_random=False),
)
def test_candidate_features_equal_the_dense_reference(texts_a, texts_b, cells, given_cosine, rnd):
    outline = {i: rnd.randrange(len(texts_b)) for i in range(len(texts_a)) if rnd.random() < 0.5}
    cosine = None
    if given_cosine:
        keys = carryover._Side.pair(texts_a, texts_b)
        cosine = similarity_matrix(keys[0].keys, keys[1].keys)
    with mock.patch.object(carryover, "_CELLS_AT_ONCE", cells):  # many blocks, even here
        found = pair_features(texts_a, texts_b, outline, cosine)
    pairs, values = dense_reference(texts_a, texts_b, outline, cosine)
    assert found.pairs.tolist() == pairs.tolist()
    assert np.array_equal(found.values, values)


def test_the_reference_finds_candidates_and_outline_matches():
    """The property above is not vacuous: the made-up texts give candidates, carried
    clauses and outline matches."""
    texts_a = ["开展妇女创业培训，建设家庭服务站。维权", "培训家庭", "建设维权服务"]
    texts_b = ["开展妇女创业培训，维权服务", "建设家庭服务站", "维权"]
    pairs, values = dense_reference(texts_a, texts_b, {0: 0, 2: 1}, None)
    assert len(pairs) >= 2
    assert values[:, FEATURES.index("in_outline")].sum() >= 1
    assert values[:, FEATURES.index("a_carried")].max() >= 1
    assert 0 < values[:, FEATURES.index("a_sentence_share")].min() < 1


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 300), st.integers(1, 50))
def test_a_pairs_chance_does_not_depend_on_the_other_rows(rows, block):
    scorer = CarryOverScorer.load()
    values = np.random.default_rng(rows).normal(size=(rows, len(scorer.names)))
    every_row = scorer.predict_proba(values)
    with mock.patch.object(carryover, "_ROWS_AT_ONCE", block):
        assert np.array_equal(scorer.predict_proba(values), every_row)
    alone = [scorer.predict_proba(values[k : k + 1])[0] for k in range(rows)]
    assert np.array_equal(every_row, np.asarray(alone).reshape(-1))
    z = (values - np.asarray(scorer.mean)) / np.asarray(scorer.scale)
    logistic = 1.0 / (1.0 + np.exp(-(z @ np.asarray(scorer.coef) + scorer.intercept)))
    assert np.allclose(every_row, logistic, rtol=1e-12, atol=1e-15)
