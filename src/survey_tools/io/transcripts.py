"""Interview transcripts as input: speaker turns read from text or Word files (issue #19).

A transcript is one text or Word file per interview, as people keep them::

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

What is done with the turns (passages, interviews per theme, quotes) is
:mod:`survey_tools.nlp.interviews`.

Word files (``.docx``) are read with python-docx: each paragraph is a line (so a "line"
in an error is a paragraph there), and a table row is one turn. Subtitle files as Teams
and Zoom export them (``.vtt`` WebVTT, ``.srt``) are read cue by cue: a cue's start time
is the turn's timestamp and its speaker the voice tag (``<v Name>``) or the label before
a colon; consecutive cues of one speaker are one turn. ``.md`` and ``.text`` files are
text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = ["Transcripts", "read_transcript", "read_transcripts", "speaker_pattern",
           "TURN_COLUMNS"]

TURN_COLUMNS = ["interview_id", "turn", "line", "timestamp", "speaker", "speaker_role",
                "text", "status"]
_TIMESTAMP = r"\[?(?P<timestamp>\d{1,2}:\d{2}(?::\d{2})?)\]?"


@dataclass(frozen=True)
class Transcripts:
    """What :func:`read_transcripts` read.

    Attributes
    ----------
    turns : DataFrame
        One row per turn, files in the order given and turns in file order:
        ``interview_id, turn, line`` (where the turn starts), ``timestamp, speaker,
        speaker_role`` (``interviewer``/``respondent``), ``text``, ``status`` (``turn``, or
        ``preamble`` for text before the first turn), plus the metadata columns.
    files : DataFrame
        One row per file: ``file, interview_id, status`` (``read`` or ``error``),
        ``turns``, ``error`` (what is wrong and what to do), ``unknown_speaker_turns``
        (turns by a speaker label the configuration does not name, such as "Karin:" or
        "Speaker 2:": kept as their own turns, role ``unknown``, not coded); with metadata
        also
        ``in_metadata`` (whether the metadata has a row for it), and one row with status
        ``no transcript`` (and no file) per interview the metadata lists without a file.
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

    speakers = speakers or load_yaml("interviews.yaml")["speakers"]
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


# Any label: one to three words from a capital, then a colon ("Karin:", "Speaker 2:").
_ANY_LABEL = re.compile(rf"^\s*(?:{_TIMESTAMP}\s*)?(?P<speaker>[A-ZÅÄÖÉ][\w.'’-]*"
                        r"(?:[ \t]+[\w.'’-]+){0,2})[ \t]*:[ \t]*(?P<text>.*)$")
_NUMBERED = re.compile(r"(?i)^(?:speaker|talare|person|deltagare|participant|guest|gäst)"
                       r"\s*\d+$")


def _unknown_labels(lines, pattern: re.Pattern) -> set[str]:
    """Return the speaker labels the configuration does not know.

    A label at the start of two lines or more ("Karin:"), or a numbered one ("Speaker 2:",
    "Talare 3:"). A label used once ("Problem:") stays part of the text.
    """
    from collections import Counter

    seen: Counter = Counter()
    for line in lines:
        if pattern.match(line):
            continue
        match = _ANY_LABEL.match(line)
        if match and match["text"].strip():
            seen[re.sub(r"\s+", " ", match["speaker"].strip())] += 1
    return {label for label, n in seen.items() if n >= 2 or _NUMBERED.match(label)}


def _label_of(match) -> str:
    return re.sub(r"\s+", " ", match["speaker"].strip()).casefold()


def _stray_labels(lines, pattern: re.Pattern, roles: dict) -> set[str]:
    """Return known labels (lower case) that only look like turns in this transcript.

    A label used once, where another label of the same role marks that role's turns (two
    lines or more): "I: ..." or "10:30 Int: ..." inside an answer of a transcript that
    writes "Intervjuare:" stays part of the answer.
    """
    from collections import Counter

    used = Counter(_label_of(m) for m in map(pattern.match, lines) if m)
    by_role: dict = {}
    for label, n in used.items():
        by_role.setdefault(_role(label, roles), []).append((label, n))
    return {label for labels in by_role.values() if any(n >= 2 for _, n in labels)
            for label, n in labels if n == 1}


def _role(speaker: str, roles: dict) -> str:
    return next((role for regex, role in roles.items() if regex.match(speaker)), "unknown")


#: Document formats a transcript may be kept in that are not read: listed as errors in a
#: folder, so that no interview is left out without a word.
OTHER_DOCUMENTS = {".doc": "a Word 97-2003 file", ".docm": "a Word file with macros",
                   ".rtf": "an RTF file",
                   ".odt": "an OpenDocument text", ".pdf": "a PDF file",
                   ".pages": "a Pages file"}


