"""Viewing and bookkeeping helper for a hand-built change gold (corpus/gold/changes/).

It proposes nothing on its own: it prints the two plans' items with their offsets, lists
for each B item the A items sharing the most character 4-grams (to FIND candidates that a
person then reads), and turns a hand-made list of matches into the gold's rows with the
mechanical kinds of FORMAT.md (moved / kept / rewritten; merged / split by multiplicity).

    python corpus/tools/annotate_pair.py items FILE [--width N]
    python corpus/tools/annotate_pair.py candidates FILE_A FILE_B [--top 3]
    python corpus/tools/annotate_pair.py rows MATCHES PAIR FILE_A FILE_B >> out.tsv
    python corpus/tools/annotate_pair.py rekind GOLD.tsv [...]

MATCHES is a text file with one hand-decided match per line, ``a_start b_start`` (lines
starting with ``#`` are comments). Every other item becomes ``dropped`` / ``added``.
``rekind`` re-derives the kinds of finished gold files from their matches, in place, after
the kind rule changed.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

from planparse.diff.align import _items, _parent_index, link_kinds
from planparse.diff.evaluate import load_gold, plan_rows
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


def gold_rows(pairs, items_a, items_b) -> list[tuple[int | str, int | str, str]]:
    """Every item of both sides as ``(a_start, b_start, change)``, in B then A order; the
    kinds of the matches are planparse.diff's own (:func:`planparse.diff.align.link_kinds`),
    so the gold's kinds and the method's are decided by one implementation of FORMAT.md.

    >>> import planparse
    >>> a = _items(planparse.parse("一、家风\\n（一）评选最美家庭\\n二、就业\\n", doc_id="a").to_frame())
    >>> b = _items(planparse.parse("一、就业\\n二、家风\\n（一）评选最美家庭\\n", doc_id="b").to_frame())
    >>> sa, sb = list(a["start"]), list(b["start"])
    >>> [kind for *_, kind in gold_rows([(sa[0], sb[1]), (sa[1], sb[2]), (sa[2], sb[0])], a, b)]
    ['moved', 'kept', 'kept']
    """
    position_a = {start: k for k, start in enumerate(items_a["start"])}
    position_b = {start: k for k, start in enumerate(items_b["start"])}
    unknown = [p for p in pairs if p[0] not in position_a or p[1] not in position_b]
    if unknown:
        raise SystemExit(f"not an item start: {unknown}")
    links = {(position_a[a], position_b[b]): (a, b) for a, b in pairs}
    kinds = link_kinds(
        links,
        _parent_index(items_a.to_dict("records")),
        _parent_index(items_b.to_dict("records")),
        list(items_a["text"]),
        list(items_b["text"]),
    )
    rows = [(*links[link], kind) for link, kind in kinds.items()]
    matched_a, matched_b = {a for a, _ in pairs}, {b for _, b in pairs}
    rows += [(a, "", "dropped") for a in items_a["start"] if a not in matched_a]
    rows += [("", b, "added") for b in items_b["start"] if b not in matched_b]
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


def rekind(path: str | Path) -> Counter:
    """Re-derive the kinds of a gold TSV from its matches, in place: the matches, the rows
    and their order stay, only ``change`` follows the current rule (:func:`gold_rows`).
    Returns how many rows went from which kind to which; pairs whose documents are absent
    are left as they are (and named on stderr).

    >>> rekind("corpus/gold/changes/national.tsv")  # doctest: +SKIP
    Counter()
    """
    kinds: dict[tuple[str, str, str], str] = {}
    pairs = load_gold(path)
    for pair in pairs:
        matches = annotated_matches(path, pair.pair)
        rows = gold_rows(matches, compared_items(pair.a_path), compared_items(pair.b_path))
        kinds.update({(pair.pair, str(a), str(b)): kind for a, b, kind in rows})
    resolved = {pair.pair for pair in pairs}
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    changed: Counter = Counter()
    for n, line in enumerate(lines[1:], start=1):
        fields = line.split("\t")
        if fields[0] not in resolved:
            continue
        kind = kinds.pop((fields[0], fields[3], fields[4]))  # a KeyError: not the same items
        changed.update([(fields[5], kind)] if kind != fields[5] else [])
        lines[n] = "\t".join([*fields[:5], kind])
    if kinds:
        raise SystemExit(f"{path}: items without a row: {sorted(kinds)[:5]}")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
    for absent in sorted({line.split("\t")[0] for line in lines[1:]} - resolved):
        print(f"{path}: {absent} left as it was (its documents are absent)", file=sys.stderr)
    return changed


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
    print(
        f"{pair}: both {len(one & two)}, only first {len(one - two)}, only second {len(two - one)}"
    )
    for match in sorted(one ^ two):
        who = "first" if match in one else "second"
        print(f"\n== {match[0]} {match[1]}  only {who}")
        print(f"A: {texts_a[match[0]]}\nB: {texts_b[match[1]]}")


def main(argv: list[str] | None = None) -> None:
    """Command line: items, candidates, rows, disagreements, rekind."""
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
    rekinds = commands.add_parser("rekind", help="re-derive a gold TSV's kinds, in place")
    rekinds.add_argument("gold", nargs="+")
    args = parser.parse_args(argv)
    if args.command == "items":
        print_items(args.file, args.width)
    elif args.command == "candidates":
        print_candidates(args.file_a, args.file_b, args.top)
    elif args.command == "disagreements":
        print_disagreements(
            args.first, args.second, args.pair, args.file_a, args.file_b, args.agreed
        )
    elif args.command == "rekind":
        for path in args.gold:
            changed = rekind(path)
            print(f"{path}: {sum(changed.values())} kinds changed {dict(sorted(changed.items()))}")
    else:
        print_rows(args.matches, args.pair, args.file_a, args.file_b, args.header)


if __name__ == "__main__":
    main()
