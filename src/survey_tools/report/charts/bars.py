"""Bar charts of shares with confidence intervals: one group, or groups side by side."""

from __future__ import annotations

import numpy as np

from survey_tools.i18n import term
from survey_tools.report.charts._common import (
    color,
    error_widths,
    new_axes,
    percent_axis,
    shared_docs,
)
from survey_tools.report.style import format_percent, with_n, wrap

__all__ = ["plot_frequency", "plot_grouped"]


@shared_docs
def plot_frequency(table, *, label: str = "category", ax=None, lang: str = "sv",
                   title: str | None = None, show_values: bool = True, wrap_width: int = 38):
    """Draw horizontal bars of ``percent`` with Wilson intervals, in table order.

    Parameters
    ----------
    table : DataFrame
        From :func:`~survey_tools.stats.tables.frequency_table` or
        :func:`~survey_tools.stats.tables.multi_response_table` (columns `label`, ``percent``,
        ``ci_low``, ``ci_high``, ``base_n``).
    label : str
        Column with the bar labels (``"category"``, or ``"label"`` for multi-response).
    {ax}
    {lang}
    title : str, optional
        Title; the base n is added to it.
    show_values : bool
        Write the percentage at the end of each bar.
    {wrap_width}

    Returns
    -------
    Axes
    """
    ax = new_axes(ax, 0.45 * len(table) + 1.2)
    y = np.arange(len(table))[::-1]
    pct = table["percent"].to_numpy(dtype=float)
    ax.barh(y, pct, color=color(0), height=0.65)
    ax.errorbar(pct, y, xerr=error_widths(table), fmt="none", ecolor="#333333",
                elinewidth=1, capsize=3)
    ax.set_yticks(y, [wrap(v, wrap_width) for v in table[label].astype(str)])
    if show_values:
        for yi, p, hi in zip(y, pct, table["ci_high"].to_numpy(dtype=float), strict=True):
            if np.isfinite(p):
                ax.text(np.nanmax([p, hi]) + 1.5, yi, format_percent(p, lang), va="center",
                        fontsize=9)
    percent_axis(ax, term("percent", lang), np.nanmax(table["ci_high"].to_numpy(dtype=float)))
    base = int(table["base_n"].max()) if len(table) else 0
    if title:
        ax.set_title(with_n(title, base, lang) if "base_n" in table else title)
    return ax


@shared_docs
def plot_grouped(table, *, label: str = "category", group: str = "group", ax=None,
                 lang: str = "sv", title: str | None = None, wrap_width: int = 38,
                 value: str = "percent", xlabel: str | None = None):
    """Draw groups side by side (horizontal bars of ``percent`` with intervals).

    Groups keep the order (and so the colours) of a categorical `group` column: give the
    survey's order to have a group in the same colour in every chart.

    Parameters
    ----------
    table : DataFrame
        Long table with one row per `group` × `label`, e.g. from
        :func:`~survey_tools.stats.tables.crosstab_table`,
        :func:`~survey_tools.stats.tables.multi_response_table` with ``by=``, or
        :func:`~survey_tools.stats.tables.likert_summary` with ``by=``.
    label, group : str
        Columns naming the bars and the groups.
    {ax}
    {lang}
    title : str, optional
        Title.
    {wrap_width}
    value : str
        The column the bars show: ``percent`` (with intervals), or a count such as
        ``interviews`` (no intervals; for groups too small for a percentage to mean much,
        three interviews say more as "2" than as "67 %").
    xlabel : str, optional
        The axis label of a count (default: "Antal"/"Count").

    Returns
    -------
    Axes
        The legend shows each group with its n.
    """
    labels = list(dict.fromkeys(table[label].astype(str)))
    groups = [g for g in _ordered(table[group]) if (table[group] == g).any()]
    k = len(groups)
    ax = new_axes(ax, (0.16 * k + 0.2) * len(labels) + 1.4)  # printed, two fit on a page
    height = 0.8 / max(k, 1)
    base_y = np.arange(len(labels))[::-1].astype(float)
    for i, g in enumerate(groups):
        part = table[table[group] == g].set_index(table[table[group] == g][label].astype(str))
        part = part.reindex(labels)
        y = base_y + 0.4 - height * (i + 0.5)
        pct = part[value].to_numpy(dtype=float)
        n = int(part["base_n"].max()) if "base_n" in part else None
        name = with_n(g, n, lang) if n is not None else str(g)
        ax.barh(y, pct, height=height * 0.92, color=color(i), label=name)
        if value == "percent":
            ax.errorbar(pct, y, xerr=error_widths(part), fmt="none", ecolor="#333333",
                        elinewidth=0.8, capsize=2)
    ax.set_yticks(base_y, [wrap(v, wrap_width) for v in labels])
    if value == "percent":
        percent_axis(ax, term("percent", lang),
                     np.nanmax(table["ci_high"].to_numpy(dtype=float)))
    else:
        from matplotlib.ticker import MaxNLocator

        top = float(np.nanmax(table["base_n"] if "base_n" in table else table[value]))
        ax.set_xlim(0, max(top, 1.0))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(xlabel or term("n_count", lang))
        ax.grid(axis="y", visible=False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    if title:
        ax.set_title(title)
    return ax


def _ordered(s):
    if hasattr(s, "cat"):
        return list(s.cat.categories)
    return list(dict.fromkeys(s))
