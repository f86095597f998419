"""Topic quality measures: c-TF-IDF topic words, NPMI coherence, topic diversity, stability."""

from __future__ import annotations

import itertools

import numpy as np

__all__ = ["class_tfidf", "topic_words", "coherent_words", "npmi_coherence", "topic_diversity",
           "stability"]


def class_tfidf(counts):
    """Return BERTopic's c-TF-IDF of a topic × word count matrix.

    The same as ``ClassTfidfTransformer(reduce_frequent_words=True).fit_transform(counts)``
    from ``bertopic.vectorizers`` (checked by a test), written out so that describing the
    topics does not import BERTopic (about 7 s of a run with ``--embedding fast``): each row
    is l1-normalised, square-rooted and multiplied by ``log(1 + A / f)``, where ``f`` is the
    word's total count and ``A`` the mean number of words per topic, rounded down.

    Parameters
    ----------
    counts : sparse matrix or ndarray
        One row per topic, one column per word.

    Returns
    -------
    scipy.sparse.csr_matrix

    Examples
    --------
    >>> class_tfidf(np.array([[2, 0], [1, 1]])).toarray().round(3)
    array([[0.511, 0.   ],
           [0.361, 0.777]])
    """
    import scipy.sparse as sp
    from sklearn.preprocessing import normalize

    counts = sp.csr_matrix(counts, dtype=np.float64)
    idf = np.log(int(counts.sum(axis=1).mean()) / np.asarray(counts.sum(axis=0)).ravel() + 1)
    tf = normalize(counts, axis=1, norm="l1")
    tf.data = np.sqrt(tf.data)
    return sp.csr_matrix(tf @ sp.diags(idf))


def topic_words(docs, topics, vectorizer, *, top_n: int = 10) -> dict[int, list[tuple]]:
    """Return the top c-TF-IDF words of each topic.

    As BERTopic's c-TF-IDF (:func:`class_tfidf`), with one difference: a topic's count of
    a word is the number of its answers that contain the word, not how often it is
    written, so one long answer that repeats a word cannot make it a topic word. On BBC
    News this raised the NPMI of the top words (see ``bench/README.md``).

    Parameters
    ----------
    docs : sequence of str
        The modelled answers.
    topics : sequence of int
        Topic of each answer (-1 for outliers).
    vectorizer : CountVectorizer
        Cloned and fitted here on `docs`.
    top_n : int
        Words per topic.

    Returns
    -------
    dict
        ``{topic: [(word, weight), ...]}``, best first; ties broken alphabetically.
    """
    import scipy.sparse as sp
    from sklearn.base import clone

    topics = np.asarray(list(topics), dtype=int)
    docs = list(docs)
    if not docs:
        return {}
    ids = sorted(set(topics.tolist()))
    vec = clone(vectorizer).set_params(binary=True)
    try:
        presence = vec.fit_transform(docs)
    except ValueError:  # nothing left after stop words / min_df
        return {int(t): [] for t in ids}
    counts = sp.vstack([sp.csr_matrix(presence[topics == t].sum(axis=0)) for t in ids])
    if counts.shape[1] == 1:  # one word in all: as before, its counts (BERTopic fails here)
        weights = counts.astype(float)
    else:
        weights = class_tfidf(counts)
    words = vec.get_feature_names_out()
    out = {}
    for row, topic in enumerate(ids):
        w = weights[row].toarray().ravel()
        order = sorted(np.flatnonzero(w), key=lambda j: (-w[j], words[j]))[:top_n]
        out[int(topic)] = [(str(words[j]), float(w[j])) for j in order]
    return out


