"""An analyst's merges and names of themes, anchored on what the themes say.

Topic numbers change whenever the clustering does (other data, another model, another
CPU), so an edit written against "topic 3" would join or rename whatever theme carries
that number next time. Every edit here names its theme by content instead, and is
re-matched on every run:

* ``words``: words or phrases its answers use; the theme whose answers use them most
  often is meant (at least a fifth of its answers, and clearly more often than any
  other theme's answers; otherwise the edit is ambiguous);
* ``answers``: answers (their text, as in the data) that belong to the theme; the theme
  holding most of them is meant.

An edit that matches no theme, or is ambiguous, is **not applied**; it is listed with the
reason in :attr:`TopicModel.edit_log_ <survey_tools.topics.TopicModel>`, which the report's
appendix shows. Edits written the old way, against a topic number, are never applied and
are listed the same way with what to write instead.

The file (YAML)::

    merge:
      - label: Data och kompetens         # optional: the merged theme's name
        topics:
          - words: [data, datatillgång]
          - words: [kompetens]
    labels:
      - words: [budget, finansiering]
        label: Finansiering och budget
      - answers: ["Vi har inga pengar"]
        label: Pengar
    split:                                # a theme that is two: clustered again
      - words: [data, kompetens]
        into: 2
    not_a_theme:                          # its answers become outliers
      - answers: ["Inget att tillägga"]

Merges come first, then splits, then themes that are not themes, then names.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["TopicEdits", "TopicRef", "apply_labels", "apply_merges", "apply_splits",
           "apply_not_themes", "edit_log_table", "edit_text", "load_edits", "match_topic",
           "topic_members", "EDIT_KINDS"]

#: The sections of an edits file, in the order they are applied (names last).
EDIT_KINDS = ("merge", "split", "not_a_theme", "labels")

APPLIED, NOT_APPLIED = "applied", "not applied"
#: A theme is found by words when at least this share of its answers use one of them ...
MIN_WORD_SHARE = 0.2
#: ... and this many times the share of the theme that uses them next most.
CLEAR_LEAD = 1.5


@dataclass(frozen=True)
class TopicRef:
    """How an edit names a theme: by its words, by answers in it, or (old files) a number.

    Parameters
    ----------
    words : tuple of str
        Words or phrases the theme's answers use (lower case).
    answers : tuple of str
        Answers that belong to the theme (text as in the data, case and spaces ignored).
    topic : int, optional
        A topic number (old edit files). Never matched: numbers change between runs.
    """

    words: tuple = ()
    answers: tuple = ()
    topic: int | None = None

    @classmethod
    def parse(cls, value) -> TopicRef:
        """Build from YAML: ``{words: [...]}``, ``{answers: [...]}`` or a topic number.

        Examples
        --------
        >>> TopicRef.parse({"words": ["budget"]})
        TopicRef(words=('budget',), answers=(), topic=None)
        >>> TopicRef.parse(3).topic
        3
        """
        if isinstance(value, dict):
            unknown = set(value) - {"words", "answers", "label", "into"}
            if unknown:
                raise ValueError(f"a theme is named by 'words' or 'answers', not "
                                 f"{sorted(unknown)}")
            ref = cls(words=tuple(str(w).strip().lower() for w in value.get("words") or ()),
                      answers=tuple(str(a) for a in value.get("answers") or ()))
            if not ref.words and not ref.answers:
                raise ValueError("a theme needs 'words' or 'answers' to be found by")
            return ref
        if isinstance(value, bool):
            raise ValueError(f"{value!r} does not name a theme")
        return cls(topic=int(value))

    def describe(self) -> str:
        """Return how the reference reads in a report (its words, or its first answer).

        Examples
        --------
        >>> TopicRef(words=("budget", "pengar")).describe()
        'words: budget, pengar'
        """
        if self.words:
            return "words: " + ", ".join(self.words)
        if self.answers:
            first = self.answers[0]
            more = f" (+{len(self.answers) - 1})" if len(self.answers) > 1 else ""
            return f"answer: “{first[:60]}”{more}"
        return f"topic number {self.topic}"


@dataclass(frozen=True)
class TopicEdits:
    """An analyst's changes to the fitted topics, each naming its themes by content.

    Parameters
    ----------
    merge : tuple of (tuple of TopicRef, str or None)
        Groups of themes to merge, with an optional name for the merged theme; the theme
        matched first keeps its number.
    labels : tuple of (TopicRef, str or dict)
        A new name for the theme the reference matches, applied after merging.
    splits : tuple of (TopicRef, int)
        Themes to cluster again into that many parts (k-means on the theme's answers).
    not_themes : tuple of TopicRef
        Themes that are not themes: their answers become outliers.

    A name may be given in both report languages, ``label: {sv: Pengar, en: Money}``;
    :meth:`in_language` keeps the one the report is written in.
    """

    merge: tuple = ()
    labels: tuple = ()
    splits: tuple = ()
    not_themes: tuple = ()

    @classmethod
    def from_dict(cls, data) -> TopicEdits:
        """Build from a dict as written in YAML (see the module docstring).

        Old files (``merge: [[3, 7]]``, ``labels: {0: Name}`` or ``{2: {label, words}}``)
        still read: a number alone becomes a reference that is never applied, and a
        label with ``words`` is matched by its words.

        Examples
        --------
        >>> e = TopicEdits.from_dict({"merge": [{"label": "Pengar", "topics": [
        ...     {"words": ["budget"]}, {"words": ["kostnad"]}]}],
        ...     "labels": [{"words": ["gdpr"], "label": "Juridik"}]})
        >>> e.merge[0][1], e.labels[0][1]
        ('Pengar', 'Juridik')
        """
        data = data or {}
        if not isinstance(data, dict):
            raise ValueError("the file must hold 'merge' and/or 'labels'")
        unknown = sorted(set(map(str, data)) - set(EDIT_KINDS))
        if unknown:
            raise ValueError(f"{unknown} is not a kind of edit: use {', '.join(EDIT_KINDS)}")
        merge = []
        for group in data.get("merge") or ():
            label = None
            if isinstance(group, dict):
                label = None if group.get("label") is None else _label(group["label"])
                group = group.get("topics") or ()
            refs = tuple(TopicRef.parse(item) for item in group)
            if len(refs) < 2:
                raise ValueError("a merge needs at least two themes")
            merge.append((refs, label))
        labels = _parse_labels(data.get("labels") or ())
        splits = _parse_splits(data.get("split") or ())
        not_themes = tuple(TopicRef.parse(item) for item in data.get("not_a_theme") or ())
        return cls(merge=tuple(merge), labels=labels, splits=splits, not_themes=not_themes)

    def in_language(self, lang: str) -> TopicEdits:
        """Return these edits with every name in `lang` (see :class:`TopicEdits`).

        Examples
        --------
        >>> e = TopicEdits.from_dict({"labels": [{"words": ["gdpr"],
        ...                                       "label": {"sv": "Juridik", "en": "Law"}}]})
        >>> e.in_language("en").labels[0][1], e.in_language("sv").labels[0][1]
        ('Law', 'Juridik')
        """
        from survey_tools.i18n import in_language

        return TopicEdits(
            merge=tuple((refs, None if label is None else in_language(label, lang))
                        for refs, label in self.merge),
            labels=tuple((ref, in_language(label, lang)) for ref, label in self.labels),
            splits=self.splits, not_themes=self.not_themes)


def _parse_labels(raw) -> tuple:
    """Return the ``labels:`` section as ``(TopicRef, label)`` pairs (old forms too)."""
    labels = []
    if isinstance(raw, dict):  # old form: {topic number: label or {label, words}}
        for key, value in raw.items():
            if isinstance(value, dict) and value.get("words"):
                labels.append((TopicRef.parse({"words": value["words"]}),
                               _label(value["label"])))
            else:
                label = value["label"] if isinstance(value, dict) else value
                labels.append((TopicRef.parse(key), _label(label)))
        return tuple(labels)
    for item in raw:
        if not isinstance(item, dict) or "label" not in item:
            raise ValueError("each entry under 'labels' needs a 'label' and "
                             "'words' or 'answers'")
        labels.append((TopicRef.parse(item), _label(item["label"])))
    return tuple(labels)


def _parse_splits(raw) -> tuple:
    """Return the ``split:`` section as ``(TopicRef, parts)`` pairs."""
    splits = []
    for item in raw:
        into = item.get("into", 2) if isinstance(item, dict) else 2
        if isinstance(into, bool) or not isinstance(into, int) or into < 2:
            raise ValueError(f"a split's 'into' is a number of parts, 2 or more, not {into!r}")
        splits.append((TopicRef.parse(item), into))
    return tuple(splits)


def _label(value):
    """Return a theme's new name: a text, or one per language (``{sv: ..., en: ...}``)."""
    from survey_tools.i18n import LANGUAGES

    if isinstance(value, dict):
        unknown = [k for k in value if k not in LANGUAGES]
        if unknown or not value:
            raise ValueError(f"a label's languages must be {' and '.join(LANGUAGES)}, not "
                             f"{', '.join(map(str, unknown)) or 'none'}")
        return {str(k): str(v) for k, v in value.items()}
    return str(value)


def _normal(text: str) -> str:
    return " ".join(str(text).lower().split())


def match_topic(ref: TopicRef, members: dict) -> tuple[int | None, str]:
    """Return the topic `ref` names and why, or ``(None, reason)`` when none or several.

    By answers: the topic holding most of them (more than half of those found). By words:
    the topic whose answers use them most often (the share of its answers with any of
    the words, at least :data:`MIN_WORD_SHARE`, and clearly ahead of the next topic:
    :data:`CLEAR_LEAD` times its share), so a theme is found by the words its answers
    use even when they are not among its ten top words.

    Parameters
    ----------
    ref : TopicRef
    members : dict
        ``{topic: list of normalized answers}``.

    Examples
    --------
    >>> members = {0: ["ingen budget", "pengar saknas"], 1: ["gdpr stoppar", "lagen"]}
    >>> match_topic(TopicRef(words=("gdpr",)), members)
    (1, '')
    >>> match_topic(TopicRef(words=("skola",)), members)
    (None, 'no theme has answers with the words skola')
    """
    if ref.topic is not None:
        return None, ("named by its topic number, which changes between runs: name it by "
                      "its words or answers")
    if ref.answers:
        wanted = [_normal(a) for a in ref.answers]
        hits = {t: len(set(wanted) & set(texts)) for t, texts in members.items()}
        best = max(hits.values(), default=0)
        if best == 0:
            return None, "none of its answers is in any theme"
        top = [t for t, h in hits.items() if h == best]
        if len(top) > 1 or 2 * best <= sum(hits.values()):
            return None, "its answers are spread over several themes"
        return top[0], ""
    import re

    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in ref.words) + r")(?!\w)")
    shares = {t: float(np.mean([bool(pattern.search(a)) for a in texts])) if texts else 0.0
              for t, texts in members.items()}
    ranked = sorted(shares.items(), key=lambda item: -item[1])
    if not ranked or ranked[0][1] < MIN_WORD_SHARE:
        return None, f"no theme has answers with the words {', '.join(ref.words)}"
    if len(ranked) > 1 and ranked[0][1] < CLEAR_LEAD * ranked[1][1]:
        return None, (f"the words {', '.join(ref.words)} fit several themes about equally: "
                      "add words or answers")
    return ranked[0][0], ""


