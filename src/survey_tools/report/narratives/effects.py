"""Sentences about theme prevalence differences between groups (Swedish or English)."""

from __future__ import annotations

from survey_tools.i18n import phrase, term
from survey_tools.report.display import format_number
from survey_tools.report.narratives.topics import escape_markdown
from survey_tools.stats.prevalence import ASSIGNMENT_NOTES

__all__ = ["describe_effects", "effect_finding", "describe_scores_by_theme"]


def _held(table):
    """Return the tested rows, and those that hold after the correction (largest first)."""
    tested = table[table["p_value"].notna()]
    held = tested[tested["significant"].astype(bool)]
    return tested, held.reindex(held["difference"].abs().sort_values(ascending=False).index)


def _sentence(row, lang: str, covariate) -> str:
    key = "effect_more" if row.difference > 0 else "effect_less"
    return term(key, lang).format(
        covariate=covariate(row.covariate), level=escape_markdown(str(row.level)),
        reference=escape_markdown(str(row.reference)), theme=escape_markdown(str(row.theme)),
        difference=format_number(abs(row.difference), lang),
        low=format_number(row.ci_low, lang), high=format_number(row.ci_high, lang))


def _namer(covariate_labels):
    names = covariate_labels or {}
    return lambda column: escape_markdown(phrase(str(names.get(column, column))))


def effect_finding(table, *, lang: str = "sv", covariate_labels: dict | None = None) -> str:
    """Return the sentence about the largest difference that holds, or ``""``."""
    _, held = _held(table)
    return _sentence(next(held.itertuples()), lang, _namer(covariate_labels)) \
        if len(held) else ""


def describe_effects(table, *, lang: str = "sv", covariate_labels: dict | None = None,
                     weighted: bool = False, limit: int = 8) -> str:
    """Describe :func:`~survey_tools.stats.prevalence.prevalence_effects` in a paragraph.

    One sentence per difference that holds after the correction for many comparisons
    (largest first, at most `limit`), then how the differences were estimated and
    tested, and how the uncertainty of the assignment was treated.

    Parameters
    ----------
    table : DataFrame
        From :func:`~survey_tools.stats.prevalence.prevalence_effects`.
    lang : str
        ``"sv"`` or ``"en"``.
    covariate_labels : dict, optional
        ``{column: question text}`` for the sentences.
    weighted : bool
        Whether the regressions used survey weights (said in one sentence).
    limit : int
        At most this many sentences about single differences.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"theme": ["Budget"], "covariate": ["kind"], "level": ["kommun"],
    ...     "reference": ["förening"], "difference": [12.3], "ci_low": [4.0],
    ...     "ci_high": [20.6], "p_value": [0.003], "significant": [True],
    ...     "uncertainty": [ASSIGNMENT_NOTES["fixed"]], "note": [None]})
    >>> print(describe_effects(t, lang="en", covariate_labels={"kind": "Organisation"}))
    ... # doctest: +NORMALIZE_WHITESPACE
    Respondents with organisation kommun mention *Budget* 12.3 percentage points more
    often than those with förening (95% confidence interval 4.0 to 20.6). The
    differences are average marginal effects from a logistic regression per theme with
    organisation together, so each difference holds at the same values of the others.
    They are tested with a correction for 1 comparisons (Benjamini–Hochberg, at most 5%
    false discoveries). 1 of 1 differences hold after the correction. The assignment to
    themes is taken as given: its uncertainty is not in the intervals. Answers put in
    the wrong theme pull the groups' shares towards each other, so differences are if
    anything understated.
    """
    covariate = _namer(covariate_labels)
    tested, held = _held(table)
    sentences = [_sentence(row, lang, covariate) for row in held.head(limit).itertuples()]
    covariates = list(dict.fromkeys(tested["covariate"]))
    if len(tested):
        named = [covariate(c) for c in covariates]
        joined = (", ".join(named[:-1]) + term("and", lang) + named[-1] if len(named) > 1
                  else named[0])
        sentences.append(term("effect_method", lang).format(covariates=joined,
                                                             tests=len(tested)))
        sentences.append(term("effect_count", lang).format(significant=len(held),
                                                            tests=len(tested))
                         if len(held) else term("effect_none", lang))
    if weighted:
        sentences.append(term("effect_weighted", lang))
    notes = {v: k for k, v in ASSIGNMENT_NOTES.items()}
    for how in dict.fromkeys(table["uncertainty"].dropna()):
        sentences.append(term(f"effect_{notes[how]}", lang))
    too_few = table.loc[table["note"].notna(), "theme"].astype(str).tolist()
    if too_few:
        sentences.append(term("effect_too_few", lang).format(
            themes=", ".join(f"*{escape_markdown(t)}*" for t in too_few)))
    sentences += _caveats(table, lang, covariate)
    return " ".join(sentences)


