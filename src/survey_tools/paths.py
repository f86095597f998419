"""Find the project folder and its standard places, without side effects."""

from __future__ import annotations

import os
from pathlib import Path

from survey_tools.errors import SurveyInputError

__all__ = [
    "ROOT_ENV",
    "project_root",
    "notebooks_dir",
    "data_dir",
    "reports_dir",
    "sample_survey_path",
    "analyst_name",
    "is_project_root",
]

#: Environment variable that names the project folder explicitly.
ROOT_ENV = "SURVEY_TOOLS_ROOT"


def is_project_root(path: str | Path) -> bool:
    """Return whether `path` is a project folder: it holds ``notebooks/`` and ``pyproject.toml``."""
    path = Path(path)
    return (path / "notebooks").is_dir() and (path / "pyproject.toml").is_file()


def project_root(start: str | Path | None = None) -> Path:
    """Return the project folder (the one holding ``notebooks/`` and ``pyproject.toml``).

    Looks at the ``SURVEY_TOOLS_ROOT`` environment variable first, then at `start`
    (default: the current folder) and its parents.

    Parameters
    ----------
    start : str or Path, optional
        Where to start looking.

    Returns
    -------
    Path
        The project folder.

    Raises
    ------
    SurveyInputError
        When no project folder is found.
    """
    env = os.environ.get(ROOT_ENV)
    if env:
        root = Path(env).expanduser().resolve()
        if not is_project_root(root):
            raise SurveyInputError(
                f"{ROOT_ENV} points to a folder without notebooks/ and pyproject.toml",
                path=root,
                hint=f"set {ROOT_ENV} to the survey_tools project folder (the git clone)",
            )
        return root
    here = Path(start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if is_project_root(candidate):
            return candidate
    raise SurveyInputError(
        "could not find the survey_tools project folder from here",
        path=here,
        hint=f"run the command inside the project folder, or set {ROOT_ENV} to it",
    )


def notebooks_dir(root: Path | None = None) -> Path:
    """Return the folder holding the report notebooks."""
    return (root or project_root()) / "notebooks"


def data_dir(root: Path | None = None) -> Path:
    """Return the folder holding the bundled data."""
    return (root or project_root()) / "data"


def reports_dir(root: Path | None = None) -> Path:
    """Return the folder the report is written to."""
    return (root or project_root()) / "reports"


def sample_survey_path(root: Path | None = None) -> Path:
    """Return the path of the bundled synthetic sample survey (CSV)."""
    return data_dir(root) / "sample_survey.csv"


def analyst_name() -> str:
    """Return who is working: the computer's user name, for the who-and-when of a decision.

    Examples
    --------
    >>> isinstance(analyst_name(), str) and analyst_name() != ""
    True
    """
    import getpass

    try:
        return getpass.getuser() or "analyst"
    except (OSError, KeyError, ImportError):  # no user name in this environment
        return "analyst"
