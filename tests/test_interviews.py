import pandas as pd
import pytest

from survey_tools.errors import SurveyInputError
from survey_tools.interviews import TURN_COLUMNS, read_transcript, read_transcripts

TRANSCRIPT = """Intervju 3, kommun, maj 2025 (syntetisk)

[00:00:05] Intervjuare: Vad är det största hindret för er?
[00:00:09] IP: Juridiken, framför allt GDPR.
Och pengarna, vi har ingen budget.

Intervjuare: Något mer?
Respondent 3: Ledningen har inte gett något mandat.
"""


def test_turns_keep_speaker_role_timestamp_and_continuation_lines(tmp_path):
    path = tmp_path / "int03.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    turns = read_transcript(path)
    assert list(turns.columns) == TURN_COLUMNS
    assert turns["status"].tolist() == ["preamble", "turn", "turn", "turn", "turn"]
    assert turns["turn"].tolist() == [1, 2, 3, 4, 5] and turns["line"].tolist() == [1, 3, 4, 7, 8]
    assert turns["role"].tolist()[1:] == ["interviewer", "respondent", "interviewer",
                                          "respondent"]
    assert turns["timestamp"].tolist()[1:3] == ["00:00:05", "00:00:09"]
    assert turns.loc[2, "text"] == ("Juridiken, framför allt GDPR.\n"
                                    "Och pengarna, vi har ingen budget.")
    assert turns.loc[4, "speaker"] == "Respondent 3"
    assert (turns["interview_id"] == "int03").all()


def test_custom_speaker_labels(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Anna: Hur gick det?\nBo: Bra.\n", encoding="utf-8")
    with pytest.raises(SurveyInputError, match="no line starts a speaker turn"):
        read_transcript(path)
    turns = read_transcript(path, speakers={"interviewer": ["Anna"], "respondent": ["Bo"]})
    assert turns["role"].tolist() == ["interviewer", "respondent"]


def test_bad_files_are_error_rows_and_the_others_still_load(tmp_path):
    (tmp_path / "01_ok.txt").write_text(TRANSCRIPT, encoding="utf-8")
    (tmp_path / "02_empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "03_binary.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "04_latin1.txt").write_bytes("IP: Hej\nIP: Jävla krångel\n".encode("latin-1"))
    (tmp_path / "05_no_turns.txt").write_text("Bara anteckningar utan talare.\n",
                                               encoding="utf-8")
    (tmp_path / "06_word.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    meta = pd.DataFrame({"id": ["01_ok", "09_missing"], "org_type": ["Kommun", "Region"]})
    read = read_transcripts(tmp_path, metadata=meta, id_column="id")
    files = read.files.set_index("interview_id")
    assert list(files.index) == ["01_ok", "02_empty", "03_binary", "04_latin1", "05_no_turns",
                                 "06_word"]
    assert files.loc["01_ok", "status"] == "read" and files.loc["01_ok", "turns"] == 4
    errors = files[files["status"] == "error"]
    assert len(errors) == 5
    for name, problem in [("02_empty", "the file is empty"), ("03_binary", "binary"),
                          ("04_latin1", "line 2: this is not UTF-8"),
                          ("05_no_turns", "line 1: no line starts a speaker turn"),
                          ("06_word", "Word files are not read yet")]:
        assert name in errors.loc[name, "error"] and problem in errors.loc[name, "error"], name
        assert "What to do:" in errors.loc[name, "error"]
    assert set(read.turns["interview_id"]) == {"01_ok"} and len(read.turns) == 5
    assert (read.turns["org_type"] == "Kommun").all()


def test_metadata_without_the_id_column_is_an_error(tmp_path):
    (tmp_path / "a.txt").write_text("IP: Ja.\n", encoding="utf-8")
    meta = tmp_path / "meta.csv"
    meta.write_text("intervju,typ\na,Kommun\n", encoding="utf-8")
    with pytest.raises(SurveyInputError, match="no column 'interview_id'"):
        read_transcripts([tmp_path / "a.txt"], metadata=meta)
    read = read_transcripts([tmp_path / "a.txt"], metadata=meta, id_column="intervju")
    assert read.turns["typ"].tolist() == ["Kommun"]
