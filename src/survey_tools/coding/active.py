"""Active learning: which answers to hand-code next so the coder improves fastest."""

from __future__ import annotations

import numpy as np
import pandas as pd

from survey_tools.nlp.answers import normalize_answer

__all__ = ["suggest_for_coding", "stratified_sample", "codes_from_lists"]


def suggest_for_coding(coder, texts, *, n: int = 10, exclude=(), strategy: str = "uncertain",
                       seed: int = 0) -> pd.DataFrame:
    """Return the positions of the `n` answers most worth coding by hand next.

    Parameters
    ----------
    coder : ZeroShotCoder or SupervisedCoder
        A fitted coder.
    texts : sequence of str
        All answers (positions refer to this sequence).
    n : int
        How many to suggest.
    exclude : iterable of int
        Positions already coded.
    strategy : {"uncertain", "diverse"}
        ``"uncertain"``: the answers whose codes the coder is least sure of (for a
        supervised coder the smallest gap between its two most probable outcomes, "none
        of the codes" included; for zero-shot the smallest gap between the two most
        similar codes). ``"diverse"``: one answer near each of `n`
        k-means centres of the embeddings, for a first batch before any coding.
    seed : int
        Seed for ``"diverse"``.

    Returns
    -------
    DataFrame
        ``position, uncertainty`` (``uncertainty`` 0–1, higher is less sure), best first.
        Duplicate answers (same text up to case and punctuation) are suggested once.
    """
    texts = ["" if t is None or (isinstance(t, float) and t != t) else str(t) for t in texts]
    excluded = set(int(i) for i in exclude)
    seen, candidates = set(), []
    for i, t in enumerate(texts):
        key = normalize_answer(t)
        if i in excluded or not key or key in seen:
            continue
        seen.add(key)
        candidates.append(i)
    if not candidates:
        return pd.DataFrame(columns=["position", "uncertainty"])
    pool = [texts[i] for i in candidates]
    if not callable(getattr(coder, "uncertainty", None)):
        raise TypeError("suggestions need a fitted coder with uncertainty() and embed(), "
                        "such as ZeroShotCoder or SupervisedCoder")
    unsure = coder.uncertainty(pool)
    if strategy == "diverse":
        from sklearn.cluster import KMeans
        from sklearn.metrics import pairwise_distances_argmin

        emb = coder.embed(pool)
        k = min(n, len(pool))
        centres = KMeans(k, n_init=4, random_state=seed).fit(emb).cluster_centers_
        picks = list(dict.fromkeys(pairwise_distances_argmin(centres, emb).tolist()))
    elif strategy == "uncertain":
        picks = list(np.argsort(-unsure, kind="stable")[:n])
    else:
        raise ValueError(f"unknown strategy {strategy!r}")
    return pd.DataFrame({"position": [candidates[j] for j in picks],
                         "uncertainty": [round(float(unsure[j]), 4) for j in picks]})


def stratified_sample(codes: pd.DataFrame, per_code: int, *, seed: int = 0) -> list[int]:
    """Return positions of up to `per_code` answers carrying each code, drawn at random.

    Use it to simulate (or plan) a first round of hand-coding. An answer with several
    codes counts for each of them.

    Examples
    --------
    >>> Y = pd.DataFrame({"a": [1, 1, 1, 0, 0], "b": [0, 0, 1, 1, 1]})
    >>> len(stratified_sample(Y, 1, seed=0)) <= 2
    True
    """
    rng = np.random.default_rng(seed)
    chosen = set()
    for code in codes.columns:
        positions = np.flatnonzero(codes[code].to_numpy() == 1)
        take = min(per_code, len(positions))
        chosen |= set(rng.choice(positions, take, replace=False).tolist())
    return sorted(chosen)


def codes_from_lists(values, codes, *, sep: str = ";") -> pd.DataFrame:
    """Turn code lists such as ``"legal;financing"`` into a 0/1 column per code.

    Examples
    --------
    >>> codes_from_lists(["legal;financing", "", None], ["legal", "financing", "other"])
       legal  financing  other
    0      1          1      0
    1      0          0      0
    2      0          0      0
    """
    sets = [set() if not isinstance(v, str) else {x.strip() for x in v.split(sep)}
            for v in values]
    return pd.DataFrame({c: [int(c in s) for s in sets] for c in codes})
