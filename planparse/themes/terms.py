"""Distinctive words of groups of plans, from word counts that add up a part at a time.

:func:`distinctive_terms` scores each group's words by the weighted log-odds ratio with an
informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, *Fightin' Words*).  It works from
:class:`TermCounts`: how often each word occurs in each group.  The counts of the parts of an
archive add up to the counts of the whole, and they can be split by word (:meth:`TermCounts.split`)
so that no process ever holds every word of a large archive:

1. each chunk of the item table is counted (jieba, the cost, once per item) and split into
   partitions by a hash of the word;
2. each partition's parts are added and scored: a word's score needs only its own counts and
   the number of words in each group, which every part carries in full;
3. the best words of every partition are merged (:func:`best_terms`).

The result equals :func:`distinctive_terms` of the whole table, whatever the chunks or
partitions: ties are broken by where a word first appears in the archive.

Examples:
    >>> import pandas as pd
    >>> tagged = pd.DataFrame({"year": ["2019"] * 3 + ["2020"] * 3, "domain": ["维权"] * 6,
    ...                        "text": ["法律援助"] * 3 + ["最美家庭"] * 3})
    >>> distinctive_terms(tagged, by="year", top=1)[["group", "term", "count"]].values.tolist()
    [['2019', '法律援助', 3], ['2020', '最美家庭', 3]]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

#: Columns of :func:`distinctive_terms`.
TERM_COLUMNS = ["group", "rank", "term", "count", "log_odds", "z", "compared", "z_bonferroni"]


def stopwords() -> set[str]:
    """The shipped stop-word list (``planparse/data/stopwords.txt``)."""
    text = files("planparse.data").joinpath("stopwords.txt").read_text(encoding="utf-8")
    return {w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#")}


@lru_cache(maxsize=1)
def _tokenizer():
    """One tokenizer per process: building jieba's dictionary takes a second or two, which
    was paid again for every chunk of an archive."""
    from planparse.classify.features import JiebaWords

    return JiebaWords().tokenizer


def tokens(texts: Sequence[str], stop: set[str] | None = None) -> list[list[str]]:
    """jieba words of each text (the classifier's private tokenizer and user dictionary),
    without stop words and punctuation; one-character words are kept unless they are stop
    words, since 妇, 村 or 家 carry meaning.

    Examples:
        >>> tokens(["开展两癌筛查工作"])
        [['开展', '两癌筛查', '工作']]
    """
    stop = stopwords() if stop is None else stop
    tokenizer = _tokenizer()
    out = []
    for text in texts:
        words = tokenizer.lcut(str(text))
        out.append(
            [w for w in words if w.strip() and w not in stop and any(c.isalnum() for c in w)]
        )
    return out


def distinctive_terms(
    tagged: pd.DataFrame, by: str, top: int = 20, prior_weight: float = 500.0, min_count: int = 3
) -> pd.DataFrame:
    """Each group's most distinctive words against the rest of the archive.

    Weighted log-odds ratio with an informative Dirichlet prior from the whole archive
    (Monroe, Colaresi & Quinn 2008, eq. 22): ``α_w = prior_weight · f_w`` where ``f_w`` is the
    word's share of all tokens; one group against all others (one-vs-rest).  Only words seen
    ``min_count`` times or more are reported.  The result is a ranking: ``rank`` 1 is the
    largest ``z`` of its group; ``compared`` is how many words were tested for the group,
    and ``z_bonferroni`` the z a word must pass for p < 0.05 after Bonferroni's correction
    for that many comparisons (1.96 is passed by about 5% of unrelated words).  Columns:
    :data:`TERM_COLUMNS`; the ``top`` largest ``z`` per group, groups and tied words in the
    order they first appear.
    """
    return terms_from_counts(TermCounts.of(tagged, [by]), by, top, prior_weight, min_count)


def terms_from_counts(
    counts: TermCounts,
    by: str,
    top: int = 20,
    prior_weight: float = 500.0,
    min_count: int = 3,
) -> pd.DataFrame:
    """:func:`distinctive_terms` of one grouping from its :class:`TermCounts` (of a table,
    or of its parts added).

    Examples:
        >>> import pandas as pd
        >>> part = pd.DataFrame({"level": ["村", "县"], "domain": ["维权"] * 2,
        ...                      "text": ["法律援助", "最美家庭"]})
        >>> whole = TermCounts.of(part, ["level"]).add(TermCounts.of(part, ["level"]))
        >>> terms_from_counts(whole, "level", top=1, min_count=2).term.tolist()
        ['法律援助', '最美家庭']
    """
    return best_terms([scored_terms(counts, by, top, prior_weight, min_count)], top)


def scored_terms(
    counts: TermCounts,
    by: str,
    top: int = 20,
    prior_weight: float = 500.0,
    min_count: int = 3,
) -> pd.DataFrame:
    """The ``top`` words of each group among the words of ``counts``, with ``first`` (where
    each word first appears), for :func:`best_terms`.  ``counts`` may hold only some of the
    archive's words (a partition): a word's score needs only its own counts and the number
    of tokens in each group, which ``counts`` holds for the whole archive."""
    import pandas as pd

    _check_top(top)
    table, sizes, kept = counts.matrix(by, min_count)
    total, everything = table.sum(axis=0), sizes.sum()
    alpha = prior_weight * total / max(everything, 1)
    alpha0 = prior_weight  # the sum of alpha over every word of the archive
    names, first = counts.names(kept), counts.first[kept]
    results = []
    for name, y_i, n_i in zip(counts.groups(by), table, sizes):
        y_j, n_j = total - y_i, everything - n_i
        with np.errstate(divide="ignore", invalid="ignore"):  # an archive of one word
            delta = np.log((y_i + alpha) / (n_i + alpha0 - y_i - alpha)) - np.log(
                (y_j + alpha) / (n_j + alpha0 - y_j - alpha)
            )
            z = delta / np.sqrt(1 / (y_i + alpha) + 1 / (y_j + alpha))
        best = np.argsort(-z, kind="stable")[:top]  # the words are in order of first appearance
        results.append(
            pd.DataFrame(
                {
                    "group": name,
                    "term": names[best],
                    "count": y_i[best].astype(np.int64),
                    "log_odds": delta[best],
                    "z": z[best],
                    "first": first[best],
                    "compared": len(kept),
                }
            )
        )
    return pd.concat(results, ignore_index=True) if results else _no_terms(("first",))


def _compared(frames: list[pd.DataFrame]) -> dict:
    """Words tested per group: each partition's count, added over the partitions."""
    total: dict = {}
    for frame in frames:
        for group, count in frame.groupby("group", sort=False)["compared"].first().items():
            total[group] = total.get(group, 0) + int(count)
    return total


def best_terms(scored: Sequence[pd.DataFrame], top: int = 20) -> pd.DataFrame:
    """The ``top`` words of each group from :func:`scored_terms` of the partitions of one
    archive's counts: by ``z``, ties by first appearance (as one table's stable sort).
    Groups keep the order of the first frame that names them (every partition holds every
    group, in the same order)."""
    import pandas as pd

    _check_top(top)
    frames = [frame for frame in scored if len(frame)]
    if not frames:
        return _no_terms()
    joined = pd.concat(frames, ignore_index=True)
    groups = {name: n for n, name in enumerate(dict.fromkeys(joined["group"]))}
    order = np.lexsort((joined["first"], -joined["z"], joined["group"].map(groups)))
    ranked = joined.iloc[order]
    chosen = ranked.groupby("group", sort=False).head(top).drop(columns="first")
    chosen = chosen.reset_index(drop=True)
    chosen["compared"] = chosen["group"].map(_compared(frames)).astype("int64")
    chosen["rank"] = chosen.groupby("group", sort=False).cumcount() + 1
    chosen["z_bonferroni"] = _bonferroni(chosen["compared"].to_numpy())
    return chosen[TERM_COLUMNS].astype({"group": "string", "term": "string"})


def _bonferroni(compared: np.ndarray, alpha: float = 0.05) -> np.ndarray:
    from scipy.stats import norm

    return norm.isf(alpha / 2 / np.maximum(compared, 1))


def _check_top(top: int) -> None:
    if top < 0:  # a negative slice would keep all but the last words of each partition
        raise ValueError(f"top must be 0 or more, not {top}")


def _no_terms(extra: tuple[str, ...] = ()) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(columns=TERM_COLUMNS + list(extra))


class TermCounts:
    """How often each word occurs in each group, for one or more groupings (``year``,
    ``region`` …): what :func:`distinctive_terms` works from.

    The counts of the parts of a table, added in order with :meth:`add`, equal the counts of
    the whole, so an archive is counted a chunk at a time (in worker processes).  Each word
    is held once, by number, in order of first appearance, with ``first``, its place in the
    archive (the chunk's ``position`` plus its number in the chunk).  Counts are kept per
    *profile*, the tuple of a row's groups (its year, region …), as ``(profile, word,
    count)`` rows of integers: one table serves every grouping (a plan's rows share one
    profile), and adding a part costs a dictionary lookup per distinct word of the part and
    numpy work.  ``sizes`` holds the number of tokens of each profile, which a part split off
    by word (:meth:`split`) keeps whole.

    Examples:
        >>> import pandas as pd
        >>> part = pd.DataFrame({"year": ["2019"], "domain": ["维权"], "text": ["法律援助"]})
        >>> whole = TermCounts.of(part, ["year"]).add(TermCounts.of(part, ["year"]))
        >>> whole.table("year")
        {'2019': {'法律援助': 2}}
    """

    def __init__(self, groupings: Sequence[str] = ()) -> None:
        self.groupings = tuple(groupings)
        self.words: dict[str, int] = {}
        self.first = np.empty(0, np.int64)
        self.profiles: dict[tuple[str, ...], int] = {}
        self.sizes = np.empty(0, np.int64)
        self._cells: list[np.ndarray] = []
        self._added = self._summed = 0  # cells added since the last sum, and left by it

    @classmethod
    def of(
        cls, tagged: pd.DataFrame, groupings: Sequence[str], position: int = 0
    ) -> TermCounts:
        """The counts of a table's content rows; ``position`` places its words in a larger
        archive (a chunk's number times 2³², say), for ties between words."""
        import pandas as pd

        from planparse.themes.rows import content_rows, group_values

        counts = cls(groupings)
        rows = content_rows(tagged)
        if not groupings:
            return counts
        words = tokens(rows["text"].tolist())
        item = np.repeat(np.arange(len(words)), [len(w) for w in words])
        word_ids, names = pd.factorize(pd.Series([w for ws in words for w in ws], dtype=object))
        counts.words = dict(zip(names.tolist(), range(len(names))))
        counts.first = position + np.arange(len(names), dtype=np.int64)
        keys = zip(*(_groups(rows, by, group_values) for by in groupings))
        profile = _numbered(counts.profiles, keys, len(rows))[item]
        counts.sizes = np.bincount(profile, minlength=len(counts.profiles))
        counts._cells = [_sum_cells(profile, word_ids, np.ones(len(item), np.int64))]
        return counts

    def add(self, other: TermCounts) -> TermCounts:
        """Add ``other``'s counts to these (in place, and returned)."""
        if other is self:
            raise ValueError("counts cannot be added to themselves")
        if self.groupings != other.groupings and (self.words or self.profiles):
            raise ValueError(f"counts by {other.groupings} cannot be added to {self.groupings}")
        self.groupings = other.groupings
        known = len(self.words)
        word_ids = _numbered(self.words, other.words, len(other.words))
        new = other.first[word_ids >= known]
        if known and len(new) and new.min() <= self.first.max():  # ties need a later place
            raise ValueError("parts must be added in order, each with a larger `position`")
        self.first = np.concatenate([self.first, new])
        profile_ids = _numbered(self.profiles, other.profiles, len(other.profiles))
        self.sizes = np.concatenate(
            [self.sizes, np.zeros(len(self.profiles) - len(self.sizes), np.int64)]
        )
        np.add.at(self.sizes, profile_ids, other.sizes)
        for profile, word, count in other._cells:
            self._cells.append(np.stack([profile_ids[profile], word_ids[word], count]))
            self._added += len(count)
        if self._added > self._summed + (1 << 20):  # memory stays near the distinct cells
            self._summed_cells()
        return self

    def split(self, parts: int) -> list[TermCounts]:
        """These counts split into ``parts`` by a hash of the word (the same word always in
        the same part, in any process); each part keeps every profile and its size."""
        import pandas as pd

        if parts < 1:
            raise ValueError(f"parts must be 1 or more, not {parts}")
        names = np.array(list(self.words), dtype=object)
        part = (pd.util.hash_array(names) % np.uint64(parts)).astype(np.int64)
        by_part = np.argsort(part, kind="stable")  # words stay in order within a part
        word_bounds = np.searchsorted(part[by_part], np.arange(parts + 1))
        # A word's number in its part: its place in the sorted order less its part's start.
        renumber = np.empty(len(names), np.int64)
        renumber[by_part] = np.arange(len(names)) - word_bounds[part[by_part]]
        profile, word, count = self._summed_cells()
        cell_part = part[word]
        cells_by_part = np.argsort(cell_part, kind="stable")
        cell_bounds = np.searchsorted(cell_part[cells_by_part], np.arange(parts + 1))
        out = []
        for n in range(parts):
            kept = by_part[word_bounds[n] : word_bounds[n + 1]]
            cells = cells_by_part[cell_bounds[n] : cell_bounds[n + 1]]
            piece = TermCounts(self.groupings)
            piece.words = dict(zip(names[kept].tolist(), range(len(kept))))
            piece.first, piece.profiles = self.first[kept], dict(self.profiles)
            piece.sizes = self.sizes.copy()
            piece._cells = [
                _narrow(np.stack([profile[cells], renumber[word[cells]], count[cells]]))
            ]
            out.append(piece)
        return out

    def groups(self, by: str) -> dict[str, int]:
        """The groups of one grouping, numbered in order of first appearance."""
        if by not in self.groupings:
            raise KeyError(f"not counted by {by!r}; counted by {self.groupings}")
        at = self.groupings.index(by)
        return {name: n for n, name in enumerate(dict.fromkeys(p[at] for p in self.profiles))}

    def cells(self, by: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(group, word, count)`` arrays of one grouping, one row per group and word that
        occur together, ordered by word and then group."""
        profile, word, count = self._summed_cells()
        summed = _sum_cells(self._group_of_profile(by)[profile], word, count)
        return summed[0], summed[1], summed[2]

    def group_sizes(self, by: str) -> np.ndarray:
        """The number of tokens in each group of one grouping."""
        group = self._group_of_profile(by)
        return np.bincount(group, weights=self.sizes, minlength=len(self.groups(by)))

    def matrix(self, by: str, min_count: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(table, sizes, kept)``: group × word counts of the words seen ``min_count``
        times or more (numbered ``kept``, ascending), and the number of tokens in each group."""
        group, word, count = self.cells(by)
        total = np.bincount(word, weights=count, minlength=len(self.words))
        kept = np.flatnonzero(total >= min_count)
        column = np.full(len(total), -1)
        column[kept] = np.arange(len(kept))
        chosen = column[word] >= 0
        table = np.zeros((len(self.groups(by)), len(kept)))
        table[group[chosen], column[word[chosen]]] = count[chosen]
        return table, self.group_sizes(by), kept

    def names(self, numbers: np.ndarray) -> np.ndarray:
        """The words numbered ``numbers``."""
        return np.array(list(self.words), dtype=object)[numbers]

    def table(self, by: str) -> dict[str, dict[str, int]]:
        """``{group: {word: count}}`` of one grouping (for reading; large for an archive)."""
        groups, words = list(self.groups(by)), list(self.words)
        out: dict[str, dict[str, int]] = {g: {} for g in groups}
        for group, word, count in zip(*(a.tolist() for a in self.cells(by))):
            out[groups[group]][words[word]] = count
        return out

    def _group_of_profile(self, by: str) -> np.ndarray:
        groups, at = self.groups(by), self.groupings.index(by)
        return np.array([groups[p[at]] for p in self.profiles], np.int64)

    def _summed_cells(self) -> np.ndarray:
        """The ``(profile, word, count)`` rows, each pair once."""
        if len(self._cells) != 1:
            joined = np.concatenate(self._cells, axis=1) if self._cells else np.empty((3, 0))
            self._cells = [_sum_cells(*joined.astype(np.int64, copy=False))]
        self._summed, self._added = self._cells[0].shape[1], 0
        return self._cells[0]


def _groups(rows: pd.DataFrame, by: str, group_values) -> list[str]:
    """A grouping's values, ``unknown`` where missing (a column absent: every row)."""
    if by not in rows:
        return ["unknown"] * len(rows)
    return group_values(rows[by]).tolist()


def _sum_cells(group: np.ndarray, word: np.ndarray, count: np.ndarray) -> np.ndarray:
    """``(group, word, count)`` rows summed per group and word, ordered by word then group."""
    width = int(group.max(initial=0)) + 1
    keys, where = np.unique(word.astype(np.int64) * width + group, return_inverse=True)
    summed = np.bincount(where, weights=count, minlength=len(keys)).astype(np.int64)
    return _narrow(np.stack([keys % width, keys // width, summed]))


def _narrow(cells: np.ndarray) -> np.ndarray:
    """32-bit cells when they fit: a chunk's counts are written to disk."""
    return cells.astype(np.int32) if cells.max(initial=0) < 2**31 else cells


def _numbered(into: dict, names: Iterable, count: int) -> np.ndarray:
    """The number of each of ``count`` names in ``into``, numbering new names after the
    known ones."""
    return np.fromiter((into.setdefault(name, len(into)) for name in names), np.int64, count)
