"""Agreement between two codings (machine vs human, or two human coders).

Cohen's kappa comes from :func:`statsmodels.stats.inter_rater.cohens_kappa`,
Krippendorff's alpha from the ``krippendorff`` package and precision/recall/F1 from
scikit-learn; nothing is computed by hand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["agreement_table", "agreement_intervals", "label_agreement", "confusion_table",
           "read_reference", "kappa_of_table"]


def kappa_of_table(table) -> float:
    """Cohen's kappa of a square table of counts (reference × coder), by one rule.

    Kappa is (observed − expected) / (1 − expected). It is undefined only when the expected
    agreement is 1, that is when both coders gave every answer one and the same value:
    that is 1.0 (they agree on everything). Two coders who each give one value, but not
    the same, have expected agreement 0 and kappa 0. An empty table is NaN. Every kappa
    of this module follows this rule, the bootstrap's too.

    Examples
    --------
    >>> kappa_of_table([[5, 0], [0, 0]]), kappa_of_table([[0, 5], [0, 0]])
    (1.0, 0.0)
    >>> round(kappa_of_table([[4, 1], [1, 4]]), 2)
    0.6
    """
    from statsmodels.stats.inter_rater import cohens_kappa

    table = np.asarray(table, dtype=float)
    n = table.sum()
    if n == 0:
        return float("nan")
    expected = float((table.sum(axis=1) / n) @ (table.sum(axis=0) / n))
    if expected >= 1:
        return 1.0
    return float(cohens_kappa(table, return_results=False))


def _kappa(a: np.ndarray, b: np.ndarray) -> float:
    return kappa_of_table(pd.crosstab(pd.Categorical(a, categories=[0, 1]),
                                      pd.Categorical(b, categories=[0, 1]),
                                      dropna=False).to_numpy())


def _alpha(a: np.ndarray, b: np.ndarray) -> float:
    import krippendorff

    data = np.vstack([a, b]).astype(float)
    if len(np.unique(data)) < 2:
        return 1.0 if (a == b).all() else float("nan")
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def _row(name, a, b) -> dict:
    from sklearn.metrics import f1_score, precision_score, recall_score

    tp = int(((a == 1) & (b == 1)).sum())
    fp = int(((a == 0) & (b == 1)).sum())
    fn = int(((a == 1) & (b == 0)).sum())
    tn = int(((a == 0) & (b == 0)).sum())
    return {
        "code": name, "n": len(a), "reference_yes": int(a.sum()), "coder_yes": int(b.sum()),
        "tp": tp, "fp": fp, "fn": fn, "tn": tn,
        "agreement": float((a == b).mean()) if len(a) else float("nan"),
        "kappa": _kappa(a, b), "alpha": _alpha(a, b),
        "precision": float(precision_score(a, b, zero_division=np.nan)),
        "recall": float(recall_score(a, b, zero_division=np.nan)),
        "f1": float(f1_score(a, b, zero_division=np.nan)),
    }


def _aligned(reference: pd.DataFrame, coder: pd.DataFrame, codes):
    """Return ``(codes, reference 0/1, coder 0/1)`` for two codings of the same answers."""
    if len(reference) != len(coder):
        raise ValueError(f"the codings have {len(reference)} and {len(coder)} rows")
    codes = list(codes) if codes is not None else [c for c in reference.columns
                                                   if c in coder.columns]
    return (codes, reference[codes].fillna(0).astype(int).to_numpy(),
            coder[codes].fillna(0).astype(int).to_numpy())


def _with_labels(table: pd.DataFrame, labels: dict | None) -> pd.DataFrame:
    if labels:
        table.insert(1, "label", table["code"].map(labels).fillna(""))
    return table


def agreement_table(reference: pd.DataFrame, coder: pd.DataFrame, *, codes=None,
                    labels: dict | None = None) -> pd.DataFrame:
    """Agreement per code between two 0/1 codings of the same answers.

    Parameters
    ----------
    reference : DataFrame
        The reference coding (e.g. a human coder), a 0/1 column per code.
    coder : DataFrame
        The other coding (the machine, or a second human), same rows in the same order.
    codes : list of str, optional
        Codes to compare; default the columns both have.
    labels : dict, optional
        ``{code: label}`` for a ``label`` column.

    Returns
    -------
    DataFrame
        One row per code, then ``all (pooled)`` (every answer × code decision pooled) and
        ``mean over codes``: ``n, reference_yes, coder_yes, tp, fp, fn, tn, agreement,
        kappa, alpha, precision, recall, f1``. Precision and recall treat `reference` as
        the truth.

    Examples
    --------
    >>> h = pd.DataFrame({"a": [1, 1, 0, 0], "b": [0, 1, 0, 1]})
    >>> m = pd.DataFrame({"a": [1, 1, 0, 0], "b": [0, 1, 1, 1]})
    >>> agreement_table(h, m)[["code", "kappa", "f1"]].round(2)
                  code  kappa    f1
    0                a   1.00  1.00
    1                b   0.50  0.80
    2     all (pooled)   0.75  0.89
    3  mean over codes   0.75  0.90
    """
    codes, ref, got = _aligned(reference, coder, codes)
    rows = [_row(c, ref[:, j], got[:, j]) for j, c in enumerate(codes)]
    pooled = _row("all (pooled)", ref.ravel(), got.ravel())
    per = pd.DataFrame(rows)
    mean = {"code": "mean over codes", **per.drop(columns="code").mean(numeric_only=True)}
    out = pd.DataFrame([*rows, pooled, mean])
    return _with_labels(out, labels)


def _kappa_f1(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cohen's kappa and F1 of 0/1 arrays along the last axis (vectorised for resamples).

    Kappa by the rule of :func:`kappa_of_table`: expected agreement 1 gives 1.0.
    """
    pa, pb = a.mean(axis=-1), b.mean(axis=-1)
    observed = (a == b).mean(axis=-1)
    expected = pa * pb + (1 - pa) * (1 - pb)
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = np.where(expected < 1, (observed - expected) / (1 - expected), 1.0)
        tp = (a & b).sum(axis=-1)
        wrong = (a != b).sum(axis=-1)
        f1 = np.where(2 * tp + wrong > 0, 2 * tp / (2 * tp + wrong), np.nan)
    return kappa, f1


