"""Package namespaces whose names are imported on first use, so imports stay fast."""

from __future__ import annotations

import importlib

__all__ = ["lazy_names"]


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
