import pandas as pd

from survey_tools.io.schema import apply_types, clean_table, infer_column_type


def test_infer_types():
    assert infer_column_type(pd.Series(["1,5", "2,25", None])) == "numeric"
    assert infer_column_type(pd.Series([1, 0, 1, None])) == "multiple_choice"
    assert infer_column_type(pd.Series(["Agree", "Disagree", "Strongly agree"])) == "likert"
    choice = pd.Series(["Kommun", "Region", "Kommun", "Region"] * 10)
    assert infer_column_type(choice) == "single_choice"
    text = pd.Series([f"svar nummer {i} med lite text" for i in range(50)])
    assert infer_column_type(text) == "open_text"


def test_codes_with_leading_zeros_stay_text():
    assert infer_column_type(pd.Series(["0123", "0456", "0789"])) != "numeric"


def test_mixed_decimal_marks_are_not_numbers():
    assert infer_column_type(pd.Series(["1,5", "2.5"])) != "numeric"


def test_clean_table_does_not_mutate_and_strips():
    raw = pd.DataFrame({" id\ufeff": ["1", "2"], "q": ["  hej ", "   "]})
    copy = raw.copy()
    out = clean_table(raw)
    pd.testing.assert_frame_equal(raw, copy)
    assert list(out.columns) == ["id", "q"]
    assert out["q"].iloc[0] == "hej" and pd.isna(out["q"].iloc[1])


def test_apply_types_does_not_mutate():
    raw = pd.DataFrame({"id": ["1", "2", "3"], "q": ["Instämmer helt", "Vet ej",
                                                     "Instämmer delvis"]})
    copy = raw.copy()
    out, types = apply_types(raw, "id")
    pd.testing.assert_frame_equal(raw, copy)
    assert types == {"id": "id", "q": "likert"}
    assert list(out["q"].cat.categories)[-1] == "Vet ej"
