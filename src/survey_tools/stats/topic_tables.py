"""Topic tables for reports: shares by group with intervals, topic × group grid, topics.csv."""

from __future__ import annotations

import numpy as np
import pandas as pd

from survey_tools.stats.tables import category_order, effective_n, share_frame

__all__ = ["topic_share_table", "theme_table", "topic_group_matrix", "topic_indicators",
           "topics_for_export"]

_MODELLED = ("assigned", "outlier")


def topic_share_table(assignments: pd.DataFrame, *, groups=None, weights=None,
                      include_outliers: bool = True, confidence: float = 0.95,
                      total_label: str | None = None) -> pd.DataFrame:
    """Share of answers in each topic, per group, with Wilson confidence intervals.

    Topics are ordered by their share of all modelled answers (weighted with `weights`),
    largest first, outliers last: the order of the bars in a chart of the table. The base
    is every modelled answer (status assigned or outlier) in the group; empty
    answers and non-answers are left out of the base. With weights, shares are weighted
    and intervals use Kish's effective n, as in :mod:`survey_tools.stats.tables`.

    Parameters
    ----------
    assignments : DataFrame
        :attr:`TopicModel.assignments_` (columns ``status, topic, label``).
    groups : Series or array, optional
        Group of each row (same order as `assignments`), e.g. organisation type.
    weights : Series or array, optional
        Survey weight of each row.
    include_outliers : bool
        Also report the outlier share (topic -1).
    confidence : float
        Confidence level.
    total_label : str, optional
        With `groups`, also add an all-groups row set under this name.

    Returns
    -------
    DataFrame
        Columns ``group, topic, category, n, percent, ci_low, ci_high, base_n`` with
        ``category`` the topic label; ``group`` is None without `groups`.

    Examples
    --------
    >>> a = pd.DataFrame({"status": ["assigned"] * 3 + ["outlier", "empty"],
    ...                   "topic": [0, 0, 1, -1, None], "label": ["a", "a", "b", "outliers", None]})
    >>> topic_share_table(a)[["topic", "n", "percent", "base_n"]]
       topic  n  percent  base_n
    0      0  2     50.0       4
    1      1  1     25.0       4
    2     -1  1     25.0       4
    """
    a = assignments.reset_index(drop=True)
    modelled = a["status"].isin(_MODELLED).to_numpy()
    w = np.ones(len(a)) if weights is None else np.nan_to_num(
        pd.to_numeric(pd.Series(np.asarray(weights)), errors="coerce").to_numpy(float))
    g = pd.Series([None] * len(a), dtype=object) if groups is None else pd.Series(
        np.asarray(groups, dtype=object))
    topics = a.loc[modelled, ["topic", "label"]].drop_duplicates("topic")
    topic_arr = a["topic"].astype("Int64").fillna(-2).to_numpy(int)
    # Topics by their (weighted) share of all modelled answers, the value a chart of this
    # table shows, largest first; ties by topic number; outliers last.
    total = {int(t): float(w[modelled & (topic_arr == t)].sum()) for t in topics["topic"]}
    order = sorted((t for t in total if t != -1), key=lambda t: (-round(total[t], 9), t))
    if include_outliers and -1 in total:
        order.append(-1)
    labels = dict(zip(topics["topic"].astype(int), topics["label"], strict=True))
    keys = [None] if groups is None else [k for k in category_order(pd.Series(groups))
                                          if ((g == k).to_numpy() & modelled).any()]
    parts = [(k, modelled & (g == k).to_numpy() if k is not None else modelled) for k in keys]
    if groups is not None and total_label is not None:
        parts.append((total_label, modelled))
    rows = []
    for key, rows_in in parts:
        base_w, n_eff = w[rows_in].sum(), effective_n(w[rows_in])
        for t in order:
            hit = rows_in & (topic_arr == t)
            share = share_frame([w[hit].sum()], [base_w], n_eff, confidence).iloc[0]
            rows.append({"group": key, "topic": t, "category": labels[t], "n": int(hit.sum()),
                         **share.to_dict(), "base_n": int(rows_in.sum())})
    out = pd.DataFrame(rows, columns=["group", "topic", "category", "n", "percent", "ci_low",
                                      "ci_high", "base_n"])
    if groups is not None:
        out["group"] = pd.Categorical(out["group"], categories=[k for k, _ in parts])
    return out


