"""The survey configuration: which column plays which role in a report (``survey.yaml``).

A report needs to know more than column types: which column is the id and the weight,
which groups to break results down by, which Likert items belong to one battery, which
0/1 columns form one check-all question, which numeric columns are a before/after pair,
which open questions to model (with an optional codebook and topic edits), an optional
chat log, and what to print in the title block. :func:`load_config` reads and validates
such a file, naming the file, line and key of any problem; :func:`draft_config` writes a
first version from the detected column types (``survey-tools init``) for the analyst to
edit. Paths in the file are relative to the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from survey_tools.errors import SurveyInputError
from survey_tools.i18n import LANGUAGES, in_language
from survey_tools.io.multiple_choice import question_and_options, split_header
from survey_tools.io.yamlio import commented, dump_yaml, flow_list, read_yaml

__all__ = ["Battery", "BeforeAfter", "OpenQuestion", "Chats", "Interviews", "SurveyConfig",
           "load_config", "check_config", "detect_roles", "draft_config", "draft_config_data",
           "DRAFT_END", "draft_language", "draft_title", "battery_title", "slug", "edits_beside"]


@dataclass(frozen=True)
class Battery:
    """Likert items or check-all options reported together."""

    name: str
    title: str | dict | None  # a dict: the title per language (see in_language)
    items: tuple[str, ...]


@dataclass(frozen=True)
class BeforeAfter:
    """Two numeric columns asked about the same thing before and after."""

    name: str
    title: str | dict | None
    before: str
    after: str


@dataclass(frozen=True)
class OpenQuestion:
    """An open question: themes are found in it, and it is coded if it has a codebook."""

    column: str
    codebook: Path | None = None
    edits: Path | None = None
    reference: Path | None = None
    extra_stop_words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chats:
    """A chat log analysed beside the survey (one row per message)."""

    path: Path
    codebook: Path | None = None
    speakers: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Interviews:
    """Interview transcripts analysed beside the survey (a folder, one file per interview)."""

    path: Path
    metadata: Path | None = None
    codebook: Path | None = None
    group: str | None = None
    attribution: tuple[str, ...] = ()
    speakers: dict | None = None
    coding: str = "zero-shot"


@dataclass(frozen=True)
class SurveyConfig:
    """What ``survey.yaml`` says; paths are absolute. See :func:`load_config`."""

    path: Path | None
    survey: Path
    dictionary: Path | None = None
    sheet: str | None = None
    title: str | dict | None = None
    organisation: str | dict | None = None
    fieldwork: str | dict | None = None
    date: str | dict | None = None
    author: str | dict | None = None
    contact: str | dict | None = None
    language: str | None = None
    source: str | dict | None = None
    population: int | None = None
    response_rate: float | None = None
    synthetic: bool = False
    id: str | None = None
    weight: str | None = None
    groups: tuple[str, ...] = ()
    covariates: tuple[str, ...] = ()
    wave: str | None = None
    likert: tuple[Battery, ...] = ()
    check_all: tuple[Battery, ...] = ()
    before_after: tuple[BeforeAfter, ...] = ()
    open_questions: tuple[OpenQuestion, ...] = ()
    chats: Chats | None = None
    interviews: Interviews | None = None
    values: dict = field(default_factory=dict)
    lines: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def group(self) -> str | None:
        """The main breakdown (the first group), or None."""
        return self.groups[0] if self.groups else None

    @property
    def effect_covariates(self) -> tuple[str, ...]:
        """What theme prevalence is compared by: ``covariates``, else the main group."""
        return self.covariates or self.groups[:1]

    @property
    def coded(self) -> OpenQuestion | None:
        """The first open question with a codebook (the one the coding chapter codes)."""
        return next((q for q in self.open_questions if q.codebook is not None), None)

    def in_language(self, lang: str) -> SurveyConfig:
        """Return this configuration with every text in `lang`.

        A title, organisation, fieldwork, date, author, contact, source or battery/pair
        title may be written in
        both report languages (``title: {sv: Deltagande, en: Participation}``); the copy
        keeps the one in `lang` (else the other). Plain texts stay as they are.

        Examples
        --------
        >>> config = SurveyConfig(path=None, survey=Path("s.csv"),
        ...                       title={"sv": "Enkät", "en": "Survey"})
        >>> config.in_language("en").title, config.in_language("sv").title
        ('Survey', 'Enkät')
        """
        from dataclasses import replace
        from functools import partial

        pick = partial(in_language, lang=lang)
        return replace(
            self, title=pick(self.title), organisation=pick(self.organisation),
            fieldwork=pick(self.fieldwork), source=pick(self.source), date=pick(self.date),
            author=pick(self.author), contact=pick(self.contact),
            likert=tuple(replace(b, title=pick(b.title)) for b in self.likert),
            check_all=tuple(replace(b, title=pick(b.title)) for b in self.check_all),
            before_after=tuple(replace(p, title=pick(p.title)) for p in self.before_after),
            values={column: {value: pick(shown) for value, shown in texts.items()}
                    for column, texts in self.values.items()})

    def label_values(self, frame, *, lang: str = "sv"):
        """Return `frame` with the answers ``values:`` names shown in `lang`.

        ``values: {org_type: {Kommun: {sv: Kommun, en: Municipality}}}`` shows the
        answer "Kommun" as "Municipality" in an English report; a category keeps its place
        in the order. Columns and values the configuration does not name stay as they are.

        Examples
        --------
        >>> import pandas as pd
        >>> config = SurveyConfig(path=None, survey=Path("s.csv"), values={
        ...     "org": {"Kommun": {"sv": "Kommun", "en": "Municipality"}}})
        >>> frame = pd.DataFrame({"org": ["Kommun", "Region"]})
        >>> config.label_values(frame, lang="en")["org"].tolist()
        ['Municipality', 'Region']
        """
        import pandas as pd

        frame = frame.copy()
        for column, texts in self.values.items():
            if column not in frame.columns:
                continue
            shown = {value: str(in_language(text_, lang)) for value, text_ in texts.items()}
            values = frame[column]
            if isinstance(values.dtype, pd.CategoricalDtype):
                frame[column] = values.cat.rename_categories(
                    [shown.get(str(c), c) for c in values.cat.categories])
            else:
                frame[column] = values.map(lambda v, m=shown: m.get(str(v), v)
                                           if pd.notna(v) else v)
        return frame

    def open_question(self, column: str | None = None) -> OpenQuestion:
        """Return the open question on `column` (None: the first in the configuration).

        The topics notebook analyses one open question; the report runs it once for each.

        Raises
        ------
        SurveyInputError
            When the configuration has no such open question (the error lists them).
        """
        found = [q for q in self.open_questions if column is None or q.column == column]
        if not found:
            listed = ", ".join(repr(q.column) for q in self.open_questions) or "none"
            raise SurveyInputError(
                f"{column!r} is not an open question of this configuration (it has: "
                f"{listed})" if column is not None else
                "the configuration names no open question", path=self.path,
                line=self.line("open_questions"), key="open_questions",
                hint="add it under open_questions:, or give one of those listed")
        return found[0]

    def edits_path(self, question: OpenQuestion) -> Path:
        """Return the file the analyst's theme edits of `question` are kept in.

        Its ``edits:`` when given, else ``topic_edits/<column>.yaml`` beside the
        configuration, which is read when it exists (the theme review writes it).
        """
        if question.edits is not None:
            return question.edits
        return edits_beside(self.path.parent if self.path else self.survey.parent,
                            question.column)

    def examples_path(self, question: OpenQuestion) -> Path:
        """Return the file the coding session keeps `question`'s hand-coded answers in.

        ``coding_examples/<column>.csv`` beside the configuration: the examples file that
        :class:`~survey_tools.coding.SupervisedCoder` and ``categorize --examples`` read.
        """
        folder = self.path.parent if self.path else self.survey.parent
        return folder / "coding_examples" / f"{slug(question.column)}.csv"

    def response_rate_of(self, respondents: int) -> float | None:
        """Return the response rate in percent: as given, else from `population`, else None.

        Examples
        --------
        >>> SurveyConfig(path=None, survey=Path("s.csv"), population=400).response_rate_of(300)
        75.0
        """
        if self.response_rate is not None:
            return self.response_rate
        return 100 * respondents / self.population if self.population else None

    def needs(self) -> set[str]:
        """Return what the report's optional notebooks need that this configuration has."""
        return ({"codebook"} if self.coded else set()) | ({"chats"} if self.chats else set()) \
            | ({"open_questions"} if self.open_questions else set()) \
            | ({"interviews"} if self.interviews else set())

    def line(self, *keys) -> int | None:
        """Return the line where `keys` (e.g. ``"likert", 0, "items"``) is written."""
        return self.lines.get(tuple(keys))

    def read_survey(self, *, lang: str = "sv"):
        """Read the survey this configuration describes (see :func:`read_survey`).

        The configuration has the last word on roles: a column listed as an open question
        is open text even when its answers repeat so much that detection took it for a
        choice question. Answers are shown in `lang`: those on a known response scale in
        that scale's wording, those ``values:`` names as it says (:meth:`label_values`).
        A scale level no one chose in a whole Likert battery is dropped (a template's
        midpoint the questionnaire never had), with a note.
        """
        from dataclasses import replace

        from survey_tools.io.survey import read_survey

        survey = read_survey(self.survey, id_column=self.id, dictionary=self.dictionary,
                             sheet=self.sheet, lang=lang)
        from survey_tools.io.scales import drop_unchosen_levels, scale_in_language

        data, types = survey.data.copy(), dict(survey.types)
        for question in self.open_questions:
            if question.column in data.columns and types.get(question.column) != "open_text":
                column = data[question.column]
                data[question.column] = column.astype(object).where(column.notna(), None)
                types[question.column] = "open_text"
        notes = list(survey.notes)
        for battery in self.likert:  # only the scale the questionnaire had
            data, unchosen = drop_unchosen_levels(data, battery.items)
            if unchosen:
                notes.append(f"no one chose {', '.join(map(repr, unchosen))} in "
                             f"{battery.name!r}: taken as not on its questionnaire")
        for column, kind in types.items():  # the report's language for known scales
            if kind == "likert":
                data[column] = scale_in_language(data[column], lang)
        data = self.label_values(data, lang=lang)
        return replace(survey, data=data, types=types, notes=tuple(notes))


