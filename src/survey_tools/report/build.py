"""Regenerate the report: execute the numbered notebooks, then export one HTML page.

The notebooks in ``notebooks/`` named ``NN_*.ipynb`` run in order with papermill. Each
gets the parameters ``config_path`` (the survey configuration, :mod:`survey_tools.io.config`),
``output_dir`` and ``lang``.
Everything is built in a staging folder and moved into ``reports/`` only when all
notebooks succeeded, so a failed run leaves the previous report in place.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from survey_tools.errors import SurveyInputError
from survey_tools.i18n import LANGUAGES, term
from survey_tools.lazy import import_jsonschema_lightly
from survey_tools.paths import (
    data_dir,
    notebooks_dir,
    project_root,
    reports_dir,
)

__all__ = [
    "ReportError",
    "ReportResult",
    "list_notebooks",
    "notebook_needs",
    "notebook_runs",
    "notebook_starts",
    "notebook_waits",
    "execute_notebooks",
    "report_cells",
    "page_footer_css",
    "report_config",
    "load_report_config",
    "sample_config_path",
    "check_no_personal_data",
    "scrub_local_paths",
    "build_report",
    "export_html",
    "title_details",
]

REPORT_NAME = "report.html"
CONFIG_NAME = "survey-draft.yaml"  # a drafted configuration, saved beside the report
#: Every table of the report in one Excel workbook (one sheet per table), beside it.
TABLES_WORKBOOK = "tables.xlsx"
#: The report printed to A4 (``--pdf``), page numbers in its contents.
PDF_NAME = "report.pdf"
_OUTPUT_PARTS = ("notebooks", "figures", "tables", REPORT_NAME, CONFIG_NAME, TABLES_WORKBOOK,
                 PDF_NAME)
#: Written into every report folder: a folder with it may be updated in place.
REPORT_MARK = ".survey-tools-report"
_REMOTE_SCRIPT = re.compile(r"<script[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>\s*",
                            re.IGNORECASE)
_REMOTE_MODULE = re.compile(r"<script type=\"module\">(?:(?!</script>).)*?https?://"
                            r"(?:(?!</script>).)*</script>\s*", re.DOTALL)


# The report's own look, on screen and printed: A4 pages, headings kept with what follows
# them, figures and tables not split or clipped.
_REPORT_CSS = """
table.report-table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.85em; }
/* JupyterLab lays tables out in equal columns (table-layout: fixed): a long word then
   splits ("Civilsamhällesorga nisation") and headers overlap; size columns by content. */
.jp-RenderedHTMLCommon table.report-table { table-layout: auto; }
.jp-RenderedHTMLCommon table.report-table th, .jp-RenderedHTMLCommon table.report-table td {
  padding: 0.25em 0.6em; vertical-align: top; border-bottom: 1px solid #ddd;
  text-align: left; }
