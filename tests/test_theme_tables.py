import numpy as np
import pandas as pd
import pytest

from survey_tools.report.narratives.effects import describe_scores_by_theme
from survey_tools.stats.theme_tables import cooccurrence_matrix, scores_by_theme, theme_cooccurrence

AGREE = ["Instämmer inte alls", "Instämmer i låg grad", "Instämmer i hög grad",
         "Instämmer helt"]


def test_cooccurrence_counts_answers_and_weights():
    themes = pd.DataFrame({"a": [1, 1, 0, 1, None], "b": [1, 0, 1, 1, None],
                           "c": [0, 0, 1, 0, None]})
    table = theme_cooccurrence(themes).set_index(["theme", "other"])
    assert table.loc[("a", "b"), "n_both"] == 2 and table.loc[("a", "b"), "n_theme"] == 3
    assert table.loc[("b", "a"), "percent"] == pytest.approx(200 / 3)
    # lift: P(a and b) / (P(a) P(b)) over the 4 answers (the unanswered row is left out)
    assert table.loc[("a", "b"), "lift"] == pytest.approx((2 / 4) / ((3 / 4) * (3 / 4)))
    weighted = theme_cooccurrence(themes, weights=[3, 1, 1, 1, 9]).set_index(["theme", "other"])
    assert weighted.loc[("a", "b"), "percent"] == pytest.approx(100 * 4 / 5)
    grid = cooccurrence_matrix(theme_cooccurrence(themes))
    assert list(grid.index) == list(grid.columns) == ["a", "b", "c"]
    assert np.isnan(np.diag(grid.to_numpy(dtype=float))).all()


def test_scores_follow_the_scale_and_leave_dont_know_and_non_answers_out():
    rng = np.random.default_rng(0)
    n = 400
    mention = rng.random(n) < 0.3
    level = np.clip(rng.integers(1, 4, n) + np.where(mention, -1, 0), 0, 3)
    item = pd.Series([AGREE[k] for k in level], dtype=object)
    item[:20] = "Vet ej"
    data = pd.DataFrame({"lik_legal": item, "other": rng.integers(1, 5, n)})
    themes = pd.DataFrame({"legal": mention.astype(float)})
    themes.iloc[20:40] = np.nan  # did not answer the open question
    table = scores_by_theme(themes, data, ["lik_legal", "other"],
                            labels={"lik_legal": "Juridiken är tydlig"}).set_index("item")
    legal = table.loc["lik_legal"]
    assert legal["n_theme"] + legal["n_other"] == n - 40
    # scored along the whole scale: its middle level "Instämmer delvis" is 3 even unused
    scored = np.array([[1.0, 2.0, 4.0, 5.0][k] for k in level])[40:]
    want = scored[mention[40:]].mean() - scored[~mention[40:]].mean()
    assert legal["difference"] == pytest.approx(want, abs=1e-4)
    assert legal["significant"] and legal["ci_low"] < want < legal["ci_high"]
    assert not table.loc["other", "significant"]
    text = describe_scores_by_theme(table.reset_index(), lang="en")
    assert text.startswith("Those who mention *legal* rate “Juridiken är tydlig”")
    assert "lower on average" in text and "2 comparisons" in text and "1 hold" in text


def test_too_few_on_one_side_is_not_compared():
    data = pd.DataFrame({"x": np.arange(20.0)})
    themes = pd.DataFrame({"rare": [1.0] * 3 + [0.0] * 17})
    row = scores_by_theme(themes, data, ["x"]).iloc[0]
    assert row["n_theme"] == 3 and pd.isna(row["difference"]) and not row["significant"]
    with pytest.raises(ValueError, match="one row per respondent"):
        scores_by_theme(themes.iloc[:5], data, ["x"])


def test_waves_by_label_by_date_and_weighted():
    from survey_tools.stats.theme_tables import theme_waves

    themes = pd.DataFrame({"a": [1, 0, 1, 1, None, 0], "b": [0, 1, 0, 1, None, 1]})
    by_label = theme_waves(themes, ["Våg 2", "Våg 1", "Våg 2", "Våg 2", "Våg 1", None])
    assert list(dict.fromkeys(by_label["period"])) == ["Våg 1", "Våg 2"]
    assert by_label["base_n"].tolist() == [1, 1, 3, 3]  # no answer and no wave left out
    dates = ["2026-01-05", "2026-02-10", "2026-04-01", "2026-05-20", "2026-06-01", "2026-06-02"]
    quarters = theme_waves(themes, pd.to_datetime(pd.Series(dates)), freq="Q")
    assert list(dict.fromkeys(quarters["period"])) == ["2026Q1", "2026Q2"]
    years = theme_waves(themes, ["2025", "2025", "2026", "2026", "2026", "2026"],
                        weights=[1, 1, 3, 1, 1, 1])
    row = years[(years["period"] == "2026") & (years["category"] == "a")].iloc[0]
    assert row["percent"] == pytest.approx(100 * 4 / 5) and row["n"] == 2
    assert row["ci_low"] < row["percent"] < row["ci_high"]
    numbered = theme_waves(themes, [10, 2, 2, 1, 1, 10])
    assert list(dict.fromkeys(numbered["period"])) == ["1", "2", "10"]
    ordered = pd.Series(pd.Categorical(["sen", "tidig", "sen", "tidig", "sen", "tidig"],
                                       categories=["tidig", "sen"]))
    assert list(dict.fromkeys(theme_waves(themes, ordered)["period"])) == ["tidig", "sen"]
