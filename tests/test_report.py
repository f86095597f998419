"""The report command end to end: notebooks executed, HTML with every figure, reproducible."""

import base64
import hashlib
import os

import pandas as pd
import pytest

from survey_tools.cli import main
from survey_tools.errors import SurveyInputError
from survey_tools.report import build_report

pytestmark = pytest.mark.slow


def digests(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    from survey_tools.paths import data_dir

    inputs, folder = digests(data_dir()), os.getcwd()
    runs = []
    for i in range(2):
        out = tmp_path_factory.mktemp(f"report{i}")
        result = build_report(output_dir=out, progress=False, echo=None)
        runs.append((out, result))
    assert digests(data_dir()) == inputs, "building the report changed its input files"
    # notebooks run in two threads: papermill's cwd= moved this process's folder
    assert os.getcwd() == folder, "building the report changed the current folder"
    return runs


def test_html_embeds_every_figure(two_runs):
    out, result = two_runs[0]
    html = result.html.read_text(encoding="utf-8")
    pngs = sorted((out / "figures").glob("*.png"))
    assert len(pngs) >= 4
    for png in pngs:
        assert base64.b64encode(png.read_bytes()).decode() in html, png.name
    assert {p.with_suffix(".svg").name for p in pngs} <= {p.name for p in out.glob("figures/*")}


def test_html_works_offline_and_hides_code(two_runs):
    html = two_runs[0][1].html.read_text(encoding="utf-8")
    assert "<script src=\"http" not in html and "cdnjs" not in html
    assert "import survey_tools" not in html and "from survey_tools" not in html
    assert "AI-mognad" in html


def test_report_has_executed_notebooks_and_tables(two_runs):
    out, result = two_runs[0]
    assert [p.name for p in result.notebooks] == ["01_load_and_describe.ipynb",
                                                   "02_topics_q_obstacles.ipynb",
                                                   "02_topics_q_takeaway.ipynb",
                                                   "03_codebook_coding.ipynb",
                                                   "04_report_charts.ipynb",
                                                   "05_conversations.ipynb",
                                                   "06_interviews.ipynb",
                                                   "90_appendix.ipynb"]
    assert all(p.exists() for p in result.notebooks)
    # the workbench's widgets (theme review, search, coding session) are for exploring in
    # JupyterLab: building the report does not make them (issue #32), nor the working
    # tables' displays (they are saved for the appendix)
    for notebook in result.notebooks:
        text = notebook.read_text(encoding="utf-8")
        assert "application/vnd.jupyter.widget-view+json" not in text, notebook.name
    assert (out / "tables" / "04_obstacles_summary.csv").exists()
    for question in ("q_obstacles", "q_takeaway"):
        assert (out / "tables" / f"02_{question}_by_group.csv").exists()
        assert (out / "figures" / f"02_{question}_heatmap.png").exists()
    assert (out / "figures" / "03_codes_by_group.png").exists()
    assert (out / "figures" / "05_chat_themes_over_time.png").exists()
    messages = pd.read_csv(out / "tables" / "05_chat_messages.csv", dtype=str)
    from survey_tools.paths import data_dir

    assert len(messages) == len(pd.read_csv(data_dir() / "sample_chats.csv"))
    agreement = (out / "tables" / "03_agreement.csv").read_text(encoding="utf-8")
    assert "all (pooled)" in agreement
    assert not list(out.glob(".staging-*"))


def test_report_page_is_clean_and_accessible(two_runs, root):
    """No stderr, warning, progress bar, model-load text or local path on the page, on a
    cold embedding cache (the first run: a fresh cache per test session); the page's
    language, alt text for every figure, and tables without a pandas index (issue #16)."""
    import re
    import sys
    from pathlib import Path

    html = two_runs[0][1].html.read_text(encoding="utf-8")
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in html
    for noise in ("LOAD REPORT", "it/s]", "Warning", "Traceback", str(root), str(Path.home()),
                  sys.prefix, "site-packages"):
        assert noise not in html, noise
    assert '<html lang="sv">' in html
    alts = re.findall(r'<img [^>]*alt="([^"]*)"', html)
    assert len(alts) == len(re.findall(r"<img ", html)) >= 10
    assert all(alt and "No description" not in alt and not alt.startswith("0") for alt in alts)
    assert "Förutsättningar för att använda AI" in alts
    assert 'class="dataframe"' not in html and 'class="report-table"' in html
    assert "238.000" not in html and "ci_low" not in html.split("</style>")[-1]
    chapters = re.findall(r"<h1[^>]*>([^<]*)", html)
    assert len(chapters) == 9 and not any(c.strip()[:1].isdigit() for c in chapters)
    assert "counter-increment: chapter" in html  # numbered by the page: no gaps, no repeats


def test_report_opens_with_title_contents_and_key_findings(two_runs):
    """The first page: the configuration's title block, the chapters as they are on the
    page, and the key findings with their numbers and 95 % intervals (issue #16)."""
    import re

    html = two_runs[0][1].html.read_text(encoding="utf-8")
    front = html.split('<section class="report-summary">')[0].split("<main>")[-1]
    assert '<h1 class="report-title">AI i kommuner, regioner och civilsamhälle' in front
    assert "Svarande: 1\u00a0250" in front and "Insamling: mars–april 2025" in front
    contents = re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', front)
    assert [label for _, label in contents] == [  # one chapter per open question
        "Om enkäten", "Vilka är de största hindren för att använda AI i er organisation?",
        "Vad är det viktigaste du tar med dig från programmet?", "Kodning mot en kodbok",
        "Enkätens slutna frågor", "Samtal i stödchatten", "Intervjuerna",
        "Bilaga: metod och arbetsmaterial"]
    assert all(f'id="{anchor}"' in html for anchor, _ in contents)
    summary = html.split('<section class="report-summary">')[1].split("</section>")[0]
    findings = re.findall(r"<li>(.*?)</li>", summary, flags=re.S)
    assert len(findings) == 6 and all("95 % KI" in f for f in findings)
    assert "av 14 intervjuer" in findings[-1]  # the interview chapter's, last
    assert "medelvärdet steg från" in summary
    # working material is in the appendix, not in the chapters
    appendix = html.split("Bilaga: metod och arbetsmaterial")[-1]
    body = html.split("Bilaga: metod och arbetsmaterial")[-2]
    for cell in (r"<th[^>]*>Silhuett</th>", r"<th[^>]*>Kappa, 95 % KI nedre</th>",
                 r"<td[^>]*>single_choice</td>"):  # table cells: a quote may use the word
        assert re.search(cell, appendix) and not re.search(cell, body.split("</nav>")[-1]), cell


def test_two_runs_identical_tables_and_figures(two_runs):
    (a, _), (b, _) = two_runs
    for part in ("tables", "figures"):
        da, db = digests(a / part), digests(b / part)
        assert da and da == db, part


def test_failed_notebook_keeps_previous_report(two_runs, tmp_path, root, monkeypatch):
    import shutil

    out, _ = two_runs[0]
    before = digests(out / "figures")
    fake_root = tmp_path / "proj"
    (fake_root / "notebooks").mkdir(parents=True)  # one good notebook beside the broken one
    shutil.copy(root / "notebooks" / "01_load_and_describe.ipynb", fake_root / "notebooks")
    shutil.copytree(root / "data", fake_root / "data")
    (fake_root / "pyproject.toml").write_text("", encoding="utf-8")
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("raise RuntimeError('boom')")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, fake_root / "notebooks" / "99_broken.ipynb")
    monkeypatch.setenv("SURVEY_TOOLS_ROOT", str(fake_root))
    assert main(["report", "--output", str(out), "--no-progress"]) == 1
    assert digests(out / "figures") == before
    assert (out / "failed-notebooks" / "99_broken.ipynb").exists()
    assert (out / "failed-notebooks" / "01_load_and_describe.ipynb").exists()