_TOP = {"survey", "dictionary", "sheet", "title", "organisation", "fieldwork", "date", "author",
        "contact", "language", "source",
        "population", "response_rate", "synthetic", "id", "weight", "groups", "covariates",
        "wave", "likert",
        "check_all", "before_after", "open_questions", "chats", "interviews", "values"}


def battery_title(battery: Battery, labels: dict, *, lang: str = "sv",
                  kind: str = "likert") -> str:
    """Return the title of a Likert battery or check-all question as the report shows it.

    The configuration's ``title``; else the question every item's label starts with
    (``"Hur nöjd är du? - Lönen"``); else a name for what the block is, never the first
    item's text (a block of three statements titled after one of them misled readers).

    Examples
    --------
    >>> b = Battery(name="likert1", title=None, items=("a", "b"))
    >>> battery_title(b, {"a": "Support from manager", "b": "Working hours"}, lang="en")
    'Statements on a response scale'
    >>> battery_title(b, {"a": "Hur nöjd är du? - Lönen", "b": "Hur nöjd är du? - Tiden"})
    'Hur nöjd är du?'
    """
    from survey_tools.i18n import term

    if battery.title:
        return str(battery.title)
    question = question_and_options(list(battery.items), labels)[0]
    return question or term("untitled_likert" if kind == "likert" else "untitled_check_all",
                            lang)


