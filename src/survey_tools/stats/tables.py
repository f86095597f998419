"""Frequency tables, crosstabs, Likert and before/after summaries with confidence intervals.

Every function is pure: it takes a DataFrame, never changes it, and returns a tidy
DataFrame that a chart function in :mod:`survey_tools.report.charts` can draw. Percentages are
0–100. With a ``weight`` column, shares are weighted and confidence intervals use Kish's
effective sample size, ``n_eff = (Σw)² / Σw²``; counts (``n``) are always unweighted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from survey_tools.io.scales import find_scale

__all__ = [
    "wilson_interval",
    "category_order",
    "share_frame",
    "effective_n",
    "frequency_table",
    "crosstab_table",
    "multi_response_table",
    "likert_levels",
    "likert_scores",
    "likert_table",
    "likert_summary",
    "change_table",
    "open_text_overview",
]


def wilson_interval(count, nobs, *, confidence: float = 0.95):
    """Return the Wilson score interval for ``count`` successes out of ``nobs`` (as shares).

    Thin wrapper around :func:`statsmodels.stats.proportion.proportion_confint` that also
    accepts fractional (weighted) counts and gives ``(nan, nan)`` for ``nobs == 0``.

    Examples
    --------
    >>> low, high = wilson_interval(50, 100)
    >>> round(float(low), 3), round(float(high), 3)
    (0.404, 0.596)
    >>> [float(b) for b in wilson_interval(0, 14)][0]
    0.0
    """
    from statsmodels.stats.proportion import proportion_confint

    count = np.asarray(count, dtype=float)
    nobs = np.asarray(nobs, dtype=float)
    safe = np.where(nobs > 0, nobs, 1.0)
    low, high = proportion_confint(np.minimum(count, safe), safe, alpha=1 - confidence,
                                   method="wilson")
    empty = nobs <= 0
    # statsmodels' float noise at the bounds (1.4e-15 for 0 of 14) would be printed as such
    low, high = (np.clip(np.round(bound, 12), 0.0, 1.0) for bound in (low, high))
    return np.where(empty, np.nan, low), np.where(empty, np.nan, high)


def effective_n(weights) -> float:
    """Return Kish's effective sample size of `weights` (the count when all weights are 1).

    Examples
    --------
    >>> effective_n([1, 1, 1, 1])
    4.0
    >>> round(effective_n([1, 1, 1, 3]), 2)
    3.0
    """
    w = np.asarray(weights, dtype=float)
    if w.size == 0 or w.sum() == 0:
        return 0.0
    return float(w.sum() ** 2 / np.square(w).sum())


def _weights(data: pd.DataFrame, weight: str | None) -> pd.Series:
    if weight is None:
        return pd.Series(1.0, index=data.index)
    w = pd.to_numeric(data[weight], errors="coerce").astype(float)
    if (w < 0).any():
        raise ValueError(f"weight column {weight!r} has negative values")
    return w.fillna(0.0)


def category_order(s: pd.Series, order=None) -> list:
    """Return the categories of `s` in order: `order`, the categorical's, else sorted."""
    if order is not None:
        return list(order)
    if isinstance(s.dtype, pd.CategoricalDtype):
        return list(s.cat.categories)
    return sorted(s.dropna().unique(), key=str)


def share_frame(w_selected, w_base, n_eff, confidence) -> pd.DataFrame:
    """Return ``percent, ci_low, ci_high`` from weighted counts and effective base sizes."""
    w_selected = np.asarray(w_selected, dtype=float)
    w_base = np.asarray(w_base, dtype=float)
    share = np.divide(w_selected, w_base, out=np.full_like(w_selected, np.nan),
                      where=w_base > 0)
    low, high = wilson_interval(np.nan_to_num(share) * n_eff, n_eff, confidence=confidence)
    return pd.DataFrame({"percent": 100 * share, "ci_low": 100 * low, "ci_high": 100 * high})


