"""What survey_tools adds to JupyterLab: clean saves and the widgets' keyboard (issue #32).

**Clean saves.**

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
``etc/jupyter/jupyter_server_config.d/survey_tools.json`` in the environment). It also
sets up git's filter (``python -m survey_tools.jupyter git-filter``), which runs
nbstripout as ``python -m survey_tools.jupyter strip`` (:func:`git_filter`).

**One language's prose at a time.** The notebooks carry their prose in Swedish and in
English (markdown cells tagged ``lang-sv`` and ``lang-en``; the report keeps those of its
language). When JupyterLab opens a project notebook, :func:`fold_other_language` folds
the cells in the other language than the notebook's ``lang`` parameter (a click on the
fold opens it); change ``lang`` and open the notebook again to switch. The fold is not
saved: the pre-save hook takes it off again.

**The keyboard.** :func:`keyboard` is a small widget (anywidget, no build step) that a
workbench widget puts in its box: a key pressed while the box has the focus (a click
anywhere in it gives it the focus, shown by a thin frame and a ⌨ before the line that
names the keys) is sent to Python instead of JupyterLab's own shortcuts, except while
the analyst types in a text field or a list.
"""

from __future__ import annotations

import functools
import inspect
import json
import re
import sys
from pathlib import Path

__all__ = ["strip_before_save", "strip_notebook", "fold_other_language", "notebook_language",
           "install", "install_git_filter", "git_filter", "keyboard", "CONFIG_FILE",
           "GIT_FILTER"]

#: git's settings for the notebooks' filter (``{python}``: this environment's Python):
#: nbstripout, run through :func:`git_filter`, with ``language_info`` stripped too.
GIT_FILTER = {
    "filter.nbstripout.clean": "{python} -m survey_tools.jupyter strip",
    "filter.nbstripout.extrakeys": "metadata.language_info",
    "diff.ipynb.textconv": "{python} -m survey_tools.jupyter strip -t",
}
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
        if cell.get("metadata", {}).pop(_FOLDED, False):  # folded on opening
            cell["cell_type"] = "markdown"
            cell["metadata"].pop("jupyter", None)
        if "id" in cell:
            cell["id"] = str(position)
    return nb


#: Marks a prose cell that :func:`fold_other_language` folded (taken off on saving).
_FOLDED = "survey_tools_folded"
_LANG = re.compile(r"""^lang\s*=\s*["']([a-z]{2})["']""", re.MULTILINE)


def _language_of(cell: dict) -> str | None:
    tags = cell.get("metadata", {}).get("tags", [])
    return next((t[5:] for t in tags if t.startswith("lang-")), None)


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


