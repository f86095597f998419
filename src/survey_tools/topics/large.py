"""Topics for inputs too large to fit at once: fit on a sample, assign all rows in batches."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["fit_on_sample"]


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
    if n > fit_size:
        rows = np.sort(np.random.default_rng(seed).choice(n, fit_size, replace=False))
    else:
        rows = np.arange(n)
    model.fit(texts.iloc[rows].reset_index(drop=True), ids=ids.iloc[rows].to_numpy())
    parts = []
    starts = range(0, n, batch_size)
    show = len(starts) > 1 if progress is None else bool(progress)
    for start in tqdm(starts, disable=not show, desc="assigning", unit="batch"):
        parts.append(model.transform(texts.iloc[start:start + batch_size]))
    out = pd.concat(parts, ignore_index=True) if parts else model.transform([])
    out.insert(0, "id", ids.to_numpy())
    model.notes_.append(f"fitted on {len(rows):,} of {n:,} rows (seed {seed}); every row "
                        "assigned with the fitted model")
    _recount(model, out)
    return out


def _recount(model, assignments: pd.DataFrame) -> None:
    """Recount topic sizes and shares of `model.topics_` over all assigned rows."""
    modelled = assignments["status"].isin(["assigned", "outlier"])
    counts = assignments.loc[modelled, "topic"].astype(int).value_counts()
    table = model.topics_.copy()
    table["size"] = table["topic"].map(counts).fillna(0).astype(int)
    total = max(int(modelled.sum()), 1)
    table["share"] = 100 * table["size"] / total
    model.topics_ = table
    model.outlier_share_ = 100 * float(counts.get(-1, 0)) / total
