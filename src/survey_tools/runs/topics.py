"""Batch topic modelling of one survey column: what ``survey-tools topics`` runs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from survey_tools.io.atomic import check_writable, refuse_overwriting_input
from survey_tools.io.schema import resolve_column
from survey_tools.runs.result import RunResult, write_result

__all__ = ["TOPIC_FILES", "run_topics", "topic_result", "assignments_for_export",
           "topics_summary", "rounded_percent"]


def assignments_for_export(assignments: pd.DataFrame, *, id_name: str = "id",
                           groups: pd.Series | None = None,
                           group_name: str | None = None) -> pd.DataFrame:
    """Return the per-answer table with the id column named as in the input."""
    out = assignments.rename(columns={"id": id_name})
    if groups is not None:
        out.insert(1, group_name or "group", groups.to_numpy())
    return out


#: Every file a topics run can write (a previous run's file not written now is removed).
TOPIC_FILES = ("assignments.csv", "topics.csv", "topic_shares.csv", "run.json")


def run_topics(path, *, text_column: str, output: str | Path, id_column: str | None = None,
               group_column: str | None = None, language: str = "auto",
               embedding: str = "default", seed: int = 42, n_topics="auto",
               reduce_outliers: bool = False, edits=None, cache_dir=None, progress=None,
               fit_size: int = 50_000, label_language: str | None = None,
               read_options: dict | None = None) -> RunResult:
    """Model the topics of `text_column` in the survey at `path` and write the results.

    Writes into `output`: ``assignments.csv`` (one row per input row, input order:
    id, [group,] status, topic, label, score, language), ``topics.csv`` (topic, label,
    size, share, top_words, quote_1..3), ``topic_shares.csv`` with `group_column`
    (share of each topic per group with 95 % Wilson intervals) and ``run.json`` (the
    settings and what was decided). The files are moved into place as a set
    (:func:`~survey_tools.runs.result.write_result`); free-text cells are made safe against
    spreadsheet formula injection. Above `fit_size` rows the model is fitted on a random
    sample of that size (seeded) and every row is assigned in batches
    (``TopicModel(fit_size=...)``).

    Returns
    -------
    RunResult
        Tables ``assignments``, ``topics`` [, ``topic_shares``]; ``summary`` is ``run.json``.
    """
    from survey_tools.io.survey import read_survey
    from survey_tools.topics.model import TopicModel

    refuse_overwriting_input(path, [Path(output) / name for name in TOPIC_FILES],
                             hint="give --output another folder than the input file's")
    check_writable(output, folder=True)
    survey = read_survey(path, id_column=id_column, **(read_options or {}))
    data = survey.data
    column = resolve_column(data, text_column, path=path)
    group = resolve_column(data, group_column, path=path) if group_column else None
    model = TopicModel(embedding_model=embedding, n_topics=n_topics, language=language,
                       seed=seed, reduce_outliers=reduce_outliers, edits=edits,
                       label_language=label_language, cache_dir=cache_dir, progress=progress,
                       fit_size=fit_size)
    model.fit(data[column], ids=data[survey.id_column].to_numpy())
    groups = data[group] if group else None
    assignments = assignments_for_export(model.assignments_, id_name=survey.id_column,
                                         groups=groups, group_name=group)
    result = topic_result(
        model, assignments, groups=groups,
        summary=dict(path=path, text_column=column, id_column=survey.id_column,
                     group_column=group, rows=len(data), fit_size=fit_size),
        notes=list(survey.notes))
    return write_result(result, output)


def topic_result(model, assigned: pd.DataFrame, *, groups: pd.Series | None, summary: dict,
                 notes: list, notes_after=(), written=None) -> RunResult:
    """Build a topics run's result from a fitted `model` and every row's assignment (both engines).

    Parameters
    ----------
    model : TopicModel
        Fitted.
    assigned : DataFrame
        One row per input row, in input order: ``status, topic, label`` (and the columns
        of ``assignments.csv`` when `written` is None: this table is that file).
        The topic sizes and shares are counted over it
        (:func:`~survey_tools.topics.large.count_topics`).
    groups : Series, optional
        The group of every row: ``topic_shares.csv`` gives each topic's share per group.
    summary : dict
        The run's facts for :func:`topics_summary` (path, columns, rows, fit size...).
    notes, notes_after : list of str
        What was decided while reading, and after the fit.
    written : list of Path, optional
        The parts of ``assignments.csv`` already written, in order (the Dask engine's
        workers write them; :class:`~survey_tools.runs.result.RunResult`).
    """
    from survey_tools.stats.topic_tables import topic_share_table, topics_for_export
    from survey_tools.topics.large import count_topics, outlier_share

    counted = count_topics(model.topics_, assigned)
    share = outlier_share(assigned["status"])
    tables, files = {}, {}
    if groups is not None:
        tables["topic_shares"] = topic_share_table(assigned, groups=groups).round(2)
        files["topic_shares.csv"] = "topic_shares"
    tables["topics"] = topics_for_export(counted, model.n_quotes)
    files["topics.csv"] = "topics"
    if written is None:
        tables["assignments"] = assigned
        files["assignments.csv"] = "assignments"
    else:
        files["assignments.csv"] = written
    run = topics_summary(model, status=assigned["status"], outlier_share=share, notes=notes,
                         notes_after=notes_after, **summary)
    return RunResult(tables=tables, files=dict(sorted(files.items())), notes=run["notes"],
                     summary=run, replaces=TOPIC_FILES)


def rounded_percent(value: float) -> float | None:
    """Round a percentage for run.json; None (JSON null) when there is none (no answers)."""
    return None if pd.isna(value) else round(float(value), 2)


def topics_summary(model, *, path, text_column, id_column, group_column, rows, status,
                   outlier_share, fit_size, notes, notes_after=(), engine=None,
                   partitions=None) -> dict:
    """Return what ``run.json`` holds for a topics run, on either engine.

    Parameters
    ----------
    model : TopicModel
        Fitted.
    status : Series
        The status of every row (counted).
    outlier_share : float
        The share of answers that are outliers, in percent
        (:func:`~survey_tools.topics.large.outlier_share`).
    fit_size : int
        The run's ``--fit-size``; the other settings are the model's parameters.
    notes : list of str
        What was decided while reading; the model's notes follow, then `notes_after`
        (what the run decided after the fit).
    engine, partitions : optional
        ``"dask"`` and the number of partitions for the Dask engine.
    """
    from survey_tools.nlp.embeddings import describe_encoder

    described = describe_encoder(model.encoder_)
    summary = {"input": Path(path).name}  # not the folder: it may name a person
    if engine is not None:
        summary["engine"] = engine
    summary.update({"text_column": text_column, "id_column": id_column,
                    "group_column": group_column, "rows": int(rows)})
    if partitions is not None:
        summary["partitions"] = int(partitions)
    summary.update({
        "status_counts": {k: int(v) for k, v in status.value_counts().items()},
        "n_topics": int(model.n_topics_),
        "outlier_share_percent": rounded_percent(outlier_share),
        "embedding_model": described["model"],
        "precision": described["precision"],
        "label_language": model.label_language_,
        "settings": {"language": model.language, "embedding": str(model.embedding_model),
                     "seed": model.seed, "n_topics": model.n_topics,
                     "reduce_outliers": model.reduce_outliers, "fit_size": fit_size},
        "notes": [*notes, *model.notes_, *notes_after],
    })
    return summary
