"""Where the modules of survey_tools 0.1 went: old imports keep working, with a warning.

Issue #31 grouped the flat modules by role (``io``, ``nlp``, ``stats``, ``report``).
``import survey_tools.tables`` (and ``from survey_tools.tables import ...``) still
works in this release: it gives the module's new home and warns once with a
:class:`DeprecationWarning` that names it. A module that was split in two (interviews,
chat logs: a reader and an analysis part) gives a module with the public names of both.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings

__all__ = ["MOVED", "MovedModuleFinder", "install"]

#: Old module (under ``survey_tools.``) → its new home or homes.
MOVED: dict[str, tuple[str, ...]] = {
    "check_all": ("io.multiple_choice",),
    "config": ("io.config",),
    "readers": ("io.readers",),
    "schema": ("io.schema",),
    "survey": ("io.survey",),
    "scales": ("io.scales",),
    "yamlio": ("io.yamlio",),
    "files": ("io.atomic",),
    "export": ("io.spreadsheets",),
    "interviews": ("io.transcripts", "nlp.interviews"),
    "conversations": ("io.chat_logs", "nlp.conversations"),
    "text": ("nlp.answers",),
    "language": ("nlp.language",),
    "embeddings": ("nlp.embeddings",),
    "vectors": ("nlp.vectors",),
    "e5": ("nlp.e5",),
    "model_install": ("nlp.model_install",),
    "pii": ("nlp.pii",),
    "quotes": ("nlp.quotes",),
    "search": ("nlp.search",),
    "tables": ("stats.tables",),
    "topic_tables": ("stats.topic_tables",),
    "theme_tables": ("stats.theme_tables",),
    "prevalence": ("stats.prevalence",),
    "report_tables": ("report.display",),
    "front_matter": ("report.front_matter",),
    "publish": ("report.publish",),
    "style": ("report.style",),
    "pdf": ("report.pdf",),
    "charts": ("report.charts",),
    "narratives": ("report.narratives",),
    "coding.exports": ("coding.coded_files",),
}


def _new_home(fullname: str) -> tuple[str, ...] | None:
    """Return the new module names for an old one (also a module inside a moved package)."""
    if not fullname.startswith("survey_tools."):
        return None
    old = fullname.removeprefix("survey_tools.")
    if old in MOVED:
        return tuple(f"survey_tools.{new}" for new in MOVED[old])
    package, _, rest = old.partition(".")
    if rest and package in MOVED and len(MOVED[package]) == 1:
        return (f"survey_tools.{MOVED[package][0]}.{rest}",)
    return None


class MovedModuleFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Find an old module name and load its new home."""

    def find_spec(self, fullname, path=None, target=None):  # noqa: D102
        if _new_home(fullname) is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, self)

    def create_module(self, spec):  # noqa: D102
        homes = _new_home(spec.name)
        warnings.warn(f"{spec.name} has moved to {' and '.join(homes)}; import it from there "
                      "(the old name goes in a later release)", DeprecationWarning,
                      stacklevel=_importer_level())
        modules = [importlib.import_module(home) for home in homes]
        if len(modules) == 1:
            return modules[0]  # the same module object: monkeypatching it still works
        joined = types.ModuleType(spec.name, f"Moved to {' and '.join(homes)}.")
        joined.__all__ = [name for module in modules for name in module.__all__]
        for module in modules:
            for name in module.__all__:
                setattr(joined, name, getattr(module, name))
        return joined

    def exec_module(self, module):  # noqa: D102
        pass  # the new home has run already


def _importer_level() -> int:
    """Return the stack level of the code that imports (past importlib's own frames)."""
    frame, level = sys._getframe(2), 2
    while frame is not None and (frame.f_code.co_filename.startswith("<frozen importlib")
                                 or frame.f_code.co_filename == __file__):
        frame, level = frame.f_back, level + 1
    return level


def install() -> None:
    """Put the finder first on ``sys.meta_path``, once.

    First, so that a module inside a moved package (``survey_tools.charts.bars``) is the
    new module itself, not a second copy found on the old package's path. It answers for
    the old names only, which exist nowhere else.
    """
    if not any(isinstance(f, MovedModuleFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, MovedModuleFinder())
