"""Tables as the report shows them (issue #16): no index, headers and numbers in its language."""

import pandas as pd

from survey_tools.report.display import column_header, format_number, report_table


def test_headers_numbers_and_no_index_in_swedish_and_english():
    table = pd.DataFrame({"category": ["Kommun", "Region"], "n": [1250.0, 238.0],
                          "percent": [61.26, 11.7], "ci_low": [58.5, None],
                          "chosen": [True, False]}, index=[7, 9])
    sv = report_table(table, lang="sv")
    assert sv.data.to_dict("list") == {
        "Kategori": ["Kommun", "Region"], "Antal": ["1\u00a0250", "238"],
        "Andel (%)": ["61,3", "11,7"], "95 % KI, nedre": ["58,5", "–"],
        "Valt": ["Ja", "Nej"]}
    html = sv.to_html()
    assert "238.000" not in html and ">7<" not in html and ">9<" not in html  # no index
    en = report_table(table, lang="en").data
    assert list(en.columns) == ["Category", "Count", "Share (%)", "95% CI, lower", "Chosen"]
    assert en["Count"].tolist() == ["1,250", "238"] and en["Chosen"].tolist() == ["Yes", "No"]


def test_a_mean_row_keeps_its_decimal_and_negative_numbers_get_a_minus_sign():
    table = pd.DataFrame({"code": ["a", "b", "mean over codes"], "tp": [12.0, 3.0, 7.5],
                          "coherence": [-0.0312, 0.5, 0.1]})
    shown = report_table(table).data
    assert shown["Rätt ja"].tolist() == ["12", "3", "7,5"]
    assert shown["Koherens (NPMI)"].tolist() == ["\u22120,031", "0,500", "0,100"]


def test_same_table_same_html_and_unknown_columns_keep_their_name():
    table = pd.DataFrame({"my_column": ["x"], "n": [1]})
    assert report_table(table).to_html() == report_table(table.copy()).to_html()
    assert column_header("my_column") == "my_column"
    assert format_number(1234567.891, "sv", 2) == "1\u00a0234\u00a0567,89"


def test_values_and_headers_are_text_never_markup():
    """Issue #28, item 3: a group value or a column name holding HTML stays text."""
    hostile = "<img src=x onerror=alert(1)>"
    table = pd.DataFrame({hostile: [hostile, "<script>alert(2)</script>"], "n": [1, 2]})
    page = report_table(table).to_html()
    assert "<img" not in page and "<script" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_the_page_leaves_out_warnings_that_name_paths(tmp_path):
    """Issue #28, item 29: a RuntimeWarning showed /home/<name>/.venv/... on the page."""
    import nbformat

    from survey_tools.report import export_html

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("stream", name="stderr",
                                           text="/home/anna.svensson/.venv/x.py: Warning"),
                    nbformat.v4.new_output("stream", name="stdout", text="42 svar")]
    nb.cells = [nbformat.v4.new_markdown_cell("# Kapitel"), cell]
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, tmp_path / "01.ipynb")
    page = export_html([tmp_path / "01.ipynb"], tmp_path / "r.html", title="T").read_text()
    assert "anna.svensson" not in page and "42 svar" in page
