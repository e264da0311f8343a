"""A table of contents without a 目录 line: the headings listed once, then the text itself.

Document-sharing sites print a document's headings as a preview (一、… 1.1… 10.4…, one short
line each) and then the document, often glued to the last heading of the list
("3.2长效机制一、总体思路1.1工作目标 今年…"). Read as an outline, every heading counts
twice. The list is a table of contents when its first two entries come back, in order, after
it: the list becomes debris, and where the text was glued on, it is cut at each heading the
list announced.

Examples:
    >>> from planparse.parse.lines import split_lines
    >>> text = "一、背景\\n1.1政策\\n1.2需求\\n二、目标\\n2.1总体\\n2.2具体一、背景1.1政策 近年来，…"
    >>> lines = split_repeated_contents(text, split_lines(text))
    >>> [(line.kind, line.text) for line in lines][-3:]
    [('debris', '2.2具体'), ('content', '一、背景'), ('content', '1.1政策 近年来，…')]
"""

from __future__ import annotations

from planparse.parse.lines import Line, cut_line, ends_sentence

#: A list this long (in entries) may be a table of contents; shorter lists are left alone.
MIN_ENTRIES = 5
#: An entry of a table of contents is a short line.
ENTRY_LENGTH = 40


def _is_entry(line: Line) -> bool:
    return (
        line.kind == "content"
        and line.marker is not None
        and len(line.text) <= ENTRY_LENGTH
        and len(line.text) > line.marker.length + 1
        and not ends_sentence(line.text)
    )


def _runs(lines: list[Line]) -> list[list[int]]:
    """Indexes of each run of entry lines (blank lines between them allowed)."""
    runs: list[list[int]] = []
    current: list[int] = []
    for i, line in enumerate(lines):
        if line.kind == "blank":
            continue
        if _is_entry(line):
            current.append(i)
            continue
        if len(current) >= MIN_ENTRIES:
            runs.append(current)
        current = []
    if len(current) >= MIN_ENTRIES:
        runs.append(current)
    return runs


def _next_nonblank(lines: list[Line], i: int) -> int | None:
    for j in range(i + 1, len(lines)):
        if lines[j].kind != "blank":
            return j
    return None


def _glued_cuts(text: str, line: Line, entries: list[str]) -> list[int]:
    """Offsets in ``text`` where the list's headings start inside ``line``, in order."""
    at = line.text.find(entries[0], 1)
    if at < 0 or not line.text.startswith(entries[1], at + len(entries[0])):
        return []
    cuts = []
    for entry in entries:
        if not line.text.startswith(entry, at):
            break
        cuts.append(line.body + at)
        at += len(entry)
    return cuts


def _to_debris(line: Line) -> None:
    line.kind, line.reason, line.marker = "debris", "table of contents", None


def _repeat_inside(entries: list[str]) -> int:
    """How many entries precede the first two coming back on lines of their own, or 0."""
    for k in range(MIN_ENTRIES, len(entries) - 1):
        if entries[k : k + 2] == entries[:2]:
            return k
    return 0


def split_repeated_contents(text: str, lines: list[Line]) -> list[Line]:
    """Mark a repeated list of headings as a table of contents and cut the text glued to it."""
    for run in reversed(_runs(lines)):
        entries = [lines[i].text for i in run]
        repeat = _repeat_inside(entries)
        if repeat:
            for i in run[:repeat]:
                _to_debris(lines[i])
            continue
        after = _next_nonblank(lines, run[-1])
        cuts = _glued_cuts(text, lines[after], entries) if after is not None else []
        if not cuts:
            continue  # nothing repeats the list: it is the outline itself
        for i in run:
            _to_debris(lines[i])
        first, *rest = cut_line(text, lines[after], cuts)
        _to_debris(first)
        for part in rest:
            part.virtual = False  # each heading opens its own item
        lines = lines[:after] + [first, *rest] + lines[after + 1 :]
    return lines
