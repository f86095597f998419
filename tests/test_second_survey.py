"""A second survey of another shape: `survey-tools init`, an edit, then `report --config`.

English column names, no weight, one open question, a satisfaction scale, three groups,
a check-all question exported as option text or blank under "Question - Option" headers
(as SurveyMonkey and Netigate write it), no codebook and no chat log (issue #16); staff
interviews in English beside it, as text and Word files with one broken file, themed by the
topic model as there is no codebook (issue #19).
"""

import random
import re

import pandas as pd
import pytest

from survey_tools.cli import main

pytestmark = pytest.mark.slow

SCALE = ["Very dissatisfied", "Dissatisfied", "Neither satisfied nor dissatisfied",
         "Satisfied", "Very satisfied"]
CHANNEL_QUESTION = "Which channels do you use to reach residents?"
CHANNELS = {"Email": 0.7, "Intranet": 0.4, "Social media": 0.25, "Letters": 0.0}
THEMES = {
    "staffing": ["We need more staff in the team", "Too few colleagues for the workload",
                 "Hire more people, we are always short-staffed"],
    "systems": ["The IT systems are slow and crash", "Better computer systems please",
                "Our case management system is outdated"],
    "training": ["More training for new employees", "Courses on the new rules would help",
                 "Give us time for professional development"],
}


@pytest.fixture(scope="module")
def second_survey(tmp_path_factory):
    folder = tmp_path_factory.mktemp("second")
    rng = random.Random(7)
    rows = []
    for i in range(180):
        theme = rng.choice(list(THEMES))
        answer = (rng.choice(["", "I think ", "Honestly, "]) + rng.choice(THEMES[theme])
                  + rng.choice(["", " please", " as soon as possible", " in our unit",
                                " - it matters a lot"]))
        answer = answer if rng.random() > 0.1 else rng.choice(["", "n/a"])
        channels = {c: (c if rng.random() < p else None) for c, p in CHANNELS.items()}
        rows.append({
            "ResponseID": f"S{i + 1:03d}",
            "Submitted": f"2026-0{3 + i % 3}-{1 + i % 28:02d} 10:{i % 60:02d}",
            "Department": rng.choice(["Parks", "Schools", "Social services"]),
            **{f"{CHANNEL_QUESTION} - {c}": v for c, v in channels.items()},
            "Support from manager": rng.choice(SCALE),
            "Support from colleagues": rng.choice(SCALE),
            "Working hours": rng.choice(SCALE),
            "What should we improve?": answer,
        })
    pd.DataFrame(rows).to_csv(folder / "staff.csv", index=False)
    write_interviews(folder / "interviews", rng)
    # The analyst's way: draft with init, then edit the draft (a title, the battery's name).
    assert main(["init", str(folder / "staff.csv"), "--output", str(folder / "staff.yaml")]) == 0
    draft = (folder / "staff.yaml").read_text(encoding="utf-8")
    assert "weight: null" in draft and "groups: [Department]" in draft
    assert "- column: 'What should we improve?'" in draft  # open text, not a choice
    # drafted from the data: English questions and answers, a title from the file (#30)
    assert draft.startswith("#") and "\nlanguage: en " in draft
    assert "\ntitle: Staff   # drafted from the file name" in draft
    edited = (draft.replace("title: Staff   # drafted from the file name: the report's title",
                            "title: Staff survey 2026")
              .replace("  - name: likert1\n    title: null",
                       "  - name: satisfaction\n    title: Satisfaction at work")
              .replace("synthetic: false", "synthetic: true")
              .replace("wave: null   # a survey wave or date column: themes per wave",
                       "wave: Submitted")
              + "interviews:\n  path: interviews\n  metadata: interviews.csv\n"
                "  group: Department\n  attribution: [Department]\n")
    assert edited.count("Satisfaction at work") == 1 and "Staff survey 2026" in edited
    (folder / "staff.yaml").write_text(edited, encoding="utf-8")
    out = folder / "report"
    code = main(["report", "--config", str(folder / "staff.yaml"), "--output", str(out),
                 "--no-progress"])  # in English, as the draft says
    return code, out


