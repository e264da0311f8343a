"""The ``planparse`` command line.

Exit codes: 0 all files read; 1 some files failed (the others' results are complete and the
failures are listed on stderr); 2 a usage error (bad arguments, model or metadata), found
before any per-file work; 3 the run itself failed, with a one-line reason (the traceback
with ``--debug``).

Examples:
    >>> main(["parse", "--help"])  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from planparse.io.errors import UsageError
from planparse.schema import FORMATS


def _add_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o", "--output", metavar="OUT", help="write here (default: standard output)"
    )
    parser.add_argument(
        "--format", choices=FORMATS, help="output format (default: from OUT's suffix, else csv)"
    )


def _command(
    commands: argparse._SubParsersAction,
    name: str,
    summary: str,
    description: str,
    run: object,
    archive: bool = False,
) -> argparse.ArgumentParser:
    """A subcommand; ``archive`` ones take PATHs (the sample by default) and write a table."""
    parser = commands.add_parser(name, help=summary, description=description)
    parser.set_defaults(run=run)
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback when the run fails"
    )
    if archive:
        parser.add_argument(
            "paths",
            nargs="*",
            metavar="PATH",
            help="files or folders (default: the bundled sample archive)",
        )
        _add_output(parser)
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``planparse`` command."""
    from planparse import __version__

    parser = argparse.ArgumentParser(
        prog="planparse", description="Parse, tag and compare Chinese work-plan texts."
    )
    parser.add_argument("--version", action="version", version=f"planparse {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    parse = _command(
        commands,
        "parse",
        "parse plan files into the item table",
        "Parse plan files (.txt in any encoding, .docx, .pdf, .html, or folders) "
        "into the item table.",
        run_parse,
        archive=True,
    )
    parse.add_argument(
        "--max-mb",
        type=float,
        default=100,
        help="refuse files larger than this many MiB (default 100)",
    )

    tag = _command(
        commands,
        "tag",
        "parse and tag plan files by domain",
        "Parse plan files and tag every item by domain: adds domain, domains, "
        "p_<label> and reason to the item table.",
        run_tag,
        archive=True,
    )
    tag.add_argument("--model", metavar="M", help="a .skops model (default: the shipped one)")
    tag.add_argument(
        "--threshold",
        type=float,
        help="probability from which a label joins domains (default: the model's, 0.5 shipped)",
    )

    dupes = _command(
        commands,
        "dupes",
        "find copy-paste between plans",
        "Find sections reused between plans (exactly or with light edits), at the "
        "largest unit copied, with offsets into each file. Stock phrases (套话) "
        "are discounted.",
        run_dupes,
        archive=True,
    )
    dupes.add_argument(
        "--unit",
        default="auto",
        choices=["auto", "plan", "section", "item"],
        help="cut passages at this level's boundaries (default auto: a passage may span "
        "items and sections of one plan and is named by the smallest unit holding it)",
    )
    dupes.add_argument(
        "--threshold",
        type=float,
        default=0.4,
        help="similarity or containment to report (default 0.4)",
    )
    dupes.add_argument(
        "--meta",
        metavar="TSV",
        help="plan metadata with doc_id (or file), "
        "plan_no and year, to date plans (default for the sample: plans.tsv)",
    )
    _add_min_run(dupes)
    dupes.add_argument("--stock", metavar="FILE", help="more stock phrases, one per line")
    dupes.add_argument("--html", metavar="REPORT", help="also write the side-by-side HTML report")

    diff = _command(
        commands,
        "diff",
        "what changed between two plans, item by item",
        "Align two plans along their outlines and say which items were kept, rewritten, "
        "moved, merged, split, dropped or added. A and B are files; FILE#N names the N-th "
        "plan of a compilation (default: the first).",
        run_diff,
    )
    diff.add_argument("plan_a", metavar="A", help="the earlier plan: FILE or FILE#N")
    diff.add_argument("plan_b", metavar="B", help="the later plan: FILE or FILE#N")
    _add_output(diff)
    diff.add_argument("--html", metavar="REPORT", help="also write the side-by-side HTML view")
    diff.add_argument("--no-tag", action="store_true", help="leave out the domains of both sides")

    analyze = _command(
        commands,
        "analyze",
        "the whole job: parse, tag, copy-paste, themes, plots",
        "Analyze an archive: items.parquet (parsed and tagged), pairs.parquet and "
        "clusters.parquet (copy-paste), copy_paste.html, metadata.csv, changes.parquet "
        "(when an issuer has plans of several years: each against its previous one), themes/, "
        "plots/, report.html, "
        "errors.csv, warnings.csv and manifest.json in OUTDIR. With no PATH, analyzes the "
        "bundled sample.",
        run_analyze,
    )
    analyze.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders (default: the bundled sample archive)",
    )
    analyze.add_argument(
        "-o",
        "--output",
        default="planparse-out",
        metavar="OUTDIR",
        help="output folder (default: planparse-out)",
    )
    analyze.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="processes for the per-file work; the output is the same for any N",
    )
    analyze.add_argument(
        "--resume",
        action="store_true",
        help="keep the chunks an interrupted run finished (matched by file hash, model and "
        "planparse version)",
    )
    analyze.add_argument(
        "--keep-work",
        action="store_true",
        help="keep OUTDIR/chunks (the per-file results --resume reuses) after a run that ends well",
    )
    analyze.add_argument("--model", metavar="M", help="a .skops model (default: the shipped one)")
    analyze.add_argument(
        "--meta",
        metavar="TSV",
        help="plan metadata (doc_id or file, plan_no, "
        "year, issuer_type …); default: PATH/plans.tsv when there is one",
    )
    analyze.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run on a Dask cluster "
        "(tcp://HOST:PORT): per-file work and the copy-paste candidate search",
    )
    _add_min_run(analyze)
    analyze.add_argument("-q", "--quiet", action="store_true", help="no progress bars, no summary")
    analyze.add_argument(
        "--count-copies",
        action="store_true",
        help="count text copied between plans every time in the themes (default: once)",
    )
    analyze.add_argument(
        "--font",
        metavar="FONT",
        help="font for the plots' Chinese labels: a file or a family (default: found)",
    )

    train = _command(
        commands,
        "train",
        "train a domain model on a labels folder",
        "Train a DomainClassifier on every labeled item of DIR and write it with "
        "skops, plus a JSON model card (OUT.json) with versions, data hash and "
        "evaluation figures.",
        run_train,
    )
    train.add_argument(
        "--labels", metavar="DIR", help="labels folder (needed unless --unlabeled is given)"
    )
    train.add_argument("--taxonomy", metavar="T", help="taxonomy TOML (default: the shipped one)")
    train.add_argument("-o", "--output", required=True, metavar="OUT", help="model file (.skops)")
    train.add_argument("--no-eval", action="store_true", help="skip the evaluation in the card")
    train.add_argument(
        "--unlabeled",
        nargs="+",
        metavar="ARCHIVE",
        help="learn from the taxonomy's seed terms and this unlabeled archive (files or "
        "folders); --labels, when given, adds your labels",
    )
    train.add_argument(
        "--propose",
        type=int,
        default=0,
        metavar="N",
        help="with --unlabeled: also write the N items most worth labeling next",
    )
    train.add_argument(
        "--proposals",
        default="to_label.tsv",
        metavar="TSV",
        help="where --propose writes them (fill in the labels column, put the file in a "
        "labels folder, train again with --labels); default to_label.tsv",
    )

    evaluate = _command(
        commands,
        "evaluate",
        "grouped cross-validation, cross-source splits, baseline and ceiling",
        "Evaluate the classifier on a labels folder: grouped 5-fold CV per "
        "source and overall, cross-source splits, each beside the lexicon "
        "baseline and the annotator-agreement ceiling. --model M evaluates M's "
        "settings (retrained in every fold).",
        run_evaluate,
    )
    evaluate.add_argument("--labels", required=True, metavar="DIR", help="labels folder")
    evaluate.add_argument("--model", metavar="M", help="a .skops model whose settings to use")
    evaluate.add_argument("--json", metavar="OUT", help="also write the figures as JSON")
    return parser


