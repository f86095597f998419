"""Chat logs as input: one row per message, checked, in file order.

What is done with the messages (one document per conversation or turn, what became of
each message, themes over time) is :mod:`survey_tools.nlp.conversations`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from survey_tools.errors import SurveyInputError

__all__ = ["ChatLog", "read_chat_log"]



@dataclass(frozen=True)
class ChatLog:
    """Messages of a chat export, checked and in input order.

    Attributes
    ----------
    messages : DataFrame
        ``message_id, conversation_id, speaker, timestamp (datetime64), text``.
    source : str
        The file read.
    notes : tuple of str
        What was decided while reading.
    """

    messages: pd.DataFrame
    source: str
    notes: tuple = field(default_factory=tuple)

    @property
    def speakers(self) -> list[str]:
        """Return the speakers, most messages first."""
        return self.messages["speaker"].value_counts().index.astype(str).tolist()


def read_chat_log(path, *, conversation_column: str = "conversation_id",
                  speaker_column: str = "speaker", time_column: str = "timestamp",
                  text_column: str = "text", message_id_column: str | None = None,
                  sheet=None, encoding=None, delimiter=None) -> ChatLog:
    """Read a chat export with one row per message (CSV, Excel or Parquet).

    Parameters
    ----------
    path : str or Path
        The export.
    conversation_column, speaker_column, time_column, text_column : str
        Column names; a wrong name gets an error that suggests the closest one.
    message_id_column : str, optional
        Message ids (must be unique); default ``message_id`` when there is such a column,
        else ``m-000001``... from the row order.
    sheet, encoding, delimiter : optional
        As for :func:`survey_tools.read_survey`.

    Raises
    ------
    SurveyInputError
        For a missing column, a message without conversation id or speaker, a timestamp
        that cannot be read, or repeated message ids; the message names the row.
    """
    from survey_tools.io.readers import read_raw
    from survey_tools.io.schema import resolve_column

    raw = read_raw(path, sheet=sheet, encoding=encoding, delimiter=delimiter)
    data, first = raw.data, raw.first_data_row
    cols = {role: resolve_column(data, name, path=path) for role, name in (
        ("conversation_id", conversation_column), ("speaker", speaker_column),
        ("timestamp", time_column), ("text", text_column))}
    notes = []
    if message_id_column is None and "message_id" in data.columns:
        message_id_column = "message_id"
    if message_id_column is not None:
        mcol = resolve_column(data, message_id_column, path=path, what="message id column")
        ids = _cells(data[mcol])
        _require(ids, path, mcol, first, "has no message id", "give every message an id")
        dup = np.flatnonzero(ids.duplicated().to_numpy())
        if len(dup):
            raise SurveyInputError(
                f"message id {ids.iloc[dup[0]]!r} is repeated", path=path,
                row=int(dup[0]) + first, column=mcol,
                hint="each message needs its own id; check for appended exports")
    else:
        width = max(6, len(str(len(data))))
        ids = pd.Series([f"m-{i + 1:0{width}d}" for i in range(len(data))], dtype=object)
        notes.append("no message id column: ids were made from the row order")
    conv = _cells(data[cols["conversation_id"]])
    _require(conv, path, cols["conversation_id"], first, "has no conversation id",
             "every message must say which conversation it belongs to")
    speaker = _cells(data[cols["speaker"]])
    _require(speaker, path, cols["speaker"], first, "has no speaker",
             "every message must say who wrote it")
    times = _timestamps(data[cols["timestamp"]], path, cols["timestamp"], first)
    messages = pd.DataFrame({
        "message_id": ids.to_numpy(), "conversation_id": conv.to_numpy(),
        "speaker": speaker.to_numpy(), "timestamp": times,
        "text": data[cols["text"]].astype(object).to_numpy(),
    })
    return ChatLog(messages=messages, source=str(path), notes=tuple(notes))


def _cells(values: pd.Series) -> pd.Series:
    """Cells as stripped text, missing ones as ``""``."""
    return values.astype(object).map(lambda v: "" if pd.isna(v) else str(v).strip())


def _require(values: pd.Series, path, column, first, problem, hint) -> None:
    empty = np.flatnonzero((values == "").to_numpy())
    if len(empty):
        raise SurveyInputError(f"this message {problem}", path=path,
                               row=int(empty[0]) + first, column=column, hint=hint)


def _timestamps(values: pd.Series, path, column, first) -> pd.Series:
    text = _cells(values)
    parsed = pd.to_datetime(text.replace("", None), errors="coerce", format="mixed")
    bad = np.flatnonzero(parsed.isna().to_numpy())
    if len(bad):
        shown = text.iloc[bad[0]]
        raise SurveyInputError(
            f"the timestamp {shown!r} cannot be read" if shown else "the timestamp is missing",
            path=path, row=int(bad[0]) + first, column=column,
            hint="write dates and times as 2025-03-14 13:05 (ISO 8601)")
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    return parsed.to_numpy()
