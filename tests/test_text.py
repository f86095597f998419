import pandas as pd
import pytest

from survey_tools.io.spreadsheets import safe_cell, safe_table, write_safe_csv
from survey_tools.nlp.answers import answer_kind
from survey_tools.nlp.language import detect_languages
from survey_tools.nlp.pii import find_pii
from survey_tools.nlp.quotes import looks_personal, pick_quotes


@pytest.mark.parametrize("value, kind", [
    ("Vet ej.", "non-answer"), ("VET INTE", "non-answer"), ("don't know", "non-answer"),
    ("Ingen kommentar!", "non-answer"), ("...", "non-answer"), ("0", "non-answer"),
    ("   ", "empty"), (None, "empty"), (float("nan"), "empty"),
    ("Nej, vi saknar budget", "answer"), ("GDPR", "answer"),
])
def test_answer_kind(value, kind):
    assert answer_kind([value]).tolist() == [kind]


def test_answer_kind_keeps_index():
    s = pd.Series(["a b", None], index=[10, 20])
    assert list(answer_kind(s).index) == [10, 20]


def _sample_answers(root):
    data = pd.read_csv(root / "data" / "sample_survey.csv", dtype=str, keep_default_na=False)
    gold = pd.read_csv(root / "data" / "sample_survey_gold.csv", dtype=str,
                       keep_default_na=False)
    gold["text"] = [data.set_index("respondent_id").at[r, q]
                    for r, q in zip(gold["respondent_id"], gold["question"], strict=True)]
    return gold


def test_answer_kind_matches_sample_truth(root):
    gold = _sample_answers(root)
    got = answer_kind(gold["text"].replace("", None))
    want = gold["answer_kind"].replace({"non_answer": "non-answer"})
    assert (got == want).all()


def test_language_detection_on_sample(root):
    gold = _sample_answers(root)
    answers = gold[gold["answer_kind"] == "answer"]
    detected = detect_languages(answers["text"])
    decided = detected != "und"
    # one-word answers ("Budget", "Data") are left undetermined on purpose
    assert decided.mean() > 0.9
    assert (answers["text"][~decided].str.split().str.len() < 2).mean() > 0.5
    assert (detected[decided] == answers["language"][decided]).mean() > 0.99


def test_the_language_identifier_is_kept_in_the_cache_folder(root, tmp_path, monkeypatch):
    """Built once (about 1 s, the model unpacked), then read back in every process."""
    from py3langid.langid import LanguageIdentifier

    from survey_tools.nlp import language

    monkeypatch.setenv("SURVEY_TOOLS_CACHE", str(tmp_path))
    texts = _sample_answers(root)["text"].head(300)
    language._identifier.cache_clear()
    built = detect_languages(texts)
    kept = list((tmp_path / "langid").rglob("output.pkl"))
    assert len(kept) == 1 and (built != "und").sum() > 200

    def unpack(*args, **kwargs):
        raise AssertionError("the model was unpacked again")

    with monkeypatch.context() as m:
        m.setattr(LanguageIdentifier, "from_modelpath", unpack)
        language._identifier.cache_clear()
        pd.testing.assert_series_equal(detect_languages(texts), built)  # read back
    kept[0].write_bytes(b"not a pickle")  # a broken file is built again
    language._identifier.cache_clear()
    pd.testing.assert_series_equal(detect_languages(texts), built)
    language._identifier.cache_clear()


def test_no_planted_personal_data_is_quotable(root):
    gold = _sample_answers(root)
    planted = gold[gold["planted_pii"] != ""]
    assert len(planted) > 30
    assert all(looks_personal(t) for t in planted["text"])
    # none is quotable: not as it is, and not masked either (an answer in which anything had
    # to be masked is not quoted at all)
    assert pick_quotes(planted["text"].tolist(), n=50, min_words=1, mask=False) == []
    assert pick_quotes(planted["text"].tolist(), n=50, min_words=1) == []
    # while ordinary answers are
    ordinary = gold[(gold["planted_pii"] == "") & (gold["answer_kind"] == "answer")]
    quotes = pick_quotes(ordinary["text"].tolist(), n=20)
    assert len(quotes) == 20 and all(find_pii(q) == [] for q in quotes)


def test_quotes_prefer_high_scores_and_skip_duplicates():
    texts = ["Budget saknas helt för oss", "Ledningen saknar en plan", "budget saknas helt för oss"]
    assert pick_quotes(texts, [0.1, 0.9, 0.5], n=3) == [
        "Ledningen saknar en plan", "budget saknas helt för oss"]


@pytest.mark.parametrize("value", ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", " =x", "＝1"])
def test_formula_cells_are_defused(value):
    assert safe_cell(value).startswith("'")


def test_safe_csv_round_trip(tmp_path):
    table = pd.DataFrame({"text": ["=HYPERLINK(\"http://x\")", "vanligt svar"], "n": [-1, 2]})
    path = write_safe_csv(table, tmp_path / "t.csv")
    back = pd.read_csv(path)
    assert back["text"].tolist() == ["'=HYPERLINK(\"http://x\")", "vanligt svar"]
    assert back["n"].tolist() == [-1, 2]
    assert safe_table(table) is not table and table["text"][0].startswith("=")


def test_word_lists_in_resources_hold_only_texts():
    """YAML reads an unquoted yes, no, on or off as true or false: "No" was not a non-answer
    and "yes" not a stop word until they were quoted."""
    from importlib import resources

    import yaml

    def items(node):
        if isinstance(node, dict):
            for value in node.values():
                yield from items(value)
        elif isinstance(node, list):
            for value in node:
                yield from ([value] if not isinstance(value, (dict, list)) else items(value))

    folder = resources.files("survey_tools.resources")
    for path in folder.iterdir():
        if path.name.endswith(".yaml"):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            wrong = [v for v in items(data) if not isinstance(v, str)]
            assert not wrong, (path.name, wrong)
    assert answer_kind(["No", "no."]).tolist() == ["non-answer", "non-answer"]
