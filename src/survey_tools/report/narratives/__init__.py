"""Short data-driven sentences and quote blocks for the report, in Swedish or English.

Presentation, kept apart from the models: :mod:`~survey_tools.report.narratives.survey`
(shares, Likert results, changes), :mod:`~survey_tools.report.narratives.topics` (topics
and their quotes), :mod:`~survey_tools.report.narratives.coding` (a coding run),
:mod:`~survey_tools.report.narratives.effects`,
:mod:`~survey_tools.report.narratives.interviews` and
:mod:`~survey_tools.report.narratives.method` (the appendix). The sentences are built
from the tables, so they stay true when the data change.
"""

from survey_tools.lazy import lazy_names

__all__, __getattr__, __dir__ = lazy_names(__name__, {
    "coding": ["describe_coding", "describe_agreement", "codes_finding"],
    "effects": ["describe_effects", "effect_finding", "describe_scores_by_theme"],
    "interviews": ["describe_interviews", "interview_finding", "interview_quotes_markdown"],
    "method": ["sample_paragraph", "weighting_paragraph", "themes_paragraph", "coding_paragraph",
               "masking_paragraph", "edits_sentence"],
    "survey": ["describe_likert", "describe_change", "describe_shares"],
    "topics": ["describe_topics", "topic_finding", "quotes_markdown", "escape_markdown",
               "model_warning"],
})
