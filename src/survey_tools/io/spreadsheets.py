"""Exports that are safe to open in a spreadsheet (no formula injection)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

__all__ = ["FORMULA_PREFIXES", "PLAIN_NUMBER", "safe_cell", "safe_table", "excel_safe_table",
           "write_safe_csv", "write_safe_table", "fix_xlsx_timestamps", "fix_sav_timestamp",
           "size_columns", "write_tables_workbook"]

# OWASP "CSV injection": a cell starting with one of these is run as a formula by Excel,
# LibreOffice or Google Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


# A plain signed number ("-1", "+46701234567", "-0,5"): a spreadsheet reads it as a number,
# never as a formula, so it is kept as it is (ids stay matchable to the source file).
PLAIN_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def safe_cell(value):
    """Return `value` with a leading ``'`` when it would start a spreadsheet formula.

    Also when the formula character comes after leading spaces. Non-strings (numbers)
    are returned unchanged, so numeric columns stay numeric, and so is text that is just a
    signed number such as ``-1`` (a number to a spreadsheet, not a formula; ``-1+2`` is
    escaped).

    Examples
    --------
    >>> print(safe_cell('=HYPERLINK("http://x")'))
    '=HYPERLINK("http://x")
    >>> safe_cell("Budget"), safe_cell(3), safe_cell("-1"), safe_cell("-1+2")
    ('Budget', 3, '-1', "'-1+2")
    """
    if (isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_PREFIXES)
            and not PLAIN_NUMBER.fullmatch(value.strip(" "))):
        return "'" + value
    return value


def safe_table(table: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of `table` with every text cell made safe by :func:`safe_cell`.

    The column names too: they are the header cells of the export, and a survey's column
    name is as untrusted as its answers.

    Examples
    --------
    >>> safe_table(pd.DataFrame({"=1+1": ["@x", "ok"]})).to_dict("list")
    {"'=1+1": ["'@x", 'ok']}
    """
    out = table.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(safe_cell)
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = out.columns.map(lambda names: tuple(safe_cell(n) for n in names))
    else:
        out.columns = out.columns.map(safe_cell)
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
            long = pd.Series([isinstance(v, str) and len(v) > EXCEL_CELL_LIMIT
                              for v in values], index=values.index, dtype=bool)
            cut += int(long.sum())
            out[col] = values.where(~long, values[long].map(
                lambda v: v[:EXCEL_CELL_LIMIT - len(_CUT)] + _CUT))
    if cut:
        warnings.warn(f"{cut} cell(s) longer than Excel's 32,767 characters were cut and end "
                      "with [TRUNCATED]; write CSV to keep them whole", UserWarning,
                      stacklevel=2)
    return out


# Exports carry this time instead of the time of writing, so a re-run gives identical bytes
# (1980-01-01 is the earliest time a zip file can hold).
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def fix_xlsx_timestamps(path: str | Path) -> Path:
    """Rewrite an ``.xlsx`` file so it holds no time of writing.

    openpyxl stamps the document properties (created, modified) and every zip member with
    the current time, so the same table written twice gives different bytes. Both are set
    to 1980-01-01 here; the cells are untouched.
    """
    import zipfile

    path = Path(path)
    stamp = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*_FIXED_TIME)
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                              rb"\g<1>" + stamp.encode(), data)
            fixed = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, data)
    return path


def fix_sav_timestamp(path: str | Path) -> Path:
    """Set the creation date and time in an SPSS ``.sav`` header to 01 Jan 80 00:00:00.

    pyreadstat writes the time of writing there (header bytes 92-108: ``dd mmm yy`` and
    ``hh:mm:ss``, as the SAV format defines them) and offers no option to set it.
    """
    path = Path(path)
    with path.open("r+b") as handle:
        if handle.read(4) not in (b"$FL2", b"$FL3"):
            raise ValueError(f"{path} is not an SPSS .sav file")
        handle.seek(92)
        handle.write(b"01 Jan 8000:00:00")
    return path


def write_safe_csv(table: pd.DataFrame, path: str | Path) -> Path:
    """Write `table` as UTF-8 CSV, atomically, with text cells made formula-safe."""
    from survey_tools.io.atomic import write_csv_atomic

    return write_csv_atomic(safe_table(table), path)


def size_columns(sheet, table: pd.DataFrame, *, widest: int = 60) -> None:
    """Give each column of an openpyxl `sheet` written from `table` a width that shows it.

    The width fits the header and nine in ten of the cells (at most `widest`
    characters; longer text wraps), the header row stays in view when scrolling, and
    headers are bold.
    """
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "A2"
    for i, column in enumerate(table.columns, start=1):
        lengths = table[column].map(lambda v: 0 if pd.isna(v) else len(str(v)))
        body = int(lengths.quantile(0.9)) if len(lengths) else 0
        header = max((len(w) for w in str(column).split()), default=0)
        width = min(widest, max(8, header + 2, body + 2, min(len(str(column)), 24) + 2))
        sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.cell(row=1, column=i).font = Font(bold=True)
        sheet.cell(row=1, column=i).alignment = Alignment(wrap_text=True, vertical="top")
        if int(lengths.max() if len(lengths) else 0) > widest:
            for row in range(2, len(table) + 2):
                sheet.cell(row=row, column=i).alignment = Alignment(wrap_text=True,
                                                                    vertical="top")


