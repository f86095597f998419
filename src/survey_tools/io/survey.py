"""Load a survey export: :func:`read_survey` and the :class:`Survey` it returns."""

from __future__ import annotations

import copy
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from survey_tools.errors import SurveyInputError
from survey_tools.io.multiple_choice import split_choice_lists
from survey_tools.io.readers import read_raw
from survey_tools.io.schema import apply_types, clean_table, resolve_id

__all__ = [
    "Survey",
    "apply_value_orders",
    "read_survey",
    "read_dictionary",
    "read_value_orders",
    "describe_survey",
    "format_summary",
]


@dataclass(frozen=True)
class Survey:
    """A loaded survey: its table plus what is known about each column.

    Attributes
    ----------
    data : DataFrame
        One row per respondent, in file order; the id column is text.
    id_column : str
        Name of the id column.
    types : dict
        Column name to one of :data:`survey_tools.io.schema.COLUMN_TYPES`.
    labels : dict
        Column name to question text (from the file or a data dictionary).
    source : Path
        The file read.
    format : str
        ``"csv"``, ``"excel"``, ``"spss"`` or ``"parquet"``.
    details : dict
        How the file was read (encoding, delimiter, sheet).
    notes : tuple of str
        Decisions taken while loading that the analyst should know about.
    """

    data: pd.DataFrame
    id_column: str
    types: dict
    labels: dict
    source: Path
    format: str
    details: dict = field(default_factory=dict)
    notes: tuple = ()

    def columns_of_type(self, kind: str) -> list[str]:
        """Return the names of the columns of one type, in column order."""
        return [c for c, t in self.types.items() if t == kind]

    def label(self, column: str) -> str:
        """Return the question text of `column`, or the column name when there is none."""
        return self.labels.get(column, column)

    @property
    def n(self) -> int:
        """Number of respondents (rows)."""
        return len(self.data)


def _dictionary_table(path: Path) -> pd.DataFrame:
    table = clean_table(read_raw(path).data, path=path)
    if "column" not in table.columns:
        raise SurveyInputError("a data dictionary needs a 'column' column", path=path, row=1,
                               hint="add a header 'column,label_sv,label_en'")
    return table


def _labels(table: pd.DataFrame, lang: str, path: Path) -> dict:
    for key in (f"label_{lang}", "label", "label_en", "label_sv"):
        if key in table.columns:
            pairs = table[["column", key]].dropna()
            return dict(zip(pairs["column"].astype(str), pairs[key].astype(str), strict=True))
    raise SurveyInputError(f"the data dictionary has no 'label_{lang}' or 'label' column",
                           path=path, row=1, hint=f"add a column 'label_{lang}'")


def _orders(table: pd.DataFrame) -> dict:
    if "values" not in table.columns:
        return {}
    pairs = table[["column", "values"]].dropna()
    return {str(c): [v.strip() for v in str(vals).split("|") if v.strip()]
            for c, vals in zip(pairs["column"], pairs["values"], strict=True)}


def read_dictionary(path: str | Path, *, lang: str = "sv") -> dict:
    """Read a data dictionary: a CSV with a ``column`` column and ``label_<lang>`` labels.

    A plain ``label`` column is used when there is no ``label_<lang>``.

    Returns
    -------
    dict
        Column name to question text.
    """
    path = Path(path)
    return _labels(_dictionary_table(path), lang, path)


def read_value_orders(path: str | Path) -> dict:
    """Read the optional ``values`` column of a data dictionary: answer order per question.

    Values are separated by ``|`` and listed from first to last, e.g.
    ``Mindre kommun|Medelstor kommun|Större kommun``.

    Returns
    -------
    dict
        Column name to the list of its values in order (only columns that give one).
    """
    return _orders(_dictionary_table(Path(path)))


def apply_value_orders(data: pd.DataFrame, types: dict, orders: dict) -> list[str]:
    """Order single-choice columns as the dictionary says; return notes on unlisted values."""
    notes = []
    for col, order in orders.items():
        if col not in data.columns or types.get(col) != "single_choice":
            continue
        present = [str(v) for v in data[col].dropna().astype(str).unique()]
        extra = sorted(set(present) - set(order))
        if extra:
            notes.append(f"column {col!r} has values the data dictionary does not list: "
                         f"{extra}; they are placed last")
        values = data[col].astype(object).where(data[col].notna(), None)
        data[col] = pd.Categorical(values, categories=order + extra, ordered=True)
    return notes


def read_survey(
    path: str | Path,
    *,
    id_column: str | None = None,
    sheet: str | int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    dictionary: str | Path | None = None,
    lang: str = "sv",
) -> Survey:
    """Read a survey export (CSV, Excel, SPSS .sav or Parquet) and check it.

    CSV files have their encoding (UTF-8, UTF-8 with BOM, UTF-16, cp1252/latin-1), delimiter
    (``,`` ``;`` tab ``|``) and decimal comma detected. SPSS value labels become ordered
    categoricals and variable labels become question texts. Every row of the file is kept,
    in file order.

    Parameters
    ----------
    path : str or Path
        The export file.
    id_column : str, optional
        The respondent id column. Default: a column named ``id``, ``respondent_id`` or
        similar; without one, ids are made from the row order and a note says so.
    sheet : str or int, optional
        Excel sheet (name or 0-based position); default the first.
    encoding, delimiter : str, optional
        CSV only: override detection.
    dictionary : str or Path, optional
        A data dictionary CSV (``column,label_sv,label_en[,values]``) with question texts
        and, optionally, the order of the answers (``values``, separated by ``|``).
    lang : str
        Language of the question texts to take from the dictionary.

    Returns
    -------
    Survey
        The table and what was learned about it.

    Raises
    ------
    SurveyInputError
        With file, row, column and what to do, for any input that cannot be used.

    Examples
    --------
    >>> from survey_tools.paths import sample_survey_path
    >>> survey = read_survey(sample_survey_path())
    >>> survey.types["lik_leadership"]
    'likert'

    Notes
    -----
    A file read before in this process with the same options, and unchanged since (the
    same size and modification time, its dictionary too), is given again from memory as
    a copy: the report's notebooks read the survey seven times in two kernels, 0.36 s each
    on the sample (issue #31, item 14). Files over 50 MB are not kept.
    """
    key = _read_key(path, dictionary, (id_column, sheet, encoding, delimiter, lang))
    if key is not None and key in _READ:
        return replace(copy.deepcopy(_READ[key]), source=Path(path))
    survey = _read_survey(path, id_column=id_column, sheet=sheet, encoding=encoding,
                          delimiter=delimiter, dictionary=dictionary, lang=lang)
    if key is not None:
        _READ.clear()  # the last survey read only: a report reads one
        _READ[key] = copy.deepcopy(survey)
    return survey


