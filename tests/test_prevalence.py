import numpy as np
import pandas as pd
import pytest

from survey_tools.report.charts import plot_effects
from survey_tools.report.narratives.effects import describe_effects, effect_finding
from survey_tools.stats.prevalence import ASSIGNMENT_NOTES, prevalence_effects
from survey_tools.stats.topic_tables import topic_indicators


def survey(n=1500, seed=0):
    """Financing: +20 points for municipalities, no effect of size; legal: no effect."""
    rng = np.random.default_rng(seed)
    kommun = rng.random(n) < 0.5
    data = pd.DataFrame({"kind": np.where(kommun, "kommun", "förening"),
                         "size": rng.lognormal(3, 1, n).round(),
                         "weight": rng.uniform(0.5, 2.0, n)})
    themes = pd.DataFrame({"financing": (rng.random(n) < np.where(kommun, 0.45, 0.25)),
                           "legal": rng.random(n) < 0.3}).astype(int)
    return data, themes


def test_a_planted_difference_is_found_and_a_null_one_is_not():
    data, themes = survey(seed=1)  # (seed 0 gives one of the 5 % false positives for size)
    table = prevalence_effects(themes, data, ["kind", "size"], weight="weight",
                               references={"kind": "förening"})
    row = table.set_index(["theme", "covariate"])
    financing = row.loc[("financing", "kind")]
    assert financing["ci_low"] < 20 < financing["ci_high"] and financing["significant"]
    assert financing["level"] == "kommun" and financing["reference"] == "förening"
    assert financing["contrast"] == "kommun – förening"
    assert not row.loc[("legal", "kind"), "significant"]
    assert not row.loc[("financing", "size"), "significant"]
    assert (table["uncertainty"] == ASSIGNMENT_NOTES["fixed"]).all()
    assert (table["n"] == len(data)).all()
    # the adjusted p-values are Benjamini–Hochberg's over every row
    from statsmodels.stats.multitest import multipletests
    assert np.allclose(table["p_adjusted"], multipletests(table["p_value"], method="fdr_bh")[1],
                       atol=1e-5)


def test_the_same_seed_gives_the_same_table_and_weights_only_matter_relatively():
    data, themes = survey(600)
    one = prevalence_effects(themes, data, ["kind"], weight="weight", seed=3)
    pd.testing.assert_frame_equal(one, prevalence_effects(themes, data, ["kind"],
                                                          weight="weight", seed=3))
    scaled = data.assign(weight=data["weight"] * 10)
    pd.testing.assert_frame_equal(one, prevalence_effects(themes, scaled, ["kind"],
                                                          weight="weight", seed=3))


def test_the_interval_is_the_robust_one_without_weights():
    """Without weights the spread of the effect matches the delta method on statsmodels'
    HC1 covariance (the interval is mean ± 1.96 sd of coefficient draws)."""
    import statsmodels.api as sm

    data, themes = survey(2000, seed=1)
    X = sm.add_constant((data["kind"] == "kommun").astype(float).to_numpy())
    fit = sm.GLM(themes["financing"].to_numpy(), X, family=sm.families.Binomial()).fit(
        cov_type="HC1")
    b0, b1 = fit.params
    p0, p1 = 1 / (1 + np.exp(-b0)), 1 / (1 + np.exp(-(b0 + b1)))
    grad = np.array([p1 * (1 - p1) - p0 * (1 - p0), p1 * (1 - p1)])
    se = 100 * np.sqrt(grad @ fit.cov_params() @ grad)
    row = prevalence_effects(themes, data, ["kind"], references={"kind": "förening"},
                             draws=4000).iloc[0]
    assert row["difference"] == pytest.approx(100 * (p1 - p0), abs=1e-3)
    assert (row["ci_high"] - row["ci_low"]) / (2 * 1.959964) == pytest.approx(se, rel=0.05)


def test_soft_assignments_carry_their_uncertainty():
    data, themes = survey(800, seed=2)
    rng = np.random.default_rng(0)
    soft = (0.7 * themes + 0.3 * rng.random(themes.shape)).clip(0, 1)
    expected = prevalence_effects(soft, data, ["kind"], assignment="expected", seed=1)
    composed = prevalence_effects(soft, data, ["kind"], draws=60, seed=1)  # the default
    assert (expected["uncertainty"] == ASSIGNMENT_NOTES["expected"]).all()
    assert (composed["uncertainty"] == ASSIGNMENT_NOTES["composition"]).all()
    width = (composed["ci_high"] - composed["ci_low"]) / (expected["ci_high"]
                                                          - expected["ci_low"])
    assert (width > 1).all()
    with pytest.raises(ValueError, match="assignment"):
        prevalence_effects(soft, data, ["kind"], assignment="bayes")


