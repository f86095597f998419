"""Mask personal data in the open-ended columns of a survey file (``survey-tools mask``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from survey_tools.export import write_safe_csv, write_safe_table
from survey_tools.schema import resolve_column

__all__ = ["mask_file"]


def mask_file(path, *, text_columns, output, id_column=None,
              read_options: dict | None = None) -> pd.DataFrame:
    """Write a copy of the survey at `path` with `text_columns` masked.

    Every row and column is kept, in order; only the text columns change (personal data
    replaced by ``[TYPE]`` placeholders, see :func:`survey_tools.pii.mask_pii`). The copy
    is ``.csv`` or ``.xlsx`` by the suffix of `output`, formula-safe, written atomically;
    ``<output>.summary.csv`` holds the counts.

    Returns
    -------
    DataFrame
        ``column, type, count`` per text column and type of personal data found.
    """
    from survey_tools.pii import mask_texts
    from survey_tools.survey import read_survey

    survey = read_survey(path, id_column=id_column, **(read_options or {}))
    data = survey.data.copy()
    rows = []
    for name in text_columns:
        column = resolve_column(data, name, path=path)
        masked, counts = mask_texts(data[column])
        data[column] = masked
        rows.extend({"column": column, "type": t, "count": int(n)} for t, n in counts.items())
    summary = pd.DataFrame(rows, columns=["column", "type", "count"])
    output = Path(output)
    write_safe_table(data, output)
    write_safe_csv(summary, output.with_name(output.name + ".summary.csv"))
    return summary
