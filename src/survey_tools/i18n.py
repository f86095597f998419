"""Report and chart text in Swedish and English, loaded from ``resources/labels.yaml``."""

from __future__ import annotations

from survey_tools.resources import load_yaml

__all__ = ["LANGUAGES", "term", "phrase", "in_language", "foreign_words"]

#: The report languages: every text the report shows exists in each.
LANGUAGES = ("sv", "en")


def term(key: str, lang: str = "sv") -> str:
    """Return the report's wording for `key` in `lang` (falls back to English, then the key).

    The wordings are data (``resources/labels.yaml``): headings, chart labels, sentences.

    Examples
    --------
    >>> term("before", "sv"), term("before", "en")
    ('Före', 'Before')
    """
    entry = load_yaml("labels.yaml").get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry.get("en") or key


def in_language(value, lang: str = "sv"):
    """Return a text given once or per language (``{sv: ..., en: ...}``) in `lang`.

    A dict without `lang` gives its first text; anything else is returned as it is.

    Examples
    --------
    >>> in_language({"sv": "Hinder", "en": "Obstacles"}, "en"), in_language("Hinder", "en")
    ('Obstacles', 'Hinder')
    """
    if not isinstance(value, dict):
        return value
    return value.get(lang) or next(iter(value.values()))


def phrase(label: str) -> str:
    """Return a question label as it reads inside a sentence: first letter in lower case.

    Acronyms keep their capitals.

    Examples
    --------
    >>> phrase("Typ av organisation"), phrase("AI-mognad"), phrase("")
    ('typ av organisation', 'AI-mognad', '')
    """
    label = str(label)
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def foreign_words(text_: str, lang: str) -> list[str]:
    """Return the words of `text_` that mark it as the other report language.

    A check that a report speaks `lang` throughout: function words of the other language
    (``resources/language_markers.yaml``), and in English any word with å, ä or ö.
    Identifiers (``maturity_before``) and placeholders (``[NAME]``) are not words here.

    Examples
    --------
    >>> foreign_words("Share of the answers: Kommun och Civilsamhällesorganisation", "en")
    ['och', 'Civilsamhällesorganisation']
    >>> foreign_words("Andel av svaren med mean over codes; maturity_before", "sv")
    ['mean', 'over']
    """
    import re

    markers = load_yaml("language_markers.yaml")
    other = {w for lg, words in markers.items() if lg != lang for w in words}
    text_ = re.sub(r"\[[A-Z_]+\]", " ", str(text_))
    found = []
    for token in re.findall(r"[^\W\d]+", text_):
        word = token.casefold()
        if "_" in token:
            continue
        if word in other or (lang == "en" and re.search("[åäö]", word)):
            found.append(token)
    return found


def __getattr__(name: str):
    if name == "text":  # its name until 0.1; beside the old module ``survey_tools.text``
        import warnings

        warnings.warn("survey_tools.i18n.text is now survey_tools.i18n.term", DeprecationWarning,
                      stacklevel=2)
        return term
    raise AttributeError(f"module 'survey_tools.i18n' has no attribute {name!r}")
