"""The scikit-learn contract of the fitted objects (issue #15)."""

import collections
import os

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.utils import estimator_checks

from survey_tools.topics import TopicModel


class CountingEncoder:
    """Wraps the test encoder and counts how often each text is embedded."""

    cacheable = False

    def __init__(self, inner, name="counting"):
        self.inner, self.model_id, self.seen = inner, name, collections.Counter()

    def encode(self, texts):
        self.seen.update(texts)
        return self.inner.encode(texts)


@pytest.mark.parametrize("check", ["check_no_attributes_set_in_init",
                                   "check_parameters_default_constructible",
                                   "check_get_params_invariance", "check_set_params"])
def test_scikit_learn_checks_that_apply(check):
    from survey_tools.coding import SupervisedCoder, ZeroShotCoder
    from survey_tools.topics import AutoKMeans

    for estimator in (TopicModel(), AutoKMeans()):
        getattr(estimator_checks, check)(type(estimator).__name__, estimator)
    for estimator in (ZeroShotCoder(None), SupervisedCoder(None)):
        if check != "check_parameters_default_constructible":  # the codebook is required
            getattr(estimator_checks, check)(type(estimator).__name__, estimator)


def test_refit_after_set_params_uses_the_new_encoder(keyword_encoder, theme_answers):
    texts, _ = theme_answers
    first = CountingEncoder(keyword_encoder, "first")
    second = CountingEncoder(keyword_encoder, "second")
    model = TopicModel(embedding_model=first, n_topics=3, language="sv", cache_dir=False)
    model.fit(texts)
    model.set_params(embedding_model=second).fit(texts)
    assert model.encoder_ is second and sum(second.seen.values()) > 0


def test_zero_shot_refit_after_set_params_uses_the_new_encoder(keyword_encoder):
    from survey_tools.coding import ZeroShotCoder, load_codebook
    from survey_tools.paths import data_dir

    book = load_codebook(data_dir() / "codebook_obstacles.yaml")
    first = CountingEncoder(keyword_encoder, "first")
    second = CountingEncoder(keyword_encoder, "second")
    coder = ZeroShotCoder(book, embedding_model=first, cache_dir=False).fit()
    coder.set_params(embedding_model=second).fit()
    assert coder.encoder_ is second


@pytest.mark.parametrize("params, problem", [
    ({"n_topics": "many"}, "'n_topics' parameter of TopicModel"),
    ({"n_topics": 0}, "'n_topics' parameter of TopicModel"),
    ({"language": "de"}, "'language' parameter of TopicModel"),
    ({"languages": ("sv", "de")}, "'languages' parameter of TopicModel"),
    ({"word_coherence": 5}, "'word_coherence' parameter of TopicModel"),
    ({"label_language": "fi"}, "'label_language' parameter of TopicModel"),
    ({"seed": -1}, "'seed' parameter of TopicModel"),
])
def test_bad_parameters_are_named_at_fit(keyword_encoder, theme_answers, params, problem):
    texts, _ = theme_answers
    with pytest.raises(ValueError, match=problem):
        TopicModel(embedding_model=keyword_encoder, **params).fit(texts)


@pytest.mark.parametrize("coder, params, problem", [
    ("ZeroShotCoder", {"margin": "x"}, "'margin' parameter of ZeroShotCoder"),
    ("ZeroShotCoder", {"review_gap": -1}, "'review_gap' parameter of ZeroShotCoder"),
    ("ZeroShotCoder", {"use_keywords": "yes"}, "'use_keywords' parameter of ZeroShotCoder"),
    ("ZeroShotCoder", {"not_coded": "Inget"}, "'not_coded' parameter of ZeroShotCoder"),
    ("SupervisedCoder", {"threshold": 1.5}, "'threshold' parameter of SupervisedCoder"),
    ("SupervisedCoder", {"C": 0}, "'C' parameter of SupervisedCoder"),
    ("SupervisedCoder", {"embedding_model": 3}, "'embedding_model' parameter of Supervised"),
    ("KeywordCoder", {"codebook": "codebook.yaml"}, "'codebook' parameter of KeywordCoder"),
])
def test_bad_coder_parameters_are_named_at_fit(keyword_encoder, coder, params, problem):
    """Issue #31, item 5: the coders had no constraints (margin='x' was accepted)."""
    from survey_tools import coding
    from survey_tools.coding import load_codebook
    from survey_tools.paths import data_dir

    book = load_codebook(data_dir() / "codebook_obstacles.yaml")
    made = getattr(coding, coder)(book)
    if "embedding_model" in made.get_params():
        made.set_params(embedding_model=keyword_encoder, cache_dir=False)
    made.set_params(**params)
    fit_args = (["Vi saknar pengar"], pd.DataFrame({book.ids[0]: [1]})) \
        if coder == "SupervisedCoder" else ()
    with pytest.raises(ValueError, match=problem):
        made.fit(*fit_args)


