import os

# `make test` runs the suite in several processes (pytest-xdist, `-n auto`). They share the
# cores: each computes with its share of threads (set before numpy or torch is loaded, and
# inherited by the notebook kernels and Dask workers they start). Measured on 2 cores:
# 357-426 s of tests on fresh clones, against 512 s in one process (bench/README.md).
if os.environ.get("PYTEST_XDIST_WORKER"):
    for _name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[_name] = str(max(1, (os.cpu_count() or 1)
                                    // int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))))
# Importing BERTopic imports UMAP and pynndescent, which compile numba functions the first
# time in a new environment (23 s against 9 s for `import bertopic`, measured). Neither the
# package nor a test runs them (BERTopic's comparisons use its pass-through steps), so the
# tests leave numba's compiler off.
os.environ.setdefault("NUMBA_DISABLE_JIT", "1")
import hashlib
import shutil
import tempfile
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"

# Embeddings computed by tests (and by notebook kernels, which inherit the environment) go to
# a fresh cache per test session, never to the user's ~/.cache. The processes of one
# `pytest -n` run share it (SQLite and joblib's files are safe for several writers).
if os.environ.get("PYTEST_XDIST_WORKER"):
    from threadpoolctl import threadpool_limits

    threadpool_limits(int(os.environ["OMP_NUM_THREADS"]))  # if a plugin loaded numpy first
    _RUN = os.environ["PYTEST_XDIST_TESTRUNUID"]
    os.environ["SURVEY_TOOLS_CACHE"] = str(Path(tempfile.gettempdir())
                                           / f"survey_tools_test_cache_{_RUN}")
    Path(os.environ["SURVEY_TOOLS_CACHE"]).mkdir(exist_ok=True)
else:
    os.environ["SURVEY_TOOLS_CACHE"] = tempfile.mkdtemp(prefix="survey_tools_test_cache_")

THEMES = {
    "budget": ["budget", "pengar", "kostnad", "money", "funding", "finansiering"],
    "law": ["gdpr", "juridik", "lag", "legal", "law", "jurister"],
    "lead": ["ledning", "chefer", "mandat", "leadership", "managers", "strategi"],
}


class KeywordEncoder:
    """A tiny deterministic stand-in for a sentence model: one direction per theme.

    Each text gets 1.0 on the axis of every theme whose words it contains, plus a small
    hash-seeded noise so no two different texts coincide. Texts containing "NaN!" give a
    non-finite vector (to test the error status).
    """

    model_id = "keyword-test-encoder"
    cacheable = False

    def __init__(self):
        self.calls = 0

    def encode(self, texts):
        self.calls += 1
        out = []
        for t in texts:
            seed = int(hashlib.sha256(t.encode()).hexdigest()[:8], 16)
            v = np.random.default_rng(seed).normal(0, 0.05, 8)
            low = t.lower()
            for axis, words in enumerate(THEMES.values()):
                if any(w in low for w in words):
                    v[axis] += 1.0
            if "NaN!" in t:
                v[:] = np.nan
            out.append(v)
        return np.asarray(out, dtype=np.float32)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture(autouse=True)
def _project_root(monkeypatch):
    monkeypatch.setenv("SURVEY_TOOLS_ROOT", str(ROOT))


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


@pytest.fixture
def root():
    return ROOT


@pytest.fixture
def sample_csv():
    return DATA / "sample_survey.csv"


@pytest.fixture
def sample_copy(tmp_path):
    """Copies of the sample files in a temporary folder (safe to touch)."""
    for name in ("sample_survey.csv", "sample_survey.xlsx", "sample_survey.sav",
                 "sample_survey_dictionary.csv"):
        shutil.copy(DATA / name, tmp_path / name)
    return tmp_path


@pytest.fixture
def small_frame():
    return pd.DataFrame({
        "id": ["a", "b", "c", "d", "e", "f"],
        "group": pd.Categorical(["x", "x", "y", "y", "y", None], categories=["x", "y"]),
        "q": ["Instämmer helt", "Instämmer delvis", "Vet ej", "Instämmer inte alls",
              "Instämmer helt", None],
        "w": [1.0, 2.0, 1.0, 1.0, 0.5, 1.0],
        "before": [1, 2, 3, 2, 1, np.nan],
        "after": [2, 2, 4, 3, 1, 3],
        "opt_a": [1, 0, 1, 1, 0, 1],
    })


@pytest.fixture
def keyword_encoder():
    return KeywordEncoder()


@pytest.fixture
def theme_answers():
    """60 answers on three themes (20 each, Swedish and English), plus empty and non-answers."""
    rng = np.random.default_rng(7)
    fillers = ["vi har problem med", "det största hindret är", "we struggle with",
               "the main issue is", "främst", "honestly"]
    rows = []
    for i in range(60):
        theme = list(THEMES)[i % 3]
        words = rng.choice(THEMES[theme], size=2, replace=False)
        rows.append((f"{rng.choice(fillers)} {words[0]} och {words[1]} nr {i}", theme))
    texts = [t for t, _ in rows] + ["", None, "vet ej", "-", "n/a"]
    themes = [th for _, th in rows] + [None] * 5
    order = rng.permutation(len(texts))
    return [texts[i] for i in order], [themes[i] for i in order]


def write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    os.utime(path, (0, 0))
    return path


def prose(html: str) -> str:
    """The report's own words: the page without code, quoted answers and quotations."""
    import re

    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "blockquote", "code", "title"]):
        tag.decompose()
    text = soup.get_text("\n")
    return re.sub(r"«[^»]*»|“[^”]*”|”[^”]*”|\"[^\"\n]*\"", " ", text)