def test_rows_without_an_answer_and_rare_themes_are_left_out_with_a_note():
    data, themes = survey(400, seed=4)
    themes = themes.astype(float)
    themes.iloc[:50] = np.nan  # no answer: not "does not mention"
    themes["rare"] = np.where(themes["legal"].isna(), np.nan, 0.0)
    themes.loc[themes.index[60:63], "rare"] = 1.0
    data.loc[data.index[50:60], "kind"] = None  # a missing covariate
    table = prevalence_effects(themes, data, ["kind"])
    assert set(table["n"]) == {340}
    rare = table[table["theme"] == "rare"]
    assert len(rare) == 1 and rare["note"].iloc[0] and pd.isna(rare["difference"].iloc[0])
    assert "*rare*" in describe_effects(table, lang="en")
    with pytest.raises(ValueError, match="one row per respondent"):
        prevalence_effects(themes.iloc[:10], data, ["kind"])
    with pytest.raises(KeyError, match="nope"):
        prevalence_effects(themes, data, ["nope"])


def test_numeric_covariates_compare_the_quartiles():
    data, themes = survey(600, seed=5)
    row = prevalence_effects(themes, data, ["size"]).iloc[0]
    q1, q3 = np.quantile(data["size"], [0.25, 0.75])
    assert row["contrast"] == f"{q1:.3g} → {q3:.3g}"
    assert row["level"] == f"{q3:.3g}" and row["reference"] == f"{q1:.3g}"


def test_sentences_and_chart():
    data, themes = survey()
    table = prevalence_effects(themes, data, ["kind", "size"], references={"kind": "förening"})
    labels = {"kind": "Organisation type", "size": "Number of staff"}
    text = describe_effects(table, lang="en", covariate_labels=labels, weighted=True)
    assert text.startswith("Respondents with organisation type kommun mention *financing*")
    assert "more often than those with förening" in text
    assert "organisation type and number of staff together" in text
    assert "correction for 4 comparisons" in text and "survey weights" in text
    assert effect_finding(table, lang="en", covariate_labels=labels) == text.split(". ")[0] + "."
    none = table.assign(significant=False)
    assert effect_finding(none) == "" and "Ingen skillnad" in describe_effects(none)
    ax = plot_effects(table[table["covariate"] == "kind"], lang="en")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["legal", "financing"]
    assert ax.get_title() == "kommun – förening"


def test_topic_indicators_leave_unmodelled_rows_out():
    a = pd.DataFrame({"status": ["assigned", "assigned", "outlier", "empty", "non-answer"],
                      "topic": [0, 1, -1, None, None],
                      "label": ["Budget", "Budget", "Övrigt", None, None]})
    out = topic_indicators(a)
    assert list(out.columns) == ["Budget (0)", "Budget (1)"]  # one label, two topics
    assert out.iloc[:3].notna().all().all() and out.iloc[3:].isna().all().all()
    assert out["Budget (0)"].tolist()[:3] == [1.0, 0.0, 0.0]


def test_no_answers_or_no_themes_give_notes_not_errors():
    data = pd.DataFrame({"kind": ["a", "b"] * 5, "size": np.arange(10.0)})
    empty = prevalence_effects(pd.DataFrame(index=range(10)), data, ["kind", "size"])
    assert empty.empty and describe_effects(empty) == ""
    unanswered = prevalence_effects(pd.DataFrame({"x": [np.nan] * 10}), data, ["kind"])
    assert unanswered["note"].tolist() == ["too few mentions to compare groups"]
    assert unanswered["n"].tolist() == [0]