def test_supervised_coder_counts_only_the_given_examples_when_they_disagree(keyword_encoder):
    """Issue #31, item 5: len(X) != len(y) named counts that included the codebook's own
    examples; the check is made on what was given."""
    from survey_tools.coding import SupervisedCoder, load_codebook
    from survey_tools.paths import data_dir

    book = load_codebook(data_dir() / "codebook_obstacles.yaml")
    coder = SupervisedCoder(book, embedding_model=keyword_encoder, cache_dir=False)
    with pytest.raises(ValueError, match=r"inconsistent numbers of samples: \[3, 2\]"):
        coder.fit(["a", "b", "c"], pd.DataFrame({book.ids[0]: [1, 0]}))


def test_each_coder_says_how_unsure_it_is(keyword_encoder, theme_answers):
    """Issue #31, item 5: uncertainty is a method of each coder, not chosen by isinstance;
    a coder without one is refused by name."""
    from survey_tools.coding import KeywordCoder, SupervisedCoder, ZeroShotCoder, load_codebook
    from survey_tools.coding.active import suggest_for_coding
    from survey_tools.paths import data_dir

    texts = [t for t in theme_answers[0] if t][:30]
    book = load_codebook(data_dir() / "codebook_obstacles.yaml")
    zero = ZeroShotCoder(book, embedding_model=keyword_encoder, cache_dir=False).fit(texts)
    trained = SupervisedCoder(book, embedding_model=keyword_encoder, cache_dir=False).fit(
        texts[:6], pd.DataFrame({book.ids[0]: [1, 1, 0, 0, 1, 0]}))
    for coder in (zero, trained):
        unsure = coder.uncertainty(texts)
        assert unsure.shape == (30,) and ((unsure >= 0) & (unsure <= 1)).all()
        picked = suggest_for_coding(coder, texts, n=5)
        assert picked["uncertainty"].is_monotonic_decreasing
        assert coder.embed(texts[:2]).shape[0] == 2
    np.testing.assert_allclose(trained.uncertainty(texts), 1 - trained.decision_margin(texts))
    with pytest.raises(TypeError, match="uncertainty"):
        suggest_for_coding(KeywordCoder(book).fit(), texts)


def test_a_coder_fits_an_encoder_that_learns_on_the_answers_and_the_whole_codebook(root):
    """Issue #31, item 4: with --embedding tfidf the zero-shot coder's space came from the
    first code's description alone (prototypes_.shape == (8, 4))."""
    from survey_tools.coding import SupervisedCoder, ZeroShotCoder, load_codebook
    from survey_tools.paths import data_dir

    book = load_codebook(data_dir() / "codebook_obstacles.yaml")
    answers = pd.read_csv(root / "data" / "sample_survey.csv", dtype=str)[
        "q_obstacles"].dropna().tolist()[:300]
    coder = ZeroShotCoder(book, embedding_model="tfidf", cache_dir=False).fit(answers)
    assert coder.prototypes_.shape == (8, 100)  # 100 SVD components: a real space
    # every text of the codebook is in the space, not only the first code's
    alone = ZeroShotCoder(book, embedding_model="tfidf", cache_dir=False).fit()
    words = set(alone.encoder_.pipeline_[0].vocabulary_)
    assert words < set(coder.encoder_.pipeline_[0].vocabulary_)
    trained = SupervisedCoder(book, embedding_model="tfidf", cache_dir=False).fit(
        answers[:40], pd.DataFrame({book.ids[0]: [1, 0] * 20}))
    # the examples and the codebook: more than the codebook's texts alone give
    assert trained.zero_shot_.encoder_.pipeline_[1].n_components > len(
        trained.zero_shot_.corpus())
    assert trained.zero_shot_.encoder_ is trained.zero_shot_.embedding_model


