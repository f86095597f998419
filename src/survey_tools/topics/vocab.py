"""Stop words (Swedish + English) and the vectorizer that picks topic words."""

from __future__ import annotations

from survey_tools.resources import load_yaml

__all__ = ["person_names", "stop_words", "topic_vectorizer"]

# Letters only (Unicode, so å, ä, ö count), at least two of them.
TOKEN_PATTERN = r"(?u)\b[^\W\d_][^\W\d_]+\b"


def stop_words(languages=("sv", "en"), *, extra=()) -> list[str]:
    """Return the stop words of `languages` (sorted), plus `extra`.

    English starts from scikit-learn's list; Swedish and the survey fillers of both
    languages come from ``resources/stopwords.yaml``.

    Examples
    --------
    >>> words = stop_words(["sv"])
    >>> "och" in words, "budget" in words
    (True, False)
    """
    table = load_yaml("stopwords.yaml")
    words = set(extra)
    for lang in languages:
        if lang == "en":
            from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

            words |= set(ENGLISH_STOP_WORDS)
        words |= set(table.get(lang, []))
    return sorted(str(w).casefold() for w in words)


def person_names() -> list[str]:
    """Return the first names and surnames of the name gazetteers, lower case.

    They are kept out of topic words and labels, so a person's name never names a topic.
    English names that are also everyday words ("will", "grace", "young") stay words.

    Examples
    --------
    >>> names = person_names()
    >>> "anna" in names, "natasha" in names, "grace" in names
    (True, True, False)
    """
    sv, en = load_yaml("names_sv.yaml"), load_yaml("names_en.yaml")
    words = set(en["ambiguous"])
    english = [n for n in [*en["first_names"], *en["surnames"]] if n not in words]
    return sorted({n.casefold() for n in [*sv["first_names"], *sv["surnames"], *english]})


def topic_vectorizer(n_docs: int, *, languages=("sv", "en"), extra_stop_words=(),
                     ngram_range=(1, 2)):
    """Return the CountVectorizer used for topic words, sized to the corpus.

    Stop words are removed here only, never before embedding, so the embedding model
    still sees whole sentences. The first names and surnames of the name gazetteers
    (``resources/names_sv.yaml``, ``names_en.yaml``) are removed too, so a person's name
    never becomes a topic word or label (the topic model also removes the words its answers
    write like names, :func:`survey_tools.nlp.pii.name_like_words`). Words must occur in at
    least 2 answers (5 above 5,000 answers) so one respondent's spelling does not become a
    topic word.

    Parameters
    ----------
    n_docs : int
        Number of answers modelled.
    languages : sequence of str
        Whose stop words to remove.
    extra_stop_words : sequence of str
        More words to remove (e.g. words of the question itself).
    ngram_range : tuple
        Word n-grams; bigrams help with Swedish compounds written apart.
    """
    from sklearn.feature_extraction.text import CountVectorizer

    min_df = 1 if n_docs < 20 else (2 if n_docs <= 5000 else 5)
    people = person_names()
    return CountVectorizer(stop_words=stop_words(languages, extra=[*extra_stop_words, *people]),
                           token_pattern=TOKEN_PATTERN, ngram_range=tuple(ngram_range),
                           min_df=min_df, lowercase=True, strip_accents=None)
