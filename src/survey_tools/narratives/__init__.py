"""Short data-driven sentences and quote blocks for the report, in Swedish or English.

Presentation, kept apart from the models: :mod:`~survey_tools.narratives.survey`
(shares, Likert results, changes), :mod:`~survey_tools.narratives.topics` (topics and
their quotes) and :mod:`~survey_tools.narratives.coding` (a coding run). The sentences
are built from the tables, so they stay true when the data change.
"""

__all__: list[str] = []
