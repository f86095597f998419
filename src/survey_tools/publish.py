"""Save a notebook's figures and tables into the report folder (or nowhere)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from survey_tools.style import add_footnote, figure_bytes, save_figure

__all__ = ["Publisher", "atomic_write", "write_csv_atomic", "CSV_OPTIONS"]


def atomic_write(path: str | Path, write) -> Path:
    """Call ``write(tmp_path)`` on a temporary file beside `path`, then move it into place.

    A failure leaves no half-written file. The temporary name ends with `path`'s suffix,
    so writers that pick a format from the suffix (Excel, SPSS) work.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp" + path.suffix)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


# How every CSV is written (pandas and Dask ``to_csv``), so equal tables give equal bytes.
# UTF-8 with a byte-order mark: without it Excel and LibreOffice open the file as
# Windows-1252 and show "pÃ¥" for "på"; pandas, R and survey_tools read the mark fine.
CSV_OPTIONS = {"encoding": "utf-8-sig", "lineterminator": "\n", "float_format": "%.6g"}


def write_csv_atomic(table, path: str | Path) -> Path:
    """Write `table` as UTF-8 CSV with a byte-order mark via a temporary file.

    A failure leaves no half file. The mark makes spreadsheets read the file as UTF-8.
    """
    return atomic_write(path, lambda tmp: table.to_csv(tmp, index=False, **CSV_OPTIONS))


class Publisher:
    """Where a report notebook puts its figures and tables.

    Parameters
    ----------
    output_dir : str or Path, optional
        The report folder; figures go to ``figures/`` and tables to ``tables/`` under it.
        None (the default when exploring a notebook) saves nothing.
    """

    def __init__(self, output_dir: str | Path | None = None) -> None:
        self.output_dir = None if output_dir in (None, "") else Path(output_dir)

    def figure(self, ax, name: str, *, note: str | None = None) -> None:
        """Finish the figure of `ax`: add the footnote, save it, show it, close it.

        The notebook shows exactly the PNG that is saved as ``figures/<name>.png`` (and
        ``.svg``), so the report and the figure files never differ.
        """
        import matplotlib.pyplot as plt
        from IPython.display import Image, display

        fig = ax.figure if hasattr(ax, "figure") else ax
        if note:
            add_footnote(fig, note)
        if self.output_dir is not None:
            save_figure(fig, self.output_dir / "figures" / name)
        display(Image(data=figure_bytes(fig, "png")))
        plt.close(fig)

    def table(self, table, name: str):
        """Save `table` as ``tables/<name>.csv`` and return it (for display).

        Text cells that would start a spreadsheet formula get a leading ``'``
        (see :func:`survey_tools.export.safe_cell`).
        """
        if self.output_dir is not None:
            from survey_tools.export import safe_table

            write_csv_atomic(safe_table(table), self.output_dir / "tables" / f"{name}.csv")
        return table
