import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from survey_tools.io.survey import read_survey
from survey_tools.stats.tables import (
    change_table,
    crosstab_table,
    effective_n,
    frequency_table,
    likert_levels,
    likert_summary,
    likert_table,
    multi_response_table,
    open_text_overview,
    wilson_interval,
)


def test_wilson_matches_statsmodels():
    low, high = wilson_interval(37, 120)
    ref = proportion_confint(37, 120, method="wilson")
    assert np.allclose([low, high], ref)
    low, high = wilson_interval(0, 0)
    assert np.isnan(low) and np.isnan(high)


def test_frequency_table_unweighted(small_frame):
    t = frequency_table(small_frame, "group")
    assert t["category"].tolist() == ["x", "y"]
    assert t["n"].tolist() == [2, 3]
    assert t["base_n"].eq(5).all()
    assert t["percent"].sum() == pytest.approx(100)
    low, high = proportion_confint(2, 5, method="wilson")
    assert t.loc[0, "ci_low"] == pytest.approx(100 * low)
    assert t.loc[0, "ci_high"] == pytest.approx(100 * high)


def test_frequency_table_missing_row_accounts_for_everyone(small_frame):
    t = frequency_table(small_frame, "group", dropna=False, missing_label="Saknas")
    assert t["category"].tolist() == ["x", "y", "Saknas"]
    assert t["n"].sum() == len(small_frame)


def test_frequency_table_weighted(small_frame):
    t = frequency_table(small_frame, "group", weight="w")
    assert t.loc[0, "percent"] == pytest.approx(100 * 3.0 / 5.5)
    n_eff = effective_n([1, 2, 1, 1, 0.5])
    low, _ = proportion_confint(3 / 5.5 * n_eff, n_eff, method="wilson")
    assert t.loc[0, "ci_low"] == pytest.approx(100 * low)
    assert t["n"].tolist() == [2, 3]  # counts stay unweighted


def test_tables_do_not_mutate(small_frame):
    copy = small_frame.copy()
    frequency_table(small_frame, "q", weight="w")
    crosstab_table(small_frame, "q", by="group", weight="w", total=True)
    likert_table(small_frame, ["q"], by="group")
    likert_summary(small_frame, ["q"], weight="w")
    change_table(small_frame, "before", "after", by="group", weight="w")
    multi_response_table(small_frame, ["opt_a"], by="group")
    pd.testing.assert_frame_equal(small_frame, copy)


def test_crosstab_percent_within_group(small_frame):
    t = crosstab_table(small_frame, "q", by="group", total=True, total_label="Alla")
    assert list(t["group"].cat.categories) == ["x", "y", "Alla"]
    sums = t.groupby("group", observed=True)["percent"].sum()
    assert np.allclose(sums, 100)
    assert t[t["group"] == "Alla"]["base_n"].iloc[0] == 5


def test_likert_levels_in_scale_order(small_frame):
    levels, dk = likert_levels(small_frame["q"])
    assert levels[0] == "Instämmer inte alls" and levels[-1] == "Instämmer helt"
    assert "Vet ej" in dk


def test_likert_table_and_summary(small_frame):
    t = likert_table(small_frame, ["q"], labels={"q": "Fråga"})
    assert t["level_index"].tolist() == [0, 1, 2, 3, 4]
    assert t["percent"].sum() == pytest.approx(100)
    assert t["n"].sum() == 4  # "Vet ej" and missing left out
    s = likert_summary(small_frame, ["q"]).iloc[0]
    assert (s["base_n"], s["n_dont_know"], s["n_missing"]) == (4, 1, 1)
    assert s["mean"] == pytest.approx((5 + 3 + 1 + 5) / 4)
    assert s["percent"] == pytest.approx(50)


def test_change_table_matches_hand_computation(small_frame):
    t = change_table(small_frame, "before", "after", by="group", total_label="Alla")
    first = t.iloc[0]
    assert first["group"] == "Alla" and first["n"] == 5
    assert first["mean_before"] == pytest.approx(np.mean([1, 2, 3, 2, 1]))
    assert first["mean_change"] == pytest.approx(np.mean([1, 0, 1, 1, 0]))
    assert first["ci_low_change"] < first["mean_change"] < first["ci_high_change"]
    assert t["group"].astype(str).tolist() == ["Alla", "x", "y"]


def test_multi_response(small_frame):
    t = multi_response_table(small_frame, ["opt_a"], labels={"opt_a": "A"})
    row = t.iloc[0]
    assert (row["label"], row["n"], row["base_n"]) == ("A", 4, 6)
    assert row["percent"] == pytest.approx(100 * 4 / 6)


def test_open_text_overview_counts_everyone(sample_csv):
    survey = read_survey(sample_csv)
    t = open_text_overview(survey.data, ["q_obstacles"])
    assert t["answered"].iloc[0] + t["empty"].iloc[0] == survey.n


def test_sample_weighted_shares_hit_targets(sample_csv):
    t = frequency_table(read_survey(sample_csv).data, "org_type", weight="weight")
    shares = dict(zip(t["category"], t["percent"].round(1), strict=True))
    assert shares == {"Kommun": 55.0, "Civilsamhällesorganisation": 40.0, "Region": 5.0}
