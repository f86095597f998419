"""Detect the language of each open answer (Swedish, English, ...) offline with py3langid."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

__all__ = ["UNDETERMINED", "detect_languages", "languages_of"]

UNDETERMINED = "und"


@lru_cache(maxsize=8)
def _identifier(languages: tuple[str, ...]):
    """Return py3langid's identifier for `languages`, kept in the cache folder once built.

    Building it unpacks the model (LZMA) in about 1 s, in every process that detects a
    language: both kernels of a report, each test process. It is kept as the clusterings
    are (joblib's ``Memory``, in ``langid/`` of
    :func:`~survey_tools.nlp.embeddings.default_cache_dir`, about 70 MB, keyed by
    py3langid's version and model file); read back it takes about 0.1 s and classifies
    alike (tested). A kept file that cannot be read is built again; where the folder
    cannot be made, nothing is kept.
    """
    import py3langid
    from joblib import Memory
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    from survey_tools.nlp.embeddings import default_cache_dir

    key = (tuple(languages), py3langid.__version__, (MODEL_DIR / MODEL_FILE).stat().st_size)
    try:
        return Memory(default_cache_dir() / "langid", verbose=0).cache(_build_identifier)(*key)
    except OSError:  # a cache folder that cannot be made: build it, keep nothing
        return _build_identifier(*key)


def _build_identifier(languages: tuple[str, ...], version: str, size: int):
    """Return py3langid's identifier for `languages` (`version` and `size` key the cache)."""
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
