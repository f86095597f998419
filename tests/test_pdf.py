"""The report printed to A4 with page numbers in the contents (issue #30, item 11)."""

import pytest

from survey_tools.cli import main
from survey_tools.errors import SurveyInputError
from survey_tools.report.pdf import BROWSER_ENV, find_browser, number_contents


def test_contents_get_their_page_numbers():
    page = ('<p>x</p><nav class="report-contents"><h2>Innehåll</h2><ol>'
            '<li><a href="#om-enk%C3%A4ten">Om enkäten</a></li>'
            '<li><a href="#bilaga">Bilaga</a></li></ol></nav><a href="#bilaga">Bilaga</a>')
    out = number_contents(page, {"om-enk%C3%A4ten": 2, "bilaga": 27})
    assert '<a href="#om-enk%C3%A4ten">Om enkäten</a><span class="report-page">2</span>' in out
    assert out.endswith('<a href="#bilaga">Bilaga</a>')  # only the contents are numbered
    assert out.count('class="report-page"') == 2


def test_without_a_browser_the_pdf_is_refused_before_any_notebook_runs(
        monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))  # no browser on it
    monkeypatch.delenv(BROWSER_ENV, raising=False)
    with pytest.raises(SurveyInputError, match="Chromium-based browser"):
        find_browser()
    monkeypatch.setenv(BROWSER_ENV, str(tmp_path / "chrome.exe"))
    with pytest.raises(SurveyInputError, match="not a program"):
        find_browser()
    assert main(["report", "--pdf", "--output", str(tmp_path / "out"), "--no-progress"]) == 2
    assert "not a program" in capsys.readouterr().err
    assert not (tmp_path / "out" / "notebooks").exists()
