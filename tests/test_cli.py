import subprocess
import sys

import numpy as np
import pytest

from survey_tools.cli import main


@pytest.mark.parametrize("name", ["sample_survey.csv", "sample_survey.xlsx", "sample_survey.sav"])
def test_validate_sample_formats_agree(sample_copy, capsys, name):
    assert main(["validate", str(sample_copy / name)]) == 0
    out = capsys.readouterr().out
    assert "Rows: 1250" in out
    assert ("Question types: id 1, likert 6, multiple_choice 6, numeric 3, open_text 2, "
            "single_choice 3") in out


@pytest.mark.parametrize("content, problem", [
    (b"", "empty"),
    (bytes(range(256)) * 10, "binary"),
    (b"id,svar\n1,a\n1,b\n", "unique"),
])
def test_validate_bad_input_exits_2_with_one_paragraph(tmp_path, capsys, content, problem):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and str(path) in err and problem in err
    assert "\n" not in err and "Traceback" not in err


def test_debug_shows_traceback(tmp_path):
    path = tmp_path / "e.csv"
    path.write_bytes(b"")
    with pytest.raises(Exception, match="empty"):
        main(["--debug", "validate", str(path)])


def test_console_script_runs(tmp_path):
    path = tmp_path / "e.csv"
    path.write_bytes(b"")
    proc = subprocess.run([sys.executable, "-m", "survey_tools.cli", "validate", str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "empty" in proc.stderr and "Traceback" not in proc.stderr


def test_report_bad_input_exits_2_before_running_notebooks(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"")
    assert main(["report", "--input", str(bad), "--output", str(tmp_path / "out")]) == 2
    assert not (tmp_path / "out").exists()


def test_topics_on_sample_one_row_per_input_row_and_reproducible(sample_csv, tmp_path, capsys):
    import pandas as pd

    args = ["topics", str(sample_csv), "--text-column", "q_obstacles", "--group-column",
            "org_type", "--no-progress"]
    assert main([*args, "--output", str(tmp_path / "a")]) == 0
    assert main([*args, "--output", str(tmp_path / "b")]) == 0
    first = (tmp_path / "a" / "assignments.csv").read_bytes()
    assert first == (tmp_path / "b" / "assignments.csv").read_bytes()
    assert (tmp_path / "a" / "topics.csv").read_bytes() == (
        tmp_path / "b" / "topics.csv").read_bytes()
    source = pd.read_csv(sample_csv, dtype=str)
    out = pd.read_csv(tmp_path / "a" / "assignments.csv", dtype=str)
    assert out["respondent_id"].tolist() == source["respondent_id"].tolist()
    assert list(out.columns) == ["respondent_id", "org_type", "status", "topic", "label",
                                 "score", "language"]
    assert set(out["status"]) <= {"assigned", "outlier", "empty", "non-answer", "error"}
    topics = pd.read_csv(tmp_path / "a" / "topics.csv")
    assert {"topic", "label", "size", "share", "top_words", "quote_1"} <= set(topics.columns)
    shares = pd.read_csv(tmp_path / "a" / "topic_shares.csv")
    assert shares.groupby("group")["percent"].sum().round(0).eq(100).all()
    assert "1250 rows" in capsys.readouterr().out


@pytest.mark.parametrize("extra, problem", [
    (["--text-column", "q_obstacle"], "did you mean 'q_obstacles'"),
    (["--text-column", "q_obstacles", "--group-column", "orgtype"], "orgtype"),
    (["--text-column", "q_obstacles", "--n-topics", "many"], "--n-topics"),
    (["--text-column", "q_obstacles", "--embedding", "/no/such/model"], "offline"),
])
def test_topics_bad_arguments_exit_2(sample_csv, tmp_path, capsys, extra, problem):
    code = main(["topics", str(sample_csv), *extra, "--output", str(tmp_path / "o")])
    assert code == 2
    err = capsys.readouterr().err
    assert problem in err and "Traceback" not in err


def _examples_csv(root, path, per_code=10):
    import pandas as pd

    from survey_tools.coding.active import codes_from_lists, stratified_sample

    truth = pd.read_csv(root / "data" / "sample_survey_gold.csv", dtype=str,
                        keep_default_na=False)
    truth = truth[(truth["question"] == "q_obstacles") & (truth["answer_kind"] == "answer")]
    codes = ["leadership", "legal", "data_access", "financing", "cooperation", "competence",
             "technology", "other"]
    Y = codes_from_lists(truth["themes"], codes)
    rows = stratified_sample(Y, per_code, seed=0)
    table = pd.concat([truth[["respondent_id"]].reset_index(drop=True), Y], axis=1).iloc[rows]
    table.to_csv(path, index=False)
    return table


def test_categorize_one_row_per_input_row(sample_csv, root, tmp_path, capsys):
    import pandas as pd
    import pyreadstat

    examples = _examples_csv(root, tmp_path / "examples.csv")
    out = tmp_path / "out"
    assert main(["categorize", str(sample_csv), "--codebook",
                 str(root / "data" / "codebook_obstacles.yaml"), "--text-column",
                 "q_obstacles", "--examples", str(tmp_path / "examples.csv"), "--format",
                 "xlsx", "sav", "--output", str(out)]) == 0
    assert "SupervisedCoder" in capsys.readouterr().out
    source = pd.read_csv(sample_csv, dtype=str)
    coded = pd.read_csv(out / "coded.csv", dtype={"respondent_id": str})
    assert coded["respondent_id"].tolist() == source["respondent_id"].tolist()
    assert {"legal", "score_legal", "needs_review", "status"} <= set(coded.columns)
    assert set(coded["legal"]) <= {0, 1}
    sav, meta = pyreadstat.read_sav(out / "coded.sav")
    assert len(sav) == len(source) and meta.column_names_to_labels["legal"]
    assert len(pd.read_excel(out / "coded.xlsx", sheet_name="coded")) == len(source)
    assert len(examples) >= 8 * 10 - 20


@pytest.mark.parametrize("examples, problem", [
    ("respondent_id,legal\nR0001,2\n", "0 or 1"),
    ("respondent_id,legal\nNOPE,1\n", "'NOPE' is not in the survey"),
    ("respondent_id,lagar\nR0001,1\n", "no column named like a code"),
])
def test_categorize_bad_examples_exit_2(sample_csv, root, tmp_path, capsys, examples, problem):
    path = tmp_path / "ex.csv"
    path.write_text(examples, encoding="utf-8")
    code = main(["categorize", str(sample_csv), "--codebook",
                 str(root / "data" / "codebook_obstacles.yaml"), "--text-column",
                 "q_obstacles", "--examples", str(path), "--output", str(tmp_path / "o")])
    assert code == 2
    err = capsys.readouterr().err
    assert problem in err and str(path) in err and "Traceback" not in err


def test_categorize_bad_codebook_exit_2(sample_csv, tmp_path, capsys):
    book = tmp_path / "book.yaml"
    book.write_text("codes:\n  legal: {label: Juridik}\n", encoding="utf-8")
    code = main(["categorize", str(sample_csv), "--codebook", str(book), "--text-column",
                 "q_obstacles", "--output", str(tmp_path / "o")])
    assert code == 2
    assert "code 'legal' has no description" in capsys.readouterr().err


def test_categorize_zero_shot_is_centred_on_the_real_answers(root, tmp_path):
    import pandas as pd

    from survey_tools.coding import ZeroShotCoder, code_answers, load_codebook

    answers = ["Vi saknar budget för AI", "Lagen är oklar om persondata", "vet ej", "",
               "No money for pilots", "Ledningen ger inget mandat", "Data är svår att nå",
               "GDPR gör oss osäkra", "Vi samarbetar för lite med andra kommuner"]
    path = tmp_path / "svar.csv"
    pd.DataFrame({"id": range(1, 10), "svar": answers}).to_csv(path, index=False)
    book_path = root / "data" / "codebook_obstacles.yaml"
    assert main(["categorize", str(path), "--codebook", str(book_path), "--text-column",
                 "svar", "--method", "zero-shot", "--output", str(tmp_path / "o")]) == 0
    coded = pd.read_csv(tmp_path / "o" / "coded.csv")
    book = load_codebook(book_path)
    real = [a for a in answers if a not in ("vet ej", "")]
    expected = code_answers(ZeroShotCoder(book).fit(real), answers, ids=range(1, 10))
    scores = [f"score_{c}" for c in book.ids]
    np.testing.assert_allclose(coded[scores].to_numpy(dtype=float),
                               expected[scores].to_numpy(dtype=float), atol=1e-4)
    assert coded[book.ids].to_numpy().tolist() == expected[book.ids].to_numpy().tolist()


def test_topics_fit_on_sample_above_fit_size(sample_csv, tmp_path):
    import json

    import pandas as pd

    out = tmp_path / "o"
    assert main(["topics", str(sample_csv), "--text-column", "q_obstacles", "--embedding",
                 "tfidf", "--fit-size", "400", "--output", str(out), "--no-progress"]) == 0
    assignments = pd.read_csv(out / "assignments.csv", dtype=str)
    assert len(assignments) == 1250
    run = json.loads((out / "run.json").read_text())
    assert any("fitted on 400 of 1,250" in n for n in run["notes"])
    assert run["precision"] == "float32"  # recorded in every run (issue #27)
    topics = pd.read_csv(out / "topics.csv")
    modelled = assignments["status"].isin(["assigned", "outlier"]).sum()
    assert topics["size"].sum() == modelled


@pytest.mark.slow
def test_topics_with_the_fast_embedding(sample_csv, tmp_path):
    """The real fast path: static features mapped onto the default model on a sample.

    The sample has 1,016 distinct modelled answers: 5 % of them is below the minimum of
    400, and 1,016 is more than twice 400, so the teacher embeds a sample of 400.
    """
    import json

    import pandas as pd

    out = tmp_path / "o"
    assert main(["topics", str(sample_csv), "--text-column", "q_obstacles", "--embedding",
                 "fast", "--output", str(out), "--no-progress"]) == 0
    assignments = pd.read_csv(out / "assignments.csv", dtype=str)
    source = pd.read_csv(sample_csv, dtype=str)
    assert assignments["respondent_id"].tolist() == source["respondent_id"].tolist()
    assert set(assignments["status"]) <= {"assigned", "outlier", "empty", "non-answer"}
    run = json.loads((out / "run.json").read_text())
    assert run["rows"] == 1250
    assert any("mapped onto" in note and "400 answers of 1,016" in note for note in run["notes"])


def test_examples_rows_not_coded_yet_are_left_out(sample_csv, root, tmp_path):
    """A row whose code cells are all blank is not coded yet; a row of zeros is an answer
    coded with none of the codes (issue #17)."""
    import pandas as pd

    from survey_tools.coding import load_codebook
    from survey_tools.io.survey import read_survey
    from survey_tools.runs.categorize import read_examples

    book = load_codebook(root / "data" / "codebook_obstacles.yaml")
    survey = read_survey(sample_csv)
    ids = survey.data[survey.id_column].astype(str).tolist()[:3]
    path = tmp_path / "examples.csv"
    pd.DataFrame({survey.id_column: ids, "legal": ["1", "", "0"],
                  "financing": ["0", "", "0"]}).to_csv(path, index=False)
    texts, codes = read_examples(path, codebook=book, survey=survey, text_column="q_obstacles")
    assert len(texts) == 2 and codes.to_dict("list") == {"legal": [1, 0], "financing": [0, 0]}
