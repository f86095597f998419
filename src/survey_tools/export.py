"""Exports that are safe to open in a spreadsheet (no formula injection)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

__all__ = ["FORMULA_PREFIXES", "safe_cell", "safe_table", "excel_safe_table", "write_safe_csv",
           "write_safe_table"]

# OWASP "CSV injection": a cell starting with one of these is run as a formula by Excel,
# LibreOffice or Google Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def safe_cell(value):
    """Return `value` with a leading ``'`` when it would start a spreadsheet formula.

    Also when the formula character comes after leading spaces. Non-strings (numbers)
    are returned unchanged, so numeric columns stay numeric.

    Examples
    --------
    >>> print(safe_cell('=HYPERLINK("http://x")'))
    '=HYPERLINK("http://x")
    >>> safe_cell("Budget"), safe_cell(3)
    ('Budget', 3)
    """
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_table(table: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of `table` with every text cell made safe by :func:`safe_cell`."""
    out = table.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(safe_cell)
    return out


_ILLEGAL_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
EXCEL_CELL_LIMIT = 32767
_CUT = " [TRUNCATED]"


def excel_safe_table(table: pd.DataFrame) -> pd.DataFrame:
    """Return :func:`safe_table` of `table` without characters Excel files cannot hold.

    Those are the control characters below U+0020 except tab, newline and carriage return.
    Text longer than Excel's limit of 32,767 characters per cell is cut and ends with
    ``[TRUNCATED]``, with a warning (write CSV to keep it whole).
    """
    import warnings

    out = safe_table(table)
    cut = 0
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            values = out[col].map(lambda v: _ILLEGAL_IN_XLSX.sub("", v)
                                  if isinstance(v, str) else v)
            long = values.map(lambda v: isinstance(v, str) and len(v) > EXCEL_CELL_LIMIT)
            cut += int(long.sum())
            out[col] = values.where(~long, values[long].map(
                lambda v: v[:EXCEL_CELL_LIMIT - len(_CUT)] + _CUT))
    if cut:
        warnings.warn(f"{cut} cell(s) longer than Excel's 32,767 characters were cut and end "
                      "with [TRUNCATED]; write CSV to keep them whole", UserWarning,
                      stacklevel=2)
    return out


def write_safe_csv(table: pd.DataFrame, path: str | Path) -> Path:
    """Write `table` as UTF-8 CSV, atomically, with text cells made formula-safe."""
    from survey_tools.publish import write_csv_atomic

    return write_csv_atomic(safe_table(table), path)


def write_safe_table(table: pd.DataFrame, path: str | Path, *, sheet_name: str = "data") -> Path:
    """Write `table` as ``.csv`` or ``.xlsx`` (by suffix), atomically and formula-safe.

    In Excel files every text cell is written as a text cell: openpyxl would otherwise
    store a string that starts with ``=`` as a formula.
    """
    from survey_tools.errors import SurveyInputError
    from survey_tools.publish import atomic_write

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return write_safe_csv(table, path)
    if suffix == ".xlsx":
        safe = excel_safe_table(table)
        return atomic_write(path, lambda tmp: safe.to_excel(tmp, sheet_name=sheet_name,
                                                              index=False, engine="openpyxl"))
    raise SurveyInputError(f"cannot write {suffix or 'a file without suffix'}", path=path,
                           hint="use .csv or .xlsx")