def test_report_shows_quotes_but_no_planted_personal_data(two_runs, root):
    import re

    import pandas as pd

    out, result = two_runs[0]
    html = result.html.read_text(encoding="utf-8")
    assert "Typiska svar per tema" in html
    data = pd.read_csv(root / "data" / "sample_survey.csv", dtype=str).set_index("respondent_id")
    planted = pd.read_csv(root / "data" / "sample_survey_gold.csv", dtype=str).dropna(
        subset=["planted_pii"])
    texts = [data.at[r, q] for r, q in zip(planted["respondent_id"], planted["question"],
                                           strict=True)]
    tables = "\n".join(p.read_text(encoding="utf-8") for p in (out / "tables").glob("*.csv"))
    email = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
    for text in texts:
        assert text not in html and text not in tables
    assert not email.search(tables)
    assert not email.search(re.sub(r"data:image/[^\"']+", "", html))


def test_interview_chapter_counts_interviews_and_leaks_no_planted_data(two_runs, root):
    """The synthetic interviews (issue #19): every file read, interviews (not passages)
    counted per obstacle as planted, quotes by group only, no planted personal data."""
    out, result = two_runs[0]
    html = result.html.read_text(encoding="utf-8")
    gold = pd.read_csv(root / "data" / "sample_interviews_gold.csv", dtype=str,
                       keep_default_na=False)
    files = pd.read_csv(out / "tables" / "06_files.csv")
    assert (files["status"] == "read").all() and len(files) == len(gold)
    counts = pd.read_csv(out / "tables" / "06_interviews_per_theme.csv")
    overall = counts[counts["group"] == "Samtliga"].set_index("theme")
    labels = {"leadership": "Ledarskap och mandat", "legal": "Juridik och regelverk",
              "data_access": "Tillgång till data", "financing": "Finansiering",
              "cooperation": "Samverkan"}
    for code, label in labels.items():
        planted = gold["obstacles"].str.split(";").map(lambda codes, c=code: c in codes).sum()
        assert overall.loc[label, "interviews"] == planted, code
    assert (overall["of"] == len(gold)).all()
    quotes = pd.read_csv(out / "tables" / "06_quotes.csv", keep_default_na=False)
    assert set(quotes["attribution"]) <= {"Kommun, stor", "Kommun, liten", "Kommun, mellanstor",
                                          "Region, stor", "Civilsamhällesorganisation"}
    assert not quotes.duplicated(["theme", "quote"]).any()
    assert "Citat per tema" in html and "av 14 intervjuer" in html
    everything = html + "\n".join(p.read_text(encoding="utf-8")
                                  for p in (out / "tables").glob("*.csv"))
    for pii in gold["pii"]:
        if pii:
            assert pii not in everything, pii


