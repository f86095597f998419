"""What each command runs: read the survey, model or code or mask, write the files.

One module per command: :mod:`~survey_tools.runs.topics` (``survey-tools topics``, with
the ``run.json`` summary shared by both engines; the Dask engine is in
:mod:`survey_tools.partitioned`), :mod:`~survey_tools.runs.categorize` (``categorize``)
and :mod:`~survey_tools.runs.mask` (``mask``), each writing its files atomically and a
``run.json`` with :func:`survey_tools.files.write_json`, and
:mod:`~survey_tools.runs.search` (``search``).
"""

__all__: list[str] = []
