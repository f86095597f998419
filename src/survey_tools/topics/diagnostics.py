"""Help choose the number of topics: silhouette, coherence, diversity and stability per K."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from survey_tools.topics.metrics import npmi_coherence, stability, topic_diversity, topic_words

__all__ = ["topic_count_table"]


def topic_count_table(model, *, k_values=None, n_seeds: int = 3) -> pd.DataFrame:
    """Show, for several K, the evidence the number of topics was chosen on, and more.

    Parameters
    ----------
    model : TopicModel
        A fitted model; its reduced embeddings, answers and vectorizer are reused, so
        nothing is embedded again.
    k_values : sequence of int, optional
        Numbers of topics to show; default the K the clustering tried (3–12 as far as
        the corpus allows).
    n_seeds : int
        Only for a clusterer that does not measure stability itself: k-means runs with
        different seeds per K, for the stability column.

    Returns
    -------
    DataFrame
        One row per K: ``k``; ``stability`` (median adjusted Rand index between k-means
        runs on random subsamples, as :class:`~survey_tools.topics.cluster.AutoKMeans`
        measured it to choose K; 1 means the same topics every time);
        ``mean_agreement`` (the mean of the same, which the choice also uses; empty for a
        K the clustering did not measure); ``silhouette``
        (cosine, higher is better separated), ``coherence`` (NPMI of each topic's
        top-10 words over the answers, −1…1, higher means the words occur together) and
        ``diversity`` (share of unique top-10 words) of a consensus partition with that
        K; ``chosen`` (True for the K the clustering chose, before the analyst's
        merges).
    """
    from sklearn.metrics import silhouette_score

    from survey_tools.topics.cluster import AutoKMeans, cluster_memory, default_k_range

    check_is_fitted(model, "assignments_")
    X, docs = model.reduced_, model.docs_
    columns = ["k", "stability", "mean_agreement", "silhouette", "coherence", "diversity",
               "chosen"]
    if len(docs) < 6:
        return pd.DataFrame(columns=columns)
    scores = getattr(model.clusterer_, "scores_", None)
    measured = (dict(zip(scores["k"], scores["stability"], strict=True))
                if scores is not None and "stability" in scores else {})
    means = (dict(zip(scores["k"], scores["mean_agreement"], strict=True))
             if scores is not None and "mean_agreement" in scores else {})
    ks = list(k_values or measured or default_k_range(len(docs), model.min_topic_size_))
    analyzer = model.vectorizer_.build_analyzer()
    # the K the clustering chose, before outliers and the analyst's merges
    fitted = getattr(model.clusterer_, "n_clusters_", None)
    if fitted is None:
        fitted = len(set(np.asarray(model.clusterer_.labels_).tolist()) - {-1})
    rows = []
    for k in ks:
        if not 2 <= k < len(docs):
            continue
        labelings = [AutoKMeans(k, min_cluster_size=1, n_runs=20, random_state=model.seed + i,
                                memory=cluster_memory(model.cache_dir)).fit(X).labels_
                     for i in range(1 if k in measured else n_seeds)]
        first = labelings[0]
        words = topic_words(docs, first, model.vectorizer_, top_n=10)
        lists = [[w for w, _ in ws] for ws in words.values()]
        rows.append({
            "k": k,
            "stability": measured[k] if k in measured else stability(labelings),
            "mean_agreement": means.get(k, np.nan),
            "silhouette": float(silhouette_score(X, first, metric="cosine")),
            "coherence": npmi_coherence(lists, docs, analyzer=analyzer),
            "diversity": topic_diversity(lists),
            "chosen": k == fitted,
        })
    return pd.DataFrame(rows, columns=columns).round(4)