def theme_table(topics: pd.DataFrame, shares: pd.DataFrame, *,
                weighted: bool = False) -> pd.DataFrame:
    """Return a chapter's table of themes with the shares its chart and summary show.

    One figure per theme everywhere: the share is the one in `shares` (weighted where the
    survey has a weight), in its order, with its 95 % interval; beside it the number of
    answers (unweighted), the theme's stability and its top words.

    Parameters
    ----------
    topics : DataFrame
        :attr:`TopicModel.topics_` (``topic, label, size, stability, top_words``).
    shares : DataFrame
        :func:`topic_share_table` without groups: the chart's table.
    weighted : bool
        Whether `shares` is weighted: the share column is then ``weighted_percent``,
        whose header says so.

    Returns
    -------
    DataFrame
        ``label, size, percent`` (or ``weighted_percent``), ``ci_low, ci_high,
        theme_stability, top_words``, one row per theme of `shares`.

    Examples
    --------
    >>> topics = pd.DataFrame({"topic": [0, 1], "label": ["a", "b"], "size": [3, 1],
    ...                        "stability": [0.9, 0.5], "top_words": ["x", "y"]})
    >>> shares = pd.DataFrame({"topic": [1, 0], "percent": [60.0, 40.0],
    ...                        "ci_low": [30.0, 20.0], "ci_high": [80.0, 60.0]})
    >>> theme_table(topics, shares, weighted=True)[["label", "size", "weighted_percent"]]
      label  size  weighted_percent
    0     b     1              60.0
    1     a     3              40.0
    """
    share = "weighted_percent" if weighted else "percent"
    by_topic = topics.set_index("topic")
    rows = shares[["topic", "percent", "ci_low", "ci_high"]].rename(columns={"percent": share})
    picked = by_topic.loc[rows["topic"], ["label", "size", "stability", "top_words"]]
    out = rows.assign(**{name: picked[column].to_numpy() for name, column in (
        ("label", "label"), ("size", "size"), ("theme_stability", "stability"),
        ("top_words", "top_words"))})
    return out[["label", "size", share, "ci_low", "ci_high", "theme_stability",
                "top_words"]].reset_index(drop=True)


def topic_group_matrix(shares: pd.DataFrame) -> pd.DataFrame:
    """Pivot :func:`topic_share_table` output to topics (rows) × groups (columns), in percent."""
    grid = shares.pivot_table(index=["topic", "category"], columns="group", values="percent",
                              observed=True, sort=False)
    order = list(dict.fromkeys(shares["topic"]))
    grid = grid.reindex(sorted(grid.index, key=lambda ix: order.index(ix[0])))
    grid.index = grid.index.get_level_values("category")
    grid.columns = [str(c) for c in grid.columns]
    return grid


def topic_indicators(assignments: pd.DataFrame, *, include_outliers: bool = False
                     ) -> pd.DataFrame:
    """Return 1/0 per topic for every modelled answer, missing for the other rows.

    The input of :func:`survey_tools.stats.prevalence.prevalence_effects`: one column per
    topic (named by its label, in topic order), one row per row of `assignments`.
    Empty answers, non-answers and errors are missing in every column, so they are left
    out of the comparison rather than counted as "does not mention".

    Examples
    --------
    >>> a = pd.DataFrame({"status": ["assigned", "outlier", "empty"], "topic": [0, -1, None],
    ...                   "label": ["Budget", "Övrigt", None]})
    >>> topic_indicators(a)
       Budget
    0     1.0
    1     0.0
    2     NaN
    """
    modelled = assignments["status"].isin(_MODELLED).to_numpy()
    topics = pd.to_numeric(assignments["topic"], errors="coerce")
    kept = assignments[modelled & (topics.notna()).to_numpy()]
    order = sorted({int(t) for t in kept["topic"] if include_outliers or int(t) != -1})
    names = {int(t): str(lab) for t, lab in zip(kept["topic"], kept["label"], strict=True)}
    if len({names[t] for t in order}) < len(order):  # two topics with one label stay apart
        names = {t: f"{name} ({t})" for t, name in names.items()}
    out = pd.DataFrame(index=assignments.index)
    for topic in order:
        out[names[topic]] = np.where(modelled, (topics == topic).astype(float), np.nan)
    return out


def topics_for_export(topics: pd.DataFrame, n_quotes: int = 3) -> pd.DataFrame:
    """Flatten :attr:`TopicModel.topics_` for CSV: one ``quote_k`` column per quote."""
    out = topics.drop(columns="quotes").copy()
    out["share"] = out["share"].round(2)
    for k in range(n_quotes):
        out[f"quote_{k + 1}"] = [q[k] if k < len(q) else "" for q in topics["quotes"]]
    return out
