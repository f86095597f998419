"""Domain exceptions with messages an analyst can act on."""

from __future__ import annotations

from pathlib import Path

__all__ = ["SurveyInputError"]


class SurveyInputError(ValueError):
    """Bad input: says which file, row and column, what is wrong and what to do.

    Parameters
    ----------
    problem : str
        What is wrong, in one sentence.
    path : str or Path, optional
        The file the problem is in.
    row : int, optional
        The row, counted as a spreadsheet shows it (the header is row 1).
    column : str, optional
        The column the problem is in.
    hint : str, optional
        What the analyst can do about it.
    line : int, optional
        The line, in a text file such as a configuration or codebook (1-based).
    key : str, optional
        The key the problem is in, in a configuration file (``likert.0.items``).

    Examples
    --------
    >>> err = SurveyInputError("the id is missing", path="svar.csv", row=3, column="id",
    ...                        hint="give every row an id")
    >>> print(err)
    svar.csv, row 3, column 'id': the id is missing. What to do: give every row an id.
    """

    def __init__(
        self,
        problem: str,
        *,
        path: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        hint: str | None = None,
        line: int | None = None,
        key: str | None = None,
    ) -> None:
        self.problem = problem
        self.line = line
        self.key = key
        self.path = None if path is None else str(path)
        self.row = row
        self.column = column
        self.hint = hint
        super().__init__(self._message())

    def _message(self) -> str:
        where = []
        if self.path is not None:
            where.append(self.path)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.key is not None:
            where.append(f"key {self.key!r}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        text = self.problem.rstrip(".") + "."
        if where:
            text = ", ".join(where) + ": " + text
        if self.hint:
            text += " What to do: " + self.hint.rstrip(".") + "."
        return text
