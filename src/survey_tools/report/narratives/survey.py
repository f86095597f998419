"""Short data-driven sentences for the report, in Swedish or English.

The sentences are built from the tables, so they stay true when the data change.
"""

from __future__ import annotations

import pandas as pd

from survey_tools.report.style import format_interval, format_n, format_percent

__all__ = ["describe_likert", "describe_change", "describe_shares"]


def _ci(row, lang: str) -> str:
    return format_interval(row["ci_low"], row["ci_high"], lang)


def describe_likert(summary: pd.DataFrame, *, lang: str = "sv") -> str:
    """Name the items with the lowest and highest top-box share.

    Parameters
    ----------
    summary : DataFrame
        From :func:`survey_tools.stats.tables.likert_summary` without ``by``.
    lang : str
        ``"sv"`` or ``"en"``.
    """
    ranked = summary.dropna(subset=["percent"]).sort_values("percent")
    if ranked.empty:
        return ""
    low, high = ranked.iloc[0], ranked.iloc[-1]
    if lang == "sv":
        return (f"Lägst andel instämmer i påståendet ”{low['label']}” "
                f"({format_percent(low['percent'], lang)}, {_ci(low, lang)}), "
                f"högst i ”{high['label']}” ({format_percent(high['percent'], lang)}, "
                f"{_ci(high, lang)}).")
    return (f"The lowest share agrees with “{low['label']}” "
            f"({format_percent(low['percent'], lang)}, {_ci(low, lang)}), the highest with "
            f"“{high['label']}” ({format_percent(high['percent'], lang)}, {_ci(high, lang)}).")


def describe_change(change: pd.DataFrame, *, title: str | None = None,
                    lang: str = "sv") -> str:
    """Describe the overall change in mean score (first row of a change table).

    The verb follows the data (rose, fell, unchanged), and a change whose 95 % interval
    includes 0 is said not to be statistically significant.

    Examples
    --------
    >>> t = pd.DataFrame({"n": [40], "mean_before": [2.0], "mean_after": [2.5],
    ...                   "mean_change": [0.5], "ci_low_change": [0.2], "ci_high_change": [0.8]})
    >>> print(describe_change(t, title="AI-mognad"))  # doctest: +NORMALIZE_WHITESPACE
    AI-mognad: medelvärdet steg från 2,00 till 2,50 (förändring 0,50, 95 % KI 0,20 till
    0,80; n = 40).
    >>> describe_change(t.assign(mean_after=1.9, mean_change=-0.1, ci_low_change=-0.3,
    ...                          ci_high_change=0.1), lang="en")  # doctest: +NORMALIZE_WHITESPACE
    'The mean fell from 2.00 to 1.90 (change -0.10, 95% CI -0.30 to 0.10; n = 40). The change
    is not statistically significant.'
    """
    from survey_tools.report.display import format_number

    row = change.iloc[0]
    sv = lang == "sv"

    def fmt(v):
        return format_number(v, lang, 2)

    delta = float(row["mean_change"])
    verbs = ("steg", "sjönk", "var oförändrat") if sv else ("rose", "fell", "did not change")
    verb = verbs[0] if delta > 0 else verbs[1] if delta < 0 else verbs[2]
    low, high = float(row["ci_low_change"]), float(row["ci_high_change"])
    if sv:
        subject = f"{title}: medelvärdet" if title else "Medelvärdet"
        text_ = (f"{subject} {verb} från {fmt(row['mean_before'])} till "
                 f"{fmt(row['mean_after'])} (förändring {fmt(delta)}, 95 % KI {fmt(low)} till "
                 f"{fmt(high)}; n = {format_n(row['n'], lang)}).")
        unsure = " Förändringen är inte statistiskt säkerställd."
    else:
        subject = f"{title}: the mean" if title else "The mean"
        text_ = (f"{subject} {verb} from {fmt(row['mean_before'])} to {fmt(row['mean_after'])} "
                 f"(change {fmt(delta)}, 95% CI {fmt(low)} to {fmt(high)}; "
                 f"n = {format_n(row['n'], lang)}).")
        unsure = " The change is not statistically significant."
    return text_ + (unsure if low <= 0 <= high else "")


def describe_shares(table: pd.DataFrame, *, label: str = "category", lang: str = "sv") -> str:
    """List each category with its share, largest first."""
    rows = table.sort_values("percent", ascending=False)
    parts = [f"{r[label]} {format_percent(r['percent'], lang)}" for _, r in rows.iterrows()]
    return ", ".join(parts) + "."
