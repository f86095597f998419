"""Tables as a report shows them: no index, translated headers, numbers in the report's format.

The CSV files under ``tables/`` keep the machine-readable form (English column names, full
precision); this module only decides how a table looks on the page. Headers and the
number of decimals per column are data, in ``resources/columns.yaml``.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from survey_tools.resources import load_yaml

__all__ = ["column_header", "report_headers", "table_value", "format_number", "report_table",
           "use_report_tables"]

_YES_NO = {"sv": ("Ja", "Nej"), "en": ("Yes", "No")}


def column_header(column: str, lang: str = "sv") -> str:
    """Return the report header of `column` (its name when none is defined).

    Examples
    --------
    >>> column_header("ci_low", "sv"), column_header("base_n", "en"), column_header("x")
    ('95 % KI, nedre', 'Base (n)', 'x')
    """
    entry = load_yaml("columns.yaml").get(str(column))
    return str(column) if entry is None else entry.get(lang) or entry.get("en") or str(column)


def report_headers(columns, lang: str = "sv") -> list[str]:
    """Return the report's header of each column, two columns with one header named apart.

    Examples
    --------
    >>> report_headers(["percent", "share", "x"], "en")
    ['Share (%)', 'Share (%) (share)', 'x']
    """
    shown = []
    for name in columns:
        header = column_header(name, lang)
        if header in shown:  # two columns with one header: keep both, named apart
            header = f"{header} ({name})"
        shown.append(header)
    return shown


def table_value(value, lang: str = "sv") -> str:
    """Return a text cell as a report shows it: survey_tools' own values in `lang`.

    Statuses and summary rows that survey_tools writes into its tables (``all (pooled)``,
    ``other speaker`` …) are translated (``resources/values.yaml``); the survey's own
    values are shown as they are.

    Examples
    --------
    >>> table_value("other speaker", "sv"), table_value("Kommun", "en")
    ('Annan talare', 'Kommun')
    """
    entry = load_yaml("values.yaml").get(str(value))
    return str(value) if entry is None else entry.get(lang) or str(value)


def format_number(value, lang: str = "sv", decimals: int = 1) -> str:
    r"""Format a number for a report: ``1 234,5`` in Swedish, ``1,234.5`` in English.

    Thousands are separated by a no-break space in Swedish (as the charts do); missing
    values become an en dash.

    Examples
    --------
    >>> format_number(1234.56, "sv"), format_number(1234.56, "en"), format_number(7, "sv", 0)
    ('1\xa0234,6', '1,234.6', '7')
    >>> format_number(float("nan"))
    '–'
    """
    if value is None or (isinstance(value, float) and np.isnan(value)) or pd.isna(value):
        return "–"
    s = f"{float(value):,.{decimals}f}"
    if lang == "sv":
        s = s.replace(",", " ").replace(".", ",").replace(" ", "\u00a0")
        s = s.replace("-", "\u2212")  # a minus sign, not a hyphen
    return s


def _decimals(value, *, count: bool, decimals: int) -> int:
    """Decimals for one cell: none for a whole number in a count column."""
    whole = count and not pd.isna(value) and float(value) == round(float(value))
    return 0 if whole else decimals


def report_table(table: pd.DataFrame, *, lang: str = "sv"):
    r"""Return `table` styled for the report page (a pandas ``Styler``).

    No index column; headers from ``resources/columns.yaml`` in `lang`; whole numbers in
    count columns as integers (``238``, not ``238.000``; a mean row keeps its decimal),
    other numbers with the column's decimals (1 by
    default) and the report language's decimal mark and thousands separator; True/False
    as Ja/Nej (Yes/No); survey_tools' own values (statuses, summary rows) in `lang`
    (:func:`table_value`); missing values as an en dash (numbers) or blank (text). Values
    and headers are HTML-escaped: a table never carries markup or script into the page.

    Examples
    --------
    >>> t = pd.DataFrame({"n": [1250.0, 3.0], "percent": [12.345, None]})
    >>> report_table(t).data.to_dict("list")
    {'Antal': ['1\xa0250', '3'], 'Andel (%)': ['12,3', '–']}
    """
    columns = load_yaml("columns.yaml")
    yes, no = _YES_NO.get(lang, _YES_NO["en"])
    shown, numeric = {}, []
    for name, header in zip(table.columns, report_headers(table.columns, lang), strict=True):
        values = table[name]
        entry = columns.get(str(name), {})
        if pd.api.types.is_bool_dtype(values.dtype):
            cells = [yes if v else no for v in values]
        elif pd.api.types.is_integer_dtype(values.dtype):
            cells = [format_number(v, lang, 0) for v in values]
        elif pd.api.types.is_numeric_dtype(values.dtype):
            count, decimals = bool(entry.get("count")), int(entry.get("decimals", 1))
            cells = [format_number(v, lang, _decimals(v, count=count, decimals=decimals))
                     for v in values]
        else:
            cells = ["" if v is None or (not isinstance(v, str) and pd.isna(v))
                     else table_value(v, lang) for v in values]
        shown[header] = cells
        if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(
                values.dtype):
            numeric.append(header)
    out = pd.DataFrame(shown, index=range(len(table)))
    # The same table gets the same element ids on every run (pandas draws random ones).
    uuid = hashlib.sha1(out.to_csv().encode("utf-8")).hexdigest()[:10]
    # every value and header is text to show, never markup: "<img onerror=...>" in a
    # group's name or a column's stays text on the page
    return (out.style.hide(axis="index").set_uuid(uuid)
            .format(escape="html").format_index(escape="html", axis=1)
            .set_properties(subset=numeric, **{"text-align": "right"})
            .set_table_attributes('class="report-table"'))


def use_report_tables(lang: str = "sv") -> None:
    """Show every DataFrame in this notebook as :func:`report_table` does (report kernels).

    Registers an HTML formatter with IPython; outside IPython it does nothing.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with jupyterlab
        return
    shell = get_ipython()
    if shell is None:
        return
    html = shell.display_formatter.formatters["text/html"]
    html.for_type(pd.DataFrame, lambda table: report_table(table, lang=lang).to_html())
