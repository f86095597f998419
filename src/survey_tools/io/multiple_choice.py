"""Check-all questions ("tick all that apply"): one column per option.

Survey tools export them in four shapes: 1/0 per option (read as numbers), a word such
as "Selected" or "Vald" and blank, the option's own text and blank under headers like
``"Vilka verktyg använder ni? - Excel"``, or (Microsoft Forms) one column holding every
chosen option separated by ``;``, which :func:`split_choice_lists` turns into one column
per option. The words and header separators are data (``resources/multiple_choice.yaml``).
"""

from __future__ import annotations

import re
from collections import Counter

from survey_tools.io.scales import normalize_label
from survey_tools.resources import load_yaml

__all__ = ["split_header", "is_tick_column", "to_ticks", "question_and_options",
           "choice_list_options", "split_choice_lists"]

_BRACKETS = re.compile(r"^(?P<question>.+?)\s*\[(?P<option>[^\[\]]+)\]\s*$")


def _words(key: str) -> frozenset:
    return frozenset(normalize_label(w) for w in load_yaml("multiple_choice.yaml")[key])


def split_header(name) -> tuple[str, str] | None:
    """Return ``(question, option)`` of a header like ``"Question - Option"``, else None.

    Splits at the first separator (``" - "``, ``": "``, ``"_"`` …), or takes Google Forms'
    ``"Question [Option]"``.

    Examples
    --------
    >>> split_header("Vilka verktyg använder ni? - Excel")
    ('Vilka verktyg använder ni?', 'Excel')
    >>> split_header("Which tools do you use? [Power BI]")
    ('Which tools do you use?', 'Power BI')
    >>> split_header("act_webinar")
    ('act', 'webinar')
    >>> split_header("Kommentar") is None
    True
    """
    name = str(name)
    found = _BRACKETS.match(name)
    if found:
        return found["question"].strip(), found["option"].strip()
    cuts = [(name.find(sep), sep) for sep in load_yaml("multiple_choice.yaml")["separators"]
            if 0 < name.find(sep) < len(name) - len(sep)]
    if not cuts:
        return None
    at, sep = min(cuts)
    return name[:at].strip(), name[at + len(sep):].strip()


def is_tick_column(values, name) -> bool:
    """Whether a text column is one option of a check-all question.

    True when the header names a question and an option (``"Tools - Excel"``, see
    :func:`split_header`) and the answers are a single "ticked" value (a word such as
    ``Selected``, or the option's text), optionally beside a "not ticked" word, with the
    rest blank. A lone column of "X" answers under a plain header stays text.

    Examples
    --------
    >>> import pandas as pd
    >>> is_tick_column(pd.Series(["Selected", None, "Selected"]), "Tools - Excel")
    True
    >>> is_tick_column(pd.Series(["Excel", None, None]), "Vilka verktyg? - Excel")
    True
    >>> is_tick_column(pd.Series(["Excel", "Word", None]), "Vilket verktyg?")
    False
    >>> is_tick_column(pd.Series(["X"]), "svar")
    False
    """
    seen = {normalize_label(v) for v in values.dropna().astype(str) if str(v).strip()}
    ticked = seen - _words("not_selected")
    if len(ticked) != 1:
        return False
    (value,) = ticked
    parts = split_header(name)
    if parts is None:  # an option's header names its question: "Tools - Excel"
        return False
    return value in _words("selected") or normalize_label(parts[1]) == value


def to_ticks(s):
    """Return a check-all option column as ``Int64``: 1 ticked, 0 not ticked, else missing.

    A "not ticked" word (``Not selected``, ``Ej vald``) becomes 0. A blank stays
    missing: the tool does not say whether the respondent skipped the question or left
    this option out, so the question's base is decided over all its options
    (:func:`survey_tools.stats.tables.multi_response_table`).

    Examples
    --------
    >>> import pandas as pd
    >>> to_ticks(pd.Series(["Vald", None, "Ej vald"], name="Verktyg - Excel")).tolist()
    [1, <NA>, 0]
    """
    import pandas as pd

    off = _words("not_selected")
    out = s.map(lambda v: None if pd.isna(v) or not str(v).strip()
                else (0 if normalize_label(v) in off else 1))
    return out.astype("Int64")


