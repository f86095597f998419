"""Issue #32, item 5: JupyterLab saves the project's notebooks as git keeps them."""

import json

from survey_tools.jupyter import CONFIG_FILE, GIT_FILTER, install, strip_before_save


class Manager:
    def __init__(self, root_dir):
        self.root_dir = str(root_dir)


def _model():
    return {"type": "notebook", "content": {
        "metadata": {"kernelspec": {"name": "python3"}, "language_info": {"version": "3.11"},
                     "widgets": {"state": {}}},
        "cells": [{"cell_type": "code", "id": "a7f", "metadata": {"tags": ["x"]},
                   "execution_count": 4, "outputs": [{"output_type": "stream", "text": "Anna"}],
                   "source": "print(1)"},
                  {"cell_type": "markdown", "id": "b2", "metadata": {}, "source": "# T"}]}}


def test_a_project_notebook_is_saved_without_outputs_and_others_as_they_are(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "pyproject.toml").write_text("")
    model = _model()
    strip_before_save(model, "notebooks/02_topics.ipynb", Manager(tmp_path))
    nb = model["content"]
    assert nb["metadata"] == {"kernelspec": {"name": "python3"}}
    assert nb["cells"][0]["outputs"] == [] and nb["cells"][0]["execution_count"] is None
    assert nb["cells"][0]["metadata"] == {"tags": ["x"]}
    assert [c["id"] for c in nb["cells"]] == ["0", "1"]
    for elsewhere in ("analysis/mine.ipynb", "notebooks/notes.txt"):
        model = _model()
        strip_before_save(model, elsewhere, Manager(tmp_path))
        assert model == _model()
    model = _model()  # a notebooks/ folder that is not a project's
    strip_before_save(model, "notebooks/x.ipynb", Manager(tmp_path / "other"))
    assert model == _model()


def test_install_switches_the_hook_on_for_the_environment(tmp_path):
    path = install(tmp_path)
    assert path == tmp_path / CONFIG_FILE
    assert json.loads(path.read_text()) == {
        "ServerApp": {"jpserver_extensions": {"survey_tools.jupyter": True}}}


def test_the_git_filter_strips_as_nbstripout_without_the_iri_grammar(tmp_path):
    """Issue #31, item 14: git's filter for the notebooks took 2 s per notebook, most of it
    jsonschema compiling rfc3987-syntax's grammar. ``python -m survey_tools.jupyter strip``
    writes nbstripout's bytes (outputs, counts, language_info gone), without that import."""
    import subprocess
    import sys

    text = json.dumps({**_model()["content"], "nbformat": 4, "nbformat_minor": 5})
    args = ["--extra-keys", GIT_FILTER["filter.nbstripout.extrakeys"]]
    ours = subprocess.run([sys.executable, "-m", "survey_tools.jupyter", "strip", *args],
                          input=text, capture_output=True, text=True, check=True).stdout
    theirs = subprocess.run([sys.executable, "-m", "nbstripout", *args], input=text,
                            capture_output=True, text=True, check=True).stdout
    assert ours == theirs and "Anna" not in ours and "language_info" not in ours
    code = ("import io, sys; sys.stdin = io.TextIOWrapper(io.BytesIO(sys.argv[1].encode()))\n"
            "from survey_tools.jupyter import git_filter; git_filter()\n"
            "print('rfc3987_syntax' in sys.modules, 'jsonschema' in sys.modules, "
            "file=sys.stderr)")
    run = subprocess.run([sys.executable, "-c", code, text], capture_output=True, text=True,
                         check=True)
    assert run.stdout == theirs and run.stderr.split() == ["False", "True"]


def test_jupyter_server_saves_through_the_hook(tmp_path):
    """The extension as Jupyter loads it: the server's contents manager strips on save."""
    import nbformat
    from jupyter_server.serverapp import ServerApp

    (tmp_path / "notebooks").mkdir()
    (tmp_path / "pyproject.toml").write_text("")
    app = ServerApp(root_dir=str(tmp_path), jpserver_extensions={"survey_tools.jupyter": True},
                    allow_root=True, open_browser=False)
    app.init_configurables()
    app.init_server_extensions()
    app.init_components()
    app.extension_manager.load_all_extensions()
    model = _model()
    model["content"] = nbformat.from_dict({**model["content"], "nbformat": 4,
                                           "nbformat_minor": 5})
    app.contents_manager.run_pre_save_hooks(model=model, path="notebooks/a.ipynb")
    assert model["content"]["cells"][0]["outputs"] == []


def _bilingual(lang):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Om enkäten", metadata={"tags": ["lang-sv"]}),
                nbformat.v4.new_markdown_cell("# About the survey",
                                              metadata={"tags": ["lang-en"]}),
                nbformat.v4.new_code_cell(f'output_dir = None\nlang = "{lang}"  # sv or en',
                                          metadata={"tags": ["parameters"]}),
                nbformat.v4.new_markdown_cell("Both", metadata={})]
    return nb


def test_jupyterlab_opens_a_notebook_with_the_other_language_folded(tmp_path):
    """Issue #32 item 5: one language's prose at a time; the fold is not saved."""
    import asyncio
    import inspect

    import nbformat
    from jupyter_server.serverapp import ServerApp

    (tmp_path / "notebooks").mkdir()
    (tmp_path / "pyproject.toml").write_text("")
    for lang in ("sv", "en"):
        nbformat.write(_bilingual(lang), tmp_path / "notebooks" / f"{lang}.ipynb")
    nbformat.write(_bilingual("en"), tmp_path / "elsewhere.ipynb")
    app = ServerApp(root_dir=str(tmp_path), jpserver_extensions={"survey_tools.jupyter": True},
                    allow_root=True, open_browser=False)
    app.init_event_logger()  # the contents manager logs each get
    app.init_configurables()
    app.init_server_extensions()
    app.init_components()
    app.extension_manager.load_all_extensions()
    manager = app.contents_manager

    def run(value):
        return asyncio.run(value) if inspect.isawaitable(value) else value

    def folded(path):
        cells = run(manager.get(path))["content"]["cells"]
        return [c["metadata"].get("jupyter", {}).get("source_hidden", False)
                and c["cell_type"] == "raw" for c in cells]

    assert folded("notebooks/sv.ipynb") == [False, True, False, False]
    assert folded("notebooks/en.ipynb") == [True, False, False, False]
    assert folded("elsewhere.ipynb") == [False] * 4  # not a project notebook
    model = run(manager.get("notebooks/en.ipynb"))
    manager.run_pre_save_hooks(model=model, path="notebooks/en.ipynb")
    saved = model["content"]
    expected = _bilingual("en")
    assert [c["cell_type"] for c in saved["cells"]] == [c["cell_type"] for c in expected.cells]
    assert [{k: v for k, v in c["metadata"].items() if k != "trusted"}  # the server's own
            for c in saved["cells"]] == [c["metadata"] for c in expected.cells]
    assert [c["source"] for c in saved["cells"]] == [c["source"] for c in expected.cells]
