"""Messy input: dialects, encodings, odd sheets, edge cases; every row kept, inputs untouched."""

import csv
import hashlib

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey_tools.cli import main
from survey_tools.errors import SurveyInputError
from survey_tools.io.survey import read_survey

LETTERS = "abcdefghijklmnopqrstuvwxyzåäöéABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖ"
TEXT_CHARS = LETTERS + "0123456789 ,;|'\"-.?!\n"

answers = st.text(alphabet=TEXT_CHARS, max_size=40).filter(
    lambda t: any(c.isalpha() for c in t) and t == t.strip() and "\n\n" not in t)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(answers, min_size=1, max_size=12),
       delimiter=st.sampled_from([",", ";", "\t", "|"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"]),
       quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]))
def test_csv_dialects_and_encodings_round_trip(tmp_path, texts, delimiter, encoding, quoting):
    ids = [f"{i:03d}" for i in range(len(texts))]  # leading zeros must survive
    frame = pd.DataFrame({"id": ids, "svar": texts, "vikt": np.arange(len(texts)) + 0.5})
    path = tmp_path / "export.csv"
    frame.to_csv(path, sep=delimiter, encoding=encoding, index=False, quoting=quoting)
    survey = read_survey(path)
    assert survey.id_column == "id"
    assert survey.data["id"].tolist() == ids
    assert survey.data["svar"].astype(str).tolist() == texts
    assert len(survey.data) == len(texts)


@pytest.mark.parametrize("texts", [["1E100"], ["0E0"], ["X"], ["A;"], ["A;B;", "B;"]])
def test_answers_that_look_like_numbers_or_ticks_stay_text(tmp_path, texts):
    """Cases hypothesis found: "1E100" crashed deep in pandas (an integer column cannot
    hold 10^100), "0E0" came back as 0, "X" as a tick, "A;" as a Forms choice list."""
    path = tmp_path / "export.csv"
    pd.DataFrame({"id": [f"{i:03d}" for i in range(len(texts))], "svar": texts}).to_csv(
        path, index=False)
    assert read_survey(path).data["svar"].astype(str).tolist() == texts


