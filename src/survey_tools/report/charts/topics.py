"""Topic charts: the topic × group heatmap (prevalence bars reuse :func:`plot_grouped`)."""

from __future__ import annotations

import numpy as np

from survey_tools.i18n import term
from survey_tools.report.charts._common import new_axes, shared_docs
from survey_tools.report.style import wrap

__all__ = ["plot_topic_heatmap"]


@shared_docs
def plot_topic_heatmap(matrix, *, ax=None, lang: str = "sv", title: str | None = None,
                       wrap_width: int = 34, cmap: str = "Blues"):
    """Draw topics × groups as a heatmap of percentages, each cell labelled.

    Parameters
    ----------
    matrix : DataFrame
        From :func:`~survey_tools.stats.topic_tables.topic_group_matrix`: topic labels as the
        index, groups as columns, percentages as values.
    {ax}
    {lang}
    title : str, optional
        Title; default the heatmap title in `lang`.
    {wrap_width}
    cmap : str
        A sequential matplotlib colormap.

    Returns
    -------
    Axes
    """
    values = matrix.to_numpy(dtype=float)
    n_rows, n_cols = values.shape
    ax = new_axes(ax, 0.42 * n_rows + 1.6, width=max(5.5, 1.3 * n_cols + 3.5))
    top = np.nanmax(values) if values.size and np.isfinite(values).any() else 1.0
    image = ax.imshow(values, cmap=cmap, vmin=0, vmax=max(top, 1.0), aspect="auto")
    for i in range(n_rows):
        for j in range(n_cols):
            v = values[i, j]
            if np.isfinite(v):
                dark = v > 0.6 * top
                ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=10,
                        color="white" if dark else "#222222")
    ax.set_xticks(range(n_cols), [wrap(str(c), 14) for c in matrix.columns], fontsize=9)
    ax.set_yticks(range(n_rows), [wrap(str(r), wrap_width) for r in matrix.index], fontsize=9)
    ax.tick_params(length=0)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.figure.colorbar(image, ax=ax, fraction=0.04, pad=0.02, label=term("percent", lang))
    ax.set_title(title or term("topic_heatmap", lang))
    return ax
