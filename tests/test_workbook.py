"""Exports that open in Swedish Excel: every report table in a workbook with numbers as
numbers, and columns wide enough to read their headers (issue #30, items 13 and 14)."""

import pandas as pd
import pytest
from openpyxl import load_workbook

from survey_tools.io.spreadsheets import write_safe_table, write_tables_workbook


def test_every_table_is_a_sheet_with_numbers_as_numbers(tmp_path):
    tables = tmp_path / "tables"
    tables.mkdir()
    pd.DataFrame({"category": ["Budget", "=HYPERLINK(\"x\")"], "percent": [26.4, 9.25],
                  "n": [292, 14]}).to_csv(tables / "02_q_obstacles_shares.csv", index=False)
    pd.DataFrame({"id": ["007", "012"], "mean": ["2,5", ""]}).to_csv(
        tables / "02_a_very_long_table_name_that_excel_cannot_hold_1.csv", index=False)
    pd.DataFrame({"x": [1]}).to_csv(
        tables / "02_a_very_long_table_name_that_excel_cannot_hold_2.csv", index=False)
    path = write_tables_workbook(tables, tmp_path / "tables.xlsx", lang="sv")
    book = load_workbook(path)
    assert book.sheetnames[0] == "Innehåll" and len(book.sheetnames) == 4
    assert all(len(name) <= 31 for name in book.sheetnames)
    assert len(set(book.sheetnames)) == 4  # the two long names stay apart
    shares = book["02_q_obstacles_shares"]
    assert shares["B2"].value == 26.4 and shares["B2"].data_type == "n"
    assert shares["C2"].value == 292 and shares["C2"].data_type == "n"
    assert shares["A3"].value.startswith("'=")  # formula-safe, as text
    ids = book[book.sheetnames[1]]  # the first long name, cut to 31 characters
    assert ids["A2"].value == "007" and ids["A2"].data_type == "s"  # ids stay text
    assert ids["B2"].value == "2,5"  # not a number in this convention: kept as written
    contents = book["Innehåll"]
    assert contents["B2"].value == "tables/02_a_very_long_table_name_that_excel_cannot_hold_1.csv"
    first = (tmp_path / "tables.xlsx").read_bytes()
    write_tables_workbook(tables, tmp_path / "tables.xlsx", lang="sv")
    assert (tmp_path / "tables.xlsx").read_bytes() == first  # the same bytes again


@pytest.mark.parametrize("header", ["score_budget", "Andel som instämmer (%), viktad"])
def test_excel_columns_show_their_headers(tmp_path, header):
    table = pd.DataFrame({"id": ["1", "2"], header: [0.5, 0.25]})
    path = write_safe_table(table, tmp_path / "t.xlsx")
    sheet = load_workbook(path).active
    assert sheet.column_dimensions["B"].width >= min(len(header), 24) + 2
    assert sheet.freeze_panes == "A2"


def test_an_empty_table_is_an_empty_sheet(tmp_path):
    tables = tmp_path / "tables"
    tables.mkdir()
    pd.DataFrame(columns=["edit", "themes", "label"]).to_csv(tables / "02_edits.csv",
                                                            index=False)
    book = load_workbook(write_tables_workbook(tables, tmp_path / "t.xlsx", lang="en"))
    assert book.sheetnames == ["Contents", "02_edits"]
    from survey_tools.report.display import column_header

    assert [c.value for c in book["02_edits"][1]] == [
        column_header(c, "en") for c in ("edit", "themes", "label")]


def test_percentages_show_one_decimal_and_keep_their_value(tmp_path):
    tables = tmp_path / "tables"
    tables.mkdir()
    pd.DataFrame({"percent": [61.28], "ci_low": [58.549], "mean": [2.0913]}).to_csv(
        tables / "t.csv", index=False)
    sheet = load_workbook(write_tables_workbook(tables, tmp_path / "t.xlsx"))["t"]
    assert [c.number_format for c in sheet[2]] == ["0.0", "0.0", "0.00"]
    assert sheet["B2"].value == 58.549
    assert [c.value for c in sheet[1]] == ["Andel (%)", "95 % KI, nedre", "Medelvärde"]


def test_the_report_writes_its_workbook_in_another_process(tmp_path, monkeypatch):
    """Issue #31, item 14: the report's workbook is written by a process of its own while
    the page is built and checked: the same bytes as written here; a table it cannot
    read is a ReportError naming the workbook; without a process it is written here; a
    process that is never told to write is stopped."""
    import subprocess

    from survey_tools.report import ReportError, build

    staging = tmp_path / "staging"
    (staging / "tables").mkdir(parents=True)
    pd.DataFrame({"category": ["Budget", "Juridik"], "percent": [26.4, 9.25]}).to_csv(
        staging / "tables" / "02_shares.csv", index=False)
    here = write_tables_workbook(staging / "tables", tmp_path / "here.xlsx", lang="en")
    with build._TablesWorkbook(staging, lang="en") as workbook:
        workbook.start()
        workbook.wait()
    assert (staging / "tables.xlsx").read_bytes() == here.read_bytes()

    (staging / "tables.xlsx").unlink()
    with build._TablesWorkbook(staging, lang="en") as workbook:
        process = workbook.process
    assert process.poll() is not None and not (staging / "tables.xlsx").exists()

    (staging / "tables" / "03_broken.csv").write_bytes(b"a,b\n\"unclosed,1\n")
    with pytest.raises(ReportError, match=r"tables\.xlsx\) could not be written: \w+"):
        with build._TablesWorkbook(staging, lang="en") as workbook:
            workbook.start()
            workbook.wait()
    (staging / "tables" / "03_broken.csv").unlink()

    def no_process(*args, **kwargs):
        raise OSError("no processes here")

    monkeypatch.setattr(subprocess, "Popen", no_process)
    with build._TablesWorkbook(staging, lang="en") as workbook:
        assert workbook.process is None
        workbook.start()
        workbook.wait()
    assert (staging / "tables.xlsx").read_bytes() == here.read_bytes()
