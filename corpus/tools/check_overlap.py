"""Report text that also stands in the real corpus (../shared/corpus).

The real texts are read at run time and never copied into the repository.  This
script finds any 20-character window (at least 16 of them CJK, whitespace
removed) of the given files that also occurs in the real corpus.

    python corpus/tools/check_overlap.py corpus/tools/bank/*.tsv
"""

from __future__ import annotations

import functools
import pathlib
import re
import sys
from collections.abc import Sequence

WINDOW = 20
CJK = re.compile(r"[\u4e00-\u9fff]")
SPACE = re.compile(r"\s+")
SHARED = pathlib.Path(__file__).resolve().parents[3] / "shared" / "corpus"


def decode(raw: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return ""


def shared_windows(root: pathlib.Path = SHARED) -> set[int]:
    """Hashes of every 20-character window of the real corpus (64-bit, so no false hits in practice)."""
    seen: set[int] = set()
    for path in sorted(root.rglob("*.txt")):
        text = SPACE.sub("", decode(path.read_bytes()))
        seen.update(hash(text[i : i + WINDOW]) for i in range(len(text) - WINDOW + 1))
    return seen


@functools.lru_cache(maxsize=1)
def stock_phrases() -> tuple[str, ...]:
    """The project's listed stock phrases (套话, ``planparse/data/taohua.txt``), whitespace removed.

    Stock phrases are shared by every plan by design, real ones included, so a window that lies
    wholly inside one of them is not a copy.  Nothing else is exempt.
    """
    from planparse.reuse.detect import stock_phrases as shipped

    return tuple(SPACE.sub("", phrase) for phrase in shipped())


def overlaps(text: str, seen: set[int], exempt: Sequence[str] | None = None) -> list[str]:
    """Windows of ``text`` that occur in the real corpus, except windows inside a stock phrase.

    ``exempt`` defaults to the project's listed stock phrases; pass ``[]`` to exempt nothing.
    """
    exempt = stock_phrases() if exempt is None else exempt
    flat = SPACE.sub("", text)
    hits = []
    for i in range(len(flat) - WINDOW + 1):
        window = flat[i : i + WINDOW]
        if len(CJK.findall(window)) < 16 or hash(window) not in seen:
            continue
        if not any(window in phrase for phrase in exempt):
            hits.append(window)
    return hits


def main(argv: list[str]) -> int:
    if not SHARED.is_dir():
        print(f"no real corpus at {SHARED}; nothing to check")
        return 0
    seen = shared_windows()
    bad = 0
    for name in argv:
        text = decode(pathlib.Path(name).read_bytes())
        for line_no, line in enumerate(text.splitlines(), 1):
            for window in overlaps(line, seen):
                print(f"{name}:{line_no}: {window}")
                bad += 1
    print(f"{bad} overlapping windows")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
