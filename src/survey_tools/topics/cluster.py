"""K-means clustering that picks the number of topics itself and marks tiny clusters as outliers."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.utils.validation import check_is_fitted

__all__ = ["AutoKMeans", "default_k_range"]


def default_k_range(n: int, min_cluster_size: int) -> range:
    """Return the numbers of topics tried for `n` answers.

    From 3 up to 12 topics (a number a report can show), but never so many that an average
    topic would be smaller than twice `min_cluster_size`. Two topics are not tried: with
    short answers the best two-way split is usually by phrasing or language, not subject.

    Examples
    --------
    >>> default_k_range(1000, 10)
    range(3, 13)
    >>> default_k_range(60, 5)
    range(3, 7)
    >>> default_k_range(12, 5)
    range(2, 3)
    """
    upper = min(12, n // max(2 * min_cluster_size, 1))
    if upper < 3:
        return range(2, 3)
    return range(3, upper + 1)


class AutoKMeans(ClusterMixin, BaseEstimator):
    """K-means with the number of clusters chosen by silhouette, and small clusters as outliers.

    Follows the scikit-learn contract, so BERTopic can use it as its clustering step.

    Parameters
    ----------
    n_clusters : int or "auto"
        The number of clusters, or ``"auto"`` to try `k_range` and keep the K with the
        highest cosine silhouette.
    k_range : sequence of int, optional
        Values of K tried with ``"auto"``; by default :func:`default_k_range`.
    min_cluster_size : int
        Clusters with fewer members become outliers (label -1).
    init_centers : array-like, optional
        Starting centres (e.g. seed topics from a codebook). With ``n_clusters="auto"``
        the search starts at this many clusters; extra clusters start from k-means++.
    n_init : int or "auto"
        K-means restarts per K (the best inertia wins); ``"auto"``: 10, or 4 above 5,000
        rows.
    random_state : int
        Seed; the same data and seed give the same labels.

    Attributes
    ----------
    labels_ : ndarray
        Cluster per row, -1 for outliers.
    cluster_centers_ : ndarray
        Centres of all K clusters (also the dropped small ones).
    n_clusters_ : int
        The K used.
    scores_ : DataFrame
        Silhouette per K tried (empty when K was given).
    """

    def __init__(self, n_clusters="auto", *, k_range=None, min_cluster_size: int = 5,
                 init_centers=None, n_init="auto", random_state: int = 0) -> None:
        self.n_clusters = n_clusters
        self.k_range = k_range
        self.min_cluster_size = min_cluster_size
        self.init_centers = init_centers
        self.n_init = n_init
        self.random_state = random_state

    def _kmeans(self, X, k):
        from sklearn.cluster import KMeans

        seeds = None if self.init_centers is None else np.asarray(self.init_centers, float)
        if seeds is None or len(seeds) == 0:
            n_init = self.n_init if self.n_init != "auto" else (10 if len(X) <= 5000 else 4)
            return KMeans(k, n_init=n_init, random_state=self.random_state).fit(X)
        if k < len(seeds):
            seeds = seeds[:k]
        extra = k - len(seeds)
        if extra:
            from sklearn.cluster import kmeans_plusplus

            more, _ = kmeans_plusplus(X, extra, random_state=self.random_state)
            seeds = np.vstack([seeds, more])
        return KMeans(k, init=seeds, n_init=1, random_state=self.random_state).fit(X)

    def _search(self, X):
        from sklearn.metrics import silhouette_score
        from sklearn.metrics.pairwise import cosine_distances
        from sklearn.utils import check_random_state

        n = X.shape[0]
        ks = list(self.k_range or default_k_range(n, self.min_cluster_size))
        if self.init_centers is not None:
            ks = [k for k in ks if k >= len(self.init_centers)] or [len(self.init_centers)]
        distinct = len(np.unique(X, axis=0))  # one answer given 1,000 times is one point
        ks = [k for k in ks if 2 <= k < n and k <= distinct] or [max(1, min(2, distinct))]
        rows, fits = [], {}
        # Silhouette on a seeded sample of at most 3,000 answers, the same for every K: its
        # cosine distances are computed once instead of once per K.
        picked = check_random_state(self.random_state).permutation(n)[:min(n, 3000)]
        distances = cosine_distances(X[picked])
        np.fill_diagonal(distances, 0.0)
        for k in ks:
            km = self._kmeans(X, k)
            fits[k] = km
            labels = km.labels_[picked]
            score = (silhouette_score(distances, labels, metric="precomputed")
                     if 1 < len(set(labels)) < len(picked) else np.nan)
            rows.append({"k": k, "silhouette": float(score), "inertia": float(km.inertia_)})
        scores = pd.DataFrame(rows)
        best = int(scores.loc[scores["silhouette"].fillna(-2).idxmax(), "k"])
        return fits[best], scores

    def fit(self, X, y=None):
        """Cluster `X` (rows are answers); returns self."""
        X = np.asarray(X, dtype=float)
        n = X.shape[0]
        if n < 2:
            self.labels_ = np.full(n, -1 if n == 0 else 0)
            self.cluster_centers_ = X.copy()
            self.n_clusters_ = n
            self.scores_ = pd.DataFrame(columns=["k", "silhouette", "inertia"])
            self.keep_ = np.ones(n, dtype=bool)
            return self
        if self.n_clusters == "auto":
            km, self.scores_ = self._search(X)
        else:
            km = self._kmeans(X, int(min(self.n_clusters, n, len(np.unique(X, axis=0)))))
            self.scores_ = pd.DataFrame(columns=["k", "silhouette", "inertia"])
        self.cluster_centers_ = km.cluster_centers_
        self.n_clusters_ = int(km.n_clusters)
        sizes = np.bincount(km.labels_, minlength=self.n_clusters_)
        self.keep_ = sizes >= self.min_cluster_size
        self.labels_ = np.where(self.keep_[km.labels_], km.labels_, -1)
        return self

    def predict(self, X):
        """Return the nearest cluster of each row (-1 when that cluster was too small)."""
        check_is_fitted(self, "cluster_centers_")
        X = np.asarray(X, dtype=float)
        from sklearn.metrics import pairwise_distances_argmin

        nearest = pairwise_distances_argmin(X, self.cluster_centers_)
        return np.where(self.keep_[nearest], nearest, -1)
