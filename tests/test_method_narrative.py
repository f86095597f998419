"""The appendix's paragraph on themes: the rule actually used, and a warning where the
grouping is uncertain (issue #30, item 6)."""

import pandas as pd

from survey_tools.narratives.method import themes_paragraph


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
