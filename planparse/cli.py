"""The ``planparse`` command line.

Exit codes: 0 all files read, 1 some files failed (their results are still written and the
failures are listed on stderr), 2 a usage error.

Example:
    >>> main(["parse", "--help"])  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from planparse.schema import FORMATS


def _add_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", metavar="OUT",
                        help="write here (default: standard output)")
    parser.add_argument("--format", choices=FORMATS,
                        help="output format (default: from OUT's suffix, else csv)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``planparse`` command."""
    from planparse import __version__

    parser = argparse.ArgumentParser(
        prog="planparse",
        description="Parse, tag and compare Chinese work-plan texts.")
    parser.add_argument("--version", action="version", version=f"planparse {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    parse = commands.add_parser(
        "parse", help="parse plan files into the item table",
        description="Parse plan files (.txt in any encoding, .docx, .pdf, .html, or folders) "
                    "into the item table. With no PATH, parses the bundled sample archive.")
    parse.add_argument("paths", nargs="*", metavar="PATH", help="files or folders")
    parse.add_argument("--max-mb", type=float, default=100,
                       help="refuse files larger than this many MiB (default 100)")
    _add_output(parse)
    parse.set_defaults(run=run_parse)
    return parser


def _inputs(paths: list[str]) -> list[str]:
    if paths:
        return paths
    from planparse.sample_data import sample_path

    return [str(sample_path())]


def _write(frame: "object", args: argparse.Namespace) -> None:
    from planparse.schema import format_for, write_table

    fmt = args.format or format_for(args.output)
    if args.output:
        write_table(frame, Path(args.output), fmt)
    elif fmt == "parquet":
        raise SystemExit("planparse: parquet needs -o OUT.parquet")
    else:
        write_table(frame, sys.stdout, fmt)


def _report_failures(failures: list[dict]) -> int:
    for failure in failures:
        print(f"planparse: skipped {failure['message']}", file=sys.stderr)
    return 1 if failures else 0


def run_parse(args: argparse.Namespace) -> int:
    """``planparse parse``: parse files into the item table."""
    import warnings

    from planparse.batch import parse_files

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # failures are reported below, one line each
        frame = parse_files(_inputs(args.paths), max_bytes=int(args.max_mb * 2**20))
    _write(frame, args)
    return _report_failures(frame.attrs.get("failures", []))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (ValueError, FileNotFoundError) as exc:
        print(f"planparse: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `planparse parse | head` is fine
        sys.stderr.close()
        return 0
