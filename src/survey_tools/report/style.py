"""The house style of every chart: palette, fonts, footnotes and deterministic saving."""

from __future__ import annotations

import os
import tempfile
import textwrap
from contextlib import contextmanager
from pathlib import Path

from survey_tools.i18n import term

__all__ = [
    "PALETTE",
    "RC",
    "house_style",
    "apply_house_style",
    "likert_colors",
    "format_n",
    "figure_title",
    "format_percent",
    "format_interval",
    "wrap",
    "with_n",
    "source_note",
    "add_footnote",
    "figure_bytes",
    "save_figure",
]

#: Okabe–Ito colours: distinguishable with the common forms of colour blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000")

#: Matplotlib settings of the house style. ``svg.hashsalt`` and a bundled font make the
#: saved files byte-for-byte reproducible.
RC = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": None,  # filled in below
    "axes.grid": True,
    "axes.grid.axis": "x",
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "svg.hashsalt": "survey_tools",
    "svg.fonttype": "path",
    "path.simplify": True,
}


def _rc() -> dict:
    from cycler import cycler

    return RC | {"axes.prop_cycle": cycler(color=PALETTE)}


@contextmanager
def house_style():
    """Use the house style inside a ``with`` block."""
    import matplotlib.pyplot as plt

    with plt.rc_context(_rc()):
        yield


def apply_house_style() -> None:
    """Use the house style from now on (for notebooks)."""
    import matplotlib as mpl

    mpl.rcParams.update(_rc())


def likert_colors(k: int) -> list[str]:
    """Return `k` colours from disagree (orange) to agree (purple), grey in the middle.

    Taken from ColorBrewer's PuOr scheme, which is colour-blind safe.
    """
    fixed = {
        2: ["#e66101", "#5e3c99"],
        3: ["#f1a340", "#d9d9d9", "#998ec3"],
        4: ["#e66101", "#fdb863", "#b2abd2", "#5e3c99"],
        5: ["#e66101", "#fdb863", "#d9d9d9", "#b2abd2", "#5e3c99"],
        6: ["#b35806", "#f1a340", "#fee0b6", "#d8daeb", "#998ec3", "#542788"],
        7: ["#b35806", "#f1a340", "#fee0b6", "#d9d9d9", "#d8daeb", "#998ec3", "#542788"],
    }
    if k in fixed:
        return fixed[k]
    import matplotlib as mpl

    cmap = mpl.colormaps["PuOr"]
    return [mpl.colors.to_hex(cmap(1 - i / (k - 1))) for i in range(k)]


def format_n(n: float, lang: str = "sv") -> str:
    r"""Format a count: ``1 250`` in Swedish, ``1,250`` in English.

    Examples
    --------
    >>> format_n(1250, "sv"), format_n(1250, "en")
    ('1\xa0250', '1,250')
    """
    s = f"{int(round(n)):,}"
    return s.replace(",", "\u00a0") if lang == "sv" else s


def format_percent(p: float, lang: str = "sv", digits: int = 0) -> str:
    r"""Format a percentage: ``45 %`` in Swedish, ``45%`` in English.

    Examples
    --------
    >>> format_percent(45.2, "sv"), format_percent(45.2, "en")
    ('45\xa0%', '45%')
    """
    s = f"{p:.{digits}f}"
    return (s.replace(".", ",") + "\u00a0%") if lang == "sv" else s + "%"


def format_interval(low: float, high: float, lang: str = "sv") -> str:
    r"""Format a 95 % interval of percentages: the unit once, after the range.

    Examples
    --------
    >>> format_interval(8.2, 11.4, "sv").replace("\xa0", " "), format_interval(8.2, 11.4, "en")
    ('95 % KI 8–11 %', '95% CI 8–11%')
    """
    ci = "95 % KI" if lang == "sv" else "95% CI"
    return f"{ci} {float(low):.0f}–{format_percent(high, lang)}"


def wrap(label: str, width: int = 38) -> str:
    """Wrap a long label over lines of at most `width` characters."""
    return "\n".join(textwrap.wrap(str(label), width)) or str(label)


