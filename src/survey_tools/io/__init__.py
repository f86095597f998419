"""Reading and writing: survey exports, their configuration, transcripts and chat logs.

What comes in (:mod:`~survey_tools.io.readers` the raw tables,
:mod:`~survey_tools.io.schema` ids and column types, :mod:`~survey_tools.io.survey`
:func:`read_survey`, :mod:`~survey_tools.io.scales`,
:mod:`~survey_tools.io.multiple_choice` tick-all-that-apply questions,
:mod:`~survey_tools.io.config` ``survey.yaml``, :mod:`~survey_tools.io.yamlio` the one
YAML reader, :mod:`~survey_tools.io.transcripts` interview transcripts,
:mod:`~survey_tools.io.chat_logs` chat logs) and how files go out
(:mod:`~survey_tools.io.atomic` atomic writes and file sets,
:mod:`~survey_tools.io.spreadsheets` exports safe to open in a spreadsheet).

The names are imported on first use, so ``import survey_tools.io`` stays fast.
"""

from survey_tools.lazy import lazy_names

__all__, __getattr__, __dir__ = lazy_names(__name__, {
    "atomic": ["atomic_write", "file_set", "write_csv_atomic", "write_json", "CSV_OPTIONS"],
    "chat_logs": ["ChatLog", "read_chat_log"],
    "config": ["Battery", "BeforeAfter", "OpenQuestion", "Chats", "Interviews", "SurveyConfig",
               "load_config", "check_config", "detect_roles", "draft_config", "draft_config_data",
               "DRAFT_END", "draft_language", "draft_title", "battery_title", "slug",
               "edits_beside"],
    "multiple_choice": ["split_header", "is_tick_column", "to_ticks", "question_and_options",
                        "choice_list_options", "split_choice_lists"],
    "readers": ["RawTable", "read_raw", "detect_encoding", "sniff_delimiter", "find_header_row",
                "check_csv_head", "check_file", "check_header", "check_row_widths",
                "split_sep_line", "SUPPORTED"],
    "scales": ["Scale", "load_scales", "find_scale", "canonical_label", "normalize_label",
               "scale_in_language", "drop_unchosen_levels"],
    "schema": ["COLUMN_TYPES", "guess_id_column", "id_text", "to_choice", "clean_table",
               "resolve_column", "resolve_id", "row_ids", "default_ids", "infer_column_type",
               "apply_types"],
    "spreadsheets": ["FORMULA_PREFIXES", "PLAIN_NUMBER", "safe_cell", "safe_table",
                     "excel_safe_table", "write_safe_csv", "write_safe_table",
                     "fix_xlsx_timestamps", "fix_sav_timestamp", "size_columns",
                     "write_tables_workbook"],
    "survey": ["Survey", "apply_value_orders", "read_survey", "read_dictionary",
               "read_value_orders", "describe_survey", "format_summary"],
    "transcripts": ["Transcripts", "read_transcript", "read_transcripts", "speaker_pattern",
                    "TURN_COLUMNS"],
    "yamlio": ["AliasError", "DuplicateKeyError", "commented", "dump_yaml", "flow_list",
               "load_for_editing", "read_yaml", "safe_load_unique"],
})
