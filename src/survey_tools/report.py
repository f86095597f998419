"""Regenerate the report: execute the numbered notebooks, then export one HTML page.

The notebooks in ``notebooks/`` named ``NN_*.ipynb`` run in order with papermill. Each
gets the parameters ``input_path``, ``dictionary_path``, ``output_dir`` and ``lang``.
Everything is built in a staging folder and moved into ``reports/`` only when all
notebooks succeeded, so a failed run leaves the previous report in place.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from survey_tools.errors import SurveyInputError
from survey_tools.paths import (
    data_dir,
    notebooks_dir,
    project_root,
    reports_dir,
    sample_dictionary_path,
    sample_survey_path,
)

__all__ = [
    "ReportError",
    "ReportResult",
    "list_notebooks",
    "resolve_input",
    "load_report_survey",
    "topic_edits_path",
    "check_no_personal_data",
    "build_report",
    "export_html",
]

REPORT_NAME = "report.html"
_OUTPUT_PARTS = ("notebooks", "figures", "tables", REPORT_NAME)
_REMOTE_SCRIPT = re.compile(r"<script[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>\s*",
                            re.IGNORECASE)
_REMOTE_MODULE = re.compile(r"<script type=\"module\">(?:(?!</script>).)*?https?://"
                            r"(?:(?!</script>).)*</script>\s*", re.DOTALL)


# The report's own look, on screen and printed: A4 pages, headings kept with what follows
# them, figures and tables not split or clipped.
_REPORT_CSS = """
table.report-table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.85em; }
.jp-RenderedHTMLCommon table.report-table th, .jp-RenderedHTMLCommon table.report-table td {
  padding: 0.25em 0.6em; vertical-align: top; border-bottom: 1px solid #ddd;
  text-align: left; }
