"""Deductive coding of open answers into a codebook, validated against human coders.

The names are imported lazily: reading a codebook (``survey_tools.coding.codebook``)
does not load scikit-learn, which the coders need.
"""

from __future__ import annotations

from survey_tools.lazy import lazy_names

__all__, __getattr__, __dir__ = lazy_names(__name__, {
    "codebook": ["Code", "Codebook", "load_codebook"],
    "coders": ["KeywordCoder", "ZeroShotCoder", "SupervisedCoder", "code_answers", "make_coder"],
    "active": ["suggest_for_coding", "stratified_sample", "codes_from_lists"],
    "agreement": ["agreement_table", "agreement_intervals", "label_agreement", "confusion_table",
                  "read_reference", "kappa_of_table"],
    "coded_files": ["write_coded"],
    "session_widget": ["CodingSession"],
    "session": ["read_decisions", "record_decision", "undo_decision", "next_to_code"],
})
