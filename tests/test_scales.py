from survey_tools.i18n import term
from survey_tools.io.scales import canonical_label, find_scale, load_scales


def test_scales_have_both_languages():
    names = {(s.name, s.language) for s in load_scales()}
    assert ("agree5", "sv") in names and ("agree5", "en") in names


def test_find_scale_ignores_case_and_spaces_and_accepts_dont_know():
    scale = find_scale(["instämmer  helt", "Instämmer delvis", "Vet ej"])
    assert scale is not None and scale.name == "agree5" and scale.language == "sv"
    assert scale.top == ("Instämmer i hög grad", "Instämmer helt")


def test_find_scale_rejects_other_text_and_single_level():
    assert find_scale(["Instämmer helt", "Kanske"]) is None
    assert find_scale(["Vet ej"]) is None
    assert find_scale(["Instämmer helt"]) is None


def test_canonical_label():
    scale = find_scale(["Agree", "Disagree"])
    assert canonical_label(" strongly  AGREE", scale) == "Strongly agree"
    assert canonical_label("maybe", scale) is None


def test_text_falls_back():
    assert term("before", "en") == "Before"
    assert term("before", "xx") == "Before"
    assert term("no_such_key", "sv") == "no_such_key"


def test_foreign_words_find_the_other_language_outside_identifiers():
    from survey_tools.i18n import foreign_words

    assert foreign_words("Andel som instämmer, per typ av organisation", "sv") == []
    assert foreign_words("Share who agree, by type of organisation", "en") == []
    assert foreign_words("Svarande med which type of service", "sv") == ["which", "of"]
    assert foreign_words("Respondents in Kommun och Region tar upp", "en") == ["och"]
    assert foreign_words("Civilsamhällesorganisation", "en") == ["Civilsamhällesorganisation"]
    assert foreign_words("maturity_before [NAME] [PHONE]", "sv") == []