def apply_merges(edits: TopicEdits, topics: np.ndarray, members: dict):
    """Merge the themes each group names; return ``(topics, mapping, names, log)``.

    `mapping` is ``{merged topic: surviving topic}``, `names` ``{surviving topic: name}``
    for groups that give one, and `log` one row per group (see :func:`edit_log_table`).
    A group whose themes cannot all be found, or that names one theme twice, is not
    applied.
    """
    mapping, names, log = {}, {}, []
    for refs, label in edits.merge:
        found, reasons = [], []
        for ref in refs:
            topic, reason = match_topic(ref, members)
            if topic is None:
                reasons.append(f"{ref.describe()}: {reason}")
            elif topic in found or topic in mapping or topic in names:
                reasons.append(f"{ref.describe()}: names a theme already merged")
            else:
                found.append(topic)
        what = " + ".join(ref.describe() for ref in refs)
        if reasons:
            log.append({"edit": "merge", "themes": what, "label": label, "status": NOT_APPLIED,
                        "topics": "", "reason": "; ".join(reasons)})
            continue
        target = found[0]
        for t in found[1:]:
            mapping[t] = target
        if label:
            names[target] = label
        log.append({"edit": "merge", "themes": what, "label": label, "status": APPLIED,
                    "topics": ", ".join(map(str, found)), "reason": ""})
    merged = np.array([mapping.get(int(t), int(t)) for t in topics], dtype=int)
    return merged, mapping, names, log


