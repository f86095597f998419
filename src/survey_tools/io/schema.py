"""Clean a raw table, check its ids and detect what kind of question each column is."""

from __future__ import annotations

import difflib
import re
import unicodedata

import numpy as np
import pandas as pd

from survey_tools.errors import SurveyInputError
from survey_tools.io.multiple_choice import is_tick_column, split_header, to_ticks
from survey_tools.io.scales import canonical_label, find_scale

__all__ = [
    "COLUMN_TYPES",
    "guess_id_column",
    "id_text",
    "to_choice",
    "clean_table",
    "resolve_column",
    "resolve_id",
    "row_ids",
    "default_ids",
    "infer_column_type",
    "apply_types",
]

#: The kinds of column a survey has.
COLUMN_TYPES = ("id", "open_text", "likert", "single_choice", "multiple_choice", "numeric",
                "datetime")

_ID_NAMES = ("id", "respondent_id", "respondentid", "respondent", "response_id", "responseid",
             "svar_id", "svarsid", "resp_id", "lopnr", "löpnr", "record", "case_id", "caseid")
# Dates and times as survey tools export them ("Submitted", "Start time"): ISO, with
# slashes, or day.month.year / month/day/year, each with an optional time of day.
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?: ?[AaPp]\.?[Mm]\.?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_DATETIME = re.compile(r"(?:\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{1,2}/\d{1,2}"
                       r"|\d{1,2}[./-]\d{1,2}[./-]\d{2,4})" + _TIME)
# A number: digits with an optional decimal point or comma, and an exponent only as
# programs write one (1.5E-3, 1e+05): "0E0" or "1E100" typed into an answer stay text.
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$"
                     r"|^[+-]?(\d+[.,]\d*|[.,]\d+)[eE][+-]?\d+$|^[+-]?\d+[eE][+-]\d+$")
_LEADING_ZERO = re.compile(r"^0\d")


def clean_table(data: pd.DataFrame, *, path=None) -> pd.DataFrame:
    """Return a copy with tidy column names and text cells stripped ("" becomes missing).

    Raises
    ------
    SurveyInputError
        When the table has no columns, or column names are empty or repeated.
    """
    if data.shape[1] == 0:
        raise SurveyInputError("the file has no columns", path=path,
                               hint="the first row must name the columns")
    # NFC: a header saved on macOS (NFD, "o" + combining umlaut) is the same name as one
    # typed elsewhere ("ö"), not a look-alike that "did you mean" cannot explain
    names = [unicodedata.normalize("NFC", str(c).replace("\ufeff", "").strip())
             for c in data.columns]
    for i, name in enumerate(names):
        if not name or name.startswith("Unnamed:"):
            raise SurveyInputError(
                f"column number {i + 1} has no name", path=path, row=1,
                hint="give every column a name in the header row, or delete empty columns",
            )
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise SurveyInputError(
            f"these column names occur more than once: {dupes}", path=path, row=1,
            hint="rename the columns so each name is unique",
        )
    out = data.copy()
    out.columns = names
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            if isinstance(s.dtype, pd.CategoricalDtype):
                continue
            out[col] = _strip_text(s)
    return out


def _strip_text(s: pd.Series) -> pd.Series:
    def fix(v):
        if isinstance(v, str):
            v = v.strip()
            return v if v else np.nan
        return v

    return s.map(fix).astype(object)


def resolve_column(data: pd.DataFrame, name: str, *, path=None, what="column") -> str:
    """Return `name` if it is a column, else raise an error that suggests the closest name."""
    name = unicodedata.normalize("NFC", str(name))
    if name in data.columns:
        return name
    lower = {str(c).casefold(): c for c in data.columns}
    if name.casefold() in lower:
        return lower[name.casefold()]
    close = difflib.get_close_matches(name, [str(c) for c in data.columns], n=3, cutoff=0.5)
    hint = f"did you mean {close[0]!r}?" if close else f"choose one of {list(data.columns)}"
    raise SurveyInputError(f"there is no {what} named {name!r}", path=path, column=name,
                           hint=hint)


def guess_id_column(data: pd.DataFrame) -> str | None:
    """Return the column that looks like a respondent id by its name, or None."""
    for col in data.columns:
        key = re.sub(r"[\s\-]+", "_", str(col).casefold())
        if key in _ID_NAMES:
            return col
    return None


def id_text(s: pd.Series) -> pd.Series:
    """Return respondent ids as text: ``12.0`` → ``"12"``, spaces stripped, blanks missing.

    How both engines read an id column (:func:`resolve_id`, and the Dask engine per partition).

    Examples
    --------
    >>> id_text(pd.Series([12.0, " a7 ", "", None])).tolist()
    ['12', 'a7', nan, nan]
    """
    def fix(v):
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            return np.nan
        if isinstance(v, (float, np.floating)) and float(v).is_integer():
            return str(int(v))
        return str(v).strip() or np.nan

    return s.map(fix).astype(object)


