"""Issue #31, item 8: the route of a ``survey-tools topics`` run, traced call by call.

One run function per engine hands the data on from stage to stage: each module it calls
is entered once (the README's layout section lists the route), and no module calls back
up into a module that is still working below it on the call stack.
"""

import inspect
import sys
from pathlib import Path

import pandas as pd
import pytest

import survey_tools

SRC = Path(survey_tools.__file__).parent
#: Functions whose own route is checked: the two run functions and the Dask engine's tasks
#: run once per partition (assign it, write its part).
ROOTS = {"run_topics", "run_topics_partitioned", "_assign_part", "_write_part"}


_MODULES: dict = {}


def _module(code) -> str | None:
    """The package module of a function's code; None for libraries, module and class bodies."""
    if code not in _MODULES:
        path, name = code.co_filename, None
        if code.co_flags & inspect.CO_OPTIMIZED and path.startswith(f"{SRC}/"):
            name = ".".join(Path(path).relative_to(SRC).with_suffix("").parts)
            name = name.removesuffix(".__init__") or "survey_tools"
        _MODULES[code] = name
    return _MODULES[code]


class ModuleTrace:
    """Record every call that enters a package module from another one.

    ``routes[root]`` lists, in order, the modules a root function (:data:`ROOTS`) entered
    directly (with the helpers of its own module); ``climbs`` the calls that entered a
    module already on the call stack below another module.
    """

    def __init__(self):
        self.routes: dict[str, list[list[str]]] = {}
        self.climbs: list[tuple[list[str], str]] = []
        self._open: dict[int, tuple] = {}  # id of a root's frame → (the frame, its route)

    def __call__(self, frame, event, arg):
        if event != "call" or (module := _module(frame.f_code)) is None:
            return
        chain, root = _callers(frame)
        if frame.f_code.co_name in ROOTS and self._open.get(id(frame), (None,))[0] is not frame:
            self._open[id(frame)] = (frame, [])  # a generator's frame is entered again
            self.routes.setdefault(frame.f_code.co_name, []).append(self._open[id(frame)][1])
        if not chain or chain[0] == module:
            return
        if module in chain:
            self.climbs.append((chain, f"{module}.{frame.f_code.co_name}"))
        if root is not None and root[1] == 1:  # called from the root's own module
            route = self._open[id(root[0])][1]
            if not route or route[-1] != module:
                route.append(module)


def _callers(frame):
    """Return the package modules below `frame` (nearest first, repeats collapsed) and the
    nearest root function's frame with its position in them."""
    chain, root = [], None
    caller = frame.f_back
    while caller is not None:
        name = _module(caller.f_code)
        if name is not None:
            if not chain or chain[-1] != name:
                chain.append(name)
            if root is None and caller.f_code.co_name in ROOTS:
                root = (caller, len(chain))
        caller = caller.f_back
    return chain, root


def _traced(run):
    trace = ModuleTrace()
    sys.setprofile(trace)
    try:
        run()
    finally:
        sys.setprofile(None)
    return trace


@pytest.fixture(scope="module")
def small_csv(tmp_path_factory):
    from survey_tools.paths import project_root

    path = tmp_path_factory.mktemp("route") / "answers.csv"
    sample = project_root() / "data" / "sample_survey.csv"
    columns = ["respondent_id", "org_type", "q_obstacles"]
    pd.read_csv(sample, dtype=str)[columns].head(300).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def imported(small_csv, tmp_path_factory):
    """One run first: the imports of a first run are not part of the route."""
    from survey_tools.runs.topics import run_topics

    run_topics(small_csv, text_column="q_obstacles", group_column="org_type",
               output=tmp_path_factory.mktemp("first"), embedding="tfidf", cache_dir=False,
               n_topics=4, progress=False, fit_size=120)


def _repeated(route):
    return sorted({m for i, m in enumerate(route) if m in route[:i]})


@pytest.mark.parametrize("fit_size", [50_000, 120])
def test_a_topics_run_enters_each_module_once(small_csv, imported, tmp_path, fit_size):
    """The pandas engine: read → fit (and assign in batches above fit_size) → count → write."""
    from survey_tools.runs.topics import run_topics

    def run():
        run_topics(small_csv, text_column="q_obstacles", group_column="org_type",
                   output=tmp_path / "out", embedding="tfidf", cache_dir=False, n_topics=4,
                   progress=False, fit_size=fit_size)

    trace = _traced(run)
    assert trace.climbs == []
    [route] = trace.routes["run_topics"]
    assert _repeated(route) == [], route
    assert route == ["io.atomic", "io.survey", "io.schema", "topics.model", "topics.large",
                     "stats.topic_tables", "nlp.embeddings", "runs.result"]


def test_the_dask_run_enters_each_module_once(small_csv, tmp_path):
    """The Dask engine: read and check ids → fit on the sample → assign each partition once
    (each task: texts, ids, transform, its part of the file) → count → write."""
    dask = pytest.importorskip("dask")
    from survey_tools.runs.partitioned import run_topics_partitioned

    def run():
        with dask.config.set(scheduler="synchronous"):  # the tasks run in this process
            run_topics_partitioned(small_csv, text_column="q_obstacles",
                                   group_column="org_type", output=tmp_path / "out",
                                   embedding="tfidf", cache_dir=False, progress=False,
                                   fit_size=120, blocksize=4_000, n_topics=4)

    run()
    trace = _traced(run)
    assert trace.climbs == []
    [route] = trace.routes["run_topics_partitioned"]
    assert _repeated(route) == [], route
    assert route == ["io.atomic", "io.readers", "io.schema", "topics.large", "topics.model",
                     "runs.topics", "runs.result"]
    tasks = trace.routes["_assign_part"]
    assert len(tasks) > 1
    assert all(task == ["nlp.answers", "io.schema", "topics.model"] for task in tasks), tasks
    assert trace.routes["_write_part"] == [["io.spreadsheets"]] * len(tasks)
