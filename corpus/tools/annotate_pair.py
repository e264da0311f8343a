"""Viewing and bookkeeping helper for a hand-built change gold (corpus/gold/changes/).

It proposes nothing on its own: it prints the two plans' items with their offsets, lists
for each B item the A items sharing the most character 4-grams (to FIND candidates that a
person then reads), and turns a hand-made list of matches into the gold's rows with the
mechanical kinds of FORMAT.md (moved / kept / rewritten; merged / split by multiplicity).

    python corpus/tools/annotate_pair.py items FILE [--width N]
    python corpus/tools/annotate_pair.py candidates FILE_A FILE_B [--top 3]
    python corpus/tools/annotate_pair.py rows MATCHES PAIR FILE_A FILE_B >> out.tsv

MATCHES is a text file with one hand-decided match per line, ``a_start b_start`` (lines
starting with ``#`` are comments). Every other item becomes ``dropped`` / ``added``.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

from planparse.diff.align import _items
from planparse.diff.evaluate import plan_rows
from planparse.diff.keys import folded_text
from planparse.reuse.evaluate import sha16

HEADER = ("pair", "a_doc", "b_doc", "a_start", "b_start", "change")


def compared_items(path: str | Path) -> pd.DataFrame:
    """The items of a file that a change gold covers: the ones ``planparse.diff`` compares
    (kinds item, inline, para of plan 1 and later, in outline order).

    >>> compared_items("no/such/file")  # doctest: +SKIP
    """
    return _items(plan_rows(Path(path)))


def doc_name(path: str | Path) -> str:
    """``folder/<first 16 hex of SHA-256>``, the gold's name for a real document."""
    return f"{Path(path).parent.name}/{sha16(path)}"


def folded(text: str) -> str:
    """Text as FORMAT.md compares it for ``kept``: planparse.diff's own fold (width folded,
    years and placeholders masked, white space and punctuation removed), so the gold's kinds
    and the method's are decided alike.

    >>> folded("２０１４年，抓好 落实。") == folded("2015年抓好落实")
    True
    """
    return folded_text(text)


def grams(text: str, size: int = 4) -> set[str]:
    """Character n-grams of the folded text."""
    text = folded(text)
    return {text[i : i + size] for i in range(max(len(text) - size + 1, 1))}


def print_items(path: str, width: int) -> None:
    """Print every compared item: start, kind, id, parent, length and (cut) text."""
    for row in compared_items(path).itertuples():
        text = row.text.replace("\n", " ")
        cut = text if width <= 0 else text[:width]
        print(
            f"{row.start:>6} {row.kind:<6} {row.item_id:<12} {row.parent_id:<10} "
            f"{len(text):>5} {cut}"
        )


def print_candidates(path_a: str, path_b: str, top: int) -> None:
    """For each B item, the A items with the largest share of B's 4-grams found in them."""
    items_a, items_b = compared_items(path_a), compared_items(path_b)
    grams_a = [grams(t) for t in items_a["text"]]
    for row in items_b.itertuples():
        mine = grams(row.text)
        shares = Counter({i: len(mine & g) / len(mine) for i, g in enumerate(grams_a)})
        best = ", ".join(
            f"{items_a['start'][i]}:{share:.2f}/{len(mine & grams_a[i]) / len(grams_a[i]):.2f}"
            for i, share in shares.most_common(top)
        )
        print(f"{row.start:>6} {len(row.text):>5}  {best}")


def read_matches(path: str) -> list[tuple[int, int]]:
    """The hand-decided ``(a_start, b_start)`` pairs of a matches file."""
    pairs = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            a_start, b_start = line.split()[:2]
            pairs.append((int(a_start), int(b_start)))
    return sorted(set(pairs))


