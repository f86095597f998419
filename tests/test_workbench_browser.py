"""Issue #32: the workbench as an analyst meets it, in JupyterLab driven by Chromium.

JupyterLab is started on a free local port in a copy of the project (a git repository
with the nbstripout filter, as ``make install`` sets it up), and Playwright drives the
system Chromium (no browser download): notebook 02 is run, two themes are merged and one
renamed in the theme review; notebook 03 is run and five answers are coded in the coding
session. The edits and examples files must hold exactly those decisions, a report built
again must show the merged and renamed themes, and ``git status --porcelain notebooks/``
must be empty after the session (saved notebooks included). The screenshots in the
README are made here: ``SURVEY_TOOLS_SCREENSHOTS=reports/screenshots pytest
tests/test_workbench_browser.py`` writes them there (otherwise into the test's temporary
folder, so a test run changes no file of the checkout). Skipped, saying so, where Chromium or
Playwright is not installed (``make test`` installs Chromium where it can: Debian or
Ubuntu, as root).
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from survey_tools.jupyter import GIT_FILTER, install_git_filter

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "survey-tools-test"
EXTRA_KEYS = GIT_FILTER["filter.nbstripout.extrakeys"]  # as `make install` configures it

pytestmark = pytest.mark.slow


def _chromium() -> str:
    for name in (os.environ.get("SURVEY_TOOLS_BROWSER"), "chromium", "chromium-browser",
                 "google-chrome"):
        found = name and shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium to drive: install it (Debian/Ubuntu: apt-get install chromium; "
                "`make test` does where it runs as root) or set SURVEY_TOOLS_BROWSER")


def _git(folder, *args):
    return subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A copy of the project as a git repository with the notebook filter installed.

    As on a clone: the files are committed (the notebooks as git keeps them: stripped by
    nbstripout, all in one process), then ``make install`` installs the filter. Their
    times are set a minute back, so git trusts its index for the files no one touched and
    runs the filter (a Python process per notebook: 0.3 s, 2 s as plain nbstripout) only
    on the notebooks the session saves (issue #31, item 14: it ran on every notebook
    twice, about 25 s of this test).
    """
    folder = tmp_path_factory.mktemp("workbench") / "project"
    folder.mkdir()
    for part in ("notebooks", "data"):
        shutil.copytree(ROOT / part, folder / part,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    for name in ("pyproject.toml", ".gitignore"):
        shutil.copy(ROOT / name, folder / name)
    subprocess.run([sys.executable, "-m", "survey_tools.jupyter", "strip", "--extra-keys",
                    EXTRA_KEYS, *sorted(map(str, (folder / "notebooks").glob("*.ipynb")))],
                   check=True)
    past = time.time() - 60
    for path in folder.rglob("*"):
        os.utime(path, (past, past))
    _git(folder, "init", "-q")
    _git(folder, "config", "user.email", "test@example.org")
    _git(folder, "config", "user.name", "test")
    _git(folder, "add", "-A")
    _git(folder, "commit", "-q", "-m", "copy")
    install_git_filter(folder)  # as `make install` does
    assert _git(folder, "check-attr", "filter", "--", "notebooks/02_topics.ipynb").strip() \
        .endswith(": nbstripout")
    assert _git(folder, "status", "--porcelain") == ""
    return folder


@pytest.fixture(scope="module")
def lab(project, tmp_path_factory):
    """JupyterLab on a free port, serving the copy; stopped after the module."""
    folder = tmp_path_factory.mktemp("lab")
    log = folder / "jupyterlab.log"
    settings = folder / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)  # the analyst's own settings stay out; no news pop-up
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "SURVEY_TOOLS_ROOT": str(project)}
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
         "--ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}", "--allow-root",
         f"--ServerApp.root_dir={project}", "--LabApp.expose_app_in_browser=True",
         f"--LabApp.user_settings_dir={folder / 'settings'}",
         f"--LabApp.workspaces_dir={folder / 'workspaces'}",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class="
         "jupyterlab.NeverCheckForUpdate"],
        cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"))
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=1)
            break
        except OSError:
            if server.poll() is not None:
                pytest.fail(f"JupyterLab did not start: {log.read_text()[-2000:]}")
            time.sleep(0.5)
    yield url
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


