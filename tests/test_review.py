"""Issue #32, item 4: what the workbench does, as API calls on the edits and examples files."""

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from survey_tools.topics import TopicModel
from survey_tools.topics.review import (
    add_edit,
    label_edit,
    merge_edit,
    not_a_theme_edit,
    preview_edit,
    record_edit,
    split_edit,
    theme_anchor,
    theme_answers,
    theme_overview,
    undo_edit,
)

TAILS = ["alfa", "bravo", "charlie", "delta", "eko", "foxtrot", "golf", "hotell", "india",
         "juliett", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo",
         "sierra", "tango"]
WORDS = {"budget": ["budget", "pengar", "kostnad", "funding"],
         "law": ["gdpr", "juridik", "lag", "legal"],
         "lead": ["ledning", "chefer", "mandat", "strategi"]}


@pytest.fixture
def answers():
    """60 answers without digits or names (quotable), 20 per theme, plus three non-answers."""
    rng = np.random.default_rng(3)
    texts, themes = [], []
    for theme, words in WORDS.items():
        for tail in TAILS:
            pair = rng.choice(words, size=2, replace=False)
            texts.append(f"vi saknar {pair[0]} och {pair[1]} {tail}")
            themes.append(theme)
    texts += ["", "vet ej", None]
    themes += [None] * 3
    order = rng.permutation(len(texts))
    return [texts[i] for i in order], [themes[i] for i in order]


def fit(encoder, texts, **kw):
    return TopicModel(embedding_model=encoder, cache_dir=False, n_topics=3,
                      label_language="sv", **kw).fit(texts)


def topic_of(model, texts, theme, themes):
    """The fitted topic that holds most answers of a planted theme."""
    a = model.assignments_
    picked = a.loc[[t == theme for t in themes], "topic"]
    return int(pd.to_numeric(picked).mode().iloc[0])


def test_overview_lists_every_theme_with_its_share(keyword_encoder, answers):
    texts, _ = answers
    model = fit(keyword_encoder, texts)
    table = theme_overview(model)
    assert table.columns.tolist() == ["topic", "label", "size", "share", "weighted_share",
                                      "stability"]
    assert table["size"].sum() == 60
    assert (table["weighted_share"] == table["share"]).all()
    weights = [2.0 if isinstance(t, str) and "gdpr" in t else 1.0 for t in texts]
    weighted = theme_overview(model, weights=weights)
    assert weighted["weighted_share"].sum() == pytest.approx(100)
    assert not np.allclose(weighted["weighted_share"], weighted["share"])
    with pytest.raises(ValueError, match="pass what the model was fitted on"):
        theme_overview(model, weights=[1.0] * 5)


def test_a_themes_answers_are_closest_first_paged_searched_and_masked(keyword_encoder,
                                                                      answers):
    texts, themes = answers
    texts = list(texts)
    at = texts.index(next(t for t, th in zip(texts, themes, strict=True) if th == "law"))
    texts[at] = texts[at] + " mejla anna.svensson@example.se"
    model = fit(keyword_encoder, texts)
    law = topic_of(model, texts, "law", themes)
    everything = theme_answers(model, texts, law, page_size=None)
    assert everything.attrs["total"] == len(everything) == (
        model.assignments_["topic"] == law).sum()
    assert everything["score"].is_monotonic_decreasing
    pages = pd.concat([theme_answers(model, texts, law, page=p, page_size=7)
                       for p in range(3)])
    assert pages["id"].tolist() == everything["id"].tolist()[:21]
    assert not everything["answer"].str.contains("anna.svensson").any()
    assert everything["answer"].str.contains(r"\[EMAIL\]").sum() == 1
    found = theme_answers(model, texts, law, query="GDPR")
    assert len(found) and found["answer"].str.lower().str.contains("gdpr").all()
    assert theme_answers(model, texts, law, query="anna.svensson").attrs["total"] == 0


def test_a_theme_is_named_by_impersonal_answers_that_belong_to_it(keyword_encoder, answers):
    texts, themes = answers
    model = fit(keyword_encoder, texts)
    law = topic_of(model, texts, "law", themes)
    anchor = theme_anchor(model, texts, law)
    assert len(anchor["answers"]) == 3
    members = set(theme_answers(model, texts, law, page_size=None, mask=False)["answer"])
    assert set(anchor["answers"]) <= members


