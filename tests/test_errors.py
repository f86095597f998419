from survey_tools.errors import SurveyInputError


def test_message_names_file_row_column_and_hint():
    err = SurveyInputError("bad value", path="x.csv", row=4, column="q1", hint="fix it")
    assert str(err) == "x.csv, row 4, column 'q1': bad value. What to do: fix it."
    assert (err.path, err.row, err.column) == ("x.csv", 4, "q1")


def test_message_without_location():
    assert str(SurveyInputError("nothing here")) == "nothing here."


def test_is_a_value_error():
    assert isinstance(SurveyInputError("x"), ValueError)
