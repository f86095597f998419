"""Semantic search over answers: relevant, ranked, masked, filterable."""

from pathlib import Path

import pandas as pd
import pytest

from survey_tools.cli import main
from survey_tools.errors import SurveyInputError
from survey_tools.nlp.search import AnswerIndex, answers_long, search_answers

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def sample_index():
    """The default model over the sample's obstacle answers, with org type and language."""
    from survey_tools import read_survey

    data = read_survey(DATA / "sample_survey.csv").data
    gold = pd.read_csv(DATA / "sample_survey_gold.csv", dtype=str, keep_default_na=False)
    gold = gold[gold["question"] == "q_obstacles"].set_index("respondent_id")
    meta = pd.DataFrame({"org_type": data["org_type"].astype(object),
                         "language": gold.loc[data["respondent_id"], "language"].to_numpy()})
    index = AnswerIndex(progress=False).fit(data["q_obstacles"], ids=data["respondent_id"],
                                            metadata=meta)
    return index, gold


def _themes(found, gold):
    return [set(gold.loc[i, "themes"].split(";")) for i in found["id"]]


@pytest.mark.slow
@pytest.mark.parametrize("query, theme, language", [
    ("brist på pengar och budget", "financing", "sv"),
    ("lack of money and funding", "financing", "en"),
    ("osäkerhet kring GDPR och juridiken", "legal", "sv"),
    ("legal uncertainty about data protection", "legal", "en"),
    ("ledningen prioriterar inte AI", "leadership", "sv"),
])
def test_search_finds_answers_with_the_planted_theme(sample_index, query, theme, language):
    """Known relevant answers: the planted themes of the synthetic sample (gold file).

    Measured with the multilingual default: 8, 10, 10, 10 and 10 of 10 (all-MiniLM-L6-v2
    had 10, 10, 10, 9 and 10, but finds almost nothing across languages).
    """
    index, gold = sample_index
    found = index.search(query, top_k=10, filters={"language": language})
    assert len(found) == 10
    hits = [theme in t for t in _themes(found, gold)]
    assert sum(hits) >= 8, (query, found[["score", "answer"]].to_string())
    assert found["rank"].tolist() == list(range(1, 11))
    assert found["score"].is_monotonic_decreasing


@pytest.mark.slow
@pytest.mark.parametrize("query, theme, other_language", [
    ("brist på pengar och budget", "financing", "en"),
    ("osäkerhet kring GDPR och juridiken", "legal", "en"),
    ("legal uncertainty about data protection", "legal", "sv"),
    ("cooperation between municipalities", "cooperation", "sv"),
])
def test_search_across_languages(sample_index, query, theme, other_language):
    """A Swedish query finds English answers on its theme and the reverse (known relevant)."""
    index, gold = sample_index
    found = index.search(query, top_k=10, filters={"language": other_language})
    hits = [theme in t for t in _themes(found, gold)]
    assert sum(hits) >= 7, (query, found[["score", "answer"]].to_string())


@pytest.mark.slow
@pytest.mark.parametrize("query, theme", [("finansiering", "financing"), ("GDPR", "legal"),
                                          ("samverkan mellan kommuner", "cooperation")])
def test_precision_stays_far_above_the_base_rate(sample_index, query, theme):
    index, gold = sample_index
    answers = gold[gold["answer_kind"] == "answer"]
    base = answers["themes"].str.split(";").map(lambda t: theme in t).mean()
    found = index.search(query, top_k=50)
    relevant = [theme in t for t in _themes(found, gold)]
    assert sum(relevant[:20]) / 20 >= 0.8
    assert sum(relevant) / 50 >= 2 * base


@pytest.mark.slow
def test_results_are_masked_and_filtered(sample_index):
    from survey_tools import read_survey
    from survey_tools.nlp.pii import find_pii

    index, gold = sample_index
    data = read_survey(DATA / "sample_survey.csv").data.set_index("respondent_id")
    planted = gold[gold["planted_pii"] != ""].index
    values = [m.text for i in planted for m in find_pii(str(data.loc[i, "q_obstacles"]))]
    assert len(values) > 5
    shown = []
    for query in ("ring mig på telefon", "mejla mig", "min kollega vet mer",
                  "mitt personnummer", "call me", "email me"):
        found = index.search(query, top_k=30)
        shown += list(found["id"])
        text = " ".join(found["answer"])
        assert not [v for v in values if v in text]
    assert set(planted) & set(shown), "the queries should reach some planted answers"
    only = index.search("budget", top_k=20, filters={"org_type": "Region"})
    assert set(only["org_type"]) == {"Region"}


