"""Reviewing themes: read a theme's answers, merge and rename themes, undo (issue #32).

What the theme review of notebook 02 does, as functions that work without a browser.
The analyst's decisions go to the edits file (``data/topic_edits/<question>.yaml``) at
once, each naming its themes by content, never by number
(:mod:`survey_tools.topics.edits`): by the answers closest to the theme's centre, as
written in the data, leaving out any that might hold personal data. Who decided and when
is a comment above the entry; the next run of the report applies the file.

Examples
--------
A decision is a small mapping; :func:`preview_edit` says what it will change before
:func:`record_edit` writes it::

    edit = merge_edit(model, texts, [2, 5], label="Pengar och juridik")
    preview_edit(model, texts, edit)      # sizes and names before and after
    previous = record_edit("data/topic_edits/q_obstacles.yaml", edit, who="anna")
    undo_edit("data/topic_edits/q_obstacles.yaml", previous)
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["MODELLED", "MissingChoice", "theme_overview", "theme_answers", "theme_anchor",
           "merge_edit", "label_edit", "split_edit", "not_a_theme_edit", "add_edit",
           "record_edit", "undo_edit", "preview_edit", "EDITS_HEADER"]


class MissingChoice(ValueError):
    """An edit asked for without what it needs: a theme (not the outliers), a name, two themes.

    What the analyst has to choose or write, not a fault of the model or the edits file;
    the theme review says what to do
    (:class:`~survey_tools.topics.review_widget.ThemeReview`).
    """


#: The statuses of the answers that belong to a theme or are outliers.
MODELLED = ("assigned", "outlier")
#: How many answers name a theme in the edits file.
ANCHOR_ANSWERS = 3
#: The comment a new edits file starts with.
EDITS_HEADER = """\
# The analyst's edits to the themes of one question, re-applied every time the report runs.
# Each edit names its themes by answers that belong to them (or words their answers use),
# never by number: numbers change whenever the themes do. An edit that no longer finds its
# theme is not applied, and the report's appendix says so. See README, "Editing themes".
"""


def _topics(model) -> np.ndarray:
    """Return each row's topic as a float array (NaN where nothing was modelled)."""
    return pd.to_numeric(model.assignments_["topic"], errors="coerce").to_numpy(float)


def _aligned(model, values, what: str) -> pd.Series:
    values = pd.Series(list(values), dtype=object)
    if len(values) != len(model.assignments_):
        raise ValueError(f"{what} has {len(values):,} rows, the model's assignments "
                         f"{len(model.assignments_):,}: pass what the model was fitted on")
    return values


def theme_overview(model, *, weights=None) -> pd.DataFrame:
    """Return the themes as a review lists them, outliers last.

    Parameters
    ----------
    model : TopicModel
        Fitted.
    weights : sequence of float, optional
        One weight per row the model was fitted on (its :attr:`assignments_`).

    Returns
    -------
    DataFrame
        ``topic, label, size, share, weighted_share, stability``: ``topic`` is the number
        the edits never use but the review shows; shares in percent of the modelled
        answers (``weighted_share`` equals ``share`` without weights).
    """
    table = model.topics_[["topic", "label", "size", "share", "stability"]].copy()
    table["weighted_share"] = table["share"]
    if weights is not None:
        w = pd.to_numeric(_aligned(model, weights, "weights"), errors="coerce").to_numpy(float)
        w = np.where(np.isfinite(w), w, 0.0)
        modelled = model.assignments_["status"].isin(MODELLED).to_numpy()
        topics, total = _topics(model), w[modelled].sum()
        table["weighted_share"] = [
            100 * w[modelled & (topics == t)].sum() / total if total else float("nan")
            for t in table["topic"]]
    return table[["topic", "label", "size", "share", "weighted_share", "stability"]
                 ].reset_index(drop=True)


def theme_answers(model, texts, topic: int, *, query: str | None = None, page: int = 0,
                  page_size: int | None = 10, mask: bool = True,
                  masked: dict | None = None) -> pd.DataFrame:
    """Return a theme's answers, closest to its centre first, a page at a time.

    Parameters
    ----------
    model : TopicModel
        Fitted.
    texts : sequence of str
        The answers the model was fitted on (one per row of :attr:`assignments_`).
    topic : int
        The theme (-1: the outliers).
    query : str, optional
        Only answers that contain it (case ignored), in the text as shown: personal data,
        masked away, is never found.
    page, page_size : int
        Which page; None for every answer.
    mask : bool
        Mask personal data in the answers shown (and searched).
    masked : dict, optional
        ``{row: masked text}`` kept between calls (a widget's): each answer is masked
        once, and only the answers a query could match are masked for it.

    Returns
    -------
    DataFrame
        ``id, answer, score`` (closeness to the centre); ``attrs["total"]`` is how many
        answers the theme (and the query) has in all.
    """
    from survey_tools.nlp.pii import mask_texts

    texts = _aligned(model, texts, "texts")
    a = model.assignments_.reset_index(drop=True)
    rows = np.flatnonzero(a["status"].isin(MODELLED).to_numpy() & (_topics(model) == topic))
    score = pd.to_numeric(a["score"].iloc[rows], errors="coerce").fillna(-np.inf).to_numpy()
    rows = rows[np.argsort(-score, kind="stable")]
    masked = {} if masked is None else masked

    def shown(at):
        raw = texts.iloc[at].astype(str).str.strip()
        if not mask:
            return raw
        new = [i for i in at if i not in masked]
        if new:
            masked.update(zip(new, mask_texts(raw.loc[new])[0], strict=True))
        return pd.Series([masked[i] for i in at], index=at, dtype=object)

    start = page * page_size if page_size else 0
    stop = start + page_size if page_size else None
    if query:  # the raw text first (fast), then what is shown: personal data never matches
        raw = texts.iloc[rows].astype(str).str.strip()
        rows = rows[raw.str.contains(query, case=False, regex=False).to_numpy()]
        rows = rows[shown(rows).str.contains(query, case=False, regex=False).to_numpy()]
    total = len(rows)
    rows = rows[start:stop]
    out = pd.DataFrame({"id": a["id"].iloc[rows].to_numpy(), "answer": shown(rows).to_numpy(),
                        "score": pd.to_numeric(a["score"].iloc[rows]).round(3).to_numpy()})
    out.attrs["total"] = total
    return out


