"""Read raw tables from survey export files (CSV, Excel, SPSS, Parquet).

Each reader returns the table with every cell as it is in the file plus what the file
says about itself (question texts, value labels, encoding). Cleaning and type detection
happen in :mod:`survey_tools.io.schema`.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from survey_tools.errors import SurveyInputError

__all__ = ["RawTable", "read_raw", "detect_encoding", "sniff_delimiter", "find_header_row",
           "check_csv_head", "check_file", "check_header", "check_row_widths", "split_sep_line",
           "SUPPORTED"]

#: File endings each reader handles.
SUPPORTED = {
    ".csv": "csv",
    ".txt": "csv",
    ".tsv": "csv",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".sav": "spss",
    ".zsav": "spss",
    ".parquet": "parquet",
    ".pq": "parquet",
}

_DELIMITERS = (",", ";", "\t", "|")


@dataclass
class RawTable:
    """A table as read from a file, before cleaning.

    Attributes
    ----------
    data : DataFrame
        The cells; text columns hold ``str`` (CSV) or what the file format stores.
    format : str
        ``"csv"``, ``"excel"``, ``"spss"`` or ``"parquet"``.
    labels : dict
        Column name to question text, where the file carries one (SPSS).
    value_labels : dict
        Column name to {code: label}, where the file carries them (SPSS).
    details : dict
        How the file was read (encoding, delimiter, sheet).
    first_data_row : int
        Spreadsheet-style number of the first data row (the header is row 1).
    notes : tuple of str
        What was decided while reading (e.g. a Parquet column of lists left out).
    """

    data: pd.DataFrame
    format: str
    labels: dict = field(default_factory=dict)
    value_labels: dict = field(default_factory=dict)
    details: dict = field(default_factory=dict)
    first_data_row: int = 2
    notes: tuple = ()


def check_file(path: Path) -> bytes:
    """Raise :class:`SurveyInputError` for a missing, folder or empty file; return its head."""
    if not path.exists():
        raise SurveyInputError(
            "the file does not exist", path=path, hint="check the path and the file name"
        )
    if path.is_dir():
        raise SurveyInputError("this is a folder, not a file", path=path, hint="name a file")
    head = path.open("rb").read(8192)
    if not head:
        raise SurveyInputError(
            "the file is empty (0 bytes)",
            path=path,
            hint="export the survey again; the export may have failed or been interrupted",
        )
    return head


def read_raw(path: str | Path, *, sheet=None, encoding=None, delimiter=None):
    """Read a survey export into a :class:`RawTable`.

    Parameters
    ----------
    path : str or Path
        The file. Its ending picks the reader (see ``SUPPORTED``).
    sheet : str or int, optional
        Excel sheet name or 0-based position; default the first sheet. A number that is
        also a sheet's name (a sheet called "2025") means that sheet.
    encoding, delimiter : str, optional
        CSV only: override what is detected. (Decimal commas are detected per column when
        types are inferred, see :mod:`survey_tools.io.schema`.)

    Returns
    -------
    RawTable
        The cells and what the file says about itself.

    Raises
    ------
    SurveyInputError
        For a missing, empty, binary or malformed file.
    """
    path = Path(path)
    head = check_file(path)
    kind = SUPPORTED.get(path.suffix.lower())
    if kind is None:
        raise SurveyInputError(
            f"files ending in {path.suffix or '(nothing)'!r} are not supported",
            path=path,
            hint="export the survey as CSV, Excel (.xlsx), SPSS (.sav) or Parquet",
        )
    if kind == "csv":
        return _read_csv(path, head, encoding=encoding, delimiter=delimiter)
    if kind == "excel":
        return _read_excel(path, head, sheet=sheet)
    if kind == "spss":
        return _read_spss(path)
    return _read_parquet(path)


# --- CSV -----------------------------------------------------------------------------------


def detect_encoding(raw: bytes) -> str:
    """Guess the text encoding of `raw` bytes.

    A byte-order mark decides first (UTF-8-BOM, UTF-16); then strict UTF-8; then cp1252,
    which is what Swedish Excel on Windows writes; latin-1 as the last resort.

    Examples
    --------
    >>> detect_encoding("Instämmer".encode("cp1252"))
    'cp1252'
    >>> detect_encoding("Instämmer".encode("utf-8"))
    'utf-8'
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    for enc in ("utf-8", "cp1252"):
        try:
            raw.decode(enc)
            return enc
        except UnicodeDecodeError:
            continue
    return "latin-1"