#: The most text a transcript may hold (a text file, or a Word file's XML part): an hour's
#: interview is about 60 KB; a larger file is an error row, not an exhausted memory.
MAX_TRANSCRIPT_BYTES = 20_000_000
#: The most a Word file may unpack to, images included (python-docx loads every part).
MAX_DOCX_BYTES = 100_000_000


def _text_of(path: Path) -> str:
    from survey_tools.errors import SurveyInputError

    if not path.is_file():
        raise SurveyInputError("there is no such file", path=path,
                               hint="check the folder and the file name")
    if path.suffix.lower() != ".docx" and path.stat().st_size > MAX_TRANSCRIPT_BYTES:
        raise SurveyInputError(
            f"the file is {path.stat().st_size / 1e6:,.0f} MB, more than a transcript can "
            f"be ({MAX_TRANSCRIPT_BYTES / 1e6:,.0f} MB)", path=path,
            hint="check that this is an interview transcript; split a longer one")
    if path.suffix.lower() == ".docx":
        return _docx_text(path)
    if path.suffix.lower() in (".vtt", ".srt"):
        return _subtitle_text(path, _plain_text(path))
    if path.suffix.lower() in OTHER_DOCUMENTS:
        raise SurveyInputError(f"this is {OTHER_DOCUMENTS[path.suffix.lower()]}, which is not "
                               "read", path=path,
                               hint="save the transcript as .docx or as UTF-8 text (.txt)")
    return _plain_text(path)


