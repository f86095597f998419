"""The package's layout (issue #15): no import cycle, no private name used across modules."""

import ast
from pathlib import Path

import pytest

import survey_tools

SRC = Path(survey_tools.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports():
    """Yield (module, imported module, imported names) for every import in the package."""
    modules = {_module_name(p): p for p in SRC.rglob("*.py")}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1]
                                    + ([base] if base else []))
                if not base.startswith("survey_tools"):
                    continue
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    target = sub if sub in modules else base
                    yield name, target, [alias.name]
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("survey_tools"):
                        yield name, alias.name, []


def test_no_private_name_is_imported_from_another_module():
    private = [(mod, target, n) for mod, target, names in _imports() for n in names
               if n.startswith("_") and not n.startswith("__") and target != mod]
    assert private == []


def test_no_import_cycle_between_modules():
    graph = {}
    for mod, target, _ in _imports():
        if target != mod and not mod.startswith(target + "."):  # a package's own parts
            graph.setdefault(mod, set()).add(target)
    # a package __init__ that re-exports its modules lazily is not a cycle of code
    graph = {m: {t for t in ts if not (t == "survey_tools" or t.count(".") == 1
                                       and (SRC.parent / t.replace(".", "/") / "__init__.py"
                                            ).exists())}
             for m, ts in graph.items()}
    cycles, state = [], {}

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_no_module_writes_another_objects_fitted_attributes():
    """Fitted attributes (``name_``) are set by the object's own methods only."""
    writes = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = node.targets if isinstance(node, ast.Assign) else (
                [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else [])
            for target in targets:
                if (isinstance(target, ast.Attribute) and target.attr.endswith("_")
                        and not target.attr.startswith("_")
                        and not (isinstance(target.value, ast.Name)
                                 and target.value.id in ("self", "cls"))):
                    writes.append(f"{path.relative_to(SRC)}:{node.lineno} {target.attr}")
    assert writes == []


def _calls(name: str):
    """Yield ``path:line`` of every call of a function or method called `name` in src/."""
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called == name:
                    yield f"{path.relative_to(SRC).as_posix()}:{node.lineno}"


def test_each_run_step_is_written_once():
    """One writer for every run's files and run.json, one place that moves a set of files
    into place (issue #15); one run function per engine builds a topic model (#31)."""
    def modules(name):
        return sorted({c.partition(":")[0] for c in _calls(name)})

    assert modules("write_json") == ["runs/result.py"]  # run.json
    assert modules("write_result") == ["runs/categorize.py", "runs/mask.py",
                                       "runs/partitioned.py", "runs/search.py",
                                       "runs/topics.py"]
    assert modules("file_set") == ["runs/result.py"]
    assert modules("TopicModel") == ["runs/partitioned.py", "runs/topics.py"]
    assert len(list(_calls("topics_summary"))) == 1


def test_no_private_module_of_a_library_is_imported():
    """Issue #31, item 7: scikit-learn's constraint classes live in a private module that
    may change in any release (``sklearn.utils._param_validation``)."""
    private = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            for name in names:
                if name.startswith("survey_tools") or getattr(node, "level", 0):
                    continue  # the package's own private modules (charts._common)
                if any(p.startswith("_") and not p.startswith("__") for p in name.split(".")):
                    private.append(f"{path.relative_to(SRC)}:{node.lineno} {name}")
    assert private == []


def test_no_module_uses_a_private_method_of_another_modules_object():
    """Issue #31, item 5: SupervisedCoder called ZeroShotCoder's _embed, _similarities and
    _decide; a module uses another module's objects through their public methods."""
    trees = {p: ast.parse(p.read_text(encoding="utf-8")) for p in SRC.rglob("*.py")}

    def private_defined(tree):
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id in ("self", "cls"):
                names.add(node.attr)
        return {n for n in names if n.startswith("_") and not n.startswith("__")}

    defined = {p: private_defined(t) for p, t in trees.items()}
    used = []
    for path, tree in trees.items():
        elsewhere = set().union(*(d for p, d in defined.items() if p != path)) - defined[path]
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr in elsewhere
                    and not (isinstance(node.value, ast.Name)
                             and node.value.id in ("self", "cls"))):
                used.append(f"{path.relative_to(SRC)}:{node.lineno} {ast.unparse(node)}")
    assert used == []


#: Issue #31, item 11: the package grouped by role; few modules stay at the top.
ROLES = {"io", "nlp", "stats", "topics", "coding", "report", "runs", "resources"}
TOP_MODULES = {"cli", "errors", "i18n", "jupyter", "lazy", "moved", "params", "paths"}
PUBLIC = {"survey_tools.io", "survey_tools.nlp", "survey_tools.stats", "survey_tools.topics",
          "survey_tools.coding", "survey_tools.report", "survey_tools.i18n"}


def test_the_package_is_grouped_by_role():
    packages = {p.parent.name for p in SRC.glob("*/__init__.py")}
    modules = {p.stem for p in SRC.glob("*.py")} - {"__init__"}
    assert packages == ROLES
    assert modules == TOP_MODULES


def test_notebooks_import_from_the_public_namespaces_only():
    import json
    import re

    notebooks = sorted((SRC.parents[1] / "notebooks").glob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        used = set(re.findall(r"^\s*(?:from|import) (survey_tools[\w.]*)", code, re.M))
        assert used <= PUBLIC, (path.name, used - PUBLIC)


def test_every_name_a_namespace_gives_is_there():
    """The lazy maps of the namespaces name only what their modules define."""
    import importlib

    for name in sorted(PUBLIC | {"survey_tools", "survey_tools.report.narratives"}):
        namespace = importlib.import_module(name)
        for given in namespace.__all__:
            assert getattr(namespace, given) is not None, (name, given)


def test_an_old_module_name_still_imports_with_a_warning():
    """Code written against 0.1's flat modules keeps working for a release, and says where
    the module went; a module split in two gives the public names of both."""
    import importlib
    import sys
    import warnings

    import survey_tools.stats.tables as new
    from survey_tools.moved import MOVED

    for old in ("survey_tools.tables", "survey_tools.charts.bars", "survey_tools.interviews"):
        sys.modules.pop(old, None)
    with pytest.warns(DeprecationWarning, match="survey_tools.tables has moved to "
                                                "survey_tools.stats.tables"):
        old = importlib.import_module("survey_tools.tables")
    assert old is new
    with pytest.warns(DeprecationWarning):
        from survey_tools.charts.bars import plot_frequency
    from survey_tools.report.charts.bars import plot_frequency as moved_plot

    assert plot_frequency is moved_plot
    assert sys.modules["survey_tools.charts.bars"] is sys.modules["survey_tools.report.charts.bars"]
    with pytest.warns(DeprecationWarning):
        interviews = importlib.import_module("survey_tools.interviews")
    assert {"read_transcripts", "interview_passages"} <= set(interviews.__all__)
    for old in MOVED:  # every old name has a home
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            importlib.import_module(f"survey_tools.{old}")
    with pytest.warns(DeprecationWarning, match="i18n.term"):
        from survey_tools.i18n import text
    assert text("before", "en") == "Before"