def _looks_binary(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if b"\x00" in head:
        return True
    control = sum(b < 9 or 13 < b < 32 for b in head)
    return control > max(8, len(head) // 100)


def sniff_delimiter(text: str) -> str:
    r"""Return the delimiter (``,`` ``;`` tab or ``|``) that splits `text` most consistently.

    Each candidate parses the first lines with the csv module; the one giving the same
    number of fields (more than one) on the most lines wins, ties going to more fields.

    Examples
    --------
    >>> sniff_delimiter("id;svar;vikt\n1;Bra, tycker jag;1,5\n2;Dåligt;0,5\n")
    ';'
    """
    sample = text[:65536]
    best, best_key = ",", (-1, 0)
    for delim in _DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(sample), delimiter=delim))[:50]
        except csv.Error:
            continue
        rows = [r for r in rows if r]
        if len(rows) > 1 and not sample.endswith("\n"):
            rows = rows[:-1]  # the sample may end inside a row
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistent = sum(len(r) == width for r in rows)
        key = (consistent, width)
        if key > best_key:
            best, best_key = delim, key
    return best


def _decode(path: Path, encoding: str | None) -> tuple[str, str]:
    raw = path.read_bytes()
    enc = encoding or detect_encoding(raw)
    try:
        return raw.decode(enc), enc
    except (UnicodeDecodeError, LookupError) as exc:
        raise SurveyInputError(
            f"the file cannot be read as {enc} text ({exc.__class__.__name__})",
            path=path,
            hint="save it as UTF-8 CSV, or give the right encoding (e.g. --encoding cp1252)",
        ) from None


def _parser_error(path: Path, exc: Exception, width: int) -> SurveyInputError:
    msg = str(exc)
    m = re.search(r"line (\d+), saw (\d+)", msg)
    if m:
        line, saw = int(m.group(1)), int(m.group(2))
        return SurveyInputError(
            f"this row has {saw} fields but the header has {width}",
            path=path,
            row=line,
            hint="a free-text answer probably contains the delimiter without quotes; "
            "export again with quoted text fields, or fix that row",
        )
    return SurveyInputError(
        f"the CSV could not be parsed ({msg.strip()})",
        path=path,
        hint="check that the file is a CSV export and that quotes are balanced",
    )


def check_csv_head(path: Path, head: bytes, *, encoding=None) -> None:
    """Raise :class:`SurveyInputError` when a file with a CSV ending is zip/Excel or binary."""
    if head.startswith(b"PK\x03\x04"):
        raise SurveyInputError(
            "this is a zip/Excel file with a CSV ending",
            path=path,
            hint="rename it to .xlsx, or save it from Excel as 'CSV UTF-8'",
        )
    if encoding is None and _looks_binary(head):
        raise SurveyInputError(
            "the file is binary, not text",
            path=path,
            hint="export the survey as CSV (UTF-8), Excel (.xlsx) or SPSS (.sav)",
        )


def split_sep_line(text: str) -> tuple[str | None, str]:
    r"""Return the delimiter named by a first line such as ``sep=;`` and the text after it.

    Excel's "CSV (semikolonavgränsad)" and some survey tools write this line above the
    header to say which delimiter the file uses. Without such a line: ``(None, text)``.

    Examples
    --------
    >>> split_sep_line("sep=;\nid;svar\n1;Bra\n")
    (';', 'id;svar\n1;Bra\n')
    >>> split_sep_line("id,svar\n")
    (None, 'id,svar\n')
    """
    first, _, rest = text.lstrip("\ufeff").partition("\n")
    first = first.strip().strip('"')
    if len(first) == 5 and first[:4].lower() == "sep=":
        return first[4], rest
    return None, text


