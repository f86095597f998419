"""Interview transcripts analysed: passages, interviews per theme and quotes (issue #19).

The turns come from :func:`survey_tools.io.transcripts.read_transcripts`.
:func:`interview_passages` splits the interviewees' turns into passages (paragraphs, and
sentence windows for long monologues), masks personal data in every passage and keeps
the interviewer's question before it as context; the passages are what coding and
topics run on.

Interview studies count interviews, not passages ("11 of 14 municipalities named
financing"): :func:`interviews_per_theme` does, by interviewee group, and
:func:`interview_quotes` picks quotes per theme, at most one per interview, attributed
only by group ("Kommun, stor").
"""

from __future__ import annotations

import re
from functools import cache

import pandas as pd

from survey_tools.io.transcripts import TURN_COLUMNS

__all__ = ["interview_passages", "interviews_per_theme", "interview_quotes",
           "interview_not_coded", "is_small_talk", "published_interviews", "PASSAGE_COLUMNS"]

PASSAGE_COLUMNS = ["interview_id", "turn", "passage", "position", "speaker",
                   "speaker_role", "question", "text", "status"]
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÅÄÖÉ0-9\"”»(])")


def is_small_talk(text) -> bool:
    """Return whether a passage is only backchannel and courtesy ("Mm, precis.").

    It is when every clause of it is a phrase of ``small_talk:`` in
    ``resources/interviews.yaml`` or a survey non-answer (``resources/nonanswers.yaml``),
    as in "Nej, det var allt, tack.". Such passages are kept with status ``small talk``
    and are not coded or counted.

    Examples
    --------
    >>> is_small_talk("No, that was all, thank you."), is_small_talk("Mm. Ja, precis!")
    (True, True)
    >>> is_small_talk("Nej, budgeten räcker inte."), is_small_talk("")
    (False, False)
    """
    from survey_tools.nlp.answers import normalize_answer

    clauses = [normalize_answer(c) for c in re.split(r"[,.;:!?…]+", str(text or ""))]
    clauses = [c for c in clauses if c]
    known = _small_talk()
    return bool(clauses) and all(c in known for c in clauses)


@cache
def _small_talk() -> frozenset:
    """Return the small-talk phrases and the survey non-answers, normalized."""
    from survey_tools.nlp.answers import non_answers, normalize_answer
    from survey_tools.resources import load_yaml

    return non_answers() | {normalize_answer(t) for t in load_yaml("interviews.yaml")["small_talk"]}


def interview_not_coded(codebook=None) -> list[str]:
    """Return texts that describe what interviewees say that is none of the themes.

    Introductions, what was tried, what went well, the future, the goodbye
    (``resources/interviews.yaml``), after the codebook's own ``not_coded:`` texts. Pass
    them as ``ZeroShotCoder(codebook, not_coded=interview_not_coded(codebook))``: a
    passage closer to them than to every code then gets no code, so an introduction is
    not counted as a theme. Measured on the synthetic sample in README.md ("Interview
    transcripts").

    Examples
    --------
    >>> texts = interview_not_coded()
    >>> len(texts) >= 2 and all(isinstance(t, str) for t in texts)
    True
    """
    from survey_tools.resources import load_yaml

    own = list(codebook.not_coded) if codebook is not None else []
    return own + [t for t in load_yaml("interviews.yaml")["not_coded"] if t not in own]


def _windows(paragraph: str, max_words: int) -> list[str]:
    """Split a paragraph longer than `max_words` into runs of whole sentences."""
    if len(paragraph.split()) <= max_words:
        return [paragraph]
    out, current = [], []
    for sentence in _SENTENCE_END.split(paragraph):
        if current and len(" ".join([*current, sentence]).split()) > max_words:
            out.append(" ".join(current))
            current = []
        current.append(sentence)
    return [*out, " ".join(current)] if current else out


