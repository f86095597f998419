"""The survey configuration (issue #16): roles of columns, validated with file, line and key."""

import pytest

from survey_tools.cli import main
from survey_tools.errors import SurveyInputError
from survey_tools.io.config import check_config, draft_config, load_config

GOOD = """\
survey: {survey}
title: Test
id: respondent_id
weight: weight
groups: [org_type]
likert:
  - name: obstacles
    items: [lik_strategy, lik_legal]
open_questions:
  - column: q_obstacles
"""


@pytest.fixture
def write(tmp_path, root):
    def write(text, name="survey.yaml"):
        path = tmp_path / name
        path.write_text(text.format(survey=root / "data" / "sample_survey.csv"),
                        encoding="utf-8")
        return path
    return write


def test_the_sample_configuration_matches_the_sample(root):
    config = load_config(root / "data" / "sample_survey.yaml")
    check_config(config, config.read_survey())
    assert config.group == "org_type" and config.coded.column == "q_obstacles"
    assert [b.name for b in config.likert] == ["obstacles"]
    assert config.coded.codebook == root / "data" / "codebook_obstacles.yaml"


@pytest.mark.parametrize("change, line, key, problem", [
    (("likert:", "likret:"), 6, "likret", "unknown key 'likret'"),
    (("    items: [lik_strategy, lik_legal]\n", ""), 7, "likert.0.items", "list is missing"),
    (("weight: weight", "weight: [a, b]"), 4, "weight", "one value"),
    (("title: Test", "title: Test\nresponse_rate: 150"), 3, "response_rate", "from 0 to 100"),
    (("  - column: q_obstacles", "  - column: q_obstacles\n    codebook: nej.yaml"), 11,
     "open_questions.0.codebook", "'nej.yaml' does not exist"),
    (("title: Test", "title: Test\ntitle: Again"), 3, "title", "occurs twice"),
])
def test_errors_name_the_file_line_and_key(write, change, line, key, problem):
    path = write(GOOD.replace(*change))
    with pytest.raises(SurveyInputError) as err:
        load_config(path)
    message = str(err.value)
    assert message.startswith(f"{path}, line {line}, key {key!r}:"), message
    assert problem in message and "What to do:" in message


@pytest.mark.parametrize("change, line, key, problem", [
    (("groups: [org_type]", "groups: [org_typ]"), 5, "groups.0", "'org_typ' is not a column"),
    (("weight: weight", "weight: q_takeaway"), 4, "weight", "holds open_text answers"),
    (("lik_legal]", "act_legal]"), 8, "likert.0.items.1", "holds multiple_choice"),
    (("groups: [org_type]", "groups: [org_type]\ncovariates: [org_type, q_takeaway]"), 6,
     "covariates.1", "holds open_text answers"),
])
def test_columns_are_checked_against_the_survey(write, change, line, key, problem):
    config = load_config(write(GOOD.replace(*change)))
    with pytest.raises(SurveyInputError) as err:
        check_config(config, config.read_survey())
    assert f"line {line}, key {key!r}:" in str(err.value) and problem in str(err.value)


def test_invalid_yaml_names_the_line(write):
    with pytest.raises(SurveyInputError, match=r"line 6: this is not valid YAML.*starts on line 5"):
        load_config(write(GOOD.replace("groups: [org_type]", "groups: [org_type")))


def test_init_drafts_a_configuration_that_loads_and_checks(root, tmp_path, capsys):
    out = tmp_path / "conf" / "survey.yaml"
    out.parent.mkdir()
    args = ["init", str(root / "data" / "sample_survey.csv"), "--dictionary",
            str(root / "data" / "sample_survey_dictionary.csv"), "--output", str(out)]
    assert main(args) == 0
    text = out.read_text(encoding="utf-8")
    assert "survey: ../" in text  # relative to the configuration file
    config = load_config(out)
    check_config(config, config.read_survey())
    assert config.weight == "weight" and config.groups[0] == "org_type"
    assert [p.before for p in config.before_after] == ["maturity_before"]
    assert [list(b.items) for b in config.check_all] == [
        ["act_webinar", "act_network", "act_training", "act_project", "act_legal", "act_data"]]
    assert len(config.likert) == 1 and len(config.likert[0].items) == 6
    assert [q.column for q in config.open_questions] == ["q_obstacles", "q_takeaway"]
    capsys.readouterr()
    assert main(args) == 2  # not overwritten
    assert "already exists" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == text