def _caveats(table, lang: str, covariate) -> list[str]:
    """Sentences on contrasts without an interval, respondents left out, quartiles."""
    out = []
    if "no_interval" in table:
        rows = table[table["no_interval"].notna()]
        items = [f"*{escape_markdown(str(r.theme))}*, {covariate(r.covariate)}"
                 + (f" {escape_markdown(str(r.level))}" if isinstance(r.level, str) else "")
                 for r in rows.itertuples()]
        if items:
            out.append(term("effect_no_interval", lang).format(
                items="; ".join(dict.fromkeys(items))))
    if "corrected" in table and table["corrected"].notna().any():
        rows = table[table["corrected"].notna()].drop_duplicates("theme")
        out.append(term("effect_corrected", lang).format(items="; ".join(
            f"*{escape_markdown(str(r.theme))}*: {r.corrected}" for r in rows.itertuples())))
    if "left_out" in table and table["left_out"].fillna(0).max() > 0:
        out.append(term("effect_left_out", lang).format(
            n=format_number(int(table["left_out"].max()), lang, 0)))
    numeric = table[table["contrast"].astype(str).str.contains("→", regex=False)] \
        if "contrast" in table else table.iloc[:0]
    if len(numeric):
        items = [f"{covariate(r.covariate)} {escape_markdown(str(r.reference))} "
                 f"{'mot' if lang == 'sv' else 'vs'} {escape_markdown(str(r.level))}"
                 for r in numeric.drop_duplicates("covariate").itertuples()]
        out.append(term("effect_quartiles", lang).format(items=", ".join(items)))
    return out


def describe_scores_by_theme(table, *, lang: str = "sv", limit: int = 6) -> str:
    """Describe :func:`~survey_tools.stats.theme_tables.scores_by_theme` in a paragraph.

    One sentence per difference that holds after the correction (largest first, at most
    `limit`), then how the means were compared.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"theme": ["Juridik"], "label": ["Juridiken är tydlig"],
    ...     "mean_theme": [1.8], "mean_other": [2.6], "difference": [-0.8],
    ...     "ci_low": [-1.1], "ci_high": [-0.5], "p_value": [0.0001], "significant": [True]})
    >>> print(describe_scores_by_theme(t))  # doctest: +NORMALIZE_WHITESPACE
    De som tar upp *Juridik* ger ”Juridiken är tydlig” i genomsnitt 0,80 lägre än övriga
    (1,80 mot 2,60; 95 % konfidensintervall för skillnaden −1,10 till −0,50). Medelvärdena
    (skalan räknad 1, 2, 3 …, ”vet ej” utelämnat) är jämförda med Welchs t-test och
    korrektion för 1 jämförelser (Benjamini–Hochberg, högst 5 % falska upptäckter); 1
    håller.
    """
    tested, held = _held(table)
    sentences = []
    for row in held.head(limit).itertuples():
        key = "scores_higher" if row.difference > 0 else "scores_lower"
        sentences.append(term(key, lang).format(
            theme=escape_markdown(str(row.theme)), item=escape_markdown(str(row.label)),
            difference=format_number(abs(row.difference), lang, decimals=2),
            mean_theme=format_number(row.mean_theme, lang, decimals=2),
            mean_other=format_number(row.mean_other, lang, decimals=2),
            low=format_number(row.ci_low, lang, decimals=2),
            high=format_number(row.ci_high, lang, decimals=2)))
    if len(tested):
        sentences.append(term("scores_method", lang).format(tests=len(tested),
                                                             significant=len(held)))
    return " ".join(sentences)