def test_merge_and_rename_are_recorded_and_the_next_fit_applies_them(keyword_encoder, answers,
                                                                     tmp_path):
    texts, themes = answers
    model = fit(keyword_encoder, texts)
    law, lead = (topic_of(model, texts, t, themes) for t in ("law", "lead"))
    budget = topic_of(model, texts, "budget", themes)
    path = tmp_path / "topic_edits" / "q.yaml"
    when = datetime(2026, 12, 6, 10, 0)

    merge = merge_edit(model, texts, [law, lead], label="Juridik och ledning")
    preview = preview_edit(model, texts, merge)
    assert preview.attrs["log"][0]["status"] == "applied"
    assert set(preview["topic"]) == {law, lead}
    assert (preview["new_size"] == 40).all() and set(preview["new_label"]) == {
        "Juridik och ledning"}
    assert record_edit(path, merge, who="anna", when=when) is None
    rename = label_edit(model, texts, budget, {"sv": "Pengar", "en": "Money"})
    assert preview_edit(model, texts, rename)["new_label"].tolist() == ["Pengar"]
    first = path.read_text(encoding="utf-8")
    assert record_edit(path, rename, who="anna", when=when) == first
    text = path.read_text(encoding="utf-8")
    assert text.count("# anna, 2026-12-06 10:00") == 2

    again = TopicModel(embedding_model=keyword_encoder, cache_dir=False, n_topics=3,
                       label_language="sv", edits=path, seed=1).fit(texts)
    assert again.n_topics_ == 2
    sizes = dict(zip(again.topics_["label"], again.topics_["size"], strict=True))
    assert sizes["Juridik och ledning"] == 40 and sizes["Pengar"] == 20
    assert all(row["status"] == "applied" for row in again.edit_log_)

    undo_edit(path, first)
    assert path.read_text(encoding="utf-8") == first
    undo_edit(path, None)
    assert not path.exists()


def test_a_theme_that_is_two_is_split_and_one_that_is_none_goes(keyword_encoder, answers,
                                                              tmp_path):
    texts, themes = answers
    two = TopicModel(embedding_model=keyword_encoder, cache_dir=False, n_topics=2,
                     label_language="sv").fit(texts)
    sizes = two.topics_.set_index("topic")["size"]
    both = int(sizes.drop(-1, errors="ignore").idxmax())  # 40 answers: two planted themes
    assert sizes[both] == 40
    path = tmp_path / "q.yaml"
    split = split_edit(two, texts, both, into=2)
    preview = preview_edit(two, texts, split)
    assert preview.attrs["log"][0]["status"] == "applied"
    assert sorted(preview["new_size"]) == [20, 20]
    record_edit(path, split, who="anna")
    again = TopicModel(embedding_model=keyword_encoder, cache_dir=False, n_topics=2,
                       label_language="sv", edits=path).fit(texts)
    assert again.n_topics_ == 3
    a = again.assignments_
    for theme in WORDS:  # each planted theme is one theme again
        assert pd.to_numeric(a.loc[[t == theme for t in themes], "topic"]).nunique() == 1

    budget = topic_of(again, texts, "budget", themes)
    drop = not_a_theme_edit(again, texts, budget)
    assert preview_edit(again, texts, drop)[["size", "new_topic"]].to_numpy().tolist() == [
        [20, -1]]
    record_edit(path, drop, who="anna")
    third = TopicModel(embedding_model=keyword_encoder, cache_dir=False, n_topics=2,
                       label_language="sv", edits=path).fit(texts)
    assert third.n_topics_ == 2 and (third.assignments_["status"] == "outlier").sum() == 20
    assert [row["edit"] for row in third.edit_log_] == ["split", "not a theme"]
    assert all(row["status"] == "applied" for row in third.edit_log_)


