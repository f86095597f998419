"""A sentence about a coding run, for report notebooks (Swedish or English)."""

from __future__ import annotations

from survey_tools.i18n import text
from survey_tools.style import format_n, format_percent

__all__ = ["describe_coding"]

_METHODS = {
    "sv": {"SupervisedCoder": "en modell tränad på handkodade svar",
           "ZeroShotCoder": "likhet med kodernas beskrivningar (zero-shot)",
           "KeywordCoder": "nyckelord"},
    "en": {"SupervisedCoder": "a model trained on hand-coded answers",
           "ZeroShotCoder": "similarity to the code descriptions (zero-shot)",
           "KeywordCoder": "keywords"},
}


def describe_coding(coded, agreement=None, *, method: str, lang: str = "sv") -> str:
    """Summarise coded answers and, when there is one, their agreement with a reference.

    Parameters
    ----------
    coded : DataFrame
        From :func:`~survey_tools.coding.code_answers` (``status``, ``needs_review``).
    agreement : DataFrame, optional
        From :func:`~survey_tools.coding.agreement.agreement_table`; None when no human
        coding was there to compare with (the sentence then says so).
    method : str
        The coder's class name.
    lang : str
        ``"sv"`` or ``"en"``.
    """
    n = int((coded["status"] == "coded").sum())
    review = int(coded["needs_review"].sum())
    sentence = text("coding_summary", lang).format(
        coded=format_n(n, lang), method=_METHODS.get(lang, _METHODS["en"]).get(method, method),
        review=format_n(review, lang),
        review_share=format_percent(100 * review / n if n else 0, lang))
    if agreement is None:
        return f"{sentence} {text('coding_unchecked', lang)}"
    pooled = agreement.set_index("code").loc["all (pooled)", "kappa"]
    return f"{sentence} " + text("coding_kappa", lang).format(
        kappa=f"{pooled:.2f}".replace(".", "," if lang == "sv" else "."))
