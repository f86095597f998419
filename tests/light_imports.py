"""A pytest plugin loaded before the others (``-p light_imports`` in pyproject.toml).

nbval, installed as a plugin, imports nbformat and with it jsonschema, which compiles the
grammar of rfc3987-syntax when it is imported (for the "iri" format no notebook schema
has). Every test process paid that before its first test: 11.7 and 10.4 s against 10.4
and 9.1 s to collect the tests, measured in turns (`pytest --collect-only`). jsonschema
is imported here first, without it, as the report and the notebooks' git filter do.
"""

from survey_tools.lazy import import_jsonschema_lightly

import_jsonschema_lightly()
