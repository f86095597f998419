"""Domain knowledge shipped as data files (YAML) inside the package."""

from __future__ import annotations

from functools import cache
from importlib import resources

__all__ = ["load_yaml"]


@cache
def load_yaml(name: str) -> dict:
    """Return the parsed YAML resource file `name` (cached; do not mutate the result).

    Parsed by libyaml when PyYAML has it (the same values, tested; the name lists take
    0.16 s in pure Python and 0.02 s so, in every kernel of a report).
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with resources.files(__name__).joinpath(name).open(encoding="utf-8") as f:
        return yaml.load(f, Loader=loader)  # noqa: S506 - a safe loader
