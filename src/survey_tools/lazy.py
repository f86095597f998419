"""Package namespaces whose names are imported on first use, so imports stay fast."""

from __future__ import annotations

import importlib

__all__ = ["lazy_names", "import_jsonschema_lightly"]


def lazy_names(package: str, names: dict[str, list[str]]):
    """Return ``__all__``, ``__getattr__`` and ``__dir__`` for a package that re-exports.

    Parameters
    ----------
    package : str
        The package's dotted name (its ``__name__``).
    names : dict of str to list of str
        For each module of the package (relative, as ``"build"``), the names it gives.

    Returns
    -------
    tuple
        ``(__all__, __getattr__, __dir__)``: a name is imported from its module the first
        time it is asked for (:pep:`562`).

    Examples
    --------
    >>> all_, getattr_, dir_ = lazy_names("survey_tools.io", {"survey": ["read_survey"]})
    >>> all_, getattr_("read_survey").__name__
    (['read_survey'], 'read_survey')
    """
    where = {name: f"{package}.{module}" for module, given in names.items() for name in given}
    all_ = list(where)

    def __getattr__(name: str):
        if name in where:
            return getattr(importlib.import_module(where[name]), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__():
        return sorted(all_)

    return all_, __getattr__, __dir__


def import_jsonschema_lightly() -> None:
    """Import jsonschema, if nothing has yet, without its optional rfc3987-syntax.

    nbformat, papermill and nbconvert load jsonschema, which imports rfc3987-syntax where
    it is installed (JupyterLab's jupyter-events installs it) to check strings of the
    "iri" format; that module compiles a grammar when it is imported. Measured here:
    papermill and nbconvert import in 3.0 s, in 0.8 s without it; a report waited for
    that before its first notebook ran, and the notebooks' git filter took 1.9 s per
    notebook instead of 0.26 s. No notebook schema has that format. In the process that
    calls this, jsonschema then checks every format but "iri" and "iri-reference" (as
    where rfc3987-syntax is not installed); the module itself can still be imported.
    """
    import sys

    if "jsonschema" in sys.modules:
        return
    blocked = "rfc3987_syntax" not in sys.modules
    if blocked:
        sys.modules["rfc3987_syntax"] = None  # an import of it raises ImportError
    try:
        import jsonschema  # noqa: F401
    finally:
        if blocked and sys.modules.get("rfc3987_syntax", False) is None:
            del sys.modules["rfc3987_syntax"]
