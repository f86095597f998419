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
                  seed: int = 0, progress=None):
    """Fit `model` on a random sample of `texts`, then assign every row in batches.

    Every row, the sampled ones included, is assigned by :meth:`TopicModel.transform`, so
    all rows go through the same path; memory stays at one batch of vectors. The topic
    table is recounted over all rows.

    Parameters
    ----------
    model : TopicModel
        Unfitted; it is fitted here.
    texts : sequence of str
        All answers.
    ids : sequence, optional
        Respondent ids; default ``1..n``.
    fit_size : int
        Rows in the fitting sample (drawn with `seed`); all rows when there are fewer.
    batch_size : int
        Rows embedded and assigned at a time.
    seed : int
        Seed of the sample.
    progress : bool, optional
        Progress bar over batches (default: when there are several).

    Returns
    -------
    DataFrame
        ``id, status, topic, label, score, language``: one row per input row, in order.
    """
    from tqdm import tqdm

    texts = pd.Series(list(texts), dtype=object)
    ids = pd.Series(range(1, len(texts) + 1) if ids is None else list(ids), dtype=object)
    n = len(texts)
    rows = sample_rows(n, fit_size, seed)
    model.fit(texts.iloc[rows].reset_index(drop=True), ids=ids.iloc[rows].to_numpy())
    parts = []
    starts = range(0, n, batch_size)
    show = len(starts) > 1 if progress is None else bool(progress)
    for start in tqdm(starts, disable=not show, desc="assigning", unit="batch"):
        parts.append(model.transform(texts.iloc[start:start + batch_size],
                                     ids=ids.iloc[start:start + batch_size].to_numpy()))
    out = pd.concat(parts, ignore_index=True) if parts else model.transform([])
    model.notes_.append(f"fitted on {len(rows):,} of {n:,} rows (seed {seed}); every row "
                        "assigned with the fitted model")
    recount_topics(model, out)
    return out


def recount_topics(model, assignments: pd.DataFrame) -> None:
    """Set sizes and shares of `model.topics_` from `assignments` (``status, topic`` per row).

    Only modelled answers (``assigned`` and ``outlier``) count.
    """
    modelled = assignments["status"].isin(["assigned", "outlier"])
    counts = assignments.loc[modelled, "topic"].astype(int).value_counts()
    table = model.topics_.copy()
    table["size"] = table["topic"].map(counts).fillna(0).astype(int)
    total = max(int(modelled.sum()), 1)
    table["share"] = 100 * table["size"] / total
    model.topics_ = table
    model.outlier_share_ = 100 * float(counts.get(-1, 0)) / total