def question_and_options(headers, labels: dict | None = None) -> tuple[str | None, dict]:
    """Return the question a check-all set asks and each column's option text.

    When every label (from `labels`, else the header) starts with the same question and a
    separator (``"Vilka verktyg? - Excel"``), the question is that text and each option
    what follows it. Otherwise the question is None and the options are the labels.

    Examples
    --------
    >>> question_and_options(["Verktyg? - Excel", "Verktyg? - Power BI"])
    ('Verktyg?', {'Verktyg? - Excel': 'Excel', 'Verktyg? - Power BI': 'Power BI'})
    >>> question_and_options(["act_webinar"], {"act_webinar": "Webbinarium"})
    (None, {'act_webinar': 'Webbinarium'})
    """
    labels = labels or {}
    shown = {h: str(labels.get(h, h)) for h in headers}
    parts = {h: split_header(text) for h, text in shown.items()}
    questions = {p[0] for p in parts.values() if p is not None}
    if None in parts.values() or len(questions) != 1:
        return None, shown
    (question,) = questions
    if not any(re.search(r"[\s?]", text) for text in shown.values()):
        return None, shown  # variable names (act_webinar), not a question and its options
    return question, {h: p[1] for h, p in parts.items()}


_MAX_OPTIONS = 30
_MAX_OPTION_LENGTH = 100


def choice_list_options(values) -> list[str] | None:
    """Return the options of a column of ``;``-separated choices, in first-seen order.

    Microsoft Forms exports a "choose several" question as one column, e.g.
    ``"Excel;Power BI;"``. A column counts as such when its answers are lists of at most
    30 short options separated by ``;``, at least two options and one answer with two or
    more, and either at least 5 answers all end with ``;`` (Forms' own mark) or at least
    10 answers, a tenth of them with several options, each option chosen at least
    twice. Else None: a few answers that happen to hold a ``;`` stay text.

    Examples
    --------
    >>> choice_list_options(["Excel;Power BI;", "Excel;", None, "R;Excel;", "R;", "R;"])
    ['Excel', 'Power BI', 'R']
    >>> choice_list_options(["A;"]) is None
    True
    >>> choice_list_options(["Bra; men för lång", "Dålig", "Ok"]) is None
    True
    """
    answers = [v.strip() for v in values if isinstance(v, str) and v.strip()]
    if not answers or not any(";" in a for a in answers):
        return None
    lists = [[part.strip() for part in a.split(";") if part.strip()] for a in answers]
    counts = Counter(part for parts in lists for part in parts)  # first-seen order
    if (not 2 <= len(counts) <= _MAX_OPTIONS or max(map(len, counts)) > _MAX_OPTION_LENGTH
            or not any(len(parts) > 1 for parts in lists)):
        return None
    forms = len(answers) >= 5 and all(a.endswith(";") for a in answers)
    several = (len(answers) >= 10 and sum(len(p) > 1 for p in lists) >= 0.1 * len(lists)
               and all(n >= 2 for n in counts.values()))
    return list(counts) if forms or several else None


def split_choice_lists(data, *, keep=(), path=None) -> tuple:
    """Replace each column of ``;``-separated choices by one 0/1 column per option.

    The new columns are named ``"<question> - <option>"`` and stand where the question
    stood: 1 chosen, 0 not chosen by a respondent who answered, missing for one who left
    the question blank (so the question's base is those who answered). Columns in `keep`
    (the id) are left alone.

    Returns
    -------
    data : DataFrame
        With the lists split (`data` itself when there is none).
    notes : list of str
        One line per column split.

    Raises
    ------
    SurveyInputError
        When an option's column name is already a column of `data`.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"Tools": ["Excel;R;", None, "R;", "R;", "Excel;", "R;"]})
    >>> split, notes = split_choice_lists(frame)
    >>> split.columns.tolist(), split["Tools - R"].tolist()
    (['Tools - Excel', 'Tools - R'], [1, <NA>, 1, 1, 0, 1])
    """
    import pandas as pd

    from survey_tools.errors import SurveyInputError

    parts, notes = [], []
    for col in data.columns:
        column = data[col]
        options = None if col in keep or column.dtype.kind in "biufcmM" \
            else choice_list_options(column.tolist())
        if options is None:
            parts.append(column)
            continue
        taken = [f"{col} - {o}" for o in options if f"{col} - {o}" in data.columns]
        if taken:  # two columns of one name would break every later step
            raise SurveyInputError(
                f"the column {col!r} lists choices separated by ';' (as Microsoft Forms "
                f"exports them), but the file already has a column {taken[0]!r}, the name "
                "its option would get", path=path, column=col,
                hint=f"rename {taken[0]!r} (or {col!r}) in the file")
        answered = column.map(lambda v: isinstance(v, str) and bool(v.strip()))
        chosen = column.map(lambda v: {p.strip() for p in v.split(";")} if isinstance(v, str)
                            else set())
        for option in options:
            ticks = chosen.map(lambda c, o=option: int(o in c)).where(answered, None)
            parts.append(ticks.astype("Int64").rename(f"{col} - {option}"))
        notes.append(f"column {col!r} lists several choices separated by ';' (as Microsoft "
                     f"Forms exports them): read as a check-all question with "
                     f"{len(options)} options, one column each ({col} - <option>)")
    return (pd.concat(parts, axis=1) if notes else data), notes