def _inputs(paths: list[str]) -> list[str]:
    if paths:
        _say_empty_folders(paths)
        return paths
    from planparse.sample_data import sample_path

    return [str(sample_path())]


def _say_empty_folders(paths: list[str]) -> None:
    """One line on stderr for each folder given that holds no file planparse reads: a
    wrong folder would otherwise give an empty table and exit code 0 without a word."""
    from planparse.io.read import iter_files

    for path in paths:
        if Path(path).is_dir() and next(iter_files([path]), None) is None:
            print(
                f"planparse: {path} holds no .txt, .docx, .pdf or .html file; nothing read",
                file=sys.stderr,
            )


def _write(frame: object, args: argparse.Namespace) -> None:
    from planparse.io.write import atomic_write
    from planparse.schema import format_for, write_table

    fmt = args.format or format_for(args.output)
    if args.output:
        atomic_write(Path(args.output), lambda path: write_table(frame, path, fmt))
    elif fmt == "parquet":
        raise SystemExit("planparse: parquet needs -o OUT.parquet")
    else:
        write_table(frame, sys.stdout, fmt)


def _report_failures(failures: list[dict], quiet: bool = False, notes: list | None = None) -> int:
    """List the files that failed, and those read with a warning, on stderr (unless
    ``quiet``); the exit code: 1 if any failed."""
    _report_warnings(notes or [], quiet)
    for failure in [] if quiet else failures:
        print(f"planparse: skipped {_one_line(failure['message'])}", file=sys.stderr)
    return 1 if failures else 0


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _parsed(paths: list[str], **options: int) -> object:
    """The item table of PATHs (the sample by default); failures are reported by the caller,
    one line each, so the batch warning is silenced here."""
    import warnings

    from planparse.parse.files import parse_files

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return parse_files(_inputs(paths), **options)


