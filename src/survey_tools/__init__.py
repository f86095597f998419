"""survey_tools: survey exports with open-ended answers to validated, privacy-safe findings.

The top-level names are imported lazily, so ``import survey_tools`` stays fast and
pulls in neither pandas nor matplotlib until they are used.

Examples
--------
>>> import survey_tools as st
>>> survey = st.read_survey(st.sample_survey_path())  # doctest: +SKIP
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_LAZY = {
    "read_survey": "survey_tools.survey",
    "Survey": "survey_tools.survey",
    "describe_survey": "survey_tools.survey",
    "SurveyInputError": "survey_tools.errors",
    "frequency_table": "survey_tools.tables",
    "crosstab_table": "survey_tools.tables",
    "multi_response_table": "survey_tools.tables",
    "likert_table": "survey_tools.tables",
    "likert_summary": "survey_tools.tables",
    "change_table": "survey_tools.tables",
    "sample_survey_path": "survey_tools.paths",
    "build_report": "survey_tools.report",
    "TopicModel": "survey_tools.topics",
    "topic_share_table": "survey_tools.topic_tables",
    "load_codebook": "survey_tools.coding",
    "code_answers": "survey_tools.coding",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'survey_tools' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
