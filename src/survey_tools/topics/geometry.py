"""The topic model's geometry: language centring, topic centres, closeness, topic numbers.

Free functions that :class:`~survey_tools.topics.model.TopicModel` calls (as
scikit-learn keeps its algorithms in functions beside thin estimators). Everything here
runs in float64: float32 matrix products can differ in the last bits with the batch
size, so scores and topics would depend on how the rows were split.
"""

from __future__ import annotations

import collections

import numpy as np
import pandas as pd

from survey_tools.nlp.language import UNDETERMINED
from survey_tools.nlp.vectors import unit_rows

__all__ = ["centre_vectors", "centroids", "cluster_topics", "embed_centred", "language_means",
           "match_seeds", "merged_stability", "move_outliers", "number_by_size", "reduce_answers",
           "seed_vectors", "similarity_scores"]


def language_means(emb: np.ndarray, langs, *, per_language: bool) -> tuple[np.ndarray, dict]:
    """Return the mean vector of `emb` and, with `per_language`, of each language.

    With mixed Swedish and English answers the two languages sit in separate regions and
    clusters would split by language rather than by subject; subtracting each language's
    mean removes that direction. A language needs 5 answers, and two languages must be
    known, for means per language; answers of unknown language get the overall mean.

    Returns
    -------
    tuple
        ``(overall mean, {language: mean})``; the dict is empty without means per language.
    """
    overall = emb.mean(axis=0)
    means: dict = {}
    if per_language:
        known = [lg for lg in pd.unique(langs) if lg != UNDETERMINED]
        if len(known) > 1:
            means = {lg: emb[langs == lg].mean(axis=0) for lg in known
                     if (langs == lg).sum() >= 5}
    return overall, means


def centre_vectors(emb, langs, overall: np.ndarray, means: dict) -> np.ndarray:
    """Return `emb` (float64) minus its language's mean (or `overall`), as unit rows."""
    emb = np.asarray(emb, dtype=np.float64)
    if not means:
        return unit_rows(emb - overall)
    return unit_rows(emb - np.vstack([means.get(lg, overall) for lg in langs]))


def embed_centred(phrases, *, embed, language: str, overall: np.ndarray, means: dict,
                  width: int) -> np.ndarray | None:
    """Embed `phrases` (in `language`) into the centred space of the fitted answers.

    `embed` is the model's ``embed(texts) -> vectors``; None when its vectors are not
    `width` wide (answers given as embeddings of another model), so the phrases cannot be
    compared with the answers.
    """
    vectors = embed(list(phrases))
    if vectors.shape[1] != width:
        return None
    return centre_vectors(vectors, [language] * len(phrases), overall, means)


def centroids(reduced: np.ndarray, topics: np.ndarray) -> dict[int, np.ndarray]:
    """Return ``{topic: unit mean vector}`` of the answers of each topic (not outliers)."""
    return {int(t): unit_rows(reduced[topics == t].mean(axis=0, keepdims=True))[0]
            for t in np.unique(topics) if t != -1}


def similarity_scores(reduced: np.ndarray, topics: np.ndarray, centres: dict):
    """Return each answer's closeness to its topic's centre, all similarities, their topics.

    Returns
    -------
    tuple
        ``(score per answer, similarity matrix, topic ids of its columns)``; an outlier's
        score is its similarity to the nearest centre.
    """
    if not centres:
        return np.full(len(topics), np.nan), np.zeros((len(topics), 0)), []
    ids = sorted(centres)
    sims = unit_rows(reduced) @ np.vstack([centres[t] for t in ids]).T
    col = {t: j for j, t in enumerate(ids)}
    own = np.array([sims[i, col[t]] if t in col else sims[i].max()
                    for i, t in enumerate(topics)])
    return own, sims, ids


def move_outliers(reduced: np.ndarray, topics: np.ndarray, centres: dict) -> np.ndarray:
    """Return `topics` with each outlier moved to its most similar topic (similarity > 0)."""
    if not centres or not (topics == -1).any():
        return topics
    _, sims, ids = similarity_scores(reduced, topics, centres)
    best = np.asarray(ids)[sims.argmax(axis=1)]
    return np.where((topics == -1) & (sims.max(axis=1) > 0), best, topics)


def match_seeds(seeds, centres: dict, names) -> dict[int, str]:
    """Give each seed's name to the topic whose centre is closest to it (one-to-one).

    Parameters
    ----------
    seeds : ndarray or None
        One unit vector per seed, in the space of `centres`.
    centres : dict
        ``{topic: unit vector}``.
    names : sequence of str
        The seeds' names, in the order of `seeds`.

    Examples
    --------
    >>> match_seeds(np.eye(2), {0: np.array([0.0, 1.0]), 1: np.array([1.0, 0.0])},
    ...             ["budget", "law"])
    {1: 'budget', 0: 'law'}
    """
    named: dict[int, str] = {}
    if seeds is None or not centres:
        return named
    ids = sorted(centres)
    sims = seeds @ np.vstack([centres[t] for t in ids]).T
    taken: set = set()
    for s_idx in np.argsort(-sims.max(axis=1)):
        order = [ids[j] for j in np.argsort(-sims[s_idx]) if ids[j] not in taken]
        if order:
            taken.add(order[0])
            named[order[0]] = list(names)[s_idx]
    return named


