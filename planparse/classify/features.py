"""Features for the domain classifier: character n-grams and jieba words, computed fast.

scikit-learn's char analyzer and jieba's segmenter are the bottleneck of tagging (measured
in ``benchmarks/tag_speed.py``: 0.8 and 0.35 M characters per second on this text).  So:

* character n-grams are hashed with 64-bit multiply-xor hashes over a whole batch at once in
  numpy, and looked up in the vocabulary with one ``searchsorted``;
* the word vocabulary is what a private :class:`jieba.Tokenizer` (with the domain user
  dictionary) finds in the training items; when tagging, each vocabulary word's occurrences
  are counted by exact match, with the same hashing, instead of segmenting every item again.

``tests/test_features.py`` keeps scikit-learn's ``CountVectorizer`` and jieba as the
references: the n-gram counts equal CountVectorizer's exactly, and the word counts cover every
vocabulary word jieba segments.

Examples:
    >>> vec = NgramVectorizer(ngram_range=(1, 2), min_df=1, words=False).fit(["妇女维权", "妇女就业"])
    >>> vec.transform(["妇女"]).nnz
    3
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from importlib.resources import files

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin

from planparse.hashing import CHAR_SEED, MULTIPLIER, WORD_SEED, initial_state, ngram_hashes
from planparse.normalize import fold_width

_CJK = re.compile(r"[\u4e00-\u9fff]")
#: Characters featurized at once: large enough for numpy to pay off, small enough for cache.
CHUNK = 1 << 18
#: Longest dictionary word that is counted (longer user terms are cut from the vocabulary).
MAX_WORD = 8


def _codes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, str]:
    """Code points of all texts joined by NUL, and the document index of every position."""
    joined = "\x00".join(fold_width(t) for t in texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    docs = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)[: len(codes)]
    return codes, docs, joined


class HashTable:
    """Open addressing from 64-bit keys to column numbers, probed for a whole array at once.

    ``searchsorted`` over the sorted vocabulary was the slowest step of tagging; a table
    eight times the vocabulary's size, with key and column side by side in one row, answers
    most keys with one memory access.
    """

    def __init__(self, keys: np.ndarray) -> None:
        size = 1 << max(10, int(len(keys) * 8).bit_length())
        self.mask = np.uint64(size - 1)
        self.table = np.zeros((size, 2), dtype=np.uint64)  # (key, column + 1); 0 is empty
        self.probes = 0
        for col, key in enumerate(keys.tolist()):
            slot, probe = key & (size - 1), 0
            while self.table[slot, 1]:
                slot, probe = (slot + 1) & (size - 1), probe + 1
            self.table[slot] = (key, col + 1)
            self.probes = max(self.probes, probe)

    def lookup(self, hashes: np.ndarray) -> np.ndarray:
        """The column of each hash, or -1."""
        slots = hashes & self.mask
        rows = self.table[slots]
        out = np.where(rows[:, 0] == hashes, rows[:, 1].astype(np.int64) - 1, -1)
        pending = np.flatnonzero((out < 0) & (rows[:, 1] != 0))
        for _ in range(self.probes):
            if not len(pending):
                break
            slots_p = (slots[pending] + np.uint64(1)) & self.mask
            slots[pending] = slots_p
            rows = self.table[slots_p]
            found = rows[:, 0] == hashes[pending]
            out[pending[found]] = rows[found, 1].astype(np.int64) - 1
            pending = pending[~found & (rows[:, 1] != 0)]
        return out


def hash_strings(strings: Iterable[str], seed: int) -> np.ndarray:
    """The same hash as :func:`ngram_hashes`, for whole strings (one per string)."""
    out = []
    for s in strings:
        codes, _, _ = _codes([s])
        hashes, _ = ngram_hashes(codes, len(codes), seed)
        out.append(hashes[0] if len(hashes) else np.uint64(0))
    return np.array(out, dtype=np.uint64)


class JiebaWords:
    """A private jieba tokenizer with the domain user dictionary; picklable.

    Never touches the global ``jieba.dt``.  The tokenizer is built on first use and dropped
    when pickled, so models stay small and load without jieba's dictionary in them.
    """

    def __init__(self, extra_words: Sequence[str] = ()) -> None:
        self.extra_words = tuple(extra_words)
        self._tokenizer = None

    def __getstate__(self) -> dict:
        return {"extra_words": self.extra_words}

    def __setstate__(self, state: dict) -> None:
        self.extra_words = tuple(state["extra_words"])
        self._tokenizer = None

    @staticmethod
    def user_dictionary() -> list[tuple[str, int]]:
        """The shipped domain terms (``planparse/data/userdict.txt``) with their frequencies."""
        lines = files("planparse.data").joinpath("userdict.txt").read_text(encoding="utf-8")
        out = []
        for line in lines.splitlines():
            if line.strip() and not line.startswith("#"):
                word, _, freq = line.strip().partition(" ")
                out.append((word, int(freq or 1000)))
        return out

    @property
    def tokenizer(self):
        if self._tokenizer is None:
            self._tokenizer = _tokenizer(self.extra_words)
        return self._tokenizer

    def words(self, text: str) -> list[str]:
        """jieba's words of ``text`` that hold a Chinese character and two or more characters.

        Examples:
            >>> JiebaWords().words("开展两癌筛查工作")
            ['开展', '两癌筛查', '工作']
        """
        return list(_segmented(self.extra_words, text))


@lru_cache(maxsize=4)
def _tokenizer(extra_words: tuple[str, ...]):
    """One jieba tokenizer per word list per process: loading jieba's dictionary takes
    seconds, and cross-validation builds a model per fold."""
    import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for word, freq in JiebaWords.user_dictionary():
        tokenizer.add_word(word, freq)
    for word in extra_words:
        tokenizer.add_word(word, 1000)
    tokenizer.check_initialized()
    return tokenizer


@lru_cache(maxsize=1 << 16)
def _segmented(extra_words: tuple[str, ...], text: str) -> tuple[str, ...]:
    """The words of one text, remembered: every fold of a cross-validation segments the same
    items again."""
    return tuple(
        w for w in _tokenizer(extra_words).lcut(fold_width(text)) if len(w) >= 2 and _CJK.search(w)
    )


class NgramVectorizer(TransformerMixin, BaseEstimator):
    """TF-IDF over character n-grams and jieba-vocabulary words, fast enough for archives.

    Parameters are only stored here (scikit-learn convention); ``fit`` learns the vocabulary
    (n-grams and words that occur in at least ``min_df`` training items) and idf weights.
    ``feature_names_`` holds a readable name per column: ``c:妇女`` or ``w:两癌筛查``.
    """

    def __init__(
        self,
        ngram_range: tuple[int, int] = (1, 3),
        words: bool = True,
        min_df: int = 2,
        sublinear_tf: bool = True,
        extra_words: Sequence[str] = (),
    ) -> None:
        self.ngram_range = ngram_range
        self.words = words
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.extra_words = extra_words

    # -- vocabulary --------------------------------------------------------------------
    def _char_sizes(self) -> range:
        low, high = self.ngram_range
        return range(low, high + 1)

    def fit(self, texts: Sequence[str], y: object = None) -> NgramVectorizer:
        texts = list(texts)
        codes, docs, joined = _codes(texts)
        keys, names = [], []
        for n in self._char_sizes():
            hashes, starts = ngram_hashes(codes, n, seed=CHAR_SEED)
            kept, first = self._frequent(hashes, docs[starts])
            keys.append(kept)
            names += ["c:" + joined[p : p + n] for p in starts[first]]
        if self.words:
            vocab = self._word_vocabulary(texts)
            keys.append(hash_strings(vocab, seed=WORD_SEED))
            names += ["w:" + w for w in vocab]
        all_keys = np.concatenate(keys) if keys else np.empty(0, np.uint64)
        order = np.argsort(all_keys, kind="stable")
        self.keys_ = all_keys[order]
        names = [names[i] for i in order.tolist()]
        # One string, not an array of 50,000: a model file then loads in a fraction of the time.
        self.feature_text_ = "\x1f".join(names)
        self.word_sizes_ = sorted({len(n) - 2 for n in names if n.startswith("w:")})
        counts = self._counts(texts)
        df = np.bincount(counts.indices, minlength=len(self.keys_))
        self.idf_ = np.log((1 + len(texts)) / (1 + df)) + 1.0
        return self

    def _frequent(self, hashes: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Hashes found in at least ``min_df`` documents, and the first position of each."""
        pairs = np.unique(np.stack([hashes, docs.astype(np.uint64)], axis=1), axis=0)
        unique, df = np.unique(pairs[:, 0], return_counts=True)
        kept = unique[df >= self.min_df]
        order = np.argsort(hashes, kind="stable")
        return kept, order[np.searchsorted(hashes[order], kept)]

    def _word_vocabulary(self, texts: Sequence[str]) -> list[str]:
        segmenter = JiebaWords(self.extra_words)
        df: dict[str, int] = {}
        for text in texts:
            for word in set(segmenter.words(text)):
                df[word] = df.get(word, 0) + 1
        vocab = {w for w, n in df.items() if n >= self.min_df}
        vocab.update(w for w, _ in JiebaWords.user_dictionary())
        vocab.update(self.extra_words)
        # Counted by exact match, a word no longer than the longest character n-gram would
        # only repeat that n-gram's column.
        shortest = self.ngram_range[1] + 1 if self.ngram_range[0] <= 2 else 2
        return sorted(w for w in vocab if shortest <= len(w) <= MAX_WORD)

    # -- transform -----------------------------------------------------------------------
    def _counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Raw counts, computed in chunks of about ``CHUNK`` characters (bounded memory)."""
        if getattr(self, "_table", None) is None:
            self._table = HashTable(self.keys_)
        blocks, start, size = [], 0, 0
        for end, text in enumerate(texts, 1):
            size += len(text) + 1
            if size >= CHUNK or end == len(texts):
                blocks.append(self._chunk_counts(texts[start:end]))
                start, size = end, 0
        if not blocks:
            return sp.csr_matrix((0, len(self.keys_)))
        return sp.vstack(blocks, format="csr")

    def _chunk_counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        codes, docs, _ = _codes(texts)
        rows, cols = [], []
        for hashes in self._all_hashes(codes):
            where = self._table.lookup(hashes)
            hit = np.flatnonzero(where >= 0)
            rows.append(docs[hit])
            cols.append(where[hit])
        row, col = np.concatenate(rows), np.concatenate(cols)
        counts = sp.csr_matrix(
            (np.ones(len(row), dtype=np.float32), (row, col)),
            shape=(len(texts), len(self.keys_)),
            dtype=np.float64,
        )
        counts.sum_duplicates()
        return counts

    def _all_hashes(self, codes: np.ndarray) -> Iterator[np.ndarray]:
        """Hashes of the n-grams that start at every position, grown one character at a time.

        A window that crosses the NUL between two texts hashes to a key that is in no
        vocabulary, so no window has to be filtered out first.
        """
        low, high = self.ngram_range
        for seed, sizes in ((CHAR_SEED, range(low, high + 1)), (WORD_SEED, self.word_sizes_)):
            if not len(sizes):
                continue
            hashes = np.full(len(codes), initial_state(seed), dtype=np.uint64)
            for n in range(1, max(sizes) + 1):
                hashes = (hashes[: len(codes) - n + 1] ^ codes[n - 1 :]) * MULTIPLIER
                if n in sizes:
                    yield hashes

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("_table", None)  # both rebuilt on first use; no need to store them
        state.pop("_names", None)
        return state

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Sublinear TF-IDF rows, L2-normalised (like ``TfidfVectorizer``)."""
        counts = self._counts(list(texts))
        if self.sublinear_tf:
            np.log(counts.data, out=counts.data)
            counts.data += 1
        counts = counts @ sp.diags(self.idf_)
        norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
        norms[norms == 0] = 1
        return sp.csr_matrix(sp.diags(1 / norms) @ counts)

    @property
    def feature_names_(self) -> list[str]:
        """A readable name per column: ``c:妇女`` for an n-gram, ``w:两癌筛查`` for a word."""
        names = getattr(self, "_names", None)
        if names is None:
            names = self._names = self.feature_text_.split("\x1f")
        return names

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return np.array(self.feature_names_, dtype=object)


