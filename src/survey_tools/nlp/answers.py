"""Sort open answers into real answers, empty answers and non-answers ("vet ej", "-", "idk")."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import numpy as np
import pandas as pd

from survey_tools.resources import load_yaml

__all__ = ["ANSWER", "EMPTY", "NON_ANSWER", "as_texts", "normalize_answer", "answer_kind",
           "non_answers", "says_all_is_well", "all_is_well_label"]

ANSWER = "answer"
EMPTY = "empty"
NON_ANSWER = "non-answer"

_PUNCT = re.compile(r"[^\w\s]+")
_SPACE = re.compile(r"\s+")


def as_texts(values, *, missing=None) -> pd.Series:
    """Return `values` as answers: an object Series indexed ``0..n-1``.

    Text stays as it is, other values become text (``12`` → ``"12"``) and missing values
    (None, NaN, ``pd.NA``) become `missing`. Every model, coder and engine takes its
    answers through this, so all of them see the same text for the same cell.

    Examples
    --------
    >>> as_texts(["Budget", 12, None, float("nan")]).tolist()
    ['Budget', '12', None, None]
    >>> as_texts(["Budget", None], missing="").tolist()
    ['Budget', '']
    """
    return pd.Series([missing if _missing(v) else v if isinstance(v, str) else str(v)
                      for v in values], dtype=object)


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def normalize_answer(text) -> str:
    """Return `text` lower-cased, NFC-normalized, without punctuation and extra spaces.

    Examples
    --------
    >>> normalize_answer("  Vet  ej. ")
    'vet ej'
    """
    if _missing(text):
        return ""
    s = unicodedata.normalize("NFC", str(text)).casefold()
    s = _PUNCT.sub(" ", s.replace("'", "").replace("’", ""))
    return _SPACE.sub(" ", s).strip()


def non_answers(extra=()) -> frozenset[str]:
    """Return the normalized non-answer phrases of every language, plus `extra`."""
    phrases = [p for words in load_yaml("nonanswers.yaml").values() for p in words]
    return frozenset(normalize_answer(p) for p in [*phrases, *extra])


def answer_kind(texts, *, extra_non_answers=()) -> pd.Series:
    """Classify each answer as ``"answer"``, ``"empty"`` or ``"non-answer"``.

    Parameters
    ----------
    texts : sequence of str
        Open answers; missing values count as empty.
    extra_non_answers : sequence of str
        More phrases to treat as non-answers (matched like the built-in list in
        ``resources/nonanswers.yaml``).

    Returns
    -------
    Series
        One label per answer, same index as `texts` when it is a Series.

    Examples
    --------
    >>> answer_kind(["Budgeten räcker inte", "vet ej", "  ", None, "-", "n/a"]).tolist()
    ['answer', 'non-answer', 'empty', 'empty', 'non-answer', 'non-answer']
    """
    s = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    known = non_answers(extra_non_answers)
    kinds = []
    for value in s:
        if _missing(value) or not str(value).strip():
            kinds.append(EMPTY)
            continue
        norm = normalize_answer(value)
        has_letters = any(ch.isalpha() for ch in norm)
        kinds.append(NON_ANSWER if (not has_letters or norm in known) else ANSWER)
    return pd.Series(kinds, index=s.index, dtype=object)


@cache
def _all_is_well():
    table = load_yaml("content_free.yaml")
    alternatives = [f"(?:{p})" for patterns in table["patterns"].values() for p in patterns]
    return re.compile("(?:" + "|".join(alternatives) + ")")


def says_all_is_well(texts) -> np.ndarray:
    """Return, per answer, whether it says there is nothing to improve or that all is well.

    Such answers ("Nothing, everything was fine", "Inget, allt fungerar bra") are real
    answers (a satisfied respondent), but a theme made of them has no subject words; it is
    named by :func:`all_is_well_label`. The patterns (Swedish and English) are in
    ``resources/content_free.yaml``.

    Examples
    --------
    >>> says_all_is_well(["Nothing, all was great!", "No help with transport",
    ...                   "Inget, allt fungerar bra", "Inga pengar", None]).tolist()
    [True, False, True, False, False]
    """
    pattern = _all_is_well()
    return np.array([bool(pattern.search(normalize_answer(t))) for t in texts], dtype=bool)


def all_is_well_label(lang: str = "sv") -> tuple[str, float]:
    """Return the name of a theme of all-is-well answers in `lang`, and the share needed.

    Examples
    --------
    >>> all_is_well_label("en")
    ('Nothing to improve, all good', 0.35)
    """
    table = load_yaml("content_free.yaml")
    return table["label"].get(lang, table["label"]["en"]), float(table["share"])
