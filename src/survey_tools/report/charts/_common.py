"""Helpers shared by the chart modules."""

from __future__ import annotations

import re

import numpy as np

from survey_tools.report.style import PALETTE

__all__ = ["PARAMETERS", "shared_docs", "new_axes", "error_widths", "percent_axis"]

#: The parameters every chart function takes, described once (numpydoc). A docstring names
#: them as ``{ax}``, ``{lang}``, ``{wrap_width}`` on a line of their own, and
#: :func:`shared_docs` fills them in (seaborn does this with ``DocstringComponents``, which
#: lives in a private module).
PARAMETERS = {
    "ax": "ax : Axes, optional\n        Where to draw (default: a new figure).",
    "lang": 'lang : {"sv", "en"}\n        The language of the axis text.',
    "wrap_width": "wrap_width : int\n        Wrap the labels at this many characters.",
}


def shared_docs(func):
    """Fill the shared parameter descriptions (:data:`PARAMETERS`) into `func`'s docstring."""
    func.__doc__ = re.sub(r"^( *)\{(\w+)\}$",
                          lambda m: m.group(1) + PARAMETERS[m.group(2)] if m.group(2)
                          in PARAMETERS else m.group(0), func.__doc__, flags=re.MULTILINE)
    return func


def new_axes(ax, height: float, width: float = 7.5):
    """Return `ax`, or the axes of a new figure of the given size (inches)."""
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=(width, max(1.6, height)))
    return ax


def error_widths(table) -> np.ndarray:
    """Return the 2×n array of (lower, upper) error bar lengths from ci columns."""
    pct = table["percent"].to_numpy(dtype=float)
    low = np.clip(pct - table["ci_low"].to_numpy(dtype=float), 0, None)
    high = np.clip(table["ci_high"].to_numpy(dtype=float) - pct, 0, None)
    return np.nan_to_num(np.vstack([low, high]))


def percent_axis(ax, label: str, top: float) -> None:
    """Put a 0–`top` percent scale on the x axis."""
    ax.set_xlim(0, min(100, max(10.0, top * 1.12 + 4)))
    ax.set_xlabel(label)
    ax.grid(axis="y", visible=False)


def color(i: int) -> str:
    """Return palette colour `i` (cycling)."""
    return PALETTE[i % len(PALETTE)]
