"""The scikit-learn contract of the fitted objects (issue #15)."""

import collections
import os

import numpy as np
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
    from survey_tools.text import ANSWER, answer_kind

    kinds = answer_kind(__import__("pandas").Series(texts, dtype=object))
    answers = [t.strip() for t, k in zip(texts, kinds, strict=True) if k == ANSWER]
    assert len(answers) == 60 and all(encoder.seen[a] == 1 for a in answers)


def test_loading_a_model_leaves_the_environment_as_it_was(monkeypatch):
    from survey_tools.embeddings import SentenceEncoder

    for key in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "TOKENIZERS_PARALLELISM"):
        monkeypatch.delenv(key, raising=False)
    import sentence_transformers  # noqa: F401 - its own import-time settings come first

    before = dict(os.environ)
    vectors = SentenceEncoder("minilm").encode(["budget saknas"])
    assert np.isfinite(vectors).all()
    assert dict(os.environ) == before


def test_clone_keeps_parameters():
    model = TopicModel(n_topics=4, language="sv", seed=7)
    assert clone(model).get_params() == model.get_params()
