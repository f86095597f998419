"""Reading analysts' YAML files (codebooks, topic edits) strictly: a repeated key is an error."""

from __future__ import annotations

__all__ = ["DuplicateKeyError", "safe_load_unique"]


class DuplicateKeyError(ValueError):
    """A key occurs twice in one mapping.

    Attributes
    ----------
    key : str
    first_line, line : int
        1-based lines of the first and the repeated occurrence.
    """

    def __init__(self, key, first_line: int, line: int) -> None:
        self.key, self.first_line, self.line = key, first_line, line
        super().__init__(f"{key!r} occurs twice in the same section (lines {first_line} "
                         f"and {line}); the second would silently replace the first")


def safe_load_unique(text: str):
    r"""Parse YAML like ``yaml.safe_load``; raise :class:`DuplicateKeyError` on a repeated key.

    The YAML spec forbids repeated keys, but PyYAML keeps the last of two without a word,
    so a code defined twice in a codebook would silently lose its first definition.

    Examples
    --------
    >>> safe_load_unique("a: 1\nb: 2\n")
    {'a': 1, 'b': 2}
    >>> safe_load_unique("codes:\n  legal: 1\n  legal: 2\n")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    survey_tools.yamlio.DuplicateKeyError: 'legal' occurs twice in the same section (lines 2 ...
    """
    import yaml

    class _Loader(yaml.SafeLoader):
        pass

    def construct_mapping(loader, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: let PyYAML report it
                continue
            if first is not None:
                raise DuplicateKeyError(key, first, key_node.start_mark.line + 1)
            seen[key] = key_node.start_mark.line + 1
        return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)

    _Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