def test_huge_whole_numbers_stay_numbers(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("id,belopp\n1,1.5e+300\n2,2.0e+300\n3,7\n", encoding="utf-8")
    survey = read_survey(path)
    assert survey.types["belopp"] == "numeric" and survey.data["belopp"].iloc[0] == 1.5e300


def test_ragged_row_names_the_row(tmp_path, capsys):
    path = tmp_path / "ragged.csv"
    path.write_text("id,svar\n1,a\n2,b,extra\n3,c\n", encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "row 3" in err and str(path) in err and "Traceback" not in err


def _excel_with_title(path, rows):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet["A1"] = "Enkät om AI 2025 (export)"
    sheet.merge_cells("A1:C1")
    sheet["A2"] = "Exporterad 2025-11-24"
    sheet.append([])
    sheet.append(["id", "svar", "org_type"])
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_excel_with_title_rows_and_merged_cells(tmp_path):
    path = tmp_path / "export.xlsx"
    _excel_with_title(path, [["001", "Budget saknas", "Kommun"], ["002", "vet ej", "Region"],
                             ["003", "GDPR", "Kommun"]])
    survey = read_survey(path)
    assert survey.data["id"].tolist() == ["001", "002", "003"]
    assert survey.details["header_row"] == 4
    assert list(survey.data.columns) == ["id", "svar", "org_type"]


def test_excel_title_rows_keep_spreadsheet_row_numbers_in_errors(tmp_path):
    path = tmp_path / "dupes.xlsx"
    _excel_with_title(path, [["001", "a", "x"], ["002", "b", "x"], ["001", "c", "x"]])
    with pytest.raises(SurveyInputError, match=r"rows \[5, 7\]"):
        read_survey(path, id_column="id")


def test_spss_user_missing_values_are_missing(tmp_path):
    import pyreadstat

    frame = pd.DataFrame({"id": [1.0, 2.0, 3.0], "q": [1.0, 99.0, 2.0]})
    path = tmp_path / "s.sav"
    pyreadstat.write_sav(frame, path, missing_ranges={"q": [99]},
                         variable_value_labels={"q": {1: "Ja", 2: "Nej", 99: "Vill ej svara"}})
    survey = read_survey(path, id_column="id")
    assert survey.data["q"].isna().tolist() == [False, True, False]
    assert survey.data["q"].astype(object).tolist()[0] == "Ja"


# --- edge cases through the CLI -------------------------------------------------------------

def _csv(path, header, rows):
    pd.DataFrame(rows, columns=header).to_csv(path, index=False)
    return path


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("command", [
    ["topics", "--text-column", "svar", "--embedding", "tfidf"],
    ["categorize", "--codebook", "data/codebook_obstacles.yaml", "--text-column", "svar",
     "--method", "keywords"],
])
def test_header_only_file_exits_2(tmp_path, capsys, command, root, monkeypatch):
    monkeypatch.chdir(root)
    path = tmp_path / "tom.csv"
    path.write_text("id,svar\n", encoding="utf-8")
    code = main([command[0], str(path), *command[1:], "--output", str(tmp_path / "o")])
    assert code == 2
    err = capsys.readouterr().err
    assert "no data rows" in err and str(path) in err


@pytest.mark.parametrize("texts, statuses", [
    (["", "vet ej", "-", None, "n/a"], {"empty", "non-answer"}),
    (["Budget saknas", "GDPR"], {"outlier"}),
])
def test_topics_when_nothing_or_little_to_model(tmp_path, capsys, texts, statuses):
    path = _csv(tmp_path / "s.csv", ["id", "svar"], list(zip(range(len(texts)), texts,
                                                             strict=True)))
    before = _digest(path)
    assert main(["topics", str(path), "--text-column", "svar", "--embedding", "tfidf",
                 "--output", str(tmp_path / "o")]) == 0
    out = pd.read_csv(tmp_path / "o" / "assignments.csv")
    assert len(out) == len(texts) and set(out["status"]) == statuses
    assert _digest(path) == before


def test_one_answer_repeated_a_thousand_times(tmp_path, keyword_encoder):
    from survey_tools.topics import TopicModel

    texts = ["Budgeten räcker inte"] * 1000 + ["GDPR stoppar oss"] * 5
    model = TopicModel(embedding_model=keyword_encoder).fit(texts)
    a = model.assignments_
    assert a["topic"].iloc[:1000].nunique() == 1 and a["status"].iloc[:1000].nunique() == 1
    assert len(a) == 1005


def test_very_long_answer_and_emoji_and_control_characters(tmp_path):
    long = "budget saknas helt " * 5300  # about 100,000 characters
    texts = [long, "Bra 👍 men \x07dyrt\x0b", "ledningen 🙈 saknar mandat", "GDPR 😬 är svårt",
             "=HYPERLINK(\"http://x\")", "vet ej", "budget och pengar saknas", "juridiken oklar"]
    path = _csv(tmp_path / "s.csv", ["id", "svar"], list(enumerate(texts)))
    before = _digest(path)
    assert main(["topics", str(path), "--text-column", "svar", "--output",
                 str(tmp_path / "t")]) == 0
    assert len(pd.read_csv(tmp_path / "t" / "assignments.csv")) == len(texts)
    with pytest.warns(UserWarning, match="32,767"):
        assert main(["mask", str(path), "--text-column", "svar", "--output",
                     str(tmp_path / "m.xlsx")]) == 0
    back = pd.read_excel(tmp_path / "m.xlsx", dtype=str)
    assert len(back) == len(texts) and back["svar"][1] == "Bra 👍 men dyrt"
    assert back["svar"][0].endswith("[TRUNCATED]") and len(back["svar"][0]) == 32767
    assert back["svar"][4].startswith("'=")
    assert main(["categorize", str(path), "--codebook", "data/codebook_obstacles.yaml",
                 "--text-column", "svar", "--method", "keywords", "--format", "xlsx", "sav",
                 "--output", str(tmp_path / "c")]) == 0
    assert len(pd.read_excel(tmp_path / "c" / "coded.xlsx", sheet_name="coded")) == len(texts)
    assert _digest(path) == before


@pytest.mark.parametrize("ids, problem", [
    (["1", "2", "2"], "more than once"),
    (["1", "", "3"], "have no id"),
])
def test_bad_ids_exit_2_with_row(tmp_path, capsys, ids, problem):
    path = tmp_path / "s.csv"
    path.write_text("id,svar\n" + "".join(f"{i},svar {n}\n" for n, i in enumerate(ids)),
                    encoding="utf-8")
    assert main(["topics", str(path), "--text-column", "svar", "--id-column", "id",
                 "--output", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert problem in err and "row " in err and "column 'id'" in err


def test_leading_zero_ids_stay_text_in_every_output(tmp_path):
    texts = ["budget saknas", "gdpr svårt", "ledningen saknar mandat", "pengar saknas",
             "juridik oklar", "chefer saknar intresse"]
    ids = ["0012", "0013", "0100", "0007", "12345678901234567890", "0"]
    path = _csv(tmp_path / "s.csv", ["respondent", "svar"], list(zip(ids, texts, strict=True)))
    assert main(["topics", str(path), "--text-column", "svar", "--id-column", "respondent",
                 "--embedding", "tfidf", "--output", str(tmp_path / "t")]) == 0
    assert main(["categorize", str(path), "--codebook", "data/codebook_obstacles.yaml",
                 "--text-column", "svar", "--id-column", "respondent", "--method", "keywords",
                 "--output", str(tmp_path / "c")]) == 0
    for out in (tmp_path / "t" / "assignments.csv", tmp_path / "c" / "coded.csv"):
        assert pd.read_csv(out, dtype=str)["respondent"].tolist() == ids


# --- atomic outputs -------------------------------------------------------------------------

def test_failed_write_leaves_the_old_file(tmp_path, monkeypatch):
    from survey_tools.io.spreadsheets import write_safe_csv

    path = tmp_path / "t.csv"
    write_safe_csv(pd.DataFrame({"a": [1, 2]}), path)
    good = path.read_bytes()

    def broken(self, target, *args, **kwargs):
        with open(target, "w", encoding="utf-8") as f:
            f.write("a\n1\n")  # half a table, then the disk fills up
        raise OSError("No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    with pytest.raises(OSError):
        write_safe_csv(pd.DataFrame({"a": [9, 9, 9]}), path)
    assert path.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


def test_interrupted_cli_run_keeps_previous_outputs(tmp_path, monkeypatch, sample_csv):
    out = tmp_path / "o"
    args = ["topics", str(sample_csv), "--text-column", "q_obstacles", "--embedding", "tfidf",
            "--output", str(out)]
    assert main(args) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    import survey_tools.io.spreadsheets

    written = {}
    write = survey_tools.io.spreadsheets.write_safe_table

    def interrupted(table, path, **kwargs):
        if written:  # the second file: one of the set is already written
            raise KeyboardInterrupt
        done = write(table, path, **kwargs)
        written[path.name] = path.read_bytes()
        return done  # as write_safe_table does

    monkeypatch.setattr(survey_tools.io.spreadsheets, "write_safe_table", interrupted)
    # English labels: other bytes from the same clustering (the run's cache has it)
    assert main([*args, "--lang", "en"]) == 130
    # a file of the new set was written, other than the one in place, and not moved there
    [(name, new)] = written.items()
    assert new != before[name]
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no staging folder left


def test_a_run_replaces_the_whole_set_of_files(tmp_path, sample_csv):
    """A rerun without a group column leaves no topic_shares.csv of the earlier run."""
    out = tmp_path / "o"
    args = ["topics", str(sample_csv), "--text-column", "q_obstacles", "--embedding", "tfidf",
            "--no-progress", "--output", str(out)]
    assert main([*args, "--group-column", "org_type"]) == 0
    assert (out / "topic_shares.csv").exists()
    (out / "mine.txt").write_text("kept")  # not a file of the run
    assert main(args) == 0
    assert sorted(p.name for p in out.iterdir()) == ["assignments.csv", "mine.txt", "run.json",
                                                     "topics.csv"]


@pytest.mark.parametrize("name", ["sample_survey.csv", "sample_survey.xlsx", "sample_survey.sav"])
@pytest.mark.parametrize("command, output, id_name", [
    (["topics", "--text-column", "q_takeaway", "--embedding", "tfidf"], "assignments.csv",
     "respondent_id"),
    (["categorize", "--codebook", "data/codebook_obstacles.yaml", "--text-column",
      "q_obstacles", "--method", "keywords"], "coded.csv", "respondent_id"),
])
def test_every_row_once_in_order_and_input_untouched(sample_copy, root, monkeypatch, tmp_path,
                                                     name, command, output, id_name):
    monkeypatch.chdir(root)
    path = sample_copy / name
    before = _digest(path)
    assert main([command[0], str(path), *command[1:], "--output", str(tmp_path / "o")]) == 0
    out = pd.read_csv(tmp_path / "o" / output, dtype=str, keep_default_na=False)
    ids = pd.read_csv(root / "data" / "sample_survey.csv", dtype=str)["respondent_id"]
    assert out[id_name].tolist() == ids.tolist()
    assert out["status"].ne("").all()
    assert _digest(path) == before


# --- text handling never breaks on any Unicode ----------------------------------------------

any_text = st.text(max_size=200)


@settings(max_examples=150, deadline=None)
@given(text=any_text)
def test_text_functions_accept_any_unicode(text):
    from survey_tools.io.spreadsheets import FORMULA_PREFIXES, PLAIN_NUMBER, safe_cell
    from survey_tools.nlp.answers import answer_kind
    from survey_tools.nlp.pii import find_pii, mask_pii

    assert answer_kind([text]).iloc[0] in {"answer", "empty", "non-answer"}
    matches = find_pii(text)
    for a, b in zip(matches, matches[1:], strict=False):
        assert a.end <= b.start
    assert all(text[m.start:m.end] == m.text for m in matches)
    masked = mask_pii(text)
    assert isinstance(masked, str) and find_pii(masked, types=["EMAIL", "PERSONNUMMER"]) == []
    safe = safe_cell(text)  # escaped unless it is a plain signed number such as "-0"
    assert not safe.lstrip(" ").startswith(FORMULA_PREFIXES) or (
        safe == text and PLAIN_NUMBER.fullmatch(text.strip(" ")))


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.one_of(st.none(), any_text), max_size=30))
def test_models_keep_every_row_for_any_input(keyword_encoder, texts):
    from survey_tools.coding import KeywordCoder, code_answers
    from survey_tools.coding.codebook import codebook_from_dict
    from survey_tools.topics import TopicModel

    a = TopicModel(embedding_model=keyword_encoder).fit(texts).assignments_
    assert len(a) == len(texts) and a["status"].notna().all()
    book = codebook_from_dict({"codes": {"budget": {"label": "B", "description": "d",
                                                    "keywords": ["budget"]}}})
    coded = code_answers(KeywordCoder(book).fit(), texts)
    assert len(coded) == len(texts) and coded["status"].notna().all()
