"""Consensus k-means: themes that stay put, a number of themes chosen by reproducibility.

A single k-means run (or the best of ten by inertia) on survey answers is fragile: where
themes overlap, as answers' themes do, many partitions fit almost equally well, and noise
in the fifth decimal of the vectors (another CPU, bfloat16) or another seed picks another
one. :class:`AutoKMeans` therefore runs k-means many times on random subsamples, pools
the runs into one consensus partition (evidence accumulation, Fred & Jain 2005; here as
k-means on the runs' memberships, Topchy et al. 2004), and chooses the number of themes
by how alike the runs' partitions are (stability, Lange et al. 2004; Ben-Hur et al.
2002). Every theme carries its own stability (Hennig's clusterwise
Jaccard, 2007).
"""

from __future__ import annotations

import functools
import os
from numbers import Integral, Real
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.utils.validation import check_is_fitted

from survey_tools.params import HasMethods, Interval, Options, check_params

__all__ = ["AutoKMeans", "STABLE_JACCARD", "auto_kmeans", "cluster_memory", "consensus_labels",
           "default_k_range", "pair_agreements", "run_agreement", "subsample_runs",
           "theme_stability"]

#: Hennig (2007): a cluster whose clusterwise Jaccard is at least 0.75 is stable.
STABLE_JACCARD = 0.75