table.report-table th { border-bottom: 2px solid #888; }
img.report-figure { max-width: 100%; height: auto; }
@page { size: A4; margin: 16mm 14mm 18mm; }
@media print {
  body { font-size: 10pt; }
  .jp-Notebook { padding: 0 !important; }
  .jp-OutputArea-output, .jp-RenderedHTMLCommon { overflow: visible !important; }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  .jp-MarkdownCell:has(h1:last-child, h2:last-child, h3:last-child, h4:last-child) {
    break-after: avoid; page-break-after: avoid; }
  img, tr, li { break-inside: avoid; page-break-inside: avoid; }
  table.report-table { font-size: 7.5pt; width: 100%; }
  table.report-table td { overflow-wrap: anywhere; }
}
"""


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
    """

    html: Path
    notebooks: tuple
    figures: tuple
    tables: tuple


def resolve_input(input_path=None, dictionary_path=None, *, root: Path | None = None):
    """Return ``(input_path, dictionary_path)`` with the report's defaults filled in.

    No input means the bundled synthetic sample; the sample's data dictionary is used
    when the input is the sample and no dictionary is given.
    """
    root = root or project_root()
    sample = sample_survey_path(root)
    input_path = Path(input_path) if input_path else sample
    if dictionary_path is None and input_path.resolve() == sample.resolve():
        dictionary_path = sample_dictionary_path(root)
    return input_path, (Path(dictionary_path) if dictionary_path else None)


def resolve_chats(chats_path=None, input_path=None, *, root: Path | None = None):
    """Return the chat log a report analyses, or None when there is none.

    A given `chats_path` is used as it is. Without one, the bundled synthetic chat sample
    goes with the bundled sample survey; a report on other survey data gets no chat
    section (its notebooks are skipped).
    """
    root = root or project_root()
    if chats_path:
        return Path(chats_path)
    if input_path is None or Path(input_path).resolve() == sample_survey_path(root).resolve():
        return data_dir(root) / "sample_chats.csv"
    return None


def notebook_needs(notebook: Path) -> list[str]:
    """Return what a report notebook needs besides the survey (its ``survey_tools.needs``).

    ``["chats"]`` marks a notebook that analyses a chat log.
    """
    import json

    meta = json.loads(Path(notebook).read_text(encoding="utf-8")).get("metadata", {})
    return list(meta.get("survey_tools", {}).get("needs", []))


def load_report_survey(input_path=None, dictionary_path=None, *, lang: str = "sv"):
    """Read the survey a report notebook works on (the sample when `input_path` is None)."""
    from survey_tools.survey import read_survey

    input_path, dictionary_path = resolve_input(input_path, dictionary_path)
    return read_survey(input_path, dictionary=dictionary_path, lang=lang)


def topic_edits_path(column: str, edits_dir=None, input_path=None) -> Path | None:
    """Return the analyst's topic edits file for `column`, or None when there is none.

    Edits live as ``<edits_dir>/<column>.yaml``. With no `edits_dir`, the sample survey
    uses ``data/topic_edits/``; other inputs have no edits until a folder is given.
    """
    if edits_dir is None:
        if input_path is not None and Path(input_path).resolve() != sample_survey_path().resolve():
            return None
        edits_dir = data_dir() / "topic_edits"
    path = Path(edits_dir) / f"{column}.yaml"
    return path if path.exists() else None


def check_no_personal_data(folder: Path) -> None:
    """Fail when the report in `folder` shows unmasked structured personal data.

    Scans ``report.html``, ``tables/*.csv`` and the executed notebooks for personnummer,
    samordningsnummer, e-mail addresses, phone, card and IBAN numbers.

    Raises
    ------
    ReportError
        Naming each file and type found (never the values).
    """
    from survey_tools.pii import scan_files

    folder = Path(folder)
    files = [folder / REPORT_NAME, *sorted((folder / "tables").glob("*.csv")),
             *sorted((folder / "notebooks").glob("*.ipynb"))]
    found = scan_files([f for f in files if f.exists()])
    if len(found):
        where = "; ".join(f"{Path(r.file).relative_to(folder)}: {r.type} ×{r.count}"
                          for r in found.itertuples())
        raise ReportError(f"Unmasked personal data in the generated report ({where}); it "
                          "was not published. Mask the text before it is shown "
                          "(survey_tools.pii.mask_pii) or leave the column out.")


def list_notebooks(folder: Path | None = None) -> list[Path]:
    """Return the report notebooks (``NN_name.ipynb``) in run order."""
    folder = folder or notebooks_dir()
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb") if p.is_file())


def _strip_parameters(cells):
    skip = {"parameters", "injected-parameters"}
    return [c for c in cells if not skip & set(c.get("metadata", {}).get("tags", []))]


def export_html(executed: list[Path], target: Path, *, title: str, lang: str = "sv") -> Path:
    """Join executed notebooks into one HTML page with code hidden and figures embedded.

    Scripts that nbconvert would load from the internet (require.js, MathJax) are left out,
    so the page reads the same offline.
    """
    import nbformat
    from nbconvert import HTMLExporter

    merged = nbformat.v4.new_notebook()
    for path in executed:
        nb = nbformat.read(path, as_version=4)
        merged.cells.extend(_strip_parameters(nb.cells))
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
    body = body.replace("</head>", f'<style type="text/css">{_REPORT_CSS}</style>\n</head>', 1)
    target.write_text(body, encoding="utf-8")
    return target


def _execute(notebook: Path, out: Path, parameters: dict, *, progress: bool) -> None:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    declared = pm.inspect_notebook(str(notebook))
    parameters = {k: v for k, v in parameters.items() if k in declared}
    try:
        pm.execute_notebook(
            str(notebook), str(out), parameters=parameters, kernel_name="python3",
            progress_bar=progress, cwd=str(notebook.parent), log_output=False,
        )
    except PapermillExecutionError as exc:
        raise ReportError(
            f"notebook {notebook.name} failed in cell {exc.exec_count}: "
            f"{exc.ename}: {exc.evalue}."
        ) from None


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


def build_report(
    *,
    input_path: str | Path | None = None,
    dictionary_path: str | Path | None = None,
    output_dir: str | Path | None = None,
    lang: str = "sv",
    chats_path: str | Path | None = None,
    root: Path | None = None,
    progress: bool = True,
    echo=print,
) -> ReportResult:
    """Execute the report notebooks on a survey file and write the HTML report.

    Parameters
    ----------
    input_path : str or Path, optional
        The survey export; default the bundled synthetic sample.
    dictionary_path : str or Path, optional
        Data dictionary with question texts; default the sample's when the input is the
        sample.
    output_dir : str or Path, optional
        Report folder; default ``reports/`` in the project.
    lang : str
        ``"sv"`` or ``"en"``: language of the report text.
    chats_path : str or Path, optional
        A chat log (one row per message) for the notebooks marked as needing one; default
        the synthetic chat sample with the sample survey, none with other data (those
        notebooks are then skipped, and a line says so).
    root : Path, optional
        The project folder; default found from the current folder.
    progress : bool
        Show a progress bar per notebook.
    echo : callable
        Where progress lines go (``print``; None for silence).

    Returns
    -------
    ReportResult
        The files written.

    Raises
    ------
    SurveyInputError
        When the input cannot be read (checked before any notebook runs).
    ReportError
        When a notebook fails; the previous report is left as it was.
    """
    from survey_tools.survey import read_survey

    echo = echo or (lambda *_: None)
    root = root or project_root()
    input_path, dictionary_path = resolve_input(input_path, dictionary_path, root=root)
    read_survey(input_path, dictionary=dictionary_path)  # fail early with a clear message
    chats = resolve_chats(chats_path, input_path, root=root)
    if chats is not None:
        from survey_tools.conversations import read_chat_log

        read_chat_log(chats)
    out = Path(output_dir) if output_dir else reports_dir(root)
    out.mkdir(parents=True, exist_ok=True)
    notebooks = list_notebooks(notebooks_dir(root))
    if not notebooks:
        raise SurveyInputError("there are no report notebooks (NN_name.ipynb)",
                               path=notebooks_dir(root), hint="run from the project folder")
    if chats is None:
        skipped = [nb for nb in notebooks if "chats" in notebook_needs(nb)]
        for nb in skipped:
            echo(f"skipping {nb.name}: no chat log (give one with --chats)")
        notebooks = [nb for nb in notebooks if nb not in skipped]
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    try:
        # Each notebook gets the ones its parameters cell declares (see _execute).
        params = {"input_path": str(input_path.resolve()),
                  "dictionary_path": str(dictionary_path.resolve()) if dictionary_path else None,
                  "chats_path": str(Path(chats).resolve()) if chats is not None else None,
                  "output_dir": str(staging), "lang": lang}
        executed = []
        for i, nb in enumerate(notebooks, start=1):
            echo(f"[{i}/{len(notebooks)}] {nb.name}")
            target = staging / "notebooks" / nb.name
            target.parent.mkdir(parents=True, exist_ok=True)
            _execute(nb, target, params, progress=progress)
            executed.append(target)
        title = "Enkätrapport" if lang == "sv" else "Survey report"
        export_html(executed, staging / REPORT_NAME, title=title, lang=lang)
        check_no_personal_data(staging)
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
    return ReportResult(
        html=out / REPORT_NAME,
        notebooks=tuple(out / "notebooks" / p.name for p in notebooks),
        figures=tuple(sorted((out / "figures").glob("*.*"))),
        tables=tuple(sorted((out / "tables").glob("*.csv"))),
    )