def test_report_themes_follow_subject_and_labels_are_swedish(two_runs, root):
    """No theme appears twice because of language; every label is drawn from Swedish answers.

    Labels the analyst wrote in ``data/topic_edits`` are the analyst's and are not checked.
    """
    import yaml
    from sklearn.metrics import normalized_mutual_info_score

    from survey_tools.nlp.answers import all_is_well_label
    from survey_tools.topics.labels import phrase_occurs

    out, _ = two_runs[0]
    edited = set()

    def names(label):  # a name, or one per report language
        return set(map(str, label.values())) if isinstance(label, dict) else {str(label)}

    for f in (root / "data" / "topic_edits").glob("*.yaml"):
        written = yaml.safe_load(f.read_text("utf-8")) or {}
        edited |= {n for item in written.get("labels") or () for n in names(item["label"])}
        edited |= {n for g in written.get("merge") or () if g.get("label")
                   for n in names(g["label"])}
    gold = pd.read_csv(root / "data" / "sample_survey_gold.csv", dtype=str,
                       keep_default_na=False)
    data = pd.read_csv(root / "data" / "sample_survey.csv", dtype=str).set_index(
        "respondent_id")
    for question in ("q_obstacles", "q_takeaway"):
        assignments = pd.read_csv(out / "tables" / f"02_{question}_assignments.csv", dtype=str)
        topics = pd.read_csv(out / "tables" / f"02_{question}_topics.csv", dtype=str)
        assigned = assignments[assignments["status"] == "assigned"]
        known = assigned[assigned["language"].isin(["sv", "en"])]
        assert normalized_mutual_info_score(known["language"], known["topic"]) <= 0.05
        real = topics[topics["topic"] != "-1"]
        assert real["label"].is_unique
        language = gold[gold["question"] == question].set_index("respondent_id")["language"]
        for row in real[~real["label"].isin(edited)].itertuples():
            members = assigned.loc[assigned["topic"] == row.topic, "id"]
            if row.label == all_is_well_label("sv")[0]:  # a name for all-is-well answers
                continue
            # each phrase as written: no comma or stop word dropped from its middle
            swedish = [data.at[i, question] for i in members if language.get(i) == "sv"]
            for phrase in row.label.split(", "):
                assert phrase_occurs(phrase, swedish), (question, row.label)