#: Rows per k-means run from which the runs are spread over the cores; below it one thread
#: runs them all (faster there: 1,108 answers 4.4 s against 7.8 s, 4,633 about equal).
PARALLEL_ROWS = 3000


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
    """Consensus k-means with the number of clusters chosen by stability.

    Follows the scikit-learn contract, so BERTopic can use it as its clustering step.

    The rows are first scaled column by column by their standard deviation to the power
    ``-whiten`` and re-normalized: a partial whitening that gives the many weaker
    directions of a sentence embedding more say against the few strongest ones (measured
    in ``bench/README.md``: it lifts agreement with people on English short texts).

    **For every K** in `k_range`: `n_runs` k-means runs, each on a random subsample
    (`subsample` of the rows) from its own k-means++ start, each then assigning every
    row (:func:`subsample_runs`). K's **stability** is the median adjusted Rand index
    between pairs of these runs (:func:`run_agreement`). The median, not the mean: at a
    small K, k-means on survey answers lands in a few distinct partitions, and how
    often each comes up varies from seed to seed; the mean follows those shares (NHS
    answers at K = 3: 0.572 with one seed, 0.657 with another, further apart than the K
    compared), the median only what most pairs of runs do (``bench/README.md``). The
    mean is kept as ``mean_agreement`` for one case the median cannot tell apart: a K
    below the true number whose runs mostly merge the same two clusters agrees as well
    by the median (1.0) as the true K.

    **Choosing K** (``n_clusters="auto"``): the K whose stability is within `tolerance`
    of the most stable K's (a smaller difference is estimation noise); of those, the
    smallest whose mean agreement is within `tolerance` of the best mean among them.
    The runs of that K are pooled into one partition by clustering the rows by their
    memberships across runs (:func:`consensus_labels`): rows that the runs keep together
    stay together, and no single run's near-tie decides. From the consensus centres,
    k-means runs once more on all rows to convergence (`refine`): the consensus picks
    the optimum most runs support, this settles its borders, so vectors that differ in
    the last digits (bfloat16, another CPU) end in the same partition (``bench/README.md``).
    Each row then goes to the nearest centre, as :meth:`predict` assigns new rows.

    Parameters
    ----------
    n_clusters : int or "auto"
        The number of clusters, or ``"auto"`` to choose it from `k_range` as above.
    k_range : sequence of int, optional
        Values of K tried with ``"auto"``; by default :func:`default_k_range`.
    min_cluster_size : int
        Clusters with fewer members become outliers (label -1).
    init_centers : array-like, optional
        Starting centres (e.g. seed topics from a codebook), in the space of the rows
        given. Every run starts from them (extra clusters from k-means++), and with
        ``n_clusters="auto"`` no K below their number is tried.
    n_runs : int
        K-means runs per K.
    subsample : float
        Share of the rows each run is fitted on.
    tolerance : float
        How far below the best stability a smaller K may be and still be chosen.
    refine : bool
        Run k-means to convergence from the consensus centres before the final
        assignment (default). Without it the consensus centres are used as they are,
        whose borders move more with small differences in the vectors.
    whiten : float
        0 clusters the rows as given (at unit length), 1 fully whitened columns;
        default 0.75.
    random_state : int
        Seed of the subsamples and starts; the same data and seed give the same labels.
    memory : str, Path or joblib.Memory, optional
        Where to keep fits (scikit-learn's ``memory``): the same rows and parameters are
        clustered once, and a second fit reads the result (the report run again after an
        edit of its themes or titles). Keyed on the rows, the parameters, this module's
        code and the numpy and scikit-learn versions; None keeps nothing.

    Attributes
    ----------
    labels_ : ndarray
        Cluster per row, -1 for outliers.
    cluster_centers_ : ndarray
        Unit-length centres of all K clusters (also the dropped small ones), in the
        scaled space.
    scale_ : ndarray
        What each column is multiplied by before clustering.
    n_clusters_ : int
        The K used.
    stability_ : ndarray
        Per cluster (index = cluster), its clusterwise Jaccard against four smaller
        reruns, each choosing its own K and pooling a quarter of the runs, as a run with
        another seed would: 1 means the theme comes out the same whatever the random
        draws; below :data:`STABLE_JACCARD` (0.75) it is unstable.
    scores_ : DataFrame
        Per K tried: ``k``, ``stability`` (median ARI between pairs of runs) and
        ``mean_agreement`` (their mean); empty when K was given.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([c + rng.normal(0, 0.3, (40, 2)) for c in ([4, 0], [0, 4], [-4, -4])])
    >>> km = AutoKMeans(min_cluster_size=3, random_state=0).fit(X)
    >>> km.n_clusters_, bool(km.stability_.min() > 0.9)
    (3, True)
    """

    _parameter_constraints = {
        "n_clusters": [Interval(Integral, 1, None, closed="left"), Options({"auto"})],
        "k_range": ["array-like", range, None],
        "min_cluster_size": [Interval(Integral, 1, None, closed="left")],
        "init_centers": ["array-like", None],
        "n_runs": [Interval(Integral, 2, None, closed="left")],
        "subsample": [Interval(Real, 0, 1, closed="right")],
        "tolerance": [Interval(Real, 0, 1, closed="both")],
        "refine": ["boolean"],
        "whiten": [Interval(Real, 0, None, closed="left")],
        "random_state": [Interval(Integral, 0, 2**32 - 1, closed="both")],
        "memory": [str, os.PathLike, HasMethods(["cache"]), None],
    }

    def __init__(self, n_clusters="auto", *, k_range=None, min_cluster_size: int = 5,
                 init_centers=None, n_runs: int = 100, subsample: float = 0.8,
                 tolerance: float = 0.03, refine: bool = True, whiten: float = 0.75,
                 random_state: int = 0, memory=None) -> None:
        self.n_clusters = n_clusters
        self.k_range = k_range
        self.min_cluster_size = min_cluster_size
        self.init_centers = init_centers
        self.n_runs = n_runs
        self.subsample = subsample
        self.tolerance = tolerance
        self.refine = refine
        self.whiten = whiten
        self.random_state = random_state
        self.memory = memory

    def fit(self, X, y=None):
        """Cluster `X` (rows are answers); returns self."""
        import sklearn
        from sklearn.utils.validation import check_memory

        check_params(self, self._parameter_constraints)
        params = {k: v for k, v in self.get_params().items() if k != "memory"}
        # the key holds this module's code and the versions whose k-means it runs
        fit = check_memory(self.memory).cache(auto_kmeans)
        self.__dict__.update(fit(np.asarray(X, dtype=float), **params,
                                 code=_module_hash(), versions=(np.__version__,
                                                                sklearn.__version__)))
        return self

    def predict(self, X):
        """Return the nearest cluster of each row (-1 when that cluster was too small)."""
        check_is_fitted(self, "cluster_centers_")
        scaled = _scaled(np.asarray(X, dtype=float), self.scale_, self.whiten)
        nearest = np.argmax(scaled @ self.cluster_centers_.T, axis=1)
        return np.where(self.keep_[nearest], nearest, -1)


