"""What each command runs: read the survey, model or code or mask, write the files.

One module per command: :mod:`~survey_tools.runs.topics` (``survey-tools topics``, and
what both engines share), :mod:`~survey_tools.runs.partitioned` (``topics --engine dask``
and its building blocks), :mod:`~survey_tools.runs.categorize` (``categorize``),
:mod:`~survey_tools.runs.mask` (``mask``) and :mod:`~survey_tools.runs.search`
(``search``). Each returns one :class:`~survey_tools.runs.result.RunResult` (tables,
notes, the ``run.json`` summary), and :func:`~survey_tools.runs.result.write_result`
writes its files and ``run.json`` into a staging folder and moves them into place as a
set.
"""

__all__: list[str] = []