#: The last survey read, by :func:`_read_key` (see :func:`read_survey`, Notes).
_READ: dict = {}
_KEEP_BELOW = 50_000_000  # bytes


def _read_key(path, dictionary, options) -> tuple | None:
    """Return what identifies one read of `path`, or None when it is not to be kept.

    The key holds the files' names, sizes and times and the options; None when a file
    cannot be looked at or is too large to keep.
    """
    files = []
    for f in (path, dictionary):
        if f is None:
            files.append(None)
            continue
        try:
            resolved = Path(f).resolve()
            stat = resolved.stat()
        except (OSError, TypeError, ValueError):
            return None
        if stat.st_size > _KEEP_BELOW:
            return None
        files.append((str(resolved), stat.st_size, stat.st_mtime_ns))
    return (*files, *map(str, options))


def _read_survey(path, *, id_column, sheet, encoding, delimiter, dictionary, lang) -> Survey:
    """Read and check the survey (:func:`read_survey` without its memory)."""
    raw = read_raw(path, sheet=sheet, encoding=encoding, delimiter=delimiter)
    if raw.data.empty and raw.data.shape[1] > 0:
        raise SurveyInputError(
            "the file has a header but no data rows", path=path, row=2,
            hint="check that the export contains responses (filters, date range)",
        )
    table = clean_table(raw.data, path=path)
    table, errors = _excel_errors_as_missing(table)
    table, id_col, note = resolve_id(table, id_column, path=path, first_row=raw.first_data_row)
    table, split = split_choice_lists(table, keep=(id_col,), path=path)
    table, types = apply_types(table, id_col)
    labels = {unicodedata.normalize("NFC", str(k)): v for k, v in raw.labels.items()}
    notes = [*raw.notes, *errors, *([note] if note else []), *split]
    if dictionary is not None:
        dictionary = Path(dictionary)
        entries = _dictionary_table(dictionary)  # read once for labels and answer order
        labels.update(_labels(entries, lang, dictionary))
        notes += apply_value_orders(table, types, _orders(entries))
    return Survey(
        data=table.reset_index(drop=True),
        id_column=id_col,
        types=types,
        labels=labels,
        source=Path(path),
        format=raw.format,
        details=raw.details,
        notes=tuple(notes),
    )


#: What Excel writes into a cell whose formula fails; in an export they mean "no value".
EXCEL_ERRORS = frozenset({"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!",
                          "#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!"})


def _excel_errors_as_missing(table: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Read Excel's error values (``#N/A``, ``#DIV/0!`` ...) as missing, with a note.

    Left as text they made a numeric column (age, a weight) an open question.
    """
    counts = {}
    for column in table.columns:
        values = table[column]
        if values.dtype != object and not pd.api.types.is_string_dtype(values):
            continue
        hit = values.isin(EXCEL_ERRORS)
        if hit.any():
            table.loc[hit, column] = None
            counts[column] = int(hit.sum())
    if not counts:
        return table, []
    where = ", ".join(f"{c} ({n})" for c, n in counts.items())
    return table, [f"{sum(counts.values())} cells held Excel error values (#N/A, #DIV/0! …) "
                   f"and are read as missing: {where}"]


def describe_survey(survey: Survey) -> pd.DataFrame:
    """Return one row per column: type, question text, answered, missing, distinct values.

    Free-text answers themselves are never shown here (they may hold personal data).
    """
    rows = []
    for col, kind in survey.types.items():
        s = survey.data[col]
        rows.append({
            "column": col,
            "type": kind,
            "question": survey.labels.get(col, ""),
            "answered": int(s.notna().sum()),
            "missing": int(s.isna().sum()),
            "distinct": int(s.nunique(dropna=True)),
        })
    return pd.DataFrame(rows)


def format_summary(survey: Survey) -> str:
    """Return the load summary as plain text (used by ``survey-tools validate``)."""
    counts = pd.Series(survey.types).value_counts()
    how = ", ".join(f"{k}={v!r}" for k, v in survey.details.items() if v is not None)
    lines = [
        f"File: {survey.source}",
        f"Format: {survey.format}" + (f" ({how})" if how else ""),
        f"Rows: {survey.n}",
        f"Columns: {survey.data.shape[1]}",
        f"Id column: {survey.id_column}",
        "Question types: " + ", ".join(f"{k} {counts[k]}" for k in sorted(counts.index)),
    ]
    lines += [f"Note: {n}" for n in survey.notes]
    table = describe_survey(survey).drop(columns="question")
    lines += ["", table.to_string(index=False)]
    return "\n".join(lines)
