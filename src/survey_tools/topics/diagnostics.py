"""Help choose the number of topics: silhouette, coherence, diversity and stability per K."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from survey_tools.topics.metrics import npmi_coherence, stability, topic_diversity, topic_words

__all__ = ["topic_count_table"]


def topic_count_table(model, *, k_values=None, n_seeds: int = 3) -> pd.DataFrame:
    """Refit the clustering of a fitted model for several K and measure each.

    Parameters
    ----------
    model : TopicModel
        A fitted model; its reduced embeddings, answers and vectorizer are reused, so
        nothing is embedded again.
    k_values : sequence of int, optional
        Numbers of topics to try; default 3–12 (as far as the corpus allows).
    n_seeds : int
        K-means runs with different seeds per K, for the stability column.

    Returns
    -------
    DataFrame
        One row per K: ``k``; ``silhouette`` (cosine, higher is better separated);
        ``coherence`` (NPMI of each topic's top-10 words over the answers, −1…1, higher
        means the words occur together); ``diversity`` (share of unique top-10 words,
        1 means no word is shared by two topics); ``stability`` (mean adjusted Rand index
        between the seeds' partitions, 1 means the same topics every time); ``chosen``
        (True for the K the clustering chose, before the analyst's merges).
    """
    from sklearn.metrics import silhouette_score

    from survey_tools.topics.cluster import AutoKMeans, default_k_range

    check_is_fitted(model, "assignments_")
    X, docs = model.reduced_, model.docs_
    if len(docs) < 6:
        return pd.DataFrame(columns=["k", "silhouette", "coherence", "diversity", "stability",
                                     "chosen"])
    ks = list(k_values or default_k_range(len(docs), model._min_size(len(docs))))
    analyzer = model.vectorizer_.build_analyzer()
    # the K the clustering chose, before outliers and the analyst's merges
    fitted = getattr(model.clusterer_, "n_clusters_", None)
    if fitted is None:
        fitted = len(set(np.asarray(model.clusterer_.labels_).tolist()) - {-1})
    rows = []
    for k in ks:
        if not 2 <= k < len(docs):
            continue
        labelings = [AutoKMeans(k, min_cluster_size=1, random_state=model.seed + i,
                                n_init=4).fit(X).labels_ for i in range(n_seeds)]
        first = labelings[0]
        words = topic_words(docs, first, model.vectorizer_, top_n=10)
        lists = [[w for w, _ in ws] for ws in words.values()]
        rows.append({
            "k": k,
            "silhouette": float(silhouette_score(X, first, metric="cosine")),
            "coherence": npmi_coherence(lists, docs, analyzer=analyzer),
            "diversity": topic_diversity(lists),
            "stability": stability(labelings),
            "chosen": k == fitted,
        })
    return pd.DataFrame(rows).round(4)
