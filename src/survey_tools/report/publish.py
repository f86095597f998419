"""Save a notebook's figures and tables into the report folder (or nowhere)."""

from __future__ import annotations

from pathlib import Path

# atomic_write, write_csv_atomic and CSV_OPTIONS live in survey_tools.io.atomic; they are
# re-exported here, where they were first.
from survey_tools.io.atomic import atomic_write, write_csv_atomic
from survey_tools.report.style import add_footnote, figure_bytes, figure_title, save_figure

__all__ = ["Publisher"]


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
        ``.svg``), so the report and the figure files never differ. Its alt text is the
        chart's title (with its n), or `name` for a chart without one.
        """
        import base64
        import html

        import matplotlib.pyplot as plt
        from IPython.display import HTML, display

        fig = ax.figure if hasattr(ax, "figure") else ax
        alt = figure_title(fig) or name
        if note:
            add_footnote(fig, note)
        png_bytes = figure_bytes(fig, "png")  # rendered once: shown and saved
        if self.output_dir is not None:
            save_figure(fig, self.output_dir / "figures" / name, rendered={"png": png_bytes})
        png = base64.b64encode(png_bytes).decode("ascii")
        # An <img> with alt text (the chart's title, with its n): nbconvert would give a
        # plain image output "No description has been provided for this image".
        display(HTML(f'<img class="report-figure" alt="{html.escape(alt, quote=True)}" '
                     f'src="data:image/png;base64,{png}">'))
        plt.close(fig)

    def finding(self, key: str, sentence: str) -> None:
        """Keep `sentence` for the report's summary of key findings.

        Saved as ``findings/<key>.md`` (the summary lists them in key order, e.g.
        ``02_q_obstacles`` before ``04_obstacles``); nothing is saved without an output
        folder or for an empty sentence.
        """
        self._keep("findings", key, sentence)

    def warning(self, key: str, sentence: str) -> None:
        """Put `sentence` in a box on the report's first page, above the contents.

        For what makes the report's findings unreliable (e.g. Swedish answers compared
        with an English model). Saved as ``warnings/<key>.md``; nothing is saved without
        an output folder or for an empty sentence, as with :meth:`finding`.
        """
        self._keep("warnings", key, sentence)

    def _keep(self, folder: str, key: str, sentence: str) -> None:
        """Save `sentence` as ``<folder>/<key>.md`` for the first page (not when empty)."""
        if self.output_dir is None or not sentence.strip():
            return

        atomic_write(self.output_dir / folder / f"{key}.md",
                     lambda tmp: Path(tmp).write_text(sentence.strip() + "\n",
                                                      encoding="utf-8"))

    def read_table(self, name: str):
        """Return a table an earlier notebook of this run saved (``tables/<name>.csv``).

        None when there is no output folder or no such table (a notebook was skipped).
        """
        if self.output_dir is None:
            return None
        path = self.output_dir / "tables" / f"{name}.csv"
        if not path.exists():
            return None
        import pandas as pd

        return pd.read_csv(path, encoding="utf-8-sig")

    def table(self, table, name: str, *, working: bool = False):
        """Save `table` as ``tables/<name>.csv`` and return it (for display).

        Text cells that would start a spreadsheet formula get a leading ``'``
        (see :func:`survey_tools.io.spreadsheets.safe_cell`).

        Parameters
        ----------
        table : DataFrame
        name : str
            The file name, without ``.csv``.
        working : bool
            A working table that the report's page does not show (it is in the appendix,
            or only in ``tables/``): shown here when exploring the notebook (no
            `output_dir`), so the analyst sees every table the report has; left out of
            the chapter when the report is built.
        """
        if self.output_dir is not None:
            from survey_tools.io.spreadsheets import safe_table

            write_csv_atomic(safe_table(table), self.output_dir / "tables" / f"{name}.csv")
        elif working:
            from IPython.display import display

            display(table)
        return table
