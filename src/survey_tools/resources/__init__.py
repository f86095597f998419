"""Domain knowledge shipped as data files (YAML) inside the package."""

from __future__ import annotations

from functools import cache
from importlib import resources

__all__ = ["load_yaml"]


@cache
def load_yaml(name: str) -> dict:
    """Return the parsed YAML resource file `name` (cached; do not mutate the result)."""
    import yaml

    with resources.files(__name__).joinpath(name).open(encoding="utf-8") as f:
        return yaml.safe_load(f)
