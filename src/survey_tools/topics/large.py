"""Topics for inputs too large to fit at once: fit on a sample, assign all rows in batches."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["assign_in_batches", "batches", "count_topics", "fit_on_sample", "outlier_share",
           "sample_note", "sample_rows"]


def sample_rows(n: int, size: int, seed: int) -> np.ndarray:
    """Return the sorted positions of a seeded random sample of `size` of `n` rows (all if fewer).

    Examples
    --------
    >>> sample_rows(5, 10, seed=0).tolist()
    [0, 1, 2, 3, 4]
    >>> len(sample_rows(1000, 10, seed=0))
    10
    """
    if n <= size:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size, replace=False))


def batches(n: int, batch_size: int, *, progress=None):
    """Yield slices of `batch_size` of `n` rows, with a progress bar when there are several.

    How :class:`~survey_tools.topics.model.TopicModel` assigns every row above its
    `fit_size` (memory stays at one batch of vectors); `progress` forces the bar on or off.

    Examples
    --------
    >>> list(batches(5, 2, progress=False))
    [slice(0, 2, None), slice(2, 4, None), slice(4, 6, None)]
    """
    from tqdm import tqdm

    starts = range(0, n, batch_size)
    show = len(starts) > 1 if progress is None else bool(progress)
    for start in tqdm(starts, disable=not show, desc="assigning", unit="batch"):
        yield slice(start, start + batch_size)


def assign_in_batches(model, texts: pd.Series, ids: pd.Series, *, batch_size: int,
                      progress=None) -> pd.DataFrame:
    """Assign every row of `texts` with the fitted `model`, `batch_size` rows at a time.

    Memory stays at one batch of vectors (:func:`batches`).

    Returns
    -------
    DataFrame
        ``model.transform`` of all rows, in order.
    """
    return pd.concat([model.transform(texts.iloc[rows], ids=ids.iloc[rows].to_numpy())
                      for rows in batches(len(texts), batch_size, progress=progress)],
                     ignore_index=True)


def sample_note(n_fitted: int, n: int, seed: int) -> str:
    """Say that a model was fitted on a sample of `n_fitted` of `n` rows and assigned them all."""
    return (f"fitted on {n_fitted:,} of {n:,} rows (seed {seed}); every row "
            "assigned with the fitted model")


def fit_on_sample(model, texts, *, ids=None, fit_size: int = 50_000, batch_size: int = 50_000,
                  seed: int | None = None, progress=None):
    """Fit `model` on a random sample of `texts`, then assign every row in batches.

    The same as ``model.set_params(fit_size=..., batch_size=...).fit(texts, ids=ids)``
    (:class:`~survey_tools.topics.model.TopicModel` owns this path); kept for existing
    code. Every row, the sampled ones included, is assigned by ``transform``, so all rows
    go through the same path; memory stays at one batch of vectors. The topic table is
    counted over all rows.

    Parameters
    ----------
    model : TopicModel
        Unfitted; it is fitted here.
    texts : sequence of str
        All answers.
    ids : sequence, optional
        Respondent ids; default ``1..n``.
    fit_size : int
        Rows in the fitting sample; all rows when there are fewer.
    batch_size : int
        Rows embedded and assigned at a time.
    seed : int, optional
        Seed of the model, and so of the sample (default: the model's).
    progress : bool, optional
        Progress bar over batches (default: when there are several).

    Returns
    -------
    DataFrame
        ``model.assignments_``: ``id, status, topic, label, score, language``, one row
        per input row, in order.
    """
    params = {"fit_size": fit_size, "batch_size": batch_size}
    if seed is not None:
        params["seed"] = seed
    if progress is not None:
        params["progress"] = progress
    return model.set_params(**params).fit(pd.Series(list(texts), dtype=object),
                                          ids=ids).assignments_


def count_topics(topics: pd.DataFrame, assignments: pd.DataFrame) -> pd.DataFrame:
    """Return the topic table `topics` with ``size`` and ``share`` counted over `assignments`.

    For assignments made after the fit (by ``transform``, for example partition by
    partition with Dask): ``status, topic`` per row; only modelled answers (``assigned``
    and ``outlier``) count. The model is not changed: a run's counts are its result.

    Examples
    --------
    >>> topics = pd.DataFrame({"topic": [0, 1, -1], "size": [9, 9, 9], "share": [0.0] * 3})
    >>> done = pd.DataFrame({"status": ["assigned", "assigned", "outlier", "empty"],
    ...                      "topic": pd.array([0, 0, -1, None], dtype="Int64")})
    >>> count_topics(topics, done)[["topic", "size"]].to_numpy().tolist()
    [[0, 2], [1, 0], [-1, 1]]
    """
    modelled = assignments["status"].isin(["assigned", "outlier"])
    counts = assignments.loc[modelled, "topic"].astype(int).value_counts()
    table = topics.copy()
    table["size"] = table["topic"].map(counts).fillna(0).astype(int)
    table["share"] = 100 * table["size"] / max(int(modelled.sum()), 1)
    return table


def outlier_share(status: pd.Series) -> float:
    """Return the percentage of modelled answers (assigned or outlier) that are outliers.

    NaN when no answer was modelled.

    Examples
    --------
    >>> outlier_share(pd.Series(["assigned", "outlier", "outlier", "assigned", "empty"]))
    50.0
    """
    modelled = int(status.isin(["assigned", "outlier"]).sum())
    if not modelled:
        return float("nan")
    return 100 * float((status == "outlier").sum() / modelled)