def check_row_widths(lines, *, delimiter: str, path: Path) -> tuple[list[str], bool]:
    """Raise :class:`SurveyInputError` at the first record with more fields than the header.

    pandas reads a *first* data row with one field too many as a row label, shifting every
    value of that file into the wrong column without an error (later rows are caught).
    This reads every record with the csv module first, so such a file is refused.

    Parameters
    ----------
    lines : iterable of str
        The file's lines, header first (an open text file or ``io.StringIO``).
    delimiter : str
    path : Path
        Named in the error.

    Returns
    -------
    header : list of str
        The header's fields.
    multiline : bool
        Whether a quoted field holds a line break (a record spans several lines).
    """
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))  # long answers are fine
    reader = csv.reader(lines, delimiter=delimiter)
    end, multiline = 0, False
    try:
        header = next(reader, [])
        width, end = len(header), reader.line_num
        for record in reader:
            multiline = multiline or reader.line_num - end > 1
            if len(record) > width:
                raise SurveyInputError(
                    f"this row has {len(record)} fields but the header has {width}",
                    path=path, row=end + 1,
                    hint="a free-text answer probably contains the delimiter without "
                         "quotes; export again with quoted text fields, or fix that row")
            end = reader.line_num
    except csv.Error as exc:
        raise SurveyInputError(f"the CSV could not be parsed ({exc})", path=path, row=end + 1,
                               hint="check that the quotes in this row are balanced") from None
    return header, multiline


def _read_csv(path: Path, head: bytes, *, encoding, delimiter) -> RawTable:
    check_csv_head(path, head, encoding=encoding)
    text, enc = _decode(path, encoding)
    if not text.strip():
        raise SurveyInputError(
            "the file holds only white space",
            path=path,
            hint="export the survey again; the export may have failed",
        )
    details = {"encoding": enc}
    # rows are counted without a sep= line, as a spreadsheet shows them
    named, text = split_sep_line(text)
    if named:
        details["sep_line"] = True
    delim = delimiter or named or sniff_delimiter(text)
    header, _ = check_row_widths(io.StringIO(text, newline=""), delimiter=delim, path=path)
    try:
        data = pd.read_csv(
            io.StringIO(text),
            sep=delim,
            dtype=str,
            keep_default_na=False,
            skipinitialspace=False,
            on_bad_lines="error",
            index_col=False,  # never a row label from a row with one field too many
        )
    except pd.errors.ParserError as exc:
        raise _parser_error(path, exc, len(header)) from None
    except pd.errors.EmptyDataError:
        raise SurveyInputError(
            "the file has no header row",
            path=path,
            hint="the first row must name the columns",
        ) from None
    check_header(header, path)
    details["delimiter"] = delim
    return RawTable(data=data, format="csv", details=details)


def check_header(names, path: Path) -> None:
    """Refuse repeated column names before pandas renames them to ``name.1``."""
    names = [str(n).replace("\ufeff", "").strip() for n in names]
    dupes = sorted({n for n in names if n and names.count(n) > 1})
    if dupes:
        raise SurveyInputError(
            f"these column names occur more than once: {dupes}", path=path, row=1,
            hint="rename the columns so each name is unique",
        )


# --- Excel ---------------------------------------------------------------------------------


