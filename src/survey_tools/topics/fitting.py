"""The topic model's algorithm, as free functions: from embedded answers to named topics.

:meth:`TopicModel.fit <survey_tools.topics.model.TopicModel.fit>` prepares the answers
(kinds, languages, vectors) and calls :func:`fit_topics`, which returns the fitted
attributes (as scikit-learn's ``KMeans.fit`` calls ``k_means``-like functions and keeps
what they return). The steps: centre and reduce (:mod:`~survey_tools.topics.geometry`),
cluster, move outliers, merge by the analyst's edits, words
(:mod:`~survey_tools.topics.words`), labels (:mod:`~survey_tools.topics.naming`).
"""

from __future__ import annotations

import time
from functools import partial

import numpy as np

from survey_tools.topics import geometry as geo
from survey_tools.topics.words import top_words, words_in_language

__all__ = ["check_n_topics", "edit_notes", "fit_topics", "fitted_encoder", "label_words_of",
           "no_topics", "stop_languages", "tick"]


def stop_languages(language: str, languages) -> tuple:
    """Return the languages whose stop words leave the topic words.

    All the languages told apart, and `language` when it is another.
    """
    extra = () if language in ("auto", *languages) else (language,)
    return (*languages, *extra)


def fitted_encoder(model, docs, *, cache_dir=None) -> tuple[object, list[str]]:
    """Return the encoder for `model`, fitted on `docs` when it learns from a corpus, and notes.

    An encoder that learns from a corpus (``"fast"``, ``"tfidf"``) is refitted on every
    fit's answers (:func:`~survey_tools.nlp.embeddings.fit_encoder`); the notes say when the
    multilingual default is not installed, and what the encoder decided while fitting.
    """
    from survey_tools.nlp.embeddings import describe_encoder, fit_encoder

    encoder = fit_encoder(model, docs, refit=True, cache_dir=cache_dir)
    note = describe_encoder(encoder)["note"]
    return encoder, [*([note] if note else []), *getattr(encoder, "notes_", [])]


def label_words_of(model):
    """Return ``describe(docs, topics)``: a fitted model's words in its label language."""
    return partial(words_in_language, doc_languages=model.doc_languages_,
                   label_language=model.label_language_, languages=model.languages,
                   vectorizer=model.vectorizer_,
                   describe=partial(top_words, vectorizer=model.vectorizer_,
                                    top_n=model.top_n_words, coherence=model.word_coherence))


def no_topics(docs, *, outlier_label: str) -> tuple[dict, list[str]]:
    """Return the fitted attributes when there are too few answers, and the note."""
    note = ("no answers to model: every row is empty or a non-answer" if not docs
            else f"only {len(docs)} answers to model: all are outliers")
    fitted = {"topic_words_": {}, "labels_": {-1: outlier_label}, "n_topics_": 0,
              "label_words_": {}, "foreign_labels_": [], "stability_": {}, "edit_log_": [],
              "merged_": {}, "merged_names_": {}, "reduced_": np.zeros((len(docs), 0)),
              "topics": np.full(len(docs), -1, dtype=int),
              "scores": np.full(len(docs), np.nan)}
    return fitted, [note]


def tick(timings: dict, step: str, since: float) -> float:
    """Add the seconds since `since` to ``timings[step]``; return the time now."""
    now = time.perf_counter()
    timings[step] = round(timings.get(step, 0.0) + now - since, 3)
    return now


def fit_topics(docs, emb, *, params: dict, doc_languages, label_language: str, edits,
               min_size: int, encoder, notes: list, timings: dict) -> dict:
    """Cluster the embedded answers into topics and name them; return the fitted attributes.

    Parameters
    ----------
    docs : list of str
        The answers to model (at least 5).
    emb : ndarray
        Their vectors.
    params : dict
        The model's parameters (``get_params()``).
    doc_languages : ndarray
        Each answer's language.
    label_language : str
        The language of the labels.
    edits : TopicEdits
        The analyst's merges and names, in the label language.
    min_size : int
        The minimum topic size.
    encoder : object
        The model's fitted encoder: it embeds the seeds and the label phrases (with the
        parameters' ``cache_dir`` and ``progress``).
    notes, timings : list, dict
        Appended to: what was decided, seconds per step (``reduce``, ``cluster``,
        ``words``).

    Returns
    -------
    dict
        The fitted attributes (names ending in ``_``), and ``topics`` and ``scores`` per
        answer.
    """
    from sklearn.base import clone

    from survey_tools.nlp.embeddings import embed as embed_texts
    from survey_tools.nlp.pii import name_like_words
    from survey_tools.topics.cluster import AutoKMeans, cluster_memory
    from survey_tools.topics.vocab import topic_vectorizer

    p = params
    embed = partial(embed_texts, model=encoder, cache_dir=p["cache_dir"], progress=p["progress"])
    if p["clusterer"] is None and not isinstance(p["n_topics"], str):
        notes.extend(check_n_topics(p["n_topics"], len(docs), min_size))
    out = {"name_like_words_": sorted(name_like_words(docs))}  # never name a topic
    clock = time.perf_counter()
    X, reduced, out["reducer_"], overall, means = geo.reduce_answers(
        emb, docs, doc_languages, per_language=p["language"] == "auto", reducer=p["reducer"],
        seed=p["seed"])
    out.update(reduced_=reduced, global_mean_=overall, language_means_=means)
    seeds = geo.seed_vectors(embed([" ".join(map(str, w)) for w in p["seed_topics"].values()]),
                             out["reducer_"], overall) if p["seed_topics"] else None
    clock = tick(timings, "reduce", clock)
    stop = stop_languages(p["language"], p["languages"])
    out["vectorizer_"] = p["vectorizer"] if p["vectorizer"] is not None else topic_vectorizer(
        len(docs), languages=stop,
        extra_stop_words=[*p["extra_stop_words"], *out["name_like_words_"]])
    out["clusterer_"] = clone(p["clusterer"]) if p["clusterer"] is not None else AutoKMeans(
        p["n_topics"], min_cluster_size=min_size, init_centers=seeds, random_state=p["seed"],
        memory=cluster_memory(p["cache_dir"]))  # fitted once for these vectors
    topics, out["cluster_to_topic_"], per_cluster = geo.cluster_topics(out["clusterer_"],
                                                                       reduced)
    out["cluster_stability_"] = per_cluster
    if p["reduce_outliers"]:
        topics = geo.move_outliers(reduced, topics, geo.centroids(reduced, topics))
    topics, merged, merged_names, parts, log = apply_edits(edits, topics, docs, reduced,
                                                           seed=p["seed"])
    notes.extend(edit_notes(log))
    centres = geo.centroids(reduced, topics)
    seed_names = geo.match_seeds(seeds, centres, list(p["seed_topics"] or ()))
    scores = geo.similarity_scores(reduced, topics, centres)[0]
    stability = geo.merged_stability(per_cluster, merged, topics)
    out.update(merged_=merged, merged_names_=merged_names, centroids_=centres,
               seed_topic_of_=seed_names, n_topics_=len(centres),
               stability_={t: s for t, s in stability.items() if t not in parts})
    clock = tick(timings, "cluster", clock)
    out.update(_words_and_labels(docs, X, topics, scores, out, p, notes=notes, log=log,
                                 doc_languages=doc_languages, label_language=label_language,
                                 edits=edits, embed=embed, stop=stop))
    tick(timings, "words", clock)
    return {**out, "topics": topics, "scores": scores}