def test_adding_to_an_analysts_file_keeps_what_is_there(root):
    from survey_tools.io.yamlio import safe_load_unique
    from survey_tools.topics.edits import TopicEdits

    original = (root / "data" / "topic_edits" / "q_obstacles.yaml").read_text(encoding="utf-8")
    text = add_edit(original, {"labels": {"words": ["gdpr"], "label": "Juridik"}},
                    note="anna, 2026-12-06 10:00")
    comments = [line.strip() for line in original.splitlines() if line.lstrip().startswith("#")]
    assert all(c in text for c in comments)
    before = TopicEdits.from_dict(safe_load_unique(original))
    after = TopicEdits.from_dict(safe_load_unique(text))
    assert after.labels[:-1] == before.labels
    assert after.labels[-1][1] == "Juridik"
    with pytest.raises(ValueError, match="old form"):
        add_edit("labels: {3: Pengar}\n", {"labels": {"words": ["gdpr"], "label": "x"}})


def test_coding_decisions_go_to_the_examples_file_the_coder_reads(root, tmp_path):
    from survey_tools.coding import load_codebook
    from survey_tools.coding.session import read_decisions, record_decision, undo_decision
    from survey_tools.io import read_survey
    from survey_tools.runs.categorize import read_examples

    book = load_codebook(root / "data" / "codebook_obstacles.yaml")
    survey = read_survey(root / "data" / "sample_survey.csv")
    ids = survey.data["respondent_id"].astype(str).tolist()
    path = tmp_path / "examples.csv"
    first, second = book.ids[:2]
    record_decision(path, ids[0], {first}, codebook=book, id_column="respondent_id", who="anna")
    record_decision(path, ids[1], set(), codebook=book, id_column="respondent_id", who="anna")
    table = record_decision(path, ids[0], {first, second}, codebook=book,
                            id_column="respondent_id", who="anna")
    assert table["respondent_id"].tolist() == [ids[1], ids[0]]  # decided again: replaced
    assert read_decisions(path, codebook=book, id_column="respondent_id")[
        [first, second]].to_numpy().tolist() == [[0, 0], [1, 1]]
    texts, codes = read_examples(path, codebook=book, survey=survey, text_column="q_obstacles")
    column = survey.data.set_index("respondent_id")["q_obstacles"]
    assert texts == [str(column[ids[1]]), str(column[ids[0]])]
    assert codes[first].tolist() == [0, 1] and codes[second].tolist() == [0, 1]
    undo_decision(path, ids[1], codebook=book, id_column="respondent_id")
    assert read_decisions(path, codebook=book, id_column="respondent_id")[
        "respondent_id"].tolist() == [ids[0]]
    with pytest.raises(ValueError, match="not codes"):
        record_decision(path, ids[2], {"nonsense"}, codebook=book, id_column="respondent_id")


def test_the_next_answers_to_code_leave_out_those_decided(keyword_encoder, answers):
    from survey_tools.coding import ZeroShotCoder
    from survey_tools.coding.codebook import codebook_from_dict
    from survey_tools.coding.session import next_to_code

    texts, _ = answers
    book = codebook_from_dict({"codes": {
        "budget": {"label": "Budget", "description": "budget pengar kostnad"},
        "law": {"label": "Juridik", "description": "gdpr juridik lag"}}})
    coder = ZeroShotCoder(book, embedding_model=keyword_encoder).fit(texts)
    ids = [f"r{i}" for i in range(len(texts))]
    first = next_to_code(coder, texts, ids, n=5)
    assert len(first) == 5 and first["id"].tolist() == [ids[p] for p in first["position"]]
    later = next_to_code(coder, texts, ids, decided=first["id"], n=5)
    assert not set(later["id"]) & set(first["id"])


def test_the_theme_review_widget_does_what_the_api_does(keyword_encoder, answers, tmp_path):
    """Issue #32: the widget driven as a user clicks it (without a browser)."""
    from survey_tools.topics.review_widget import ThemeReview

    texts, themes = answers
    model = fit(keyword_encoder, texts)
    law, lead = (topic_of(model, texts, t, themes) for t in ("law", "lead"))
    path = tmp_path / "q.yaml"
    ui = ThemeReview(model, texts, path, lang="en", page_size=7, who="anna")
    ui.themes.value = law
    assert ui.page_label.value == "Answers 1–7 of 20"
    ui.next.click()
    ui.next.click()
    ui.next.click()
    assert ui.page_label.value == "Answers 15–20 of 20" and ui.next.disabled
    ui.query.value = "gdpr"
    assert "gdpr" in ui.answers.value.lower()
    ui.merge_with.value = lead
    ui.new_name.value = "Law and leadership"
    ui.merge.click()
    assert not path.exists() and not ui.apply.disabled  # shown first, not saved
    assert "Law and leadership" in ui.preview.value
    ui.apply.click()
    assert "Law and leadership" in path.read_text(encoding="utf-8")
    ui.themes.value = topic_of(model, texts, "budget", themes)
    ui.new_name.value = "Money"
    ui.rename.click()
    ui.apply.click()
    again = TopicModel(embedding_model=keyword_encoder, cache_dir=False, n_topics=3,
                       label_language="en", edits=path).fit(texts)
    assert sorted(again.topics_["label"]) == ["Law and leadership", "Money"]
    ui.undo_button.click()
    assert "Money" not in path.read_text(encoding="utf-8")
    ui.undo_button.click()
    assert not path.exists()
    ui.undo_button.click()
    assert ui.status.value == "Nothing to undo."


