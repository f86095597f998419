"""Reading survey exports: formats, encodings, ids, types and clear errors."""

import hashlib

import pandas as pd
import pytest

from survey_tools.errors import SurveyInputError
from survey_tools.io.readers import detect_encoding, sniff_delimiter
from survey_tools.io.survey import describe_survey, format_summary, read_dictionary, read_survey

SWEDISH_CSV = (
    "Löpnr;Kön;Ålder;Hur nöjd är du?;Övriga synpunkter;Poäng\r\n"
    "001;Kvinna;34;Mycket nöjd;Bra jämförelse, tack!;3,5\r\n"
    "002;Man;51;Ganska missnöjd;För lång enkät;2,0\r\n"
    "003;Annat;29;Ganska nöjd;;4,25\r\n"
    "004;Kvinna;45;Vet ej;Åtgärda bristerna i äldreomsorgen;1,5\r\n"
)


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("name", ["sample_survey.xlsx", "sample_survey.sav"])
def test_formats_agree_with_csv(sample_copy, name):
    csv = read_survey(sample_copy / "sample_survey.csv")
    other = read_survey(sample_copy / name)
    assert other.n == csv.n == 1250
    assert other.types == csv.types
    assert other.data[csv.id_column].tolist() == csv.data[csv.id_column].tolist()
    for col in ("q_obstacles", "q_takeaway", "maturity_before"):
        pd.testing.assert_series_equal(other.data[col], csv.data[col], check_dtype=False)
    for col in csv.columns_of_type("likert") + csv.columns_of_type("single_choice"):
        assert other.data[col].astype(object).equals(csv.data[col].astype(object)), col


def test_sample_types(sample_csv):
    survey = read_survey(sample_csv)
    assert survey.id_column == "respondent_id"
    assert len(survey.columns_of_type("likert")) == 6
    assert survey.columns_of_type("open_text") == ["q_obstacles", "q_takeaway"]
    assert survey.columns_of_type("numeric") == ["weight", "maturity_before", "maturity_after"]
    lik = survey.data["lik_legal"]
    assert lik.cat.ordered
    assert list(lik.cat.categories)[:5] == ["Instämmer inte alls", "Instämmer i låg grad",
                                             "Instämmer delvis", "Instämmer i hög grad",
                                             "Instämmer helt"]


def test_spss_labels_become_question_text_and_ordered_categories(sample_copy):
    survey = read_survey(sample_copy / "sample_survey.sav")
    assert survey.labels["lik_legal"] == "Det rättsliga läget för AI är tydligt för oss"
    org = survey.data["org_type"]
    assert org.cat.ordered
    assert list(org.cat.categories) == ["Kommun", "Region", "Civilsamhällesorganisation"]


def test_cp1252_semicolon_decimal_comma(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(SWEDISH_CSV.encode("cp1252"))
    survey = read_survey(path)
    assert survey.details == {"encoding": "cp1252", "delimiter": ";"}
    assert list(survey.data.columns) == ["Löpnr", "Kön", "Ålder", "Hur nöjd är du?",
                                         "Övriga synpunkter", "Poäng"]
    assert survey.id_column == "Löpnr"
    assert survey.data["Löpnr"].tolist() == ["001", "002", "003", "004"]  # leading zeros kept
    assert survey.data["Poäng"].tolist() == [3.5, 2.0, 4.25, 1.5]
    assert survey.types["Hur nöjd är du?"] == "likert"
    assert survey.data["Övriga synpunkter"].iloc[3] == "Åtgärda bristerna i äldreomsorgen"
    assert pd.isna(survey.data["Övriga synpunkter"].iloc[2])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "latin-1"])
def test_encodings(tmp_path, encoding):
    path = tmp_path / "export.csv"
    path.write_bytes(SWEDISH_CSV.replace(";", "\t").encode(encoding))
    survey = read_survey(path)
    assert survey.data.columns[0] == "Löpnr"
    assert survey.data["Övriga synpunkter"].iloc[0] == "Bra jämförelse, tack!"
    assert survey.details["delimiter"] == "\t"


def test_detect_encoding_and_delimiter():
    assert detect_encoding(b"\xef\xbb\xbfid") == "utf-8-sig"
    assert detect_encoding("åäö".encode("utf-16")) == "utf-16"
    assert sniff_delimiter('id,svar\n1,"a; b; c"\n2,x\n') == ","
    assert sniff_delimiter("id|svar\n1|x\n") == "|"


