"""Diverging stacked bar chart of Likert items."""

from __future__ import annotations

import numpy as np

from survey_tools.charts._common import new_axes
from survey_tools.i18n import text
from survey_tools.style import likert_colors, with_n, wrap

__all__ = ["plot_likert"]


def plot_likert(table, *, ax=None, lang: str = "sv", title: str | None = None,
                sort: bool = False, wrap_width: int = 40):
    """Draw a diverging stacked bar per item: disagreement left of 0, agreement right.

    The middle level of an odd scale is split evenly over both sides.

    Parameters
    ----------
    table : DataFrame
        From :func:`~survey_tools.tables.likert_table` (without ``by``).
    ax : Axes, optional
        Where to draw.
    lang : str
        ``"sv"`` or ``"en"``.
    title : str, optional
        Title.
    sort : bool
        Order items by their positive share (highest on top) instead of table order.
    wrap_width : int
        Wrap item labels at this many characters.

    Returns
    -------
    Axes
    """
    wide = table.pivot_table(index="item", columns="level_index", values="percent",
                             sort=False).fillna(0.0)
    info = table.groupby("item", sort=False).agg(label=("label", "first"), n=("n", "sum"))
    levels = list(table.sort_values("level_index")["level"].drop_duplicates())
    k = len(levels)
    half = k / 2
    lower = wide.loc[:, [c for c in wide.columns if c < int(half)]].sum(axis=1)
    if sort:
        order = (wide.sum(axis=1) - lower).sort_values(ascending=True).index
    else:
        order = wide.index[::-1]
    wide, info = wide.loc[order], info.loc[order]
    ax = new_axes(ax, 0.55 * len(wide) + 1.6)
    y = np.arange(len(wide))
    # left edge of each bar: minus everything below the middle, half of the middle
    start = -(lower + (wide[int(half)] / 2 if k % 2 else 0.0))
    colors = likert_colors(k)
    left = start.to_numpy(dtype=float)
    for j in range(k):
        width = wide[j].to_numpy(dtype=float)
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
    ax.set_xlabel(text("percent", lang))
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12 - 0.02 * len(wide) / 6),
              ncol=min(k, 5), fontsize=8)
    if title:
        ax.set_title(title)
    return ax
