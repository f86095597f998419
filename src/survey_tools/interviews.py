"""Interview transcripts as input: speaker turns read from text files (issue #19, part).

A transcript is one text file per interview, as people keep them::

    [00:00:05] Intervjuare: Vad är det största hindret?
    [00:00:09] IP: Juridiken, framför allt GDPR.
    Och pengarna.

A turn starts with a speaker label and a colon at the start of a line (after an optional
timestamp such as ``[00:12:31]``); lines without a label continue the turn. Which labels
mean the interviewer and which the interviewee is data (``resources/interviews.yaml``;
``speakers=`` overrides it). :func:`read_transcripts` reads a folder or a list of files:
every turn of every file is a row, in order, with a status, and a file that cannot be
read (empty, binary, not UTF-8, no turns) is an error row naming the file and line while
the others still load. An interview metadata table (interview id, organisation type, …)
joins onto the interviews.

Word files (``.docx``) are not read yet: save them as text (UTF-8).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = ["Transcripts", "read_transcript", "read_transcripts", "speaker_pattern",
           "TURN_COLUMNS"]

TURN_COLUMNS = ["interview_id", "turn", "line", "timestamp", "speaker", "role", "text",
                "status"]
_TIMESTAMP = r"\[?(?P<timestamp>\d{1,2}:\d{2}(?::\d{2})?)\]?"


@dataclass(frozen=True)
class Transcripts:
    """What :func:`read_transcripts` read.

    Attributes
    ----------
    turns : DataFrame
        One row per turn, files in the order given and turns in file order:
        ``interview_id, turn, line`` (where the turn starts), ``timestamp, speaker,
        role`` (``interviewer``/``respondent``), ``text``, ``status`` (``turn``, or
        ``preamble`` for text before the first turn), plus the metadata columns.
    files : DataFrame
        One row per file: ``file, interview_id, status`` (``read`` or ``error``),
        ``turns``, ``error`` (what is wrong and what to do).
    """

    turns: pd.DataFrame
    files: pd.DataFrame


def speaker_pattern(speakers: dict | None = None) -> tuple[re.Pattern, dict]:
    """Return the regular expression for a turn's first line and the label → role map.

    Examples
    --------
    >>> pattern, roles = speaker_pattern({"interviewer": ["I"], "respondent": ["R{n}"]})
    >>> m = pattern.match("[00:01:02] R2: Ja.")
    >>> m["timestamp"], m["speaker"], m["text"]
    ('00:01:02', 'R2', 'Ja.')
    """
    from survey_tools.resources import load_yaml

    speakers = speakers or load_yaml("interviews.yaml")
    labels, roles = [], {}
    for role, names in speakers.items():
        for name in names:
            expr = re.escape(str(name)).replace(r"\{n\}", r"\s*\d*").replace("{n}", r"\s*\d*")
            labels.append((expr, role))
    labels.sort(key=lambda item: -len(item[0]))  # "IP 3" before "IP", "Int" before "I"
    alternatives = "|".join(f"(?:{expr})" for expr, _ in labels)
    pattern = re.compile(rf"^\s*(?:{_TIMESTAMP}\s*)?(?P<speaker>{alternatives})\s*:\s*"
                         r"(?P<text>.*)$", re.IGNORECASE)
    for expr, role in labels:
        roles[re.compile(rf"^(?:{expr})$", re.IGNORECASE)] = role
    return pattern, roles


def _role(speaker: str, roles: dict) -> str:
    return next((role for regex, role in roles.items() if regex.match(speaker)), "unknown")


def _text_of(path: Path) -> str:
    from survey_tools.errors import SurveyInputError

    if path.suffix.lower() == ".docx":
        raise SurveyInputError("Word files are not read yet", path=path,
                               hint="save the transcript as a text file (UTF-8)")
    raw = path.read_bytes()
    if not raw.strip():
        raise SurveyInputError("the file is empty", path=path,
                               hint="check that the transcript was saved")
    if b"\x00" in raw[:4096]:
        raise SurveyInputError("this is not a text file (it holds binary data)", path=path,
                               hint="save the transcript as a text file (UTF-8)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise SurveyInputError(f"this is not UTF-8 text (byte {raw[exc.start]:#x})",
                               path=path, line=line,
                               hint="save the transcript as UTF-8 text") from None


def read_transcript(path, *, speakers: dict | None = None,
                    interview_id: str | None = None) -> pd.DataFrame:
    """Read one transcript into its turns (see :class:`Transcripts` for the columns).

    Raises
    ------
    SurveyInputError
        Naming the file (and line) when it is empty, binary, not UTF-8, a Word file, or
        has no line that starts a turn.
    """
    from survey_tools.errors import SurveyInputError

    path = Path(path)
    interview_id = interview_id or path.stem
    pattern, roles = speaker_pattern(speakers)
    rows: list[dict] = []
    for number, line in enumerate(_text_of(path).splitlines(), start=1):
        match = pattern.match(line)
        if match:
            speaker = re.sub(r"\s+", " ", match["speaker"].strip())
            rows.append({"interview_id": interview_id, "line": number,
                         "timestamp": match["timestamp"], "speaker": speaker,
                         "role": _role(speaker, roles), "text": match["text"].strip(),
                         "status": "turn"})
        elif line.strip():
            if not rows:
                rows.append({"interview_id": interview_id, "line": number, "timestamp": None,
                             "speaker": None, "role": None, "text": "", "status": "preamble"})
            rows[-1]["text"] = (rows[-1]["text"] + "\n" + line.strip()).strip()
    if not any(r["status"] == "turn" for r in rows):
        raise SurveyInputError("no line starts a speaker turn (such as 'Intervjuare:' or "
                               "'IP:')", path=path, line=1,
                               hint="mark each turn with its speaker and a colon, or pass "
                                    "speakers= with the labels this transcript uses")
    table = pd.DataFrame(rows)
    table.insert(1, "turn", range(1, len(table) + 1))
    return table[TURN_COLUMNS]


def read_transcripts(paths, *, speakers: dict | None = None, metadata=None,
                     id_column: str = "interview_id") -> Transcripts:
    """Read a folder of transcripts (``*.txt``, ``*.docx``, sorted) or a list of files.

    Parameters
    ----------
    paths : str, Path or sequence
        A folder, or transcript files in the order wanted.
    speakers : dict, optional
        ``{"interviewer": [...], "respondent": [...]}`` labels (see the module).
    metadata : DataFrame, str or Path, optional
        One row per interview (a CSV file or a frame) with `id_column` matching the file
        names without their suffix; its other columns are joined onto every turn.
    id_column : str
        The interview id column of `metadata`.

    Returns
    -------
    Transcripts
        The turns of every file that could be read, and one row per file with its status;
        a file that could not be read is an ``error`` row and the others still load.
    """
    from survey_tools.errors import SurveyInputError

    if isinstance(paths, (str, Path)) and Path(paths).is_dir():
        folder = Path(paths)
        files = sorted(p for p in folder.iterdir()
                       if p.suffix.lower() in (".txt", ".docx") and not p.name.startswith("."))
    else:
        files = [Path(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths)]
    tables, status = [], []
    for path in files:
        try:
            table = read_transcript(path, speakers=speakers)
        except (SurveyInputError, OSError) as exc:
            status.append({"file": str(path), "interview_id": path.stem, "status": "error",
                           "turns": 0, "error": str(exc)})
            continue
        tables.append(table)
        status.append({"file": str(path), "interview_id": path.stem, "status": "read",
                       "turns": int((table["status"] == "turn").sum()), "error": None})
    turns = (pd.concat(tables, ignore_index=True) if tables
             else pd.DataFrame(columns=TURN_COLUMNS))
    if metadata is not None:
        meta = (pd.read_csv(metadata, dtype=str, keep_default_na=False)
                if isinstance(metadata, (str, Path)) else metadata.copy())
        if id_column not in meta:
            raise SurveyInputError(f"the interview metadata has no column {id_column!r}",
                                   path=metadata if isinstance(metadata, (str, Path)) else None,
                                   hint=f"name the interview id column {id_column!r}")
        meta = meta.rename(columns={id_column: "interview_id"})
        meta["interview_id"] = meta["interview_id"].astype(str)
        turns = turns.merge(meta, on="interview_id", how="left", validate="many_to_one")
    return Transcripts(turns=turns, files=pd.DataFrame(
        status, columns=["file", "interview_id", "status", "turns", "error"]))