def slug(text: str) -> str:
    """Return `text` as a file-name part: lower case ASCII letters, digits and ``_``.

    Examples
    --------
    >>> slug("Hinder för AI (2025)")
    'hinder_for_ai_2025'
    """
    import unicodedata

    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_") or "x"


def _nfc(value):
    """Return `value` with every string in it in Unicode NFC (as survey headers are read)."""
    import unicodedata

    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    return value


def _key_lines(text: str) -> dict:
    """Map each key path (``("likert", 0, "items")``) to its 1-based line in the YAML."""
    import yaml

    lines: dict = {}

    def walk(node, path):
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                here = (*path, key.value)
                lines[here] = key.start_mark.line + 1
                walk(value, here)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                lines[(*path, i)] = item.start_mark.line + 1
                walk(item, (*path, i))

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return lines
    if root is not None:
        walk(root, ())
    return lines


class _Reader:
    """Validate one configuration file; every error names the file, line and key."""

    def __init__(self, path: Path | None, lines: dict, folder: Path) -> None:
        self.path, self.lines, self.folder = path, lines, folder

    def error(self, keys: tuple, problem: str, hint: str) -> SurveyInputError:
        line = None
        for n in range(len(keys), 0, -1):  # the closest written key
            line = self.lines.get(tuple(keys[:n]))
            if line is not None:
                break
        name = ".".join(str(k) for k in keys) if keys else None
        return SurveyInputError(problem, path=self.path, line=line, key=name, hint=hint)

    def text(self, value, keys, *, required=False, languages=False):
        if value is None or value == "":
            if required:
                raise self.error(keys, "this value is missing", "write it after the colon")
            return None
        if languages and isinstance(value, dict):  # {sv: ..., en: ...}
            unknown = [k for k in value if k not in LANGUAGES]
            if unknown or not value:
                raise self.error(keys, f"languages must be {' and '.join(LANGUAGES)}, not "
                                 f"{', '.join(map(str, unknown)) or 'none'}",
                                 "write e.g. {sv: Deltagande, en: Participation}")
            return {k: self.text(v, (*keys, k), required=True) for k, v in value.items()}
        if isinstance(value, (dict, list)):
            raise self.error(keys, "this must be one value, not a list or section",
                             "write a single value after the colon")
        return str(value)

    def names(self, value, keys, *, required=False) -> tuple[str, ...]:
        if value is None:
            if required:
                raise self.error(keys, "this list is missing", "list the column names")
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            raise self.error(keys, "this must be a list of column names",
                             "write [a, b, c] or one '- name' per line")
        return tuple(str(v) for v in value)

    def file(self, value, keys, *, required=False) -> Path | None:
        name = self.text(value, keys, required=required)
        if name is None:
            return None
        path = Path(name).expanduser()
        path = path if path.is_absolute() else self.folder / path
        if not path.exists():
            raise self.error(keys, f"the file {name!r} does not exist (looked in "
                                   f"{path.parent})", "paths are relative to this "
                                                      "configuration file; check the name"
                                                      if self.path else "check the name")
        return path.resolve()

    def number(self, value, keys, *, low, high, integer=False):
        if value is None:
            return None
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not ok or not low <= value <= high or (integer and value != int(value)):
            kind = "a whole number" if integer else "a number"
            raise self.error(keys, f"this must be {kind} from {low} to {high}, not {value!r}",
                             "write the number without units, or leave the key out")
        return int(value) if integer else float(value)

    def sections(self, value, keys) -> list[dict]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.error(keys, "this must be a list of sections, one per '- ' item",
                             "see the example in `survey-tools init`")
        return value

    def only(self, section: dict, allowed: set, keys: tuple) -> None:
        unknown = sorted(set(section) - allowed, key=str)
        if unknown:
            raise self.error((*keys, unknown[0]), f"unknown key {unknown[0]!r}",
                             f"use one of {sorted(allowed)} (check the spelling)")