def _read_excel(path: Path, head: bytes, *, sheet) -> RawTable:
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE compound file, not a zip
        raise SurveyInputError(
            "the file is not an .xlsx workbook: it may be password-protected (encrypted) "
            "or an old .xls file",
            path=path,
            hint="open it in Excel, remove the password (File > Info > Protect Workbook) or "
                 "save it as .xlsx, or export the survey as CSV",
        )
    if not head.startswith(b"PK\x03\x04"):
        raise SurveyInputError(
            "the file is not an Excel .xlsx workbook",
            path=path,
            hint="open it in Excel and save as .xlsx, or export the survey as CSV",
        )
    try:
        book = pd.ExcelFile(path, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many kinds for corrupt files
        raise SurveyInputError(
            f"the workbook cannot be opened ({exc.__class__.__name__}: {exc})",
            path=path,
            hint="open it in Excel and save it again as .xlsx",
        ) from None
    names = book.sheet_names
    if sheet is None:
        sheet = 0
    if isinstance(sheet, int) and str(sheet) in names:
        sheet = str(sheet)  # a sheet named "2025" wins over the 2026th sheet
    if isinstance(sheet, int) and not 0 <= sheet < len(names):
        raise SurveyInputError(
            f"there is no sheet number {sheet} (the workbook has {len(names)})",
            path=path,
            hint=f"choose one of {names}",
        )
    if isinstance(sheet, str) and sheet not in names:
        raise SurveyInputError(
            f"there is no sheet named {sheet!r}",
            path=path,
            hint=f"choose one of {names}",
        )
    cells = pd.read_excel(book, sheet_name=sheet, header=None, dtype=object,
                          keep_default_na=False, na_values=[""])
    if cells.empty:
        raise SurveyInputError("the sheet is empty", path=path,
                               hint=f"choose the sheet with the responses, one of {names}")
    top = find_header_row(cells)
    header = cells.iloc[top].tolist()
    check_header([h for h in header if pd.notna(h)], path)
    data = cells.iloc[top + 1:].reset_index(drop=True)
    data.columns = ["" if pd.isna(h) else str(h) for h in header]
    # columns that are empty in the header and in every row (e.g. left of a shifted table)
    data = data.loc[:, [c != "" or data.iloc[:, i].notna().any()
                        for i, c in enumerate(data.columns)]]
    name = names[sheet] if isinstance(sheet, int) else sheet
    details = {"sheet": name}
    if top:
        details["header_row"] = top + 1
    return RawTable(data=data, format="excel", details=details, first_data_row=top + 2,
                    notes=tuple(_uncached_formulas(path, name, cells, top)))


def _uncached_formulas(path: Path, sheet: str, cells: pd.DataFrame, top: int, *,
                       rows: int = 200) -> list[str]:
    """Say which columns hold formulas without saved results (read as missing).

    Excel saves each formula's result; files written by programs (openpyxl, some
    exports) often do not, and every such cell reads as empty. The first `rows` rows are
    checked.
    """
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
        formulas = book[sheet].iter_rows(min_row=top + 2, max_row=top + 1 + rows,
                                         values_only=True)
        columns = set()
        for r, row in enumerate(formulas):
            for c, value in enumerate(row):
                cached = cells.iat[top + 1 + r, c] if (
                    top + 1 + r < len(cells) and c < cells.shape[1]) else None
                if isinstance(value, str) and value.startswith("=") and pd.isna(cached):
                    columns.add(c)
        book.close()
    except Exception:  # noqa: BLE001 - a check only: the data were read already
        return []
    if not columns:
        return []
    names = [str(cells.iat[top, c]) for c in sorted(columns)]
    return [f"columns {names} hold formulas without saved results (the file was not last "
            "saved by Excel), read as missing: open the file in Excel or LibreOffice and "
            "save it to keep their values"]


def find_header_row(cells: pd.DataFrame, *, look: int = 30) -> int:
    """Return the 0-based row of the header in a sheet read without a header.

    Title rows, notes and merged title cells above the table have fewer filled cells than
    the header. Of the top `look` rows, those that fill at least half as many cells as the
    fullest one and hold only text (or years, such as 2024 and 2025 as column names) may be
    the header; the one that fills the most cells is, the first of equals.

    Examples
    --------
    >>> sheet = pd.DataFrame([["Enkät 2025", None, None], [None, None, None],
    ...                       ["id", "svar", "vikt"], [1, "Bra", 1.0]])
    >>> find_header_row(sheet)
    2
    >>> find_header_row(pd.DataFrame([["Enkät", "2025", None, None],
    ...                               ["id", 2024, 2025, "svar"], ["R1", 3, 4, "Bra"]]))
    1
    """
    head = cells.iloc[:look]
    filled = head.notna().sum(axis=1).to_numpy()
    if not len(filled) or filled.max() < 2:
        return 0
    best, most = 0, 0
    for i, count in enumerate(filled):
        values = [v for v in head.iloc[i] if pd.notna(v)]
        if count >= max(2, filled.max() / 2) and count > most and _header_like(values):
            best, most = i, count
    return best


def _header_like(values) -> bool:
    """Whether the cells could name columns: text, or years (a column per year)."""
    def year(v) -> bool:
        return (isinstance(v, (int, float)) and not isinstance(v, bool)
                and float(v).is_integer() and 1900 <= v <= 2100)

    return any(isinstance(v, str) for v in values) and all(
        isinstance(v, str) or year(v) for v in values)


# --- SPSS and Parquet ----------------------------------------------------------------------


def _read_spss(path: Path) -> RawTable:
    import pyreadstat

    try:
        data, meta = pyreadstat.read_sav(str(path), apply_value_formats=False)
    except Exception as exc:  # pyreadstat.ReadstatError and friends
        raise SurveyInputError(
            f"the SPSS file cannot be read ({exc})",
            path=path,
            hint="save it again from SPSS as .sav, or export the survey as CSV",
        ) from None
    labels = {k: v for k, v in meta.column_names_to_labels.items() if v}
    for col, mapping in meta.variable_value_labels.items():
        data[col] = _apply_value_labels(data[col], mapping)
    return RawTable(
        data=data,
        format="spss",
        labels=labels,
        value_labels=dict(meta.variable_value_labels),
        details={"encoding": meta.file_encoding},
    )


def _apply_value_labels(s: pd.Series, mapping: dict) -> pd.Series:
    """Turn SPSS codes into an ordered categorical of their labels, in code order.

    Codes without a label are kept as their own category (as text) after the labelled ones.
    """
    order = [mapping[k] for k in sorted(mapping)]
    unlabelled = sorted({v for v in s.dropna().unique() if v not in mapping})
    extra = [_code_text(v) for v in unlabelled if _code_text(v) not in order]
    values = s.map(lambda v: mapping.get(v, _code_text(v)) if pd.notna(v) else None)
    cats = list(dict.fromkeys(order + extra))
    return pd.Series(pd.Categorical(values, categories=cats, ordered=True), index=s.index,
                     name=s.name)


def _code_text(v) -> str:
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def _read_parquet(path: Path) -> RawTable:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid and OSError
        raise SurveyInputError(
            f"the Parquet file cannot be read ({exc.__class__.__name__}: {exc})",
            path=path,
            hint="write it again with pandas.DataFrame.to_parquet",
        ) from None
    table, notes = _flat_columns(table)
    try:
        data = table.to_pandas()
    except Exception as exc:  # e.g. an extension type pandas does not know
        raise SurveyInputError(
            f"the Parquet file cannot be converted to a table ({exc.__class__.__name__}: "
            f"{exc})", path=path, hint="write it again with pandas.DataFrame.to_parquet",
        ) from None
    return RawTable(data=data, format="parquet", notes=tuple(notes))


def _flat_columns(table):
    """Keep the columns a survey can hold: leave out lists, structs and maps; decode bytes.

    A binary column whose values are all UTF-8 becomes text; otherwise it is left out.
    Each column left out gets a note, so a run that does not use it goes on.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.types as pat

    notes, keep = [], []
    for i, fld in enumerate(table.schema):
        kind = fld.type
        if pat.is_nested(kind):
            notes.append(f"column {fld.name!r} holds {kind} values (lists or records), not "
                         "one value per respondent, and was left out")
            continue
        if pat.is_binary(kind) or pat.is_large_binary(kind) or pat.is_fixed_size_binary(kind):
            try:
                table = table.set_column(i, fld.name,
                                         pc.cast(table.column(fld.name), pa.large_string()))
            except pa.ArrowInvalid:
                notes.append(f"column {fld.name!r} holds binary data that is not text, and "
                             "was left out")
                continue
        keep.append(fld.name)
    return table.select(keep), notes
