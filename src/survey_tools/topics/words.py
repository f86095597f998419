"""A topic's words: c-TF-IDF re-ranked by coherence, from the answers in the report language.

Free functions that :class:`~survey_tools.topics.model.TopicModel` calls for
``topic_words_`` and ``label_words_``, and the small rules of the answers' languages.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from survey_tools.nlp.language import UNDETERMINED

__all__ = ["label_from_words", "main_language", "own_words", "quoted_words",
           "short_answer_languages", "top_words", "words_in_language"]


def top_words(docs, topics, vectorizer, *, top_n: int = 10,
              coherence: float = 0.5) -> dict[int, list[tuple]]:
    """Return each topic's words, as ``topic_words_`` and ``top_words`` show them.

    The topic's best c-TF-IDF words (``max(30, 3 * top_n)`` candidates) re-ranked so that
    the chosen words also occur in the same answers
    (:func:`~survey_tools.topics.metrics.coherent_words`); `coherence` 0 keeps plain
    c-TF-IDF order.
    """
    from survey_tools.topics.metrics import coherent_words, topic_words

    n_candidates = max(30, 3 * top_n) if coherence else top_n
    candidates = topic_words(docs, topics, vectorizer, top_n=n_candidates)
    return coherent_words(candidates, docs, vectorizer, top_n=top_n, weight=coherence)


def words_in_language(docs, topics, *, doc_languages, label_language: str, languages,
                      vectorizer, describe, everything=None) -> dict[int, list[tuple]]:
    """Return each topic's words from its answers in `label_language` (``label_words_``).

    A topic with fewer than three such answers gets the words of all its answers
    (`everything`, computed with ``describe(docs, topics)`` when not given), and a word
    the label language hardly writes is left out (:func:`own_words`).

    Parameters
    ----------
    docs, topics : sequence
        The modelled answers and their topics.
    doc_languages : sequence of str
        Each answer's language; ignored (all unknown) when its length is not that of `docs`.
    label_language : str
        The report language.
    languages : sequence of str
        The languages told apart.
    vectorizer : CountVectorizer
        The fitted topic vectorizer.
    describe : callable
        ``describe(docs, topics) -> {topic: [(word, weight), ...]}`` (:func:`top_words`
        with the model's settings).
    everything : dict, optional
        ``describe(docs, topics)``, when computed already.
    """
    everything = describe(docs, topics) if everything is None else everything
    langs = doc_languages if len(doc_languages) == len(docs) else [UNDETERMINED] * len(docs)
    same = short_answer_languages(docs, langs) == label_language
    if not same.any():
        return everything
    topics = np.asarray(topics)
    words = own_words(describe([d for d, keep in zip(docs, same, strict=True) if keep],
                               topics[same]), docs, label_language=label_language,
                      languages=languages, vectorizer=vectorizer)
    enough = {t for t, n in zip(*np.unique(topics[same], return_counts=True), strict=True)
              if n >= 3}
    return {t: (words.get(t) or ws) if t in enough else ws for t, ws in everything.items()}


def own_words(words: dict, docs, *, label_language: str, languages, vectorizer) -> dict:
    """Leave out the words the label language hardly writes (a chat mixes languages).

    Each sentence's language is detected; a word stays when its share of the
    label language's sentences is at least a fifth of its share of the others'
    ("data", "gdpr" stay in both; "känner" leaves an English chat's words).
    """
    from sklearn.base import clone

    from survey_tools.nlp.language import detect_languages

    sentences = [p for d in docs for p in re.split(r"(?<=[.!?])\s+|\n+", str(d)) if p.strip()]
    langs = detect_languages(sentences, languages=tuple(languages)).to_numpy()
    same, other = langs == label_language, ~np.isin(langs, [label_language, UNDETERMINED])
    if not same.any() or not other.any():
        return words
    vec = clone(vectorizer).set_params(binary=True)
    try:
        used = vec.fit_transform(sentences)
    except ValueError:  # nothing left after stop words
        return words
    ours, theirs = (np.asarray(used[rows].mean(axis=0)).ravel() for rows in (same, other))
    vocab = vec.vocabulary_

    def written(phrase: str) -> bool:  # and each of its words ("känner feel")
        return all(w not in vocab or ours[vocab[w]] >= theirs[vocab[w]] / 5
                   for w in (phrase, *phrase.split()))

    return {t: [(w, v) for w, v in ws if written(w)] for t, ws in words.items()}


def short_answer_languages(docs, langs) -> np.ndarray:
    """Return the answers' languages, those of short answers guessed.

    By the answers that use their words
    (:func:`~survey_tools.topics.labels.guess_short_languages`), else the answers' main
    language.
    """
    from survey_tools.topics.labels import guess_short_languages

    langs = guess_short_languages(docs, langs, unknown=UNDETERMINED)
    main = main_language(pd.Series(langs), "auto")
    return np.where(langs == UNDETERMINED, main, langs)


def main_language(langs: pd.Series, language: str) -> str:
    """Return the most common language among `langs` ("sv" on a tie or when none is known).

    Examples
    --------
    >>> main_language(pd.Series(["en", "sv", "en", "und"]), "auto")
    'en'
    >>> main_language(pd.Series(["und"]), "en")
    'en'
    """
    if language != "auto":
        return language
    counts = langs[langs != UNDETERMINED].value_counts()
    if counts.empty or (len(counts) > 1 and counts.iloc[0] == counts.iloc[1]):
        return "sv"
    return str(counts.index[0])


def quoted_words(words: str, quote: bool) -> str:
    """Return `words` in «…» when `quote` (words of answers in another language)."""
    return f"«{words}»" if quote and words else words


def label_from_words(words, n: int = 3) -> str:
    """Join the first `n` topic words that do not repeat a word already chosen.

    Examples
    --------
    >>> label_from_words(["data", "data scientists", "scientists", "råd", "dela"])
    'data, scientists, råd'
    """
    chosen, used = [], set()
    for term in words:
        tokens = set(term.split())
        if tokens & used:
            continue
        chosen.append(term)
        used |= tokens
        if len(chosen) == n:
            break
    return ", ".join(chosen)