def _batteries(r: _Reader, raw: dict, kind: str) -> list[Battery]:
    out = []
    for i, section in enumerate(r.sections(raw.get(kind), (kind,))):
        r.only(section, {"name", "title", "items"}, (kind, i))
        items = r.names(section.get("items"), (kind, i, "items"), required=True)
        name = r.text(section.get("name"), (kind, i, "name")) or f"{kind}{i + 1}"
        out.append(Battery(slug(name), r.text(section.get("title"), (kind, i, "title"),
                                              languages=True),
                           items))
    return out


def _pairs_of(r: _Reader, raw: dict) -> list[BeforeAfter]:
    pairs = []
    for i, section in enumerate(r.sections(raw.get("before_after"), ("before_after",))):
        keys = ("before_after", i)
        r.only(section, {"name", "title", "before", "after"}, keys)
        name = r.text(section.get("name"), (*keys, "name")) or f"before_after{i + 1}"
        pairs.append(BeforeAfter(slug(name), r.text(section.get("title"), (*keys, "title"),
                                                     languages=True),
                                 r.text(section.get("before"), (*keys, "before"), required=True),
                                 r.text(section.get("after"), (*keys, "after"), required=True)))
    return pairs


def edits_beside(folder: Path, column: str) -> Path:
    """Return ``<folder>/topic_edits/<column>.yaml``: where a question's edits are kept.

    Examples
    --------
    >>> edits_beside(Path("proj"), "Q 12: Hinder?").as_posix()
    'proj/topic_edits/q_12_hinder.yaml'
    """
    return Path(folder) / "topic_edits" / f"{slug(column)}.yaml"


def _questions(r: _Reader, raw: dict) -> list[OpenQuestion]:
    questions = []
    for i, section in enumerate(r.sections(raw.get("open_questions"), ("open_questions",))):
        keys = ("open_questions", i)
        r.only(section, {"column", "codebook", "edits", "reference", "extra_stop_words"}, keys)
        column = r.text(section.get("column"), (*keys, "column"), required=True)
        edits = r.file(section.get("edits"), (*keys, "edits"))
        if edits is None and column and edits_beside(r.folder, column).is_file():
            edits = edits_beside(r.folder, column).resolve()  # written by the theme review
        questions.append(OpenQuestion(
            column=column,
            codebook=r.file(section.get("codebook"), (*keys, "codebook")),
            edits=edits,
            reference=r.file(section.get("reference"), (*keys, "reference")),
            extra_stop_words=r.names(section.get("extra_stop_words"),
                                     (*keys, "extra_stop_words"))))
    return questions


def _chats(r: _Reader, raw: dict) -> Chats | None:
    section = raw.get("chats")
    if section is None:
        return None
    if not isinstance(section, dict):
        raise r.error(("chats",), "this must be a section with 'path:'",
                      "write path: (and optionally codebook: and speakers:) under it")
    r.only(section, {"path", "codebook", "speakers"}, ("chats",))
    speakers = r.names(section.get("speakers"), ("chats", "speakers"))
    return Chats(r.file(section.get("path"), ("chats", "path"), required=True),
                 r.file(section.get("codebook"), ("chats", "codebook")), speakers or None)


def _interviews(r: _Reader, raw: dict) -> Interviews | None:
    section = raw.get("interviews")
    if section is None:
        return None
    keys = ("interviews",)
    if not isinstance(section, dict):
        raise r.error(keys, "this must be a section with 'path:'",
                      "write path: (the folder of transcripts) and optionally metadata:, "
                      "codebook:, group:, attribution: and speakers: under it")
    r.only(section, {"path", "metadata", "codebook", "group", "attribution", "speakers",
                     "coding"}, keys)
    coding = section.get("coding", "zero-shot")
    if coding not in ("zero-shot", "keywords"):
        raise r.error((*keys, "coding"), f"this must be zero-shot or keywords, not {coding!r}",
                      "keywords codes by the codebook's keywords and patterns only")
    speakers = section.get("speakers")
    if speakers is not None and not (isinstance(speakers, dict) and all(
            isinstance(v, list) for v in speakers.values())):
        raise r.error((*keys, "speakers"), "this must map a role to its speaker labels",
                      "write e.g. interviewer: [Intervjuare, I] and respondent: [IP, R]")
    return Interviews(
        path=r.file(section.get("path"), (*keys, "path"), required=True),
        metadata=r.file(section.get("metadata"), (*keys, "metadata")),
        codebook=r.file(section.get("codebook"), (*keys, "codebook")),
        group=r.text(section.get("group"), (*keys, "group")),
        attribution=r.names(section.get("attribution"), (*keys, "attribution")),
        speakers=speakers, coding=coding)