def apply_splits(edits: TopicEdits, topics: np.ndarray, members: dict, vectors: np.ndarray,
                 *, seed: int = 0):
    """Cluster each theme a split names again; return ``(topics, parts, log)``.

    The theme's answers are split by k-means on their `vectors` (seeded; the first part,
    the largest, keeps the theme's number, the others get new numbers after the highest).
    `parts` is ``{topic: [its part numbers]}``. A theme with fewer answers than parts is
    not split.
    """
    from sklearn.cluster import KMeans

    topics, parts, log = np.asarray(topics).copy(), {}, []
    for ref, into in edits.splits:
        topic, reason = match_topic(ref, members)
        row = {"edit": "split", "themes": f"{ref.describe()} → {into}", "label": None}
        rows = np.flatnonzero(topics == topic) if topic is not None else []
        if topic is not None and topic in parts:
            reason = "names a theme already split"
        elif topic is not None and len(rows) < 2 * into:
            reason = f"the theme has {len(rows)} answers, too few for {into} parts"
        if reason:
            log.append({**row, "status": NOT_APPLIED, "topics": "", "reason": reason})
            continue
        found = KMeans(into, n_init=10, random_state=seed).fit_predict(vectors[rows])
        order = np.argsort(-np.bincount(found, minlength=into), kind="stable")
        new = [topic] + [int(topics.max()) + 1 + i for i in range(into - 1)]
        numbers = dict(zip(order.tolist(), new, strict=True))
        topics[rows] = [numbers[int(c)] for c in found]
        parts[topic] = new
        log.append({**row, "status": APPLIED, "topics": ", ".join(map(str, new)),
                    "reason": ""})
    return topics, parts, log


