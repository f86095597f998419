"""Name the topics: phrases from their own answers, seeds, the analyst's names, quoting.

Free functions that :class:`~survey_tools.topics.model.TopicModel` calls after
clustering (see :mod:`survey_tools.topics.labels` for how phrases are chosen).
"""

from __future__ import annotations

import numpy as np

from survey_tools.nlp.vectors import unit_rows

__all__ = ["name_topics", "phrase_labels"]


def phrase_labels(docs, X, topics, langs, scores, *, lang: str, embed, stop_words,
                  blocked) -> tuple[dict[int, str], list[int]]:
    """Return labels from the topics' own phrases in `lang`, and the topics without enough.

    Parameters
    ----------
    docs, topics : sequence
        The modelled answers and their topics.
    X : ndarray
        The answers' centred vectors (the topics' centres are their means).
    langs : sequence of str
        Each answer's detected language.
    scores : ndarray
        Each answer's closeness to its topic's centre (NaN where none).
    lang : str
        The label language.
    embed : callable
        ``embed(phrases) -> unit vectors`` in the space of `X`, or None when phrases
        cannot be embedded there.
    stop_words, blocked : collection of str
        See :func:`~survey_tools.topics.labels.topic_labels`.

    Returns
    -------
    tuple
        ``({topic: label}, topics with fewer than three answers in lang)``.
    """
    from survey_tools.nlp.answers import all_is_well_label, says_all_is_well
    from survey_tools.topics.labels import topic_labels
    from survey_tools.topics.words import short_answer_languages

    ids = [t for t in np.unique(topics) if t != -1]
    if not ids:
        return {}, []
    centres = {int(t): unit_rows(X[topics == t].mean(axis=0, keepdims=True))[0] for t in ids}
    # Answers too short to tell their language ("Budget", "Money") get the language of
    # the answers that use their words, so a one-word English answer does not name a
    # Swedish topic; those still unknown ("Ekonomi") the answers' main language.
    labels, other = topic_labels(
        docs, topics, centres=centres, embed=embed, lang=lang,
        doc_languages=short_answer_languages(docs, langs),
        closeness=np.nan_to_num(scores, nan=-1.0), stop_words=stop_words, blocked=blocked,
        all_is_well=says_all_is_well(docs), all_is_well_label=all_is_well_label(lang))
    return labels, sorted(int(t) for t in other)


def name_topics(words: dict, phrases: dict, docs, topics, *, seed_names: dict, edits,
                merged_names: dict, foreign, outlier_label: str):
    """Return the topics' final labels, the foreign ones left, and the log of the edits.

    A topic is named by its phrase, else its first words, else ``topic N``; a seeded
    topic by its seed; then the analyst's names (edits, matched by content). A topic
    whose label comes from answers in another language (`foreign`) is quoted «…» unless
    the analyst or a seed named it; topic -1 is `outlier_label`.

    Returns
    -------
    tuple
        ``(labels, foreign topics still quoted, edit log rows)``.
    """
    from survey_tools.topics.edits import apply_labels, topic_members
    from survey_tools.topics.words import label_from_words

    labels = {t: phrases.get(t) or label_from_words([w for w, _ in ws]) or f"topic {t}"
              for t, ws in words.items()}
    labels.update({t: name for t, name in seed_names.items() if t in labels})
    made = dict(labels)
    log = apply_labels(edits, labels, topic_members(docs, topics), merged_names)
    # a name the analyst gave (or a seed's) is in the report language
    named = {t for t in labels if made[t] != labels[t]} | set(seed_names)
    foreign = [t for t in foreign if t not in named]
    for t in foreign:  # the answers' words, quoted as answers are
        labels[t] = f"«{labels[t]}»"
    labels[-1] = outlier_label
    return labels, foreign, log
