"""Small operations on embedding vectors, shared by the encoders and the models."""

from __future__ import annotations

import numpy as np

__all__ = ["unit_rows"]


def unit_rows(X) -> np.ndarray:
    """Return `X` with every row scaled to length 1 (zero rows stay zero), dtype kept.

    Examples
    --------
    >>> unit_rows(np.array([[3.0, 4.0], [0.0, 0.0]])).tolist()
    [[0.6, 0.8], [0.0, 0.0]]
    """
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    return X / np.where(norms > 0, norms, 1.0)
