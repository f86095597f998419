import os
import shutil
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


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


def write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    os.utime(path, (0, 0))
    return path