def row_ids(start: int, stop: int, n_total: int) -> np.ndarray:
    """Ids ``row-00001``... for rows `start`..`stop`-1 (0-based) of a file of `n_total` rows.

    What the readers and the Dask engine make when a file has no id column.

    Examples
    --------
    >>> row_ids(0, 2, 10).tolist()
    ['row-00001', 'row-00002']
    >>> row_ids(0, 1, 123_456).tolist()
    ['row-000001']
    """
    width = max(5, len(str(n_total)))
    return np.array([f"row-{i + 1:0{width}d}" for i in range(start, stop)], dtype=object)


def default_ids(ids, n: int) -> pd.Series:
    """Return `ids` as an object Series; None gives ``1..n``. Any length other than `n` is refused.

    The ids of the estimators' ``fit(X, ids=...)`` (topic model, coders, search index).

    Examples
    --------
    >>> default_ids(None, 3).tolist()
    [1, 2, 3]
    """
    ids = pd.Series(range(1, n + 1) if ids is None else list(ids), dtype=object)
    if len(ids) != n:
        raise ValueError(f"ids has {len(ids)} values but there are {n} answers")
    return ids


def resolve_id(data: pd.DataFrame, id_column: str | None, *, path=None, first_row=2):
    """Find or make the id column and check ids are present and unique.

    Parameters
    ----------
    data : DataFrame
        The cleaned table (not modified).
    id_column : str or None
        The id column; None looks for a column called ``id``, ``respondent_id`` or similar,
        and when there is none makes ids ``row-00001``... from the row order.
    path : str or Path, optional
        The file, for messages.
    first_row : int
        Spreadsheet-style row number of the first data row.

    Returns
    -------
    data : DataFrame
        A copy with the id column as text (leading zeros kept).
    id_column : str
        Its name.
    note : str or None
        What was decided, when the ids were made up.
    """
    out = data.copy()
    note = None
    if id_column is not None:
        id_column = resolve_column(out, id_column, path=path, what="id column")
    else:
        id_column = guess_id_column(out)
    if id_column is None:
        id_column = "row_id"
        while id_column in out.columns:
            id_column = "_" + id_column
        out.insert(0, id_column, row_ids(0, len(out), len(out)))
        note = (f"no id column found: ids {id_column!r} were made from the row order "
                f"({row_ids(0, 1, len(out))[0]} is the first data row); pass id_column to "
                "use your own")
        return out, id_column, note
    ids = id_text(out[id_column])
    missing = np.flatnonzero(ids.isna().to_numpy())
    if len(missing):
        rows = [int(i) + first_row for i in missing[:5]]
        raise SurveyInputError(
            f"{len(missing)} row(s) have no id (rows {rows}{'…' if len(missing) > 5 else ''})",
            path=path, row=rows[0], column=id_column,
            hint="give every row an id, or leave id_column out to number rows automatically",
        )
    dup = ids.duplicated(keep=False).to_numpy()
    if dup.any():
        first = ids[dup].iloc[0]
        rows = [int(i) + first_row for i in np.flatnonzero((ids == first).to_numpy())]
        n_ids = ids[dup].nunique()
        raise SurveyInputError(
            f"ids must be unique, but {n_ids} id(s) occur more than once; "
            f"e.g. {first!r} is on rows {rows[:5]}",
            path=path, row=rows[0], column=id_column,
            hint="remove duplicate responses from the export, or name another id column",
        )
    out[id_column] = ids
    return out, id_column, note


def _numeric(s: pd.Series):
    """Return `s` as numbers when every value is a number (decimal point or comma), else None."""
    values = s.dropna()
    if values.empty:
        return None
    if pd.api.types.is_bool_dtype(values):
        return s.astype(float)
    if pd.api.types.is_numeric_dtype(values):
        return pd.to_numeric(s)
    text = values.astype(str)
    if not text.map(lambda v: bool(_NUMBER.match(v))).all():
        return None
    if text.map(lambda v: bool(_LEADING_ZERO.match(v))).any():
        return None  # codes such as postal or id numbers: keep as text
    has_comma = text.str.contains(",", regex=False)
    has_point = text.str.contains(".", regex=False)
    if has_comma.any() and has_point.any():
        return None
    return pd.to_numeric(s.map(lambda v: v.replace(",", ".") if isinstance(v, str) else v))