def run_parse(args: argparse.Namespace) -> int:
    """``planparse parse``: parse files into the item table."""
    if args.max_mb <= 0:
        raise UsageError(f"--max-mb must be positive, not {args.max_mb}")
    frame = _parsed(args.paths, max_bytes=int(args.max_mb * 2**20))
    _write(frame, args)
    return _report_failures(frame.attrs.get("failures", []), notes=frame.attrs.get("warnings"))


def run_tag(args: argparse.Namespace) -> int:
    """``planparse tag``: parse and tag files."""

    from planparse.classify.persist import load_model
    from planparse.classify.tagging import tag

    model = load_model(args.model)  # a bad model is a usage error, before any file is read
    if args.threshold is not None and not 0 <= args.threshold <= 1:
        raise UsageError(f"--threshold must be between 0 and 1, not {args.threshold}")
    frame = _parsed(args.paths)
    failures, notes = frame.attrs.get("failures", []), frame.attrs.get("warnings")
    tagged = tag(frame, model=model, threshold=args.threshold)
    _write(tagged, args)
    return _report_failures(failures, notes=notes)


def _meta(path: str | None, default: Path | None) -> object:
    source = Path(path) if path else default
    if path and not source.is_file():
        raise UsageError(f"{source}: no such metadata file")
    if source is None or not source.is_file():
        return None
    from planparse.pipeline.usage import metadata_table

    return metadata_table(source, [])


def run_dupes(args: argparse.Namespace) -> int:
    """``planparse dupes``: copy-paste between plans."""

    from planparse.io.read import read_texts
    from planparse.io.write import write_text
    from planparse.reuse import find_duplicates
    from planparse.reuse.report import render_report

    default_meta = None if args.paths else Path(_inputs([])[0]) / "plans.tsv"
    meta = _meta(args.meta, default_meta)
    stock = _stock(args.stock)
    items = _parsed(args.paths)
    texts = read_texts(_inputs(args.paths))
    pairs = find_duplicates(
        items,
        unit=args.unit,
        threshold=args.threshold,
        texts=texts,
        meta=meta,
        stock=stock,
        min_run=args.min_run,
    )
    _write(pairs, args)
    if args.html:
        write_text(Path(args.html), render_report(pairs, texts, stock))
    return _report_failures(items.attrs.get("failures", []), notes=items.attrs.get("warnings"))


def _add_min_run(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--min-run",
        type=_min_run,
        metavar="N",
        help="copy-paste: every run of N shared letters and digits is checked (default 50; "
        "25 also finds copies with one change in every 50 characters, at more time)",
    )


def _min_run(value: str) -> int:
    """``--min-run``, checked by the search's own settings."""
    from planparse.pipeline.usage import check_min_run

    try:
        return check_min_run(int(value))
    except (UsageError, ValueError) as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _stock(path: str | None) -> list[str]:
    if not path:
        return []
    try:
        return Path(path).read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the stock phrases ({exc})") from None


