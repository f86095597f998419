"""Before/after chart (dumbbell) of mean scores by group."""

from __future__ import annotations

import numpy as np

from survey_tools.i18n import term
from survey_tools.report.charts._common import color, new_axes, shared_docs
from survey_tools.report.style import with_n, wrap

__all__ = ["plot_change"]


@shared_docs
def plot_change(table, *, ax=None, lang: str = "sv", title: str | None = None,
                scale: tuple[float, float] = (1, 5), wrap_width: int = 38):
    """Draw each group's mean before and after, joined by a line, with t intervals.

    Parameters
    ----------
    table : DataFrame
        From :func:`~survey_tools.stats.tables.change_table`.
    {ax}
    {lang}
    title : str, optional
        Title.
    scale : tuple of float
        The ends of the score scale, for the x axis.
    {wrap_width}

    Returns
    -------
    Axes
    """
    ax = new_axes(ax, 0.5 * len(table) + 1.4)
    y = np.arange(len(table))[::-1]
    for k, (when, marker) in enumerate((("before", "o"), ("after", "D"))):
        mean = table[f"mean_{when}"].to_numpy(dtype=float)
        err = np.nan_to_num(np.vstack([
            mean - table[f"ci_low_{when}"].to_numpy(dtype=float),
            table[f"ci_high_{when}"].to_numpy(dtype=float) - mean,
        ]))
        ax.errorbar(mean, y, xerr=err, fmt=marker, color=color(k), ecolor=color(k),
                    capsize=3, markersize=7, label=term(when, lang), zorder=3)
    ax.hlines(y, table["mean_before"], table["mean_after"], color="#999999", linewidth=2,
              zorder=2)
    ax.set_yticks(y, [wrap(with_n(g, n, lang), wrap_width)
                      for g, n in zip(table["group"].astype(str), table["n"], strict=True)])
    ax.set_xlim(scale[0] - 0.2, scale[1] + 0.2)
    ax.set_xlabel(term("mean_score", lang))
    ax.set_ylim(-0.7, len(table) - 0.3)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right", fontsize=8)
    if title:
        ax.set_title(title)
    return ax
