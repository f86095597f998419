"""The method appendix: paragraphs on sample, weighting, intervals, themes, coding, masking.

Built from the configuration and the tables a report run published, so they stay true
for any survey.
"""

from __future__ import annotations

import pandas as pd

from survey_tools.report.display import format_number
from survey_tools.report.style import format_n

__all__ = ["sample_paragraph", "weighting_paragraph", "themes_paragraph", "coding_paragraph",
           "masking_paragraph", "edits_sentence"]


def sample_paragraph(config, survey, *, lang: str = "sv") -> str:
    """Say who answered: respondents, invited and response rate when known, fieldwork.

    Examples
    --------
    >>> from pathlib import Path
    >>> from types import SimpleNamespace as NS
    >>> from survey_tools.io.config import SurveyConfig
    >>> config = SurveyConfig(path=None, survey=Path("s.csv"), synthetic=True)
    >>> print(sample_paragraph(config, NS(data=pd.DataFrame({"a": range(12)}))))
    ... # doctest: +NORMALIZE_WHITESPACE
    Underlaget är 12 svar. Hur många som tillfrågades anges inte, så svarsfrekvensen är
    okänd. Svaren är syntetiska exempeldata.
    """
    n = len(survey.data)
    rate = config.response_rate_of(n)
    sv = lang == "sv"
    out = [f"Underlaget är {format_n(n, lang)} svar." if sv
           else f"The analysis is based on {format_n(n, lang)} responses."]
    if config.population:
        out.append(f"{format_n(config.population, lang)} tillfrågades." if sv
                   else f"{format_n(config.population, lang)} were invited.")
    if rate is not None:
        out.append(f"Svarsfrekvensen är {rate:.0f} %." if sv
                   else f"The response rate is {rate:.0f}%.")
    else:
        out.append("Hur många som tillfrågades anges inte, så svarsfrekvensen är okänd." if sv
                   else "How many were invited is not given, so the response rate is unknown.")
    if config.fieldwork:
        out.append(f"Svaren samlades in {config.fieldwork}." if sv
                   else f"The answers were collected {config.fieldwork}.")
    if config.synthetic:
        out.append("Svaren är syntetiska exempeldata." if sv
                   else "The answers are synthetic sample data.")
    return " ".join(out)


def weighting_paragraph(config, survey, *, lang: str = "sv") -> str:
    """Say how figures are weighted and what the intervals are (Wilson, Kish, t)."""
    from survey_tools.stats.tables import effective_n

    sv = lang == "sv"
    if config.weight is None:
        weighting = ("Resultaten är oviktade: varje svar väger lika." if sv
                     else "The results are unweighted: every response counts the same.")
    else:
        weights = pd.to_numeric(survey.data[config.weight], errors="coerce").fillna(0)
        n_eff = effective_n(weights.to_numpy())
        label = survey.label(config.weight)
        weighting = (f"Andelar och medelvärden är viktade med variabeln ”{label}”. Vikterna "
                     f"ger ett effektivt antal svar (Kish) på {format_n(n_eff, lang)} av "
                     f"{format_n(len(weights), lang)}, och konfidensintervallen räknas på det."
                     if sv else
                     f"Shares and means are weighted with the variable “{label}”. The weights "
                     f"give an effective sample size (Kish) of {format_n(n_eff, lang)} of "
                     f"{format_n(len(weights), lang)}, and the confidence intervals use it.")
    intervals = ("Andelar har 95 % konfidensintervall enligt Wilson; medelvärden och "
                 "förändringar har 95 % t-intervall. Tomma svar, ”vet ej” och uteblivna svar "
                 "ingår inte i procentbasen." if sv else
                 "Shares have 95% Wilson confidence intervals; means and changes have 95% t "
                 "intervals. Empty answers, \"don't know\" and missing answers are left out of "
                 "the base.")
    return f"{weighting} {intervals}"


