"""Reading analysts' YAML files (codebooks, topic edits) strictly: a repeated key is an error."""

from __future__ import annotations

__all__ = ["AliasError", "DuplicateKeyError", "safe_load_unique"]


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


class AliasError(ValueError):
    """A YAML alias (``*name``) in an analyst's file.

    Aliases are never needed in a configuration, a codebook or an edits file, and nested
    ones expand exponentially (a "billion laughs" file of a few lines hangs any reader
    that follows them), so they are refused before anything reads the file.

    Attributes
    ----------
    line : int
        1-based line of the first alias.
    """

    def __init__(self, line: int) -> None:
        self.line = line
        super().__init__(f"a YAML alias ('*name') on line {line}: aliases are not "
                         "allowed here")


def _refuse_aliases(text: str) -> None:
    """Raise :class:`AliasError` at the first alias (one pass over the events, linear)."""
    import yaml

    if "*" not in text:
        return
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            raise AliasError(event.start_mark.line + 1)


def safe_load_unique(text: str):
    r"""Parse YAML like ``yaml.safe_load``; raise :class:`DuplicateKeyError` on a repeated key.

    The YAML spec forbids repeated keys, but PyYAML keeps the last of two without a word,
    so a code defined twice in a codebook would silently lose its first definition. An
    alias raises :class:`AliasError` (see there).

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

    _refuse_aliases(text)
    _Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