def order_kept(pairs: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The longest order-preserving subset of the matches; ties keep the earliest in A.

    >>> sorted(order_kept([(1, 30), (2, 10), (3, 20)]))
    [(2, 10), (3, 20)]
    >>> sorted(order_kept([(1, 20), (2, 10)]))
    [(1, 20)]
    """
    pairs = sorted(pairs)
    longest = [1] * len(pairs)  # longest chain starting at each pair
    for i in range(len(pairs) - 1, -1, -1):
        for j in range(i + 1, len(pairs)):
            if follows(pairs[i], pairs[j]):
                longest[i] = max(longest[i], longest[j] + 1)
    chosen: list[tuple[int, int]] = []
    need = max(longest, default=0)
    for i, pair in enumerate(pairs):
        if longest[i] == need and (not chosen or follows(chosen[-1], pair)):
            chosen.append(pair)
            need -= 1
    return set(chosen)


def follows(first: tuple[int, int], second: tuple[int, int]) -> bool:
    """Whether ``second`` can come after ``first`` in an order-preserving chain."""
    return first[0] <= second[0] and first[1] <= second[1] and first != second


def one_to_one_kind(pair, items_a, items_b, pairs, in_order) -> str:
    """moved / kept / rewritten for a one-to-one match, as FORMAT.md decides them."""
    row_a, row_b = items_a.loc[pair[0]], items_b.loc[pair[1]]
    parent_a = start_of(items_a, row_a["parent_id"])
    parent_b = start_of(items_b, row_b["parent_id"])
    matched_a = {a for a, _ in pairs}
    matched_b = {b for _, b in pairs}
    if parent_a in matched_a and parent_b in matched_b and (parent_a, parent_b) not in pairs:
        return "moved"
    if pair not in in_order:
        return "moved"
    return "kept" if folded(row_a["text"]) == folded(row_b["text"]) else "rewritten"


def start_of(items: pd.DataFrame, item_id: str) -> int | None:
    """The start offset of the compared item with this id, if it is one."""
    hits = items.index[items["item_id"] == item_id]
    return int(hits[0]) if len(hits) else None


def gold_rows(pairs, items_a, items_b) -> list[tuple[int | str, int | str, str]]:
    """Every item of both sides as ``(a_start, b_start, change)``, in B then A order."""
    items_a = items_a.set_index("start", drop=False)
    items_b = items_b.set_index("start", drop=False)
    unknown = [p for p in pairs if p[0] not in items_a.index or p[1] not in items_b.index]
    if unknown:
        raise SystemExit(f"not an item start: {unknown}")
    per_a = Counter(a for a, _ in pairs)
    per_b = Counter(b for _, b in pairs)
    in_order = order_kept(pairs)
    rows = []
    for pair in pairs:
        if per_b[pair[1]] > 1:
            kind = "merged"
        elif per_a[pair[0]] > 1:
            kind = "split"
        else:
            kind = one_to_one_kind(pair, items_a, items_b, set(pairs), in_order)
        rows.append((pair[0], pair[1], kind))
    rows += [(a, "", "dropped") for a in items_a.index if a not in per_a]
    rows += [("", b, "added") for b in items_b.index if b not in per_b]
    return sorted(rows, key=lambda r: (r[1] == "", r[1] or 0, r[0] or 0))


def print_rows(matches: str, pair: str, path_a: str, path_b: str, header: bool) -> None:
    """Print the gold rows of one pair (tab-separated, FORMAT.md's columns)."""
    rows = gold_rows(read_matches(matches), compared_items(path_a), compared_items(path_b))
    if header:
        print("\t".join(HEADER))
    for a_start, b_start, change in rows:
        print(
            "\t".join(
                map(str, (pair, doc_name(path_a), doc_name(path_b), a_start, b_start, change))
            )
        )
    counts = Counter(change for *_, change in rows)
    print(f"{pair}: {len(rows)} rows {dict(sorted(counts.items()))}", file=sys.stderr)


def annotated_matches(path: str, pair: str) -> set[tuple[int, int]]:
    """The ``(a_start, b_start)`` matches of one pair in an annotation TSV."""
    table = pd.read_csv(path, sep="\t", dtype={"a_start": "Int64", "b_start": "Int64"})
    rows = table[(table["pair"] == pair) & table["a_start"].notna() & table["b_start"].notna()]
    return {(int(a), int(b)) for a, b in zip(rows["a_start"], rows["b_start"])}


def print_disagreements(
    first: str, second: str, pair: str, path_a: str, path_b: str, agreed: str | None
) -> None:
    """Each match that only one of two annotations makes, with both items' texts; the
    matches both make go to ``agreed`` (a matches file), the start of an adjudication."""
    one, two = annotated_matches(first, pair), annotated_matches(second, pair)
    texts_a = compared_items(path_a).set_index("start")["text"]
    texts_b = compared_items(path_b).set_index("start")["text"]
    if agreed:
        Path(agreed).write_text("".join(f"{a} {b}\n" for a, b in sorted(one & two)), "utf-8")
    print(f"{pair}: both {len(one & two)}, only first {len(one - two)}, only second {len(two - one)}")
    for match in sorted(one ^ two):
        who = "first" if match in one else "second"
        print(f"\n== {match[0]} {match[1]}  only {who}")
        print(f"A: {texts_a[match[0]]}\nB: {texts_b[match[1]]}")


def main(argv: list[str] | None = None) -> None:
    """Command line: items, candidates, rows, disagreements."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    items = commands.add_parser("items")
    items.add_argument("file")
    items.add_argument("--width", type=int, default=0)
    candidates = commands.add_parser("candidates")
    candidates.add_argument("file_a")
    candidates.add_argument("file_b")
    candidates.add_argument("--top", type=int, default=3)
    rows = commands.add_parser("rows")
    for name in ("matches", "pair", "file_a", "file_b"):
        rows.add_argument(name)
    rows.add_argument("--header", action="store_true")
    disagreements = commands.add_parser("disagreements")
    for name in ("first", "second", "pair", "file_a", "file_b"):
        disagreements.add_argument(name)
    disagreements.add_argument("--agreed", metavar="MATCHES", help="write the shared matches")
    args = parser.parse_args(argv)
    if args.command == "items":
        print_items(args.file, args.width)
    elif args.command == "candidates":
        print_candidates(args.file_a, args.file_b, args.top)
    elif args.command == "disagreements":
        print_disagreements(
            args.first, args.second, args.pair, args.file_a, args.file_b, args.agreed
        )
    else:
        print_rows(args.matches, args.pair, args.file_a, args.file_b, args.header)


if __name__ == "__main__":
    main()