#: Ends of a line that closes a sentence, and of one that introduces what follows.
_SENTENCE_END = tuple("。；！？!?;")
_INTRO_END = tuple("：:")


#: In what the classifier reads (``context_texts``): before the parent heading, and before
#: the children's text a short heading borrows.  Item texts never hold them (``plain``).
PARENT = "｜"
BORROWED = "⟫"
#: A line shorter than this is also read alone by the content gate (:func:`own_lines`).
LINE_ALONE = 30


def own_lines(texts: Sequence[str]) -> list[str]:
    """The line itself of each text the classifier reads, without its parent heading (after
    "｜") and without the children's text a short heading borrows (after "⟫"), for the
    lines shorter than ``LINE_ALONE``; "" for longer ones.  The content gate reads these
    alone: "关于群团工作" is a bare heading whatever its children say.

    Examples:
        >>> own_lines(["关于群团工作⟫今年要建好妇女之家｜二", "开展普法宣传，维护妇女权益" * 3])
        ['关于群团工作', '']
    """
    lines = (text.partition(PARENT)[0].partition(BORROWED)[0] for text in texts)
    return [line if len(line) < LINE_ALONE else "" for line in lines]


def layout_features(texts: Sequence[str]) -> sp.csr_matrix:
    """What a line looks like, apart from its words, for the content gate: a greeting, a date,
    a signature or a bare heading is short, ends without a full stop and holds digits or
    Latin letters more often than a work item does.

    Each text is read up to its first "｜" (what follows is the parent heading, see
    :func:`planparse.classify.tagging.context_texts`).  Columns: log length (scaled), shares
    of Chinese characters, digits and Latin letters, ends with a full stop, ends with a colon,
    ends with neither, shorter than 10, shorter than 20 characters, borrows its children's
    text, has a parent heading.

    Examples:
        >>> layout_features(["2023年1月5日", "开展法律援助，维护妇女权益。｜维权"]).shape
        (2, 11)
    """
    if not texts:
        return sp.csr_matrix((0, 11))
    owns, bars = zip(*((own, bool(bar)) for own, bar, _ in (t.partition(PARENT) for t in texts)))
    lengths = np.array([len(own) for own in owns], dtype=float)
    shares = [counts / np.maximum(lengths, 1) for counts in _character_counts(owns)]
    lasts = [own.rstrip()[-1:] or " " for own in owns]
    full_stop = np.array([last in _SENTENCE_END for last in lasts], dtype=float)
    colon = np.array([last in _INTRO_END for last in lasts], dtype=float)
    columns = [
        np.log1p(lengths) / 6,
        *shares,
        full_stop,
        colon,
        1 - full_stop - colon,
        lengths < 10,
        lengths < 20,
        [BORROWED in own for own in owns],
        bars,
    ]
    return sp.csr_matrix(np.column_stack([np.asarray(c, dtype=float) for c in columns]))