def merged_stability(per_cluster: dict, merged: dict, topics: np.ndarray) -> dict:
    """Return each topic's stability: a merged topic is as stable as its least stable part.

    Examples
    --------
    >>> merged_stability({0: 0.9, 1: 0.6, 2: 0.8}, {1: 0}, np.array([0, 0, 2]))
    {0: 0.6, 2: 0.8}
    """
    out: dict[int, float] = {}
    for topic, value in per_cluster.items():
        target = merged.get(topic, topic)
        out[target] = min(out.get(target, np.inf), value)
    present = {int(t) for t in np.unique(topics) if t != -1}
    return {t: round(float(v), 4) for t, v in sorted(out.items()) if t in present}


def number_by_size(labels: np.ndarray) -> np.ndarray:
    """Renumber cluster labels 0, 1, ... from the largest cluster down (-1 stays).

    Exactly as BERTopic numbers its topics (``_sort_mappings_by_frequency``), ties included,
    so topic ids are the same as when BERTopic ran the clustering.

    Examples
    --------
    >>> number_by_size(np.array([5, 2, 2, -1, 5, 2])).tolist()
    [1, 0, 0, -1, 1, 0]
    """
    sizes = pd.DataFrame(collections.Counter(labels.tolist()).items(),
                         columns=["Old_Topic", "Size"]).sort_values("Size", ascending=False)
    sizes = sizes[sizes.Old_Topic != -1]
    mapping = {-1: -1, **dict(zip(sizes.Old_Topic, range(len(sizes)), strict=True))}
    return np.array([mapping[int(x)] for x in labels], dtype=int)


def reduce_answers(emb, docs, langs, *, per_language: bool, reducer=None, seed: int = 0):
    """Centre the answers' vectors by language and reduce them; the steps before clustering.

    Identical answers get identical rows (floating-point noise in the matrix product could
    otherwise split 1,000 copies of one answer across clusters).

    Parameters
    ----------
    emb : ndarray
        The answers' vectors.
    docs : sequence of str
        The answers.
    langs : sequence of str
        Their languages.
    per_language : bool
        Centre each language on its own mean (:func:`language_means`).
    reducer : estimator, optional
        Cloned and fitted; default PCA to 20 dimensions (fewer for tiny corpora), which is
        deterministic and needs no compilation.
    seed : int
        Seed of the default PCA.

    Returns
    -------
    tuple
        ``(centred vectors, reduced vectors, fitted reducer, overall mean, means)``.
    """
    from sklearn.base import clone
    from sklearn.decomposition import PCA

    emb = np.asarray(emb, dtype=np.float64)
    overall, means = language_means(emb, langs, per_language=per_language)
    X = centre_vectors(emb, langs, overall, means)
    reducer = clone(reducer) if reducer is not None else PCA(
        n_components=max(1, min(20, X.shape[0] - 1, X.shape[1])), svd_solver="full",
        random_state=seed)
    reduced = reducer.fit_transform(X)
    _, first, inverse = np.unique(np.asarray(docs, dtype=object).astype(str),
                                  return_index=True, return_inverse=True)
    return X, reduced[first][inverse.ravel()], reducer, overall, means


def cluster_topics(clusterer, reduced: np.ndarray):
    """Fit `clusterer`; return topics numbered by size as BERTopic numbers them (-1 outliers).

    Returns
    -------
    tuple
        ``(topic per answer, {cluster: topic}, {topic: stability})``; the stability is
        the clusterer's ``stability_`` per cluster (NaN without it).
    """
    raw = np.asarray(clusterer.fit(reduced).labels_, dtype=int)
    topics = number_by_size(raw)
    to_topic = {int(c): int(t) for c, t in zip(raw, topics, strict=True)}
    per_cluster = getattr(clusterer, "stability_", None)
    stability = {t: float(per_cluster[c]) if per_cluster is not None and c < len(per_cluster)
                 else float("nan") for c, t in to_topic.items() if t != -1}
    return topics, to_topic, stability


def seed_vectors(vectors, reducer, overall: np.ndarray) -> np.ndarray:
    """Return the seeds' `vectors` in the reduced space (centred on the overall mean)."""
    return unit_rows(reducer.transform(centre_vectors(vectors, [], overall, {})))
