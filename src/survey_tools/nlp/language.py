"""Detect the language of each open answer (Swedish, English, ...) offline with py3langid."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

__all__ = ["UNDETERMINED", "detect_languages", "languages_of"]

UNDETERMINED = "und"


@lru_cache(maxsize=8)
def _identifier(languages: tuple[str, ...]):
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    ident.set_languages(list(languages))
    return ident


def languages_of(texts: pd.Series, *, language: str = "auto",
                 languages=("sv", "en")) -> pd.Series:
    """Return each answer's language: detected among `languages` with ``"auto"``, else `language`.

    Examples
    --------
    >>> languages_of(pd.Series(["a", "b"]), language="en").tolist()
    ['en', 'en']
    """
    if language == "auto":
        return detect_languages(texts, languages=languages)
    return pd.Series(language, index=texts.index, dtype=object)


def detect_languages(texts, *, languages=("sv", "en"), min_confidence: float = 0.7,
                     min_words: int = 2) -> pd.Series:
    """Return the language code of each answer, or ``"und"`` when it cannot be told.

    Parameters
    ----------
    texts : sequence of str
        The answers. Missing values get ``"und"``.
    languages : sequence of str
        ISO 639-1 codes to choose between (restricting the choice makes short answers far
        more reliable than an open-ended guess).
    min_confidence : float
        Below this probability the answer is ``"und"``.
    min_words : int
        Answers with fewer words are ``"und"``: one word ("Budget", "IT", "Data") is
        usually the same in both languages.

    Returns
    -------
    Series
        Language codes, same index as `texts` when it is a Series.

    Examples
    --------
    >>> detect_languages(["Vi saknar en strategi från ledningen",
    ...                   "We lack a strategy from management", "GDPR"]).tolist()
    ['sv', 'en', 'und']
    """
    s = texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)
    ident = _identifier(tuple(languages))
    out = []
    for value in s:
        if not isinstance(value, str) or len(value.split()) < min_words:
            out.append(UNDETERMINED)
            continue
        lang, conf = ident.classify(value)
        out.append(lang if conf >= min_confidence else UNDETERMINED)
    return pd.Series(out, index=s.index, dtype=object)
