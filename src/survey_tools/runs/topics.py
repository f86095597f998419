"""Batch topic modelling of one survey column: what ``survey-tools topics`` runs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from survey_tools.errors import SurveyInputError
from survey_tools.files import refuse_overwriting_input
from survey_tools.runs.result import RunResult, write_files, write_result
from survey_tools.schema import resolve_column

__all__ = ["TOPIC_FILES", "run_topics", "run_topics_partitioned", "assignments_for_export",
           "topics_for_export", "topics_summary", "rounded_percent"]


def topics_for_export(topics: pd.DataFrame, n_quotes: int = 3) -> pd.DataFrame:
    """Flatten :attr:`TopicModel.topics_` for CSV: one ``quote_k`` column per quote."""
    out = topics.drop(columns="quotes").copy()
    out["share"] = out["share"].round(2)
    for k in range(n_quotes):
        out[f"quote_{k + 1}"] = [q[k] if k < len(q) else "" for q in topics["quotes"]]
    return out


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
    from survey_tools.survey import read_survey
    from survey_tools.text import as_texts

    refuse_overwriting_input(path, [Path(output) / name for name in TOPIC_FILES],
                             hint="give --output another folder than the input file's")
    survey = read_survey(path, id_column=id_column, **(read_options or {}))
    data = survey.data
    column = resolve_column(data, text_column, path=path)
    group = resolve_column(data, group_column, path=path) if group_column else None
    model = _model(embedding=embedding, n_topics=n_topics, language=language, seed=seed,
                   reduce_outliers=reduce_outliers, edits=edits, label_language=label_language,
                   cache_dir=cache_dir, progress=progress, fit_size=fit_size)
    model.fit(as_texts(data[column]), ids=data[survey.id_column].to_numpy())
    groups = data[group] if group else None
    assignments = assignments_for_export(model.assignments_, id_name=survey.id_column,
                                         groups=groups, group_name=group)
    result = _topic_result(
        model, assignments=assignments, groups=groups,
        summary=dict(path=path, text_column=column, id_column=survey.id_column,
                     group_column=group, rows=len(data), fit_size=fit_size),
        notes=list(survey.notes))
    return write_result(result, output)


def run_topics_partitioned(path, *, text_column: str, output, id_column: str | None = None,
                           group_column: str | None = None, embedding: str = "fast",
                           seed: int = 42, n_topics="auto", language: str = "auto",
                           reduce_outliers: bool = False, edits=None, fit_size: int = 50_000,
                           label_language: str | None = None, blocksize="64MB",
                           read_options=None, progress=None, cache_dir=None) -> RunResult:
    """``survey-tools topics --engine dask``: fit on a sample, assign all partitions.

    Uses the active Dask scheduler (the CLI starts a ``LocalCluster``). The sample is the
    same rows as in the single-machine path (:func:`~survey_tools.topics.large.sample_rows`),
    so both give the same files. ``assignments.csv`` is written partition by partition
    into the staging folder, in input order, and the topic sizes are recounted over all
    rows from it; then every file moves into place as in :func:`run_topics`. The embedding
    cache is not used in the assignment pass.

    Returns
    -------
    RunResult
        Tables ``topics`` [, ``topic_shares``] (the assignments stay on disk);
        ``summary`` is ``run.json``.
    """
    from survey_tools.export import safe_cell, safe_table
    from survey_tools.files import file_set
    from survey_tools.partitioned import (
        assign_topics,
        check_ids,
        partition_lengths,
        read_partitioned,
        take_rows,
        write_dask_csv,
    )
    from survey_tools.schema import guess_id_column, row_ids
    from survey_tools.text import as_texts
    from survey_tools.topics.large import count_topics, sample_rows

    read_options = read_options or {}
    if read_options.get("sheet") is not None:
        raise SurveyInputError("--sheet is for Excel files, and --engine dask reads CSV and "
                               "Parquet", path=path,
                               hint="leave out --sheet, or use the default engine")
    refuse_overwriting_input(path, [Path(output) / name for name in TOPIC_FILES],
                             hint="give --output another folder than the input file's")
    notes: list[str] = []
    frame = read_partitioned(path, blocksize=blocksize, encoding=read_options.get("encoding"),
                             delimiter=read_options.get("delimiter"), notes=notes)
    head = frame._meta
    text_column = resolve_column(head, text_column, path=path)
    group_column = resolve_column(head, group_column, path=path) if group_column else None
    id_column = (resolve_column(head, id_column, path=path, what="id column") if id_column
                 else guess_id_column(head))
    frame = frame[[c for c in dict.fromkeys((id_column, group_column, text_column)) if c]]
    lengths = partition_lengths(frame)
    n = int(lengths.sum())
    if id_column:
        check_ids(frame, id_column, n, path)
    else:
        notes.append("no id column found: ids 'row_id' were made from the row order "
                     f"({row_ids(0, 1, n)[0]} is the first data row)")
    rows = sample_rows(n, fit_size, seed)
    sample = take_rows(frame, rows, lengths=lengths)
    model = _model(embedding=embedding, n_topics=n_topics, language=language, seed=seed,
                   reduce_outliers=reduce_outliers, edits=edits, label_language=label_language,
                   cache_dir=cache_dir, progress=progress, fit_size=None)
    ids = sample[id_column].to_numpy() if id_column else row_ids(0, n, n)[rows]
    model.fit(as_texts(sample[text_column]), ids=ids)
    id_name = id_column or "row_id"
    summary = dict(path=path, text_column=text_column, id_column=id_name,
                   group_column=group_column, rows=n, fit_size=fit_size, engine="dask",
                   partitions=len(lengths))
    with file_set(output, replaces=TOPIC_FILES) as stage:
        if n <= fit_size:
            # Every row was in the fit: keep the fit's assignments, as run_topics does.
            groups = sample[group_column] if group_column else None
            assignments = assignments_for_export(model.assignments_, id_name=id_name,
                                                 groups=groups, group_name=group_column)
            result = _topic_result(model, assignments=assignments, groups=groups,
                                   summary=summary, notes=notes, groups_from_file=True,
                                   dictionary=read_options.get("dictionary"))
        else:
            assigned = assign_topics(frame, model, text_column=text_column,
                                     id_column=id_column, group_column=group_column,
                                     lengths=lengths)
            assigned = assigned.rename(columns={"id": id_name}).map_partitions(safe_table)
            write_dask_csv(assigned, stage / "assignments.csv")
            header = safe_cell(group_column) if group_column else None  # as written
            narrow = pd.read_csv(
                stage / "assignments.csv",
                usecols=[c for c in (header, "status", "topic", "label") if c],
                dtype={"status": str, "topic": "Int64", "label": object,
                       **({header: object} if header else {})},
                keep_default_na=False, na_values={"topic": [""]})
            narrow = narrow.rename(columns={header: group_column}) if header else narrow
            narrow["label"] = narrow["label"].replace("", None)
            notes_after = [f"fitted on {len(rows):,} of {n:,} rows (seed {seed}); every row "
                           f"assigned with Dask in {len(lengths)} partitions"]
            result = _topic_result(model, assignments=stage / "assignments.csv",
                                   groups=narrow[group_column] if group_column else None,
                                   summary=summary, notes=notes, notes_after=notes_after,
                                   assigned=narrow, topics=count_topics(model.topics_, narrow),
                                   groups_from_file=True,
                                   dictionary=read_options.get("dictionary"))
        write_files(result, stage)
    return result


def _model(**params):
    from survey_tools.topics.model import TopicModel

    return TopicModel(embedding_model=params.pop("embedding"), **params)


def _topic_result(model, *, assignments, groups, summary: dict, notes: list,
                  notes_after=(), assigned=None, topics=None, groups_from_file=False,
                  dictionary=None) -> RunResult:
    """Build the topics run's result from a fitted `model` (both engines).

    `assignments` is the table for ``assignments.csv`` or the Path where the Dask engine
    wrote it; `assigned` (``[group,] status, topic, label`` per row, counted for the shares
    and the status counts) defaults to the model's own assignments, and `topics` (the topic
    table counted over them) to the model's. With
    `groups_from_file` the group values are text as read back from a CSV: they are ordered
    as the readers order an answer column (most frequent first, or by the data
    `dictionary`).
    """
    from survey_tools.topic_tables import topic_share_table

    assigned = model.assignments_ if assigned is None else assigned
    topics = model.topics_ if topics is None else topics
    notes = list(notes)
    tables = {"topics": topics_for_export(topics, model.n_quotes)}
    files = {"topics.csv": "topics"}
    if isinstance(assignments, Path):
        files["assignments.csv"] = assignments
    else:
        tables["assignments"] = assignments
        files["assignments.csv"] = "assignments"
    if groups is not None:
        if groups_from_file:
            groups, decided = _groups_as_read(groups, dictionary)
            notes.extend(decided)
        tables["topic_shares"] = topic_share_table(assigned, groups=groups).round(2)
        files["topic_shares.csv"] = "topic_shares"
    run = topics_summary(model, status=assigned["status"], notes=notes, notes_after=notes_after,
                         **summary)
    return RunResult(tables=tables, files=dict(sorted(files.items())), notes=run["notes"],
                     summary=run, replaces=TOPIC_FILES)


def _groups_as_read(groups: pd.Series, dictionary) -> tuple[pd.Series, list[str]]:
    """Order group values as read_survey orders an answer column; return them and notes."""
    from survey_tools.schema import to_choice

    name = groups.name
    groups = to_choice(pd.Series(groups.to_numpy(), dtype=object).replace("", None))
    groups = groups.rename(name)
    if dictionary is None:
        return groups, []
    from survey_tools.survey import apply_value_orders, read_value_orders

    frame = groups.to_frame()
    notes = apply_value_orders(frame, {name: "single_choice"}, read_value_orders(dictionary))
    return frame[name], list(notes)


def rounded_percent(value: float) -> float | None:
    """Round a percentage for run.json; None (JSON null) when there is none (no answers)."""
    return None if pd.isna(value) else round(float(value), 2)


def topics_summary(model, *, path, text_column, id_column, group_column, rows, status,
                   fit_size, notes, notes_after=(), engine=None, partitions=None) -> dict:
    """Return what ``run.json`` holds for a topics run, on either engine.

    Parameters
    ----------
    model : TopicModel
        Fitted.
    status : Series
        The status of every row (counted, and the outlier share from it).
    fit_size : int
        The run's ``--fit-size``; the other settings are the model's parameters.
    notes : list of str
        What was decided while reading; the model's notes follow, then `notes_after`
        (what the run decided after the fit).
    engine, partitions : optional
        ``"dask"`` and the number of partitions for the Dask engine.
    """
    from survey_tools.embeddings import describe_encoder
    from survey_tools.topics.large import outlier_share

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
        "outlier_share_percent": rounded_percent(outlier_share(status)),
        "embedding_model": described["model"],
        "precision": described["precision"],
        "label_language": model.label_language_,
        "settings": {"language": model.language, "embedding": str(model.embedding_model),
                     "seed": model.seed, "n_topics": model.n_topics,
                     "reduce_outliers": model.reduce_outliers, "fit_size": fit_size},
        "notes": [*notes, *model.notes_, *notes_after],
    })
    return summary
