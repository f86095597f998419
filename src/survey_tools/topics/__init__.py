"""Topic modelling of open answers: offline, Swedish + English, every row accounted for.

The names are imported lazily: the topic edits and tables
(``survey_tools.topics.edits``) do not load scikit-learn, which the model needs.
"""

from __future__ import annotations

from survey_tools.lazy import lazy_names

__all__, __getattr__, __dir__ = lazy_names(__name__, {
    "cluster": ["AutoKMeans"],
    "model": ["STATUSES", "TopicModel"],
    "edits": ["TopicEdits", "TopicRef", "apply_merges", "edit_log_table", "edit_text", "load_edits",
              "match_topic", "EDIT_KINDS"],
    "diagnostics": ["topic_count_table"],
    "review_widget": ["ThemeReview"],
    "review": ["theme_overview", "theme_answers", "theme_anchor", "merge_edit", "label_edit",
               "split_edit", "not_a_theme_edit", "add_edit", "record_edit", "undo_edit",
               "preview_edit"],
})
