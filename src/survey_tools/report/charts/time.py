"""Shares over time: one line per category with its confidence band."""

from __future__ import annotations

import numpy as np

from survey_tools.report.charts._common import color, new_axes, shared_docs
from survey_tools.report.style import wrap

__all__ = ["plot_over_time"]


@shared_docs
def plot_over_time(table, *, ax=None, lang: str = "sv", title: str | None = None,
                   ylabel: str | None = None, max_lines: int = 6, wrap_width: int = 30):
    """Draw each category's share per period as a line with its 95 % interval.

    Up to three lines get shaded bands; more get error bars, each line set a little aside
    (five overlapping bands read as one blur).

    Parameters
    ----------
    table : DataFrame
        ``period, category, percent, ci_low, ci_high`` (e.g. from
        :func:`~survey_tools.nlp.conversations.themes_over_time`), periods in time order.
    {ax}
    {lang}
    title, ylabel : str, optional
        Title and y-axis label.
    max_lines : int
        Draw the categories with the most cases, at most this many (the chart stays
        readable); the table keeps all.
    {wrap_width}

    Returns
    -------
    Axes
    """
    ax = new_axes(ax, 4.2, width=8.0)
    periods = list(dict.fromkeys(table["period"].astype(str)))
    x = np.arange(len(periods))
    totals = table.groupby("category", sort=False)["n"].sum() if "n" in table else None
    cats = list(dict.fromkeys(table["category"].astype(str)))
    if totals is not None:
        cats = [c for c in totals.sort_values(ascending=False, kind="stable").index.astype(str)]
    shown = cats[:max_lines]
    bands = len(shown) <= 3  # more shaded bands overlap into one blur: error bars instead
    for k, cat in enumerate(shown):
        rows = table[table["category"].astype(str) == cat]
        rows = rows.set_index(rows["period"].astype(str)).reindex(periods)
        pct = rows["percent"].to_numpy(dtype=float)
        low, high = (rows[c].to_numpy(dtype=float) for c in ("ci_low", "ci_high"))
        if bands:
            ax.plot(x, pct, marker="o", color=color(k), label=wrap(cat, wrap_width), zorder=3)
            ax.fill_between(x, low, high, color=color(k), alpha=0.12, linewidth=0)
        else:  # each line a little aside, so its bars do not hide the others'
            shift = (k - (len(shown) - 1) / 2) * min(0.08, 0.4 / len(shown))
            ax.errorbar(x + shift, pct, yerr=[pct - low, high - pct], marker="o",
                        markersize=4, capsize=2, linewidth=1.4, elinewidth=0.8,
                        color=color(k), label=wrap(cat, wrap_width), zorder=3)
    ax.set_xticks(x, periods)
    top = np.nanmax(table["ci_high"].to_numpy(dtype=float)) if len(table) else 100.0
    ax.set_ylim(0, min(100.0, max(10.0, 1.1 * float(np.nan_to_num(top, nan=100.0)))))
    ax.set_ylabel(ylabel or ("Andel (%)" if lang == "sv" else "Share (%)"))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    if title:
        ax.set_title(title)
    return ax