def theme_anchor(model, texts, topic: int, *, n: int = ANCHOR_ANSWERS) -> dict:
    """Return how the edits file names a theme: ``{"answers": [...]}``.

    The `n` answers closest to the theme's centre, as written in the data, that look
    impersonal (:func:`~survey_tools.nlp.quotes.looks_personal`); a theme without such
    answers is named by its top words.
    """
    from survey_tools.nlp.quotes import looks_personal

    name_like = frozenset(getattr(model, "name_like_words_", ()))
    chosen, seen = [], set()
    for text in theme_answers(model, texts, topic, page_size=None, mask=False)["answer"]:
        key = " ".join(text.lower().split())  # as the edits match answers
        if key and key not in seen and not looks_personal(text, name_like=name_like):
            chosen.append(text)
            seen.add(key)
        if len(chosen) == n:
            break
    if chosen:
        return {"answers": chosen}
    words = [w for w, _ in model.topic_words_.get(topic, [])[:3]]
    if not words:
        raise ValueError(f"theme {topic} has no answer or word to be named by")
    return {"words": words}


def merge_edit(model, texts, topics, *, label=None) -> dict:
    """Return the edit that merges `topics` (numbers in the fitted model), named `label`."""
    topics = list(dict.fromkeys(int(t) for t in topics))
    if len(topics) < 2 or -1 in topics:
        raise MissingChoice("a merge needs at least two themes (not the outliers)")
    entry = {"label": label} if label else {}
    return {"merge": {**entry, "topics": [theme_anchor(model, texts, t) for t in topics]}}


def label_edit(model, texts, topic: int, label) -> dict:
    """Return the edit that names `topic` `label` (a text, or ``{sv: ..., en: ...}``)."""
    if topic == -1 or not label:
        raise MissingChoice("give a theme (not the outliers) and a name")
    return {"labels": {**theme_anchor(model, texts, topic), "label": label}}


def split_edit(model, texts, topic: int, *, into: int = 2) -> dict:
    """Return the edit that clusters `topic` again into `into` parts."""
    if topic == -1 or into < 2:
        raise MissingChoice("give a theme (not the outliers) and two or more parts")
    return {"split": {**theme_anchor(model, texts, topic), "into": int(into)}}


def not_a_theme_edit(model, texts, topic: int) -> dict:
    """Return the edit that makes the answers of `topic` outliers: it is not a theme."""
    if topic == -1:
        raise MissingChoice("the outliers are not a theme already")
    return {"not_a_theme": theme_anchor(model, texts, topic)}


def _flow(entry):
    """Write lists of words and answers on one line each, as an analyst writes them."""
    from survey_tools.io.yamlio import flow_list

    if isinstance(entry, dict):
        return {k: flow_list(v) if k in ("words", "answers") else _flow(v)
                for k, v in entry.items()}
    if isinstance(entry, list):
        return [_flow(v) for v in entry]
    return entry


