"""Write coded answers to CSV, Excel or SPSS with one 0/1 column per code and labels."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from survey_tools.errors import SurveyInputError
from survey_tools.io.atomic import atomic_write as _atomic
from survey_tools.io.spreadsheets import (
    excel_safe_table,
    fix_sav_timestamp,
    fix_xlsx_timestamps,
    size_columns,
    write_safe_csv,
)

__all__ = ["write_coded"]

_YES_NO = {"sv": {0: "Nej", 1: "Ja"}, "en": {0: "No", 1: "Yes"}}
# Answer status in SPSS: a number with value labels in the report language.
_STATUS = {"coded": (1, "Kodat", "Coded"), "empty": (2, "Tomt", "Empty"),
           "non-answer": (3, "Icke-svar", "Non-answer"), "error": (4, "Fel", "Error")}


def _column_labels(table, codebook, lang) -> dict[str, str]:
    labels = {}
    for code in codebook.codes:
        labels[code.id] = code.text(lang)
        labels[f"score_{code.id}"] = ("Säkerhet: " if lang == "sv" else "Score: ") + code.text(lang)
    labels.update({"status": "Svarsstatus" if lang == "sv" else "Answer status",
                   "n_codes": "Antal koder" if lang == "sv" else "Number of codes",
                   "needs_review": "Behöver granskas" if lang == "sv" else "Needs review"})
    return {c: labels[c] for c in table.columns if c in labels}


def _sav_table(table: pd.DataFrame, codebook, lang: str):
    """Return the table for SPSS, its value labels and its measurement levels."""
    out = table.copy()
    out["id"] = out["id"].astype(str)
    coded = out["status"].eq("coded") if "status" in out else pd.Series(True, out.index)
    flags = [c for c in [*codebook.ids, "n_codes", "needs_review"] if c in out]
    out[flags] = out[flags].astype(float).where(coded)  # missing is missing, not 0
    column = 1 if lang == "sv" else 2
    values = {c: _YES_NO.get(lang, _YES_NO["en"]) for c in [*codebook.ids, "needs_review"]
              if c in out}
    if "status" in out:
        present = list(dict.fromkeys(out["status"].dropna()))
        known = {**_STATUS, **{k: (10 + i, k, k) for i, k in enumerate(
            s for s in present if s not in _STATUS)}}  # a status added later: its own name
        out["status"] = out["status"].map({k: float(v[0]) for k, v in known.items()})
        values["status"] = {known[k][0]: known[k][column] for k in present}
    measure = {c: "nominal" for c in ["id", "status", *codebook.ids, "needs_review"]
               if c in out}
    measure.update({c: "scale" for c in out if c not in measure})
    return out, values, measure


def write_coded(table: pd.DataFrame, path, *, codebook, lang: str = "sv") -> Path:
    """Write the table from :func:`~survey_tools.coding.coders.code_answers`.

    The format follows the suffix: ``.csv`` (UTF-8 with a byte-order mark), ``.xlsx`` (a
    ``coded`` sheet and a ``codebook`` sheet with each code's label and description) or
    ``.sav`` (SPSS, with variable labels and Ja/Nej value labels on the 0/1 code columns).
    In ``.sav`` an answer that was not coded (empty, a non-answer) is system-missing in
    every code column, not 0, so a code's mean in SPSS or PSPP is its share of those who
    answered, as in the report; the status is a number with value labels, and every
    variable has its measurement level (codes and status nominal, scores and counts scale).
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
                size_columns(writer.sheets["coded"], table)  # headers not cut off
                size_columns(writer.sheets["codebook"], book)
            fix_xlsx_timestamps(tmp)
        return _atomic(path, write_xlsx)
    if suffix == ".sav":
        import pyreadstat

        out, values, measure = _sav_table(table, codebook, lang)

        def write_sav(tmp):
            pyreadstat.write_sav(out, tmp, column_labels=_column_labels(out, codebook, lang),
                                 variable_value_labels=values, variable_measure=measure)
            fix_sav_timestamp(tmp)
        return _atomic(path, write_sav)
    raise SurveyInputError(f"cannot write coded answers as {suffix or 'a file without suffix'}",
                           path=path, hint="use .csv, .xlsx or .sav")
