import subprocess
import sys

import pytest

import survey_tools
from survey_tools.errors import SurveyInputError
from survey_tools.paths import project_root


def test_import_is_light():
    code = ("import sys, survey_tools; "
            "print(any(m in sys.modules for m in ('pandas', 'matplotlib', 'bertopic')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False"


def test_fitting_topics_does_not_import_bertopic():
    # importing BERTopic costs seconds; a run computes its c-TF-IDF itself
    code = ("import sys; from survey_tools.topics import TopicModel; "
            "m = TopicModel(embedding_model='tfidf', n_topics=2, cache_dir=False).fit("
            "['budget saknas', 'ingen budget', 'pengar saknas', 'lagen är oklar', "
            "'oklar lag', 'juridiken oklar'] * 3); "
            "print(m.n_topics_, 'bertopic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "2 False", out.stderr


def test_the_report_loads_the_notebook_libraries_without_the_iri_grammar():
    """Issue #31, item 14: the report's process imports jsonschema (for nbformat, papermill
    and nbconvert) without rfc3987-syntax, whose grammar cost 1.5 s before the first
    notebook; notebooks are still validated, other formats checked, and the module can
    still be imported by whoever wants it."""
    code = (
        "import sys, json\n"
        "from survey_tools.lazy import import_jsonschema_lightly\n"
        "import_jsonschema_lightly()\n"
        "import papermill, nbconvert, nbformat, jsonschema\n"
        "print('rfc3987_syntax' in sys.modules)\n"
        "checker = jsonschema.FormatChecker()\n"
        "print(checker.conforms('a@b.se', 'email'), checker.conforms('ab.se', 'email'))\n"
        "nb = nbformat.v4.new_notebook()\n"
        "nb.cells.append(nbformat.v4.new_code_cell('1'))\n"
        "nbformat.validate(nb)\n"
        "bad = json.loads(nbformat.writes(nb)); bad['cells'][0]['cell_type'] = 'nonsense'\n"
        "try:\n"
        "    nbformat.validate(nbformat.from_dict(bad))\n"
        "except nbformat.ValidationError:\n"
        "    print('invalid')\n"
        "try:\n"
        "    import rfc3987_syntax\n"
        "    print('importable')\n"
        "except ImportError:\n"
        "    print('not installed')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    lines = out.stdout.split("\n")
    assert lines[:3] == ["False", "True False", "invalid"], out.stderr
    assert lines[3] in ("importable", "not installed"), out.stderr


def test_lazy_names_resolve():
    assert callable(survey_tools.read_survey)
    assert set(survey_tools.__all__) <= set(dir(survey_tools)) | {"__version__"}
    with pytest.raises(AttributeError):
        survey_tools.no_such_thing  # noqa: B018


def test_project_root_from_env_and_cwd(root, monkeypatch, tmp_path):
    assert project_root() == root
    monkeypatch.delenv("SURVEY_TOOLS_ROOT")
    assert project_root(root / "src" / "survey_tools") == root
    with pytest.raises(SurveyInputError, match="project folder"):
        project_root(tmp_path)
    monkeypatch.setenv("SURVEY_TOOLS_ROOT", str(tmp_path))
    with pytest.raises(SurveyInputError, match="SURVEY_TOOLS_ROOT"):
        project_root()


def test_notebooks_are_thin_and_without_outputs(root):
    import nbformat

    for path in sorted((root / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
        assert not any("def " in c.source or "class " in c.source for c in code), path.name
        assert any("parameters" in c.metadata.get("tags", []) for c in code), path.name


def test_notebook_text_is_written_in_every_report_language(root):
    """Each markdown cell a report shows comes as a ``lang-sv`` cell followed by its
    ``lang-en`` twin with the same headings, so a report in either language has all of
    its text and none of the other's (issue #16)."""
    import re

    import nbformat

    from survey_tools.i18n import LANGUAGES
    from survey_tools.report import report_cells

    for path in sorted((root / "notebooks").glob("*.ipynb")):
        cells = nbformat.read(path, as_version=4).cells
        shown = [c for c in cells if c.cell_type == "markdown"
                 and "notebook-only" not in c.metadata.get("tags", [])]
        tags = [[t for t in c.metadata.get("tags", []) if t.startswith("lang-")] for c in shown]
        assert tags == [[f"lang-{lang}"] for _ in range(len(shown) // 2)
                        for lang in LANGUAGES], path.name
        for sv, en in zip(shown[::2], shown[1::2], strict=True):
            assert re.findall(r"(?m)^#+", sv.source) == re.findall(r"(?m)^#+", en.source)
        for lang in LANGUAGES:
            kept = [c for c in report_cells(cells, lang) if c.cell_type == "markdown"]
            assert kept == [c for c in shown if f"lang-{lang}" in c.metadata["tags"]]
        assert not [c for c in report_cells(cells, "sv") if "parameters" in
                    c.metadata.get("tags", [])]


def test_git_strips_notebook_outputs_when_they_are_added(root):
    """The README's set-up installs nbstripout as a git filter: a notebook that JupyterLab
    saved with outputs (answers, quotes) is staged without them (issue #16)."""
    import json
    import shlex
    import shutil
    import subprocess

    import nbformat

    def git(*args):
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)

    if shutil.which("git") is None or git("rev-parse", "--is-inside-work-tree").returncode:
        pytest.skip("not a git checkout")
    path = "notebooks/02_topics.ipynb"
    assert git("check-attr", "filter", "--", path).stdout.strip().endswith(": nbstripout")
    clean = git("config", "--get", "filter.nbstripout.clean").stdout.strip()
    assert clean, "the git filter is not set up: run `make install` (README)"
    assert clean.endswith("-m survey_tools.jupyter strip"), clean  # nbstripout, quicker
    assert git("config", "--get", "filter.nbstripout.required").stdout.strip() == "true"
    nb = nbformat.read(root / path, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code")
    cell.execution_count = 7
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout",
                                           text="«Ring Anna på 070-123 45 67»\n")]
    staged = subprocess.run(shlex.split(clean), input=nbformat.writes(nb), text=True,
                            capture_output=True, check=True, cwd=root).stdout
    cells = json.loads(staged)["cells"]
    assert "Anna" not in staged
    assert ["".join(c["source"]) for c in cells] == [c.source for c in nb.cells]
    assert all(c.get("outputs", []) == [] and c.get("execution_count") is None for c in cells)


def test_resource_files_read_the_same_with_libyaml():
    """Issue #31, item 14: the shipped YAML files are parsed by libyaml when PyYAML has it
    (ten times faster in each kernel); every file gives the same values as the pure-Python
    safe loader."""
    from importlib import resources

    import yaml

    from survey_tools.resources import load_yaml

    names = sorted(p.name for p in resources.files("survey_tools.resources").iterdir()
                   if p.name.endswith(".yaml"))
    assert len(names) >= 10
    for name in names:
        text = resources.files("survey_tools.resources").joinpath(name).read_text("utf-8")
        assert load_yaml(name) == yaml.safe_load(text), name


def test_constraints_pin_releases_that_pip_finds_on_any_machine(root):
    """`make lock` on a machine with PyTorch's CPU build (``torch==2.13.0+cpu``, a file on
    our CI machines' disk) pins the release, not the build: ``torch==2.13.0+cpu`` is on no
    index, so `make install` would fail everywhere else (issue #31, item 14)."""
    import runpy

    lock = runpy.run_path(str(root / ".ci" / "lock.py"), run_name="lock")
    assert lock["pins"]("torch==2.13.0+cpu\npip==26.0\nsetuptools==80.1\nnumpy==2.3.5\n") \
        == ["numpy==2.3.5", "torch==2.13.0"]
    pins = [line.split(";")[0] for line in
            (root / "constraints.txt").read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    assert pins and all("==" in pin and "+" not in pin for pin in pins)
    assert any(pin.startswith("torch==") for pin in pins)


def test_uv_installs_from_the_sources_pip_is_set_up_with(root):
    """`make install` runs uv, which reads no pip configuration: a machine whose pip takes
    packages from a mirror or a folder of wheels (PyTorch's CPU build on our CI machines)
    passes them on, with pip's way of choosing between indexes (issue #31, item 14)."""
    import os
    import runpy
    import subprocess
    import sys

    sources = runpy.run_path(str(root / ".ci" / "pip_sources.py"), run_name="sources")
    listing = ("global.index-url='https://mirror.example/simple'\n"
               "global.find-links='/opt/wheels /srv/more'\n:env:.find-links='/w'\n"
               "download.find-links='/not/for/install'\nglobal.timeout='60'\n")
    assert sources["uv_options"](listing) == [
        "--find-links=/w", "--index-url=https://mirror.example/simple"]  # the variable wins
    assert sources["uv_options"]("global.extra-index-url='file:///a file:///b'")[-1] == \
        "--index-strategy=unsafe-best-match"  # pip weighs every index alike
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_FIND_LINKS="/opt/wheels")
    printed = subprocess.run([sys.executable, str(root / ".ci" / "pip_sources.py")], env=env,
                             capture_output=True, text=True, check=True).stdout.split()
    assert printed == ["--find-links=/opt/wheels"]
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    assert ".ci/pip_sources.py" in makefile and "uv pip install" in makefile
    assert "pip install --quiet --no-compile -c constraints.txt" in makefile  # without uv