def frequency_table(
    data: pd.DataFrame,
    column: str,
    *,
    weight: str | None = None,
    order=None,
    dropna: bool = True,
    missing_label: str = "Missing",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Count the answers of one question, with (weighted) percentages and Wilson intervals.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    column : str
        The question.
    weight : str, optional
        A weight column.
    order : list, optional
        Category order; default the categorical order, else sorted.
    dropna : bool
        Leave missing answers out of the base (default). With False they get a row
        labelled `missing_label`, so every respondent is counted.
    missing_label : str
        Label of the missing row.
    confidence : float
        Confidence level of the intervals.

    Returns
    -------
    DataFrame
        Columns ``category, n, percent, ci_low, ci_high, base_n``.

    Examples
    --------
    >>> df = pd.DataFrame({"q": ["a", "b", "a", None]})
    >>> frequency_table(df, "q")[["category", "n", "percent"]].round(1)
      category  n  percent
    0        a  2     66.7
    1        b  1     33.3
    """
    s = data[column]
    w = _weights(data, weight)
    cats = category_order(s, order)
    keys = s.astype(object).where(s.notna(), None)
    if not dropna:
        cats = cats + [missing_label]
        keys = keys.where(keys.notna(), missing_label)
    valid = keys.notna() & keys.isin(cats)
    n = [int((keys == c).sum()) for c in cats]
    w_sel = [float(w[keys == c].sum()) for c in cats]
    w_base = float(w[valid].sum())
    n_eff = effective_n(w[valid])
    out = pd.DataFrame({"category": cats, "n": n})
    out = pd.concat([out, share_frame(w_sel, [w_base] * len(cats), n_eff, confidence)],
                    axis=1)
    out["base_n"] = int(valid.sum())
    return out


def _group_keys(data: pd.DataFrame, by: str) -> list:
    return [g for g in category_order(data[by]) if (data[by] == g).any()]


def _split_by(data: pd.DataFrame, by: str | None) -> list:
    """Return ``[(group, rows)]`` in group order; one ``(None, data)`` when `by` is None."""
    if by is None:
        return [(None, data)]
    return [(g, data[data[by] == g]) for g in _group_keys(data, by)]


def crosstab_table(
    data: pd.DataFrame,
    column: str,
    *,
    by: str,
    weight: str | None = None,
    order=None,
    dropna: bool = True,
    total: bool = False,
    total_label: str = "All",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Cross-tabulate `column` by the groups in `by`: percentages within each group.

    Respondents with a missing group are left out (their number is ``data[by].isna().sum()``).

    Returns
    -------
    DataFrame
        Columns ``group, category, n, percent, ci_low, ci_high, base_n``; with
        ``total=True`` the whole sample follows as group `total_label`.
    """
    cats = category_order(data[column], order)
    parts = []
    groups = _split_by(data, by)
    for g, sub in groups:
        part = frequency_table(sub, column, weight=weight, order=cats, dropna=dropna,
                               confidence=confidence)
        parts.append(part.assign(group=g))
    if total:
        part = frequency_table(data, column, weight=weight, order=cats, dropna=dropna,
                               confidence=confidence)
        parts.append(part.assign(group=total_label))
    out = pd.concat(parts, ignore_index=True)
    names = [g for g, _ in groups] + ([total_label] * total)
    out["group"] = pd.Categorical(out["group"], categories=names)
    return out[["group", "category", "n", "percent", "ci_low", "ci_high", "base_n"]]


def multi_response_table(
    data: pd.DataFrame,
    columns: list[str],
    *,
    labels: dict | None = None,
    by: str | None = None,
    weight: str | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Share of respondents who ticked each option of a check-all question (0/1 columns).

    The base is the respondents who answered the question: those with at least one of its
    `columns` filled in. Within it a missing option counts as not ticked, as exports that
    write "ticked"/blank leave it (:mod:`survey_tools.io.multiple_choice`); a respondent with every
    option missing skipped the question and is left out.

    Parameters
    ----------
    data : DataFrame
        One row per respondent.
    columns : list of str
        One 0/1 column per option.
    labels : dict, optional
        Column to option text.
    by : str, optional
        Group column; default the whole sample.
    weight : str, optional
        A weight column.
    confidence : float
        Confidence level.

    Returns
    -------
    DataFrame
        Columns ``[group,] option, label, n, percent, ci_low, ci_high, base_n``.
    """
    labels = labels or {}
    rows = []
    for g, sub in _split_by(data, by):
        w = _weights(sub, weight)
        ticks = sub[columns].apply(pd.to_numeric, errors="coerce")
        valid = ticks.notna().any(axis=1)
        for col in columns:
            ticked = (ticks[col].fillna(0) == 1).to_numpy(dtype=bool) & valid.to_numpy()
            share = share_frame([float(w[ticked].sum())], [float(w[valid].sum())],
                                 effective_n(w[valid]), confidence).iloc[0].to_dict()
            rows.append({"group": g, "option": col, "label": labels.get(col, col),
                         "n": int(ticked.sum()), **share, "base_n": int(valid.sum())})
    out = pd.DataFrame(rows)
    if by is None:
        return out.drop(columns="group")
    out["group"] = pd.Categorical(out["group"], categories=_group_keys(data, by))
    return out


def likert_levels(s: pd.Series) -> tuple[list, list]:
    """Return ``(levels, dont_know)`` of a Likert column, levels from lowest to highest.

    Uses the categorical order when the column is categorical, else the known scale its
    answers belong to (:func:`survey_tools.io.scales.find_scale`).
    """
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = [str(c) for c in s.cat.categories]
        scale = find_scale(cats)
        dk = [c for c in cats if scale is not None and c in scale.dont_know]
        return [c for c in cats if c not in dk], dk
    scale = find_scale(s.dropna().astype(str).unique())
    if scale is None:
        raise ValueError(f"column {s.name!r} is not on a known response scale")
    return list(scale.levels), list(scale.dont_know)


def likert_scores(s: pd.Series, levels=None) -> pd.Series:
    """Score a Likert column 1..k along its scale (`levels`, else :func:`likert_levels`).

    "Don't know" and answers off the scale are missing.

    Examples
    --------
    >>> likert_scores(pd.Series(["Instämmer helt", "Vet ej", "Instämmer inte alls"])).tolist()
    [5.0, nan, 1.0]
    """
    levels = likert_levels(s)[0] if levels is None else levels
    return s.astype(object).map({lv: k + 1.0 for k, lv in enumerate(levels)}).astype(float)


def likert_table(
    data: pd.DataFrame,
    items: list[str],
    *,
    labels: dict | None = None,
    by: str | None = None,
    weight: str | None = None,
) -> pd.DataFrame:
    """Distribution of Likert items over their levels, in scale order.

    Percentages are of the substantive answers (don't-know and missing left out).

    Returns
    -------
    DataFrame
        Columns ``[group,] item, label, level, level_index, n, percent``; ``level_index``
        counts from 0 for the lowest level.
    """
    labels = labels or {}
    rows = []
    for g, sub in _split_by(data, by):
        w = _weights(sub, weight)
        for item in items:
            levels, _ = likert_levels(data[item])
            s = sub[item].astype(object)
            valid = s.isin(levels)
            total = float(w[valid].sum())
            for k, level in enumerate(levels):
                hit = s == level
                pct = 100 * float(w[hit].sum()) / total if total > 0 else np.nan
                rows.append({"group": g, "item": item, "label": labels.get(item, item),
                             "level": level, "level_index": k, "n": int(hit.sum()),
                             "percent": pct})
    out = pd.DataFrame(rows)
    return out.drop(columns="group") if by is None else out


def likert_summary(
    data: pd.DataFrame,
    items: list[str],
    *,
    labels: dict | None = None,
    by: str | None = None,
    weight: str | None = None,
    top: int = 2,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """One row per Likert item (and group): base, don't-know, mean score and top-box share.

    Parameters
    ----------
    top : int
        How many of the highest levels count as agreeing (top-box), default 2.

    Returns
    -------
    DataFrame
        Columns ``[group,] item, label, base_n, n_dont_know, n_missing, mean,
        percent, ci_low, ci_high`` where ``percent`` is the top-box share with its
        Wilson interval and ``mean`` scores the levels 1..k.
    """
    labels = labels or {}
    rows = []
    for g, sub in _split_by(data, by):
        w = _weights(sub, weight)
        for item in items:
            levels, dk = likert_levels(data[item])
            s = sub[item].astype(object)
            valid = s.isin(levels)
            score = likert_scores(s, levels)
            wv = w[valid]
            mean = float(np.average(score[valid].astype(float), weights=wv)) \
                if wv.sum() > 0 else np.nan
            share = share_frame([float(w[s.isin(levels[-top:])].sum())], [float(wv.sum())],
                                 effective_n(wv), confidence).iloc[0].to_dict()
            rows.append({"group": g, "item": item, "label": labels.get(item, item),
                         "base_n": int(valid.sum()), "n_dont_know": int(s.isin(dk).sum()),
                         "n_missing": int(s.isna().sum()), "mean": mean, **share})
    out = pd.DataFrame(rows)
    if by is None:
        return out.drop(columns="group")
    out["group"] = pd.Categorical(out["group"], categories=_group_keys(data, by))
    return out


def _mean_ci(values: np.ndarray, w: np.ndarray, confidence: float):
    from statsmodels.stats.weightstats import DescrStatsW

    if len(values) < 2 or w.sum() == 0:
        mean = float(np.average(values, weights=w)) if w.sum() > 0 else np.nan
        return mean, np.nan, np.nan
    scaled = w * effective_n(w) / w.sum()  # frequency weights summing to n_eff
    stats = DescrStatsW(values, weights=scaled, ddof=1)
    low, high = stats.tconfint_mean(alpha=1 - confidence)
    return float(stats.mean), float(low), float(high)


def change_table(
    data: pd.DataFrame,
    before: str,
    after: str,
    *,
    by: str | None = None,
    weight: str | None = None,
    confidence: float = 0.95,
    total_label: str = "All",
) -> pd.DataFrame:
    """Mean of a score before and after (paired), with t intervals, overall and by group.

    Only respondents with both values count. With weights, the interval uses the weights
    rescaled to sum to the effective sample size.

    Returns
    -------
    DataFrame
        Columns ``group, n, mean_before, ci_low_before, ci_high_before, mean_after,
        ci_low_after, ci_high_after, mean_change, ci_low_change, ci_high_change``; the
        first row is the whole sample (`total_label`), groups follow.
    """
    groups = [(total_label, data)] + ([] if by is None else _split_by(data, by))
    rows = []
    for g, sub in groups:
        b = pd.to_numeric(sub[before], errors="coerce").astype(float)
        a = pd.to_numeric(sub[after], errors="coerce").astype(float)
        ok = (b.notna() & a.notna()).to_numpy()
        w = _weights(sub, weight).to_numpy()[ok]
        row = {"group": g, "n": int(ok.sum())}
        for name, values in (("before", b), ("after", a), ("change", a - b)):
            m, lo, hi = _mean_ci(values.to_numpy()[ok], w, confidence)
            row |= {f"mean_{name}": m, f"ci_low_{name}": lo, f"ci_high_{name}": hi}
        rows.append(row)
    out = pd.DataFrame(rows)
    out["group"] = pd.Categorical(out["group"], categories=[g for g, _ in groups])
    return out


def open_text_overview(data: pd.DataFrame, columns: list[str], *,
                       labels: dict | None = None) -> pd.DataFrame:
    """Describe open-ended questions without showing any answer (they may hold personal data).

    Returns
    -------
    DataFrame
        Columns ``column, label, answered, empty, distinct, median_chars, max_chars``.
    """
    labels = labels or {}
    rows = []
    for col in columns:
        s = data[col]
        lengths = s.dropna().astype(str).str.len()
        rows.append({"column": col, "label": labels.get(col, col),
                     "answered": int(s.notna().sum()), "empty": int(s.isna().sum()),
                     "distinct": int(s.nunique(dropna=True)),
                     "median_chars": float(lengths.median()) if len(lengths) else np.nan,
                     "max_chars": int(lengths.max()) if len(lengths) else 0})
    return pd.DataFrame(rows)