@pytest.fixture(scope="module")
def page(lab):
    playwright = pytest.importorskip("playwright.sync_api",
                                     reason="Playwright's Python package is not installed "
                                            "(pip install -e '.[dev]')")
    browser_path = _chromium()
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(int(os.environ.get("SURVEY_TOOLS_BROWSER_TIMEOUT", "600")) * 1000)
        yield page
        browser.close()


_KERNEL = ("(name) => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
           " return !!(w && w.context && w.context.path.endsWith(name) && w.sessionContext"
           " && w.sessionContext.session && w.sessionContext.session.kernel); }")


def _open_and_run(page, lab, notebook, widget):
    """Open `notebook` in a fresh workspace, run it all; the output that holds `widget`."""
    # reset: a fresh workspace, so the notebook before this one is not opened again
    page.goto(f"{lab}/lab/tree/notebooks/{notebook}?token={TOKEN}&reset")
    deadline = time.monotonic() + 300
    while not page.evaluate(_KERNEL, notebook):  # a dialog (kernel, build): accept it
        dialog = page.locator(".jp-Dialog .jp-mod-accept")
        if dialog.count():
            dialog.first.click()
        if time.monotonic() > deadline:
            shot = Path(tempfile.gettempdir()) / "survey_tools_lab.png"
            page.screenshot(path=str(shot))
            pytest.fail(f"{notebook}: no kernel after 5 minutes (what the page showed: {shot})")
        time.sleep(0.5)
    page.evaluate("async () => { const w = window.jupyterapp.shell.currentWidget;"
                  " await w.sessionContext.ready;"
                  " await window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    return page.locator(".jp-Notebook .jp-Cell .jp-OutputArea").filter(
        has=page.locator(widget))


def _save_and_close(page):
    """Save the notebook as an analyst's session would, stop its kernel, close it."""
    page.evaluate("async () => { const w = window.jupyterapp.shell.currentWidget;"
                  " await w.context.save(); await w.sessionContext.shutdown(); w.close(); }")


def _topic(option: str) -> int:
    return int(option.split(":", 1)[0])


