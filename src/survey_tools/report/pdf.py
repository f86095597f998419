"""The report as a PDF, printed by a Chromium-based browser, with page numbers in the contents.

A browser prints the page numbers in the footer (CSS ``@page`` boxes), but no browser
fills in page numbers in a table of contents (``target-counter()``). So the report is
printed twice: once to find the page each chapter starts on (read from the PDF with
pypdf), then with those numbers in the contents. The contents sit on the first page and
the numbers take no extra line, so the second print breaks its pages as the first did
(``tests/test_report.py`` checks each chapter is on the page its number says).

Chrome, Edge and Chromium print alike (``--headless --print-to-pdf``); Edge comes with
every Windows computer. Nothing is downloaded; without a browser, :func:`find_browser`
says which to install or where to point ``SURVEY_TOOLS_BROWSER``.
"""

from __future__ import annotations

import html as html_lib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from survey_tools.errors import SurveyInputError

__all__ = ["BROWSER_ENV", "find_browser", "print_pdf", "chapter_pages", "number_contents",
           "write_report_pdf"]

#: A browser to print with (a path or a command), before the usual places are searched.
BROWSER_ENV = "SURVEY_TOOLS_BROWSER"

_COMMANDS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
             "microsoft-edge", "microsoft-edge-stable", "msedge", "chrome")


def _usual_places() -> list[Path]:
    """Where Windows and macOS install Chrome and Edge."""
    if sys.platform == "win32":
        roots = [os.environ.get(v) for v in ("PROGRAMFILES(X86)", "PROGRAMFILES",
                                             "LOCALAPPDATA")]
        tails = [r"Microsoft\Edge\Application\msedge.exe",
                 r"Google\Chrome\Application\chrome.exe"]
        return [Path(root) / tail for root in roots if root for tail in tails]
    if sys.platform == "darwin":
        return [Path("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"),
                Path("/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge"),
                Path("/Applications/Chromium.app/Contents/MacOS/Chromium")]
    return []


def find_browser() -> str:
    """Return a Chromium-based browser to print with.

    ``SURVEY_TOOLS_BROWSER`` first, then the usual commands on the ``PATH`` (chromium,
    google-chrome, microsoft-edge …), then where Windows and macOS install Edge and Chrome.

    Raises
    ------
    SurveyInputError
        When none is found, saying what to install or set.
    """
    given = os.environ.get(BROWSER_ENV)
    if given:
        found = shutil.which(given) or (given if Path(given).is_file() else None)
        if found is None:
            raise SurveyInputError(f"{BROWSER_ENV} names {given!r}, which is not a program",
                                   hint="give the full path of chrome, msedge or chromium")
        return found
    for command in _COMMANDS:
        found = shutil.which(command)
        if found:
            return found
    for place in _usual_places():
        if place.is_file():
            return str(place)
    raise SurveyInputError(
        "no Chromium-based browser (Chrome, Edge or Chromium) was found to print the PDF",
        hint=f"install one (Linux: apt install chromium), or set {BROWSER_ENV} to its path; "
             "the HTML report is written without it")


def print_pdf(page: Path, target: Path, *, browser: str | None = None,
              timeout: float = 300) -> Path:
    """Print the HTML file `page` to the PDF `target` (A4, as the page's CSS says).

    The browser's own header and footer (date, file path) are left out; the report's
    footer comes from its CSS. A fresh browser profile is used and removed.
    """
    browser = browser or find_browser()
    page, target = Path(page).resolve(), Path(target).resolve()
    with tempfile.TemporaryDirectory(prefix="survey-tools-browser-") as profile:
        command = [browser, "--headless", "--disable-gpu", "--no-pdf-header-footer",
                   "--no-first-run", f"--user-data-dir={profile}",
                   f"--print-to-pdf={target}", page.as_uri()]
        if sys.platform.startswith("linux") and hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium refuses to run as root otherwise
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise SurveyInputError(f"the browser did not print the report in {timeout:.0f} s",
                                   path=browser, hint="try again, or print report.html "
                                   "from the browser yourself") from None
    if done.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["nothing"]
        raise SurveyInputError(f"the browser could not print the report (it said: {said[0]})",
                               path=browser, hint=f"set {BROWSER_ENV} to another browser, or "
                               "print report.html from the browser yourself")
    return target


def _normal(value: str) -> str:
    """Text as compared: ligatures undone (a PDF writes "ﬁnns"), spaces collapsed."""
    import unicodedata

    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", value)).strip().casefold()


def chapter_pages(pdf: Path, titles, *, first: int = 2) -> list[int | None]:
    """Return the page (1-based) each chapter title starts on, in order.

    A title is looked for from the page of the chapter before it, and from page `first`
    for the first chapter (the contents on page 1 name them all). A title not found gets
    None.
    """
    from pypdf import PdfReader

    pages = [_normal(p.extract_text() or "") for p in PdfReader(str(pdf)).pages]
    found, start = [], first - 1
    for title in titles:
        wanted = _normal(title)
        hit = next((i for i in range(start, len(pages)) if wanted in pages[i]), None)
        found.append(None if hit is None else hit + 1)
        start = hit if hit is not None else start
    return found


def number_contents(page_html: str, pages: dict) -> str:
    """Return the report page with each contents entry followed by its page number.

    `pages` maps a chapter's anchor (``href="#..."``) to its page.

    Examples
    --------
    >>> page = '<nav class="report-contents"><ol><li><a href="#om">Om</a></li></ol></nav>'
    >>> number_contents(page, {"om": 3}).split("<ol>")[1]
    '<li><a href="#om">Om</a><span class="report-page">3</span></li></ol></nav>'
    """
    def add(match: re.Match) -> str:
        page = pages.get(html_lib.unescape(match.group(1)))
        if page is None:
            return match.group(0)
        return f'{match.group(0)}<span class="report-page">{page}</span>'

    head, sep, rest = page_html.partition('<nav class="report-contents">')
    if not sep:
        return page_html
    nav, end, tail = rest.partition("</nav>")
    nav = re.sub(r'<a href="#([^"]+)">.*?</a>', add, nav, flags=re.S)
    return head + sep + nav + end + tail


def write_report_pdf(page: Path, target: Path, *, browser: str | None = None) -> Path:
    """Print the report page `page` to `target` with page numbers in its contents.

    Returns
    -------
    Path
        `target`.
    """
    page, target = Path(page), Path(target)
    browser = browser or find_browser()
    source = page.read_text(encoding="utf-8")
    nav = source.partition('<nav class="report-contents">')[2].partition("</nav>")[0]
    chapters = [(html_lib.unescape(a), html_lib.unescape(re.sub(r"<[^>]+>", "", t)))
                for a, t in re.findall(r'<a href="#([^"]+)">(.*?)</a>', nav, flags=re.S)]
    with tempfile.TemporaryDirectory(prefix="survey-tools-pdf-") as tmp:
        draft = print_pdf(page, Path(tmp) / "draft.pdf", browser=browser)
        found = chapter_pages(draft, [f"{k}. {title}" for k, (_, title)
                                      in enumerate(chapters, start=1)])
        numbered = Path(tmp) / page.name  # beside nothing: the page embeds its figures
        numbered.write_text(number_contents(source, {
            anchor: p for (anchor, _), p in zip(chapters, found, strict=True) if p}),
            encoding="utf-8")
        print_pdf(numbered, target, browser=browser)
    return target