def with_n(label: str, n: float, lang: str = "sv") -> str:
    """Return ``label (n = 1 250)``."""
    return f"{label} ({term('n', lang)}\u00a0=\u00a0{format_n(n, lang)})"


def source_note(source: str | None = None, *, lang: str = "sv", weighted: bool = False,
                interval: str | None = "proportion", statistic: str = "share") -> str:
    """Build the footnote line: source, weighting and what the error bars are.

    The note must describe what the chart draws: ``interval=None`` for a chart without
    error bars (a heatmap, a stacked bar), ``statistic="mean"`` for means.

    Parameters
    ----------
    source : str, optional
        Where the data come from.
    lang : str
        ``"sv"`` or ``"en"``.
    weighted : bool
        Whether the figures are weighted.
    interval : {"proportion", "mean", None}
        What the error bars show, or None for no error bars.
    statistic : {"share", "mean"}
        What the chart shows.

    Examples
    --------
    >>> source_note("enkat.csv", weighted=True, interval="mean", statistic="mean")
    'Källa: enkat.csv · Viktade medelvärden · Felstaplar: 95 % konfidensintervall för medelvärdet'
    >>> source_note(weighted=True, interval=None)
    'Viktade andelar'
    """
    if statistic not in ("share", "mean"):
        raise ValueError(f"statistic must be 'share' or 'mean', not {statistic!r}")
    parts = []
    if source:
        parts.append(f"{term('source', lang)}: {source}")
    kind = "_mean" if statistic == "mean" else ""
    parts.append(term(("weighted" if weighted else "unweighted") + kind + "_note", lang))
    if interval == "proportion":
        parts.append(term("ci_note", lang))
    elif interval == "mean":
        parts.append(term("ci_note_mean", lang))
    return " · ".join(parts)


def figure_title(fig) -> str:
    """Return the title of `fig` (its suptitle, else its axes' titles), on one line."""
    parts = [fig.get_suptitle()] if fig.get_suptitle() else []
    if not parts:
        parts = [ax.get_title(loc) for ax in fig.axes for loc in ("left", "center", "right")
                 if ax.get_title(loc)]
    return " ".join(" ".join(parts).split())


def add_footnote(fig, note: str, *, fontsize: float = 8) -> None:
    """Write `note` under everything already drawn on `fig`, aligned left, in grey.

    Call it last, after the legend, so the note never overlaps it.
    """
    box = fig.get_tightbbox(fig.canvas.get_renderer())
    width, height = fig.get_size_inches()
    fig.text(box.x0 / width, box.y0 / height - 0.02, wrap(note, 120), ha="left", va="top",
             fontsize=fontsize, color="#555555")


_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}


def figure_bytes(fig, fmt: str = "png") -> bytes:
    """Render `fig` to bytes exactly as :func:`save_figure` writes it."""
    import io

    import matplotlib as mpl

    buf = io.BytesIO()
    with mpl.rc_context({"svg.hashsalt": RC["svg.hashsalt"]}):
        fig.savefig(buf, format=fmt, metadata=_METADATA.get(fmt))
    return buf.getvalue()


def save_figure(fig, path: str | Path, *, formats=("png", "svg"),
                rendered: dict[str, bytes] | None = None) -> list[Path]:
    """Save `fig` as ``path.png`` and ``path.svg`` with reproducible bytes.

    PNG files carry no software or time stamp; SVG files no date, and their ids come from
    a fixed salt. Each file is written to a temporary name first and then moved into
    place, so an interrupted run never leaves half a file.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The finished figure.
    path : str or Path
        The files' path without (or with any) suffix.
    formats : sequence of str
        The formats written.
    rendered : dict, optional
        Bytes already made by :func:`figure_bytes`, by format (a notebook shows the PNG it
        saves): these are written as they are, the other formats rendered.

    Returns
    -------
    list of Path
        The files written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        target = path.with_suffix(f".{fmt}")
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=f".{fmt}.tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write((rendered or {}).get(fmt) or figure_bytes(fig, fmt))
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        written.append(target)
    return written