def test_an_analyst_merges_renames_and_codes_in_jupyterlab(project, lab, page, tmp_path):
    from playwright.sync_api import expect

    from survey_tools.coding import load_codebook
    from survey_tools.coding.session import read_decisions
    from survey_tools.io.yamlio import safe_load_unique

    edits_file = project / "data" / "topic_edits" / "q_obstacles.yaml"
    before = safe_load_unique(edits_file.read_text(encoding="utf-8"))

    # notebook 02: the theme review
    review = _open_and_run(page, lab, "02_topics.ipynb", ".widget-select")
    themes = review.locator(".widget-select select").first
    themes.wait_for(state="visible")
    # one language's prose at a time: lang = "sv", so the English paragraphs are folded
    prose = page.locator(".jp-MarkdownCell .jp-RenderedMarkdown")
    swedish = prose.filter(has_text="Svaren delas in i teman")
    swedish.scroll_into_view_if_needed()  # the English cell is the one below it
    english = prose.filter(has_text="The answers are grouped into themes")
    assert swedish.is_visible() and not english.is_visible()
    shots = Path(os.environ.get("SURVEY_TOOLS_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "one_language.png"))
    # the search in its notebook: masked answers by meaning, in a table
    search = page.locator(".jp-Notebook .jp-Cell .jp-OutputArea").filter(
        has=page.locator(".widget-slider"))
    search.locator("input[placeholder='Sök i svaren']").fill("brist på pengar")
    search.locator("input[placeholder='Sök i svaren']").press("Enter")
    search.locator("table").wait_for()
    assert search.locator("table tbody tr").count() == 10
    options = [o for o in themes.locator("option").all_inner_texts() if not o.startswith("-1")]
    first, second, third = options[:3]
    themes.select_option(label=first)
    review.locator(".widget-dropdown select").first.select_option(label=second)
    review.locator("input[placeholder='Nytt namn']").fill("Sammanslaget tema")
    review.get_by_role("button", name="Slå ihop med").click()
    review.get_by_text("Det här ändras när rapporten körs igen").wait_for()
    review.scroll_into_view_if_needed()
    review.screenshot(path=str(shots / "theme_review.png"))
    review.get_by_role("button", name="Spara").click()
    review.get_by_text("Sparat i").wait_for()
    themes.select_option(label=third)
    review.locator("input[placeholder='Nytt namn']").fill("Omdöpt tema")
    review.get_by_role("button", name="Byt namn").click()
    review.get_by_text("Det här ändras när rapporten körs igen").wait_for()
    page.keyboard.press("Enter")  # saves the edit shown (the focus is on "Byt namn")
    for _ in range(100):  # written at once, while the first save's message still shows
        if "Omdöpt tema" in edits_file.read_text(encoding="utf-8"):
            break
        time.sleep(0.1)
    _save_and_close(page)

    after = safe_load_unique(edits_file.read_text(encoding="utf-8"))
    assert before.get("merge") is None and len(after["merge"]) == 1
    assert after["merge"][0]["label"] == "Sammanslaget tema"
    assert len(after["merge"][0]["topics"]) == 2
    assert after["labels"][:-1] == before["labels"]
    assert after["labels"][-1]["label"] == "Omdöpt tema"

    # notebook 03: the coding session, five answers
    session = _open_and_run(page, lab, "03_codebook_coding.ipynb", ".widget-toggle-button")
    toggles = session.locator(".widget-toggle-button")
    toggles.first.wait_for(state="visible")
    shown = []
    for k in range(5):  # two with the mouse, three with the keyboard (issue #32 item 3)
        answer = session.locator(".widget-html").nth(1).inner_text()
        shown.append(answer.splitlines()[0].strip())
        if k < 2:
            toggles.first.click()
            session.get_by_role("button", name="Spara").click()
        else:
            session.locator(".survey-tools-keys").click()  # the focus in the widget's box
            expect(session.locator(".survey-tools-keys")).to_contain_text("⌨ Tangenter")
            page.keyboard.press("1")
            session.locator(".widget-toggle-button.mod-active").first.wait_for()
            page.keyboard.press("Enter")
        session.get_by_text(f"{k + 1} svar kodade").wait_for()
    # the fifth decision refits the coder in a background thread; its result comes later
    session.get_by_text("Cohens kappa").wait_for()
    session.scroll_into_view_if_needed()
    session.screenshot(path=str(shots / "coding_session.png"))
    _save_and_close(page)

    book = load_codebook(project / "data" / "codebook_obstacles.yaml")
    decided = read_decisions(project / "data" / "coding_examples" / "q_obstacles.csv",
                             codebook=book, id_column="respondent_id")
    assert decided["respondent_id"].tolist() == shown
    assert (decided[book.ids[0]] == 1).all() and (decided[book.ids[1:]] == 0).all().all()

    # the report built again shows the merged and the renamed theme (the sample's
    # configuration with only this question: the other chapters do not read the edits)
    from survey_tools.io.yamlio import dump_yaml, load_for_editing
    from survey_tools.report import build_report

    config = load_for_editing((project / "data" / "sample_survey.yaml").read_text("utf-8"))
    for key in ("likert", "check_all", "before_after", "chats", "interviews"):
        config.pop(key, None)
    config["values"].pop("size", None)  # a column of the interviews' metadata
    question = config["open_questions"][0]
    for key in ("codebook", "reference"):
        question.pop(key, None)
    config["open_questions"] = [question]
    (project / "data" / "themes_only.yaml").write_text(dump_yaml(config), encoding="utf-8")
    out = tmp_path / "report"
    result = build_report(config_path=project / "data" / "themes_only.yaml",
                          output_dir=out, progress=False, echo=None)
    html = result.html.read_text(encoding="utf-8")
    assert "Sammanslaget tema" in html and "Omdöpt tema" in html
    log = pd.read_csv(out / "tables" / "02_q_obstacles_edits.csv")
    ours = log[(log["label"] == "Sammanslaget tema") | (log["label"] == "Omdöpt tema")]
    assert ours["edit"].tolist() == ["merge", "label"]
    assert (ours["status"] == "applied").all()

    # the session left the notebooks as git has them
    assert _git(project, "status", "--porcelain", "notebooks/") == "", _git(
        project, "diff", "notebooks/")