def test_an_edit_that_cannot_be_made_says_why_in_the_widget(keyword_encoder, answers,
                                                            tmp_path):
    """"Rename" with no name, or a merge of a theme with itself, raised in the button's
    callback, which JupyterLab shows nowhere: the click did nothing. Now the widget says
    what to do, in its language, and nothing is pending."""
    from survey_tools.topics.review_widget import ThemeReview

    texts, themes = answers
    model = fit(keyword_encoder, texts)
    law = topic_of(model, texts, "law", themes)
    path = tmp_path / "q.yaml"
    ui = ThemeReview(model, texts, path, lang="sv")
    ui.themes.value = law
    ui.new_name.value = "   "
    ui.rename.click()
    assert "skriv ett nytt namn" in ui.preview.value and ui.pending is None
    assert ui.apply.disabled
    ui.new_name.value = "Juridik"
    ui.rename.click()
    assert ui.pending is not None and not ui.apply.disabled
    ui.merge_with.value = law
    ui.merge.click()
    assert "två olika teman" in ui.preview.value and ui.pending is None
    assert ui.apply.disabled and not path.exists()
    english = ThemeReview(model, texts, path, lang="en")
    english.new_name.value = ""
    english.rename.click()
    assert "write a new name first" in english.preview.value


def test_the_coding_session_widget_records_refits_and_measures(root, tmp_path):
    from survey_tools.coding import SupervisedCoder, ZeroShotCoder, load_codebook
    from survey_tools.coding.session import read_decisions
    from survey_tools.coding.session_widget import CodingSession
    from survey_tools.io import read_survey

    book = load_codebook(root / "data" / "codebook_obstacles.yaml")
    data = read_survey(root / "data" / "sample_survey.csv").data.head(200)
    texts, ids = data["q_obstacles"].tolist(), data["respondent_id"].tolist()
    coder = ZeroShotCoder(book, embedding_model="tfidf").fit(texts)
    path = tmp_path / "examples.csv"
    ui = CodingSession(coder, texts, ids, path, codebook=book, id_column="respondent_id",
                       every=5, batch=3, lang="en", who="anna",
                       refit=lambda X, y: SupervisedCoder(book, embedding_model="tfidf"
                                                          ).fit(X, y))
    shown = []
    for _ in range(5):
        shown.append(ids[ui.current])
        assert ids[ui.current] in ui.answer.value
        ui.toggles[book.ids[0]].value = True
        ui.save_button.click()
    # the fifth decision showed the next answer at once; the refit runs in the background
    assert ids[ui.current] not in shown
    showing = ui.current
    ui.wait()
    assert not ui.refitting and ui.current == showing  # the refit did not swap it
    decisions = read_decisions(path, codebook=book, id_column="respondent_id")
    assert decisions["respondent_id"].tolist() == shown
    assert (decisions[book.ids[0]] == 1).all() and (decisions[book.ids[1:]] == 0).all().all()
    assert ui.agreement is not None and "still need review" in ui.status.value
    assert isinstance(ui.coder, SupervisedCoder)
    assert ids[ui.current] not in shown
    ui.none.click()
    assert read_decisions(path, codebook=book, id_column="respondent_id")[
        book.ids].iloc[-1].sum() == 0