def themes_paragraph(choose_k: dict, *, lang: str = "sv", edits: dict | None = None,
                     reported: dict | None = None, themes: dict | None = None) -> str:
    """Say how themes were found and how the number of themes was chosen.

    `choose_k` maps each question's label to its :func:`~survey_tools.topics.diagnostics.
    topic_count_table` (as published), from which the chosen K is named. `edits` maps a
    question's label to its edit log (:func:`~survey_tools.topics.edits.edit_log_table`,
    as published): every merge and name is named, and an edit that no longer matched
    the themes is named as not applied, with the reason. `reported` maps a question's
    label to the number of themes its chapter shows. `themes` maps a question's label
    to its table of themes (``topic, stability``, as published): when at least half of
    its themes are below the stability threshold, the paragraph says that the grouping
    is uncertain and how to read it.
    """
    from survey_tools.topics.cluster import STABLE_JACCARD

    sv = lang == "sv"
    out = [("Teman i de öppna svaren hittades med ämnesmodellering: varje svar gjordes om "
            "till en vektor med en flerspråkig språkmodell (multilingual-e5-small, körd "
            "lokalt), vektorerna reducerades med PCA och grupperades med k-means, och varje "
            "tema beskrivs med de ord (c-TF-IDF) och fraser som skiljer dess svar från andras. "
            "Antalet teman valdes efter stabilitet: för varje antal mellan 3 och 12 kördes "
            "k-means 100 gånger på slumpvisa urval av 80 % av svaren, och stabiliteten är hur "
            "lika körningarnas indelningar är (medianen av justerat Rand-index mellan par av "
            "körningar, 1 = samma). Bland antal inom 0,03 från det stabilaste valdes det "
            "minsta vars medelvärde av samma index också ligger inom 0,03 från det bästa "
            "bland dem. "
            "Temana är en sammanvägning av alla körningar (konsensus), vars gränser till sist "
            "justeras med en k-means-körning på alla svar, så att slumpen i en "
            "enskild körning eller små avrundningsskillnader mellan datorer inte ändrar "
            "dem. Varje tema har en egen stabilitet (Jaccard, 0–1): hur väl det återkommer "
            "när indelningen görs om med andra slumpdragningar. Teman under 0,75 markeras "
            "som osäkra.") if sv else
           ("Themes in the open answers were found by topic modelling: each answer was turned "
            "into a vector with a multilingual language model (multilingual-e5-small, run "
            "locally), the vectors were reduced with PCA and grouped with k-means, and each "
            "theme is described by the words (c-TF-IDF) and phrases that set its answers "
            "apart. The number of themes was chosen by stability: for each number from 3 to "
            "12, k-means was run 100 times on random samples of 80% of the answers, and "
            "stability is how alike the runs' groupings are (median adjusted Rand index "
            "between pairs of runs, 1 = the same). Of numbers within 0.03 of the most "
            "stable, the smallest whose mean of the same index is also within 0.03 of the "
            "best among them was chosen. The themes pool all runs (a consensus), whose "
            "borders are finally settled by one k-means run on all answers, so that "
            "the chance of a single run or small rounding differences between computers do "
            "not change them. Each "
            "theme has its own stability (Jaccard, 0–1): how well it comes back when the "
            "grouping is redone with other random draws. Themes below 0.75 are marked as "
            "uncertain.")]
    for label, table in choose_k.items():
        chosen = table[table["chosen"].astype(str).str.lower().isin(["true", "1"])]
        if len(chosen):
            row = chosen.iloc[0]
            stab = format_number(row["stability"], lang, 2)
            out.append(f"För ”{label}” valdes {int(row['k'])} teman (stabilitet {stab})." if sv
                       else f"For “{label}”, {int(row['k'])} themes were chosen (stability "
                            f"{stab}).")
        table = (themes or {}).get(label)
        if table is not None and "stability" in table:
            real = pd.to_numeric(table.loc[table["topic"].astype(str) != "-1", "stability"],
                                 errors="coerce")
            unstable = int((real < STABLE_JACCARD).sum())
            if len(real) and unstable * 2 >= len(real):
                out.append(
                    f"Indelningen är osäker: {unstable} av {len(real)} teman kommer inte "
                    f"tillbaka säkert när den görs om (stabilitet under "
                    f"{format_number(STABLE_JACCARD, lang, 2)}), så läs temana som en grov "
                    "sortering av svaren, inte som fasta kategorier, och läs svaren i dem." if sv
                    else f"The grouping is uncertain: {unstable} of {len(real)} themes do not "
                         f"reliably come back when it is redone (stability below "
                         f"{format_number(STABLE_JACCARD, lang, 2)}), so read the themes as a "
                         "rough sorting of the answers, not as fixed categories, and read "
                         "the answers in them.")
        log = (edits or {}).get(label)
        if log is not None and len(log):
            out.append(edits_sentence(log, reported=(reported or {}).get(label), lang=lang))
    return " ".join(out)


