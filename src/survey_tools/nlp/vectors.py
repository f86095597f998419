"""Small operations on embedding vectors, shared by the encoders and the models."""

from __future__ import annotations

import numpy as np

__all__ = ["unit_rows"]


def unit_rows(X) -> np.ndarray:
    """Return `X` with every row scaled to length 1 (zero rows stay zero), float dtype kept.

    scikit-learn's ``normalize``; integers become float64, and a row that is not finite
    (an answer that could not be embedded) stays as it is.

    Examples
    --------
    >>> unit_rows(np.array([[3.0, 4.0], [0.0, 0.0], [np.nan, 1.0]])).tolist()
    [[0.6, 0.8], [0.0, 0.0], [nan, 1.0]]
    """
    from sklearn.preprocessing import normalize

    X = np.asarray(X)
    X = X if X.dtype.kind == "f" else X.astype(np.float64)
    finite = np.isfinite(X).all(axis=1)
    if finite.all():  # the usual case: one copy
        return normalize(X)
    out = X.copy()
    if finite.any():
        out[finite] = normalize(X[finite])
    return out
