"""A sentence about a coding run, for report notebooks (Swedish or English)."""

from __future__ import annotations

from survey_tools.i18n import term
from survey_tools.report.display import format_number
from survey_tools.report.style import format_n, format_percent

__all__ = ["describe_coding", "describe_agreement", "codes_finding"]

#: Pooled kappa from which machine coding may be published as it is (its lower bound),
#: and below which it may not be published without a person reviewing it; codes whose F1
#: is below WEAK_F1 are named.
VERY_GOOD, ACCEPTABLE, WEAK_F1 = 0.8, 0.6, 0.6

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
    sentence = term("coding_summary", lang).format(
        coded=format_n(n, lang), method=_METHODS.get(lang, _METHODS["en"]).get(method, method),
        review=format_n(review, lang),
        review_share=format_percent(100 * review / n if n else 0, lang))
    if agreement is None:
        return f"{sentence} {term('coding_unchecked', lang)}"
    pooled = agreement.set_index("code").loc["all (pooled)", "kappa"]
    return f"{sentence} " + term("coding_kappa", lang).format(
        kappa=format_number(pooled, lang, 2))


def describe_agreement(intervals, *, lang: str = "sv") -> str:
    """Say how well the machine agrees with the hand coding, and whether that is enough.

    Parameters
    ----------
    intervals : DataFrame
        From :func:`~survey_tools.coding.agreement.agreement_intervals`, on hand-coded
        answers the coder did not learn from.
    lang : str
        ``"sv"`` or ``"en"``.

    Returns
    -------
    str
        The pooled kappa with its 95 % interval and the number of answers; the verdict:
        publishable as it is (lower bound at least 0.8), publishable with the uncertainty
        stated and the flagged answers reviewed (lower bound at least 0.6), or too low to
        publish without a person reviewing the codes; and the codes with F1 below 0.6.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"code": ["a", "b", "all (pooled)"], "label": ["A", "B", ""],
    ...                   "n": [80] * 3, "reference_yes": [30, 20, 50],
    ...                   "kappa": [0.9, 0.4, 0.55], "kappa_low": [0.8, 0.2, 0.45],
    ...                   "kappa_high": [0.95, 0.6, 0.65], "f1": [0.9, 0.45, 0.7],
    ...                   "f1_low": [0.85, 0.3, 0.6], "f1_high": [0.95, 0.6, 0.8]})
    >>> print(describe_agreement(t, lang="en"))  # doctest: +NORMALIZE_WHITESPACE
    On 80 hand-coded answers the coder did not learn from, the machine agrees with the
    hand coding with kappa 0.55 (95% CI 0.45–0.65). **That is too low to publish the
    machine coding without a person reviewing it.** Codes with F1 below 0.6: B 0.45.
    """
    rows = intervals.set_index("code")
    pooled = rows.loc["all (pooled)"]
    codes = rows.drop(index="all (pooled)")
    codes = codes[(codes["reference_yes"] > 0) & (codes["f1"] < WEAK_F1)].sort_values("f1")
    sv = lang == "sv"
    k, low, high = (format_number(pooled[c], lang, 2) for c in ("kappa", "kappa_low",
                                                                "kappa_high"))
    n = format_n(int(pooled["n"]), lang)
    if sv:
        text_ = (f"På {n} handkodade svar som kodaren inte lärde sig av stämmer maskinen med "
                 f"handkodningen med kappa {k} (95 % KI {low}–{high}).")
    else:
        text_ = (f"On {n} hand-coded answers the coder did not learn from, the machine agrees "
                 f"with the hand coding with kappa {k} (95% CI {low}–{high}).")
    if pooled["kappa_low"] >= VERY_GOOD:
        verdict = ("Det räcker för att redovisa maskinkodningen med stickprovskontroller." if sv
                   else "That is enough to publish the machine coding with spot checks.")
    elif pooled["kappa_low"] >= ACCEPTABLE:
        verdict = ("Maskinkodningen kan redovisas med osäkerheten angiven, efter att de svar "
                   "som flaggats för granskning har lästs." if sv else
                   "The machine coding can be published with its uncertainty stated, once "
                   "the answers flagged for review have been read.")
    else:
        verdict = ("**Det är för lågt för att publicera maskinkodningen utan att en person "
                   "granskar den.**" if sv else
                   "**That is too low to publish the machine coding without a person "
                   "reviewing it.**")
    label = codes["label"] if "label" in codes else codes.index.to_series()
    weakest = ", ".join(f"{lab or code} {format_number(f1, lang, 2)}" for code, lab, f1 in
                        zip(codes.index, label, codes["f1"], strict=True) if f1 == f1)
    tail = (f" Koder med F1 under 0,6: {weakest}." if sv else
            f" Codes with F1 below 0.6: {weakest}.") if weakest else ""
    return f"{text_} {verdict}{tail}"


def codes_finding(shares, *, lang: str = "sv", top: int = 3) -> str:
    r"""Name the codes given most often, with shares and 95 % intervals; ties included.

    Parameters
    ----------
    shares : DataFrame
        :func:`~survey_tools.stats.tables.multi_response_table` without groups: ``label,
        percent, ci_low, ci_high`` (weighted or not).
    top : int
        How many codes to name, and any code with the same share (to one decimal) as the
        last of them.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"label": ["Data", "Pengar", "Juridik", "Ledning"],
    ...                   "percent": [30.2, 28.0, 20.04, 19.96], "ci_low": [27.1, 25.0, 17.2, 17.0],
    ...                   "ci_high": [33.4, 31.1, 23.0, 22.9]})
    >>> print(codes_finding(t, top=3).replace("\xa0", " "))  # doctest: +NORMALIZE_WHITESPACE
    Vanligast är *Data* (30 %, 95 % KI 27–33 %), *Pengar* (28 %, 95 % KI 25–31 %),
    *Juridik* (20 %, 95 % KI 17–23 %) och *Ledning* (20 %, 95 % KI 17–23 %).
    """
    from survey_tools.report.narratives.topics import topic_finding

    given = shares.dropna(subset=["percent"])
    given = given[given["percent"] > 0]
    return topic_finding(given.assign(topic=range(len(given)), category=given["label"]),
                         question="", lang=lang, top=top, what="codes")
