"""Reading analysts' YAML files (configuration, codebooks, topic edits) strictly.

A repeated key and an alias are errors; :func:`read_yaml` is the one reader of those files
and turns every problem into a :class:`~survey_tools.errors.SurveyInputError` naming the
file and the line, worded the same for each kind of file.
"""

from __future__ import annotations

from pathlib import Path

from survey_tools.errors import SurveyInputError

__all__ = ["AliasError", "DuplicateKeyError", "commented", "dump_yaml", "flow_list",
           "load_for_editing", "read_yaml", "safe_load_unique"]


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
    survey_tools.io.yamlio.DuplicateKeyError: 'legal' occurs twice in the same section (lines 2 ...
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


def read_yaml(path, *, what: str, missing_hint: str):
    """Read an analyst's YAML file; every problem is an error naming the file and line.

    Parameters
    ----------
    path : str or Path
        The file (UTF-8, with or without a byte order mark).
    what : str
        What the file is, for the messages ("the codebook", "the configuration file").
    missing_hint : str
        What to do when the file does not exist.

    Returns
    -------
    tuple
        ``(data, text)``: the parsed content (None for an empty file) and the text.

    Raises
    ------
    SurveyInputError
        The file does not exist, is not UTF-8, is not valid YAML (the line, and where the
        part it is in starts), repeats a key (both lines) or has an alias.
    """
    import yaml

    path = Path(path)
    if not path.is_file():
        raise SurveyInputError(f"{what} does not exist", path=path, hint=missing_hint)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise SurveyInputError(f"{what} is not UTF-8 text", path=path,
                               hint="save it as UTF-8 (in Notepad: Save as, Encoding UTF-8)"
                               ) from None
    try:
        return safe_load_unique(text), text
    except AliasError as exc:
        raise SurveyInputError(str(exc), path=path, line=exc.line,
                               hint="write the values out instead of '&anchor' and "
                                    "'*alias'") from None
    except DuplicateKeyError as exc:
        raise SurveyInputError(str(exc), path=path, line=exc.line, key=str(exc.key),
                               hint="keep one of them, or rename one") from None
    except yaml.YAMLError as exc:
        mark, start = getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None)
        began = (f"; the part it is in starts on line {start.line + 1}"
                 if start is not None and mark is not None and start.line != mark.line else "")
        raise SurveyInputError(f"this is not valid YAML ({getattr(exc, 'problem', exc)}"
                               f"{began})", path=path,
                               line=None if mark is None else mark.line + 1,
                               hint="check the indentation, the colons and the quotes "
                                    "around that line (a text with ': ' needs quotes)"
                               ) from None


def commented(pairs=(), *, comments=None, heading: str | None = None, indent: int = 0):
    """Return a mapping that :func:`dump_yaml` writes with comments.

    Parameters
    ----------
    pairs : iterable of (key, value)
        The entries, in order.
    comments : dict, optional
        ``{key: comment}`` written at the end of the key's line.
    heading : str, optional
        Comment lines written above the mapping.
    indent : int
        Where the mapping's keys start on their lines (4 for a mapping in a list under a
        top-level key): each comment starts three spaces after its line's value.

    Examples
    --------
    >>> print(dump_yaml(commented([("id", None), ("groups", flow_list(["team"]))],
    ...                           comments={"id": "none found"}, heading="A draft")), end="")
    # A draft
    id: null   # none found
    groups: [team]
    """
    from ruamel.yaml.comments import CommentedMap

    data = CommentedMap(pairs)
    if heading:
        data.yaml_set_start_comment(heading)
    for key, comment in (comments or {}).items():
        value = data[key]
        block = isinstance(value, dict | list) and not getattr(
            getattr(value, "fa", None), "flow_style", lambda: False)()
        width = len(f"{key}:") if block else len(dump_yaml({key: value}).splitlines()[0])
        data.yaml_add_eol_comment(comment, key, column=indent + width + 3)
    return data


def flow_list(items):
    """Return a list that :func:`dump_yaml` writes on one line: ``[a, b]``."""
    from ruamel.yaml.comments import CommentedSeq

    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def _quoted_for_reading(node):
    """Quote every text that :func:`read_yaml` (PyYAML, YAML 1.1) would not read back as it.

    ruamel.yaml writes YAML 1.2, where ``yes``, ``on`` and ``Q? - Excel`` in a list are
    plain texts; PyYAML reads the first two as true and fails on the third. A text is
    written plain only where PyYAML itself would write it plain in a one-line list.
    Mappings are changed in place, so their comments stay.
    """
    import yaml
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

    def fix(value):
        if isinstance(value, dict | list):
            return _quoted_for_reading(value)
        if not isinstance(value, str) or type(value) is not str:
            return value
        plain = yaml.safe_dump([value], default_flow_style=True, allow_unicode=True,
                               width=10**6) == f"[{value}]\n"
        if plain:
            return value
        printable = value.isprintable() and "'" not in value
        return (SingleQuotedScalarString if printable else DoubleQuotedScalarString)(value)

    if isinstance(node, dict):
        for key in list(node):
            node[key] = fix(node[key])
    elif isinstance(node, list):
        for i, value in enumerate(node):
            node[i] = fix(value)
    return node


def load_for_editing(text: str):
    r"""Return YAML text as ruamel.yaml's round-trip data, to change and write back with comments.

    For files the package itself adds to (the theme edits of the workbench): the comments,
    order and styles of what is there stay when :func:`dump_yaml` writes it back. Aliases
    and repeated keys are refused as by :func:`read_yaml`. An empty text (or one of
    comments only, which are kept) gives an empty mapping.

    Examples
    --------
    >>> data = load_for_editing("# mine\nlabels: []\n")
    >>> data["labels"].append({"words": flow_list(["gdpr"]), "label": "Juridik"})
    >>> print(dump_yaml(data), end="")
    # mine
    labels:
      - words: [gdpr]
        label: Juridik
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    _refuse_aliases(text)
    data = YAML().load(text) if text.strip() else None
    if data is not None:
        return data
    data = CommentedMap()  # a file of comments only: they stay above what is added
    lines = [line[2:] if line.startswith("# ") else line[1:] for line in text.splitlines()
             if line.startswith("#")]
    if lines:
        data.yaml_set_start_comment("\n".join(lines))
    return data


def dump_yaml(data, *, end_comment: str | None = None) -> str:
    """Return `data` as YAML text: the one writer of the package's YAML files.

    Keeps the comments of :func:`commented` mappings (ruamel.yaml's round-trip writer),
    writes None as ``null``, lists of mappings indented under their key, never wraps a
    line, and appends `end_comment` as comment lines (sections left for the analyst to
    fill in). The text reads back with :func:`read_yaml` to the same data.

    Examples
    --------
    >>> print(dump_yaml({"survey": "svar: 2026.csv", "open_questions": [{"column": "Q1"}]}),
    ...       end="")
    survey: 'svar: 2026.csv'
    open_questions:
      - column: Q1
    """
    import io

    from ruamel.yaml import YAML

    writer = YAML()
    writer.width = 10**6
    writer.indent(mapping=2, sequence=4, offset=2)
    writer.representer.add_representer(
        type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null"))
    out = io.StringIO()
    writer.dump(_quoted_for_reading(data), out)
    text = out.getvalue()
    if end_comment:
        text += "".join(f"# {line}\n" if line else "#\n" for line in end_comment.splitlines())
    return text
