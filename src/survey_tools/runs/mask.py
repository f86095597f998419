"""Mask personal data in the open-ended columns of a survey file (``survey-tools mask``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from survey_tools.io.atomic import check_writable, refuse_overwriting_input
from survey_tools.io.schema import resolve_column
from survey_tools.runs.result import RunResult, write_result

__all__ = ["mask_file"]


def mask_file(path, *, text_columns, output, id_column=None,
              read_options: dict | None = None) -> RunResult:
    """Write a copy of the survey at `path` with `text_columns` masked.

    Every row and column is kept, in order; only the text columns change (personal data
    replaced by ``[TYPE]`` placeholders, see :func:`survey_tools.nlp.pii.mask_pii`). The copy
    is ``.csv`` or ``.xlsx`` by the suffix of `output`, formula-safe, written atomically;
    ``<output>.summary.csv`` holds the counts. Both files are moved into place together
    (:func:`~survey_tools.runs.result.write_result`).

    Returns
    -------
    RunResult
        Tables ``masked`` (the copy) and ``counts`` (``column, type, count`` per text
        column and type of personal data found); ``notes`` holds what was decided while
        reading (e.g. a column left out).
    """
    from survey_tools.io.survey import read_survey
    from survey_tools.nlp.pii import mask_texts

    output = Path(output)
    summary_path = output.with_name(output.name + ".summary.csv")
    refuse_overwriting_input(path, (output, summary_path),
                             hint="write the masked copy to another file, e.g. "
                                  f"{Path(path).stem}_masked{output.suffix or '.csv'}")
    check_writable(output, folder=False)
    survey = read_survey(path, id_column=id_column, **(read_options or {}))
    data = survey.data.copy()
    rows = []
    for name in text_columns:
        column = resolve_column(data, name, path=path)
        masked, counts = mask_texts(data[column])
        data[column] = masked
        rows.extend({"column": column, "type": t, "count": int(n)} for t, n in counts.items())
    counts = pd.DataFrame(rows, columns=["column", "type", "count"])
    result = RunResult(tables={"masked": data, "counts": counts},
                       files={output.name: "masked", summary_path.name: "counts"},
                       notes=list(survey.notes))  # e.g. a Parquet column that was left out
    return write_result(result, output.parent)