def _language(r: _Reader, raw: dict) -> str | None:
    """``language:``: the report's language when ``--lang`` does not say."""
    value = r.text(raw.get("language"), ("language",))
    if value is not None and value not in LANGUAGES:
        raise r.error(("language",), f"the report language must be "
                      f"{' or '.join(LANGUAGES)}, not {value!r}",
                      "write language: sv or language: en")
    return value


def _values(r: _Reader, raw: dict) -> dict:
    """``values:``: per column, answers shown in each report language."""
    section = raw.get("values") or {}
    if not isinstance(section, dict) or not all(isinstance(v, dict) for v in section.values()):
        raise r.error(("values",), "this must be a section of columns, each with its answers",
                      "write e.g. values: {org_type: {Kommun: {sv: Kommun, en: Municipality}}}")
    return {str(column): {str(value): r.text(shown, ("values", column, value), required=True,
                                             languages=True)
                          for value, shown in answers.items()}
            for column, answers in section.items()}


def load_config(source, *, base=None) -> SurveyConfig:
    """Read and validate a survey configuration: a ``survey.yaml`` file, or the same as data.

    Parameters
    ----------
    source : str, Path or mapping
        The configuration file, or its content as a mapping (e.g.
        :func:`draft_config_data`, or a dict built in a notebook): validated the same way.
    base : str or Path, optional
        For a mapping: the folder its relative paths are relative to (default: the current
        folder). A file's paths are relative to the file.

    Raises
    ------
    SurveyInputError
        Naming the file, the line and the key, and what to do: unknown keys, missing
        values, wrong types, files that do not exist. Column names are checked against
        the survey by :func:`check_config`.
    """
    from collections.abc import Mapping

    if isinstance(source, Mapping):
        path, raw, lines = None, dict(source), {}
        folder = Path(base or Path.cwd()).resolve()
    else:
        path = Path(source)
        raw, text = read_yaml(path, what="the configuration file",
                              missing_hint="check the path, or draft one with survey-tools "
                                           "init")
        path, lines, folder = path.resolve(), _key_lines(text), path.resolve().parent
    if not isinstance(raw, dict):
        raise SurveyInputError("the configuration must be a set of 'key: value' lines",
                               path=path, hint="draft one with survey-tools init")
    raw = _nfc(raw)  # column names typed on a Mac match the survey's
    r = _Reader(path, lines, folder)
    r.only(raw, _TOP, ())
    groups = r.names(raw.get("groups"), ("groups",))
    covariates = r.names(raw.get("covariates"), ("covariates",))
    likert, check_all = (_batteries(r, raw, kind) for kind in ("likert", "check_all"))
    pairs, questions, chats = _pairs_of(r, raw), _questions(r, raw), _chats(r, raw)
    interviews = _interviews(r, raw)
    synthetic = raw.get("synthetic", False)
    if not isinstance(synthetic, bool):
        raise r.error(("synthetic",), f"this must be true or false, not {synthetic!r}",
                      "write true for made-up sample data, else false")
    return SurveyConfig(
        path=r.path, survey=r.file(raw.get("survey"), ("survey",), required=True),
        dictionary=r.file(raw.get("dictionary"), ("dictionary",)),
        sheet=r.text(raw.get("sheet"), ("sheet",)),
        title=r.text(raw.get("title"), ("title",), languages=True),
        organisation=r.text(raw.get("organisation"), ("organisation",), languages=True),
        fieldwork=r.text(raw.get("fieldwork"), ("fieldwork",), languages=True),
        date=r.text(raw.get("date"), ("date",), languages=True),
        author=r.text(raw.get("author"), ("author",), languages=True),
        contact=r.text(raw.get("contact"), ("contact",), languages=True),
        language=_language(r, raw),
        source=r.text(raw.get("source"), ("source",), languages=True),
        population=r.number(raw.get("population"), ("population",), low=1, high=10**9,
                            integer=True),
        response_rate=r.number(raw.get("response_rate"), ("response_rate",), low=0,
                               high=100),
        synthetic=synthetic, id=r.text(raw.get("id"), ("id",)),
        weight=r.text(raw.get("weight"), ("weight",)), groups=groups, covariates=covariates,
        wave=r.text(raw.get("wave"), ("wave",)),
        likert=tuple(likert), check_all=tuple(check_all), before_after=tuple(pairs),
        open_questions=tuple(questions), chats=chats, interviews=interviews,
        values=_values(r, raw), lines=r.lines)