def agreement_intervals(reference: pd.DataFrame, coder: pd.DataFrame, *, codes=None,
                        labels: dict | None = None, n_boot: int = 1000, seed: int = 0,
                        confidence: float = 0.95) -> pd.DataFrame:
    """Kappa and F1 per code and pooled, with bootstrap confidence intervals.

    The answers are resampled with replacement `n_boot` times (the same resample for
    every code, so the pooled figure and the codes stay comparable); the interval is the
    percentile interval. Use it on answers the coder did not learn from.

    Parameters
    ----------
    reference, coder : DataFrame
        0/1 per code, same rows in the same order (`reference` is the human coding).
    codes : list of str, optional
        Codes to compare; default the columns both have.
    labels : dict, optional
        ``{code: label}`` for a ``label`` column.
    n_boot : int
        Bootstrap resamples.
    seed : int
        Seed of the resampling.
    confidence : float
        Level of the intervals.

    Returns
    -------
    DataFrame
        ``code, [label,] n, reference_yes, kappa, kappa_low, kappa_high, f1, f1_low,
        f1_high``: one row per code, then ``all (pooled)``. F1 is empty for a code that
        neither coding used.

    Examples
    --------
    >>> h = pd.DataFrame({"a": [1, 1, 0, 0] * 10, "b": [0, 1, 0, 1] * 10})
    >>> m = pd.DataFrame({"a": [1, 1, 0, 0] * 10, "b": [0, 1, 1, 1] * 10})
    >>> t = agreement_intervals(h, m, n_boot=200)
    >>> t[["code", "kappa", "f1"]].round(2).to_dict("list")
    {'code': ['a', 'b', 'all (pooled)'], 'kappa': [1.0, 0.5, 0.75], 'f1': [1.0, 0.8, 0.89]}
    >>> bool((t["kappa_low"] <= t["kappa"]).all() and (t["kappa"] <= t["kappa_high"]).all())
    True
    """
    codes, ref, got = _aligned(reference, coder, codes)
    ref, got = ref.astype(bool), got.astype(bool)
    n = len(ref)
    draws = np.random.default_rng(seed).integers(0, n, size=(n_boot, n)) if n else \
        np.zeros((n_boot, 0), dtype=int)
    tail = (1 - confidence) / 2 * 100
    rows = []
    for name, a, b, boot_a, boot_b in [
        *((c, ref[:, j], got[:, j], ref[draws, j], got[draws, j])
          for j, c in enumerate(codes)),
        ("all (pooled)", ref.ravel(), got.ravel(), ref[draws].reshape(n_boot, -1),
         got[draws].reshape(n_boot, -1)),
    ]:
        kappa, f1 = _kappa_f1(a, b)
        boot_kappa, boot_f1 = _kappa_f1(boot_a, boot_b)
        with np.errstate(all="ignore"):
            k_low, k_high = np.nanpercentile(boot_kappa, [tail, 100 - tail]) \
                if n else (np.nan, np.nan)
            f_low, f_high = np.nanpercentile(boot_f1, [tail, 100 - tail]) \
                if n and np.isfinite(boot_f1).any() else (np.nan, np.nan)
        rows.append({"code": name, "n": n, "reference_yes": int(a.sum()),
                     "kappa": float(kappa), "kappa_low": float(k_low),
                     "kappa_high": float(k_high), "f1": float(f1), "f1_low": float(f_low),
                     "f1_high": float(f_high)})
    out = pd.DataFrame(rows)
    return _with_labels(out, labels)