def infer_column_type(s: pd.Series) -> str:
    """Return the kind of question a column holds: one of ``COLUMN_TYPES`` but ``"id"``.

    Rules, in order: dates and times (such as a "Submitted" timestamp) → ``datetime``;
    numbers that are all 0/1 → ``multiple_choice`` (one option of a check-all question);
    other numbers → ``numeric``; a single "ticked" value and blanks (``Selected``,
    ``Vald``, or the option text under a ``"Question - Option"`` header; see
    :mod:`survey_tools.io.multiple_choice`) → ``multiple_choice``; labels that cover a
    known response scale → ``likert``; text with few distinct, short values →
    ``single_choice``; other text → ``open_text``.

    Examples
    --------
    >>> infer_column_type(pd.Series(["Instämmer helt", "Vet ej", "Instämmer delvis"]))
    'likert'
    >>> infer_column_type(pd.Series(["1", "0", "1"]))
    'multiple_choice'
    >>> infer_column_type(pd.Series(["Excel", None, "Excel"], name="Vilka verktyg? - Excel"))
    'multiple_choice'
    >>> infer_column_type(pd.Series(["2025-03-04 10:15:22", "2025-03-05 09:01:00", None]))
    'datetime'
    >>> infer_column_type(pd.Series(["Mötet 2025-03-04 var bra", "Inget", "Bra kurs"]))
    'open_text'
    """
    values = s.dropna()
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return "datetime"
    if isinstance(s.dtype, pd.CategoricalDtype):
        values = values.astype(str)
    if _dates(values):
        return "datetime"
    num = _numeric(values) if not isinstance(s.dtype, pd.CategoricalDtype) else None
    if num is not None:
        return "multiple_choice" if set(np.unique(num)) <= {0, 1} else "numeric"
    if values.empty:
        return "open_text"
    if is_tick_column(values, s.name):
        return "multiple_choice"
    distinct = values.astype(str).unique()
    if find_scale(distinct) is not None:
        return "likert"
    lengths = values.astype(str).str.len()
    few = len(distinct) <= max(12, min(40, int(0.05 * len(values))))
    if few and lengths.median() <= 60 and len(distinct) < len(values):
        return "single_choice"
    return "open_text"


def _to_likert(s: pd.Series) -> pd.Series:
    values = s.dropna().astype(str)
    scale = find_scale(values.unique())
    labels = s.map(lambda v: canonical_label(str(v), scale) if pd.notna(v) else np.nan)
    present_dk = [d for d in scale.dont_know if (labels == d).any()]
    cats = list(scale.levels) + present_dk
    return pd.Series(pd.Categorical(labels, categories=cats, ordered=True), index=s.index,
                     name=s.name)


def to_choice(s: pd.Series) -> pd.Series:
    """Return `s` as a single-choice categorical, the most frequent answer first."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return s.cat.remove_unused_categories()
    values = s.dropna().astype(str)
    order = sorted(values.unique(), key=lambda v: (-int((values == v).sum()), v))
    return pd.Series(pd.Categorical(s.astype(object), categories=order), index=s.index,
                     name=s.name)


def _dates(values: pd.Series) -> bool:
    """Whether (nearly) every value is a date or a date and time."""
    text = values.astype(str).str.strip()
    text = text[text != ""]
    if text.empty:
        return False
    return float(text.map(lambda v: bool(_DATETIME.fullmatch(v))).mean()) >= 0.95


def apply_types(data: pd.DataFrame, id_column: str) -> tuple[pd.DataFrame, dict]:
    """Detect each column's type and convert it (Likert to ordered categoricals, etc.).

    Returns
    -------
    data : DataFrame
        A converted copy.
    types : dict
        Column name to type, in column order.
    """
    out = data.copy()
    types = {col: "id" if col == id_column else infer_column_type(out[col])
             for col in out.columns}
    _options_nobody_ticked(out, types)
    for col, kind in types.items():
        if col == id_column:
            continue
        if kind in ("numeric", "multiple_choice"):
            num = _numeric(out[col])
            if num is None:  # check-all options written as "ticked" and blank
                out[col] = to_ticks(out[col])
            else:
                integers = kind == "multiple_choice" or _all_integers(num)
                out[col] = num.astype("Int64") if integers else num
        elif kind == "likert":
            out[col] = _to_likert(out[col])
        elif kind == "single_choice":
            out[col] = to_choice(out[col])
        else:
            out[col] = out[col].map(lambda v: v if pd.isna(v) else str(v)).astype(object)
    return out, types


def _options_nobody_ticked(data: pd.DataFrame, types: dict) -> None:
    """Mark empty columns beside check-all options of the same question as options too.

    An option nobody ticked is an empty column in a "ticked"/blank export
    (``"Verktyg? - Annat"``); it belongs to the set (0 %), not to the open answers.
    """
    columns = list(types)
    for i, col in enumerate(columns):
        if types[col] != "open_text" or data[col].notna().any():
            continue
        parts = split_header(col)
        neighbours = [c for c in columns[max(i - 1, 0):i + 2] if c != col]
        if parts is not None and any(
                types[c] == "multiple_choice" and (split_header(c) or (None,))[0] == parts[0]
                for c in neighbours):
            types[col] = "multiple_choice"


def _all_integers(s: pd.Series) -> bool:
    """Whether every value is a whole number that an integer column can hold exactly."""
    values = s.dropna().astype(float)
    return (bool(len(values)) and bool(np.all(np.mod(values, 1) == 0))
            and bool(np.all(np.abs(values) < 2**53)))
