"""Batch topic modelling of one survey column: what ``survey-tools topics`` runs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from survey_tools.export import write_safe_csv
from survey_tools.files import write_json
from survey_tools.schema import resolve_column

__all__ = ["run_topics", "assignments_for_export", "topics_for_export", "topics_summary",
           "rounded_percent"]


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


def run_topics(path, *, text_column: str, output: str | Path, id_column: str | None = None,
               group_column: str | None = None, language: str = "auto",
               embedding: str = "default", seed: int = 42, n_topics="auto",
               reduce_outliers: bool = False, edits=None, cache_dir=None, progress=None,
               fit_size: int = 50_000, label_language: str | None = None,
               read_options: dict | None = None) -> dict:
    """Model the topics of `text_column` in the survey at `path` and write the results.

    Writes into `output`: ``assignments.csv`` (one row per input row, input order:
    id, [group,] status, topic, label, score, language), ``topics.csv`` (topic, label,
    size, share, top_words, quote_1..3), ``topic_shares.csv`` with `group_column`
    (share of each topic per group with 95 % Wilson intervals) and ``run.json`` (the
    settings and what was decided). Every file is written atomically; free-text cells
    are made safe against spreadsheet formula injection. Above `fit_size` rows the model is
    fitted on a random sample of that size (seeded) and every row is assigned in batches
    (``TopicModel(fit_size=...)``).

    Returns
    -------
    dict
        The contents of ``run.json``.
    """
    from survey_tools.survey import read_survey
    from survey_tools.topic_tables import topic_share_table
    from survey_tools.topics.model import TopicModel

    survey = read_survey(path, id_column=id_column, **(read_options or {}))
    data = survey.data
    column = resolve_column(data, text_column, path=path)
    group = resolve_column(data, group_column, path=path) if group_column else None
    texts = data[column].map(lambda v: v if v is None or isinstance(v, str) or pd.isna(v)
                             else str(v))
    model = TopicModel(embedding_model=embedding, n_topics=n_topics, language=language,
                       seed=seed, reduce_outliers=reduce_outliers, edits=edits,
                       label_language=label_language, cache_dir=cache_dir, progress=progress,
                       fit_size=fit_size)
    model.fit(texts, ids=data[survey.id_column].to_numpy())
    out = Path(output)
    groups = data[group] if group else None
    write_safe_csv(assignments_for_export(model.assignments_, id_name=survey.id_column,
                                          groups=groups, group_name=group),
                   out / "assignments.csv")
    write_safe_csv(topics_for_export(model.topics_, model.n_quotes), out / "topics.csv")
    if group:
        shares = topic_share_table(model.assignments_, groups=groups)
        write_safe_csv(shares.round(2), out / "topic_shares.csv")
    summary = topics_summary(
        model, path=path, text_column=column, id_column=survey.id_column, group_column=group,
        rows=len(data), status=model.assignments_["status"], fit_size=fit_size,
        notes=list(survey.notes))
    write_json(summary, out / "run.json")
    return summary


def rounded_percent(value: float) -> float | None:
    """Round a percentage for run.json; None (JSON null) when there is none (no answers)."""
    return None if pd.isna(value) else round(float(value), 2)


def topics_summary(model, *, path, text_column, id_column, group_column, rows, status,
                   fit_size, notes, engine=None, partitions=None) -> dict:
    """Return what ``run.json`` holds for a topics run, on either engine.

    Parameters
    ----------
    model : TopicModel
        Fitted.
    status : Series
        The status of every row (counted).
    fit_size : int
        The run's ``--fit-size``; the other settings are the model's parameters.
    notes : list of str
        What was decided while reading; the model's notes follow.
    engine, partitions : optional
        ``"dask"`` and the number of partitions for the Dask engine.
    """
    from survey_tools.embeddings import describe_encoder

    summary = {"input": str(path)}
    if engine is not None:
        summary["engine"] = engine
    summary.update({"text_column": text_column, "id_column": id_column,
                    "group_column": group_column, "rows": int(rows)})
    if partitions is not None:
        summary["partitions"] = int(partitions)
    summary.update({
        "status_counts": {k: int(v) for k, v in status.value_counts().items()},
        "n_topics": int(model.n_topics_),
        "outlier_share_percent": rounded_percent(model.outlier_share_),
        "embedding_model": describe_encoder(model.encoder_)["model"],
        "label_language": model.label_language_,
        "settings": {"language": model.language, "embedding": str(model.embedding_model),
                     "seed": model.seed, "n_topics": model.n_topics,
                     "reduce_outliers": model.reduce_outliers, "fit_size": fit_size},
        "notes": list(notes) + list(model.notes_),
    })
    return summary