def plain(text: str) -> str:
    """An item's text with the two joining marks of ``context_texts`` made ordinary
    characters, so that a "｜" typed in a plan does not start a parent heading.

    Examples:
        >>> plain("妇女｜儿童⟫工作")
        '妇女|儿童>工作'
    """
    return text.replace(PARENT, "|").replace(BORROWED, ">")


def _character_counts(texts: Sequence[str]) -> list[np.ndarray]:
    """How many Chinese characters, digits and Latin letters each text holds, counted over
    the code points of all texts at once (a regex per text was a third of the gate's time)."""
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
    bounds = np.cumsum([0, *map(len, texts)])

    def per_text(mask: np.ndarray) -> np.ndarray:
        running = np.concatenate([[0], np.cumsum(mask)])
        return (running[bounds[1:]] - running[bounds[:-1]]).astype(float)

    def between(low: str, high: str) -> np.ndarray:
        return (codes >= ord(low)) & (codes <= ord(high))

    return [
        per_text(between("\u4e00", "\u9fff")),
        per_text(between("0", "9") | between("０", "９")),
        per_text(between("A", "Z") | between("a", "z") | between("Ａ", "Ｚ") | between("ａ", "ｚ")),
    ]


def word_columns(names: Sequence[str], extra_words: Sequence[str] = ()) -> np.ndarray:
    """Which features are words a reader recognises: every jieba-vocabulary word (``w:``)
    and every character n-gram of two or more characters that jieba's dictionary, the domain
    user dictionary or the taxonomy's seed terms list as a word (``c:失业`` yes, ``c:业登``
    no).  Reasons cite only these, so they read "失业登记 +0.21", not "业 +0.05".

    Examples:
        >>> word_columns(["c:业", "c:失业", "c:业登", "w:失业登记"]).tolist()
        [False, True, False, True]
    """
    known = _tokenizer(tuple(extra_words)).FREQ
    return np.array(
        [name.startswith("w:") or (len(name) > 3 and known.get(name[2:], 0) > 0) for name in names],
        dtype=bool,
    )