def _one_plan(spec: str) -> object:
    """The item rows of ``FILE`` or ``FILE#N`` (the N-th plan of the file)."""
    from planparse.io.errors import ReadError
    from planparse.parse.files import parse_file

    path, _, number = (
        spec.rpartition("#") if "#" in spec and not Path(spec).exists() else (spec, "", "")
    )
    try:
        table = parse_file(path).to_frame()
    except (ReadError, OSError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    if number and not number.isdigit():
        raise UsageError(f"{spec}: the plan after # must be a number")
    plans = table.loc[table["plan_no"] > 0, "plan_no"]  # plan 0 is the file's front matter
    plan_no = int(number) if number else int(plans.min()) if len(plans) else 1
    rows = table[table["plan_no"] == plan_no]
    if rows.empty:
        raise UsageError(f"{path} has no plan {plan_no}")
    return rows


def run_diff(args: argparse.Namespace) -> int:
    """``planparse diff``: item-by-item changes from plan A to plan B."""
    from planparse.diff import compare, render_changes, summarize

    plan_a, plan_b = _one_plan(args.plan_a), _one_plan(args.plan_b)
    if not args.no_tag:
        from planparse.classify.tagging import tag

        plan_a, plan_b = tag(plan_a), tag(plan_b)
    rows = compare(plan_a, plan_b)
    if args.html:
        from planparse.io.write import write_text

        write_text(Path(args.html), render_changes(rows, args.plan_a, args.plan_b))
    _write(rows, args)
    summary = summarize(rows)
    print(
        "planparse diff: "
        + ", ".join(f"{k} {v}" for k, v in summary.items() if k != "carried_over")
        + f"; {summary['carried_over']:.0%} of B carried over from A",
        file=sys.stderr,
    )
    return 0


def run_analyze(args: argparse.Namespace) -> int:
    """``planparse analyze``: the whole job; prints a short summary and lists the files
    that failed (and the warnings) on stderr, unless ``-q``."""
    import warnings

    from planparse.pipeline import analyze

    _check_font(args.font)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        summary = analyze(
            _inputs(args.paths),
            args.output,
            jobs=args.jobs,
            resume=args.resume,
            model=args.model,
            meta=args.meta,
            quiet=args.quiet,
            engine="dask" if args.dask else "local",
            scheduler=args.dask,
            copies_once=not args.count_copies,
            keep_work=args.keep_work,
            min_run=args.min_run,
        )
    failures = _rows(Path(args.output) / "errors.csv")
    notes = _rows(Path(args.output) / "warnings.csv")
    if not args.quiet:
        print("\n".join(summary_lines(summary, args.output)))
    return _report_failures(failures, args.quiet, notes)


def summary_lines(summary: dict, output: str) -> list[str]:
    """The lines ``planparse analyze`` prints at the end of a run, from its summary.

    Lines that would say nothing (no domains, no copied text, no pairs) are left out.

    Examples:
        >>> summary = {"files": 1, "plans": 1, "items": 8, "domain_shares": {"就业": 1.0},
        ...            "reuse_pairs": 0, "reuse_families": 0, "failures": 0}
        >>> print("\\n".join(summary_lines(summary, "out")))
        planparse analyze: 1 file, 1 plan, 8 items -> out/
          domains: 就业 100%
          copy-paste: no pairs
          failures: 0 (see out/errors.csv); overview: out/report.html
    """
    from planparse.report import counted, taxonomy_warning

    counts = ", ".join(
        counted(summary[key], word) for key, word in (("files", "file"), ("plans", "plan"))
    )
    lines = [f"planparse analyze: {counts}, {counted(summary['items'], 'item')} -> {output}/"]
    shares = ", ".join(f"{d} {s:.0%}" for d, s in summary["domain_shares"].items())
    lines += [f"  domains: {shares}"] if shares else []
    warning = taxonomy_warning(summary["domain_shares"])
    lines += [f"  note: {warning}"] if warning else []
    if summary.get("copies_counted_once") and summary.get("copied_items_left_out"):
        left_out = counted(summary["copied_items_left_out"], "copied item")
        lines.append(
            f"  themes count copied text once: {left_out} left out "
            "(--count-copies counts them every time)"
        )
    lines += _metadata_line(summary.get("metadata", {}), output)
    lines.append(_copy_paste_line(summary))
    lines.append(
        f"  failures: {summary['failures']} (see {output}/errors.csv); "
        f"overview: {output}/report.html"
    )
    return lines


def _metadata_line(named: dict, output: str) -> list[str]:
    if not named.get("plans"):
        return []
    found = ", ".join(f"{f} {n}/{named['plans']}" for f, n in named.items() if f != "plans")
    return [
        f"  metadata: {found} plans named (inferred unless plans.tsv; see {output}/metadata.csv)"
    ]


def _copy_paste_line(summary: dict) -> str:
    from planparse.report import counted

    if not summary["reuse_pairs"]:
        return "  copy-paste: no pairs"
    largest = "; ".join(
        f"family {f['cluster']} ({counted(f['plans'], 'plan')}, {f['copied_chars']} chars)"
        for f in summary.get("largest_families", [])[:3]
    )
    pairs = counted(summary["reuse_pairs"], "pair")
    families = counted(summary["reuse_families"], "family", "families")
    return f"  copy-paste: {pairs} in {families}" + (f"; largest: {largest}" if largest else "")


def _rows(path: Path) -> list[dict]:
    import pandas as pd

    return pd.read_csv(path, dtype=str, keep_default_na=False).to_dict("records")


def _report_warnings(notes: list[dict], quiet: bool) -> None:
    for note in [] if quiet else notes:
        print(f"planparse: warning: {note['path']}: {_one_line(note['message'])}", file=sys.stderr)


def _need(path: str, what: str, folder: bool = False) -> None:
    """A usage error unless ``path`` is an existing file (or folder)."""
    if not (Path(path).is_dir() if folder else Path(path).is_file()):
        raise UsageError(f"{path}: no such {what}")


def _need_labels(folder: str) -> None:
    """A usage error unless ``folder`` holds a label file (.tsv or .csv), before any work."""
    _need(folder, "labels folder", folder=True)
    if not any(Path(folder).glob("*.[tc]sv")):
        raise UsageError(f"{folder} holds no .tsv or .csv label file (see docs/tagging.md)")


def _check_font(font: str | None) -> None:
    """One line on stderr when the plots would draw boxes (warnings are silenced later);
    a named font reaches the plotting processes through ``PLANPARSE_FONT``."""
    import os

    from planparse import plot

    if font:
        os.environ["PLANPARSE_FONT"] = font
    if not plot.has_cjk_font():
        print(f"planparse: {plot.FONT_FIX}", file=sys.stderr)


def run_train(args: argparse.Namespace) -> int:
    """``planparse train``: fit and save a model with its card."""
    from planparse.classify.train import train_model, train_seeded

    if args.taxonomy:
        _need(args.taxonomy, "taxonomy")
    if args.unlabeled:
        return train_seeded(
            args.unlabeled, args.taxonomy, args.output, args.labels, args.propose, args.proposals
        )
    if not args.labels:
        raise UsageError("train needs --labels DIR, or --unlabeled ARCHIVE with a taxonomy")
    _need_labels(args.labels)
    _, card = train_model(args.labels, args.taxonomy, args.output, evaluate=not args.no_eval)
    print(
        f"wrote {args.output} ({card['training_items']} items, labels "
        f"{', '.join(card['labels'])}) and {args.output}.json"
    )
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    """``planparse evaluate``: print the evaluation report."""
    import json

    from sklearn.base import clone

    from planparse.classify.estimator import DomainClassifier
    from planparse.classify.persist import load_model
    from planparse.classify.train import evaluation

    _need_labels(args.labels)
    template = load_model(args.model) if args.model else DomainClassifier()
    results, report = evaluation(args.labels, lambda: clone(template))
    print(report)
    if args.json:
        from planparse.io.write import write_text

        write_text(Path(args.json), json.dumps(results, ensure_ascii=False, indent=2))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (see the module's docstring)."""
    from planparse.classify.persist import ModelFileError
    from planparse.io.read import DocIdCollisionError

    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (UsageError, ModelFileError, DocIdCollisionError) as exc:
        print(f"planparse: {_one_line(exc)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `planparse parse | head` is fine
        sys.stderr.close()
        return 0
    except Exception as exc:
        if args.debug:
            raise
        reason = _one_line(f"{type(exc).__name__}: {exc}")
        print(f"planparse: the run failed: {reason} (--debug shows where)", file=sys.stderr)
        return 3
