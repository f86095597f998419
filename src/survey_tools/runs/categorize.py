"""Batch coding of one survey column: what ``survey-tools categorize`` runs."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from survey_tools.errors import SurveyInputError
from survey_tools.io.atomic import check_writable, refuse_overwriting_input
from survey_tools.io.schema import resolve_column
from survey_tools.runs.result import RunResult, write_result

__all__ = ["CODED_FILES", "run_categorize", "read_examples"]


def read_examples(path, *, codebook, survey, text_column: str):
    """Read hand-coded examples: an id (or text) column and a 0/1 column per code.

    Returns ``(texts, codes)``. Ids are looked up in the survey; a text column with the
    same name as the survey's text column is used as it is. A row whose code cells are
    all blank is not coded yet and is left out; a row of zeros is an answer coded with
    none of the codes (the coder learns that outcome too).
    """
    from survey_tools.io.readers import read_raw

    table = read_raw(path).data.copy()
    codes = [c for c in table.columns if c in codebook.ids]
    if not codes:
        raise SurveyInputError("the examples file has no column named like a code",
                               path=path, hint=f"add 0/1 columns named {codebook.ids}")
    coded = ~table[codes].apply(
        lambda c: c.isna() | (c.astype(str).str.strip() == "")).all(axis=1).to_numpy()
    for code in codes:
        values = pd.to_numeric(table[code].replace("", "0"), errors="coerce")
        bad = values.isna() | ~values.isin([0, 1])
        if bad.any():
            row = int(bad.to_numpy().nonzero()[0][0])
            raise SurveyInputError(f"code columns must hold 0 or 1, found "
                                   f"{table[code].iloc[row]!r}", path=path, row=row + 2,
                                   column=code, hint="write 1 where the code applies, else 0")
        table[code] = values.astype(int)
    if text_column in table.columns:
        texts = table[text_column].astype(str).tolist()
    elif survey.id_column in table.columns:
        lookup = survey.data.set_index(survey.id_column)[text_column]
        ids = table[survey.id_column].astype(str)
        missing = ~ids.isin(lookup.index.astype(str))
        if missing.any():
            row = int(missing.to_numpy().nonzero()[0][0])
            raise SurveyInputError(f"id {ids.iloc[row]!r} is not in the survey", path=path,
                                   row=row + 2, column=survey.id_column,
                                   hint="use ids from the survey file, or add the answer "
                                        f"text in a column named {text_column!r}")
        texts = [str(lookup.loc[i]) for i in ids]
    else:
        raise SurveyInputError(f"the examples file needs a column {survey.id_column!r} (ids "
                               f"in the survey) or {text_column!r} (the answers)", path=path,
                               hint="add one of them")
    keep = np.flatnonzero(coded)
    return [texts[i] for i in keep], table[codes].iloc[keep].reset_index(drop=True)


def run_categorize(path, *, codebook: str | Path, text_column: str, output: str | Path,
                   examples=None, id_column=None, method: str = "auto",
                   embedding: str = "default", formats=("csv",), lang: str = "sv",
                   cache_dir=None, read_options: dict | None = None) -> RunResult:
    """Code `text_column` of the survey at `path` with `codebook`; write ``coded.csv`` etc.

    Writes into `output`: ``coded.csv`` (one row per input row, input order: id, status,
    a 0/1 column per code, ``score_<code>`` columns, ``n_codes``, ``needs_review``),
    ``coded.xlsx`` / ``coded.sav`` when asked for, and ``run.json``. The files are moved
    into place as a set (:func:`~survey_tools.runs.result.write_result`), so an interrupted
    run leaves the previous run's files untouched; a previous run's ``coded.xlsx`` or
    ``coded.sav`` in a format not asked for now is removed, as it would not match.

    Returns
    -------
    RunResult
        Table ``coded``; ``summary`` is ``run.json``.
    """
    from survey_tools.coding.codebook import load_codebook
    from survey_tools.coding.coded_files import write_coded
    from survey_tools.coding.coders import code_answers, make_coder
    from survey_tools.io.survey import read_survey
    from survey_tools.nlp.embeddings import describe_encoder

    book = load_codebook(codebook)
    refuse_overwriting_input(path, [Path(output) / name for name in CODED_FILES],
                             hint="give --output another folder than the input file's")
    check_writable(output, folder=True)
    survey = read_survey(path, id_column=id_column, **(read_options or {}))
    column = resolve_column(survey.data, text_column, path=path)
    coder = make_coder(book, method=method, examples=examples, embedding_model=embedding,
                       cache_dir=cache_dir)
    notes = list(survey.notes)
    if examples is not None and method in ("auto", "supervised"):
        texts, codes = read_examples(examples, codebook=book, survey=survey,
                                     text_column=column)
        coder.fit(texts, codes)
        notes += coder.notes_
    else:
        if examples is not None:
            notes.append(f"--examples is not used by the {method} method")
        # A zero-shot coder is centred on the answers it codes (see ZeroShotCoder.fit).
        coder.fit(_real_answers(survey.data[column]))
    table = code_answers(coder, survey.data[column], ids=survey.data[survey.id_column])
    table = table.rename(columns={"id": survey.id_column})
    formats = list(dict.fromkeys(["csv", *formats]))
    files = {}
    for fmt in formats:
        written = table.rename(columns={survey.id_column: "id"}) if fmt == "sav" else table
        files[f"coded.{fmt}"] = partial(write_coded, written, codebook=book, lang=lang)
    encoder = getattr(coder, "encoder_", None) or getattr(
        getattr(coder, "zero_shot_", None), "encoder_", None)
    described = describe_encoder(encoder) if encoder is not None else {"model": None,
                                                                       "note": None,
                                                                       "precision": None}
    if described["note"]:
        notes.append(described["note"])
    counts = table["status"].value_counts()
    summary = {
        "input": Path(path).name, "text_column": column, "codebook": Path(codebook).name,
        "method": type(coder).__name__, "embedding_model": described["model"],
        "precision": described["precision"], "rows": int(len(table)),
        "status_counts": {k: int(v) for k, v in counts.items()},
        "code_counts": {c: int(table[c].sum()) for c in book.ids},
        "needs_review": int(table["needs_review"].sum()), "notes": notes,
    }
    result = RunResult(tables={"coded": table}, files=files, notes=notes, summary=summary,
                       replaces=CODED_FILES)
    return write_result(result, output)


#: Every file a categorize run can write; a previous run's file in a format not asked for
#: now is removed, as it would not match.
CODED_FILES = ("coded.csv", "coded.xlsx", "coded.sav", "run.json")


def _real_answers(texts: pd.Series) -> list[str]:
    """Return the answers that are coded (not empty, not a non-answer such as "vet ej")."""
    from survey_tools.nlp.answers import ANSWER, answer_kind, as_texts

    texts = as_texts(texts)
    # stripped as code_answers strips them, so each answer is embedded (and cached) once
    return [t.strip() for t in texts[(answer_kind(texts) == ANSWER).to_numpy()]]
