"""Deductive coding of open answers into a codebook, validated against human coders.

The names are imported lazily: reading a codebook (``survey_tools.coding.codebook``)
does not load scikit-learn, which the coders need.
"""

from __future__ import annotations

import importlib

_LAZY = {
    "Code": "survey_tools.coding.codebook",
    "Codebook": "survey_tools.coding.codebook",
    "load_codebook": "survey_tools.coding.codebook",
    "KeywordCoder": "survey_tools.coding.coders",
    "ZeroShotCoder": "survey_tools.coding.coders",
    "SupervisedCoder": "survey_tools.coding.coders",
    "code_answers": "survey_tools.coding.coders",
    "make_coder": "survey_tools.coding.coders",
}

__all__ = list(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'survey_tools.coding' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
