"""JupyterLab saves the project's notebooks as git keeps them: no outputs (issue #32).

The notebooks are committed without outputs (answers and quotes must not reach git).
Running them in JupyterLab fills in outputs, execution counts, the kernel's
``language_info`` and widget state, and JupyterLab saves all of it (autosave too), so
after a session every notebook showed as changed in ``git status`` — the nbstripout
filter cleans what is committed, but git still sees the file on disk as changed.
:func:`strip_before_save` is a Jupyter server *pre-save hook*: a notebook in the
``notebooks/`` folder of a survey_tools project is written without them, exactly as git
has it, while the open notebook keeps showing its outputs until it is closed.
The module is a Jupyter server extension that registers the hook; ``make install``
enables it for the project's JupyterLab (``python -m survey_tools.jupyter`` writes
``etc/jupyter/jupyter_server_config.d/survey_tools.json`` in the environment).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

__all__ = ["strip_before_save", "strip_notebook", "install", "CONFIG_FILE"]

#: Where the hook is switched on, under the environment's prefix.
CONFIG_FILE = Path("etc") / "jupyter" / "jupyter_server_config.d" / "survey_tools.json"
#: Cell metadata JupyterLab writes that git does not keep (as nbstripout strips them).
_CELL_KEYS = ("collapsed", "scrolled", "execution", "ExecuteTime", "heading_collapsed",
              "hidden")


def strip_notebook(nb: dict) -> dict:
    """Strip `nb` (a notebook as a dict) in place to what git keeps; return it.

    No outputs or execution counts, no ``language_info`` or widget state, the cell ids
    numbered by position (as nbstripout writes them).

    Examples
    --------
    >>> nb = {"metadata": {"language_info": {"name": "python"}}, "cells": [
    ...     {"cell_type": "code", "id": "x1", "metadata": {"scrolled": True},
    ...      "execution_count": 3, "outputs": [{"output_type": "stream"}], "source": "1"}]}
    >>> strip_notebook(nb)
    {'metadata': {}, 'cells': [{'cell_type': 'code', 'id': '0', 'metadata': {}, \
'execution_count': None, 'outputs': [], 'source': '1'}]}
    """
    for key in ("language_info", "widgets"):
        nb.get("metadata", {}).pop(key, None)
    for position, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
        for key in _CELL_KEYS:
            cell.get("metadata", {}).pop(key, None)
        if "id" in cell:
            cell["id"] = str(position)
    return nb


def _project_notebook(path: Path) -> bool:
    from survey_tools.paths import is_project_root

    return (path.suffix == ".ipynb" and path.parent.name == "notebooks"
            and is_project_root(path.parent.parent))


def strip_before_save(model, path, contents_manager, **kwargs):
    """Jupyter server pre-save hook: save a project notebook as git keeps it."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    full = Path(getattr(contents_manager, "root_dir", ".")) / str(path).lstrip("/")
    if _project_notebook(full.resolve()):
        strip_notebook(model["content"])


def _jupyter_server_extension_points():
    return [{"module": "survey_tools.jupyter"}]


def _load_jupyter_server_extension(server_app):
    server_app.contents_manager.register_pre_save_hook(strip_before_save)


def install(prefix: str | Path = sys.prefix) -> Path:
    """Enable the server extension for the Jupyter server of the environment at `prefix`."""
    target = Path(prefix) / CONFIG_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    config = {"ServerApp": {"jpserver_extensions": {"survey_tools.jupyter": True}}}
    target.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return target


if __name__ == "__main__":  # pragma: no cover
    print(f"JupyterLab saves the project's notebooks without outputs: {install()}")