def auto_kmeans(X: np.ndarray, *, n_clusters="auto", k_range=None, min_cluster_size=5,
                init_centers=None, n_runs=100, subsample=0.8, tolerance=0.03, refine=True,
                whiten=0.75, random_state=0, code=None, versions=None) -> dict:
    """Cluster the rows of `X` as :class:`AutoKMeans` does; return its fitted attributes.

    The parameters are :class:`AutoKMeans`'s; `code` and `versions` only key a cache.
    """
    n = X.shape[0]
    std = X.std(axis=0) if n else np.ones(X.shape[1])
    scale = np.where(std > 0, std, 1.0) ** -float(whiten)
    if n < 2:
        return {"scale_": scale, "labels_": np.full(n, -1 if n == 0 else 0),
                "cluster_centers_": X.copy(), "n_clusters_": n, "stability_": np.ones(n),
                "scores_": pd.DataFrame(columns=["k", "stability", "mean_agreement"]),
                "keep_": np.ones(n, dtype=bool)}
    Xs = _scaled(X, scale, whiten)
    seeds = None if init_centers is None else _scaled(np.asarray(init_centers, float), scale,
                                                      whiten)
    runs, rows = {}, []
    for k in _candidates(Xs, n_clusters, k_range, min_cluster_size, init_centers):
        runs[k] = subsample_runs(Xs, k, n_runs=n_runs, subsample=subsample, init=seeds,
                                 seed=random_state + k)
        rows.append(_k_scores(runs[k], k, n_pairs_of=100))
    scores = pd.DataFrame(rows)
    k = _choose_k(scores, tolerance)
    centres = _partition(Xs, runs[k], k, seed=random_state, refine=refine)
    nearest = np.argmax(Xs @ centres.T, axis=1) if k > 1 else np.zeros(n, dtype=int)
    keep = np.bincount(nearest, minlength=k) >= min_cluster_size
    return {"scale_": scale, "scores_": scores if n_clusters == "auto" else scores.iloc[:0],
            "cluster_centers_": centres, "n_clusters_": int(k),
            "stability_": _rerun_stability(Xs, nearest, runs, tolerance, random_state,
                                           refine=refine),
            "keep_": keep, "labels_": np.where(keep[nearest], nearest, -1)}


def _candidates(X, n_clusters, k_range, min_cluster_size, init_centers) -> list[int]:
    n = X.shape[0]
    if n_clusters != "auto":
        ks = [int(n_clusters)]
    else:
        ks = list(k_range or default_k_range(n, min_cluster_size))
        if init_centers is not None:
            ks = [k for k in ks if k >= len(init_centers)] or [len(init_centers)]
    distinct = len(np.unique(X, axis=0))  # one answer given 1,000 times is one point
    fits = [k for k in ks if 1 <= k <= min(n, distinct)]
    return fits or [max(1, min(ks[0], n, distinct))]


def _scaled(X, scale, whiten) -> np.ndarray:
    from survey_tools.nlp.vectors import unit_rows

    return unit_rows(X * scale) if whiten else unit_rows(X)


@functools.lru_cache(maxsize=1)
def _module_hash() -> str:
    import hashlib

    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def cluster_memory(cache_dir=None):
    """Return where :class:`AutoKMeans` keeps its fits for an embedding `cache_dir`.

    ``clusters/`` in the cache folder (:func:`~survey_tools.nlp.embeddings.default_cache_dir`
    for None), or None (keep nothing) for False.
    """
    if cache_dir is False:
        return None
    from survey_tools.nlp.embeddings import default_cache_dir

    return str(Path(default_cache_dir() if cache_dir in (None, True) else cache_dir)
               / "clusters")