def label_agreement(reference, coder) -> dict:
    """Agreement of two single-label codings (one code per answer): kappa and alpha.

    Examples
    --------
    >>> round(label_agreement(["a", "b", "b", "c"], ["a", "b", "c", "c"])["kappa"], 3)
    0.636
    """
    from sklearn.metrics import accuracy_score

    reference, coder = list(reference), list(coder)
    values = {v: i for i, v in enumerate(sorted(set(reference) | set(coder), key=str))}
    data = np.array([[values[v] for v in reference], [values[v] for v in coder]], float)
    table = np.zeros((len(values), len(values)))
    np.add.at(table, (data[0].astype(int), data[1].astype(int)), 1)
    return {
        "n": len(reference),
        "accuracy": float(accuracy_score(reference, coder)),
        "kappa": kappa_of_table(table),
        "alpha": _alpha(data[0], data[1]),  # one value only: as for a code
    }


def confusion_table(reference, coder) -> pd.DataFrame:
    """Return counts of reference label (rows) × coder label (columns), with totals."""
    return pd.crosstab(pd.Series(list(reference), name="reference"),
                       pd.Series(list(coder), name="coder"), margins=True, margins_name="all")


def read_reference(path, *, ids, codes, question: str | None = None,
                   id_column: str | None = None) -> tuple[pd.DataFrame, np.ndarray]:
    """Read a hand coding to measure a coder against, aligned to the survey's rows.

    The file has an id column (the survey's id column name, ``respondent_id`` or ``id``),
    a ``themes`` column with the codes of each answer separated by ``;`` (empty: none of
    the codes) and, optionally, a ``question`` column (rows of other questions are left
    out) and an ``answer_kind`` column (only rows with ``answer`` are compared). Answers
    not in the file are not compared.

    Parameters
    ----------
    path : str or Path
        CSV, Excel, SPSS or Parquet.
    ids : sequence
        The survey's ids, in row order.
    codes : list of str
        The codebook's code ids.
    question : str, optional
        The question's column, to pick its rows when the file has a ``question`` column.
    id_column : str, optional
        The survey's id column name.

    Returns
    -------
    human : DataFrame
        0/1 per code, one row per survey row (index 0..n-1).
    answered : ndarray of bool
        The rows that were hand coded (and are answers).

    Raises
    ------
    SurveyInputError
        When a column is missing, an id is repeated, or a code is not in the codebook.
    """
    from survey_tools.coding.active import codes_from_lists
    from survey_tools.errors import SurveyInputError
    from survey_tools.io.readers import read_raw

    table = read_raw(path).data.astype(object).fillna("")
    key = next((c for c in (id_column, "respondent_id", "id") if c and c in table.columns),
               None)
    if key is None or "themes" not in table.columns:
        raise SurveyInputError("the hand coding needs an id column and a 'themes' column",
                               path=path, hint="columns: <id>, [question,] themes "
                                               "(codes separated by ;)")
    if question is not None and "question" in table.columns:
        table = table[table["question"].astype(str) == question]
    table = table.assign(**{key: table[key].astype(str).str.strip()})
    repeated = table[key].duplicated()
    if repeated.any():
        raise SurveyInputError(f"id {table[key][repeated].iloc[0]!r} is coded twice",
                               path=path, row=int(table.index[repeated][0]) + 2, column=key,
                               hint="keep one row per answer")
    known = set(codes)
    for row, value in table["themes"].items():
        unknown = sorted({x.strip() for x in str(value).split(";") if x.strip()} - known)
        if unknown:
            raise SurveyInputError(f"{unknown[0]!r} is not a code of the codebook",
                                   path=path, row=int(row) + 2, column="themes",
                                   hint=f"use the code ids: {sorted(known)}")
    aligned = table.set_index(key).reindex([str(i) for i in ids])
    answered = aligned["themes"].notna().to_numpy().copy()
    if "answer_kind" in aligned.columns:
        answered &= (aligned["answer_kind"] == "answer").to_numpy()
    human = codes_from_lists(aligned["themes"].where(answered, None).tolist(), list(codes))
    return human, answered
