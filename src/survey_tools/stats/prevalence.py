"""Who says what: how the prevalence of each theme depends on respondent characteristics.

The method follows ``estimateEffect`` of the structural topic model (Roberts et al.,
"Structural Topic Models for Open-Ended Survey Responses", AJPS 2014): for each theme
(or code), a logistic regression of "mentions the theme" on the chosen covariates, and
its effects reported as differences in percentage points between groups. What is added
here, for published survey reports:

* **Survey weights**, as a pseudo-likelihood with a robust (sandwich) variance, the
  design-based variance without strata or clusters.
* **Average marginal effects**: "municipalities mention financing 15 points more often
  than organisations, at the same size" is each respondent's predicted prevalence with
  the covariate set to one level minus the other, averaged over the respondents.
* **The uncertainty of the assignment itself.** With soft assignments (a probability
  per answer and theme, such as a supervised coder's scores), the default is stm's
  "method of composition" (``assignment="composition"``): each of `draws` rounds draws
  0/1 assignments from the probabilities, fits, and draws coefficients from their
  sampling distribution, so its intervals are never narrower than those of 0/1
  mentions. Regressing the probabilities themselves ("expected mentions",
  ``assignment="expected"``) gives *narrower* intervals than the true 0/1 mentions would,
  the more so the less decisive the coder (measured in ``bench/prevalence_bench.py``), so
  it is no longer the default. With 0/1 assignments only the sampling uncertainty is
  there. The ``uncertainty`` column says which applied. Answers put in the wrong theme
  pull the groups' shares towards each other: no interval corrects for that, and the
  report says so.
* **Small groups and separation**: a contrast whose group (or reference group) has fewer
  than 10 respondents in the model, or in which every respondent of a group mentions the
  theme or none does, gets its raw difference but no interval and no test, and the
  reason in ``no_interval`` (a regression there reports "+75 points, p = 0").
* **Every respondent accounted for**: respondents who answered but have a missing
  covariate value or a missing, zero or negative weight are left out and counted
  (``left_out``); a theme missing for a respondent is left out of that theme's model, not
  counted as "not mentioned"; a covariate with one level is not compared, with a reason.
* **Many comparisons**: p-values adjusted with Benjamini–Hochberg over every row of
  the table (statsmodels' ``multipletests``).

:func:`prevalence_effects` builds the table; :func:`survey_tools.report.charts.plot_effects`
draws it as stm's "difference" plot.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["prevalence_effects", "adjust_for_many", "align_themes", "ASSIGNMENT_NOTES",
           "MIN_GROUP"]

ASSIGNMENT_NOTES = {
    "fixed": "fixed 0/1 assignments (their uncertainty is not included)",
    "expected": "expected mentions: a regression on the assignment probabilities",
    "composition": "method of composition: assignments drawn from their probabilities",
}
_MIN_MENTIONS = 5
#: Fewer respondents than this in a group (or its reference group): no interval.
MIN_GROUP = 10


def _design(data: pd.DataFrame, covariates, references) -> tuple[np.ndarray, list]:
    """Return the design matrix (intercept first) and, per covariate, how to contrast it.

    A contrast is ``(covariate, label, column slice, values of the columns for the
    reference, values for the level, (level, reference) as shown)``.
    """
    blocks, contrasts, start = [np.ones((len(data), 1))], [], 1
    for name in covariates:
        col = data[name]
        if _is_numeric(col):
            x = col.astype(float).to_numpy()
            low, high = np.quantile(x, [0.25, 0.75])
            if high == low:
                low, high = x.min(), x.max()
            blocks.append(x[:, None])
            contrasts.append((name, f"{_fmt(low)} → {_fmt(high)}", slice(start, start + 1),
                              np.array([low]), np.array([high]), (_fmt(high), _fmt(low))))
            start += 1
            continue
        levels = _levels(col)
        ref = references.get(name, levels[0])
        if ref not in levels:
            raise ValueError(f"reference {ref!r} is not a value of {name!r}: {levels}")
        others = [lv for lv in levels if lv != ref]
        dummies = np.column_stack([(col == lv).to_numpy(float) for lv in others]) \
            if others else np.zeros((len(data), 0))
        blocks.append(dummies)
        block = slice(start, start + len(others))
        for j, lv in enumerate(others):
            to = np.zeros(len(others))
            to[j] = 1.0
            contrasts.append((name, f"{lv} – {ref}", block, np.zeros(len(others)), to,
                              (lv, ref)))
        start += len(others)
    return np.hstack(blocks), contrasts


def _is_numeric(col: pd.Series) -> bool:
    return (pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
            and col.nunique() > 2)


def _levels(col: pd.Series) -> list:
    if isinstance(col.dtype, pd.CategoricalDtype):
        present = set(col.dropna())
        return [c for c in col.cat.categories if c in present]
    return sorted(col.dropna().unique(), key=str)


def _fmt(value: float) -> str:
    return f"{value:.3g}"


def _fit(X, y, w):
    """Weighted logistic regression; returns ``(coefficients, robust covariance)``.

    statsmodels' sandwich (HC0) with the survey weights as variance weights, times the
    small-sample factor n / (n - k) (HC1, as Stata's ``vce(robust)``).
    """
    # the GLM's own modules: statsmodels.api imports all of statsmodels (0.38 s against
    # 0.09 s, in every report kernel)
    from statsmodels.genmod.families import Binomial
    from statsmodels.genmod.generalized_linear_model import GLM

    result = GLM(y, X, family=Binomial(), var_weights=w).fit(cov_type="HC0")
    n, k = X.shape
    return (np.asarray(result.params, dtype=float),
            np.asarray(result.cov_params(), dtype=float) * (n / max(n - k, 1)))


def _effects(X, w, contrasts, betas) -> np.ndarray:
    """Average marginal effect (percentage points) of every contrast, per row of `betas`."""
    out = np.empty((len(betas), len(contrasts)))
    weights = w / w.sum()
    for j, (_, _, block, low, high, _) in enumerate(contrasts):
        X0, X1 = X.copy(), X.copy()
        X0[:, block], X1[:, block] = low, high
        p0 = 1 / (1 + np.exp(-(X0 @ betas.T)))
        p1 = 1 / (1 + np.exp(-(X1 @ betas.T)))
        out[:, j] = 100 * weights @ (p1 - p0)
    return out


def prevalence_effects(themes: pd.DataFrame, data: pd.DataFrame, covariates, *,
                       weight: str | None = None, references: dict | None = None,
                       assignment: str = "composition", draws: int = 200,
                       confidence: float = 0.95, fdr: float = 0.05,
                       misclassification=None, seed: int = 0) -> pd.DataFrame:
    """Estimate how each theme's prevalence differs between groups of respondents.

    Parameters
    ----------
    themes : DataFrame
        One column per theme, one row per respondent in the order of `data`:
        1/0 for mentions / does not mention, or the probability of mentioning it (soft
        assignments). Rows that are all missing (no answer) are left out of every model.
    data : DataFrame
        The respondents: the covariates and the weight.
    covariates : sequence of str
        Columns of `data`. Text, categorical and yes/no columns are compared level by
        level against a reference level; numeric columns with more than two values are
        compared between their first and third quartile.
    weight : str, optional
        A column of survey weights (scaled to mean 1; the variance is the robust one).
    references : dict, optional
        ``{covariate: level}``: the level others are compared with (default the first
        level in the categorical order, else the first sorted).
    assignment : {"composition", "expected"}
        How soft assignments are used (see the module): stm's method of composition
        (default), or a regression on the probabilities (narrower intervals than 0/1
        mentions would give). 0/1 assignments are used as they are either way.
    draws : int
        Simulation rounds: draws of the coefficients from their sampling distribution
        (the intervals are their mean ± z standard deviations); with
        ``"composition"``, each round also draws the assignments and refits.
    confidence : float
        Confidence level of the intervals.
    fdr : float
        False discovery rate for ``significant`` (Benjamini–Hochberg over all rows).
    misclassification : tuple or dict, optional
        The coder's measured agreement with people, ``(sensitivity, specificity)`` (its
        recall on the answers people gave the theme, and on those they did not), for
        every theme or as ``{theme: (sensitivity, specificity)}``. Errors that do not
        depend on the covariates shrink every difference by the factor
        ``sensitivity + specificity - 1``; the difference, its interval and the mention
        share are divided back by it (Rogan & Gladen 1978), and ``corrected`` says so.
        The agreement's own sampling error is not in the interval.
    seed : int
        Seed of the draws; the same data and seed give the same table.

    Returns
    -------
    DataFrame
        One row per theme and contrast: ``theme, covariate, level, reference`` (the
        two values compared: a group and the reference group, or the third and first
        quartile), ``contrast`` (both in one label), ``difference`` (percentage points,
        level minus reference), ``ci_low, ci_high, p_value, p_adjusted, significant,
        n`` (respondents in the model), ``mentions`` (weighted share of the theme,
        percent), ``uncertainty`` (how the assignment was treated), ``no_interval`` (why
        a contrast has no interval: a small group, separation, one level),
        ``left_out`` (respondents who answered but are not in the model: missing
        covariate or weight) and ``corrected`` (the agreement corrected for, if any).
        Percentages are rounded to 3 decimals, p-values to 6. A theme with fewer than 5
        mentions or 5 non-mentions gets no rows for its contrasts but one row with
        ``note``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> data = pd.DataFrame({"kind": rng.choice(["kommun", "förening"], 400)})
    >>> themes = pd.DataFrame({"financing": (rng.random(400) < np.where(
    ...     data["kind"] == "kommun", 0.5, 0.2)).astype(int)})
    >>> table = prevalence_effects(themes, data, ["kind"], references={"kind": "förening"})
    >>> table[["contrast", "significant"]].to_dict("records")
    [{'contrast': 'kommun – förening', 'significant': True}]
    >>> bool(20 < table["difference"].iloc[0] < 40)
    True
    """
    from scipy.stats import norm

    if assignment not in ("expected", "composition"):
        raise ValueError(f"assignment must be 'expected' or 'composition', not {assignment!r}")
    covariates = list(covariates)
    missing = [c for c in [*covariates, *([weight] if weight else [])] if c not in data]
    if missing:
        raise KeyError(f"columns {missing} are not in the data")
    themes = align_themes(themes, data)
    answered = themes.notna().any(axis=1)
    frame = data.loc[answered.index[answered], covariates].copy()
    w = (pd.to_numeric(data.loc[frame.index, weight], errors="coerce")
         if weight else pd.Series(1.0, index=frame.index)).astype(float)
    keep = frame.notna().all(axis=1) & w.gt(0)
    left_out = int((~keep).sum())  # answered, but a covariate or the weight is missing
    frame, w = frame[keep], w[keep]
    single = [c for c in covariates if len(frame) and not _is_numeric(frame[c])
              and len(_levels(frame[c])) < 2]
    used = [c for c in covariates if c not in single]
    rng = np.random.default_rng(seed)
    z = norm.ppf(0.5 + confidence / 2)
    rows = []
    for theme in themes.columns:
        known = themes.loc[frame.index, theme].notna().to_numpy()  # missing is not "no"
        sub, ws = frame[known], w.to_numpy()[known]
        ws = ws / ws.mean() if len(ws) else ws
        p = themes.loc[sub.index, theme].to_numpy(float).clip(0, 1)
        X, contrasts = (_design(sub, used, references or {}) if len(sub)
                        else (np.zeros((0, 1)), []))  # every theme gets its "too few" note
        how = assignment if ((p > 0) & (p < 1)).any() else "fixed"
        share = float(np.average(p, weights=ws)) if len(p) else np.nan
        base = {"theme": theme, "n": len(p), "mentions": 100 * share,
                "uncertainty": ASSIGNMENT_NOTES[how], "left_out": left_out}
        rows += [{**base, "covariate": c, "no_interval": "one level only"} for c in single]
        expected = (ws * p).sum()
        if min(expected, ws.sum() - expected) < _MIN_MENTIONS:
            rows.append({**base, "note": "too few mentions to compare groups"})
            continue
        centre, effects = _simulate(X, ws, p, how == "composition", contrasts, draws, rng)
        factor = _youden(misclassification, theme)
        if factor != 1.0:  # differences of the true shares, under non-differential errors
            centre, effects = centre / factor, effects / factor
            se, sp = (misclassification.get(theme) if isinstance(misclassification, dict)
                      else misclassification)
            base["mentions"] = 100 * min(1.0, max(0.0, (share - (1 - sp)) / factor))
            base["corrected"] = f"sensitivity {se:g}, specificity {sp:g}"
        spread = effects.std(axis=0, ddof=1)
        for j, (name, label, _, _, _, (level, reference)) in enumerate(contrasts):
            row = {**base, "covariate": name, "level": level, "reference": reference,
                   "contrast": label}
            small = None if _is_numeric(sub[name]) else _small_or_separated(
                sub[name], level, reference, p, ws)
            if small is not None:
                rows.append({**row, "difference": small[0], "no_interval": small[1]})
                continue
            zscore = centre[j] / spread[j] if spread[j] > 0 else 0.0
            rows.append({**row, "difference": centre[j], "ci_low": centre[j] - z * spread[j],
                         "ci_high": centre[j] + z * spread[j],
                         "p_value": float(2 * norm.sf(abs(zscore)))})
    table = pd.DataFrame(rows, columns=["theme", "covariate", "level", "reference", "contrast",
                                        "difference", "ci_low", "ci_high", "p_value",
                                        "p_adjusted", "significant", "n", "mentions",
                                        "uncertainty", "note", "no_interval", "left_out",
                                        "corrected"])
    adjust_for_many(table, fdr=fdr)
    # Fixed decimals: long float tails in a published CSV can look like phone numbers.
    return table.round({"difference": 3, "ci_low": 3, "ci_high": 3, "mentions": 3,
                        "p_value": 6, "p_adjusted": 6})


def _youden(misclassification, theme) -> float:
    """``sensitivity + specificity - 1`` for `theme` (1.0: no correction)."""
    if misclassification is None:
        return 1.0
    pair = (misclassification.get(theme) if isinstance(misclassification, dict)
            else misclassification)
    if pair is None:
        return 1.0
    se, sp = (float(v) for v in pair)
    if not (0 <= se <= 1 and 0 <= sp <= 1) or se + sp - 1 <= 0.05:
        raise ValueError(f"sensitivity {se} and specificity {sp} of {theme!r}: their sum "
                         "must be above 1.05 (a coder no better than chance cannot be "
                         "corrected for)")
    return se + sp - 1


def _small_or_separated(column: pd.Series, level, reference, p, w):
    """``(raw difference, reason)`` when a contrast cannot have an interval, else None.

    Fewer than :data:`MIN_GROUP` respondents in the group or the reference group, or a
    group in which everyone or no one mentions the theme (separation: the regression's
    estimate runs off and its interval means nothing).
    """
    values = column.to_numpy(dtype=object)
    shares, reasons = [], []
    for value in (level, reference):
        inside = np.array([str(v) == str(value) for v in values])
        if inside.sum() < MIN_GROUP:
            reasons.append(f"only {int(inside.sum())} respondents with {value}")
        share = float(np.average(p[inside], weights=w[inside])) if inside.any() else np.nan
        if inside.any() and share in (0.0, 1.0):
            reasons.append(f"{'everyone' if share else 'no one'} with {value} mentions it "
                           "(separation)")
        shares.append(share)
    if not reasons:
        return None
    return 100 * (shares[0] - shares[1]), "; ".join(reasons)


def align_themes(themes: pd.DataFrame, frame: pd.DataFrame, *, name: str = "data",
                 each: str = "respondent") -> pd.DataFrame:
    """Return `themes` with the index of `frame`: one row per row of `frame`, in order.

    Raises ValueError when the lengths differ (the rows cannot be matched).
    """
    if len(themes) != len(frame):
        raise ValueError(f"themes has {len(themes)} rows and {name} {len(frame)}: give one "
                         f"row per {each}, in the same order, in both")
    return themes.set_axis(frame.index)


def adjust_for_many(table: pd.DataFrame, *, fdr: float = 0.05) -> pd.DataFrame:
    """Fill ``p_adjusted`` and ``significant`` from ``p_value`` (Benjamini–Hochberg), in place.

    Rows without a p-value are not tested and not significant. Returns `table`.

    Examples
    --------
    >>> t = pd.DataFrame({"p_value": [0.01, 0.04, None, 0.5]})
    >>> adjust_for_many(t)["significant"].tolist()
    [True, False, False, False]
    """
    from statsmodels.stats.multitest import multipletests

    tested = table["p_value"].notna()
    table["p_adjusted"] = np.nan
    table["significant"] = False
    if tested.any():
        reject, adjusted, _, _ = multipletests(table.loc[tested, "p_value"], alpha=fdr,
                                               method="fdr_bh")
        table.loc[tested, "p_adjusted"] = adjusted
        table.loc[tested, "significant"] = reject
    return table


def _simulate(X, w, p, composition, contrasts, draws, rng):
    """Return the estimated effects and their draws (a row per round, a column per contrast)."""
    if not composition:  # the estimate at the fitted coefficients, the spread from draws
        beta, cov = _fit(X, p, w)
        betas = rng.multivariate_normal(beta, cov, size=draws, method="eigh")
        return _effects(X, w, contrasts, beta[None, :])[0], _effects(X, w, contrasts, betas)
    out = []
    for _ in range(draws):
        y = (rng.random(len(p)) < p).astype(float)
        beta, cov = _fit(X, y, w)
        out.append(_effects(X, w, contrasts, rng.multivariate_normal(
            beta, cov, size=1, method="eigh"))[0])
    out = np.vstack(out)
    return out.mean(axis=0), out
