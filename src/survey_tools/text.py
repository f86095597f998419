"""Sort open answers into real answers, empty answers and non-answers ("vet ej", "-", "idk")."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from survey_tools.resources import load_yaml

__all__ = ["ANSWER", "EMPTY", "NON_ANSWER", "as_texts", "normalize_answer", "answer_kind",
           "non_answers"]

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
