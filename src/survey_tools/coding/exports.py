"""Write coded answers to CSV, Excel or SPSS with one 0/1 column per code and labels."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from survey_tools.errors import SurveyInputError
from survey_tools.export import (
    excel_safe_table,
    fix_sav_timestamp,
    fix_xlsx_timestamps,
    write_safe_csv,
)
from survey_tools.files import atomic_write as _atomic

__all__ = ["write_coded"]

_YES_NO = {"sv": {0: "Nej", 1: "Ja"}, "en": {0: "No", 1: "Yes"}}


def _column_labels(table, codebook, lang) -> dict[str, str]:
    labels = {}
    for code in codebook.codes:
        labels[code.id] = code.text(lang)
        labels[f"score_{code.id}"] = ("Säkerhet: " if lang == "sv" else "Score: ") + code.text(lang)
    labels.update({"status": "Svarsstatus" if lang == "sv" else "Answer status",
                   "n_codes": "Antal koder" if lang == "sv" else "Number of codes",
                   "needs_review": "Behöver granskas" if lang == "sv" else "Needs review"})
    return {c: labels[c] for c in table.columns if c in labels}


def write_coded(table: pd.DataFrame, path, *, codebook, lang: str = "sv") -> Path:
    """Write the table from :func:`~survey_tools.coding.coders.code_answers`.

    The format follows the suffix: ``.csv`` (UTF-8 with a byte-order mark), ``.xlsx`` (a
    ``coded`` sheet and a ``codebook`` sheet with each code's label and description) or
    ``.sav`` (SPSS, with variable labels and Ja/Nej value labels on the 0/1 code columns).
    In CSV and Excel, text cells and column names that would start a spreadsheet formula
    get a leading ``'``; SPSS files run no formulas and keep the values as they are.
    Written atomically.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return write_safe_csv(table, path)
    if suffix == ".xlsx":
        table = excel_safe_table(table)
        book = excel_safe_table(pd.DataFrame([
            {"code": c.id, "label": c.text(lang),
             "description": c.description.get(lang) or next(iter(c.description.values()))}
            for c in codebook.codes]))

        def write_xlsx(tmp):
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                table.to_excel(writer, sheet_name="coded", index=False)
                book.to_excel(writer, sheet_name="codebook", index=False)
            fix_xlsx_timestamps(tmp)
        return _atomic(path, write_xlsx)
    if suffix == ".sav":
        import pyreadstat

        out = table.copy()
        out["id"] = out["id"].astype(str)
        values = {c: _YES_NO.get(lang, _YES_NO["en"]) for c in [*codebook.ids, "needs_review"]}

        def write_sav(tmp):
            pyreadstat.write_sav(out, tmp, column_labels=_column_labels(out, codebook, lang),
                                 variable_value_labels=values)
            fix_sav_timestamp(tmp)
        return _atomic(path, write_sav)
    raise SurveyInputError(f"cannot write coded answers as {suffix or 'a file without suffix'}",
                           path=path, hint="use .csv, .xlsx or .sav")