def _choose_k(scores: pd.DataFrame, tolerance: float) -> int:
    """Return the smallest K near the most stable, by median and then by mean agreement.

    The K whose ``stability`` is within `tolerance` of the highest; of those, the smallest
    whose ``mean_agreement`` (if given) is within `tolerance` of the best among them.

    Examples
    --------
    >>> table = pd.DataFrame({"k": [3, 4, 5, 6], "stability": [0.6, 0.7, 0.94, 0.96]})
    >>> _choose_k(table, 0.03), _choose_k(table, 0.01)
    (5, 6)
    >>> table = pd.DataFrame({"k": [4, 5], "stability": [1.0, 1.0],
    ...                       "mean_agreement": [0.85, 1.0]})
    >>> _choose_k(table, 0.03)
    5
    """
    if len(scores) == 1:
        return int(scores["k"].iloc[0])
    stability = scores["stability"].fillna(-1.0)
    band = scores[stability >= stability.max() - tolerance]
    if "mean_agreement" in band:
        mean = band["mean_agreement"].fillna(-1.0)
        band = band[mean >= mean.max() - tolerance]
    return int(band["k"].min())


def _partition(X: np.ndarray, runs: np.ndarray, k: int, *, seed: int,
               refine: bool) -> np.ndarray:
    """Return the unit-length centres of the consensus of `runs` (refined if asked).

    The consensus chooses among the many near-equal k-means optima the one most runs
    support; refining runs k-means on all rows of `X` from its centres to convergence,
    on one thread (the same result on any number of cores).
    """
    centres = _centres(X, consensus_labels(runs, k, seed=seed), k)
    if refine and k > 1:
        from sklearn.cluster import KMeans
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1):
            fitted = KMeans(k, init=centres, n_init=1, random_state=seed).fit(X)
        centres = _centres(X, fitted.labels_, k)
    return centres


def _rerun_stability(X: np.ndarray, labels: np.ndarray, runs: dict, tolerance: float,
                     seed: int, *, refine: bool, parts: int = 4) -> np.ndarray:
    """Return each theme's clusterwise Jaccard against `parts` smaller reruns.

    Each part (every ``parts``-th run of every K) chooses its own K and pools its own
    partition, as a run with another seed would, only with fewer runs; each theme of
    `labels` is compared with every part's partition (:func:`theme_stability`). A theme
    that a rerun with another number of themes would not find again scores low.
    """
    k = int(labels.max()) + 1 if labels.size else 1
    if k < 2:
        return np.ones(k)
    others = []
    for i in range(parts):
        scores = pd.DataFrame([_k_scores(r[i::parts], kk) for kk, r in runs.items()])
        kk = _choose_k(scores, tolerance)
        if kk > 1:
            centres = _partition(X, runs[kk][i::parts], kk, seed=seed + i, refine=refine)
            others.append(np.argmax(X @ centres.T, axis=1))
        else:
            others.append(np.zeros(len(labels), dtype=int))
    return theme_stability(labels, others, k)


def run_agreement(runs: np.ndarray, k: int, *, n_pairs_of: int = 30) -> float:
    """Return the median adjusted Rand index between pairs of runs (the first `n_pairs_of`).

    1 means most runs find the same partition; near 0, no more alike than chance.

    Examples
    --------
    >>> run_agreement(np.array([[0, 0, 1, 1], [1, 1, 0, 0]]), 2)
    1.0
    >>> run_agreement(np.array([[0, 0, 1, 1], [1, 1, 0, 0], [0, 0, 1, 1], [0, 1, 0, 1]]), 2)
    0.25
    """
    return _summary(pair_agreements(runs, k, n_pairs_of=n_pairs_of), np.median)


def pair_agreements(runs: np.ndarray, k: int, *, n_pairs_of: int = 30) -> np.ndarray:
    """Return the adjusted Rand index of every pair among the first `n_pairs_of` runs.

    In the order (0, 1), (0, 2), …, (1, 2), …. The pairs of one run with the runs after it
    are counted together (one ``bincount``), not 4,950 tables one by one for 100 runs:
    0.028 s instead of 0.108 s per K on 1,108 answers, about 1 s less per fit with 12
    candidate Ks (bench/README.md, *Third pass*). The counts are whole numbers, exact in
    floating point however they are added, so each index is the same to the last bit as
    when its own table was counted alone (tested).
    """
    runs = np.asarray(runs, dtype=np.int64)[:n_pairs_of]
    r, n = runs.shape if runs.ndim == 2 else (len(runs), 0)
    if r < 2:
        return np.array([])
    out = []
    for i in range(r - 1):
        others = runs[i + 1:]
        codes = runs[i] * k + others + (np.arange(len(others)) * (k * k))[:, None]
        tables = np.bincount(codes.ravel(), minlength=len(others) * k * k).reshape(
            len(others), k, k).astype(float)
        out.append(_aris(tables, float(n)))
    return np.concatenate(out)


