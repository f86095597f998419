"""The report: executed notebooks exported to one page, and what a notebook shows on it.

:mod:`~survey_tools.report.build` (:func:`build_report`: execute the notebooks, export
the page), :mod:`~survey_tools.report.publish` (:class:`Publisher`: save a notebook's
figures and tables), :mod:`~survey_tools.report.display` (tables as the page shows them),
:mod:`~survey_tools.report.style` (the house style of charts),
:mod:`~survey_tools.report.charts`, :mod:`~survey_tools.report.narratives` (sentences
built from the tables), :mod:`~survey_tools.report.front_matter` and
:mod:`~survey_tools.report.pdf`. The notebooks import what they use from here.

The names are imported on first use, so ``import survey_tools.report`` loads neither
matplotlib nor nbconvert.
"""

from survey_tools.lazy import lazy_names

__all__, __getattr__, __dir__ = lazy_names(__name__, {
    "build": ["ReportError", "ReportResult", "list_notebooks", "notebook_needs", "notebook_runs",
              "notebook_starts", "notebook_waits", "execute_notebooks", "report_cells",
              "page_footer_css", "report_config", "load_report_config", "sample_config_path",
              "check_no_personal_data", "scrub_local_paths", "build_report", "export_html",
              "title_details"],
    "display": ["column_header", "report_headers", "table_value", "format_number", "report_table",
                "use_report_tables"],
    "front_matter": ["read_findings", "add_front_matter"],
    "pdf": ["BROWSER_ENV", "find_browser", "print_pdf", "chapter_pages", "number_contents",
            "write_report_pdf"],
    "publish": ["Publisher"],
    "style": ["PALETTE", "RC", "house_style", "apply_house_style", "likert_colors", "format_n",
              "figure_title", "format_percent", "format_interval", "wrap", "with_n", "source_note",
              "add_footnote", "figure_bytes", "save_figure"],
    "charts": ["plot_frequency", "plot_grouped", "plot_likert", "plot_change", "plot_topic_heatmap",
               "plot_over_time", "plot_effects"],
    "narratives.coding": ["describe_coding", "describe_agreement", "codes_finding"],
    "narratives.effects": ["describe_effects", "effect_finding", "describe_scores_by_theme"],
    "narratives.interviews": ["describe_interviews", "interview_finding",
                              "interview_quotes_markdown"],
    "narratives.method": ["sample_paragraph", "weighting_paragraph", "themes_paragraph",
                          "coding_paragraph", "masking_paragraph", "edits_sentence"],
    "narratives.survey": ["describe_likert", "describe_change", "describe_shares"],
    "narratives.topics": ["describe_topics", "topic_finding", "quotes_markdown", "escape_markdown",
                          "model_warning"],
})