def test_draft_without_id_or_weight(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("Team,Comment\nA,Bra\nB,Dåligt\nA,Okej\n", encoding="utf-8")
    text = draft_config(path)
    assert "id: null" in text and "weight: null" in text


def test_report_with_a_bad_configuration_exits_2_before_any_notebook(write, tmp_path, capsys):
    path = write(GOOD.replace("groups: [org_type]", "groups: [org_typ]"))
    assert main(["report", "--config", str(path), "--output", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "line 5, key 'groups.0'" in err and not (tmp_path / "r" / "report.html").exists()


def test_the_configuration_has_the_last_word_on_open_questions(tmp_path):
    """Short answers repeated so often that detection took them for a choice question."""
    (tmp_path / "s.csv").write_text("id,Team,Improve\n" + "".join(
        f"{i},{'AB'[i % 2]},{['More staff', 'Better IT', 'Training'][i % 3]}\n"
        for i in range(60)), encoding="utf-8")
    (tmp_path / "c.yaml").write_text("survey: s.csv\nid: id\ngroups: [Team]\n"
                                     "open_questions:\n  - column: Improve\n",
                                     encoding="utf-8")
    config = load_config(tmp_path / "c.yaml")
    survey = config.read_survey()
    check_config(config, survey)
    assert survey.types["Improve"] == "open_text"
    assert survey.data["Improve"].tolist()[:3] == ["More staff", "Better IT", "Training"]


def test_timestamps_are_not_taken_for_open_answers(tmp_path):
    """A "Submitted" column, as survey tools export it, is a datetime, not an open question."""
    import pandas as pd

    from survey_tools.io.survey import read_survey

    answers = [f"{a} {b}" for a in ("Bra kurs,", "För lite tid,", "Lärorikt men långt,")
               for b in ("mer sånt", "tack", "gärna igen", "för kort", "bra lärare")]
    path = tmp_path / "s.csv"
    pd.DataFrame({"id": range(15),
                  "Submitted": [f"2025-03-{i + 1:02d} 10:{i:02d}:00" for i in range(15)],
                  "Team": ["A", "B", "A"] * 5, "Comment": answers}).to_csv(path, index=False)
    assert read_survey(path).types["Submitted"] == "datetime"
    draft = draft_config(path)
    assert "- column: Comment" in draft and "Submitted" not in draft


@pytest.mark.parametrize("shape", ["word", "option", "both_words", "brackets"])
def test_check_all_sets_exported_as_text_are_one_question(tmp_path, shape):
    """Netigate/Webropol "Selected"/blank, SurveyMonkey option text/blank, Google Forms
    "Question [Option]": each option column is a 0/1 option of one check-all question,
    and an option nobody ticked (an empty column) belongs to the set."""
    import pandas as pd

    from survey_tools.io.survey import read_survey
    from survey_tools.stats.tables import multi_response_table

    question = "Which tools do you use?"
    options = ["Excel", "Power BI", "R", "Other tool"]
    header = (lambda o: f"{question} [{o}]") if shape == "brackets" else \
        (lambda o: f"{question} - {o}")
    ticked = {"Excel": [1, 1, 0, 1, 0, 0], "Power BI": [0, 1, 0, 1, 0, 0],
              "R": [0, 0, 1, 0, 1, 0], "Other tool": [0] * 6}
    # Respondent 5 ticked nothing: a skipped question in these exports (all blank).
    mark = {"word": ("Selected", None), "option": (None, None),
            "both_words": ("Vald", "Ej vald"), "brackets": ("Checked", None)}[shape]
    frame = {"id": range(1, 7), "Team": ["A", "B", "A", "B", "A", "B"]}
    for option in options:
        on, off = mark[0] or option, mark[1]
        frame[header(option)] = [on if t else (off if i < 5 and option != "Other tool"
                                               else None)
                                 for i, t in enumerate(ticked[option])]
    frame["Anything else?"] = ["More training please", "Nothing", "Better data access",
                               "Time to learn", "Support from IT", "Less meetings"]
    path = tmp_path / "export.csv"
    pd.DataFrame(frame).to_csv(path, index=False)
    survey = read_survey(path)
    columns = [header(o) for o in options]
    assert [survey.types[c] for c in columns] == ["multiple_choice"] * 4
    assert survey.types["Anything else?"] == "open_text"
    excel = [None if pd.isna(v) else int(v) for v in survey.data[header("Excel")]]
    assert excel[:3] == [1, 1, 0 if mark[1] else None]

    draft = draft_config(path, relative_to=tmp_path)
    (tmp_path / "survey.yaml").write_text(draft, encoding="utf-8")
    config = load_config(tmp_path / "survey.yaml")
    check_config(config, config.read_survey())
    assert [list(b.items) for b in config.check_all] == [columns]
    assert config.check_all[0].title == question
    assert [q.column for q in config.open_questions] == ["Anything else?"]

    table = multi_response_table(survey.data, columns).set_index("option")
    # Base: the five who answered; the sixth left every option blank and is not counted.
    assert table["base_n"].tolist() == [5, 5, 5, 5]
    assert table["n"].tolist() == [3, 2, 2, 0]
    assert table.loc[header("Excel"), "percent"] == pytest.approx(60.0)


def test_yes_no_questions_with_blanks_stay_questions(tmp_path):
    """"Ja"/blank is a question of its own (a group), not an option of a check-all set."""
    import pandas as pd

    from survey_tools.io.survey import read_survey

    path = tmp_path / "s.csv"
    pd.DataFrame({"id": range(8), "Har ni en AI-strategi?": ["Ja", "Nej", None, "Ja"] * 2,
                  "Kommun - Namn": ["Ja", None] * 4}).to_csv(path, index=False)
    types = read_survey(path).types
    assert types["Har ni en AI-strategi?"] == "single_choice"
    assert types["Kommun - Namn"] != "multiple_choice"  # "Ja" is not the option's text


def test_open_question_by_column(write):
    config = load_config(write(GOOD))
    assert config.open_question().column == "q_obstacles"
    assert config.open_question("q_obstacles").column == "q_obstacles"
    with pytest.raises(SurveyInputError) as err:
        config.open_question("q_takeaway")
    assert "line 9, key 'open_questions'" in str(err.value) and "'q_obstacles'" in str(err.value)


def test_microsoft_forms_choice_lists_become_a_check_all_question(tmp_path):
    """Microsoft Forms writes a "choose several" question as one column, "Excel;R;":
    it becomes one 0/1 column per option, blank answers missing (not 0), and the draft
    makes the options one check-all question."""
    import pandas as pd

    from survey_tools.io.survey import read_survey
    from survey_tools.stats.tables import multi_response_table

    path = tmp_path / "forms.xlsx"
    pd.DataFrame({
        "ID": [1, 2, 3, 4, 5, 6],
        "Which tools do you use?": ["Excel;Power BI;", "Excel;", None, "R;Excel;", "R;",
                                    "R;"],
        "Comments": ["Good course; too long", "Fine", None, "More examples please",
                     "Slides; exercises and time to practise", "Ok"],
    }).to_excel(path, index=False)
    survey = read_survey(path)
    options = [f"Which tools do you use? - {o}" for o in ("Excel", "Power BI", "R")]
    assert list(survey.data.columns) == ["ID", *options, "Comments"]
    assert [survey.types[c] for c in options] == ["multiple_choice"] * 3
    assert survey.types["Comments"] == "open_text"
    excel = [None if pd.isna(v) else int(v) for v in survey.data[options[0]]]
    assert excel == [1, 1, None, 1, 0, 0]
    assert any("Microsoft Forms" in n for n in survey.notes)
    table = multi_response_table(survey.data, options)
    assert table["base_n"].tolist() == [5, 5, 5] and table["n"].tolist() == [3, 1, 3]
    draft = draft_config(path, relative_to=tmp_path)
    (tmp_path / "survey.yaml").write_text(draft, encoding="utf-8")
    config = load_config(tmp_path / "survey.yaml")
    check_config(config, config.read_survey())
    assert [list(b.items) for b in config.check_all] == [options]
    assert config.check_all[0].title == "Which tools do you use?"


def test_texts_in_both_report_languages(write):
    """A title may be given per language; the report in each language shows its own, and a
    language the configuration does not know is an error naming the line and key."""
    text = GOOD.replace("title: Test", "title: {{sv: Enkät 2026, en: Survey 2026}}").replace(
        "  - name: obstacles\n", "  - name: obstacles\n    title: {{sv: Hinder, en: Obstacles}}\n")
    config = load_config(write(text))
    assert config.in_language("en").title == "Survey 2026"
    assert config.in_language("sv").likert[0].title == "Hinder"
    assert config.in_language("en").likert[0].title == "Obstacles"
    with pytest.raises(SurveyInputError) as err:
        load_config(write(GOOD.replace("title: Test", "title: {{sv: Enkät, de: Umfrage}}")))
    assert "line 2, key 'title'" in str(err.value) and "de" in str(err.value)


def test_covariates_default_to_the_main_group(write):
    config = load_config(write(GOOD))
    assert config.covariates == () and config.effect_covariates == ("org_type",)
    config = load_config(write(GOOD.replace("groups: [org_type]",
                                            "groups: [org_type]\ncovariates: [org_type, weight]")))
    assert config.effect_covariates == ("org_type", "weight")
    check_config(config, config.read_survey())


def test_interviews_section(write, tmp_path):
    folder = tmp_path / "intervjuer"
    folder.mkdir()
    config = load_config(write(GOOD + "interviews:\n  path: intervjuer\n  group: org_type\n"))
    assert config.interviews.path == folder.resolve() and config.interviews.group == "org_type"
    assert config.interviews.coding == "zero-shot" and "interviews" in config.needs()
    with pytest.raises(SurveyInputError, match="key 'interviews.coding'"):
        load_config(write(GOOD + "interviews:\n  path: intervjuer\n  coding: llm\n"))
    with pytest.raises(SurveyInputError, match="key 'interviews.speakers'"):
        load_config(write(GOOD + "interviews:\n  path: intervjuer\n  speakers: [IP]\n"))


def test_column_names_in_another_case_or_nfd_are_matched_or_refused_up_front(tmp_path):
    """Issue #28, items 20 and 25: `groups: [ORG_TYPE]` failed later with "holds None
    answers"; a header saved in NFD (macOS) got "did you mean 'Förslag'?"."""
    import unicodedata

    import pandas as pd

    from survey_tools.errors import SurveyInputError
    from survey_tools.io.config import check_config, load_config
    from survey_tools.io.survey import read_survey

    nfd = unicodedata.normalize("NFD", "Förslag")
    pd.DataFrame({"id": ["1", "2", "3"], "org_type": ["A", "B", "A"],
                  nfd: ["Mer budget", "Bättre data", "Mer tid"]}).to_csv(
        tmp_path / "s.csv", index=False)
    survey = read_survey(tmp_path / "s.csv")
    assert "Förslag" in survey.data.columns  # NFC after reading
    (tmp_path / "ok.yaml").write_text(
        "survey: s.csv\nid: id\ngroups: [org_type]\nopen_questions:\n  - column: Förslag\n",
        encoding="utf-8")
    check_config(load_config(tmp_path / "ok.yaml"), survey)
    (tmp_path / "bad.yaml").write_text(
        "survey: s.csv\nid: id\ngroups: [ORG_TYPE]\n", encoding="utf-8")
    with pytest.raises(SurveyInputError, match="written 'org_type'") as caught:
        check_config(load_config(tmp_path / "bad.yaml"), survey)
    assert "bad.yaml" in str(caught.value) and "line 3" in str(caught.value)


def test_a_weight_of_all_ones_is_the_weight_not_a_check_all_question(tmp_path):
    """Issue #28, item 18: `init` drafted a check-all question "weight"."""
    import pandas as pd

    from survey_tools.io.config import draft_config

    pd.DataFrame({"id": [1, 2, 3, 4], "weight": [1, 1, 1, 1],
                  "act_a": [0, 1, 1, 0], "act_b": [1, 1, 0, 0]}).to_csv(
        tmp_path / "s.csv", index=False)
    text = draft_config(tmp_path / "s.csv")
    assert "weight: weight" in text
    assert "- weight" not in text and "items: [weight" not in text
    (tmp_path / "survey.yaml").write_text(text, encoding="utf-8")
    config = load_config(tmp_path / "survey.yaml")
    check_config(config, config.read_survey())  # a 0/1-looking weight is still a weight


def test_answers_in_the_report_language(write):
    """`values:` gives group values in both languages and an English report of a Swedish
    questionnaire shows the response scale's English wording, in the scale's order (#30)."""
    text = GOOD + ("values:\n  org_type:\n    Kommun: {{sv: Kommun, en: Municipality}}\n"
                   "    Civilsamhällesorganisation: {{sv: Civilsamhällesorganisation, "
                   "en: Civil society organisation}}\n")
    config = load_config(write(text))
    english = config.in_language("en").read_survey(lang="en").data
    swedish = config.read_survey(lang="sv").data
    shown = {"Kommun": "Municipality", "Region": "Region",
             "Civilsamhällesorganisation": "Civil society organisation"}
    assert list(english["org_type"].cat.categories) == [
        shown[c] for c in swedish["org_type"].cat.categories]
    assert list(english["lik_strategy"].cat.categories) == [
        "Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
        "Strongly agree", "Don't know"]
    assert (english["org_type"].cat.codes == swedish["org_type"].cat.codes).all()
    assert (english["lik_strategy"].cat.codes == swedish["lik_strategy"].cat.codes).all()
    assert "Kommun" in set(swedish["org_type"]) and "Instämmer helt" in set(swedish["lik_strategy"])
    with pytest.raises(SurveyInputError, match="key 'values'"):
        load_config(write(GOOD + "values: [Kommun]\n"))
    with pytest.raises(SurveyInputError, match="values.org_type.Kommun"):
        load_config(write(GOOD + "values:\n  org_type:\n    Kommun: {{de: Gemeinde}}\n"))


def test_a_battery_shows_only_the_levels_its_questionnaire_had(tmp_path):
    """Four levels and "Don't know" match the five-point template; the midpoint no one
    could choose is not shown at 0 % in the legend (#30, item 4), with a note."""
    import pandas as pd

    levels = ["Strongly disagree", "Disagree", "Agree", "Strongly agree", "Don't know"]
    rows = [{"id": f"r{i}", "a": levels[i % 5], "b": levels[(2 * i) % 5],
             "c": levels[(3 * i + 1) % 5]} for i in range(40)]
    pd.DataFrame(rows).to_csv(tmp_path / "s.csv", index=False)
    (tmp_path / "survey.yaml").write_text(
        "survey: s.csv\nid: id\nlikert:\n  - name: support\n    items: [a, b, c]\n",
        encoding="utf-8")
    survey = load_config(tmp_path / "survey.yaml").read_survey(lang="en")
    for column in "abc":
        assert list(survey.data[column].cat.categories) == levels
    assert any("Neither agree nor disagree" in note for note in survey.notes)
    swedish = load_config(tmp_path / "survey.yaml").read_survey(lang="sv")
    assert list(swedish.data["a"].cat.categories) == [
        "Instämmer inte alls", "Instämmer i låg grad", "Instämmer i hög grad",
        "Instämmer helt", "Vet ej"]


def test_init_drafts_the_report_language_and_title_from_the_data(write, root, tmp_path):
    """A Swedish survey drafts a Swedish report, an English one an English report; the
    title comes from the file's name, not "Enkätrapport" (#30, item 1)."""
    import pandas as pd

    from survey_tools.report import title_details

    draft = draft_config(root / "data" / "sample_survey.csv",
                         dictionary=root / "data" / "sample_survey_dictionary.csv")
    assert "\nlanguage: sv " in draft and "\ntitle: Sample survey " in draft
    english = tmp_path / "staff-survey_2026.csv"
    pd.DataFrame({"Department": ["Parks", "Schools"] * 10,
                  "What should we improve?": ["More staff in the team please",
                                              "The computer systems are far too slow"] * 10,
                  }).to_csv(english, index=False)
    draft = draft_config(english)
    assert "\nlanguage: en " in draft and "\ntitle: Staff survey 2026 " in draft
    (tmp_path / "staff.yaml").write_text(draft, encoding="utf-8")
    assert load_config(tmp_path / "staff.yaml").language == "en"
    with pytest.raises(SurveyInputError, match="key 'language'"):
        load_config(write(GOOD + "language: de\n"))
    config = load_config(write(GOOD + "author: {{sv: Analysgruppen, en: The analysts}}\n"
                                      "contact: www.example.org\ndate: 2026-12-01\n"))
    lines = title_details(config.in_language("en"), config.read_survey(), lang="en")
    assert "Author: The analysts · Contact: www.example.org" in lines
    assert any("Published: 2026-12-01" in line for line in lines)


def test_values_for_a_column_that_does_not_exist_are_refused(write):
    config = load_config(write(GOOD + "values:\n  org_typ:\n    Kommun: {{en: Municipality}}\n"))
    with pytest.raises(SurveyInputError, match="key 'values.org_typ'.*'org_typ' is not a column"):
        check_config(config, config.read_survey())


@pytest.mark.parametrize("problem, content, expected", [
    ("duplicate", "a: 1\nb: 2\na: 3\n", "line 3, key 'a': 'a' occurs twice in the same "
                                          "section (lines 1 and 3)"),
    ("invalid", "a: 1\nb: [unclosed\n", "line 3: this is not valid YAML"),
    ("alias", "a: &x 1\nb: *x\n", "line 2: a YAML alias"),
])
def test_the_three_yaml_files_word_each_problem_the_same_way(tmp_path, problem, content,
                                                            expected):
    """Issue #31, item 10: the configuration, the codebook and the edits were read by three
    copies whose messages disagreed ("line N" against "row N"); now one reader."""
    from survey_tools.coding import load_codebook
    from survey_tools.topics.edits import load_edits

    path = tmp_path / f"{problem}.yaml"
    path.write_text(content, encoding="utf-8")
    messages = []
    for read in (load_config, load_codebook, load_edits):
        with pytest.raises(SurveyInputError) as info:
            read(path)
        text = str(info.value)
        assert text.startswith(f"{path}, ") and "What to do" in text
        messages.append(text.removeprefix(f"{path}, ").split(" What to do")[0])
    assert len(set(messages)) == 1 and messages[0].startswith(expected)


def test_a_drafted_configuration_reads_back_as_drafted(tmp_path):
    """Issue #31, item 9: the draft is data written by one YAML writer; column names that
    YAML 1.1 reads otherwise ("No", "on", "Q? - Excel", "010") come back as they were, and
    load_config reads the draft's data without a file."""
    import pandas as pd

    from survey_tools.io.config import draft_config_data
    from survey_tools.io.yamlio import dump_yaml, read_yaml

    names = ["Which tools? - Excel", "Which tools? - R", "No", "on", "010", "it's: fine"]
    pd.DataFrame({"id": range(1, 9), "Team": ["A", "B"] * 4,
                  **{n: [1, 0, 1, 1, 0, 0, 1, 0] for n in names[:2]},
                  **{n: ["x", "y"] * 4 for n in names[2:]},
                  "Vad vill du ändra?": ["Mer tid för utbildning", "Bättre stöd från IT",
                                         "Färre möten", "Tydligare ledning"] * 2,
                  }).to_csv(tmp_path / "s.csv", index=False)
    data = draft_config_data(tmp_path / "s.csv", relative_to=tmp_path)
    path = tmp_path / "survey.yaml"
    path.write_text(dump_yaml(data), encoding="utf-8")
    assert read_yaml(path, what="x", missing_hint="")[0] == data
    from_file, from_data = load_config(path), load_config(data, base=tmp_path)
    assert from_file.groups == from_data.groups and from_file.survey == from_data.survey
    assert from_data.path is None and from_file.path == path.resolve()
    with pytest.raises(SurveyInputError, match="key 'groups.0'"):
        check_config(load_config({**data, "groups": ["Tema"]}, base=tmp_path),
                     from_data.read_survey())
