"""Topic modelling of open answers: offline, Swedish + English, every row accounted for.

The names are imported lazily: the topic edits and tables
(``survey_tools.topics.edits``) do not load scikit-learn, which the model needs.
"""

from __future__ import annotations

import importlib

_LAZY = {
    "AutoKMeans": "survey_tools.topics.cluster",
    "STATUSES": "survey_tools.topics.model",
    "TopicEdits": "survey_tools.topics.edits",
    "TopicModel": "survey_tools.topics.model",
}

__all__ = list(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'survey_tools.topics' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