def published_interviews(files: pd.DataFrame, passages: pd.DataFrame, *,
                         keep=()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the files and passages tables as a report may publish them.

    Interview ids are often file names, and file names carry names
    ("Intervju_Karin_Lindberg.docx"): every interview gets a code instead (``I01``,
    ``I02`` … in the order of `files`, i.e. of the file names), and the file name is left
    out, also from error messages. Of the metadata,
    only the columns in `keep` (the configuration's group and attribution columns) stay;
    a ``namn`` column or a role does not. Speaker labels (which can be names) are left
    out; ``speaker_role`` says who spoke. The passages' text is not published: whole
    interview answers carry what masking cannot catch (a name outside the gazetteers at
    the start of a sentence, "Omonori was ..."; 32 of 100 planted names got through in
    ``bench/names_bench.py``), and a report publishes interviews through its vetted
    quotes (:func:`interview_quotes`). ``words`` is each passage's length.

    Parameters
    ----------
    files : DataFrame
        :attr:`Transcripts.files`.
    passages : DataFrame
        :func:`interview_passages` (already masked).
    keep : sequence of str
        Metadata columns to publish.

    Returns
    -------
    files, passages : DataFrame
        ``interview, status, turns, unknown_speaker_turns, error, in_metadata``, and
        ``interview, turn, passage, position, speaker_role, status, words`` plus `keep`.
    """
    order = list(dict.fromkeys([*files["interview_id"], *passages["interview_id"]]))
    codes = {iid: f"I{k:0{max(2, len(str(len(order))))}d}" for k, iid in enumerate(order, 1)}
    shown_files = files.assign(interview=files["interview_id"].map(codes))
    shown_files["error"] = [  # "Intervju_Karin.txt: not a text file" -> "I03: not a ..."
        (e.replace(f, c) if isinstance(f, str) else e).replace(str(i), c)
        if isinstance(e, str) else e
        for e, f, i, c in zip(shown_files["error"], shown_files["file"],
                              shown_files["interview_id"], shown_files["interview"],
                              strict=True)]
    shown_files = shown_files[["interview", "status", "turns", "unknown_speaker_turns", "error",
                               *(["in_metadata"] if "in_metadata" in shown_files else [])]]
    keep = [c for c in dict.fromkeys(keep) if c and c in passages.columns
            and c not in PASSAGE_COLUMNS]
    shown = passages.assign(interview=passages["interview_id"].map(codes),
                            words=passages["text"].map(
                                lambda t: len(t.split()) if isinstance(t, str) else 0))
    return shown_files, shown[["interview", *[c for c in PASSAGE_COLUMNS if c not in (
        "interview_id", "speaker", "question", "text")], "words", *keep]].reset_index(drop=True)


def interview_passages(turns: pd.DataFrame, *, max_words: int = 120,
                       mask_personal_data: bool = True) -> pd.DataFrame:
    """Split the interviewees' turns into passages; account for every other turn too.

    Parameters
    ----------
    turns : DataFrame
        :attr:`Transcripts.turns` (or :func:`read_transcript`'s table).
    max_words : int
        A paragraph longer than this is split into windows of whole sentences of at most
        this many words (a single longer sentence stays whole).
    mask_personal_data : bool
        Mask personal data (names, personnummer, phone numbers, e-mail …) in every
        passage and question before anything else sees them (default).

    Returns
    -------
    DataFrame
        One row per passage of an interviewee's turn (status ``passage``: paragraphs in
        order, long ones split into sentence windows; ``small talk`` for one that is only
        "Ja, precis." or "No, that was all, thank you.", see :func:`is_small_talk`) and
        one row per other turn (``question`` for the interviewer, ``preamble``, ``other
        speaker``), in transcript order: ``interview_id, turn, passage`` (numbered
        within the interview, the interviewee's passages and small talk), ``position``
        (within the turn), ``speaker, speaker_role``, ``question`` (the interviewer's
        last turn before it, as context), ``text``, ``status``, plus any metadata
        columns of `turns`.
    """
    extra = [c for c in turns.columns if c not in TURN_COLUMNS]
    rows = []
    for _, group in turns.groupby("interview_id", sort=False):
        question, number = None, 0
        for turn in group.itertuples(index=False):
            base = {"interview_id": turn.interview_id, "turn": turn.turn,
                    "speaker": turn.speaker, "speaker_role": turn.speaker_role,
                    **{c: getattr(turn, c) for c in extra}}
            if turn.status != "turn" or turn.speaker_role != "respondent":
                status = ("preamble" if turn.status != "turn" else
                          "question" if turn.speaker_role == "interviewer"
                          else "other speaker")
                rows.append({**base, "passage": None, "position": None, "question": None,
                             "text": turn.text, "status": status})
                question = turn.text if status == "question" else question
                continue
            paragraphs = [p.strip() for p in str(turn.text).split("\n") if p.strip()]
            pieces = [w for p in paragraphs for w in _windows(p, max_words)] or [""]
            for k, piece in enumerate(pieces, start=1):
                number += 1
                rows.append({**base, "passage": number, "position": k, "question": question,
                             "text": piece,
                             "status": "small talk" if is_small_talk(piece) else "passage"})
    out = pd.DataFrame(rows, columns=[*PASSAGE_COLUMNS, *extra])
    if mask_personal_data and len(out):
        from survey_tools.nlp.pii import mask_texts

        out["text"] = mask_texts(out["text"])[0]
        out["question"] = mask_texts(out["question"])[0]
    out["passage"] = out["passage"].astype("Int64")
    out["position"] = out["position"].astype("Int64")
    return out


def _passage_rows(passages: pd.DataFrame, themes: pd.DataFrame) -> tuple:
    """Return the passages (status ``passage``) and their themes (0 where missing)."""
    from survey_tools.stats.prevalence import align_themes

    themes = align_themes(themes, passages, name="passages", each="row of interview_passages")
    keep = (passages["status"] == "passage").to_numpy()
    return passages[keep], themes[keep].fillna(0).astype(float)


def interviews_per_theme(passages: pd.DataFrame, themes: pd.DataFrame, *,
                         by: str | None = None, total_label: str = "Alla") -> pd.DataFrame:
    """Count the interviews (not passages) that mention each theme, overall and by group.

    Parameters
    ----------
    passages : DataFrame
        From :func:`interview_passages`.
    themes : DataFrame
        0/1 (or a score; above 0.5 counts) per theme, one row per row of `passages` (rows
        that are not passages are ignored), e.g. a coder's codes or topic indicators.
    by : str, optional
        An interview metadata column (organisation type …).
    total_label : str
        The group name of the all-interviews rows.

    Returns
    -------
    DataFrame
        ``group, theme, interviews`` (that mention it in at least one passage), ``of``
        (interviews in the group, also as ``base_n``), ``percent`` with its Wilson
        interval ``ci_low, ci_high``, ``passages`` (passages with the theme); themes by
        how many interviews raise them, most first.

    Examples
    --------
    >>> p = pd.DataFrame({"interview_id": ["a", "a", "b", "c"], "status": ["passage"] * 4})
    >>> t = pd.DataFrame({"financing": [1, 1, 0, 1], "legal": [0, 0, 1, 0]})
    >>> interviews_per_theme(p, t)[["theme", "interviews", "of", "passages"]]
           theme  interviews  of  passages
    0  financing           2   3         3
    1      legal           1   3         1
    """
    from survey_tools.stats.tables import wilson_interval

    rows_p, rows_t = _passage_rows(passages, themes)
    # passages with each theme, per interview (an interview without passages has none)
    per_interview = (rows_t > 0.5).groupby(rows_p["interview_id"].to_numpy(), sort=False).sum()
    per_interview = per_interview.reindex(pd.Index(passages["interview_id"].unique()),
                                          fill_value=0)
    groups = [(total_label, per_interview.index)]
    if by is not None:
        group_of = passages.drop_duplicates("interview_id").set_index("interview_id")[by]
        groups += [(g, group_of.index[group_of == g])
                   for g in sorted(group_of.dropna().unique(), key=str)]
    order = (per_interview > 0).sum().sort_values(ascending=False, kind="stable").index
    rows = []
    for name, members in groups:
        part = per_interview.loc[members]
        for theme in order:
            n = int((part[theme] > 0).sum())
            low, high = wilson_interval(n, len(part))
            rows.append({"group": name, "theme": theme, "interviews": n, "of": len(part),
                         "percent": 100 * n / len(part) if len(part) else float("nan"),
                         "ci_low": 100 * float(low), "ci_high": 100 * float(high),
                         "passages": int(part[theme].sum())})
    out = pd.DataFrame(rows, columns=["group", "theme", "interviews", "of", "percent",
                                      "ci_low", "ci_high", "passages"])
    out["base_n"] = out["of"]  # for the charts, which show each group's n
    return out if by is not None else out.drop(columns="group")


def interview_quotes(passages: pd.DataFrame, themes: pd.DataFrame, *, attribution=(),
                     per_theme: int = 3, scores: pd.DataFrame | None = None,
                     max_chars: int = 400) -> pd.DataFrame:
    """Pick quotes per theme: at most one per interview, attributed only by group.

    Parameters
    ----------
    passages : DataFrame
        From :func:`interview_passages` (texts already masked).
    themes : DataFrame
        0/1 per theme, one row per row of `passages`.
    attribution : sequence of str
        Metadata columns that attribute a quote ("Kommun, stor"); never the interview id
        or the speaker.
    per_theme : int
        At most this many quotes per theme, each from another interview.
    scores : DataFrame, optional
        How typical each passage is of each theme (higher first, e.g. a coder's scores);
        by default the passages come in transcript order.
    max_chars : int
        Longer passages are not quoted.

    Returns
    -------
    DataFrame
        ``theme, quote, attribution``. Not quoted: passages with masked personal data
        (``[NAME]``, ``[PHONE]`` …), and those the survey quotes leave out too
        (:func:`survey_tools.nlp.quotes.looks_personal`: a digit, an e-mail or web address, a
        capitalised word that may be a name), nor the same words twice.
    """
    from survey_tools.nlp.pii import name_like_words
    from survey_tools.nlp.quotes import pick_quotes

    rows_p, rows_t = _passage_rows(passages, themes)
    # names the masking missed: written like names, or only ever starting a sentence
    name_like = name_like_words(passages["text"], starts=True)
    rank = (scores.set_axis(passages.index).loc[rows_p.index] if scores is not None
            else None)
    rows = []
    for theme in rows_t.columns:
        chosen = rows_p[(rows_t[theme] > 0.5).to_numpy()]
        chosen = chosen[~chosen["text"].astype(str).str.contains(r"\[[A-Z_]+\]")]
        if rank is not None:
            chosen = chosen.loc[rank.loc[chosen.index, theme].sort_values(
                ascending=False, kind="stable").index]
        # the survey quotes' filter: nothing that looks personal (a number, an address, a
        # name the masking missed), not too long; in rank order
        safe = set(pick_quotes(chosen["text"].tolist(), n=len(chosen), mask=False,
                               min_words=1, max_chars=max_chars, name_like=name_like))
        chosen = chosen[chosen["text"].isin(safe)]
        chosen = chosen.drop_duplicates("interview_id").drop_duplicates("text").head(per_theme)
        for row in chosen.to_dict("records"):
            label = ", ".join(str(row[c]) for c in attribution
                              if pd.notna(row[c]) and str(row[c]).strip())
            rows.append({"theme": theme, "quote": row["text"], "attribution": label})
    return pd.DataFrame(rows, columns=["theme", "quote", "attribution"])