def test_one_weighted_figure_per_theme_in_table_chart_and_summary(two_runs):
    """Issue #30, item 3: the chapter's table showed unweighted shares, the chart and the
    summary weighted ones, in another order. Now the table is the chart's table."""
    import re

    from bs4 import BeautifulSoup

    from survey_tools.report.style import format_percent

    out, result = two_runs[0]
    soup = BeautifulSoup(result.html.read_text(encoding="utf-8"), "html.parser")
    summary = soup.select_one("section.report-summary").get_text(" ", strip=True)
    for question in ("q_obstacles", "q_takeaway"):
        shares = pd.read_csv(out / "tables" / f"02_{question}_shares.csv")
        assert shares.loc[shares["topic"] != -1, "percent"].is_monotonic_decreasing
        table = next(t for t in soup.select("table.report-table")
                     if "Andel (%), viktad" in t.get_text() and
                     shares["category"].iloc[0] in t.get_text())
        rows = [[td.get_text(strip=True) for td in tr.select("td")] for tr in table.select("tr")]
        rows = [r for r in rows if r]
        assert [r[0] for r in rows] == shares["category"].tolist()  # the chart's order
        assert [r[2] for r in rows] == [f"{p:.1f}".replace(".", ",") for p in shares["percent"]]
        top = shares.iloc[0]  # the summary names the largest theme with the same share
        assert re.search(rf"{re.escape(top['category'])}( \(osäkert tema\))? "
                         rf"\({re.escape(format_percent(top['percent']))}", summary), summary


def test_every_report_table_is_in_one_workbook(two_runs):
    """Issue #30, item 13: tables.xlsx beside the report, a sheet per table, numbers as
    numbers, the same bytes from two runs."""
    from openpyxl import load_workbook

    (a, _), (b, _) = two_runs
    book = load_workbook(a / "tables.xlsx", read_only=True)
    csvs = sorted((a / "tables").glob("*.csv"))
    assert len(book.sheetnames) == len(csvs) + 1 and book.sheetnames[0] == "Innehåll"
    shares = book["02_q_obstacles_shares"]
    header = [c.value for c in next(shares.iter_rows(max_row=1))]
    first = [c.value for c in next(shares.iter_rows(min_row=2, max_row=2))]
    assert isinstance(first[header.index("Andel (%)")], float)  # the report's headers
    assert (a / "tables.xlsx").read_bytes() == (b / "tables.xlsx").read_bytes()


def test_kept_notebooks_name_no_folder_of_this_computer(two_runs, root):
    """Issue #30, item 8: the executed notebooks held the staging folder and the data
    folder (a user name in a path is personal data, and the paths mean nothing to a reader)."""
    import json
    from pathlib import Path

    out, result = two_runs[0]
    for notebook in result.notebooks:
        text = notebook.read_text(encoding="utf-8")
        assert ".staging-" not in text, notebook.name
        assert str(out) not in text and str(root) not in text, notebook.name
        if len(str(Path.home())) > 5:
            assert str(Path.home()) + "/" not in text, notebook.name
    params = json.loads(result.notebooks[0].read_text(encoding="utf-8"))
    assert params["metadata"]["papermill"]["parameters"]["output_dir"] == "."


def test_counts_in_sentences_have_thousands_separators(two_runs):
    """Issue #30, item 12: "2144 meddelanden" in the chat chapter."""
    import re

    html = two_runs[0][1].html.read_text(encoding="utf-8")
    sentence = re.search(r"([\d\xa0 ]+) meddelanden i ([\d\xa0 ]+) samtal", html)
    assert sentence, "the chat chapter's first sentence"
    messages = int(re.sub(r"\D", "", sentence.group(1)))
    assert messages < 1000 or "\xa0" in sentence.group(1) or "&nbsp;" in sentence.group(1)


@pytest.fixture(scope="module")
def english_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("report_en")
    return out, build_report(output_dir=out, lang="en", progress=False, echo=None)


def test_each_report_speaks_its_own_language(two_runs, english_run):
    """No Swedish word outside quotes in the English report, and no English word in the
    Swedish one: labels, top words, group values, scale labels, statuses (#30, item 2).
    The tables behind the charts (their legends and axes) are checked too."""
    from conftest import prose

    from survey_tools.i18n import foreign_words

    for (_, result), lang in (two_runs[0], "sv"), (english_run, "en"):
        words = foreign_words(prose(result.html.read_text(encoding="utf-8")), lang)
        assert words == [], (lang, sorted(set(words)))
    out = english_run[0]
    for name, columns in (("04_obstacles.csv", ["label", "level"]),
                          ("04_obstacles_by_org_type.csv", ["group"]),
                          ("04_group_size_class.csv", ["category"]),
                          ("02_q_obstacles_shares.csv", ["category"])):
        table = pd.read_csv(out / "tables" / name, dtype=str, keep_default_na=False)
        for column in columns:
            shown = " ".join(v for v in table[column] if not v.startswith("«"))
            assert foreign_words(shown, "en") == [], (name, column)


