"""Difference chart of theme prevalence between groups (stm's ``plot.estimateEffect``)."""

from __future__ import annotations

import numpy as np

from survey_tools.i18n import term
from survey_tools.report.charts._common import color, new_axes, shared_docs
from survey_tools.report.style import wrap

__all__ = ["plot_effects"]


@shared_docs
def plot_effects(table, *, ax=None, lang: str = "sv", title: str | None = None,
                 wrap_width: int = 34):
    """Draw each theme's difference in percentage points with its interval, sorted.

    Parameters
    ----------
    table : DataFrame
        Rows of :func:`~survey_tools.stats.prevalence.prevalence_effects`, usually those of
        one covariate. Each contrast (e.g. each group against the reference group) gets
        its own colour; rows without a difference are left out.
    {ax}
    {lang}
    title : str, optional
        Title; by default the contrast when there is only one.
    {wrap_width}

    Returns
    -------
    Axes
        Themes are sorted by their mean difference. Differences that hold after the
        correction for many comparisons are filled, the others hollow.
    """
    rows = table[table["difference"].notna()]
    contrasts = list(dict.fromkeys(rows["contrast"]))
    order = (rows.groupby("theme", sort=False)["difference"].mean()
             .sort_values(kind="stable").index.tolist())
    ax = new_axes(ax, (0.3 + 0.16 * len(contrasts)) * len(order) + 1.6)
    ax.axvline(0, color="#777777", linewidth=1, zorder=1)
    step = 0.7 / max(len(contrasts), 1)
    for k, contrast in enumerate(contrasts):
        part = rows[rows["contrast"] == contrast].set_index("theme").reindex(order)
        y = np.arange(len(order)) + ((len(contrasts) - 1) / 2 - k) * step  # first on top
        diff = part["difference"].to_numpy(dtype=float)
        err = np.vstack([diff - part["ci_low"].to_numpy(dtype=float),
                         part["ci_high"].to_numpy(dtype=float) - diff])
        held = part["significant"].fillna(False).to_numpy(dtype=bool)
        ax.errorbar(diff, y, xerr=err, fmt="none", ecolor=color(k), capsize=2.5, zorder=2)
        ax.scatter(diff[held], y[held], color=color(k), s=34, zorder=3)
        ax.scatter(diff[~held], y[~held], facecolor="white", edgecolor=color(k), s=34,
                   zorder=3)
    ax.set_yticks(np.arange(len(order)), [wrap(str(t), wrap_width) for t in order])
    ax.set_ylim(-0.7, len(order) - 0.3)
    reach = np.nanmax(np.abs(np.concatenate([rows["ci_low"], rows["ci_high"], [5.0]])))
    ax.set_xlim(-reach * 1.08, reach * 1.08)
    ax.set_xlabel(term("effect_axis", lang) + "\n" + term("effect_legend", lang))
    ax.grid(axis="y", visible=False)
    from matplotlib.lines import Line2D  # the legend names each comparison

    handles = [Line2D([], [], color=color(k), marker="o", label=_contrast_label(c, lang))
               for k, c in enumerate(contrasts)]
    ax.legend(handles=handles, loc="upper center", ncol=min(len(contrasts), 3),
              bbox_to_anchor=(0.5, -0.1 - 0.6 / max(len(order), 1)), fontsize=8,
              frameon=False)
    ax.set_title(title if title is not None else (contrasts[0] if len(contrasts) == 1
                                                  else ""))
    return ax


def _contrast_label(contrast: str, lang: str) -> str:
    """Say what a numeric covariate's "2 → 3" compares: its third and first quartile."""
    if " → " not in contrast:
        return contrast
    low, high = contrast.split(" → ", 1)
    return term("quartile_contrast", lang).format(low=low, high=high)