def apply_not_themes(edits: TopicEdits, topics: np.ndarray, members: dict):
    """Make the answers of each theme that is not a theme outliers; return ``(topics, log)``."""
    topics, log = np.asarray(topics).copy(), []
    for ref in edits.not_themes:
        topic, reason = match_topic(ref, members)
        row = {"edit": "not a theme", "themes": ref.describe(), "label": None}
        if topic is None:
            log.append({**row, "status": NOT_APPLIED, "topics": "", "reason": reason})
            continue
        topics[topics == topic] = -1
        log.append({**row, "status": APPLIED, "topics": str(topic), "reason": ""})
    return topics, log


def apply_labels(edits: TopicEdits, labels: dict, members: dict, names: dict) -> list[dict]:
    """Rename the themes the edits name, in place in `labels`; return the log rows.

    `names` are the merged themes' names from :func:`apply_merges`, applied first.
    """
    log = []
    labels.update({t: name for t, name in names.items() if t in labels})
    for ref, label in edits.labels:
        topic, reason = match_topic(ref, members)
        row = {"edit": "label", "themes": ref.describe(), "label": label}
        if topic is None:
            log.append({**row, "status": NOT_APPLIED, "topics": "", "reason": reason})
            continue
        labels[topic] = label
        log.append({**row, "status": APPLIED, "topics": str(topic), "reason": ""})
    return log


def topic_members(docs, topics) -> dict:
    """Return ``{topic: list of normalized answers}`` (outliers left out)."""
    out: dict[int, list] = {}
    for doc, t in zip(docs, topics, strict=True):
        if t != -1:
            out.setdefault(int(t), []).append(_normal(doc))
    return out


