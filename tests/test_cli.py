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