def _plain_text(path: Path) -> str:
    from survey_tools.errors import SurveyInputError

    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its mark (Notepad's "Unicode")
        try:
            raw = raw.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            pass  # not really UTF-16: the checks below say what it is
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


_CUE_TIME = re.compile(r"^\s*(?P<start>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*\S+")
_VOICE = re.compile(r"^<v(?:\.[^ >]*)?\s+(?P<speaker>[^>]+)>(?P<text>.*?)(?:</v>)?$")
_SUBTITLE_TAG = re.compile(r"</?[a-z][^>]*>")


def _subtitle_text(path: Path, text: str) -> str:
    """Return the turns of a WebVTT or SRT file as transcript lines.

    ``[00:12:31] Name: text`` per turn: the cue's start time (hours added when missing),
    the speaker from a voice tag or a "Name:" label, cue numbers and settings dropped.
    Consecutive cues of one speaker become one turn; a cue without a speaker continues
    the turn before it.
    """
    from survey_tools.errors import SurveyInputError

    turns: list[list] = []  # [timestamp, speaker, text]
    stamp = None
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        times = [i for i, line in enumerate(lines) if _CUE_TIME.match(line)]
        if not times:
            continue  # the WEBVTT header, NOTE and STYLE blocks
        start = _CUE_TIME.match(lines[times[0]])["start"]
        hms = start.replace(",", ".").split(".")[0].split(":")
        stamp = ":".join(["00"] * (3 - len(hms)) + [h.zfill(2) for h in hms])
        for line in lines[times[0] + 1:]:
            voice = _VOICE.match(line)
            speaker, said = (voice["speaker"].strip(), voice["text"]) if voice else (None, line)
            said = _SUBTITLE_TAG.sub("", said).strip()
            if speaker is None and (label := _ANY_LABEL.match(said)) and label["text"]:
                speaker, said = label["speaker"].strip(), label["text"].strip()
            if turns and (speaker is None or speaker == turns[-1][1]):
                turns[-1][2] += " " + said
            elif speaker is not None or turns:
                turns.append([stamp, speaker or turns[-1][1], said])
            else:
                turns.append([stamp, None, said])
    if not turns:
        raise SurveyInputError("the subtitle file has no cues (lines with '-->')", path=path,
                               hint="export the transcript again from Teams or Zoom")
    return "\n".join(f"[{t}] {who}: {said}" if who else said for t, who, said in turns)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SKIP = {_W + "moveFrom", _W + "del",  # tracked deletions and the old place of a move
         "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}


def _word_text(element) -> str:
    """Return the text of a Word XML element as it reads with tracked changes accepted.

    python-docx's ``Paragraph.text`` leaves out text inside tracked insertions.
    """
    parts = []
    for child in element:
        if child.tag in _SKIP:
            continue
        if child.tag == _W + "t":
            # an entity (never resolved: no outside file is read) keeps the text after it
            parts.append((child.text or "") + "".join(sub.tail or "" for sub in child))
        elif child.tag == _W + "tab":
            parts.append("\t")
        elif child.tag in (_W + "br", _W + "cr"):
            parts.append("\n")
        elif child.tag == _W + "p" and parts:
            parts.append("\n" + _word_text(child))
            continue
        parts.append(_word_text(child))
    return "".join(parts)


def _check_docx_size(path: Path) -> None:
    """Refuse a Word file that unpacks to more than a transcript can hold (a zip bomb).

    The sizes are those the file declares; a part larger than declared fails its check
    when it is read.
    """
    import zipfile

    from survey_tools.errors import SurveyInputError

    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return  # python-docx says it cannot be opened
    total = sum(p.file_size for p in parts)
    xml = max((p.file_size for p in parts if p.filename.endswith(".xml")), default=0)
    if total > MAX_DOCX_BYTES or xml > MAX_TRANSCRIPT_BYTES:
        raise SurveyInputError(
            f"this Word file unpacks to {total / 1e6:,.0f} MB (its largest text part "
            f"{xml / 1e6:,.0f} MB), more than a transcript can be ("
            f"{MAX_TRANSCRIPT_BYTES / 1e6:,.0f} MB of text)", path=path,
            hint="check that this is an interview transcript; open it in Word and save "
                 "the text only, or as UTF-8 text")


def _docx_text(path: Path) -> str:
    """Return the text of a Word file: a line per paragraph (and per line break), in order.

    A table row (as some transcription services write turns) becomes one line: a first
    cell that is a timestamp is kept as ``[00:12:31]``, the next cell is the speaker and
    the rest the text (``[00:12:31] IP: text``); merged cells count once. Text is read as
    it reads with tracked changes accepted (insertions in, deletions out). Headers,
    footers and comments are not read.
    """
    import zipfile

    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from lxml.etree import XMLSyntaxError

    from survey_tools.errors import SurveyInputError

    _check_docx_size(path)
    try:
        document = Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError):
        raise SurveyInputError("this Word file cannot be opened (it may be another kind of "
                               "file, damaged or password-protected)",
                               path=path, hint="open it in Word or LibreOffice and save it "
                                               "again as .docx, or save it as UTF-8 text"
                               ) from None
    lines: list[str] = []
    for block in document.iter_inner_content():
        if not isinstance(block, Table):
            lines.extend(_word_text(block._p).splitlines() or [""])
            continue
        for row in block.rows:
            cells: list[str] = []
            for cell in row.cells:
                text = " ".join(_word_text(cell._tc).split())
                if not cells or text != cells[-1]:
                    cells.append(text)
            cells = [c for c in cells if c]
            stamp = (f"[{cells.pop(0).strip('[]')}] " if len(cells) > 1
                     and re.fullmatch(_TIMESTAMP, cells[0]) else "")
            lines.append(stamp + (f"{cells[0]}: {' '.join(cells[1:])}" if len(cells) > 1
                                  and not cells[0].endswith(":") else " ".join(cells)))
    if not any(line.strip() for line in lines):
        raise SurveyInputError("the file is empty", path=path,
                               hint="check that the transcript was saved")
    return "\n".join(lines)


def read_transcript(path, *, speakers: dict | None = None,
                    interview_id: str | None = None) -> pd.DataFrame:
    """Read one transcript into its turns (see :class:`Transcripts` for the columns).

    Raises
    ------
    SurveyInputError
        Naming the file (and line) when it is empty, binary, not UTF-8, a Word file that
        cannot be opened, or has no line that starts a turn.
    """
    from survey_tools.errors import SurveyInputError

    path = Path(path)
    interview_id = interview_id or path.stem
    pattern, roles = speaker_pattern(speakers)
    lines = _text_of(path).splitlines()
    unknown = _unknown_labels(lines, pattern)
    stray = _stray_labels(lines, pattern, roles)
    rows: list[dict] = []
    for number, line in enumerate(lines, start=1):
        match = pattern.match(line)
        if match and _label_of(match) in stray:
            match = None  # "I: ..." once, where "Intervjuare:" marks the turns: answer text
        if not match and unknown:  # a speaker the configuration does not name: own turns
            match = _ANY_LABEL.match(line)
            if match and re.sub(r"\s+", " ", match["speaker"].strip()) not in unknown:
                match = None
        if match:
            speaker = re.sub(r"\s+", " ", match["speaker"].strip())
            rows.append({"interview_id": interview_id, "line": number,
                         "timestamp": match["timestamp"], "speaker": speaker,
                         "speaker_role": _role(speaker, roles),
                         "text": match["text"].strip(),
                         "status": "turn"})
        elif line.strip():
            if not rows:
                rows.append({"interview_id": interview_id, "line": number, "timestamp": None,
                             "speaker": None, "speaker_role": None, "text": "",
                             "status": "preamble"})
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
                     id_column: str = "interview_id", required=()) -> Transcripts:
    """Read a folder of transcripts (``*.txt``, ``*.docx``, sorted) or a list of files.

    Parameters
    ----------
    paths : str, Path or sequence
        A folder, or transcript files in the order wanted.
    speakers : dict, optional
        ``{"interviewer": [...], "respondent": [...]}`` labels (see the module); other
        roles (``"interpreter": ["Tolk"]``) are kept as turns that are not coded.
    metadata : DataFrame, str or Path, optional
        One row per interview (a CSV file or a frame) with `id_column` matching the file
        names without their suffix; its other columns are joined onto every turn.
    id_column : str
        The interview id column of `metadata`.
    required : sequence of str
        Metadata columns that must be there (a group, the attribution of quotes).

    Returns
    -------
    Transcripts
        The turns of every file that could be read, and one row per file with its status;
        a file that could not be read is an ``error`` row and the others still load. Files
        of a folder are named by their names only, in the table and in its errors.
    """
    from survey_tools.errors import SurveyInputError

    folder = Path(paths) if isinstance(paths, (str, Path)) and Path(paths).is_dir() else None
    if folder is not None:
        kinds = {".txt", ".text", ".md", ".docx", ".vtt", ".srt", *OTHER_DOCUMENTS}
        files = sorted(p for p in folder.iterdir() if not p.name.startswith((".", "~$")) and (
            p.is_dir() or p.suffix.lower() in kinds))  # a subfolder: an error row, not silence
        if not files:
            raise SurveyInputError(
                "the transcript folder holds no transcripts (.txt, .docx, .vtt, .srt, .md)",
                path=folder, hint="check the path under interviews: in the configuration")
    else:
        files = [Path(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths)]
    tables, status = [], []
    refused = _refused_files(files, folder)
    for path in files:
        # in a folder, a file is named by its name: the table and its errors are published,
        # and a folder's path can hold a person's name (/home/anna.svensson/...)
        name = path.name if folder is not None else str(path)
        try:
            if path in refused:
                raise refused[path]
            table = read_transcript(path, speakers=speakers)
        except SurveyInputError as exc:
            error = str(SurveyInputError(exc.problem, path=name, line=exc.line, hint=exc.hint))
        except OSError as exc:
            error = f"{name}: {exc.strerror or type(exc).__name__}."
        else:
            tables.append(table)
            turn = table["status"] == "turn"
            status.append({"file": name, "interview_id": path.stem, "status": "read",
                           "turns": int(turn.sum()), "error": None,
                           "unknown_speaker_turns": int(
                               (turn & (table["speaker_role"] == "unknown")).sum())})
            continue
        status.append({"file": name, "interview_id": path.stem, "status": "error",
                       "turns": 0, "error": error, "unknown_speaker_turns": 0})
    turns = (pd.concat(tables, ignore_index=True) if tables
             else pd.DataFrame(columns=TURN_COLUMNS))
    if metadata is None and required:
        raise SurveyInputError(f"the column {list(required)[0]!r} needs interview metadata",
                               hint="give a metadata file with one row per interview")
    files = pd.DataFrame(status, columns=["file", "interview_id", "status", "turns", "error",
                                          "unknown_speaker_turns"])
    if metadata is not None:
        turns, listed = _join_metadata(turns, metadata, id_column=id_column,
                                       required=required)
        files["in_metadata"] = files["interview_id"].isin(listed)
        have = set(files["interview_id"])
        absent = [i for i in listed if i not in have]
        files = pd.concat([files, pd.DataFrame({
            "file": None, "interview_id": absent, "status": "no transcript", "turns": 0,
            "unknown_speaker_turns": 0,
            "error": [f"the metadata lists {i!r}, but no transcript has that name"
                      for i in absent], "in_metadata": True})], ignore_index=True)
    return Transcripts(turns=turns, files=files)


