"""Short data-driven sentences for the report, in Swedish or English.

The sentences are built from the tables, so they stay true when the data change.
"""

from __future__ import annotations

import pandas as pd

from survey_tools.style import format_n, format_percent

__all__ = ["describe_likert", "describe_change", "describe_shares"]


def _ci(row, lang: str) -> str:
    low = format_percent(row["ci_low"], lang)
    high = format_percent(row["ci_high"], lang)
    return f"95 % KI {low}–{high}" if lang == "sv" else f"95% CI {low}–{high}"


def describe_likert(summary: pd.DataFrame, *, lang: str = "sv") -> str:
    """Name the items with the lowest and highest top-box share.

    Parameters
    ----------
    summary : DataFrame
        From :func:`survey_tools.tables.likert_summary` without ``by``.
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


def describe_change(change: pd.DataFrame, *, lang: str = "sv") -> str:
    """Describe the overall change in mean score (first row of a change table)."""
    row = change.iloc[0]
    fmt = (lambda v: f"{v:.2f}".replace(".", ",")) if lang == "sv" else (lambda v: f"{v:.2f}")
    ci = f"{fmt(row['ci_low_change'])} till {fmt(row['ci_high_change'])}" if lang == "sv" \
        else f"{fmt(row['ci_low_change'])} to {fmt(row['ci_high_change'])}"
    if lang == "sv":
        return (f"Den självskattade AI-mognaden steg i genomsnitt från {fmt(row['mean_before'])} "
                f"till {fmt(row['mean_after'])} (förändring {fmt(row['mean_change'])}, "
                f"95 % KI {ci}; n = {format_n(row['n'], lang)}).")
    return (f"Self-rated AI maturity rose on average from {fmt(row['mean_before'])} to "
            f"{fmt(row['mean_after'])} (change {fmt(row['mean_change'])}, 95% CI {ci}; "
            f"n = {format_n(row['n'], lang)}).")


def describe_shares(table: pd.DataFrame, *, label: str = "category", lang: str = "sv") -> str:
    """List each category with its share, largest first."""
    rows = table.sort_values("percent", ascending=False)
    parts = [f"{r[label]} {format_percent(r['percent'], lang)}" for _, r in rows.iterrows()]
    return ", ".join(parts) + "."
