"""Diverging stacked bar chart of Likert items."""

from __future__ import annotations

import numpy as np

from survey_tools.i18n import term
from survey_tools.report.charts._common import new_axes, shared_docs
from survey_tools.report.style import likert_colors, with_n, wrap

__all__ = ["plot_likert"]


@shared_docs
def plot_likert(table, *, ax=None, lang: str = "sv", title: str | None = None,
                sort: bool = False, wrap_width: int = 40):
    """Draw a diverging stacked bar per item: disagreement left of 0, agreement right.

    The middle level of an odd scale is split evenly over both sides of 0.

    Parameters
    ----------
    table : DataFrame
        From :func:`~survey_tools.stats.tables.likert_table` (without ``by``).
    {ax}
    {lang}
    title : str, optional
        Title.
    sort : bool
        Order items by their agreeing share (the levels above the middle; highest on
        top) instead of table order.
    {wrap_width}

    Returns
    -------
    Axes
    """
    levels = list(table.sort_values("level_index")["level"].drop_duplicates())
    k = len(levels)
    wide = table.pivot_table(index="item", columns="level_index", values="percent",
                             sort=False, dropna=False).reindex(columns=range(k)).fillna(0.0)
    info = table.groupby("item", sort=False).agg(label=("label", "first"), n=("n", "sum"))
    values = wide.to_numpy(dtype=float)
    below = values[:, : k // 2].sum(axis=1)  # the disagreeing levels
    above = values[:, (k + 1) // 2:].sum(axis=1)  # the agreeing levels
    if sort:  # by the agreeing share, the number a reader compares; stable for ties
        rows = np.argsort(above, kind="stable")
    else:  # table order, first item on top
        rows = np.arange(len(wide))[::-1]
    values, below, info = values[rows], below[rows], info.iloc[rows]
    ax = new_axes(ax, 0.55 * len(values) + 1.6)
    y = np.arange(len(values))
    # left edge of each bar: minus everything below the middle, and half of the middle
    left = -(below + (values[:, k // 2] / 2 if k % 2 else 0.0))
    colors = likert_colors(k)
    for j in range(k):
        width = values[:, j]
        ax.barh(y, width, left=left, color=colors[j], height=0.65, label=levels[j],
                edgecolor="white", linewidth=0.5)
        for yi, xl, w in zip(y, left, width, strict=True):
            if w >= 6:
                ax.text(xl + w / 2, yi, f"{w:.0f}", ha="center", va="center", fontsize=8,
                        color="white" if j in (0, k - 1) else "#222222")
        left = left + width
    ax.axvline(0, color="#444444", linewidth=0.8)
    ax.set_yticks(y, [wrap(with_n(lbl, n, lang), wrap_width)
                      for lbl, n in zip(info["label"], info["n"], strict=True)])
    ax.set_xlim(-100, 100)
    ax.set_xticks(np.arange(-100, 101, 25), [f"{abs(v)}" for v in range(-100, 101, 25)])
    ax.set_xlabel(term("percent", lang))
    ax.grid(axis="y", visible=False)
    ax.set_axisbelow(True)  # grid lines behind the bars, not across them
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.02 * len(values) / 6),
              ncol=min(k, 5), fontsize=8)
    if title:
        ax.set_title(title)
    return ax
