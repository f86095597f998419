"""The appendix's paragraph on themes: the rule actually used, and a warning where the
grouping is uncertain (issue #30, item 6)."""

import pandas as pd

from survey_tools.report.narratives.method import themes_paragraph


def _choose_k(chosen: int) -> pd.DataFrame:
    ks = list(range(3, 13))
    return pd.DataFrame({"k": ks, "stability": [0.4] * len(ks),
                         "chosen": [k == chosen for k in ks]})


def _themes(stabilities) -> pd.DataFrame:
    return pd.DataFrame({"topic": list(range(len(stabilities))) + [-1],
                         "stability": list(stabilities) + [float("nan")]})


def test_the_paragraph_names_the_rule_and_warns_where_most_themes_are_unstable():
    choose_k = {"Hinder": _choose_k(5), "Lärdomar": _choose_k(12)}
    themes = {"Hinder": _themes([0.97, 0.93, 0.81, 0.77, 0.91]),
              "Lärdomar": _themes([0.42, 0.8] + [0.3] * 10)}
    text = themes_paragraph(choose_k, lang="sv", themes=themes)
    assert "medianen av justerat Rand-index" in text and "silhuett" not in text.lower()
    assert "För ”Hinder” valdes 5 teman" in text and "För ”Lärdomar” valdes 12 teman" in text
    assert text.count("Indelningen är osäker") == 1
    assert "11 av 12 teman kommer inte tillbaka säkert" in text
    english = themes_paragraph(choose_k, lang="en", themes=themes)
    assert "The grouping is uncertain: 11 of 12 themes" in english
    assert "Indelningen" not in themes_paragraph(choose_k, lang="sv")  # no themes given


def test_the_summary_follows_the_biggest_results_ties_included():
    """A theme or code as common as the last one named is named too (#30, item 5)."""
    import pandas as pd

    from survey_tools.report.narratives.coding import codes_finding
    from survey_tools.report.narratives.interviews import interview_finding

    counts = pd.DataFrame({"theme": ["Juridik", "Ledning", "Pengar", "Samverkan", "Data"],
                           "interviews": [11, 10, 10, 10, 8], "of": [14] * 5,
                           "ci_low": [52.0, 45.0, 45.0, 45.0, 33.0],
                           "ci_high": [92.0, 88.0, 88.0, 88.0, 79.0]})
    said = interview_finding(counts.sample(frac=1, random_state=1), lang="en")
    assert all(f"*{t}*" in said for t in ("Juridik", "Ledning", "Pengar", "Samverkan"))
    assert "Data" not in said and said.startswith("11 of 14 interviews raised *Juridik*")
    shares = pd.DataFrame({"label": ["A", "B", "C", "D"], "percent": [31.0, 29.0, 12.0, 5.0],
                           "ci_low": [28.0, 26.0, 10.0, 4.0], "ci_high": [34.0, 32.0, 14.0, 6.0]})
    assert codes_finding(shares, lang="en", top=2).startswith("The most common codes are *A*")
    assert "*C*" not in codes_finding(shares, lang="en", top=2)