def check_config(config: SurveyConfig, survey) -> None:
    """Check every column `config` names against the `survey` it describes.

    Raises
    ------
    SurveyInputError
        Naming the configuration file, line and key of a column that is not in the survey
        (with the closest names), or of a column whose type does not fit its role.
    """
    from survey_tools.io.schema import resolve_column

    r = _Reader(config.path, config.lines, config.survey.parent)
    data = survey.data

    def column(name, keys, *, types=None, what):
        try:
            found = resolve_column(data, name, path=config.survey)
        except SurveyInputError as exc:
            raise r.error(keys, f"{what} {name!r} is not a column of "
                                f"{config.survey.name}", exc.hint or "check the name") from None
        if found != name:  # "ORG_TYPE" for "org_type": every later step needs the exact name
            raise r.error(keys, f"{what} {name!r} is written {found!r} in "
                                f"{config.survey.name}", f"write it as in the survey: {found!r}")
        kind = survey.types.get(name)
        if types and kind not in types:
            raise r.error(keys, f"{what} {name!r} holds {kind} answers, not "
                                f"{' or '.join(types)}", "move it to the section that fits "
                                                         "its answers, or fix the data")

    # a weight of all 1s reads as a 0/1 column (multiple_choice): still a weight
    checks = [(config.weight, ("weight",), ("numeric", "multiple_choice"), "the weight column")]
    checks += [(g, ("groups", i), ("single_choice", "likert"), "the group column")
               for i, g in enumerate(config.groups)]
    checks += [(c, ("covariates", i), ("single_choice", "likert", "numeric", "multiple_choice"),
                "the covariate") for i, c in enumerate(config.covariates)]
    checks += [(config.wave, ("wave",), ("single_choice", "numeric", "datetime"),
                "the wave column")]
    for kind, sections, types in (("likert", config.likert, ("likert",)),
                                  ("check_all", config.check_all, ("multiple_choice",))):
        for i, battery in enumerate(sections):
            checks += [(item, (kind, i, "items", j), types, "the item")
                       for j, item in enumerate(battery.items)]
    for i, pair in enumerate(config.before_after):
        checks += [(getattr(pair, side), ("before_after", i, side), ("numeric", "likert"),
                    f"the {side} column") for side in ("before", "after")]
    checks += [(q.column, ("open_questions", i, "column"), None, "the open question")
               for i, q in enumerate(config.open_questions)]
    for name, keys, types, what in checks:
        if name is not None:
            column(name, keys, types=types, what=what)
    _check_weights(survey, config.weight, r)
    _check_files(config)
    _check_values(config, data.columns, r)


def _check_values(config: SurveyConfig, columns, r) -> None:
    """Refuse ``values:`` for a column neither the survey nor the interviews' metadata has.

    A misspelt column would otherwise leave its answers untranslated without a word.
    """
    known = set(map(str, columns))
    metadata = config.interviews.metadata if config.interviews is not None else None
    if metadata is not None and Path(metadata).is_file():
        import pandas as pd

        known |= set(map(str, pd.read_csv(metadata, nrows=0).columns))
    for name in config.values:
        if name not in known:
            raise r.error(("values", name), f"{name!r} is not a column of "
                          f"{config.survey.name}" + (" or of the interviews' metadata"
                                                     if metadata is not None else ""),
                          "write the column's name as in the file")


def _check_weights(survey, column: str | None, r) -> None:
    """Refuse weights that are missing, infinite, negative or absurd (naming the rows).

    Such weights gave 0 % or NaN shares with nothing but a RuntimeWarning. Absurd: more
    than 1,000 times the median weight (1e308 overflows any sum).
    """
    import numpy as np
    import pandas as pd

    if column is None:
        return
    w = pd.to_numeric(survey.data[column], errors="coerce").astype(float)
    positive = w[np.isfinite(w) & (w > 0)]
    top = 1000 * float(positive.median()) if len(positive) else np.inf
    bad = ~np.isfinite(w) | (w < 0) | (w > top)
    if not len(positive):
        raise r.error(("weight",), f"every weight in {column!r} is 0 or missing",
                      "check the weight column, or leave out weight: to report unweighted")
    if bad.any():
        ids = survey.data.loc[bad, survey.id_column].astype(str).tolist() \
            if survey.id_column in survey.data else [str(i) for i in w.index[bad]]
        shown = ", ".join(f"{i} ({v:g})" for i, v in zip(ids[:5], w[bad][:5], strict=False))
        raise r.error(("weight",), f"the weight column {column!r} has {int(bad.sum())} "
                                   f"missing, infinite, negative or absurd weights (id: "
                                   f"{shown}{' …' if bad.sum() > 5 else ''})",
                      "fix those rows in the survey, or leave out weight: to report "
                      "unweighted")