def test_the_coding_session_answers_to_the_keyboard(root, tmp_path):
    """Issue #32 item 3: digits toggle codes, 0 is none of these, Enter saves, arrows move."""
    from survey_tools.coding import ZeroShotCoder, load_codebook
    from survey_tools.coding.session import read_decisions
    from survey_tools.coding.session_widget import CodingSession
    from survey_tools.io import read_survey

    book = load_codebook(root / "data" / "codebook_obstacles.yaml")
    data = read_survey(root / "data" / "sample_survey.csv").data.head(100)
    texts, ids = data["q_obstacles"].tolist(), data["respondent_id"].tolist()
    coder = ZeroShotCoder(book, embedding_model="tfidf").fit(texts)
    path = tmp_path / "examples.csv"
    ui = CodingSession(coder, texts, ids, path, codebook=book, id_column="respondent_id",
                       every=50, lang="en", who="anna")
    assert set(ui.keys.catch) >= {"0", "1", "2", "Enter", "ArrowLeft", "ArrowRight"}
    assert "1–9 toggle a code" in ui.keys.hint
    first = ids[ui.current]
    ui.press("2")
    ui.press("3")
    ui.press("3")  # toggled twice: off again
    assert [t.value for t in ui.toggles.values()][:3] == [False, True, False]
    ui.press("Enter")
    second = ids[ui.current]
    assert second != first
    ui.press("0")
    ui.press("ArrowLeft")
    assert ids[ui.current] == second
    ui.press("ArrowRight")
    third = ids[ui.current]
    assert third not in (first, second)
    ui.press("ArrowRight")  # skipped, not decided
    ui.press("x")  # not a key of the session: nothing happens
    decided = read_decisions(path, codebook=book, id_column="respondent_id")
    assert decided["respondent_id"].tolist() == [first, second]
    assert decided.loc[0, book.ids].tolist() == [0, 1] + [0] * (len(book.ids) - 2)
    assert decided.loc[1, book.ids].sum() == 0


def test_the_theme_review_answers_to_the_keyboard(keyword_encoder, answers, tmp_path):
    """Issue #32 item 3: up and down choose the theme, left and right page, Enter saves."""
    from survey_tools.topics.review_widget import ThemeReview

    texts, themes = answers
    model = fit(keyword_encoder, texts)
    path = tmp_path / "q.yaml"
    ui = ThemeReview(model, texts, path, lang="sv", page_size=7, who="anna")
    assert "↑ ↓ byt tema" in ui.keys.hint
    order = [value for _, value in ui.themes.options]
    ui.press("ArrowUp")  # already the first
    assert ui.topic == order[0]
    ui.press("ArrowDown")
    assert ui.topic == order[1] and ui.page == 0
    ui.press("ArrowRight")
    assert ui.page == 1 and ui.page_label.value.startswith("Svar 8–14")
    ui.press("ArrowLeft")
    ui.press("ArrowLeft")
    assert ui.page == 0
    ui.press("Enter")  # nothing shown: nothing saved
    assert not path.exists()
    ui.new_name.value = "Nytt namn"
    ui.rename.click()
    ui.press("Enter")
    assert "Nytt namn" in path.read_text(encoding="utf-8")


def test_a_refit_that_fails_says_so_and_keeps_the_decisions(root, tmp_path):
    from survey_tools.coding import ZeroShotCoder, load_codebook
    from survey_tools.coding.session import read_decisions
    from survey_tools.coding.session_widget import CodingSession
    from survey_tools.io import read_survey

    book = load_codebook(root / "data" / "codebook_obstacles.yaml")
    data = read_survey(root / "data" / "sample_survey.csv").data.head(60)
    texts, ids = data["q_obstacles"].tolist(), data["respondent_id"].tolist()

    def broken(texts, codes):
        raise MemoryError("no room")

    ui = CodingSession(ZeroShotCoder(book, embedding_model="tfidf").fit(texts), texts, ids,
                       tmp_path / "examples.csv", codebook=book, id_column="respondent_id",
                       every=2, lang="en", refit=broken)
    ui.press("0")
    ui.press("0")
    ui.wait()
    assert "could not be refitted (MemoryError: no room)" in ui.status.value
    assert len(read_decisions(tmp_path / "examples.csv", codebook=book,
                              id_column="respondent_id")) == 2
    ui.press("0")  # coding goes on
    assert len(read_decisions(tmp_path / "examples.csv", codebook=book,
                              id_column="respondent_id")) == 3