def notebook_language(nb: dict, default: str = "sv") -> str:
    r"""Return the `lang` parameter of `nb` (its cell tagged ``parameters``), else `default`.

    Examples
    --------
    >>> notebook_language({"cells": [{"cell_type": "code", "metadata": {"tags": ["parameters"]},
    ...                               "source": 'output_dir = None\nlang = "en"'}]})
    'en'
    """
    for cell in nb.get("cells", []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            found = _LANG.search(_source(cell))
            if found:
                return found.group(1)
    return default


def fold_other_language(nb: dict) -> dict:
    """Fold `nb`'s prose cells in another language than its `lang` parameter; return `nb`.

    A markdown cell tagged ``lang-xx``, where ``xx`` is not the notebook's language
    (:func:`notebook_language`), is shown as a folded raw cell: JupyterLab draws it as
    one grey line, and running the notebook does not open it (running a markdown cell
    would). :func:`strip_notebook` makes it a markdown cell again before it is saved.

    Examples
    --------
    >>> nb = {"cells": [{"cell_type": "markdown", "metadata": {"tags": ["lang-sv"]}},
    ...                 {"cell_type": "markdown", "metadata": {"tags": ["lang-en"]}}]}
    >>> [c["cell_type"] for c in fold_other_language(nb)["cells"]]
    ['markdown', 'raw']
    >>> [c["cell_type"] for c in strip_notebook(nb)["cells"]]
    ['markdown', 'markdown']
    """
    lang = notebook_language(nb)
    for cell in nb.get("cells", []):
        language = _language_of(cell)
        if language and language != lang and cell.get("cell_type") == "markdown":
            cell["cell_type"] = "raw"
            metadata = cell.setdefault("metadata", {})
            metadata.setdefault("jupyter", {})["source_hidden"] = True
            metadata[_FOLDED] = True
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


def _fold_on_opening(contents_manager) -> None:
    """Wrap `contents_manager.get` so a project notebook opens with the other language folded."""
    get = contents_manager.get

    def fold(model, path):
        if (isinstance(model, dict) and model.get("type") == "notebook"
                and isinstance(model.get("content"), dict)):
            root = Path(getattr(contents_manager, "root_dir", "."))
            if _project_notebook((root / str(path).lstrip("/")).resolve()):
                fold_other_language(model["content"])
        return model

    if inspect.iscoroutinefunction(get):
        async def folded(path, *args, **kwargs):
            return fold(await get(path, *args, **kwargs), path)
    else:
        def folded(path, *args, **kwargs):
            return fold(get(path, *args, **kwargs), path)
    contents_manager.get = folded


def _load_jupyter_server_extension(server_app):
    server_app.contents_manager.register_pre_save_hook(strip_before_save)
    _fold_on_opening(server_app.contents_manager)


#: The browser half of :func:`keyboard`: listen on the box around the widget.
_KEYS_ESM = """
function render({ model, el }) {
  el.classList.add("survey-tools-keys");
  el.textContent = model.get("hint");
  el.style.cssText = "font-size: 85%; margin: 2px 0 6px 0";
  let box = null;
  const typing = (t) => t && (t.isContentEditable
                              || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName));
  const onKey = (event) => {
    if (typing(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (!model.get("catch").includes(event.key)) return;
    event.preventDefault();
    event.stopPropagation();
    model.send({ key: event.key });
  };
  const show = () => {  // the keys work while the box has the focus: say so, and frame it
    const on = box.contains(document.activeElement);
    el.textContent = (on ? "⌨ " : "") + model.get("hint");
    el.style.opacity = on ? "1" : "0.65";
    box.style.outline = "none";  // a frame inside the box: an outline is cut off
    box.style.boxShadow = on ? "inset 0 0 0 1px var(--jp-brand-color1, #1976d2)" : "none";
  };
  const later = () => setTimeout(show);
  const attach = () => {  // the box is there once the widget is on the page
    if (!el.isConnected || !el.parentElement) return void requestAnimationFrame(attach);
    box = el.parentElement.closest(".widget-box") ?? el.parentElement;
    box.tabIndex = 0;
    box.addEventListener("keydown", onKey);
    box.addEventListener("focusin", show);
    box.addEventListener("focusout", later);
    show();
  };
  attach();
  return () => {
    box?.removeEventListener("keydown", onKey);
    box?.removeEventListener("focusin", show);
    box?.removeEventListener("focusout", later);
  };
}
export default { render };
"""


def keyboard(keys, on_key, *, hint: str = ""):
    """Make a widget that sends the keys pressed in the box it is put in to `on_key`.

    Parameters
    ----------
    keys : iterable of str
        The keys to catch, as the browser names them (``"1"``, ``"Enter"``,
        ``"ArrowLeft"``); other keys keep their meaning in JupyterLab.
    on_key : callable
        Called with the key's name.
    hint : str
        Shown in small print: which key does what.

    Returns
    -------
    anywidget.AnyWidget
        Put it first in the workbench widget's box (an ipywidgets ``VBox``).
    """
    widget = _keys_widget()(catch=list(keys), hint=hint)
    widget.on_msg(lambda _, content, buffers: on_key(str(content.get("key", ""))))
    return widget


@functools.cache
def _keys_widget():
    import anywidget
    import traitlets

    class Keys(anywidget.AnyWidget):
        _esm = _KEYS_ESM
        catch = traitlets.List(traitlets.Unicode()).tag(sync=True)
        hint = traitlets.Unicode().tag(sync=True)

    return Keys


def install(prefix: str | Path = sys.prefix) -> Path:
    """Enable the server extension for the Jupyter server of the environment at `prefix`."""
    target = Path(prefix) / CONFIG_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    config = {"ServerApp": {"jpserver_extensions": {"survey_tools.jupyter": True}}}
    target.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return target


def git_filter(args=()) -> None:
    """Run nbstripout with the command-line `args`: git's filter for the notebooks.

    The same as ``python -m nbstripout``, with jsonschema imported without its "iri"
    grammar (:func:`survey_tools.lazy.import_jsonschema_lightly`), which took most of
    that process's time: 1.9 s per notebook, 0.26 s this way (measured). git runs the
    filter for every notebook it adds, and for ``git diff`` and ``git status`` of the ones
    changed on disk. nbstripout raises SystemExit on an error, as it does on its own.
    """
    from survey_tools.lazy import import_jsonschema_lightly

    import_jsonschema_lightly()
    import nbstripout

    argv, sys.argv = sys.argv, ["nbstripout", *args]  # nbstripout reads its options there
    try:
        nbstripout.main()
    finally:
        sys.argv = argv


def install_git_filter(folder: str | Path = ".") -> None:
    """Make git strip the notebooks' outputs in the checkout at `folder` (``make install``).

    ``nbstripout --install`` (the filter, marked required, and the attributes in
    ``.git/info/attributes``; run through :func:`git_filter` too), then :data:`GIT_FILTER`
    with this environment's Python.
    """
    import subprocess

    subprocess.run([sys.executable, "-m", "survey_tools.jupyter", "strip", "--install"],
                   cwd=folder, check=True)
    python = '"' + Path(sys.executable).as_posix() + '"'  # as nbstripout writes it
    for key, value in GIT_FILTER.items():
        subprocess.run(["git", "config", key, value.format(python=python)], cwd=folder,
                       check=True)


if __name__ == "__main__":  # pragma: no cover
    if sys.argv[1:2] == ["strip"]:
        git_filter(sys.argv[2:])
    elif sys.argv[1:2] == ["git-filter"]:
        install_git_filter()
        print("git strips the notebooks' outputs (nbstripout, through survey_tools.jupyter)")
    else:
        print(f"JupyterLab saves the project's notebooks without outputs: {install()}")
