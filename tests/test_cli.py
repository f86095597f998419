import subprocess
import sys

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