def edits_sentence(log: pd.DataFrame, *, reported: int | None = None,
                   lang: str = "sv") -> str:
    """Name the analyst's edits of one question: each merge, split, removal and name.

    `reported`: the number of themes the chapter shows (said after the merges).

    Examples
    --------
    >>> log = pd.DataFrame([
    ...     {"edit": "merge", "themes": "words: budget + words: kostnad", "label": "Pengar",
    ...      "status": "applied", "topics": "1, 3", "reason": ""},
    ...     {"edit": "label", "themes": "words: skola", "label": "Skolan",
    ...      "status": "not applied", "topics": "", "reason": "no theme has the words skola"}])
    >>> print(edits_sentence(log, reported=4, lang="en"))  # doctest: +NORMALIZE_WHITESPACE
    The analyst merged themes (words: budget + words: kostnad → “Pengar”), so 4 themes are
    reported. Not applied, because the themes no longer match: the name “Skolan” (words:
    skola: no theme has the words skola).
    >>> log = pd.DataFrame([
    ...     {"edit": "split", "themes": "words: data → 2", "label": None,
    ...      "status": "applied", "topics": "2, 7", "reason": ""},
    ...     {"edit": "not a theme", "themes": "words: skola", "label": None, "topics": "",
    ...      "status": "not applied", "reason": "no theme has answers with the words skola"}])
    >>> print(edits_sentence(log, lang="sv"))  # doctest: +NORMALIZE_WHITESPACE
    Analytikern delade teman i flera (ord: data → 2). Inte tillämpat, eftersom temana inte
    längre stämmer: borttagningen av temat ord: skola (inget tema har svar med orden skola).
    """
    from survey_tools.topics.edits import edit_text

    sv = lang == "sv"
    log = log.copy()
    for column in ("themes", "reason"):
        log[column] = [edit_text(str(v), lang) if isinstance(v, str) else v
                       for v in log[column]]
    left, right = ("”", "”") if sv else ("“", "”")
    applied = log[log["status"] == "applied"]
    stale = log[log["status"] != "applied"]
    merges = applied[applied["edit"] == "merge"]
    parts = []
    if len(merges):
        named = "; ".join(m.themes + (f" → {left}{m.label}{right}" if isinstance(m.label, str)
                                      and m.label else "") for m in merges.itertuples())
        count = "" if reported is None else (
            f", så {reported} teman redovisas" if sv else
            f", so {reported} themes are reported")
        parts.append(f"Analytikern slog ihop teman ({named}){count}." if sv else
                      f"The analyst merged themes ({named}){count}.")
    names = applied[applied["edit"] == "label"]
    if len(names):
        named = "; ".join(f"{left}{n.label}{right} ({n.themes})" for n in names.itertuples())
        parts.append(f"Analytikern gav namn åt teman: {named}." if sv else
                     f"The analyst named themes: {named}.")
    splits = applied[applied["edit"] == "split"]
    if len(splits):
        named = "; ".join(splits["themes"])
        parts.append(f"Analytikern delade teman i flera ({named})." if sv else
                     f"The analyst split themes into parts ({named}).")
    dropped = applied[applied["edit"] == "not a theme"]
    if len(dropped):
        named = "; ".join(dropped["themes"])
        parts.append(f"Analytikern bedömde att teman inte var teman; deras svar räknas som "
                     f"övriga ({named})." if sv else
                     f"The analyst judged themes not to be themes; their answers count as "
                     f"other answers ({named}).")
    if len(stale):
        what = "; ".join(_stale_edit(r, sv, left, right) for r in stale.itertuples())
        parts.append(f"Inte tillämpat, eftersom temana inte längre stämmer: {what}." if sv else
                      f"Not applied, because the themes no longer match: {what}.")
    return " ".join(parts)


