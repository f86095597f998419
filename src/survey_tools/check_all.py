"""Check-all questions ("tick all that apply"): one column per option.

Survey tools export them in three shapes: 1/0 per option (read as numbers), a word such
as "Selected" or "Vald" and blank, or the option's own text and blank under headers
like ``"Vilka verktyg använder ni? - Excel"``. The words and header separators are data
(``resources/check_all.yaml``).
"""

from __future__ import annotations

import re

from survey_tools.resources import load_yaml

__all__ = ["split_header", "is_tick_column", "to_ticks", "question_and_options"]

_BRACKETS = re.compile(r"^(?P<question>.+?)\s*\[(?P<option>[^\[\]]+)\]\s*$")


def _words(key: str) -> frozenset:
    return frozenset(_norm(w) for w in load_yaml("check_all.yaml")[key])


def _norm(value) -> str:
    return " ".join(str(value).split()).casefold()


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
    cuts = [(name.find(sep), sep) for sep in load_yaml("check_all.yaml")["separators"]
            if 0 < name.find(sep) < len(name) - len(sep)]
    if not cuts:
        return None
    at, sep = min(cuts)
    return name[:at].strip(), name[at + len(sep):].strip()


def is_tick_column(values, name) -> bool:
    """Whether a text column is one option of a check-all question.

    True when its answers are a single "ticked" value (a word such as ``Selected``, or
    the option's text from the header), optionally beside a "not ticked" word, with the
    rest blank.

    Examples
    --------
    >>> import pandas as pd
    >>> is_tick_column(pd.Series(["Selected", None, "Selected"]), "Tools - Excel")
    True
    >>> is_tick_column(pd.Series(["Excel", None, None]), "Vilka verktyg? - Excel")
    True
    >>> is_tick_column(pd.Series(["Excel", "Word", None]), "Vilket verktyg?")
    False
    """
    seen = {_norm(v) for v in values.dropna().astype(str) if str(v).strip()}
    ticked = seen - _words("not_selected")
    if len(ticked) != 1:
        return False
    (value,) = ticked
    if value in _words("selected"):
        return True
    parts = split_header(name)
    return parts is not None and _norm(parts[1]) == value


def to_ticks(s):
    """Return a check-all option column as ``Int64``: 1 ticked, 0 not ticked, else missing.

    A "not ticked" word (``Not selected``, ``Ej vald``) becomes 0. A blank stays
    missing: the tool does not say whether the respondent skipped the question or left
    this option out, so the question's base is decided over all its options
    (:func:`survey_tools.tables.multi_response_table`).

    Examples
    --------
    >>> import pandas as pd
    >>> to_ticks(pd.Series(["Vald", None, "Ej vald"], name="Verktyg - Excel")).tolist()
    [1, <NA>, 0]
    """
    import pandas as pd

    off = _words("not_selected")
    out = s.map(lambda v: None if pd.isna(v) or not str(v).strip()
                else (0 if _norm(v) in off else 1))
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
    if None in parts.values() or len(questions) != 1 or len(shown) < 1:
        return None, shown
    (question,) = questions
    if not any(re.search(r"[\s?]", text) for text in shown.values()):
        return None, shown  # variable names (act_webinar), not a question and its options
    return question, {h: p[1] for h, p in parts.items()}
