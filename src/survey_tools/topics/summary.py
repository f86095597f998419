"""The fitted topic table: one row per topic with its size, stability, words and quotes.

Built by :class:`~survey_tools.topics.model.TopicModel` at the end of a fit (its
``topics_``); quotes are picked among the answers closest to the topic's centre, in the
label language first, masked (:mod:`survey_tools.nlp.quotes`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from survey_tools.topics.cluster import STABLE_JACCARD

__all__ = ["TOPIC_COLUMNS", "quote_candidates", "topic_table"]

TOPIC_COLUMNS = ["topic", "label", "size", "share", "stability", "stable", "top_words",
                 "in_language", "quotes"]


def quote_candidates(members, scores, *, doc_languages, label_language: str,
                     n_quotes: int) -> list[int]:
    """Return the answers a topic may be quoted with, in the order they are tried.

    The topic's answers closest to its centre (the closest quarter, at least
    ``3 * n_quotes``), those in the label language first, each group by closeness.

    Examples
    --------
    >>> quote_candidates(np.array([0, 1, 2, 3]), [0.1, 0.9, 0.5, 0.7],
    ...                  doc_languages=["sv", "en", "sv", "sv"], label_language="sv",
    ...                  n_quotes=1)
    [3, 2, 1]
    """
    ranked = members[np.argsort(-np.asarray(scores)[members], kind="stable")]
    closest = ranked[:max(3 * n_quotes, int(np.ceil(len(members) / 4)))]
    same = [int(i) for i in closest if doc_languages[i] == label_language]
    return same + [int(i) for i in closest if doc_languages[i] != label_language]


def topic_table(docs, topics, scores, *, labels: dict, stability: dict, label_words: dict,
                foreign, doc_languages, label_language: str, n_quotes: int,
                mask: bool = True) -> pd.DataFrame:
    """Return the topic table (``topics_``): the topics by number, outliers last.

    Parameters
    ----------
    docs, topics, scores : sequence
        The modelled answers, their topics (-1 outliers) and closeness to the centre.
    labels, stability, label_words : dict
        Per topic: its label, its stability, its words in the label language.
    foreign : collection of int
        Topics named from answers in another language: their words are quoted «…».
    doc_languages : sequence of str
        Each answer's language (quotes in `label_language` first).
    n_quotes : int
        Quotes per topic.
    mask : bool
        Mask personal data in the quotes.

    Returns
    -------
    DataFrame
        ``topic, label, size, share, stability, stable, top_words, in_language, quotes``;
        ``share`` is the percentage of `docs`.
    """
    from survey_tools.nlp.pii import name_like_words
    from survey_tools.nlp.quotes import pick_quotes
    from survey_tools.topics.words import quoted_words

    n = max(len(docs), 1)
    rows = []
    ids = [t for t in sorted(set(topics.tolist())) if t != -1]
    # words any answer writes like a name, or that only ever start an answer's sentence
    unquotable = name_like_words(docs, starts=True)
    for t in [*ids, -1] if (topics == -1).any() else ids:
        members = np.flatnonzero(topics == t)
        pool = quote_candidates(members, scores, doc_languages=doc_languages,
                                label_language=label_language, n_quotes=n_quotes)
        quotes = pick_quotes([docs[i] for i in pool], n=n_quotes, mask=mask,
                             name_like=unquotable) if t != -1 else []
        value = stability.get(int(t), np.nan)
        rows.append({
            "topic": int(t), "label": labels[t], "size": int(len(members)),
            "share": 100 * len(members) / n, "stability": value,
            "stable": bool(value >= STABLE_JACCARD) if t != -1 else pd.NA,
            "top_words": quoted_words(", ".join(w for w, _ in label_words.get(t, [])),
                                      t in foreign),
            "in_language": t == -1 or t not in foreign,
            "quotes": quotes,
        })
    return pd.DataFrame(rows, columns=TOPIC_COLUMNS)