def _check_files(config: SurveyConfig) -> None:
    """Read every codebook and edits file the configuration names (before any notebook).

    A codebook that cannot be read used to stop the report only after two notebooks had
    run; its own reader names the file, line and what to do.
    """
    from survey_tools.coding import load_codebook
    from survey_tools.topics.edits import load_edits

    books = [q.codebook for q in config.open_questions]
    books += [s.codebook for s in (config.chats, config.interviews) if s is not None]
    for book in dict.fromkeys(b for b in books if b is not None):
        load_codebook(book)
    for edits in dict.fromkeys(q.edits for q in config.open_questions if q.edits is not None):
        load_edits(edits)


_WEIGHT = re.compile(r"^(weight|weights|vikt|vikter|wt|w)([_ ].*)?$", re.IGNORECASE)
_PAIR = (("before", "after"), ("före", "efter"), ("fore", "efter"), ("pre", "post"),
         ("t0", "t1"))


def _prefix(name: str) -> str:
    """Return the part of a column name before its option (``act_webinar`` → ``act``)."""
    parts = split_header(name)
    return parts[0] if parts is not None else str(name)


def _runs(columns, key) -> list[list[str]]:
    """Split `columns` (in file order) into runs of neighbours with the same `key`."""
    runs: list[list[str]] = []
    for col in columns:
        if runs and key(runs[-1][-1]) == key(col):
            runs[-1].append(col)
        else:
            runs.append([col])
    return runs


def _pairs(columns) -> list[tuple[str, str, str]]:
    found, names = [], list(columns)
    for col in names:
        low = col.lower()
        for before, after in _PAIR:
            if before in low:
                twin = next((c for c in names if c.lower() == low.replace(before, after)), None)
                if twin:
                    found.append((slug(low.replace(before, "").strip("_ ")), col, twin))
                    break
    return found


def detect_roles(survey) -> dict:
    """Guess each column's role from the detected column types (see :func:`draft_config`).

    Returns
    -------
    dict
        ``weight`` (column or None), ``groups``, ``likert`` and ``check_all`` (lists of
        runs of columns), ``before_after`` (``(name, before, after)``) and
        ``open_questions``.
    """
    data, types = survey.data, survey.types

    def of(kind):
        return [c for c in data.columns if types.get(c) == kind]

    # a weight of all 1s (or 0s) reads as a 0/1 check-all column: its name decides
    weight = next((c for c in [*of("numeric"), *of("multiple_choice")]
                   if _WEIGHT.match(str(c))), None)
    pairs = _pairs([c for c in data.columns if types.get(c) in ("numeric", "likert")
                    and c != weight])
    paired = {c for _, b, a in pairs for c in (b, a)}
    likert = _runs([c for c in of("likert") if c not in paired],
                   key=lambda c: tuple(sorted(map(str, data[c].dropna().unique())))[:2])
    return {
        "weight": weight,
        "groups": [c for c in of("single_choice")
                   if 2 <= data[c].dropna().nunique() <= 8 and c != survey.id_column],
        "likert": likert,
        "check_all": _runs([c for c in of("multiple_choice") if c != weight], key=_prefix),
        "before_after": pairs, "open_questions": of("open_text"),
    }


def draft_title(path) -> str:
    """Return a first title for a report on the survey file `path`, from its name.

    Examples
    --------
    >>> draft_title("exports/staff_survey-2026.csv")
    'Staff survey 2026'
    """
    words = re.sub(r"[_\-.]+", " ", Path(path).stem).split()
    title = " ".join(words) or Path(path).name
    return title[:1].upper() + title[1:]


def draft_language(survey, open_columns=()) -> str:
    """Return the language a report on `survey` is most likely wanted in.

    The language most of the question texts (or column names) and the open answers are
    written in (at most 500 answers per question); Swedish on a tie.

    Examples
    --------
    >>> import pandas as pd
    >>> from types import SimpleNamespace as NS
    >>> data = pd.DataFrame({"Which service do you work in?": ["Parks"],
    ...                      "What should we improve?": ["More staff in the team"]})
    >>> draft_language(NS(data=data, label=lambda c: c), ["What should we improve?"])
    'en'
    """
    from survey_tools.nlp.language import detect_languages

    texts = [str(survey.label(c)) for c in survey.data.columns]
    for column in open_columns:
        texts += survey.data[column].dropna().astype(str).head(500).tolist()
    counts = detect_languages(texts).value_counts()
    sv, en = int(counts.get("sv", 0)), int(counts.get("en", 0))
    return "en" if en > sv else "sv"


def draft_config(path, *, sheet=None, dictionary=None, lang: str = "sv",
                 relative_to=None) -> str:
    """Return a first ``survey.yaml`` for the survey at `path`, as YAML text with comments.

    :func:`draft_config_data` written with :func:`~survey_tools.io.yamlio.dump_yaml`; the
    analyst edits it (titles, which groups to report, which open questions to code) and
    passes it to ``survey-tools report --config``.
    """
    return dump_yaml(draft_config_data(path, sheet=sheet, dictionary=dictionary, lang=lang,
                                       relative_to=relative_to), end_comment=DRAFT_END)