def write_interviews(folder, rng):
    """Nine staff interviews (six text files, two Word files) and one broken file."""
    from docx import Document

    folder.mkdir()
    meta = []
    for i in range(9):
        lines = ["Staff interview (synthetic), spring 2026", ""]
        for theme in rng.sample(list(THEMES), 2):
            lines += [f"[00:0{len(lines)}:00] Interviewer: What would make work better?",
                      f"[00:0{len(lines)}:30] R: {rng.choice(THEMES[theme])}."]
        lines += ["Interviewer: Anything else?", "R: No, that was all, thank you."]
        name = f"staff_{i + 1:02d}"
        if i < 6:
            (folder / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        else:
            document = Document()
            for line in lines:
                document.add_paragraph(line)
            document.save(folder / f"{name}.docx")
        meta.append({"interview_id": name,
                     "Department": ["Parks", "Schools", "Social services"][i % 3]})
    (folder / "staff_10.txt").write_bytes(b"\x00\x01 not a transcript")
    pd.DataFrame(meta).to_csv(folder.parent / "interviews.csv", index=False)


def test_second_survey_report_is_built_from_its_configuration(second_survey, capsys):
    code, out = second_survey
    assert code == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<title>Staff survey 2026</title>" in html and '<html lang="en">' in html
    for shown in ("Satisfaction at work", "What should we improve?", "Social services"):
        assert shown in html, shown
    page = html.split("</style>")[-1]
    for sample in ("org_type", "q_obstacles", "Kommun", "weight"):
        assert sample not in page, sample
    # An English report has no Swedish text: headings, prose, placeholders, table headers.
    for swedish in ("Om enkäten", "Enkätens slutna frågor", "Bilaga", "Svarande", "Fil:",
                    "Andel", "Källa", "Teman", "Hur väl", "Medelvärde", " och "):
        assert swedish not in page, swedish
    assert "No open question was coded against a codebook" in page  # not "not compared"
    from conftest import prose

    from survey_tools.i18n import foreign_words

    assert foreign_words(prose(html), "en") == []  # outside quoted answers (#30, item 2)
    notebooks = sorted(p.name for p in (out / "notebooks").glob("*.ipynb"))
    assert notebooks == ["01_load_and_describe.ipynb", "02_topics_what_should_we_improve.ipynb",
                         "04_report_charts.ipynb", "06_interviews.ipynb",
                         "90_appendix.ipynb"]  # no codebook, chats
    figures = {p.name for p in (out / "figures").glob("*.png")}
    assert {"04_satisfaction.png", "04_satisfaction_by_department.png",
            "04_group_department.png"} <= figures
    assignments = pd.read_csv(out / "tables" / "02_what_should_we_improve_assignments.csv",
                              dtype=str, keep_default_na=False)
    assert assignments["id"].tolist() == [f"S{i + 1:03d}" for i in range(180)]
    summary = pd.read_csv(out / "tables" / "04_satisfaction_summary.csv")
    assert summary["base_n"].tolist() == [180, 180, 180]  # unweighted: every answer counts
    # The check-all question: titled by its question, bars labelled by the options, the
    # option nobody ticked kept at 0, and the base those who ticked at least one option.
    channels = pd.read_csv(out / "tables" / "04_which_channels_do_you_use_to_reach_resid.csv")
    frame = pd.read_csv(out.parent / "staff.csv")
    ticked = frame[[f"{CHANNEL_QUESTION} - {c}" for c in CHANNELS]].notna()
    assert set(channels["label"]) == set(CHANNELS)
    letters = channels[channels["label"] == "Letters"]
    assert (letters["n"] == 0).all() and (letters["percent"] == 0).all()
    assert channels.groupby("group", observed=True)["base_n"].first().sum() == \
        ticked.any(axis=1).sum()
    assert re.search(r"<h2[^>]*>" + re.escape(CHANNEL_QUESTION) + "<", html)
    # Who says what, without weights: the difference chart by the main group (issue #18)
    effects = pd.read_csv(out / "tables" / "02_what_should_we_improve_effects.csv")
    assert set(effects["covariate"]) == {"Department"} and effects["n"].nunique() == 1
    assert "Parks" in set(effects["reference"])
    assert "02_what_should_we_improve_effects_department.png" in figures
    assert "Who mentions what?" in html and "at the same values of the others" in html
    # Themes per wave: the submission dates by month, every answered row in one month
    waves = pd.read_csv(out / "tables" / "02_what_should_we_improve_waves.csv",
                        dtype={"period": str})
    assert list(dict.fromkeys(waves["period"])) == ["2026-03", "2026-04", "2026-05"]
    modelled = assignments["status"].isin(["assigned", "outlier"]).sum()
    assert waves.groupby("period")["base_n"].first().sum() == modelled
    assert "02_what_should_we_improve_waves.png" in figures


def test_the_sample_from_init_to_report(root, tmp_path):
    """`survey-tools init` on the sample, then `report --config` with the draft as it is."""
    config = tmp_path / "survey.yaml"
    assert main(["init", str(root / "data" / "sample_survey.csv"), "--dictionary",
                 str(root / "data" / "sample_survey_dictionary.csv"), "--output",
                 str(config)]) == 0
    out = tmp_path / "report"
    assert main(["report", "--config", str(config), "--output", str(out),
                 "--no-progress"]) == 0
    notebooks = sorted(p.name for p in (out / "notebooks").glob("*.ipynb"))
    assert notebooks == ["01_load_and_describe.ipynb", "02_topics_q_obstacles.ipynb",
                         "02_topics_q_takeaway.ipynb", "04_report_charts.ipynb",
                         "90_appendix.ipynb"]  # no codebook, chats
    figures = {p.name for p in (out / "figures").glob("*.png")}
    assert {"04_likert1.png", "04_act.png", "04_maturity.png", "04_group_org_type.png",
            "02_q_obstacles_topics.png", "02_q_takeaway_heatmap.png"} <= figures
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Vi har finansiering för att arbeta med AI" in html


def test_second_survey_interviews_with_a_broken_file(second_survey):
    """The interview chapter from text and Word files: the broken file is listed by its
    code (not its name or the folder's path) and the nine others are counted (issue #19)."""
    code, out = second_survey
    assert code == 0
    files = pd.read_csv(out / "tables" / "06_files.csv", keep_default_na=False)
    # published by code, in the order of the file names (issue #28: names in file names)
    assert files["interview"].tolist() == [f"I{i:02d}" for i in range(1, 11)]
    assert "file" not in files and "interview_id" not in files
    assert files["status"].tolist() == ["read"] * 9 + ["error"]
    assert files["turns"].tolist()[:9] == [6] * 9
    assert files.loc[9, "error"].startswith("I10: this is not a text file")
    passages = pd.read_csv(out / "tables" / "06_passages.csv", keep_default_na=False)
    assert len(passages) == 9 * 7  # a preamble and six turns each, in order
    assert passages["status"].value_counts().to_dict() == {
        "question": 27, "passage": 18, "preamble": 9, "small talk": 9}  # "No, that was all"
    counts = pd.read_csv(out / "tables" / "06_interviews_per_theme.csv")
    assert (counts.loc[counts["group"] == "All", "of"] == 9).all()
    assert set(counts["group"]) == {"All", "Parks", "Schools", "Social services"}
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Could not be read: I10: this is not a text file" in html
    assert str(out.parent) not in html  # no path of the analyst's machine
    assert (out / "figures" / "06_interviews_by_group.png").exists()