#: How the log's English words read in a Swedish report (pattern, replacement).
_SV_TERMS = (
    (r"\bwords: ", "ord: "), (r"\banswer: ", "svar: "),
    (r"named by its topic number, which changes between runs: name it by its words or answers",
     "anges med temanummer, som ändras mellan körningar: ange temat med ord eller svar"),
    (r"\btopic number (\d+)", r"temanummer \1"),
    (r"none of its answers is in any theme", "inget av dess svar finns i något tema"),
    (r"its answers are spread over several themes", "dess svar är spridda över flera teman"),
    (r"no theme has answers with the words", "inget tema har svar med orden"),
    (r"the words (.*?) fit several themes about equally: add words or answers",
     r"orden \1 passar flera teman ungefär lika bra: lägg till ord eller svar"),
    (r"names a theme already merged", "anger ett tema som redan slagits ihop"),
    (r"names a theme already split", "anger ett tema som redan delats"),
    (r"the theme has (\d+) answers, too few for (\d+) parts",
     r"temat har \1 svar, för få för \2 delar"),
    (r"“([^”]*)”", r"”\1”"),
)
_SV_VALUES = {"merge": "sammanslagning", "label": "namn", "split": "delning",
              "not a theme": "inte ett tema", APPLIED: "tillämpad", NOT_APPLIED: "inte tillämpad"}


def edit_text(text: str, lang: str) -> str:
    """Return a description or reason of the edit log as a report in `lang` shows it.

    Examples
    --------
    >>> edit_text("words: skola: no theme has answers with the words skola", "sv")
    'ord: skola: inget tema har svar med orden skola'
    """
    if lang != "sv":
        return text
    import re

    for pattern, replacement in _SV_TERMS:
        text = re.sub(pattern, replacement, text)
    return text


def edit_log_table(log, *, lang: str | None = None) -> pd.DataFrame:
    """Return the edits as a table: ``edit, themes, label, status, topics, reason``.

    `log` is :attr:`TopicModel.edit_log_` or such a table as published. With `lang`
    ("sv"), the values read in that language, for showing in a report (the published
    table keeps the English codes).

    Examples
    --------
    >>> edit_log_table([]).columns.tolist()
    ['edit', 'themes', 'label', 'status', 'topics', 'reason']
    >>> row = {"edit": "label", "themes": "words: gdpr", "label": "Juridik",
    ...        "status": "applied", "topics": "2", "reason": ""}
    >>> edit_log_table([row], lang="sv").iloc[0][["edit", "themes", "status"]].tolist()
    ['namn', 'ord: gdpr', 'tillämpad']
    """
    columns = ["edit", "themes", "label", "status", "topics", "reason"]
    table = (log[columns].copy() if isinstance(log, pd.DataFrame)
             else pd.DataFrame(list(log), columns=columns))
    if lang == "sv":
        for column in ("edit", "status"):
            table[column] = table[column].map(lambda v: _SV_VALUES.get(v, v))
        for column in ("themes", "reason"):
            table[column] = [edit_text(v, lang) if isinstance(v, str) else v
                             for v in table[column]]
    return table


def load_edits(edits) -> TopicEdits:
    """Return `edits` as :class:`TopicEdits`: None, a dict, a YAML file path or TopicEdits.

    A file that cannot be read is a :class:`~survey_tools.errors.SurveyInputError` naming
    the file and line.
    """
    if edits is None:
        return TopicEdits()
    if isinstance(edits, TopicEdits):
        return edits
    if isinstance(edits, dict):
        return TopicEdits.from_dict(edits)
    from pathlib import Path

    from survey_tools.errors import SurveyInputError
    from survey_tools.io.yamlio import read_yaml

    path = Path(edits)
    data, _ = read_yaml(path, what="the topic edits file",
                        missing_hint="check the path, or pass edits=None")
    try:
        return TopicEdits.from_dict(data or {})
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        raise SurveyInputError(
            f"the topic edits file cannot be read ({exc})", path=path,
            hint="name each theme by its words, e.g. 'labels: [{words: [budget], label: "
                 "Pengar}]'; see the README, 'Editing themes'") from exc
