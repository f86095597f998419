"""Themes against each other and against the closed questions (issue #18).

The themes table is the same as for :func:`survey_tools.stats.prevalence.prevalence_effects`:
one 0/1 column per theme or code, one row per respondent, missing for those who did not
answer the open question (:func:`survey_tools.stats.topic_tables.topic_indicators`, or a
coder's codes of the answered rows).

* :func:`theme_cooccurrence`: which themes appear together in one answer (for codes: an
  answer can carry several), as the share of one theme's answers that also carry the
  other, and the lift over chance; :func:`cooccurrence_matrix` turns it into the grid
  that :func:`survey_tools.report.charts.plot_topic_heatmap` draws.
* :func:`scores_by_theme`: the mean score on Likert (or numeric) items among those who
  mention a theme against those who do not ("those who mention the legal situation rate
  the legal situation lower"), with Welch intervals and Benjamini–Hochberg over the table.
* :func:`theme_waves`: each theme's share per survey wave (or per month, quarter … of a
  date), with Wilson intervals; the chats' themes over time use it too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["theme_cooccurrence", "cooccurrence_matrix", "scores_by_theme", "theme_waves"]


def _answered(themes: pd.DataFrame) -> pd.DataFrame:
    return themes[themes.notna().any(axis=1)].fillna(0).astype(float)


def theme_cooccurrence(themes: pd.DataFrame, *, weights=None) -> pd.DataFrame:
    """Return how often each pair of themes appears in the same answer.

    Parameters
    ----------
    themes : DataFrame
        0/1 per theme, one row per respondent (missing: did not answer).
    weights : array-like, optional
        Survey weight of each row.

    Returns
    -------
    DataFrame
        One row per ordered pair (theme, other): ``theme, other, n_both`` (answers with
        both), ``n_theme`` (answers with `theme`), ``percent`` (weighted share of
        `theme`'s answers that also carry `other`) and ``lift`` (how many times more
        often the two appear together than if they were independent; 1 is chance).

    Examples
    --------
    >>> t = pd.DataFrame({"a": [1, 1, 0, 1], "b": [1, 0, 1, 1], "c": [0, 0, 1, None]})
    >>> theme_cooccurrence(t).query("theme == 'a'")[["other", "n_both", "percent"]]
      other  n_both    percent
    0     b       2  66.666667
    1     c       0   0.000000
    """
    answered = _answered(themes)
    w = (np.ones(len(answered)) if weights is None else
         pd.Series(np.asarray(weights, dtype=float), index=themes.index)
         .loc[answered.index].fillna(0).to_numpy())
    X = answered.to_numpy()
    both = (X * w[:, None]).T @ X
    counts = X.T @ X
    total = w.sum()
    share = np.diag(both) / total if total else np.zeros(X.shape[1])
    rows = []
    for i, a in enumerate(answered.columns):
        for j, b in enumerate(answered.columns):
            if i == j:
                continue
            expected = share[i] * share[j] * total
            rows.append({"theme": a, "other": b, "n_both": int(counts[i, j]),
                         "n_theme": int(counts[i, i]),
                         "percent": 100 * both[i, j] / both[i, i] if both[i, i] else np.nan,
                         "lift": both[i, j] / expected if expected else np.nan})
    return pd.DataFrame(rows, columns=["theme", "other", "n_both", "n_theme", "percent",
                                       "lift"])


def cooccurrence_matrix(table: pd.DataFrame) -> pd.DataFrame:
    """Pivot :func:`theme_cooccurrence` to themes (rows) × other themes (columns), percent.

    The diagonal is missing (a theme with itself), so a heatmap leaves it blank.
    """
    order = list(dict.fromkeys([*table["theme"], *table["other"]]))
    grid = table.pivot(index="theme", columns="other", values="percent")
    return grid.reindex(index=order, columns=order).rename_axis(index=None, columns=None)


def _scores(values: pd.Series) -> pd.Series:
    """Numeric scores of an item: numbers as they are, Likert levels as 1..k."""
    from survey_tools.stats.tables import likert_scores

    if pd.api.types.is_numeric_dtype(values):
        return pd.to_numeric(values, errors="coerce").astype(float)
    return likert_scores(values)


def scores_by_theme(themes: pd.DataFrame, data: pd.DataFrame, items, *,
                    weight: str | None = None, labels: dict | None = None,
                    confidence: float = 0.95, fdr: float = 0.05,
                    min_n: int = 5) -> pd.DataFrame:
    """Compare mean scores between those who mention each theme and those who do not.

    Parameters
    ----------
    themes : DataFrame
        0/1 per theme, one row per respondent in the order of `data` (missing: did not
        answer the open question; left out).
    data : DataFrame
        The respondents, with the `items`.
    items : sequence of str
        Likert items (scored 1..k along their scale; "don't know" left out) or numeric
        columns.
    weight : str, optional
        A weight column (means weighted; intervals with the weights scaled to the
        effective sample size, as :func:`survey_tools.stats.tables.change_table` does).
    labels : dict, optional
        Item to question text.
    confidence, fdr : float
        Confidence level; false discovery rate of ``significant`` (Benjamini–Hochberg
        over every row).
    min_n : int
        Pairs with fewer respondents on either side are not compared.

    Returns
    -------
    DataFrame
        ``theme, item, label, n_theme, mean_theme, n_other, mean_other, difference``
        (theme minus other), ``ci_low, ci_high, p_value, p_adjusted, significant``.

    Examples
    --------
    >>> data = pd.DataFrame({"rating": [1, 2, 1, 2, 1, 4, 5, 4, 5, 4, 5, 4]})
    >>> themes = pd.DataFrame({"legal": [1] * 5 + [0] * 7})
    >>> row = scores_by_theme(themes, data, ["rating"]).iloc[0]
    >>> float(row["difference"]), bool(row["significant"])
    (-3.0286, True)
    """
    from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

    from survey_tools.stats.prevalence import adjust_for_many, align_themes
    from survey_tools.stats.tables import effective_n

    themes = align_themes(themes, data)
    answered = themes.notna().any(axis=1)
    w_all = (pd.to_numeric(data[weight], errors="coerce").fillna(0.0) if weight
             else pd.Series(1.0, index=data.index))
    rows = []
    for item in items:
        score = _scores(data[item])
        ok = answered & score.notna() & (w_all > 0)
        for theme in themes.columns:
            mention = themes.loc[ok, theme].fillna(0).to_numpy() > 0
            values, w = score[ok].to_numpy(), w_all[ok].to_numpy()
            row = {"theme": theme, "item": item, "label": (labels or {}).get(item, item),
                   "n_theme": int(mention.sum()), "n_other": int((~mention).sum())}
            if min(row["n_theme"], row["n_other"]) < min_n:
                rows.append(row)
                continue
            sides = []
            for part in (mention, ~mention):
                wp = w[part]
                sides.append(DescrStatsW(values[part], weights=wp * effective_n(wp) / wp.sum(),
                                         ddof=1))
            compare = CompareMeans(*sides)
            low, high = compare.tconfint_diff(alpha=1 - confidence, usevar="unequal")
            row.update(mean_theme=sides[0].mean, mean_other=sides[1].mean,
                       difference=sides[0].mean - sides[1].mean, ci_low=low, ci_high=high,
                       p_value=compare.ttest_ind(usevar="unequal")[1])
            rows.append(row)
    table = pd.DataFrame(rows, columns=["theme", "item", "label", "n_theme", "mean_theme",
                                        "n_other", "mean_other", "difference", "ci_low",
                                        "ci_high", "p_value", "p_adjusted", "significant"])
    adjust_for_many(table, fdr=fdr)
    return table.round({"mean_theme": 4, "mean_other": 4, "difference": 4, "ci_low": 4,
                        "ci_high": 4, "p_value": 6, "p_adjusted": 6})


def theme_waves(themes: pd.DataFrame, waves, *, weights=None, freq: str | None = None,
                confidence: float = 0.95) -> pd.DataFrame:
    """Return each theme's share of the answers per wave (or period), with intervals.

    Parameters
    ----------
    themes : DataFrame
        0/1 per theme, one row per respondent (missing: did not answer; left out).
    waves : array-like
        The wave of each row: labels (waves in sorted order, or the order of a
        categorical), or dates grouped into periods of `freq`.
    weights : array-like, optional
        Survey weight of each row (shares weighted; intervals with Kish's effective n).
    freq : str, optional
        For dates: ``"M"`` months, ``"Q"`` quarters, ``"Y"`` years, ``"W"`` weeks
        (default months).
    confidence : float
        Confidence level of the Wilson intervals.

    Returns
    -------
    DataFrame
        ``period, category, n, percent, ci_low, ci_high, base_n``: every theme in every
        wave (zero counts included), waves in order, themes by their total count
        (the table :func:`survey_tools.report.charts.plot_over_time` draws).

    Examples
    --------
    >>> t = pd.DataFrame({"budget": [1, 0, 1, 1], "legal": [0, 1, 0, None]})
    >>> theme_waves(t, ["2024", "2024", "2025", "2025"])[["period", "category", "percent"]]
      period category  percent
    0   2024   budget     50.0
    1   2024    legal     50.0
    2   2025   budget    100.0
    3   2025    legal      0.0
    """
    from survey_tools.stats.tables import effective_n, share_frame

    waves = (waves.set_axis(themes.index) if isinstance(waves, pd.Series)
             else pd.Series(list(waves), index=themes.index))
    w = (pd.Series(1.0, index=themes.index) if weights is None else
         pd.Series(np.asarray(weights, dtype=float), index=themes.index).fillna(0.0))
    keep = themes.notna().any(axis=1) & waves.notna() & (w > 0)
    answered, waves, w = themes[keep].fillna(0).astype(float), waves[keep], w[keep]
    dates = (pd.to_datetime(waves, errors="coerce", format="mixed")
             if not _is_labels(waves) else None)
    if dates is not None and dates.notna().all():
        code = {"ME": "M", "QE": "Q", "YE": "Y"}.get(freq or "M", freq or "M")
        waves = pd.Series(pd.PeriodIndex(dates, freq=code).astype(str), index=waves.index)
    order = (list(waves.cat.categories) if isinstance(waves.dtype, pd.CategoricalDtype)
             else sorted(waves.unique(), key=_wave_key))
    counts = answered.sum(axis=0)
    cats = counts.sort_values(ascending=False, kind="stable").index.tolist()
    rows = []
    for period in order:
        part = (waves == period).to_numpy()
        if not part.any():
            continue
        wp = w[part].to_numpy()
        selected = [(answered.loc[part, c].to_numpy() * wp).sum() for c in cats]
        shares = share_frame(selected, [wp.sum()] * len(cats), effective_n(wp), confidence)
        for c, (_, share) in zip(cats, shares.iterrows(), strict=True):
            rows.append({"period": str(period), "category": c,
                         "n": int(answered.loc[part, c].sum()), **share.to_dict(),
                         "base_n": int(part.sum())})
    return pd.DataFrame(rows, columns=["period", "category", "n", "percent", "ci_low",
                                       "ci_high", "base_n"])


def _wave_key(value):
    """Sort waves 1, 2, 10 as numbers and labels as text (numbers first)."""
    try:
        return (0, float(value), "")
    except (TypeError, ValueError):
        return (1, 0.0, str(value))


def _is_labels(waves: pd.Series) -> bool:
    """Whether waves are labels (2, "2024", "Våg 1") rather than dates or timestamps.

    Numbers (wave numbers, years) and texts without a digit are labels; the rest are
    tried as dates (a text that is not a date keeps its label).
    """
    if pd.api.types.is_datetime64_any_dtype(waves):
        return False
    if isinstance(waves.dtype, pd.CategoricalDtype):
        return True
    if pd.to_numeric(waves, errors="coerce").notna().all():
        return True
    return not waves.astype(str).str.contains(r"\d").all()
