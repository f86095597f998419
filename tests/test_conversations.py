"""Chat logs: read, join into documents, model and code with every message accounted for."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from survey_tools.errors import SurveyInputError
from survey_tools.io.chat_logs import read_chat_log
from survey_tools.nlp.conversations import (
    conversation_documents,
    message_outcomes,
    themes_over_time,
)

DATA = Path(__file__).resolve().parents[1] / "data"
CHATS = DATA / "sample_chats.csv"


def _write(tmp_path, text: str) -> Path:
    path = tmp_path / "chat.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_sample_chats_read_with_every_message(tmp_path):
    log = read_chat_log(CHATS)
    raw = pd.read_csv(CHATS, dtype=str, keep_default_na=False)
    assert len(log.messages) == len(raw)
    assert log.messages["message_id"].tolist() == raw["message_id"].tolist()
    assert set(log.speakers) == {"ungdom", "volontär"}
    assert np.issubdtype(log.messages["timestamp"].dtype, np.datetime64)


def test_documents_per_conversation_and_per_turn():
    text = ("conversation_id,timestamp,speaker,text\n"
            "A,2025-01-02 10:05,user,and my phone is 070-123 45 67\n"
            "A,2025-01-02 10:00,user,I cannot sleep\n"
            "B,2025-01-03 09:00,user,ok\n"
            "A,2025-01-02 10:02,helper,tell me more\n"
            "B,2025-01-03 09:01,helper,hi\n")
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        log = read_chat_log(_write(Path(tmp), text))
    docs, msgs = conversation_documents(log, speakers=["user"])
    assert docs["document_id"].tolist() == ["A"]
    assert docs.loc[0, "text"].startswith("I cannot sleep\n")  # ordered by time
    assert "070" not in docs.loc[0, "text"]  # masked before analysis
    assert msgs["message_status"].tolist() == ["included", "included", "non-answer",
                                               "other speaker", "other speaker"]
    assert msgs["document_id"].tolist()[:2] == ["A", "A"]
    assert msgs["message_id"].tolist() == [f"m-00000{i}" for i in range(1, 6)]
    turns, tmsgs = conversation_documents(log, unit="turn")
    # A by time: user 10:00, helper 10:02, user 10:05 -> three turns
    assert turns.loc[turns["conversation_id"] == "A", "document_id"].tolist() == \
        ["A#1", "A#2", "A#3"]
    assert tmsgs.loc[0, "document_id"] == "A#3"


@pytest.mark.parametrize("text, problem, row, column", [
    ("conversation_id,timestamp,speaker,text\nA,2025-01-02,user,hej\n,2025-01-02,user,x\n",
     "no conversation id", 3, "conversation_id"),
    ("conversation_id,timestamp,speaker,text\nA,igår,user,hej\n", "cannot be read", 2,
     "timestamp"),
    ("conversation_id,timestamp,speaker,text\nA,2025-01-02,,hej\n", "no speaker", 2,
     "speaker"),
    ("conversation_id,message_id,timestamp,speaker,text\nA,1,2025-01-02,u,a\n"
     "A,1,2025-01-02,u,b\n", "repeated", 3, "message_id"),
])
def test_bad_chat_logs_name_the_row(tmp_path, text, problem, row, column):
    with pytest.raises(SurveyInputError) as err:
        read_chat_log(_write(tmp_path, text))
    msg = str(err.value)
    assert problem in msg and f"row {row}" in msg and column in msg


def test_missing_column_suggests_the_right_one(tmp_path):
    path = _write(tmp_path, "conversation,timestamp,speaker,text\nA,2025-01-02,u,hej\n")
    with pytest.raises(SurveyInputError, match="conversation"):
        read_chat_log(path)
    assert len(read_chat_log(path, conversation_column="conversation").messages) == 1


@pytest.mark.slow
def test_sample_chats_through_topics_and_coding_every_message_accounted_for():
    from survey_tools.coding import KeywordCoder, code_answers, load_codebook
    from survey_tools.topics import TopicModel

    log = read_chat_log(CHATS)
    docs, msgs = conversation_documents(log, speakers=["ungdom"])
    model = TopicModel(seed=1, progress=False).fit(docs["text"], ids=docs["document_id"])
    topics = message_outcomes(msgs, model.assignments_)
    assert len(topics) == len(log.messages)
    assert topics["message_id"].tolist() == log.messages["message_id"].tolist()
    included = topics["message_status"] == "included"
    assert topics.loc[included, "topic"].notna().all()
    assert topics.loc[~included, "topic"].isna().all()
    assert set(topics["message_status"]) <= {"included", "other speaker", "empty",
                                             "non-answer"}
    # The planted theme of each conversation is recovered well by the topics.
    from sklearn.metrics import adjusted_rand_score

    gold = pd.read_csv(DATA / "sample_chats_gold.csv").set_index("conversation_id")
    assert adjusted_rand_score(gold.loc[docs["document_id"], "theme"],
                               model.assignments_["topic"]) > 0.5
    coder = KeywordCoder(load_codebook(DATA / "codebook_chats.yaml")).fit()
    coded = message_outcomes(msgs, code_answers(coder, docs["text"],
                                                ids=docs["document_id"]))
    assert len(coded) == len(log.messages)
    over_time = themes_over_time(docs, model.assignments_, freq="Q")
    assert over_time["period"].tolist()[0] == "2025Q1"
    per_period = over_time.groupby("period")["n"].sum()
    assert per_period.sum() == len(docs)


def test_themes_over_time_has_zero_rows_and_intervals():
    docs = pd.DataFrame({"document_id": ["a", "b", "c"],
                         "start": pd.to_datetime(["2025-01-05", "2025-01-20", "2025-02-01"])})
    res = pd.DataFrame({"id": ["a", "b", "c"], "status": ["assigned"] * 3,
                        "label": ["x", "y", "x"]})
    table = themes_over_time(docs, res)
    assert table[["period", "category", "n"]].values.tolist() == [
        ["2025-01", "x", 1], ["2025-01", "y", 1], ["2025-02", "x", 1], ["2025-02", "y", 0]]
    assert (table["ci_low"] <= table["percent"]).all()
    assert (table["percent"] <= table["ci_high"]).all()


def test_report_runs_the_chat_notebook_only_with_a_chat_log(tmp_path, root):
    from survey_tools.report import notebook_needs, report_config

    assert notebook_needs(root / "notebooks" / "05_conversations.ipynb") == ["chats"]
    assert notebook_needs(root / "notebooks" / "03_codebook_coding.ipynb") == ["codebook"]
    assert notebook_needs(root / "notebooks" / "02_topics.ipynb") == ["open_questions"]
    sample, draft = report_config(root=root)
    assert draft is None and sample.chats.path == root / "data" / "sample_chats.csv"
    assert sample.needs() == {"chats", "codebook", "open_questions", "interviews"}
    own, draft = report_config(input_path=root / "data" / "sample_survey.csv", root=root)
    assert own.chats is None and own.needs() == {"open_questions"} and "open_questions" in draft
    given, _ = report_config(input_path=root / "data" / "sample_survey.csv",
                             chats_path=tmp_path / "chat.csv", root=root)
    assert given.chats.path == tmp_path / "chat.csv"