def coherent_words(candidates, docs, vectorizer, *, top_n: int = 10,
                   weight: float = 0.5) -> dict[int, list[tuple]]:
    """Re-rank each topic's candidate words so the chosen words also occur together.

    Greedy: start from the best c-TF-IDF word; then repeatedly add the candidate with the
    best mix of ``(1 - weight) ×`` its c-TF-IDF weight (relative to the topic's best) and
    ``weight ×`` its mean NPMI with the words already chosen, counted over whole answers.
    Every candidate is already a distinctive word of the topic; the re-ranking prefers
    those that describe the same answers, which reads better than a list of distinctive
    but unrelated words. With ``weight=0`` the c-TF-IDF order is kept.

    Parameters
    ----------
    candidates : dict
        ``{topic: [(word, weight), ...]}`` from :func:`topic_words` (more than `top_n`).
    docs : sequence of str
        The modelled answers.
    vectorizer : CountVectorizer
        The vectorizer that produced the candidates.
    top_n : int
        Words kept per topic.
    weight : float
        0–1, how much co-occurrence counts against c-TF-IDF weight.

    Returns
    -------
    dict
        ``{topic: [(word, c-TF-IDF weight), ...]}`` in the new order.
    """
    from sklearn.base import clone

    if weight <= 0 or not docs or not any(candidates.values()):
        return {t: ws[:top_n] for t, ws in candidates.items()}
    vec = clone(vectorizer).set_params(binary=True)
    presence = vec.fit_transform(list(docs)).tocsc().astype(np.float64)
    index = {w: i for i, w in enumerate(vec.get_feature_names_out())}
    n = presence.shape[0]
    out = {}
    for topic, ws in candidates.items():
        ws = [(w, x) for w, x in ws if w in index]
        if len(ws) <= 1:
            out[topic] = ws[:top_n]
            continue
        cols = [index[w] for w, _ in ws]
        rel = np.array([x for _, x in ws]) / max(ws[0][1], 1e-12)
        p_ab = (presence[:, cols].T @ presence[:, cols]).toarray() / n
        p = np.diag(p_ab).copy()
        with np.errstate(divide="ignore", invalid="ignore"):
            npmi = np.log(p_ab / np.outer(p, p)) / -np.log(p_ab)
        npmi[p_ab == 0] = -1.0
        npmi[p_ab >= 1] = 1.0
        chosen = [0]
        while len(chosen) < min(top_n, len(ws)):
            rest = [j for j in range(len(ws)) if j not in chosen]
            score = [(1 - weight) * rel[j] + weight * npmi[j, chosen].mean() for j in rest]
            chosen.append(rest[int(np.argmax(score))])
        out[topic] = [ws[j] for j in chosen]
    return out


def _doc_sets(docs, analyzer) -> list[set]:
    return [set(analyzer(d)) for d in docs]


def npmi_coherence(topics_words, docs, *, top_n: int = 10, analyzer=None) -> float:
    """Return the mean NPMI of word pairs within each topic, counted over whole answers.

    Document co-occurrence (not a sliding window): p(w) is the share of answers containing
    w. A pair that never co-occurs scores -1. Topics with fewer than two words are skipped.

    Parameters
    ----------
    topics_words : list of list of str
        Top words per topic.
    docs : sequence of str
        The reference corpus (usually the modelled answers).
    top_n : int
        Words per topic used.
    analyzer : callable, optional
        Splits a document into words; by default lower-cased whitespace split.

    Examples
    --------
    >>> docs = ["budget pengar", "budget pengar", "lag juridik", "lag juridik"]
    >>> round(npmi_coherence([["budget", "pengar"], ["lag", "juridik"]], docs), 3)
    1.0
    """
    analyzer = analyzer or (lambda d: str(d).lower().split())
    sets = _doc_sets(docs, analyzer)
    n = len(sets)
    if n == 0:
        return float("nan")
    scores = []
    for words in topics_words:
        words = [w for w in list(words)[:top_n]]
        if len(words) < 2:
            continue
        has = {w: np.array([w in s for s in sets]) for w in words}
        pair_scores = []
        for a, b in itertools.combinations(words, 2):
            p_a, p_b = has[a].mean(), has[b].mean()
            p_ab = (has[a] & has[b]).mean()
            if p_ab == 0 or p_a == 0 or p_b == 0:
                pair_scores.append(-1.0)
            elif p_ab == 1:
                pair_scores.append(1.0)
            else:
                pair_scores.append(float(np.log(p_ab / (p_a * p_b)) / -np.log(p_ab)))
        scores.append(np.mean(pair_scores))
    return float(np.mean(scores)) if scores else float("nan")


def topic_diversity(topics_words, *, top_n: int = 10) -> float:
    """Return the share of unique words among the top `top_n` words of all topics.

    Examples
    --------
    >>> topic_diversity([["a", "b"], ["b", "c"]], top_n=2)
    0.75
    """
    lists = [list(w)[:top_n] for w in topics_words if len(w)]
    total = sum(len(w) for w in lists)
    return float(len({x for w in lists for x in w}) / total) if total else float("nan")


def stability(labelings) -> float:
    """Return the mean pairwise adjusted Rand index between several labelings of the same rows.

    1.0 means every run found the same partition; values near 0 mean the partition is
    mostly noise.

    Examples
    --------
    >>> stability([[0, 0, 1, 1], [1, 1, 0, 0], [0, 0, 1, 1]])
    1.0
    """
    from sklearn.metrics import adjusted_rand_score

    pairs = list(itertools.combinations(labelings, 2))
    if not pairs:
        return float("nan")
    return float(np.mean([adjusted_rand_score(a, b) for a, b in pairs]))