def add_edit(text: str, edit: dict, *, note: str | None = None) -> str:
    r"""Return the edits file's text with `edit` appended; comments and entries stay.

    Parameters
    ----------
    text : str
        The file as it is ("" for a new one).
    edit : dict
        One entry of a section of the file: ``{"merge": {...}}``, ``{"labels": {...}}``,
        ``{"split": {...}}`` or ``{"not_a_theme": {...}}`` (:func:`merge_edit`,
        :func:`label_edit`, :func:`split_edit`, :func:`not_a_theme_edit`).
    note : str, optional
        A comment written above the new entry (who and when).

    Examples
    --------
    >>> print(add_edit("# mine\n", {"labels": {"words": ["gdpr"], "label": "Juridik"}},
    ...                note="anna, 2026-12-06 10:00"), end="")
    # mine
    labels:
      # anna, 2026-12-06 10:00
      - words: [gdpr]
        label: Juridik
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from survey_tools.io.yamlio import dump_yaml, load_for_editing, safe_load_unique
    from survey_tools.topics.edits import EDIT_KINDS, TopicEdits

    [(kind, entry)] = edit.items()
    if kind not in EDIT_KINDS:
        raise ValueError(f"an edit is one of {', '.join(EDIT_KINDS)}, not {kind!r}")
    data = load_for_editing(text)
    if not isinstance(data, dict):
        raise ValueError("the edits file must hold 'merge' and/or 'labels'")
    if data.get(kind) is None:
        data[kind] = CommentedSeq()
    if not isinstance(data[kind], list):
        raise ValueError(f"'{kind}' in the edits file is in the old form (by topic number): "
                         "write it as a list of themes named by words or answers first")
    seq = data[kind]
    seq.append(CommentedMap(_flow(entry)))
    if note:
        seq.yaml_set_comment_before_after_key(len(seq) - 1, before=note, indent=2)
    out = dump_yaml(data)
    TopicEdits.from_dict(safe_load_unique(out))  # still an edits file
    return out


def record_edit(path, edit: dict, *, who: str | None = None, when: datetime | None = None):
    """Append `edit` to the edits file at `path` (created if need be), written atomically.

    Returns the file's previous text (None when there was no file), which
    :func:`undo_edit` puts back.
    """
    from survey_tools.io.atomic import atomic_write
    from survey_tools.paths import analyst_name

    path = Path(path)
    previous = path.read_text(encoding="utf-8") if path.exists() else None
    note = f"{who or analyst_name()}, {(when or datetime.now()).strftime('%Y-%m-%d %H:%M')}"
    text = add_edit(EDITS_HEADER if previous is None else previous, edit, note=note)
    atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    return previous


def undo_edit(path, previous: str | None) -> None:
    """Put back the text :func:`record_edit` returned (None: remove the file it created)."""
    from survey_tools.io.atomic import atomic_write

    path = Path(path)
    if previous is None:
        path.unlink(missing_ok=True)
    else:
        atomic_write(path, lambda tmp: Path(tmp).write_text(previous, encoding="utf-8"))


def preview_edit(model, texts, edit: dict, *, lang: str | None = None) -> pd.DataFrame:
    """Return what `edit` would change in the fitted themes, before it is recorded.

    The edit is matched as the next run will match it (by its answers or words), so a
    theme it cannot find shows here as not applied, with the reason. Names given in both
    languages show in `lang` (default: the model's label language). A split is computed
    on the model's reduced vectors, as the next fit splits it.

    Returns
    -------
    DataFrame
        ``topic, label, size, new_topic, new_label, new_size`` for each theme the edit
        touches (a new part's ``topic`` is empty; ``new_label`` of a part is found by the
        next fit); ``attrs["log"]`` is the edit's log rows (``status``, ``reason``).
    """
    from survey_tools.topics.edits import (
        TopicEdits,
        apply_labels,
        apply_merges,
        apply_not_themes,
        apply_splits,
        topic_members,
    )

    texts = _aligned(model, texts, "texts")
    edits = TopicEdits.from_dict({k: [v] for k, v in edit.items()}).in_language(
        lang or model.label_language_)
    a = model.assignments_.reset_index(drop=True)
    modelled = a["status"].isin(MODELLED).to_numpy()
    topics = _topics(model)[modelled].astype(int)
    members = topic_members(texts[modelled].astype(str), topics)
    new, mapping, names, log = apply_merges(edits, topics, members)
    split = set()
    if edits.splits:
        if len(model.reduced_) != len(topics):
            raise ValueError("a split is previewed on the answers the model was fitted on "
                             "(this model was fitted on a sample)")
        new, parts, more = apply_splits(edits, new, members, model.reduced_, seed=model.seed)
        log += more
        split = {t for ps in parts.values() for t in ps}
        mapping.update({t: t for t in split})
    if edits.not_themes:
        new, more = apply_not_themes(edits, new, members)
        log += more
        mapping.update({int(t): -1 for t in np.unique(topics[new == -1]) if t != -1})
    labels = dict(zip(model.topics_["topic"], model.topics_["label"], strict=True))
    new_labels = dict(labels)
    log += apply_labels(edits, new_labels, members, names)
    before, after = pd.Series(topics).value_counts(), pd.Series(new).value_counts()
    rows = []
    touched = {*mapping, *(v for v in mapping.values() if v != -1),
               *(t for t in labels if new_labels[t] != labels[t])}
    for t in sorted(touched):
        old = t in labels and t != -1 and t in before.index
        moved = mapping.get(t, t) if old else t
        rows.append({"topic": t if old else None, "label": labels.get(t) if old else None,
                     "size": int(before.get(t, 0)) if old else None, "new_topic": moved,
                     "new_label": new_labels.get(moved) if moved in labels
                     and moved not in split else None,
                     "new_size": int(after.get(moved, 0))})
    out = pd.DataFrame(rows, columns=["topic", "label", "size", "new_topic", "new_label",
                                      "new_size"])
    out.attrs["log"] = log
    return out