def _numbers_as_numbers(table: pd.DataFrame) -> pd.DataFrame:
    """Turn text columns that hold only numbers into numbers (ids such as "007" stay text)."""
    out = table.copy()
    for column in out.columns:
        values = out[column]
        if not (values.dtype == object or pd.api.types.is_string_dtype(values)):
            continue
        text = values.dropna().astype(str).str.strip()
        text = text[text != ""]
        if not len(text) or text.str.match(r"^[+-]?0\d").any():
            continue
        numbers = pd.to_numeric(text, errors="coerce")
        if numbers.notna().all():
            out[column] = pd.to_numeric(values.astype(object).replace("", None),
                                        errors="coerce")
    return out


def _in_report_language(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Return `table` with the report's headers and own values in `lang` (for readers)."""
    from survey_tools.report.display import report_headers, table_value

    out = table.set_axis(report_headers(table.columns, lang), axis=1)
    for column in out.columns:
        if out[column].dtype == object:
            out[column] = out[column].map(lambda v: table_value(v, lang)
                                          if isinstance(v, str) and v else v)
    return out


def _number_formats(sheet, table: pd.DataFrame) -> None:
    """Show percentages with one decimal and other fractions with two (values unchanged)."""
    for i, column in enumerate(table.columns, start=1):
        if not pd.api.types.is_float_dtype(table[column]):
            continue
        name = str(column)
        share = "percent" in name or name == "share" or name.startswith(("ci_low", "ci_high"))
        fmt = "0.0" if share else "0.00"
        for row in range(2, len(table) + 2):
            sheet.cell(row=row, column=i).number_format = fmt


def write_tables_workbook(folder: str | Path, target: str | Path, *,
                          lang: str = "sv") -> Path:
    """Write every ``*.csv`` table in `folder` as a sheet of one Excel workbook.

    Numbers are stored as numbers (so Excel or LibreOffice with Swedish settings shows
    them with a decimal comma and computes with them), shown with one decimal for
    percentages and two for other fractions (the full value is kept), text as text
    (formula-safe), columns wide enough to read. Headers are the report's, in `lang`
    (``Andel (%)``, not ``percent``), and so are survey_tools' own values (statuses);
    the CSV files keep the machine names. The first sheet lists the tables: sheet
    name and file. Sheet names are the file names, cut to Excel's 31 characters and made
    unique.

    Returns
    -------
    Path
        `target`, written atomically, with fixed timestamps (the same bytes for the same
        tables).
    """
    from survey_tools.io.atomic import atomic_write

    folder, target = Path(folder), Path(target)
    files = sorted(folder.glob("*.csv"))
    names, used = [], set()
    for f in files:
        name = re.sub(r"[\[\]:*?/\\]", "_", f.stem)[:31]
        k = 2
        while name.lower() in used:
            suffix = f"~{k}"
            name = name[:31 - len(suffix)] + suffix
            k += 1
        used.add(name.lower())
        names.append(name)
    header = ("Flik", "Fil") if lang == "sv" else ("Sheet", "File")
    contents = pd.DataFrame({header[0]: names, header[1]: [f"tables/{f.name}" for f in files]})

    def write(tmp):
        with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
            title = "Innehåll" if lang == "sv" else "Contents"
            contents.to_excel(writer, sheet_name=title, index=False)
            size_columns(writer.sheets[title], contents)
            for f, name in zip(files, names, strict=True):
                numbers = _numbers_as_numbers(pd.read_csv(f, dtype=str,
                                                          keep_default_na=False))
                table = excel_safe_table(_in_report_language(numbers, lang))
                table.to_excel(writer, sheet_name=name, index=False)
                size_columns(writer.sheets[name], table)
                _number_formats(writer.sheets[name], numbers)  # by the machine names
        fix_xlsx_timestamps(tmp)
    return atomic_write(target, write)


def write_safe_table(table: pd.DataFrame, path: str | Path, *, sheet_name: str = "data") -> Path:
    """Write `table` as ``.csv`` or ``.xlsx`` (by suffix), atomically and formula-safe.

    In Excel files every text cell is written as a text cell: openpyxl would otherwise
    store a string that starts with ``=`` as a formula.
    """
    from survey_tools.errors import SurveyInputError
    from survey_tools.io.atomic import atomic_write

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return write_safe_csv(table, path)
    if suffix == ".xlsx":
        safe = excel_safe_table(table)

        def write(tmp):
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                safe.to_excel(writer, sheet_name=sheet_name, index=False)
                size_columns(writer.sheets[sheet_name], safe)
            fix_xlsx_timestamps(tmp)
        return atomic_write(path, write)
    raise SurveyInputError(f"cannot write {suffix or 'a file without suffix'}", path=path,
                           hint="use .csv or .xlsx")