DRAFT_END = """chats:   # a chat log beside the survey, optional
  path: chats.csv
interviews:   # interview transcripts beside the survey, optional
  path: intervjuer   # a folder, one .txt or .docx file per interview
  metadata: intervjuer.csv   # interview_id, org_type, ...
  codebook: codebook.yaml   # coding: zero-shot (default) or keywords
  group: org_type
  attribution: [org_type]   # how quotes are attributed"""


def draft_config_data(path, *, sheet=None, dictionary=None, lang: str = "sv",
                      relative_to=None):
    """Return a first configuration for the survey at `path`, as data with comments.

    A mapping that :func:`load_config` reads as it is and
    :func:`~survey_tools.io.yamlio.dump_yaml` writes with its comments (:func:`draft_config`).
    Likert items next to each other with the same scale form one battery; 0/1 columns next
    to each other with the same name prefix form one check-all question; numeric columns
    named ``*before*`` / ``*after*`` (or ``före``/``efter``, ``pre``/``post``) form a pair;
    a numeric column named like ``weight`` or ``vikt`` is the weight; choice columns with
    2–8 answers are the groups. Paths are relative to the folder `relative_to` (where the
    configuration will be saved), or absolute.
    """
    import os

    from survey_tools.io.survey import read_survey

    path = Path(path)
    survey = read_survey(path, sheet=sheet, dictionary=dictionary, lang=lang)
    roles = detect_roles(survey)

    def where(file) -> str:  # as written in the configuration: relative to it
        file = Path(file).resolve()
        return str(file) if relative_to is None else os.path.relpath(
            file, Path(relative_to).resolve())

    made_up_id = any(str(n).startswith("no id column found") for n in survey.notes)
    entries = [
        ("survey", where(path)),
        ("dictionary", where(dictionary) if dictionary else None),
        *([("sheet", sheet)] if sheet is not None else []),
        ("language", draft_language(survey, roles["open_questions"])),
        ("title", draft_title(path)),
        *[(key, None) for key in ("organisation", "author", "contact", "fieldwork", "date",
                                  "population", "response_rate")],
        ("synthetic", False),
        ("id", None if made_up_id else survey.id_column),
        ("weight", roles["weight"]),
        ("groups", flow_list([str(g) for g in roles["groups"]])),
        ("covariates", None), ("wave", None),
        *[(kind, [_draft_battery(kind, i, run, survey)
                  for i, run in enumerate(roles[kind], start=1)])
          for kind in ("likert", "check_all") if roles[kind]],
        *([("before_after", [commented([("name", name or "change"), ("title", None),
                                        ("before", before), ("after", after)])
                             for name, before, after in roles["before_after"]])]
          if roles["before_after"] else []),
        *([("open_questions", [commented([("column", str(c))])
                               for c in roles["open_questions"]])]
          if roles["open_questions"] else []),
    ]
    return commented(entries, comments={key: _DRAFT_COMMENTS[key] for key, _ in entries
                                        if key in _DRAFT_COMMENTS} | (
        {"id": "none found: ids are made from the row order"} if made_up_id else {}),
        heading=f"Survey configuration for `survey-tools report --config` (drafted by\n"
                f"`survey-tools init` from {path.name}; check every line). Paths are "
                "relative\nto this file. Remove a section to leave it out of the report.")


_DRAFT_COMMENTS = {
    "dictionary": "column,label_sv,label_en[,values]",
    "language": "the report's language (sv or en), drafted from the questions and answers; "
                "--lang overrides it",
    "title": "drafted from the file name: the report's title",
    "organisation": "who publishes it",
    "author": "who wrote the report",
    "contact": "where readers ask, e.g. a web page or a function address",
    "fieldwork": "when the answers were collected, e.g. mars–april 2025",
    "date": "the report's publication date, e.g. 2026-12-01",
    "population": "how many were asked, when known",
    "response_rate": "percent, when known",
    "synthetic": "true for made-up sample data",
    "weight": "a survey weight column, or null",
    "groups": "the first is the main breakdown",
    "covariates": "who says what: compare themes by these columns together (default: the "
                  "main group)",
    "wave": "a survey wave or date column: themes per wave",
    "open_questions": "codebook: / edits: per question, optional",
}


def _draft_battery(kind: str, i: int, run, survey):
    """Return one drafted battery (``likert``) or check-all question of `run` columns."""
    name = _prefix(str(run[0])) if kind == "check_all" else f"{kind}{i}"
    question = question_and_options(run, survey.labels)[0] if kind == "check_all" else None
    return commented([("name", slug(name)[:40].strip("_")), ("title", question),
                      ("items", flow_list([str(c) for c in run]))],
                     comments={} if question else
                     {"title": f"the question above {survey.label(run[0])!r}"}, indent=4)