def test_index_keeps_every_row_but_returns_only_answers(keyword_encoder):
    texts = ["Budgeten räcker inte", "", None, "vet ej", "GDPR är svårt", "pengar saknas"]
    index = AnswerIndex(embedding_model=keyword_encoder, cache_dir=False).fit(texts)
    assert index.rows_["status"].tolist() == ["answer", "empty", "empty", "non-answer",
                                              "answer", "answer"]
    found = index.search("pengar och budget", top_k=10)
    assert found["id"].tolist()[:2] in ([1, 6], [6, 1])
    assert set(found["id"]) <= {1, 5, 6}


def test_ties_keep_input_order_and_bad_filters_explain(keyword_encoder):
    index = AnswerIndex(embedding_model=keyword_encoder, cache_dir=False, lexical_weight=0)
    index.fit(["samma svar"] * 3, metadata=pd.DataFrame({"grupp": ["a", "b", "a"]}))
    assert index.search("samma svar", top_k=3)["id"].tolist() == [1, 2, 3]
    with pytest.raises(SurveyInputError, match="filter on one of"):
        index.search("svar", filters={"org": "a"})
    with pytest.raises(SurveyInputError, match="empty"):
        index.search("  ")
    assert index.search("svar", filters={"grupp": ["a"]})["id"].tolist() == [1, 3]


def test_search_answers_masks_by_default(keyword_encoder):
    found = search_answers("budget", ["Budget: ring Anna Andersson på 070-123 45 67"],
                           embedding_model=keyword_encoder, cache_dir=False)
    assert "070" not in found.loc[0, "answer"] and "Andersson" not in found.loc[0, "answer"]


def test_answers_long_keeps_respondent_order():
    data = pd.DataFrame({"id": ["a", "b"], "q1": ["x", "y"], "q2": ["z", None],
                         "g": ["G1", "G2"]})
    long = answers_long(data, ["q1", "q2"], id_column="id", metadata=["g"])
    assert long[["id", "question"]].values.tolist() == [["a", "q1"], ["a", "q2"],
                                                        ["b", "q1"], ["b", "q2"]]
    assert long["g"].tolist() == ["G1", "G1", "G2", "G2"]


@pytest.mark.slow
def test_cli_search_prints_ranked_masked_answers(sample_csv, tmp_path, capsys):
    out = tmp_path / "hits.csv"
    assert main(["search", str(sample_csv), "brist på finansiering", "--text-column",
                 "q_obstacles", "--text-column", "q_takeaway", "--filter",
                 "question=q_obstacles", "--filter", "org_type=Kommun", "--top", "5",
                 "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "rank" in printed and "score" in printed
    got = pd.read_csv(out, dtype=str)
    assert len(got) == 5 and set(got["org_type"]) == {"Kommun"}
    assert set(got["question"]) == {"q_obstacles"}


def test_cli_search_bad_filter_exits_2(sample_csv, capsys):
    code = main(["search", str(sample_csv), "x", "--text-column", "q_obstacles",
                 "--filter", "org_type", "--embedding", "tfidf"])
    assert code == 2
    assert "COLUMN=VALUE" in capsys.readouterr().err


def test_search_widget_builds_and_searches(keyword_encoder):
    pytest.importorskip("ipywidgets")
    from survey_tools.nlp.search import search_widget

    index = AnswerIndex(embedding_model=keyword_encoder, cache_dir=False)
    index.fit(["budget saknas", "GDPR är svårt"], metadata=pd.DataFrame({"org": ["a", "b"]}))
    box = search_widget(index)
    query, drop, count, output = box.children
    assert list(drop.options) == ["(alla)", "a", "b"] and count.value == 10
    drop.value = "a"
    query.value = "budget"  # runs the search; must not raise
    assert output is box.children[-1]
    query, drop, count, _ = search_widget(index, lang="en").children
    assert drop.options[0] == "(all)" and count.description == "Answers"
    assert query.placeholder == "Search the answers"