def test_every_likert_legend_lists_only_its_scale(two_runs, english_run):
    """The legend of a Likert chart is the scale in the report's language, levels someone
    chose, in the scale's order (#30, item 4)."""
    from survey_tools.io.scales import load_scales

    for out, lang in ((two_runs[0][0], "sv"), (english_run[0], "en")):
        table = pd.read_csv(out / "tables" / "04_obstacles.csv")
        scale = next(s for s in load_scales() if s.name == "agree5" and s.language == lang)
        levels = list(dict.fromkeys(table.sort_values("level_index")["level"]))
        assert levels == [lv for lv in scale.categories if lv in levels]
        assert len(levels) >= len(scale.levels)
        assert table.groupby("level")["n"].sum().gt(0).all()


def test_no_working_notes_on_the_page(two_runs, english_run):
    """The model's notes, class names and the list of answers to code next are for the
    analyst (the executed notebooks), not the page; the edits are told in the appendix,
    not in the chapter (#30, item 7)."""
    import re

    from bs4 import BeautifulSoup

    for (_, result), lang in (two_runs[0], "sv"), (english_run, "en"):
        html = result.html.read_text(encoding="utf-8")
        soup = BeautifulSoup(html, "html.parser")
        for tag in soup(["script", "style"]):
            tag.decompose()
        page = soup.get_text(" ")
        for note in (r"\bedits: ", r"\btopics \[\d", r"fewer than three answers",
                     r"\(\w*Coder\)", r"was not applied \(", r"mask_personal_data",
                     r"\btopic \d"):
            assert not re.search(note, page), (lang, note)
        assert not re.search(r"<th[^>]*>(Osäkerhet|Uncertainty)</th>", html)  # to code next
        appendix = "Bilaga: metod och arbetsmaterial" if lang == "sv" else "Appendix: method"
        chapters = page.split(appendix)[-2]
        edits = "Analytikern gav namn" if lang == "sv" else "The analyst named"
        assert edits not in chapters and edits in page.split(appendix)[-1]


def test_printed_report_has_page_numbers_in_footer_and_contents(two_runs, tmp_path):
    """The report printed to A4 by a Chromium-based browser: 'Sida N av M' at the foot of
    each page but the first, and each chapter's page in the contents (#30, item 11)."""
    import re
    import unicodedata

    from survey_tools.report.pdf import find_browser, write_report_pdf

    try:
        browser = find_browser()
    except SurveyInputError as exc:
        pytest.skip(f"no browser to print with: {exc}")
    from pypdf import PdfReader

    pdf = write_report_pdf(two_runs[0][1].html, tmp_path / "report.pdf", browser=browser)
    pages = [p.extract_text(extraction_mode="layout") for p in PdfReader(str(pdf)).pages]
    flat = [" ".join(unicodedata.normalize("NFKC", p).split()) for p in pages]
    total = len(pages)
    assert total >= 10 and "Sida 1 av" not in flat[0]
    assert all(f"Sida {k} av {total}" in flat[k - 1] for k in range(2, total + 1))
    contents = pages[0].split("Innehåll")[1].split("Sammanfattning")[0]
    numbered = re.findall(r"^\s*(\d)\. (.+?)\s{2,}(\d+)\s*$", contents, flags=re.M)
    assert len(numbered) == 8, contents
    starts = [int(p) for _, _, p in numbered]
    assert starts == sorted(starts) and starts[0] == 2
    for k, title, start in numbered:
        assert f"{k}. {title.strip()}"[:30] in flat[int(start) - 1], (k, title, start)