table.report-table th { border-bottom: 2px solid #888; }
img.report-figure { max-width: 100%; height: auto; }
header.report-front, nav.report-contents, section.report-summary {
  font-family: var(--jp-content-font-family); color: var(--jp-content-font-color1); }
header.report-front { margin: 1em 0 1.5em; }
h1.report-title { font-size: 2.1em; margin-bottom: 0.3em; }
p.report-detail { margin: 0.15em 0; color: #444; }
nav.report-contents ol { margin-top: 0.2em; }
span.report-page { float: right; margin-left: 1em; font-variant-numeric: tabular-nums; }
section.report-summary li { margin-bottom: 0.4em; }
section.report-warning { border: 2px solid #b45309; background: #fff7ed; color: #1f2937;
  padding: 0.4em 1em; margin: 0 0 1.5em; font-family: var(--jp-content-font-family); }
section.report-warning h2 { color: #b45309; margin-top: 0.3em; }
/* Chapters are numbered by the page, so a skipped notebook leaves no gap. */
body { counter-reset: chapter; }
.jp-RenderedMarkdown h1 { counter-increment: chapter; }
.jp-RenderedMarkdown h1::before { content: counter(chapter) ". "; }
@page { size: A4; margin: 16mm 14mm 18mm; }
@media print {
  body { font-size: 10pt; }
  .jp-Notebook { padding: 0 !important; }
  .jp-OutputArea-output, .jp-RenderedHTMLCommon { overflow: visible !important; }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  section.report-summary, nav.report-contents:last-child { break-after: page; }
  .jp-Cell:has(.jp-RenderedMarkdown h1) { break-before: page; }
  .jp-MarkdownCell:has(h1:last-child, h2:last-child, h3:last-child, h4:last-child) {
    break-after: avoid; page-break-after: avoid; }
  img, tr, li { break-inside: avoid; page-break-inside: avoid; }
  /* a list's lead-in ("Typiska svar per tema") stays with the list */
  .jp-RenderedMarkdown p:has(+ ul), .jp-RenderedMarkdown p:has(+ ol) { break-after: avoid; }
  /* and a table's bold title line ("**Fråga?**" shown before it) stays with the table */
  .jp-OutputArea-child:has(.jp-RenderedMarkdown > p:only-child > strong:only-child) {
    break-after: avoid; page-break-after: avoid; }
  /* Two charts fit on a page: a tall chart (themes by group) that cannot follow the one
     before it would otherwise leave that page half empty. */
  img.report-figure { max-height: 130mm; width: auto; max-width: 100%; }
  /* nbconvert keeps each output whole on a page: a long table then jumps to the next page
     and leaves this one half empty. Rows and figures stay whole (above); outputs may break. */
  .jp-OutputArea-child { break-inside: auto !important; page-break-inside: auto !important; }
  /* and JupyterLab lays each output out as a CSS table, which a printed page cannot split:
     a long table jumped to the next page whole all the same */
  .jp-OutputArea-child, .jp-OutputArea-output { display: block !important; }
  table.report-table { font-size: 7.5pt; width: 100%; }
  /* break a word only when it cannot fit at all, and then with a hyphen where the
     language allows ("Civilsamhälles-organisation", not "Civilsamhällesorga nisation") */
  table.report-table td, table.report-table th { overflow-wrap: break-word;
    hyphens: auto; }
}
"""


def page_footer_css(title: str, *, lang: str = "sv") -> str:
    r"""Return the CSS that prints the title and "Sida 3 av 38" at the foot of each page.

    The title page has no footer. The title is written as CSS escapes, so no text of the
    configuration can end the style sheet.

    Examples
    --------
    >>> css = page_footer_css("Enkät </style>", lang="sv")
    >>> "counter(page)" in css and "</style>" not in css and "Sida" in css
    True
    """
    def quoted(value: str) -> str:
        return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} "
                             for c in value) + '"'

    page, of = ("Sida", "av") if lang == "sv" else ("Page", "of")
    box = "font-family: sans-serif; font-size: 8pt; color: #555;"
    return (f"\n@page {{ @bottom-left {{ content: {quoted(title)}; {box} }}\n"
            f"  @bottom-right {{ content: {quoted(page + ' ')} counter(page) "
            f"{quoted(' ' + of + ' ')} counter(pages); {box} }} }}\n"
            "@page :first { @bottom-left { content: none; } @bottom-right { content: none; } }\n")


class ReportError(RuntimeError):
    """A notebook failed while the report was regenerated."""


@dataclass(frozen=True)
class ReportResult:
    """What :func:`build_report` wrote.

    Attributes
    ----------
    html : Path
        The report page.
    notebooks : tuple of Path
        The executed notebooks.
    figures : tuple of Path
        The figure files (PNG and SVG).
    tables : tuple of Path
        The table files (CSV).
    pdf : Path or None
        The printed report, when asked for (``pdf=True``).
    """

    html: Path
    notebooks: tuple
    figures: tuple
    tables: tuple
    pdf: Path | None = None


def sample_config_path(root: Path | None = None) -> Path:
    """Return the sample's survey configuration, ``data/sample_survey.yaml``."""
    return data_dir(root) / "sample_survey.yaml"


def report_config(config_path=None, *, input_path=None, dictionary_path=None,
                  chats_path=None, root: Path | None = None):
    """Return ``(config, draft)``: the survey configuration a report runs with.

    A given `config_path` is read (and checked) as it is. With only an `input_path`, a
    configuration is drafted from the detected columns (:func:`~survey_tools.io.config.
    draft_config_data`) and returned as `draft` (data with comments, saved beside the
    report so the analyst can edit it and pass it with ``--config``). With neither, the
    sample's configuration. A `chats_path` replaces the configuration's chat log.
    """
    from dataclasses import replace

    from survey_tools.io.config import Chats, draft_config_data, load_config

    draft = None
    if config_path is not None:
        if input_path is not None:
            raise SurveyInputError("give either --config or --input, not both",
                                   path=config_path,
                                   hint="the configuration names its survey file (survey:)")
        config = load_config(config_path)
    elif input_path is not None:
        draft = draft_config_data(input_path, dictionary=dictionary_path)
        config = load_config(draft)  # its paths are absolute
    else:
        config = load_config(sample_config_path(root or project_root()))
    if chats_path is not None:
        config = replace(config, chats=Chats(Path(chats_path).resolve()))
    return config, draft


def _metadata(notebook: Path) -> dict:
    import json

    meta = json.loads(Path(notebook).read_text(encoding="utf-8")).get("metadata", {})
    return meta.get("survey_tools", {})


def notebook_needs(notebook: Path) -> list[str]:
    """Return what a report notebook needs besides the survey (its ``survey_tools.needs``).

    ``["chats"]`` marks a notebook that analyses a chat log, ``["codebook"]`` one that
    codes an open question with a codebook, ``["open_questions"]`` one that analyses open
    questions; a notebook whose needs the configuration does not meet is skipped
    (:meth:`~survey_tools.io.config.SurveyConfig.needs`).
    """
    return list(_metadata(notebook).get("needs", []))


def notebook_runs(notebook: Path, config) -> list[tuple[str, dict]]:
    """Return how a report notebook is run: ``(executed notebook's name, parameters)``.

    A notebook whose metadata says ``"for_each": "open_question"`` (the topics notebook)
    is run once per open question of the configuration, in its order, with ``question``
    set to the column: ``02_topics_<column>.ipynb``, one chapter each. So an analyst can
    run one question cell by cell in JupyterLab by setting ``question``. Other notebooks
    run once.
    """
    from survey_tools.io.config import slug

    if _metadata(notebook).get("for_each") == "open_question":
        return [(f"{notebook.stem}_{slug(q.column)}.ipynb", {"question": q.column})
                for q in config.open_questions]
    return [(notebook.name, {})]


def load_report_config(config_path=None, *, lang: str | None = None):
    """Return the configuration a report notebook works with (the sample's when None).

    With `lang`, texts written in both languages are given in that one
    (:meth:`~survey_tools.io.config.SurveyConfig.in_language`).
    """
    from survey_tools.io.config import load_config

    config = load_config(config_path or sample_config_path())
    return config.in_language(lang) if lang else config


def check_no_personal_data(folder: Path) -> None:
    """Fail when the report in `folder` shows unmasked structured personal data.

    Scans ``report.html``, ``tables/*.csv`` and the executed notebooks for personnummer,
    samordningsnummer, e-mail addresses, phone, card and IBAN numbers.

    Raises
    ------
    ReportError
        Naming each file and type found (never the values).
    """
    from survey_tools.nlp.pii import scan_files

    folder = Path(folder)
    files = [folder / REPORT_NAME, *sorted((folder / "tables").glob("*.csv")),
             *sorted((folder / "notebooks").glob("*.ipynb"))]
    found = scan_files([f for f in files if f.exists()])
    if len(found):
        where = "; ".join(f"{Path(r.file).relative_to(folder)}: {r.type} ×{r.count}"
                          for r in found.itertuples())
        raise ReportError(f"Unmasked personal data in the generated report ({where}); it "
                          "was not published. Mask the text before it is shown "
                          "(survey_tools.nlp.pii.mask_pii) or leave the column out.")


def list_notebooks(folder: Path | None = None) -> list[Path]:
    """Return the report notebooks (``NN_name.ipynb``) in run order."""
    folder = folder or notebooks_dir()
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb") if p.is_file())


def report_cells(cells, lang: str = "sv") -> list:
    """Return the cells of an executed notebook that belong in a `lang` report.

    Left out: the parameters cells (``parameters``, ``injected-parameters``), cells for
    the notebook reader only (``notebook-only``: the notebook's title in JupyterLab) and
    markdown cells tagged with another language (``lang-en`` in a Swedish report);
    untagged cells show in every report.
    """
    skip = {"parameters", "injected-parameters", "notebook-only",
            *(f"lang-{other}" for other in LANGUAGES if other != lang)}
    return [c for c in cells if not skip & set(c.get("metadata", {}).get("tags", []))]


def export_html(executed: list[Path], target: Path, *, title: str, lang: str = "sv",
                details=(), findings=(), warnings=()) -> Path:
    """Join executed notebooks into one HTML page with code hidden and figures embedded.

    The page opens with a title block (`title` and the lines in `details`), a box with
    the `warnings` if there are any, a table of contents of its chapters and a summary
    of the key `findings` (Markdown sentences; see
    :mod:`survey_tools.report.front_matter`). Scripts that nbconvert would load from the internet
    (require.js, MathJax) are left out, so the page reads the same offline; so are
    warnings printed to stderr (they name paths of the analyst's machine).
    """
    import nbformat
    from nbconvert import HTMLExporter

    from survey_tools.report.front_matter import add_front_matter

    merged = nbformat.v4.new_notebook()
    for number, path in enumerate(executed, start=1):
        nb = nbformat.read(path, as_version=4)
        cells = report_cells(nb.cells, lang)
        for i, cell in enumerate(cells):  # unique in the page (each notebook counts 0, 1, ...)
            cell.id = f"nb{number}-{i}"
            # warnings are for the analyst (in the executed notebooks), not the page: they
            # show install paths such as /home/anna.svensson/.venv/...
            if cell.cell_type == "code":
                cell.outputs = [o for o in cell.outputs if not (
                    o.get("output_type") == "stream" and o.get("name") == "stderr")]
        merged.cells.extend(cells)
        merged.metadata.setdefault("kernelspec", nb.metadata.get("kernelspec", {}))
        merged.metadata.setdefault("language_info", nb.metadata.get("language_info", {}))
    merged.metadata["title"] = title
    exporter = HTMLExporter(template_name="lab")
    exporter.language_code = lang  # <html lang>, for screen readers and hyphenation
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.embed_images = True
    body, _ = exporter.from_notebook_node(merged, resources={"language_code": lang})
    body = _REMOTE_MODULE.sub("", _REMOTE_SCRIPT.sub("", body))
    css = _REPORT_CSS + page_footer_css(title, lang=lang)
    body = body.replace("</head>", f'<style type="text/css">{css}</style>\n</head>', 1)
    body = add_front_matter(body, title=title, lang=lang, details=details, findings=findings,
                            warnings=warnings)
    target.write_text(body, encoding="utf-8")
    return target


@cache
def _kernel_manager_class():
    """Return a kernel manager that encrypts its link to the kernel when it can.

    ipykernel 7.3 and later print "Kernel is running over TCP without encryption" on
    every start unless the manager provisions CurveZMQ keys (jupyter_client 8.10's
    ``transport_encryption``); "auto" does so when the kernel says it supports it.
    """
    from jupyter_client.manager import AsyncKernelManager

    if "transport_encryption" not in AsyncKernelManager.class_trait_names():
        return AsyncKernelManager  # an older jupyter_client: no keys, and no warning
    import zmq
    from traitlets import default

    class EncryptedKernelManager(AsyncKernelManager):
        @default("transport_encryption")
        def _auto(self):
            return "auto" if zmq.has("curve") else "disabled"

    return EncryptedKernelManager


def notebook_waits(runs) -> dict[str, list[str]]:
    """Return, per run of the report, the runs it waits for.

    A notebook whose metadata lists ``"reads": ["01", "02", "03"]`` (the appendix, which
    reads the tables those wrote) starts when every run of a notebook whose name starts
    with one of them has finished; the others start at once. Each notebook writes only its
    own tables, figures and findings, so the report is the same in any order.

    Examples
    --------
    >>> notebook_waits([])
    {}
    """
    waits = {}
    for notebook, name, _ in runs:
        reads = tuple(_metadata(notebook).get("reads", ()))
        waits[name] = [other for nb, other, _ in runs
                       if other != name and reads and Path(nb).name.startswith(reads)]
    return waits


def notebook_starts(runs) -> list[str]:
    """Return the runs of the report in the order they start, each once its inputs are ready.

    The notebooks whose metadata says ``"embeds": true`` (the topics of the open questions
    and the chat conversations: they embed and cluster every answer, the longest runs on
    an empty embedding cache) start first, then the others in the report's order. Two at
    a time, the last long run no longer starts when the short ones are done and runs on
    one core while the other waits (the sample on an empty cache: 75 s with 05 started
    seventh, bench/README.md). The report is the same in any order.

    Examples
    --------
    >>> notebook_starts([])
    []
    """
    first = [name for notebook, name, _ in runs if _metadata(notebook).get("embeds")]
    return first + [name for _, name, _ in runs if name not in first]


def execute_notebooks(runs, folder: Path, params: dict, *, jobs: int | None = None,
                      progress: bool = False, echo=None) -> list[Path]:
    """Execute `runs` (notebook, name, parameters) into `folder`; return them in order.

    `jobs` notebooks run at the same time, in the order of :func:`notebook_starts` as
    their inputs are ready (:func:`notebook_waits`). Each worker keeps one kernel process
    for the notebooks it runs (the threads only wait for them): a notebook starts in a
    clean namespace with the settings reset (:data:`RESET_KERNEL`), but the modules stay
    imported, which saves a kernel start and the imports per notebook. After a failure no
    other notebook starts; the first failure in the report's order is raised once the
    running ones have finished. The kernels are stopped in every case.
    """
    from concurrent.futures import ThreadPoolExecutor

    jobs = max(1, jobs or min(os.cpu_count() or 1, 4))
    echo = echo or (lambda *_: None)
    position = {name: i for i, (_, name, _) in enumerate(runs, start=1)}
    local, kernels = threading.local(), []

    def run(item):
        notebook, name, extra = item
        echo(f"[{position[name]}/{len(runs)}] {name}")
        if getattr(local, "kernel", None) is None:
            local.kernel = _start_kernel(Path(notebook).parent, jobs=jobs)
            kernels.append(local.kernel)
        else:
            _reset_kernel(local.kernel)
        _execute(notebook, folder / name, {**params, **extra},
                 progress=progress and jobs == 1, km=local.kernel)  # parallel bars mix

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        try:
            failed = _schedule(pool, runs, run, jobs=jobs)
        finally:  # also when interrupted: no kernel process is left behind
            for kernel in kernels:
                pool.submit(_stop_kernel, kernel)
    if failed:
        raise failed[min(failed, key=position.get)]
    return [folder / name for _, name, _ in runs]


def _schedule(pool, runs, run, *, jobs: int) -> dict:
    """Run `runs` on `pool` as their inputs are ready; return ``{name: error}`` of failures."""
    from concurrent.futures import FIRST_COMPLETED, wait

    waits = notebook_waits(runs)
    order = {name: i for i, name in enumerate(notebook_starts(runs))}
    pending, running, done, failed = sorted(runs, key=lambda r: order[r[1]]), {}, set(), {}
    while pending or running:
        ready = [item for item in pending if set(waits[item[1]]) <= done] if not failed else []
        for item in ready[:max(0, jobs - len(running))]:
            pending.remove(item)
            running[pool.submit(run, item)] = item[1]
        if not running:
            break
        finished, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in finished:
            name = running.pop(future)
            if future.exception() is not None:
                failed[name] = future.exception()
            else:
                done.add(name)
    return failed


#: Run in a kept kernel before its next notebook: the previous notebook's names, figures,
#: plot and pandas settings and warning filters go, and the cells are numbered from 1 in a
#: new history session (as in a new kernel).
RESET_KERNEL = """
import builtins as _b
_b._survey_tools_warnings.__exit__(None, None, None)
get_ipython().reset(new_session=True)
import builtins as _b
import warnings as _w
import matplotlib as _mpl
import matplotlib.pyplot as _plt
import pandas as _pd
_plt.close("all")
_mpl.rcdefaults()
with _w.catch_warnings():
    _w.simplefilter("ignore")
    _pd.reset_option("all")
_b._survey_tools_warnings = _w.catch_warnings()
_b._survey_tools_warnings.__enter__()
del _b, _w, _mpl, _plt, _pd
"""

#: Run once in a new kernel: the warning filters it starts with, restored by RESET_KERNEL.
START_KERNEL = """
import builtins as _b
import warnings as _w
_b._survey_tools_warnings = _w.catch_warnings()
_b._survey_tools_warnings.__enter__()
del _b, _w
"""


def _start_kernel(cwd: Path, *, jobs: int = 1):
    """Start a kernel in `cwd` for report notebooks; return its manager.

    With `jobs` kernels side by side each computes with its share of the cores (PyTorch,
    BLAS): two kernels of two threads each on two cores made an empty-cache report twice
    as slow. The vectors are the same to the last bit with any number of threads (tested).
    """
    from jupyter_core.utils import run_sync

    env = dict(os.environ)
    if jobs > 1 and "OMP_NUM_THREADS" not in env:
        share = str(max(1, (os.cpu_count() or 1) // jobs))
        env.update(OMP_NUM_THREADS=share, MKL_NUM_THREADS=share, OPENBLAS_NUM_THREADS=share)
    kernel = _kernel_manager_class()(kernel_name="python3")
    run_sync(kernel.start_kernel)(cwd=str(cwd), env=env)
    _reset_kernel(kernel, START_KERNEL)
    return kernel


def _reset_kernel(kernel, code: str = RESET_KERNEL) -> None:
    """Clear a kept kernel for its next notebook (:data:`RESET_KERNEL`)."""
    from jupyter_core.utils import run_sync

    client = kernel.client()
    client.start_channels()
    try:
        # Only the shell channel: the reply comes when the code has run. (`wait_for_ready`
        # and `execute_interactive` also wait for the output channel, at least 0.2 s of
        # idle per call, twice per notebook.)
        msg_id = client.execute(code, silent=True, store_history=False)
        while True:
            try:
                reply = run_sync(client.get_shell_msg)(timeout=60)
            except queue.Empty:
                raise ReportError("the notebooks' kernel did not answer within 60 s; "
                                  "try again, or run with --jobs 1") from None
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        if reply["content"]["status"] != "ok":
            raise ReportError("the kernel could not be reset between notebooks: "
                              f"{reply['content'].get('evalue')}")
    finally:
        client.stop_channels()


def _stop_kernel(kernel) -> None:
    from jupyter_core.utils import run_sync

    run_sync(kernel.shutdown_kernel)(now=True)


@cache
def _engine() -> str:
    """Register papermill's nbclient engine, writing the notebook also when its kernel dies.

    Without a save after every cell papermill writes the executed notebook when it ends or
    a cell fails; a kernel that died left none, and ``failed-notebooks/`` lacked the one
    notebook to look at. This engine writes it as far as it ran (``keep_as``).
    """
    from nbclient.exceptions import DeadKernelError
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.iorw import write_ipynb

    class KeepWhenKernelDies(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, *, keep_as, **kwargs):
            try:
                return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
            except DeadKernelError:
                nb_man.notebook_complete()  # its end time and cell states (papermill: again after)
                write_ipynb(nb_man.nb, keep_as)
                raise

    papermill_engines.register("survey_tools", KeepWhenKernelDies)
    return "survey_tools"


def _execute(notebook: Path, out: Path, parameters: dict, *, progress: bool, km) -> None:
    import papermill as pm
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    declared = pm.inspect_notebook(str(notebook))
    parameters = {k: v for k, v in parameters.items() if k in declared}
    # `km` runs in the notebooks' folder already (_start_kernel); papermill's cwd= would
    # change the folder of this whole process, which is not safe from two threads.
    try:
        pm.execute_notebook(
            str(notebook.resolve()), str(out), parameters=parameters, kernel_name="python3",
            progress_bar=progress, log_output=False, km=km, engine_name=_engine(),
            keep_as=str(out),
            # written once, when it ends or fails (papermill rewrote the whole notebook,
            # its figures and the schema check included, before and after every cell)
            request_save_on_cell_execute=False,
        )
    except PapermillExecutionError as exc:
        raise ReportError(
            f"notebook {notebook.name} failed in cell {exc.exec_count}: "
            f"{exc.ename}: {exc.evalue}."
        ) from None
    except DeadKernelError:
        raise ReportError(
            f"notebook {notebook.name} stopped: its Python process (kernel) died, most often "
            "for lack of memory. Close other programs, or run the notebook in JupyterLab to "
            "see in which cell."
        ) from None


def scrub_local_paths(notebooks, folders: dict) -> None:
    """Rewrite executed notebooks so that they name none of `folders` (in place).

    Every text in a notebook (cell sources, outputs, papermill's metadata) has each
    folder in `folders` replaced by its value: ``{staging: ".", Path.home(): "~"}`` turns
    ``/home/anna.svensson/rapport/.staging-x1/tables`` into ``./tables``, and a folder
    mapped to "" makes paths under it relative. Longer folders are replaced first.

    Examples
    --------
    >>> _replace_folders({"p": "/home/a/r/.staging-1/x"},
    ...                  [("/home/a/r/.staging-1", "."), ("/home/a", "~")])
    {'p': './x'}
    """
    pairs = []
    for folder, replacement in folders.items():
        for form in {str(folder), str(Path(folder).resolve()), Path(folder).as_posix()}:
            if form not in ("", ".", "/") and len(form) > 1:
                pairs.append((form, replacement))
    pairs.sort(key=lambda pair: -len(pair[0]))
    for path in notebooks:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
        Path(path).write_text(json.dumps(_replace_folders(nb, pairs), indent=1,
                                         ensure_ascii=False) + "\n", encoding="utf-8")


def _replace_folders(value, pairs):
    if isinstance(value, str):
        for folder, replacement in pairs:
            if folder in value:
                # the folder and a separator after it, or the folder where its name ends
                value = re.sub(re.escape(folder) + r"[/\\]",
                               (replacement + "/") if replacement else "", value)
                value = re.sub(re.escape(folder) + r"(?![\w.-])", replacement or ".", value)
        return value
    if isinstance(value, list):
        return [_replace_folders(v, pairs) for v in value]
    if isinstance(value, dict):
        return {k: _replace_folders(v, pairs) for k, v in value.items()}
    return value


def _move_into_place(staging: Path, out: Path) -> None:
    """Replace the parts of `out` with those built in `staging` (each by a rename)."""
    for name in _OUTPUT_PARTS:
        new = staging / name
        if not new.exists():
            continue
        old = out / name
        trash = staging / f".old-{name}"
        if old.exists():
            os.replace(old, trash)
        os.replace(new, old)


def _check_output(out: Path) -> None:
    """Refuse a report folder whose report parts were not written by a report.

    The parts (``notebooks/``, ``tables/``, ``figures/``, ``report.html`` …) are replaced
    by each run; in a folder without :data:`REPORT_MARK` they may be the analyst's own
    (a notebook, a logo), so nothing is touched. A report made before the mark existed
    is recognised by its page.
    """
    if (out / REPORT_MARK).exists():
        return
    page = out / REPORT_NAME
    if page.is_file() and 'class="report-title"' in page.read_text(encoding="utf-8",
                                                                      errors="replace"):
        return
    taken = [name for name in (*_OUTPUT_PARTS, "failed-notebooks") if (out / name).exists()]
    if taken:
        raise SurveyInputError(
            f"{out}: the report folder already holds {', '.join(taken)}, which a report "
            "would replace, and no report was written there before",
            hint="give --output a new or empty folder (or move those files away); a "
                 f"folder a report wrote before (it has {REPORT_MARK}) is updated in place")


def _clean_stale_staging(out: Path) -> None:
    """Remove staging folders left by a report that was killed (its process is gone)."""
    from survey_tools.io.atomic import process_alive

    for folder in out.glob(".staging-*"):
        try:
            pid = int((folder / ".pid").read_text())
        except (OSError, ValueError):
            pid = None
        if pid is not None and pid != os.getpid() and process_alive(pid):
            continue  # another report is being written into this folder right now
        shutil.rmtree(folder, ignore_errors=True)


def build_report(
    *,
    config_path: str | Path | None = None,
    input_path: str | Path | None = None,
    dictionary_path: str | Path | None = None,
    output_dir: str | Path | None = None,
    lang: str | None = None,
    chats_path: str | Path | None = None,
    root: Path | None = None,
    progress: bool = True,
    echo=print,
    pdf: bool = False,
    jobs: int | None = None,
) -> ReportResult:
    """Execute the report notebooks on a survey and write the HTML report.

    Parameters
    ----------
    config_path : str or Path, optional
        A survey configuration (``survey.yaml``, see :mod:`survey_tools.io.config`): the
        survey file and the role of each column. Default: drafted from `input_path`, or
        the sample's configuration ``data/sample_survey.yaml``.
    input_path : str or Path, optional
        A survey export to report on without a configuration: one is drafted from the
        detected columns and saved as ``survey-draft.yaml`` in the report folder, to edit
        and pass as `config_path` next time.
    dictionary_path : str or Path, optional
        Data dictionary with question texts, with `input_path`.
    output_dir : str or Path, optional
        Report folder; default ``reports/`` in the project.
    lang : str, optional
        ``"sv"`` or ``"en"``: language of the report text; default the configuration's
        ``language:``, else Swedish.
    chats_path : str or Path, optional
        A chat log (one row per message), replacing the configuration's. Notebooks that
        need a chat log or a codebook are skipped when the configuration has none (a line
        says so).
    root : Path, optional
        The project folder; default found from the current folder.
    progress : bool
        Show a progress bar per notebook.
    echo : callable
        Where progress lines go (``print``; None for silence).
    pdf : bool
        Also print the report to ``report.pdf`` (A4, page numbers in the footer and the
        contents) with a Chromium-based browser (:mod:`survey_tools.report.pdf`); an error
        before any notebook runs when there is none.
    jobs : int, optional
        Notebooks executed at the same time, each in its own kernel (default: the number
        of cores, at most 4); see :func:`notebook_waits`. 1 runs them one by one.

    Returns
    -------
    ReportResult
        The files written.

    Raises
    ------
    SurveyInputError
        When the configuration or the input cannot be read, or a column it names is not
        in the survey (checked before any notebook runs).
    ReportError
        When a notebook fails; the previous report is left as it was.
    """
    from survey_tools.io.config import check_config

    echo = echo or (lambda *_: None)
    root = root or project_root()
    config, draft = report_config(config_path, input_path=input_path,
                                  dictionary_path=dictionary_path, chats_path=chats_path,
                                  root=root)
    lang = lang or config.language or "sv"
    browser = None
    if pdf:  # before the notebooks run: without a browser, say so at once
        from survey_tools.report.pdf import find_browser

        browser = find_browser()
    survey = config.read_survey(lang=lang)
    check_config(config, survey)  # fail early with a clear message
    if config.chats is not None:
        from survey_tools.io.chat_logs import read_chat_log

        read_chat_log(config.chats.path)
    # absolute: the notebooks' kernels run in the notebooks' folder, and a relative
    # output put their tables and figures there (in a staging folder left behind)
    out = Path(output_dir).absolute() if output_dir else reports_dir(root)
    if out.is_dir():
        _check_output(out)  # never replace what a report did not write
    out.mkdir(parents=True, exist_ok=True)
    (out / REPORT_MARK).write_text("A report by survey-tools is written here: its parts "
                                   "(notebooks, tables, figures, report.html) are replaced "
                                   "by the next report.\n", encoding="utf-8")
    _clean_stale_staging(out)
    notebooks = _notebooks_for(config, root, echo)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    (staging / ".pid").write_text(str(os.getpid()))
    try:
        used = config.path
        if draft is not None:  # what this report assumed, to edit and reuse
            used = staging / CONFIG_NAME
        elif chats_path is not None:  # the configuration with another chat log, this run
            used = staging / ".config-used.yaml"
        if used != config.path:
            used.write_text(_config_text(config, draft), encoding="utf-8")
        # Each notebook gets the ones its parameters cell declares (see _execute).
        params = {"config_path": str(used), "output_dir": str(staging), "lang": lang}
        runs = [(nb, name, extra) for nb in notebooks for name, extra in notebook_runs(nb, config)]
        (staging / "notebooks").mkdir(parents=True, exist_ok=True)
        import_jsonschema_lightly()
        # this process only waits for the kernels: it prepares the page meanwhile (0.6 s)
        threading.Thread(target=_prepare_page, daemon=True).start()
        with _TablesWorkbook(staging, lang=lang) as workbook:
            executed = execute_notebooks(runs, staging / "notebooks", params, jobs=jobs,
                                         progress=progress, echo=echo)
            from survey_tools.report.front_matter import read_findings

            workbook.start()  # the tables are final: written on a free core meanwhile
            shown = config.in_language(lang)
            title = shown.title or ("Enkätrapport" if lang == "sv" else "Survey report")
            export_html(executed, staging / REPORT_NAME, title=title, lang=lang,
                        details=title_details(shown, survey, lang=lang),
                        findings=read_findings(staging / "findings"),
                        warnings=read_findings(staging / "warnings"))
            # the kept notebooks name no folder of this computer (user names, the staging
            # folder)
            scrub_local_paths(executed, {staging: ".", out: ".",
                                         Path(config.path or used).parent: "",
                                         Path(used).parent: "", root: "", Path.home(): "~"})
            _write_pdf(staging, browser=browser, echo=echo)
            check_no_personal_data(staging)
            workbook.wait()
        _move_into_place(staging, out)
    except ReportError as exc:
        keep = out / "failed-notebooks"
        shutil.rmtree(keep, ignore_errors=True)
        shutil.copytree(staging / "notebooks", keep)
        raise ReportError(f"{exc} The previous report was left as it was. The executed "
                          f"notebooks, with the error, are in {keep}.") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    echo(f"Report written to {out / REPORT_NAME}")
    if draft is not None:
        echo(f"The columns' roles were guessed: check {out / CONFIG_NAME}, save it as your "
             "survey.yaml and rerun with --config survey.yaml")
    return ReportResult(
        html=out / REPORT_NAME,
        notebooks=tuple(out / "notebooks" / p.name for p in executed),
        figures=tuple(sorted((out / "figures").glob("*.*"))),
        tables=tuple(sorted((out / "tables").glob("*.csv"))),
        pdf=out / PDF_NAME if browser is not None else None,
    )


def _prepare_page() -> None:
    """Load nbconvert and compile the page's template (run while the notebooks do).

    Only a head start: a failure here is left for :func:`export_html` to report.
    """
    try:
        import nbformat
        from nbconvert import HTMLExporter

        HTMLExporter(template_name="lab").from_notebook_node(nbformat.v4.new_notebook())
    except Exception:  # noqa: BLE001, S110 - export_html raises it with the page
        pass


def _write_pdf(staging: Path, *, browser: str | None, echo) -> None:
    """Print the page to the PDF, with a browser (``--pdf``)."""
    if browser is not None:
        from survey_tools.report.pdf import write_report_pdf

        echo(f"printing {PDF_NAME}")
        write_report_pdf(staging / REPORT_NAME, staging / PDF_NAME, browser=browser)


#: Run by :class:`_TablesWorkbook` in a process of its own (tables folder, target,
#: language): it imports while the notebooks run and writes when told to.
_WORKBOOK_CODE = """
import sys
from survey_tools.io.spreadsheets import write_tables_workbook
if sys.stdin.readline().strip() == "write":
    write_tables_workbook(sys.argv[1], sys.argv[2], lang=sys.argv[3])
"""


class _TablesWorkbook:
    """Every table of the report in one workbook, written by another process.

    The workbook (numbers as numbers) is written while this process builds the page and
    checks it for personal data. The process starts with the notebooks and loads pandas
    and openpyxl meanwhile; :meth:`start` (the tables are final) lets it write,
    :meth:`wait` waits for it. The notebooks' cores are free by then: 4.6 s of openpyxl
    beside about 4 s of page and check, instead of after them (measured on 2 cores,
    bench/README.md). Where no process can be started, :meth:`wait` writes the workbook
    here. Leaving the block otherwise (an error) stops the process.
    """

    def __init__(self, staging: Path, *, lang: str) -> None:
        self.tables = staging / "tables"
        self.args = [str(self.tables), str(staging / TABLES_WORKBOOK), lang]
        self.process = None

    def __enter__(self):
        import subprocess
        import sys

        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _WORKBOOK_CODE, *self.args], stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                encoding="utf-8", errors="replace",
                env={**os.environ, "PYTHONIOENCODING": "utf-8"})
        except OSError:
            self.process = None
        return self

    def start(self) -> None:
        """Let the process write the workbook (when the notebooks made tables)."""
        if self.process is not None:
            try:
                self.process.stdin.write("write\n" if self.tables.is_dir() else "\n")
                self.process.stdin.close()
            except OSError:  # it ended early: wait() says why
                pass

    def wait(self) -> None:
        """Return when the workbook is written; raise :class:`ReportError` if it failed."""
        if not self.tables.is_dir():
            return
        if self.process is None:
            from survey_tools.io.spreadsheets import write_tables_workbook

            write_tables_workbook(self.args[0], self.args[1], lang=self.args[2])
            return
        err = self.process.stderr.read()  # stdin is closed by start(): no communicate()
        if self.process.wait():
            last = (err.strip().splitlines() or ["no message"])[-1]
            raise ReportError(f"The workbook of the tables ({TABLES_WORKBOOK}) could not be "
                              f"written: {last}")

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            for pipe in (self.process.stdin, self.process.stderr):
                pipe.close()


def title_details(config, survey, *, lang: str = "sv") -> list[str]:
    """Return the lines under the report's title: who, when, from what, how many answered.

    The organisation; the author and a contact; the fieldwork and the publication date;
    the source and the respondents; for sample data, that it is made up.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> import pandas as pd
    >>> from survey_tools.io.config import SurveyConfig
    >>> config = SurveyConfig(path=None, survey=Path("enkat.csv"), organisation="Region X",
    ...                       fieldwork="mars 2025", population=400)
    >>> survey = NS(data=pd.DataFrame({"a": range(300)}), source=Path("enkat.csv"))
    >>> title_details(config, survey)
    ['Region X', 'Insamling: mars 2025', 'Källa: enkat.csv · Svarande: 300 av 400 (75 %)']
    """
    from survey_tools.report.style import format_n

    n = len(survey.data)
    rate = config.response_rate_of(n)
    answered = f"{term('respondents', lang)}: {format_n(n, lang)}"
    if config.population:
        answered += f" {'av' if lang == 'sv' else 'of'} {format_n(config.population, lang)}"
    if rate is not None:
        answered += f" ({rate:.0f} %)" if lang == "sv" else f" ({rate:.0f}%)"
    when = [f"{term(key, lang)}: {value}" for key, value in
            (("fieldwork", config.fieldwork), ("report_date", config.date)) if value]
    who = [f"{term(key, lang)}: {value}" for key, value in
           (("author", config.author), ("contact", config.contact)) if value]
    lines = [config.organisation] if config.organisation else []
    lines += [" · ".join(part) for part in (who, when) if part]
    lines.append(f"{term('source', lang)}: {config.source or survey.source.name} · {answered}")
    if config.synthetic:
        lines.append(term("synthetic_warning", lang))
    return lines


def _notebooks_for(config, root: Path, echo) -> list[Path]:
    """Return the report notebooks `config` has what they need for; say which are skipped."""
    notebooks = list_notebooks(notebooks_dir(root))
    if not notebooks:
        raise SurveyInputError("there are no report notebooks (NN_name.ipynb)",
                               path=notebooks_dir(root), hint="run from the project folder")
    missing = {"chats": "no chat log (give one with --chats or chats: in the configuration)",
               "codebook": "no open question with a codebook in the configuration",
               "open_questions": "no open question in the configuration",
               "interviews": "no interview transcripts (interviews: in the configuration)"}
    kept = []
    for nb in notebooks:
        unmet = [need for need in notebook_needs(nb) if need not in config.needs()]
        if unmet:
            echo(f"skipping {nb.name}: {missing.get(unmet[0], unmet[0])}")
        else:
            kept.append(nb)
    return kept


def _absolute_paths(section: dict, read) -> dict:
    """Return a configuration section with the paths of `read` (absolute) written in."""
    for key in ("path", "metadata", "codebook"):
        if getattr(read, key, None) is not None:
            section[key] = str(getattr(read, key))
    return section


def _config_text(config, draft) -> str:
    """Return the configuration as YAML with absolute paths (the draft, or `config`'s file)."""
    from survey_tools.io.config import DRAFT_END
    from survey_tools.io.yamlio import dump_yaml, read_yaml

    if draft is not None and config.chats is None and config.interviews is None:
        return dump_yaml(draft, end_comment=DRAFT_END)  # with its comments, to edit
    data = draft if draft is not None else read_yaml(config.path,
                                                     what="the configuration file",
                                                     missing_hint="")[0]
    base = Path(config.path).parent if draft is None else Path("/")
    for key in ("survey", "dictionary"):
        if data.get(key):
            data[key] = str((base / data[key]).resolve())
    for question in data.get("open_questions") or []:
        for key in ("codebook", "edits", "reference"):
            if question.get(key):
                question[key] = str((base / question[key]).resolve())
    if config.interviews is not None:
        data["interviews"] = _absolute_paths(data.get("interviews") or {}, config.interviews)
    if config.chats is not None:  # may come from --chats: written from `config` alone
        data["chats"] = _absolute_paths({}, config.chats)
        if config.chats.speakers:
            data["chats"]["speakers"] = list(config.chats.speakers)
    return dump_yaml(data)