def _refused_files(files, folder) -> dict:
    """Files not to read, with the error each gets.

    A link that leads out of the transcript folder (another project's transcript,
    /etc/passwd) is not followed; two files of one interview (``x.txt`` and ``x.docx``)
    are both refused, naming each other, rather than one silently winning.
    """
    from survey_tools.errors import SurveyInputError

    out = {}
    if folder is not None:
        inside = folder.resolve()
        for path in files:
            if path.is_dir():
                out[path] = SurveyInputError(
                    "this is a folder inside the transcript folder, which is not read",
                    path=path.name, hint="put its transcripts in the transcript folder itself")
                continue
            target = path.resolve()
            if path.is_symlink() and inside not in target.parents:
                out[path] = SurveyInputError(
                    "this is a link to a file outside the transcript folder, which is not "
                    "read", path=path.name, hint="copy the transcript into the folder")
    stems: dict = {}
    for path in files:
        stems.setdefault(path.stem, []).append(path)
    for same in (paths for paths in stems.values() if len(paths) > 1):
        names = " and ".join(p.name for p in same)
        for path in same:
            out.setdefault(path, SurveyInputError(
                f"{names} are the same interview ({path.stem!r}): neither is read",
                path=path.name if folder is not None else path,
                hint="keep one of the files, or rename one if they are two interviews"))
    return out


