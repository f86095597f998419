"""Deductive coding of open answers into a codebook, validated against human coders."""

from survey_tools.coding.codebook import Code, Codebook, load_codebook
from survey_tools.coding.coders import (
    KeywordCoder,
    SupervisedCoder,
    ZeroShotCoder,
    code_answers,
    make_coder,
)

__all__ = ["Code", "Codebook", "load_codebook", "KeywordCoder", "ZeroShotCoder",
           "SupervisedCoder", "code_answers", "make_coder"]
