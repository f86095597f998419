"""Tables with intervals: closed questions, topics and themes by group, theme prevalence.

:mod:`~survey_tools.stats.tables` (frequencies, crosstabs, Likert, before/after),
:mod:`~survey_tools.stats.topic_tables` (topic shares by group, the topics table as
exported), :mod:`~survey_tools.stats.theme_tables` (themes together, against closed
questions, per wave) and :mod:`~survey_tools.stats.prevalence` (who says what). Every
function returns a tidy DataFrame; drawing is :mod:`survey_tools.report.charts`.

The names are imported on first use.
"""

from survey_tools.lazy import lazy_names

__all__, __getattr__, __dir__ = lazy_names(__name__, {
    "prevalence": ["prevalence_effects", "adjust_for_many", "align_themes", "ASSIGNMENT_NOTES",
                   "MIN_GROUP"],
    "tables": ["wilson_interval", "category_order", "share_frame", "effective_n", "frequency_table",
               "crosstab_table", "multi_response_table", "likert_levels", "likert_scores",
               "likert_table", "likert_summary", "change_table", "open_text_overview"],
    "theme_tables": ["theme_cooccurrence", "cooccurrence_matrix", "scores_by_theme", "theme_waves"],
    "topic_tables": ["topic_share_table", "theme_table", "topic_group_matrix", "topic_indicators",
                     "topics_for_export"],
})