def _read_metadata(path: Path) -> pd.DataFrame:
    """Read the interview metadata as survey files are read, every cell as text.

    ``;``-separated, cp1252 or UTF-16 CSV and ``.xlsx`` work, and a row with an extra
    field is an error naming it (a plain ``pd.read_csv`` shifted every id).
    """
    from survey_tools.io.readers import read_raw
    from survey_tools.io.schema import clean_table

    def text(value) -> str:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    table = clean_table(read_raw(path).data, path=path)
    return table.apply(lambda column: column.map(text)).astype(object)


def _check_published_metadata(meta: pd.DataFrame, columns, source) -> None:
    """Refuse published metadata (group, attribution) with personal data or links.

    Their values are printed beside quotes and in tables: an e-mail address or a phone
    number there is an error naming the file, the column and the row; so is a formula or
    a web address (``=HYPERLINK("http://...")`` became a live link).
    """
    from survey_tools.errors import SurveyInputError
    from survey_tools.nlp.pii import STRUCTURED_TYPES, find_pii

    for column in dict.fromkeys(c for c in columns if c in meta):
        for row, value in enumerate(meta[column].tolist(), start=2):
            value = "" if value is None or (not isinstance(value, str) and pd.isna(value)) \
                else str(value)
            found = [m.type for m in find_pii(value, types=[*STRUCTURED_TYPES, "URL"])]
            if value.lstrip().startswith(("=", "+", "@")):
                found = ["FORMULA"]
            if found:
                what = {"EMAIL": "an e-mail address", "PHONE": "a phone number",
                        "URL": "a web address", "FORMULA": "a formula"}.get(
                            found[0], f"a {found[0].lower()}")
                raise SurveyInputError(
                    f"the interview metadata column {column!r} holds {what} (it is "
                    "published beside quotes and in tables)", path=source, row=row,
                    column=column, hint="remove it from the metadata file, or name another "
                                        "column for grouping and attribution")


def _join_metadata(turns: pd.DataFrame, metadata, *, id_column: str,
                   required) -> tuple[pd.DataFrame, list]:
    """Join the interview metadata (a CSV file or a frame) onto the turns.

    Returns the joined turns and the interview ids the metadata lists, in its order.
    """
    from survey_tools.errors import SurveyInputError

    source = metadata if isinstance(metadata, (str, Path)) else None
    meta = _read_metadata(Path(source)) if source is not None else metadata.copy()
    if id_column not in meta:
        raise SurveyInputError(f"the interview metadata has no column {id_column!r}",
                               path=source, hint=f"name the interview id column {id_column!r}")
    meta = meta.rename(columns={id_column: "interview_id"})
    absent = [c for c in required if c not in meta.columns]
    if absent:
        raise SurveyInputError(f"the interview metadata has no column {absent[0]!r}",
                               path=source, hint=f"its columns are {list(meta.columns)}")
    clash = [c for c in meta.columns if c in TURN_COLUMNS and c != "interview_id"]
    if clash:
        raise SurveyInputError(f"the interview metadata has columns {clash} that the turns "
                               "table has too", path=source,
                               hint="rename them in the metadata file")
    _check_published_metadata(meta, required, source)
    meta["interview_id"] = meta["interview_id"].astype(str)
    twice = meta["interview_id"].duplicated()
    if twice.any():
        at = int(twice.to_numpy().argmax())
        raise SurveyInputError(f"the interview {meta['interview_id'].iloc[at]!r} is there twice",
                               path=source, row=at + 2, column=id_column,
                               hint="keep one row per interview")
    return (turns.merge(meta, on="interview_id", how="left", validate="many_to_one"),
            meta["interview_id"].tolist())