def _aris(tables: np.ndarray, n: float) -> np.ndarray:
    """Return the adjusted Rand index of each contingency table in `tables` (pairs, k, k).

    scikit-learn's formula, in the same operations and order for every table as for one.
    """
    def pairs(x, axes):
        return (x * (x - 1)).sum(axis=axes) / 2

    both, rows, cols = pairs(tables, (1, 2)), pairs(tables.sum(axis=2), 1), \
        pairs(tables.sum(axis=1), 1)
    expected = rows * cols / (n * (n - 1) / 2) if n > 1 else np.zeros_like(rows)
    top = (rows + cols) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(top == expected, 1.0, (both - expected) / (top - expected))


def _summary(values: np.ndarray, statistic) -> float:
    return round(float(statistic(values)), 4) if len(values) else 1.0


def _k_scores(runs: np.ndarray, k: int, *, n_pairs_of: int = 30) -> dict:
    """One row of ``scores_``: K, its stability (median) and its mean agreement."""
    values = pair_agreements(runs, k, n_pairs_of=n_pairs_of)
    return {"k": k, "stability": _summary(values, np.median),
            "mean_agreement": _summary(values, np.mean)}


def subsample_runs(X: np.ndarray, k: int, *, n_runs: int = 100, subsample: float = 0.8,
                   init=None, seed: int = 0) -> np.ndarray:
    """Return `n_runs` k-means partitions of all rows, each fitted on a random subsample.

    Parameters
    ----------
    X : ndarray
        Rows to cluster.
    k : int
        Clusters per run.
    n_runs : int
        Number of runs.
    subsample : float
        Share of the rows each run is fitted on (drawn without replacement).
    init : ndarray, optional
        Starting centres for every run (k-means++ adds the rest).
    seed : int
        Seed of the subsamples and the k-means++ starts.

    Returns
    -------
    ndarray of int, shape (n_runs, n_rows)
        The cluster of every row in every run (each run's nearest centre).

    Notes
    -----
    The draws are made first, in order; then each run computes on one thread, and when a
    run fits at least :data:`PARALLEL_ROWS` rows the runs are spread over the machine's
    cores (up to 8). Threads inside one small k-means fit cost more than they bring:
    measured on two cores (``bench/README.md``), 10,000 answers cluster in 13-15 s this
    way against 30 s with scikit-learn's threads, and 1,108 in 4.4 s against 4.5 s. The
    runs are the same whatever the number of cores (tests/test_topics.py).
    """
    from concurrent.futures import ThreadPoolExecutor

    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(seed)
    n = len(X)
    m = min(n, max(k + 1, int(round(subsample * n))))
    draws = []
    for _ in range(n_runs):  # every draw first, in order: the same runs on any machine
        rows = np.sort(rng.choice(n, m, replace=False))
        draws.append((rows, int(rng.integers(2**31 - 1))))
    out = np.empty((n_runs, n), dtype=np.int64)

    def one(r: int) -> None:
        out[r] = _one_run(X, k, *draws[r], init)

    def single_threaded() -> None:  # OpenMP's thread count is a per-thread setting
        threadpool_limits(limits=1, user_api="openmp")

    workers = _workers() if m >= PARALLEL_ROWS else 1
    # one thread per fit: BLAS's setting is global (no run changes it under another), the
    # pool's threads set OpenMP's each for itself (limiting it here too was slower)
    with threadpool_limits(limits=1, user_api="blas" if workers > 1 else None):
        if workers == 1:
            for r in range(n_runs):
                one(r)
        else:
            with ThreadPoolExecutor(workers, initializer=single_threaded) as pool:
                list(pool.map(one, range(n_runs)))
    return out


def _workers() -> int:
    """Threads for independent k-means runs: the usable cores, at most 8."""
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(8, cores or 1))