def test_a_run_counts_its_topics_without_changing_the_model(keyword_encoder, theme_answers):
    """Issue #31, item 3: recount() rewrote the fitted sizes ([20, 20, 20] became [4, 3, 3]);
    counting assignments made later returns a new table."""
    from survey_tools.topics.large import count_topics, outlier_share

    texts, _ = theme_answers
    model = TopicModel(embedding_model=keyword_encoder, n_topics=3, language="sv",
                       cache_dir=False).fit(texts)
    before = model.topics_.copy()
    later = model.transform(texts[:10])
    counted = count_topics(model.topics_, later)
    pd.testing.assert_frame_equal(model.topics_, before)
    assert not hasattr(model, "recount")
    modelled = later["status"].isin(["assigned", "outlier"])
    assert counted["size"].sum() == modelled.sum()
    assert counted.drop(columns=["size", "share"]).equals(before.drop(columns=["size", "share"]))
    assert outlier_share(later["status"]) == pytest.approx(
        100 * (later["status"] == "outlier").sum() / modelled.sum())


def test_transform_and_fit_transform_give_the_same_columns(keyword_encoder, theme_answers):
    texts, _ = theme_answers
    model = TopicModel(embedding_model=keyword_encoder, n_topics=3, language="sv")
    fitted = model.fit_transform(texts, ids=[f"r{i}" for i in range(len(texts))])
    again = model.transform(texts, ids=[f"r{i}" for i in range(len(texts))])
    assert list(fitted.columns) == list(again.columns)
    assert again["id"].tolist() == fitted["id"].tolist()
    assert again["topic"].tolist() == fitted["topic"].tolist()
    assert model.transform(["budget"])["id"].tolist() == [1]


@pytest.mark.parametrize("method", ["zero-shot", "supervised"])
def test_code_answers_embeds_each_answer_once(keyword_encoder, theme_answers, method):
    from survey_tools.coding import code_answers, load_codebook, make_coder
    from survey_tools.paths import data_dir

    texts, themes = theme_answers
    book = load_codebook(data_dir() / "codebook_obstacles.yaml")
    encoder = CountingEncoder(keyword_encoder)
    coder = make_coder(book, method=method, embedding_model=encoder, cache_dir=False)
    if method == "supervised":
        import pandas as pd

        labels = pd.DataFrame({"financing": [int(t == "budget") for t in themes[:30]],
                               "legal": [int(t == "lag") for t in themes[:30]]})
        coder.fit(texts[:30], labels)
    else:
        coder.fit()
    answers = [f"{t} (ny)" for t in texts if t and t not in ("vet ej", "-", "n/a")]
    assert len(answers) == 60
    encoder.seen.clear()
    code_answers(coder, answers)
    assert set(encoder.seen) == set(answers)
    assert max(encoder.seen.values()) == 1


def test_fitting_topics_embeds_each_answer_once(keyword_encoder, theme_answers):
    texts, _ = theme_answers
    encoder = CountingEncoder(keyword_encoder)
    TopicModel(embedding_model=encoder, n_topics=3, language="sv", cache_dir=False).fit(texts)
    from survey_tools.nlp.answers import ANSWER, answer_kind

    kinds = answer_kind(__import__("pandas").Series(texts, dtype=object))
    answers = [t.strip() for t, k in zip(texts, kinds, strict=True) if k == ANSWER]
    assert len(answers) == 60 and all(encoder.seen[a] == 1 for a in answers)


def test_loading_a_model_leaves_the_environment_as_it_was(monkeypatch):
    from survey_tools.nlp.embeddings import SentenceEncoder

    for key in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "TOKENIZERS_PARALLELISM"):
        monkeypatch.delenv(key, raising=False)
    import sentence_transformers  # noqa: F401 - its own import-time settings come first

    before = dict(os.environ)
    vectors = SentenceEncoder("minilm").encode(["budget saknas"])
    assert np.isfinite(vectors).all()
    assert dict(os.environ) == before


def test_a_clone_of_a_fitted_model_is_unfitted_and_fits_the_same(keyword_encoder,
                                                                   theme_answers):
    """A clone has the parameters and nothing of the fit; fitted, it gives the same topics."""
    from sklearn.exceptions import NotFittedError

    texts, _ = theme_answers
    model = TopicModel(embedding_model=keyword_encoder, n_topics=3, language="sv", seed=7,
                       cache_dir=False).fit(texts)
    copy = clone(model)
    assert not [k for k in vars(copy) if k.endswith("_")]
    with pytest.raises(NotFittedError):
        copy.transform(texts[:3])
    pd.testing.assert_frame_equal(copy.fit(texts).assignments_, model.assignments_)