def _stale_edit(row, sv: bool, left: str, right: str) -> str:
    """Return how an edit that was not applied reads in :func:`edits_sentence`."""
    if row.edit == "label":
        return (("namnet " if sv else "the name ")
                + f"{left}{row.label}{right} ({row.themes}: {row.reason})")
    what = {"merge": ("sammanslagningen", "the merge"), "split": ("delningen", "the split"),
            "not a theme": ("borttagningen av temat", "the removal of the theme")}
    sv_word, en_word = what.get(row.edit, (row.edit, row.edit))
    return f"{sv_word if sv else en_word} {row.themes} ({row.reason})"


def coding_paragraph(methods: pd.DataFrame | None, *, lang: str = "sv",
                     coded: bool = True) -> str:
    """Say how the codebook coding was validated, with the pooled kappa of each method.

    `coded` False: the report coded no question against a codebook, and says so.

    Examples
    --------
    >>> coding_paragraph(None, lang="en", coded=False)
    'No open question was coded against a codebook in this report.'
    """
    sv = lang == "sv"
    if not coded:
        return ("Ingen öppen fråga kodades mot en kodbok i den här rapporten." if sv else
                "No open question was coded against a codebook in this report.")
    if methods is None or methods.empty:
        return ("Kodningen mot kodboken har inte jämförts med en mänsklig kodning." if sv else
                "The codebook coding was not compared with a human coding.")
    pooled = methods[methods["code"] == "all (pooled)"]
    parts = []
    for row in pooled.itertuples():
        kappa = format_number(row.kappa, lang, 2)
        parts.append(f"{row.method} {kappa}")
    return ((f"Maskinkodningen jämfördes med en mänsklig referenskodning på svar som inte "
             f"användes för träning. Cohens kappa över alla kodbeslut: {'; '.join(parts)}. "
             f"Kappa över 0,8 räknas som mycket god överensstämmelse, 0,6–0,8 som god.") if sv
            else (f"The machine coding was compared with a human reference coding on answers "
                  f"not used for training. Cohen's kappa over all coding decisions: "
                  f"{'; '.join(parts)}. Kappa above 0.8 counts as very good agreement, "
                  f"0.6–0.8 as good."))


def masking_paragraph(*, lang: str = "sv") -> str:
    """Say how personal data were kept out of the report."""
    if lang == "sv":
        return ("Personuppgifter (personnummer, telefonnummer, e-post, namn, adresser, kort- "
                "och kontonummer) maskeras innan något svar visas, t.ex. [NAME] och [PHONE]. "
                "Citat väljs bara bland svar utan siffror, webbadresser eller okända namn, och "
                "den färdiga rapporten genomsöks efter personuppgifter innan den publiceras.")
    return ("Personal data (personal identity numbers, phone numbers, e-mail, names, addresses, "
            "card and account numbers) are masked before any answer is shown, e.g. [NAME] and "
            "[PHONE]. Quotes are chosen only among answers without digits, web addresses or "
            "unknown names, and the finished report is scanned for personal data before it is "
            "published.")
