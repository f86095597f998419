"""A pytest plugin loaded before the others (``-p light_imports`` in pyproject.toml).

nbval, installed as a plugin, imports nbformat and with it jsonschema, which compiles the
grammar of rfc3987-syntax when it is imported (for the "iri" format no notebook schema
has). Every test process paid that before its first test. jsonschema is imported here
first, without it, as the report and the notebooks' git filter do. Measured in turns: the
suite's start (two processes collecting, no test run) 12.8 s and 15.7 s instead of 18.9 s
and 20.1 s (bench/README.md, *Work done twice, and the suite's start*).
"""

from survey_tools.lazy import import_jsonschema_lightly

import_jsonschema_lightly()
