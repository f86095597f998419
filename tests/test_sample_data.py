"""The bundled synthetic sample is reproducible and has what later features need."""

import subprocess
import sys

import pandas as pd
import pytest

SRC = ["src/survey_tools"]


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    out = tmp_path_factory.mktemp("sample")
    subprocess.run([sys.executable, str(root / "data" / "generate_sample.py"), "--out", str(out)],
                   check=True, capture_output=True)
    return root / "data", out


def test_generator_reproduces_committed_files(regenerated):
    committed, fresh = regenerated
    for name in ("sample_survey.csv", "sample_survey_gold.csv", "sample_survey_dictionary.csv"):
        assert (fresh / name).read_bytes() == (committed / name).read_bytes(), name
    a = pd.read_excel(committed / "sample_survey.xlsx", dtype=str)
    b = pd.read_excel(fresh / "sample_survey.xlsx", dtype=str)
    pd.testing.assert_frame_equal(a, b)


def test_sample_shape_and_content(root):
    survey = pd.read_csv(root / "data" / "sample_survey.csv", dtype=str, keep_default_na=False)
    gold = pd.read_csv(root / "data" / "sample_survey_gold.csv", dtype=str,
                       keep_default_na=False)
    assert len(survey) >= 1200
    assert len(gold) == 2 * len(survey)
    assert gold["respondent_id"].iloc[::2].tolist() == survey["respondent_id"].tolist()
    english = (gold["language"] == "en").mean()
    assert 0.15 < english < 0.25
    kinds = gold["answer_kind"].value_counts()
    assert kinds["non_answer"] > 50 and kinds["empty"] > 50
    assert set(gold["planted_pii"]) >= {"personnummer", "phone", "email", "name"}
    themes = set(";".join(gold["themes"]).split(";")) - {""}
    assert themes == {"leadership", "legal", "data_access", "financing", "cooperation",
                      "competence", "technology", "other"}
    assert survey["q_obstacles"].nunique() > 500  # hundreds of distinct phrasings
    # the answers' emptiness agrees with the gold file
    obstacles = gold[gold["question"] == "q_obstacles"].set_index("respondent_id")
    empty = survey.set_index("respondent_id")["q_obstacles"].eq("")
    assert (obstacles["answer_kind"] == "empty").equals(empty)


def test_pipeline_never_reads_gold(root):
    # The package and the analysis notebooks never see the planted truth. Notebook 03 is
    # the validation notebook: it reads it on purpose, as the human coder to compare with.
    for path in (root / "src" / "survey_tools").rglob("*.py"):
        assert "gold" not in path.read_text(encoding="utf-8"), path
    # The sample's configuration names it only as the reference coding of a question, and
    # only notebook 03 reads a reference.
    from survey_tools.io.config import load_config

    config = load_config(root / "data" / "sample_survey.yaml")
    assert [q.reference.name for q in config.open_questions if q.reference] == [
        "sample_survey_gold.csv"]
    text = (root / "data" / "sample_survey.yaml").read_text(encoding="utf-8")
    assert text.count("gold") == 1
    for path in (root / "notebooks").glob("*.ipynb"):
        source = path.read_text(encoding="utf-8")
        assert "gold" not in source, path
        reads = "read_reference" in source or "question.reference" in source
        assert reads == (path.name == "03_codebook_coding.ipynb"), path