def test_small_groups_and_separation_get_no_interval_and_drops_are_counted():
    """Issue #28, items 32, 35, 36: a group of 3 who all mention a theme gave +74.9 points,
    p = 0, "significant"; rows with a missing covariate or weight, a theme missing in some
    rows and a one-level covariate were dropped or recoded without a word."""
    data, themes = survey(400, seed=6)
    data = data.assign(region=["Gotland"] * 3 + ["Fastland"] * 397, sector=["offentlig"] * 400,
                       w=1.0)
    themes = themes.astype(float)
    themes.loc[themes.index[:3], "financing"] = 1.0  # everyone on Gotland
    themes.loc[themes.index[10:20], "legal"] = np.nan  # not coded for legal: not "no"
    data.loc[data.index[30:35], "w"] = 0.0
    data.loc[data.index[40:42], "kind"] = None
    table = prevalence_effects(themes, data, ["region", "kind", "sector"], weight="w",
                               references={"region": "Fastland"})
    gotland = table[(table["theme"] == "financing") & (table["covariate"] == "region")].iloc[0]
    assert pd.isna(gotland["ci_low"]) and pd.isna(gotland["p_value"])
    assert not gotland["significant"]
    assert "only 3 respondents with Gotland" in gotland["no_interval"]
    assert "everyone with Gotland mentions it (separation)" in gotland["no_interval"]
    assert (table["left_out"] == 7).all()
    legal = table[table["theme"] == "legal"]
    assert (legal["n"] == 393 - 10).all()
    sector = table[table["covariate"] == "sector"]
    assert set(sector["no_interval"]) == {"one level only"}
    text = describe_effects(table, lang="en")
    assert "No interval or test" in text and "*financing*, region Gotland" in text
    assert "7 who answered lack a value of a characteristic or a weight" in text


def test_numeric_comparisons_say_which_values_are_compared():
    data, themes = survey(600, seed=5)
    table = prevalence_effects(themes, data, ["size"])
    q1, q3 = np.quantile(data["size"], [0.25, 0.75])
    assert f"size {q1:.3g} vs {q3:.3g}" in describe_effects(table, lang="en")


def test_a_coders_measured_agreement_corrects_the_shrunken_difference():
    """Issue #28, item 34: a coder 10 % wrong each way, blind to the covariates, shrank
    +20 points to about +16; with its measured agreement the difference is recovered."""
    data, truth = survey(4000, seed=8)
    rng = np.random.default_rng(1)
    flip = rng.random(truth.shape) < 0.10
    coded = truth.where(~flip, 1 - truth)
    plain = prevalence_effects(coded, data, ["kind"], references={"kind": "förening"})
    fixed = prevalence_effects(coded, data, ["kind"], references={"kind": "förening"},
                               misclassification=(0.9, 0.9))
    true = prevalence_effects(truth, data, ["kind"], references={"kind": "förening"})
    pick = lambda t: t.set_index("theme").loc["financing", "difference"]  # noqa: E731
    assert pick(plain) < 0.85 * pick(true)
    assert pick(fixed) == pytest.approx(pick(true), abs=3)
    assert fixed["corrected"].notna().all()
    assert "corrected for the coder's measured agreement" in describe_effects(fixed, lang="en")
    with pytest.raises(ValueError, match="no better than chance"):
        prevalence_effects(coded, data, ["kind"], misclassification=(0.5, 0.5))


@pytest.mark.parametrize("soft", [False, True])
def test_robust_variance_is_the_weighted_sandwich_with_the_small_sample_factor(soft):
    """statsmodels' HC0 times n / (n - k) is the sandwich written out (issue #31, item 12)."""
    from survey_tools.stats.prevalence import _fit

    rng = np.random.default_rng(3)
    n = 300
    X = np.column_stack([np.ones(n), rng.integers(0, 2, n), rng.normal(size=n)])
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ [-0.5, 0.8, 0.3])))).astype(float)
    if soft:
        y = np.clip(0.8 * y + 0.2 * rng.random(n), 0, 1)
    w = rng.uniform(0.5, 2, n)
    w /= w.mean()
    beta, cov = _fit(X, y, w)
    mu = 1 / (1 + np.exp(-(X @ beta)))
    assert np.abs(X.T @ (w * (y - mu))).max() < 1e-6  # the weighted score equations
    bread = np.linalg.inv((X * (w * mu * (1 - mu))[:, None]).T @ X)
    scores = X * (w * (y - mu))[:, None]
    sandwich = bread @ (scores.T @ scores) @ bread * n / (n - X.shape[1])
    np.testing.assert_allclose(cov, sandwich, rtol=1e-6)