def test_embedded_newlines_and_quotes(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text('id,svar\n1,"rad ett\nrad två, med ""citat"""\n2,kort\n', encoding="utf-8")
    survey = read_survey(path)
    assert survey.data["svar"].iloc[0] == 'rad ett\nrad två, med "citat"'
    assert survey.n == 2


def test_parquet(tmp_path, sample_csv):
    survey = read_survey(sample_csv)
    path = tmp_path / "s.parquet"
    pd.read_csv(sample_csv, dtype={"respondent_id": str}).to_parquet(path)
    other = read_survey(path)
    assert other.n == survey.n
    assert other.types == survey.types


def test_rows_kept_in_file_order_and_file_untouched(sample_copy):
    path = sample_copy / "sample_survey.csv"
    before = sha(path)
    survey = read_survey(path)
    raw = pd.read_csv(path, dtype=str)
    assert survey.data["respondent_id"].tolist() == raw["respondent_id"].tolist()
    assert sha(path) == before


def test_ids_generated_when_absent(tmp_path):
    path = tmp_path / "noid.csv"
    path.write_text("svar,grupp\nbra,a\ndåligt,b\nok,a\n", encoding="utf-8")
    survey = read_survey(path)
    assert survey.id_column == "row_id"
    assert survey.data["row_id"].tolist() == ["row-00001", "row-00002", "row-00003"]
    assert survey.notes and "row order" in survey.notes[0]
    assert read_survey(path).data.equals(survey.data)  # stable


def test_numeric_ids_become_text(tmp_path):
    path = tmp_path / "x.xlsx"
    pd.DataFrame({"id": [10, 11, 12], "q": ["a", "b", "c"]}).to_excel(path, index=False)
    assert read_survey(path).data["id"].tolist() == ["10", "11", "12"]


def test_dictionary(sample_copy):
    labels = read_dictionary(sample_copy / "sample_survey_dictionary.csv", lang="en")
    assert labels["lik_legal"] == "The legal framework for AI is clear to us"
    survey = read_survey(sample_copy / "sample_survey.csv",
                         dictionary=sample_copy / "sample_survey_dictionary.csv")
    assert survey.label("q_obstacles").startswith("Vilka är de största hindren")
    assert survey.label("nonexistent") == "nonexistent"


def test_dictionary_orders_answers(sample_copy):
    survey = read_survey(sample_copy / "sample_survey.csv",
                         dictionary=sample_copy / "sample_survey_dictionary.csv")
    sizes = survey.data["size_class"]
    assert sizes.cat.ordered
    assert list(sizes.cat.categories)[0].startswith("Mindre kommun")
    assert list(survey.data["org_type"].cat.categories) == ["Kommun", "Region",
                                                            "Civilsamhällesorganisation"]
    assert not survey.notes


def test_dictionary_order_with_unlisted_value(tmp_path):
    data = tmp_path / "s.csv"
    data.write_text("id,grupp\n1,b\n2,a\n3,c\n4,a\n", encoding="utf-8")
    dic = tmp_path / "d.csv"
    dic.write_text("column,label,values\ngrupp,Grupp,a|b\n", encoding="utf-8")
    survey = read_survey(data, dictionary=dic)
    assert list(survey.data["grupp"].cat.categories) == ["a", "b", "c"]
    assert survey.data["grupp"].astype(str).tolist() == ["b", "a", "c", "a"]
    assert "'c'" in survey.notes[0]


def test_summary_never_shows_answers(sample_csv):
    survey = read_survey(sample_csv)
    text = format_summary(survey)
    assert "Rows: 1250" in text and "open_text 2" in text
    answers = survey.data["q_obstacles"].dropna()
    assert not any(a in text for a in answers if len(a) > 12)
    table = describe_survey(survey)
    assert table["answered"].add(table["missing"]).eq(1250).all()


# --- bad input: one clear error each -------------------------------------------------------

def expect_error(path, match, **kwargs):
    with pytest.raises(SurveyInputError, match=match) as info:
        read_survey(path, **kwargs)
    message = str(info.value)
    assert str(path) in message and "What to do:" in message
    assert "\n" not in message
    return info.value


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    expect_error(path, "empty")


def test_binary_file(tmp_path):
    path = tmp_path / "blob.csv"
    path.write_bytes(bytes(range(256)) * 20)
    expect_error(path, "binary")


def test_xlsx_renamed_to_csv(tmp_path, sample_copy):
    path = tmp_path / "really.csv"
    path.write_bytes((sample_copy / "sample_survey.xlsx").read_bytes())
    expect_error(path, "Excel")


def test_duplicate_ids(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("id,svar\n1,a\n2,b\n1,c\n", encoding="utf-8")
    err = expect_error(path, "unique")
    assert err.row == 2 and err.column == "id" and "[2, 4]" in str(err)


def test_missing_ids(tmp_path):
    path = tmp_path / "miss.csv"
    path.write_text("id,svar\n1,a\n,b\n", encoding="utf-8")
    err = expect_error(path, "no id")
    assert err.row == 3


def test_header_only(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("id,svar\n", encoding="utf-8")
    expect_error(path, "no data rows")


def test_ragged_row_names_row(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("id,svar\n1,a\n2,b,extra,more\n", encoding="utf-8")
    err = expect_error(path, "fields")
    assert err.row == 3


def test_missing_file_and_unsupported_ending(tmp_path):
    expect_error(tmp_path / "nope.csv", "does not exist")
    odd = tmp_path / "x.docx"
    odd.write_bytes(b"hello")
    expect_error(odd, "not supported")


def test_unknown_id_column_suggests_closest(sample_csv):
    err = expect_error(sample_csv, "no id column named", id_column="respondentid")
    assert "respondent_id" in str(err)


def test_missing_sheet(sample_copy):
    expect_error(sample_copy / "sample_survey.xlsx", "no sheet named", sheet="Nope")
    expect_error(sample_copy / "sample_survey.xlsx", "no sheet number", sheet=7)


def test_corrupt_spss(tmp_path):
    path = tmp_path / "bad.sav"
    path.write_bytes(b"$FL2" + b"\x00garbage" * 50)
    expect_error(path, "SPSS")


def test_unnamed_and_duplicate_columns(tmp_path):
    path = tmp_path / "cols.csv"
    path.write_text("id,,svar\n1,x,y\n", encoding="utf-8")
    expect_error(path, "no name")
    path.write_text("id,svar,svar\n1,x,y\n", encoding="utf-8")
    expect_error(path, "more than once")


def test_excel_error_values_are_missing_and_noted(tmp_path):
    """Issue #28, item 17: #N/A, #DIV/0!, #VALUE! made age and weight open text."""
    from survey_tools.io.survey import read_survey

    (tmp_path / "s.csv").write_text(
        "id,age,weight,svar\n1,34,1.2,Budget\n2,#N/A,0.8,Data\n3,51,#DIV/0!,Juridik\n"
        "4,#VALUE!,1.0,Ledning\n", encoding="utf-8")
    survey = read_survey(tmp_path / "s.csv")
    assert survey.types["age"] == "numeric" and survey.types["weight"] == "numeric"
    assert survey.data["age"].isna().sum() == 2
    assert any("3 cells held Excel error values" in n and "age (2)" in n
               for n in survey.notes)


def test_a_forms_choice_list_colliding_with_an_option_column_is_a_clear_error(tmp_path,
                                                                             capsys):
    """Issue #28, item 15: AttributeError in `validate`."""
    from survey_tools.cli import main

    (tmp_path / "s.csv").write_text(
        "id,Verktyg,Verktyg - R\n1,Excel;R;,1\n2,R;,1\n3,Excel;,0\n4,R;,1\n5,Excel;R;,1\n",
        encoding="utf-8")
    assert main(["validate", str(tmp_path / "s.csv")]) == 2
    err = capsys.readouterr().err
    assert "s.csv" in err and "'Verktyg - R'" in err and "rename" in err


@pytest.mark.parametrize("title", [["Enkät om AI 2025"], ["Enkät", "2025"]])
def test_xlsx_title_rows_and_year_headers(tmp_path, title):
    """Issue #28, item 16: a merged title with years (2024, 2025) in the header gave a
    TypeError; a two-cell title row an error pointing at the wrong row."""
    import openpyxl

    from survey_tools.io.survey import read_survey

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(title)
    if len(title) == 1:
        sheet.merge_cells("A1:D1")
    sheet.append(["id", 2024, 2025, "svar"])
    for i in range(5):
        sheet.append([f"R{i}", i, i + 1, "Budget saknas"])
    book.save(tmp_path / "s.xlsx")
    survey = read_survey(tmp_path / "s.xlsx")
    assert list(survey.data.columns) == ["id", "2024", "2025", "svar"]
    assert survey.data["2025"].tolist() == [1, 2, 3, 4, 5]


def test_xlsx_formulas_without_saved_results_are_named(tmp_path):
    """Issue #28, item 19: formula cells written by a program read as all missing."""
    import openpyxl

    from survey_tools.io.survey import read_survey

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "a", "b", "summa"])
    for i in range(2, 7):
        sheet.append([f"R{i}", i, 2 * i, f"=B{i}+C{i}"])
    book.save(tmp_path / "s.xlsx")
    survey = read_survey(tmp_path / "s.xlsx")
    assert survey.data["summa"].isna().all()
    assert any("['summa'] hold formulas without saved results" in n for n in survey.notes)


def test_a_survey_read_again_is_an_equal_copy_and_a_changed_file_is_read_anew(tmp_path):
    """Issue #31, item 14: the report's notebooks read the same survey seven times; an
    unchanged file is given again from memory, as a copy the caller may change."""
    import os
    from pathlib import Path

    path = tmp_path / "s.csv"
    path.write_text("id,q1,svar\nR1,Ja,Vi saknar budget\nR2,Nej,Ingen tid\n", encoding="utf-8")
    first = read_survey(path)
    first.data.loc[0, "svar"] = "ändrad"
    first.types["q1"] = "changed"
    again = read_survey(path)
    assert again.data["svar"].tolist() == ["Vi saknar budget", "Ingen tid"]
    assert again.types["q1"] != "changed" and again.source == path
    assert read_survey(str(path)).source == Path(str(path))
    # the same size, another time: read anew
    path.write_text("id,q1,svar\nR1,Ja,Vi saknar pengar\nR2,Nej,Ingen tid\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert read_survey(path).data["svar"].tolist()[0] == "Vi saknar pengar"
    assert read_survey(path, id_column="q1").id_column == "q1"  # other options: read anew
