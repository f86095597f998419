"""Topics for inputs too large to fit at once: fit on a sample, assign all rows in batches."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["fit_on_sample", "sample_rows", "recount_topics"]


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


def recount_topics(model, assignments: pd.DataFrame) -> None:
    """Count `model.topics_` over `assignments`: ``model.recount(assignments)``."""
    model.recount(assignments)