def test_the_appendix_waits_for_the_notebooks_it_reads(root):
    """Issue #31, item 14: notebooks run side by side; the appendix, which reads the tables
    of 01, 02 and 03, starts when those are done, and the others wait for nothing; those
    that embed start first."""
    from survey_tools.report import (
        list_notebooks,
        load_report_config,
        notebook_runs,
        notebook_waits,
    )

    config = load_report_config()
    runs = [(nb, name, extra) for nb in list_notebooks(root / "notebooks")
            for name, extra in notebook_runs(nb, config)]
    waits = notebook_waits(runs)
    assert waits.pop("90_appendix.ipynb") == ["01_load_and_describe.ipynb",
                                              "02_topics_q_obstacles.ipynb",
                                              "02_topics_q_takeaway.ipynb",
                                              "03_codebook_coding.ipynb"]
    assert all(w == [] for w in waits.values())
    # the notebooks that embed and cluster (the longest on an empty cache) start first
    from survey_tools.report import notebook_starts

    assert notebook_starts(runs) == ["02_topics_q_obstacles.ipynb", "02_topics_q_takeaway.ipynb",
                                     "05_conversations.ipynb", "01_load_and_describe.ipynb",
                                     "03_codebook_coding.ipynb", "04_report_charts.ipynb",
                                     "06_interviews.ipynb", "90_appendix.ipynb"]


def test_notebooks_in_a_kept_kernel_start_clean(tmp_path):
    """Issue #31, item 14: a worker keeps its kernel for the next notebook; that notebook
    sees none of the previous one's names, warning filters, plot or pandas settings, and
    its cells are numbered from 1, as in a new kernel."""
    import json

    import nbformat

    from survey_tools.report import execute_notebooks

    first = ("x = 1\nimport warnings, matplotlib, pandas\nwarnings.simplefilter('error')\n"
             "matplotlib.rcParams['lines.linewidth'] = 9\n"
             "pandas.set_option('display.max_rows', 3)")
    second = ("import warnings, matplotlib, pandas\nassert 'x' not in globals()\n"
              "assert not [f for f in warnings.filters if f[:3] == ('error', None, Warning)]\n"
              "assert matplotlib.rcParams['lines.linewidth'] != 9\n"
              "assert pandas.get_option('display.max_rows') != 3")
    runs = []
    for name, code in (("01_first.ipynb", first), ("02_second.ipynb", second)):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(code), nbformat.v4.new_code_cell("1 + 1")]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
        nbformat.write(nb, tmp_path / name)
        runs.append((tmp_path / name, name, {}))
    (tmp_path / "out").mkdir()
    done = execute_notebooks(runs, tmp_path / "out", {}, jobs=1)
    second_run = json.loads(done[1].read_text(encoding="utf-8"))
    assert [c["execution_count"] for c in second_run["cells"]] == [1, 2]


def test_an_executed_notebook_is_written_once(tmp_path, monkeypatch):
    """Issue #31, item 14: papermill wrote the whole executed notebook (its figures, and a
    check against the notebook schema) before and after every cell, in the process that
    also prepares the page; now once, when the notebook ends."""
    import nbformat
    import papermill.engines
    import papermill.execute

    from survey_tools.report import execute_notebooks

    writes = []
    for module in (papermill.execute, papermill.engines):
        original = module.write_ipynb
        monkeypatch.setattr(module, "write_ipynb", lambda nb, path, write=original:
                            (writes.append(str(path)), write(nb, path))[1])
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f"x = {i}") for i in range(3)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, tmp_path / "01_cells.ipynb")
    (tmp_path / "out").mkdir()
    done = execute_notebooks([(tmp_path / "01_cells.ipynb", "01_cells.ipynb", {})],
                             tmp_path / "out", {}, jobs=1)
    assert writes == [str(done[0])]
    assert [c["execution_count"] for c in nbformat.read(done[0], as_version=4).cells] == \
        [1, 2, 3]


def test_a_kernel_that_dies_names_its_notebook(tmp_path):
    """A notebook whose kernel dies (out of memory) gave "DeadKernelError: Kernel died",
    naming no notebook and no way out; the report fails as for an error in a cell."""
    import nbformat

    from survey_tools.report import ReportError, execute_notebooks

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print('ran before')"),
                nbformat.v4.new_code_cell("import os\nos._exit(1)")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, tmp_path / "01_dies.ipynb")
    (tmp_path / "out").mkdir()
    with pytest.raises(ReportError, match="notebook 01_dies.ipynb stopped: its Python "
                                          "process \\(kernel\\) died.*lack of memory"):
        execute_notebooks([(tmp_path / "01_dies.ipynb", "01_dies.ipynb", {})],
                          tmp_path / "out", {}, jobs=1)
    # kept as far as it ran (the report copies it to failed-notebooks/): no save after
    # each cell, and papermill wrote nothing when the kernel died
    kept = nbformat.read(tmp_path / "out" / "01_dies.ipynb", as_version=4)
    assert kept.cells[0].outputs[0]["text"] == "ran before\n"
