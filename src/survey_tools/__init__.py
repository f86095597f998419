"""survey_tools: survey exports with open-ended answers to validated, privacy-safe findings.

The top-level names are imported lazily, so ``import survey_tools`` stays fast and
pulls in neither pandas nor matplotlib until they are used. The package is grouped by
role: :mod:`survey_tools.io` (reading and writing), :mod:`survey_tools.nlp` (answers as
text), :mod:`survey_tools.stats` (tables), :mod:`survey_tools.topics`,
:mod:`survey_tools.coding`, :mod:`survey_tools.report` and :mod:`survey_tools.runs`
(what the commands run).

Examples
--------
>>> import survey_tools as st
>>> survey = st.read_survey(st.sample_survey_path())  # doctest: +SKIP
"""

from __future__ import annotations

from survey_tools import moved
from survey_tools.lazy import lazy_names

__version__ = "0.1.0"

_names, __getattr__, __dir__ = lazy_names(__name__, {
    "io.survey": ["read_survey", "Survey", "describe_survey"],
    "errors": ["SurveyInputError"],
    "stats.tables": ["frequency_table", "crosstab_table", "multi_response_table", "likert_table",
                     "likert_summary", "change_table"],
    "stats.topic_tables": ["topic_share_table"],
    "paths": ["sample_survey_path"],
    "report.build": ["build_report"],
    "topics": ["TopicModel"],
    "coding": ["load_codebook", "code_answers"],
})
__all__ = ["__version__", *_names]
moved.install()
