"""What a run returns, and the one writer that puts its files in place as a set."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

__all__ = ["RunResult", "write_result", "stage_files"]


@dataclass
class RunResult:
    """The outcome of one run of ``topics``, ``categorize``, ``mask`` or ``search``.

    Attributes
    ----------
    tables : dict of str to DataFrame
        The results by name (for example ``"assignments"`` and ``"topics"``).
    files : dict
        File name → how it is written: the name of a table in `tables` (formula-safe CSV
        or Excel by the file's suffix), a function ``write(path)``, or a list of the
        :class:`Path` of CSV parts to join in order (the Dask engine's workers write the
        parts of ``assignments.csv``: the header in the first, no byte-order mark).
    notes : list of str
        What was decided while reading and running.
    summary : dict or None
        What ``run.json`` holds (settings, counts, the notes); None: no ``run.json``.
    replaces : tuple of str
        Every file name this kind of run can write (see :func:`survey_tools.io.atomic.file_set`).
    """

    tables: dict[str, pd.DataFrame]
    files: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    summary: dict | None = None
    replaces: tuple[str, ...] = ()


def stage_files(result: RunResult, stage: str | Path) -> None:
    """Write `result`'s files and ``run.json`` into the staging folder `stage`."""
    from survey_tools.io.atomic import write_json
    from survey_tools.io.spreadsheets import write_safe_table

    stage = Path(stage)
    for name, how in result.files.items():
        if isinstance(how, list):
            _join_parts(how, stage / name)
        elif callable(how):
            how(stage / name)
        else:
            write_safe_table(result.tables[how], stage / name)
    if result.summary is not None:
        write_json(result.summary, stage / "run.json")


def _join_parts(parts: list[Path], path: Path) -> None:
    """Write the CSV `parts` in order as one file, with the bytes pandas writes for the whole.

    :data:`~survey_tools.io.atomic.CSV_OPTIONS`: the byte-order mark once, first.
    """
    import codecs
    import shutil

    from survey_tools.io.atomic import CSV_OPTIONS

    with open(path, "wb") as out:
        if CSV_OPTIONS.get("encoding") == "utf-8-sig":
            out.write(codecs.BOM_UTF8)
        for part in parts:
            with open(part, "rb") as handle:
                shutil.copyfileobj(handle, out)


def write_result(result: RunResult, folder: str | Path) -> RunResult:
    """Write `result` into `folder`: every file and ``run.json`` moved into place together.

    Returns `result`.
    """
    from survey_tools.io.atomic import file_set

    with file_set(folder, replaces=result.replaces) as stage:
        stage_files(result, stage)
    return result
