"""Chat logs analysed: one document per conversation or turn, and every message's outcome.

Support chats (many messages per conversation, two or more speakers, timestamps; read by
:func:`survey_tools.io.chat_logs.read_chat_log`) go through the same topic and codebook
pipelines as survey answers once each conversation (or each turn of one speaker) is one
document. Personal data is masked in the documents before any analysis, and every
message keeps a row that says what became of it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from survey_tools.io.chat_logs import ChatLog
from survey_tools.nlp.answers import ANSWER, answer_kind

__all__ = ["conversation_documents", "message_outcomes", "themes_over_time", "INCLUDED",
           "OTHER_SPEAKER"]

INCLUDED = "included"
OTHER_SPEAKER = "other speaker"


def conversation_documents(log: ChatLog, *, unit: str = "conversation", speakers=None,
                           mask_personal_data: bool = True) -> tuple[pd.DataFrame,
                                                                       pd.DataFrame]:
    """Join the messages into documents to model or code.

    Messages are ordered by time within each conversation (input order breaks ties).

    Parameters
    ----------
    log : ChatLog
        From :func:`read_chat_log`.
    unit : {"conversation", "turn"}
        One document per conversation, or per turn (consecutive messages of one speaker).
    speakers : list of str, optional
        Whose messages go into the documents (e.g. only the person seeking support);
        default everyone.
    mask_personal_data : bool
        Mask personal data in the documents (default True): names, phone numbers,
        e-mail addresses, personnummer and more (see :mod:`survey_tools.nlp.pii`).

    Returns
    -------
    documents : DataFrame
        ``document_id, conversation_id, speaker (turns only), start, end, n_messages,
        text``, in order of each conversation's first message.
    messages : DataFrame
        One row per input message, in input order: ``message_id, conversation_id,
        speaker, timestamp, document_id, message_status`` (``included``, ``other
        speaker``, ``empty`` or ``non-answer``; non-answers like "ok" and empty messages
        are left out of the documents).
    """
    if unit not in ("conversation", "turn"):
        raise ValueError(f"unit must be 'conversation' or 'turn', not {unit!r}")
    msgs = log.messages.copy()
    msgs["_row"] = np.arange(len(msgs))
    wanted = msgs["speaker"].isin(list(speakers)) if speakers is not None else \
        pd.Series(True, index=msgs.index)
    kind = answer_kind(msgs["text"])
    status = np.where(~wanted, OTHER_SPEAKER, np.where(kind == ANSWER, INCLUDED, kind))
    msgs["message_status"] = status
    first_seen = msgs.groupby("conversation_id", sort=False)["_row"].transform("min")
    msgs = msgs.assign(_first=first_seen).sort_values(["_first", "timestamp", "_row"],
                                                      kind="stable")
    if unit == "turn":
        new_turn = (msgs["speaker"] != msgs["speaker"].shift()) | \
                   (msgs["conversation_id"] != msgs["conversation_id"].shift())
        msgs["_turn"] = new_turn.cumsum()
        msgs["_k"] = msgs.groupby("conversation_id", sort=False)["_turn"].rank(
            method="dense").astype(int)
        msgs["document_id"] = msgs["conversation_id"] + "#" + msgs["_k"].astype(str)
    else:
        msgs["document_id"] = msgs["conversation_id"]
    used = msgs[msgs["message_status"] == INCLUDED]
    texts = used["text"].astype(str).str.strip()
    if mask_personal_data and len(texts):
        from survey_tools.nlp.pii import mask_texts

        texts = mask_texts(texts)[0]
    used = used.assign(text=texts)
    keys = ["document_id", "conversation_id"] + (["speaker"] if unit == "turn" else [])
    docs = used.groupby(keys, sort=False).agg(
        start=("timestamp", "min"), end=("timestamp", "max"),
        n_messages=("text", "size"), text=("text", "\n".join)).reset_index()
    msgs["document_id"] = msgs["document_id"].where(
        msgs["message_status"] == INCLUDED, None)
    out = msgs.sort_values("_row")[["message_id", "conversation_id", "speaker", "timestamp",
                                    "document_id", "message_status"]].reset_index(drop=True)
    return docs, out


def message_outcomes(messages: pd.DataFrame, results: pd.DataFrame, *,
                     document_column: str = "id") -> pd.DataFrame:
    """Put each document's result (topic or codes) on every message it came from.

    Parameters
    ----------
    messages : DataFrame
        The second table of :func:`conversation_documents`.
    results : DataFrame
        One row per document, e.g. ``TopicModel.assignments_`` or the output of
        :func:`~survey_tools.coding.code_answers` fitted with ``ids=document_id``.
    document_column : str
        The column of `results` holding the document id.

    Returns
    -------
    DataFrame
        `messages` (same rows, same order) with the result columns added; messages that
        were not in a document keep their ``message_status`` and empty results.
    """
    res = results.rename(columns={document_column: "document_id"})
    if res["document_id"].duplicated().any():
        raise ValueError("results has several rows for one document")
    res = res.rename(columns={c: f"document_{c}" for c in ("status",) if c in res.columns})
    out = messages.merge(res, on="document_id", how="left", sort=False, validate="m:1")
    if len(out) != len(messages):  # pragma: no cover - guarded by validate
        raise AssertionError("a message was lost or duplicated")
    return out


def themes_over_time(documents: pd.DataFrame, results: pd.DataFrame, *, freq: str = "M",
                     document_column: str = "id", label_column: str = "label",
                     confidence: float = 0.95) -> pd.DataFrame:
    """Share of documents per theme and period, with Wilson intervals.

    Parameters
    ----------
    documents : DataFrame
        From :func:`conversation_documents` (its ``start`` dates the document).
    results : DataFrame
        One row per document with `label_column` (e.g. ``TopicModel.assignments_``);
        rows whose status is not ``assigned``/``outlier`` (if there is a status) are left
        out of the base.
    freq : str
        ``"M"`` months, ``"Q"`` quarters, ``"W"`` weeks.
    label_column : str
        The theme of each document.

    Returns
    -------
    DataFrame
        ``period, category, n, percent, ci_low, ci_high, base_n``: every theme in every
        period (zero counts included), periods in time order.
    """
    from survey_tools.stats.theme_tables import theme_waves

    res = results.rename(columns={document_column: "document_id"})
    merged = documents[["document_id", "start"]].merge(res, on="document_id", how="inner")
    if "status" in merged.columns:
        merged = merged[merged["status"].isin(["assigned", "outlier"])]
    themes = pd.get_dummies(merged[label_column].astype(str)).astype(float)
    return theme_waves(themes, pd.to_datetime(merged["start"]), freq=_freq(freq),
                       confidence=confidence)


def _freq(freq: str) -> str:
    """Period code from a pandas offset alias (``"ME"`` month end is the period ``"M"``)."""
    return {"ME": "M", "QE": "Q", "YE": "Y"}.get(freq, freq)
