"""Sentences and quote blocks about fitted topics, for report notebooks (Swedish or English)."""

from __future__ import annotations

import html

from survey_tools.i18n import term
from survey_tools.report.style import format_interval, format_n, format_percent

__all__ = ["describe_topics", "topic_finding", "quotes_markdown", "escape_markdown",
           "model_warning"]

#: From this share of Swedish answers on, themes made with the English fallback model
#: get a warning on the report's first page.
SWEDISH_WARNING_SHARE = 0.5

_MD_SPECIAL = "\\`*_{}[]()#+-.!|>~"


def escape_markdown(value: str) -> str:
    r"""Return `value` safe to show inside Markdown: HTML escaped, Markdown characters quoted.

    Examples
    --------
    >>> print(escape_markdown("<b>*viktigt*</b>"))
    &lt;b&gt;\*viktigt\*&lt;/b&gt;
    """
    out = html.escape(str(value), quote=False)
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in out)


def describe_topics(model, *, lang: str = "sv", unit: str = "answers") -> str:
    """Summarise a fitted :class:`~survey_tools.topics.TopicModel` in three sentences.

    How many answered, how many themes, the largest theme, and which language model
    compared the answers. `unit` is ``"answers"`` (to a question) or ``"conversations"``
    (chat documents: no one "answered a question" there).
    """
    from survey_tools.nlp.embeddings import describe_encoder

    counts = model.assignments_["status"].value_counts()
    modelled = int(counts.get("assigned", 0) + counts.get("outlier", 0))
    conversations = unit == "conversations"
    sentence = term("topic_summary_conversations" if conversations else "topic_summary",
                    lang).format(
        answered=format_n(modelled + int(counts.get("error", 0)), lang),
        rows=format_n(len(model.assignments_), lang),
        empty=format_n(int(counts.get("empty", 0)), lang),
        non_answers=format_n(int(counts.get("non-answer", 0)), lang),
        n_topics=model.n_topics_, outliers=format_n(int(counts.get("outlier", 0)), lang))
    real = model.topics_[model.topics_["topic"] != -1]
    if len(real):
        top = real.sort_values(["size", "topic"], ascending=[False, True]).iloc[0]
        sentence += " " + term("topic_largest_conversations" if conversations
                               else "topic_largest", lang).format(
            label=escape_markdown(top["label"]), share=format_percent(top["share"], lang))
    if hasattr(model, "encoder_"):
        sentence += " " + escape_markdown(describe_encoder(model.encoder_, lang=lang)["sentence"])
    return sentence


def model_warning(model, *, question: str, lang: str = "sv") -> str:
    """Return a warning for the report's first page, or "" when none is needed.

    Needed when the default multilingual model was not installed, so the English
    fallback compared the answers, and at least half of the modelled answers are in
    Swedish (:data:`SWEDISH_WARNING_SHARE`): their themes are then no better than
    chance (measured in ``bench/README.md``). The sentence says how to fix it.
    """
    from survey_tools.nlp.embeddings import describe_encoder

    if not hasattr(model, "encoder_") or not describe_encoder(model.encoder_)["note"]:
        return ""
    languages = list(getattr(model, "doc_languages_", []))
    share = sum(lg == "sv" for lg in languages) / len(languages) if languages else 0.0
    if share < SWEDISH_WARNING_SHARE:
        return ""
    return term("embedding_fallback_warning", lang).format(
        share=format_percent(100 * share, lang), question=f"”{escape_markdown(question)}”"
        if lang == "sv" else f"“{escape_markdown(question)}”")


def topic_finding(shares, *, question: str, lang: str = "sv", top: int = 3,
                  stability: dict | None = None, what: str = "themes") -> str:
    r"""Name a question's largest themes with their shares and 95 % intervals, in one sentence.

    Parameters
    ----------
    shares : DataFrame
        :func:`~survey_tools.stats.topic_tables.topic_share_table` without groups (weighted or
        not): ``topic, category, percent, ci_low, ci_high``.
    question : str
        The question, as the report shows it.
    top : int
        How many themes to name, and any theme with the same share (to one decimal) as
        the last of them (outliers are never named).
    stability : dict, optional
        ``{topic: stability}`` (:attr:`TopicModel.stability_`): a theme below 0.75 is
        named as uncertain, so an unstable theme never leads the summary unmarked.
    what : {"themes", "codes"}
        What is named ("The most common codes are …"); "" as `question` leaves it out.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"topic": [0, 1, -1], "category": ["Budget", "Juridik", "Övrigt"],
    ...                   "percent": [40.0, 30.0, 30.0], "ci_low": [35.2, 25.0, 25.0],
    ...                   "ci_high": [45.1, 35.0, 35.0]})
    >>> print(topic_finding(t, question="Hinder?").replace("\xa0", " "))
    Hinder? Vanligast är *Budget* (40 %, 95 % KI 35–45 %) och *Juridik* (30 %, 95 % KI 25–35 %).
    >>> print(topic_finding(t, question="Obstacles?", lang="en", stability={0: 0.9, 1: 0.5}))
    ... # doctest: +NORMALIZE_WHITESPACE
    Obstacles? The most common themes are *Budget* (40%, 95% CI 35–45%) and *Juridik*
    (uncertain theme) (30%, 95% CI 25–35%).
    """
    real = shares[shares["topic"] != -1].sort_values("percent", ascending=False,
                                                      kind="stable")
    if len(real) > top:  # a theme as common as the last one named is named too
        real = real[real["percent"].round(1) >= round(real["percent"].iloc[top - 1], 1)]
    if real.empty:
        return ""
    parts = [f"*{escape_markdown(r.category)}*{_uncertain(r.topic, stability, lang)} "
             f"({format_percent(r.percent, lang)}, {format_interval(r.ci_low, r.ci_high, lang)})"
             for r in real.itertuples()]
    joined = parts[0] if len(parts) == 1 else (
        ", ".join(parts[:-1]) + (" och " if lang == "sv" else " and ") + parts[-1])
    lead = "Vanligast är" if lang == "sv" else f"The most common {what} are"
    return f"{escape_markdown(question)} {lead} {joined}.".strip()


def _uncertain(topic, stability: dict | None, lang: str) -> str:
    """Return " (osäkert tema)" for a theme whose stability is below 0.75, else ""."""
    from survey_tools.topics.cluster import STABLE_JACCARD

    value = (stability or {}).get(int(topic))
    if value is None or not value < STABLE_JACCARD:
        return ""
    return " (osäkert tema)" if lang == "sv" else " (uncertain theme)"


def quotes_markdown(topics, *, lang: str = "sv") -> str:
    """Return a Markdown list of each topic's quotes (already chosen to avoid personal data)."""
    lines = [f"**{term('quotes_heading', lang)}** ({term('quotes_note', lang)})", ""]
    for row in topics.itertuples():
        if row.topic == -1 or not row.quotes:
            continue
        lines.append(f"- **{escape_markdown(row.label)}**")
        lines.extend(f"    - «{escape_markdown(q)}»" for q in row.quotes)
    return "\n".join(lines)
