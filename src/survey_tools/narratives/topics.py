"""Sentences and quote blocks about fitted topics, for report notebooks (Swedish or English)."""

from __future__ import annotations

import html

from survey_tools.i18n import text
from survey_tools.style import format_n, format_percent

__all__ = ["describe_topics", "quotes_markdown", "escape_markdown"]

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


def describe_topics(model, *, lang: str = "sv") -> str:
    """Summarise a fitted :class:`~survey_tools.topics.TopicModel` in three sentences.

    How many answered, how many themes, the largest theme, and which language model
    compared the answers.
    """
    from survey_tools.embeddings import describe_encoder

    counts = model.assignments_["status"].value_counts()
    modelled = int(counts.get("assigned", 0) + counts.get("outlier", 0))
    sentence = text("topic_summary", lang).format(
        answered=format_n(modelled + int(counts.get("error", 0)), lang),
        rows=format_n(len(model.assignments_), lang),
        empty=format_n(int(counts.get("empty", 0)), lang),
        non_answers=format_n(int(counts.get("non-answer", 0)), lang),
        n_topics=model.n_topics_, outliers=format_n(int(counts.get("outlier", 0)), lang))
    real = model.topics_[model.topics_["topic"] != -1]
    if len(real):
        top = real.sort_values(["size", "topic"], ascending=[False, True]).iloc[0]
        sentence += " " + text("topic_largest", lang).format(
            label=escape_markdown(top["label"]), share=format_percent(top["share"], lang))
    if hasattr(model, "encoder_"):
        sentence += " " + escape_markdown(describe_encoder(model.encoder_, lang=lang)["sentence"])
    return sentence


def quotes_markdown(topics, *, lang: str = "sv") -> str:
    """Return a Markdown list of each topic's quotes (already chosen to avoid personal data)."""
    lines = [f"**{text('quotes_heading', lang)}** ({text('quotes_note', lang)})", ""]
    for row in topics.itertuples():
        if row.topic == -1 or not row.quotes:
            continue
        lines.append(f"- **{escape_markdown(row.label)}**")
        lines.extend(f"    - «{escape_markdown(q)}»" for q in row.quotes)
    return "\n".join(lines)
