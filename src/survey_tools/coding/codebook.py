"""Codebooks: the codes an analyst already has, as YAML, validated on load."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from survey_tools.errors import SurveyInputError
from survey_tools.i18n import in_language

__all__ = ["Code", "Codebook", "load_codebook", "codebook_from_dict", "PATTERN_BUDGET",
           "PATTERN_SLOW", "PATTERN_TIMEOUT"]

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_MAX_ID = 64  # SPSS variable names hold at most 64 bytes

#: Seconds one answer may take to match a code's keywords and patterns.
PATTERN_TIMEOUT = 1.0
#: Seconds all answers together may take to match one code while an answer takes more
#: than PATTERN_SLOW on average (each just under PATTERN_TIMEOUT would make 10,000 answers
#: take hours; a million fast answers may take longer than this in total).
PATTERN_BUDGET = 30.0
PATTERN_SLOW = 0.05
_HINT = ("see data/codebook_obstacles.yaml for the format: codes: {id: {label: {sv, en}, "
         "description: {sv, en}, keywords: [...], patterns: [...], examples: [...]}}")


@dataclass(frozen=True)
class Code:
    """One code of a codebook.

    Attributes
    ----------
    id : str
        Short identifier (lower case, digits, ``_``); used as column name in exports.
    label : dict
        ``{"sv": ..., "en": ...}``.
    description : dict
        What the code covers, per language.
    keywords : tuple of str
        Words that signal the code; matched case-insensitively at the start of a word, so
        ``ledning`` also matches ``ledningen`` and ``ledningsgruppen``.
    patterns : tuple of str
        Regular expressions (case-insensitive) that signal the code.
    examples : tuple of str
        Example answers that carry the code.
    """

    id: str
    label: dict
    description: dict
    keywords: tuple = ()
    patterns: tuple = ()
    examples: tuple = ()
    _regex: object = field(default=None, compare=False, repr=False)
    _source: str = field(default="", compare=False, repr=False)
    _spent: list = field(default_factory=lambda: [0.0, 0], compare=False, repr=False)

    def text(self, lang: str = "sv") -> str:
        """Return the label in `lang` (falling back to any language)."""
        return in_language(self.label, lang)

    def prototype_texts(self) -> list[str]:
        """Texts that describe the code: descriptions, examples, and the keywords joined."""
        texts = [*self.description.values(), *self.examples]
        if self.keywords:
            texts.append(" ".join(self.keywords))
        return [t for t in texts if t]

    def matches(self, text: str) -> int:
        """Return how many keywords and patterns match `text`.

        Raises
        ------
        SurveyInputError
            When matching one answer takes more than :data:`PATTERN_TIMEOUT` seconds (a
            pattern that backtracks catastrophically, such as ``(a|aa)+$``), or all
            answers so far more than :data:`PATTERN_BUDGET` at more than
            :data:`PATTERN_SLOW` each on average; names the code and the pattern, never the
            answer's text.
        """
        import time

        if self._regex is None or not isinstance(text, str):
            return 0
        spent, count = self._spent
        if spent >= PATTERN_BUDGET and spent >= PATTERN_SLOW * max(count, 1):
            raise self._slow_pattern(text, total=True)
        start = time.perf_counter()
        try:
            return len(self._regex.findall(text, timeout=PATTERN_TIMEOUT))
        except TimeoutError:
            raise self._slow_pattern(text) from None
        finally:
            self._spent[0] += time.perf_counter() - start
            self._spent[1] += 1

    def _slow_pattern(self, text: str, *, total: bool = False) -> SurveyInputError:
        import regex

        if total:
            return SurveyInputError(
                f"code {self.id!r}: its keywords and patterns took more than "
                f"{PATTERN_BUDGET:g} s in total over {self._spent[1]:,} answers",
                path=self._source or None,
                hint="simplify the patterns: each answer takes almost the time limit, so "
                     "a repeated group probably backtracks, such as (a|aa)+ or (a+)+")
        slow = []
        for p in self.patterns:
            try:
                regex.compile(f"(?:{p})", regex.IGNORECASE).findall(
                    text, timeout=PATTERN_TIMEOUT)
            except TimeoutError:
                slow.append(p)
        which = f"pattern {slow[0]!r}" if slow else f"its patterns {list(self.patterns)}"
        return SurveyInputError(  # the answer itself is not shown: it may be personal
            f"code {self.id!r}: {which} took more than {PATTERN_TIMEOUT:g} s on one answer "
            f"({len(text):,} characters)", path=self._source or None,
            hint="simplify the pattern: a repeated group that can match the same text in "
                 "several ways, such as (a|aa)+ or (a+)+, takes exponential time")


@dataclass(frozen=True)
class Codebook:
    """An ordered set of codes.

    Attributes
    ----------
    name : str
        Title.
    codes : tuple of Code
        In file order (the order of columns in exports).
    source : str
        Where it was read from.
    not_coded : tuple of str
        Descriptions and examples of what gets none of the codes (the codebook's
        ``not_coded:`` section, optional): the zero-shot coder leaves an answer uncoded
        when it is closer to these than to every code.
    """

    name: str
    codes: tuple
    source: str = ""
    not_coded: tuple = ()

    @property
    def ids(self) -> list[str]:
        """Return the code ids in order."""
        return [c.id for c in self.codes]

    def __getitem__(self, code_id: str) -> Code:
        for c in self.codes:
            if c.id == code_id:
                return c
        raise KeyError(code_id)

    def labels(self, lang: str = "sv") -> dict[str, str]:
        """Return ``{code id: label}`` in `lang`."""
        return {c.id: c.text(lang) for c in self.codes}

    def seed_topics(self, lang: str = "sv") -> dict[str, list[str]]:
        """Return ``{label: keywords + examples}`` for guided topic modelling.

        Pass it as ``TopicModel(seed_topics=codebook.seed_topics())``.
        """
        return {c.text(lang): [*c.keywords, *c.examples] or list(c.description.values())
                for c in self.codes}


def _lang_dict(value, where: str, path) -> dict:
    if isinstance(value, str) and value.strip():
        return {"sv": value, "en": value}
    if isinstance(value, dict) and value and all(isinstance(v, str) for v in value.values()):
        return {str(k): v for k, v in value.items()}
    raise SurveyInputError(f"{where} must be a text or {{sv: ..., en: ...}}", path=path,
                           hint=_HINT)


def _str_list(value, where: str, path) -> tuple:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise SurveyInputError(f"{where} must be a list of texts", path=path, hint=_HINT)
    return tuple(v.strip() for v in value)


def _compile(code_id, keywords, patterns, path):
    """Compile keywords and patterns into one case-insensitive expression.

    With the ``regex`` package, which takes a time limit per match (see
    :data:`PATTERN_TIMEOUT`) and allows inline flags such as ``(?i)`` anywhere.
    """
    import regex

    parts = [r"\b" + regex.escape(k.lower()) for k in keywords]
    for p in patterns:
        try:
            regex.compile(f"(?:{p})", regex.IGNORECASE)
        except (regex.error, ValueError) as exc:
            raise SurveyInputError(f"code {code_id!r}: pattern {p!r} is not a valid regular "
                                   f"expression ({exc})", path=path,
                                   hint="escape special characters such as ( ) [ ] . + ?"
                                   ) from None
        parts.append(f"(?:{p})")
    return regex.compile("|".join(parts), regex.IGNORECASE) if parts else None


def codebook_from_dict(data, *, path=None) -> Codebook:
    """Build and validate a :class:`Codebook` from parsed YAML (see :func:`load_codebook`)."""
    if not isinstance(data, dict) or not isinstance(data.get("codes"), dict) or not data["codes"]:
        raise SurveyInputError("the codebook has no 'codes' section", path=path, hint=_HINT)
    codes = []
    for code_id, spec in data["codes"].items():
        code_id = str(code_id)
        if not _ID.match(code_id):
            raise SurveyInputError(f"code id {code_id!r} must be lower case letters, digits "
                                   "and _, starting with a letter", path=path,
                                   hint="it becomes a column name in exports, e.g. data_access")
        if len(code_id) > _MAX_ID:
            raise SurveyInputError(f"code id {code_id[:20]!r}... has {len(code_id)} characters, "
                                   f"more than {_MAX_ID}", path=path,
                                   hint="shorten it; it becomes a column name in exports, and "
                                        "SPSS allows 64")
        if not isinstance(spec, dict):
            raise SurveyInputError(f"code {code_id!r} must be a mapping with label and "
                                   "description", path=path, hint=_HINT)
        unknown = set(spec) - {"label", "description", "keywords", "patterns", "examples"}
        if unknown:
            raise SurveyInputError(f"code {code_id!r} has unknown fields {sorted(unknown)}",
                                   path=path, hint=_HINT)
        for required in ("label", "description"):
            if required not in spec:
                raise SurveyInputError(f"code {code_id!r} has no {required}", path=path,
                                       hint=_HINT)
        keywords = _str_list(spec.get("keywords"), f"code {code_id!r}: keywords", path)
        patterns = _str_list(spec.get("patterns"), f"code {code_id!r}: patterns", path)
        codes.append(Code(
            id=code_id,
            label=_lang_dict(spec["label"], f"code {code_id!r}: label", path),
            description=_lang_dict(spec["description"], f"code {code_id!r}: description",
                                   path),
            keywords=keywords, patterns=patterns,
            examples=_str_list(spec.get("examples"), f"code {code_id!r}: examples", path),
            _regex=_compile(code_id, keywords, patterns, path),
            _source=str(path) if path else "",
        ))
    return Codebook(name=str(data.get("name", "")), codes=tuple(codes),
                    source=str(path) if path else "",
                    not_coded=_not_coded(data.get("not_coded"), path))


def _not_coded(spec, path) -> tuple:
    """Return the texts of the optional ``not_coded: {description, examples}`` section."""
    if spec is None:
        return ()
    if not isinstance(spec, dict) or set(spec) - {"description", "examples"}:
        raise SurveyInputError("not_coded must be a mapping with description and examples",
                               path=path, hint="not_coded: {description: {sv: ..., en: ...}, "
                                               "examples: [...]}: what gets none of the codes")
    texts = (*_lang_dict(spec["description"], "not_coded: description", path).values(),
             ) if "description" in spec else ()
    return texts + _str_list(spec.get("examples"), "not_coded: examples", path)


def load_codebook(path) -> Codebook:
    """Read a YAML codebook and check it.

    Parameters
    ----------
    path : str or Path
        A YAML file with ``name`` and ``codes: {id: {label, description, keywords,
        patterns, examples}}``; labels and descriptions are a text or ``{sv: ..., en:
        ...}``. An optional ``not_coded: {description, examples}`` says what gets none of
        the codes. See ``data/codebook_obstacles.yaml``.

    Returns
    -------
    Codebook

    Raises
    ------
    SurveyInputError
        When the file is missing, is not valid YAML (with its line), or a code is
        incomplete; the message names the code and field.
    """
    from survey_tools.io.yamlio import read_yaml

    path = Path(path)
    data, _ = read_yaml(path, what="the codebook file",
                        missing_hint="check the path; the sample has "
                                     "data/codebook_obstacles.yaml")
    return codebook_from_dict(data, path=path)