def _one_run(X: np.ndarray, k: int, rows: np.ndarray, state: int, init) -> np.ndarray:
    """Fit k-means on ``X[rows]`` from a k-means++ start (after `init`); label every row."""
    from sklearn.cluster import KMeans, kmeans_plusplus

    if init is None or len(init) == 0:
        km = KMeans(k, n_init=1, random_state=state)
    else:
        start = np.asarray(init, float)[:k]
        if len(start) < k:
            more, _ = kmeans_plusplus(X[rows], k - len(start), random_state=state)
            start = np.vstack([start, more])
        km = KMeans(k, init=start, n_init=1, random_state=state)
    return km.fit(X[rows]).predict(X)


def consensus_labels(runs: np.ndarray, k: int, *, seed: int = 0) -> np.ndarray:
    """Pool several partitions of the same rows into one with `k` clusters.

    Each row is described by its cluster in every run (one-hot, one block per run); rows
    that the runs put together have the same description, and k-means on these
    descriptions groups the rows the runs agree on (a co-association consensus: the
    squared distance between two rows is twice the number of runs that separate them).
    Identical descriptions are clustered once, weighted by their count, so the cost
    depends on how much the runs disagree, not on the number of rows. Clusters are
    numbered by size, largest first (ties by first row).

    Examples
    --------
    >>> runs = np.array([[0, 0, 1, 1, 2, 2], [1, 1, 0, 0, 2, 2], [0, 0, 1, 1, 1, 2]])
    >>> consensus_labels(runs, 3).tolist()
    [0, 0, 1, 1, 2, 2]
    """
    from scipy import sparse
    from sklearn.cluster import KMeans

    runs = np.asarray(runs, dtype=np.int64)
    n_runs, n = runs.shape
    width = int(runs.max()) + 1 if runs.size else 1
    codes = runs.T + width * np.arange(n_runs)       # row -> one column per run
    unique, inverse = np.unique(codes, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    counts = np.bincount(inverse)
    k = min(k, len(unique))
    onehot = sparse.csr_matrix(
        (np.ones(unique.size), unique.ravel(), np.arange(0, unique.size + 1, n_runs)),
        shape=(len(unique), width * n_runs))
    labels = KMeans(k, n_init=10, random_state=seed).fit(
        onehot, sample_weight=counts).labels_[inverse]
    return _by_size(labels)


def _by_size(labels: np.ndarray) -> np.ndarray:
    """Renumber labels 0, 1, ... by size, largest first; ties by first occurrence."""
    values, first, counts = np.unique(labels, return_index=True, return_counts=True)
    order = np.lexsort((first, -counts))
    mapping = np.empty(int(values.max()) + 1, dtype=np.int64)
    mapping[values[order]] = np.arange(len(values))
    return mapping[labels]


def theme_stability(labels: np.ndarray, others, k: int) -> np.ndarray:
    """Return each cluster's clusterwise Jaccard (Hennig 2007) against other partitions.

    For cluster ``t`` of `labels` and each partition in `others`, the best Jaccard
    similarity between ``t``'s rows and any cluster of that partition; the mean over
    `others`. 1: the cluster recurs exactly; below 0.5 it has dissolved.

    Examples
    --------
    >>> theme_stability(np.array([0, 0, 1, 1]), [np.array([1, 1, 0, 0])], 2).tolist()
    [1.0, 1.0]
    >>> theme_stability(np.array([0, 0, 1, 1]), [np.array([0, 0, 0, 1])], 2).tolist()
    [0.6667, 0.5]
    """
    labels = np.asarray(labels, dtype=np.int64)
    out = np.zeros(k)
    size = np.bincount(labels[labels >= 0], minlength=k)
    for other in others:
        other = np.asarray(other, dtype=np.int64)
        width = int(other.max()) + 1
        both = (labels >= 0) & (other >= 0)
        table = np.bincount(labels[both] * width + other[both],
                            minlength=k * width).reshape(k, width)
        union = size[:, None] + np.bincount(other[other >= 0], minlength=width)[None, :] - table
        out += np.max(np.divide(table, union, out=np.zeros(table.shape), where=union > 0),
                      axis=1)
    return np.round(out / max(len(others), 1), 4)


def _centres(X: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Return the unit-length mean of each cluster's rows (a zero row for an empty one)."""
    from survey_tools.nlp.embeddings import unit_rows

    sums = np.zeros((k, X.shape[1]))
    np.add.at(sums, labels, X)
    return unit_rows(sums)