def _words_and_labels(docs, X, topics, scores, out, p, *, notes, log, doc_languages,
                      label_language, edits, embed, stop) -> dict:
    """Return the topics' words, labels, foreign labels and the edit log."""
    from survey_tools.topics.naming import name_topics, phrase_labels
    from survey_tools.topics.vocab import person_names, stop_words

    describe = partial(top_words, vectorizer=out["vectorizer_"], top_n=p["top_n_words"],
                       coherence=p["word_coherence"])
    words = describe(docs, topics)
    if words and not any(words.values()):
        notes.append("the topic words could not describe the topics: no word is left after "
                     "stop words")

    embed_phrases = partial(geo.embed_centred, embed=embed, language=label_language,
                            overall=out["global_mean_"], means=out["language_means_"],
                            width=X.shape[1])
    phrases, foreign = phrase_labels(
        docs, X, topics, doc_languages, scores, lang=label_language, embed=embed_phrases,
        stop_words=stop_words(stop, extra=p["extra_stop_words"]),
        blocked=[*person_names(), *out["name_like_words_"]])
    if foreign:
        notes.append(f"topics {foreign} have fewer than three answers in {label_language!r}: "
                     "their labels come from answers in any language")
    labels, foreign, named = name_topics(
        words, phrases, docs, topics, edits=edits, merged_names=out["merged_names_"],
        seed_names=out["seed_topic_of_"] if p["seed_topics"] else {}, foreign=foreign,
        outlier_label=p["outlier_label"])
    notes.extend(edit_notes(named))
    label_words = words_in_language(docs, topics, doc_languages=doc_languages,
                                    label_language=label_language, languages=p["languages"],
                                    vectorizer=out["vectorizer_"], describe=describe,
                                    everything=words)
    return {"topic_words_": words, "labels_": labels, "foreign_labels_": foreign,
            "edit_log_": [*log, *named], "label_words_": label_words}


def apply_edits(edits, topics, docs, reduced, *, seed: int):
    """Apply the merges, splits and themes that are not themes of `edits`, in that order.

    Returns ``(topics, merged, merged_names, split_parts, log)``: the names are applied
    later, with the labels. A split theme's parts have no stability (the clustering's
    resampling did not see them).
    """
    from survey_tools.topics.edits import (
        apply_merges,
        apply_not_themes,
        apply_splits,
        topic_members,
    )

    log, merged, merged_names, parts = [], {}, {}, {}
    if edits.merge:
        topics, merged, merged_names, log = apply_merges(edits, topics,
                                                         topic_members(docs, topics))
    if edits.splits:
        topics, split, more = apply_splits(edits, topics, topic_members(docs, topics),
                                           reduced, seed=seed)
        parts = {t for new in split.values() for t in new}
        log += more
    if edits.not_themes:
        topics, more = apply_not_themes(edits, topics, topic_members(docs, topics))
        log += more
    return topics, merged, merged_names, parts, log


def edit_notes(log) -> list[str]:
    """Return a note for each edit in `log` that was not applied."""
    return [f"edits: the {row['edit']} of {row['themes']} was not applied ({row['reason']})"
            for row in log if row["status"] != "applied"]


def check_n_topics(n_topics: int, n: int, min_size: int) -> list[str]:
    """Refuse more topics than answers; return a note when most would be too small."""
    most = n // min_size
    if n_topics > n:
        from survey_tools.errors import SurveyInputError

        raise SurveyInputError(
            f"{n_topics:,} topics were asked for, but there are only {n:,} answers to model",
            hint=f"ask for fewer topics (--n-topics; at most {most} can reach the minimum "
                 f"size of {min_size} answers), or 'auto'")
    if n_topics > most:
        return [f"{n_topics} topics were asked for, but {n:,} answers allow at most {most} "
                f"of the minimum size ({min_size} answers); smaller ones are outliers"]
    return []
