"""What a run returns, and the one writer that puts its files in place as a set."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

__all__ = ["RunResult", "write_result", "write_files"]


@dataclass
class RunResult:
    """The outcome of one run of ``topics``, ``categorize``, ``mask`` or ``search``.

    Attributes
    ----------
    tables : dict of str to DataFrame
        The results by name (for example ``"assignments"`` and ``"topics"``).
    files : dict
        File name → how it is written: the name of a table in `tables` (formula-safe CSV
        or Excel by the file's suffix), a function ``write(path)``, or the :class:`Path` of
        a file already written into the staging folder (the Dask engine streams its
        assignments there).
    notes : list of str
        What was decided while reading and running.
    summary : dict or None
        What ``run.json`` holds (settings, counts, the notes); None: no ``run.json``.
    replaces : tuple of str
        Every file name this kind of run can write (see :func:`survey_tools.files.file_set`).
    """

    tables: dict[str, pd.DataFrame]
    files: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    summary: dict | None = None
    replaces: tuple[str, ...] = ()


def write_files(result: RunResult, stage: str | Path) -> None:
    """Write `result`'s files and ``run.json`` into the staging folder `stage`."""
    from survey_tools.export import write_safe_table
    from survey_tools.files import write_json

    stage = Path(stage)
    for name, how in result.files.items():
        if isinstance(how, Path):
            if how != stage / name:
                raise ValueError(f"{name} was written to {how}, not into the staging folder")
        elif callable(how):
            how(stage / name)
        else:
            write_safe_table(result.tables[how], stage / name)
    if result.summary is not None:
        write_json(result.summary, stage / "run.json")


def write_result(result: RunResult, folder: str | Path) -> RunResult:
    """Write `result` into `folder`: every file and ``run.json`` moved into place together.

    Returns `result`.
    """
    from survey_tools.files import file_set

    with file_set(folder, replaces=result.replaces) as stage:
        write_files(result, stage)
    return result
