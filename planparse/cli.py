"""The ``planparse`` command line.

Exit codes: 0 all files read, 1 some files failed (their results are still written and the
failures are listed on stderr), 2 a usage error.

Examples:
    >>> main(["parse", "--help"])  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from planparse.schema import FORMATS


def _add_output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o", "--output", metavar="OUT", help="write here (default: standard output)"
    )
    parser.add_argument(
        "--format", choices=FORMATS, help="output format (default: from OUT's suffix, else csv)"
    )


def _command(
    commands: "argparse._SubParsersAction",
    name: str,
    summary: str,
    description: str,
    run: "object",
    archive: bool = False,
) -> argparse.ArgumentParser:
    """A subcommand; ``archive`` ones take PATHs (the sample by default) and write a table."""
    parser = commands.add_parser(name, help=summary, description=description)
    parser.set_defaults(run=run)
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
    tag.add_argument("--threshold", type=float, help="probability for a secondary label")

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
    dupes.add_argument("--unit", default="auto", choices=["auto", "plan", "section", "item"])
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
    dupes.add_argument("--stock", metavar="FILE", help="more stock phrases, one per line")
    dupes.add_argument("--html", metavar="REPORT", help="also write the side-by-side HTML report")

    analyze = _command(
        commands,
        "analyze",
        "the whole job: parse, tag, copy-paste, themes, plots",
        "Analyze an archive: items.parquet (parsed and tagged), pairs.parquet and "
        "clusters.parquet (copy-paste), themes/, plots/, report.html, errors.csv "
        "and manifest.json in OUTDIR. With no PATH, analyzes the bundled sample.",
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
        help="keep the chunks an interrupted run finished (matched by file hash)",
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
    analyze.add_argument("-q", "--quiet", action="store_true", help="no progress bars, no summary")

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


def _parsed(paths: list[str], **options: int) -> "object":
    """The item table of PATHs (the sample by default); failures are reported by the caller,
    one line each, so the batch warning is silenced here."""
    import warnings

    from planparse.batch import parse_files

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return parse_files(_inputs(paths), **options)


def run_parse(args: argparse.Namespace) -> int:
    """``planparse parse``: parse files into the item table."""

    frame = _parsed(args.paths, max_bytes=int(args.max_mb * 2**20))
    _write(frame, args)
    return _report_failures(frame.attrs.get("failures", []))


def run_tag(args: argparse.Namespace) -> int:
    """``planparse tag``: parse and tag files."""

    from planparse.classify.tagging import tag

    frame = _parsed(args.paths)
    failures = frame.attrs.get("failures", [])
    tagged = tag(frame, model=args.model, threshold=args.threshold)
    _write(tagged, args)
    return _report_failures(failures)


def _meta(path: str | None, default: Path | None) -> "object":
    import pandas as pd

    source = Path(path) if path else default
    if source is None or not source.is_file():
        return None
    meta = pd.read_csv(
        source, sep="\t" if source.suffix == ".tsv" else ",", dtype=str, keep_default_na=False
    )
    return meta.rename(columns={"file": "doc_id"}) if "doc_id" not in meta else meta


def run_dupes(args: argparse.Namespace) -> int:
    """``planparse dupes``: copy-paste between plans."""

    from planparse.batch import read_texts
    from planparse.reuse import find_duplicates
    from planparse.reuse.report import render_report

    items = _parsed(args.paths)
    default_meta = None if args.paths else Path(_inputs([])[0]) / "plans.tsv"
    stock = Path(args.stock).read_text("utf-8").splitlines() if args.stock else ()
    texts = read_texts(items)
    pairs = find_duplicates(
        items,
        unit=args.unit,
        threshold=args.threshold,
        texts=texts,
        meta=_meta(args.meta, default_meta),
        stock=stock,
    )
    _write(pairs, args)
    if args.html:
        Path(args.html).write_text(render_report(pairs, texts, stock), encoding="utf-8")
    return _report_failures(items.attrs.get("failures", []))


def run_analyze(args: argparse.Namespace) -> int:
    """``planparse analyze``: the whole job; prints a short summary."""
    import warnings

    from planparse.analyze import analyze

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
        )
    if not args.quiet:
        shares = ", ".join(f"{d} {s:.0%}" for d, s in summary["domain_shares"].items())
        print(
            f"planparse analyze: {summary['files']} files, {summary['plans']} plans, "
            f"{summary['items']} items -> {args.output}/"
        )
        print(f"  domains: {shares}")
        print(
            f"  copy-paste: {summary['reuse_pairs']} pairs in {summary['reuse_families']} families; "
            "largest: "
            + "; ".join(
                f"family {f['cluster']} ({f['plans']} plans, {f['copied_chars']} chars)"
                for f in summary["largest_families"][:3]
            )
        )
        print(
            f"  failures: {summary['failures']} (see {args.output}/errors.csv); "
            f"overview: {args.output}/report.html"
        )
    return 1 if summary["failures"] else 0


def run_train(args: argparse.Namespace) -> int:
    """``planparse train``: fit and save a model with its card."""
    from planparse.classify.train import train_model, train_seeded

    if args.unlabeled:
        return train_seeded(
            args.unlabeled, args.taxonomy, args.output, args.labels, args.propose, args.proposals
        )
    if not args.labels:
        raise ValueError("train needs --labels DIR, or --unlabeled ARCHIVE with a taxonomy")
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

    template = load_model(args.model) if args.model else DomainClassifier()
    results, report = evaluation(args.labels, lambda: clone(template))
    print(report)
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2), "utf-8")
    return 0


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
