"""The theme review in JupyterLab: read a theme's answers, merge, rename, split, undo (#32).

A thin layer of ipywidgets over :mod:`survey_tools.topics.review`: every button calls one
of its functions, so what the widget does is what the API does (and is tested without a
browser). An action shows what it will change first; "Save" writes it to the edits file.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from survey_tools.i18n import term
from survey_tools.jupyter import keyboard
from survey_tools.topics import review

__all__ = ["ThemeReview"]


class ThemeReview:
    """The review of one question's themes, as widgets (``.widget``) and as methods.

    Parameters
    ----------
    model : TopicModel
        Fitted.
    texts : sequence of str
        The answers the model was fitted on.
    edits_path : str or Path
        The question's edits file (``data/topic_edits/<question>.yaml``); written at once
        on "Save".
    weights : sequence of float, optional
        Respondent weights (the weighted share of each theme).
    lang : {"sv", "en"}
        The language of the widget's texts.
    page_size : int
        Answers per page.
    who : str, optional
        Written above each edit with the time (default: the computer's user name).

    Attributes
    ----------
    overview : DataFrame
        :func:`~survey_tools.topics.review.theme_overview`.
    pending : dict or None
        The edit shown for saving.
    history : list
        The edits file's text before each saved edit (what "Undo" puts back).
    """

    def __init__(self, model, texts, edits_path, *, weights=None, lang: str = "sv",
                 page_size: int = 10, who: str | None = None):
        import ipywidgets as w

        self.model, self.texts = model, list(texts)
        self.path, self.lang, self.page_size, self.who = Path(edits_path), lang, page_size, who
        self.overview = review.theme_overview(model, weights=weights)
        self.pending, self.history, self.page, self._masked = None, [], 0, {}
        t = self._t
        options = [(self._describe(row), int(row.topic)) for row in self.overview.itertuples()]
        self.themes = w.Select(options=options, rows=min(12, len(options)),
                               description=t("wb_themes"), layout=w.Layout(width="95%"))
        self.query = w.Text(placeholder=t("wb_search"), continuous_update=False)
        self.previous, self.next = w.Button(description=t("wb_previous")), w.Button(
            description=t("wb_next"))
        self.page_label, self.answers = w.HTML(), w.HTML()
        self.new_name = w.Text(placeholder=t("wb_new_name"))
        self.rename = w.Button(description=t("wb_rename"))
        wide = {"description_width": "initial"}
        self.merge_with = w.Dropdown(options=options, description=t("wb_merge"), style=wide)
        self.merge = w.Button(description=t("wb_merge"))
        self.parts = w.BoundedIntText(value=2, min=2, max=6, description=t("wb_split"),
                                      style=wide)
        self.split = w.Button(description=t("wb_split"))
        self.drop = w.Button(description=t("wb_not_theme"))
        self.apply, self.cancel = (w.Button(description=t("wb_apply"), button_style="success",
                                            disabled=True),
                                   w.Button(description=t("wb_cancel"), disabled=True))
        self.undo_button = w.Button(description=t("wb_undo"))
        self.preview, self.status = w.HTML(), w.HTML()
        self.themes.observe(lambda _: self.show(0), names="value")
        self.query.observe(lambda _: self.show(0), names="value")
        self.previous.on_click(lambda _: self.show(self.page - 1))
        self.next.on_click(lambda _: self.show(self.page + 1))
        self.rename.on_click(lambda _: self._offer(lambda: review.label_edit(
            model, self.texts, self.topic, self.new_name.value.strip()), "wb_need_name"))
        self.merge.on_click(lambda _: self._offer(lambda: review.merge_edit(
            model, self.texts, [self.topic, self.merge_with.value],
            label=self.new_name.value.strip() or None), "wb_need_two"))
        self.split.on_click(lambda _: self._offer(lambda: review.split_edit(
            model, self.texts, self.topic, into=self.parts.value), "wb_need_theme"))
        self.drop.on_click(lambda _: self._offer(lambda: review.not_a_theme_edit(
            model, self.texts, self.topic), "wb_need_theme"))
        self.apply.on_click(lambda _: self.save())
        self.cancel.on_click(lambda _: self._clear())
        self.undo_button.on_click(lambda _: self.undo())
        self.keys = keyboard(self.KEYS, self.press, hint=t("wb_review_keys"))
        self.widget = w.VBox([
            self.keys,
            w.HBox([w.VBox([self.themes], layout=w.Layout(width="40%")),
                    w.VBox([self.query, w.HBox([self.previous, self.page_label, self.next]),
                            self.answers], layout=w.Layout(width="60%"))]),
            w.HBox([self.new_name, self.rename]), w.HBox([self.merge_with, self.merge]),
            w.HBox([self.parts, self.split, self.drop]), self.preview,
            w.HBox([self.apply, self.cancel, self.undo_button]), self.status])
        self.show(0)

    #: The keys the review answers to.
    KEYS = ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Enter"]

    def press(self, key: str) -> None:
        """Do what `key` does.

        Up and down choose the theme, left and right turn the pages of its answers, Enter
        saves the edit shown.
        """
        if key in ("ArrowUp", "ArrowDown"):
            topics = [value for _, value in self.themes.options]
            at = topics.index(self.topic) + (1 if key == "ArrowDown" else -1)
            self.themes.value = topics[max(0, min(at, len(topics) - 1))]
        elif key in ("ArrowLeft", "ArrowRight"):
            self.show(self.page + (1 if key == "ArrowRight" else -1))
        elif key == "Enter":
            self.save()

    def _t(self, key: str, **values) -> str:
        return term(key, self.lang).format(**values)

    def _describe(self, row) -> str:
        return f"{row.topic}: {row.label} ({row.size}, {row.weighted_share:.1f} %)"

    @property
    def topic(self) -> int:
        """The theme selected."""
        return int(self.themes.value)

    def show(self, page: int) -> pd.DataFrame:
        """Show a page of the selected theme's answers (masked, closest first)."""
        shown = review.theme_answers(self.model, self.texts, self.topic,
                                     query=self.query.value.strip() or None,
                                     page=max(page, 0), page_size=self.page_size,
                                     masked=self._masked)
        total = shown.attrs["total"]
        self.page = max(0, min(page, max(0, (total - 1) // self.page_size)))
        if self.page != max(page, 0):
            return self.show(self.page)
        first = self.page * self.page_size
        self.page_label.value = self._t("wb_page", first=min(first + 1, total),
                                        last=first + len(shown), total=total)
        self.previous.disabled, self.next.disabled = self.page == 0, first + len(
            shown) >= total
        self.answers.value = "<ol start='{}'>{}</ol>".format(
            first + 1, "".join(f"<li>{html.escape(a)}</li>" for a in shown["answer"]))
        return shown

    def _offer(self, make, missing: str) -> None:
        """Show what the edit `make()` builds will change, or say what is `missing`.

        The edit functions raise :class:`~survey_tools.topics.review.MissingChoice` when a
        theme, a name or a second theme is missing; raised in a button's callback, it
        showed nowhere in JupyterLab ("Rename" with no name did nothing at all). The term
        `missing` says what to choose or write, and nothing is pending.
        """
        try:
            edit = make()
        except review.MissingChoice:
            self._clear()
            self.preview.value = html.escape(self._t(missing))
            return
        self.propose(edit)

    def propose(self, edit: dict) -> pd.DataFrame:
        """Show what `edit` will change and keep it for "Save"."""
        changes = review.preview_edit(self.model, self.texts, edit)
        failed = [row for row in changes.attrs["log"] if row["status"] != "applied"]
        if failed:
            self.pending = None
            self.preview.value = html.escape(self._t("wb_not_applied",
                                                     reason=failed[0]["reason"]))
        else:
            self.pending = edit
            shown = changes.astype(object).where(changes.notna(), "")
            shown.columns = self._t("wb_columns").split("|")
            table = shown.to_html(index=False, escape=True)
            self.preview.value = f"<p>{html.escape(self._t('wb_preview'))}</p>{table}"
        self.apply.disabled = self.cancel.disabled = self.pending is None
        return changes

    def save(self) -> None:
        """Write the pending edit to the edits file."""
        if self.pending is None:
            return
        self.history.append(review.record_edit(self.path, self.pending, who=self.who))
        self._clear()
        self.status.value = html.escape(self._t("wb_saved", path=self.path))

    def undo(self) -> None:
        """Put the edits file back as it was before the last saved edit."""
        if not self.history:
            self.status.value = html.escape(self._t("wb_nothing_to_undo"))
            return
        review.undo_edit(self.path, self.history.pop())
        self.status.value = html.escape(self._t("wb_undone", path=self.path))

    def _clear(self) -> None:
        self.pending, self.preview.value = None, ""
        self.apply.disabled = self.cancel.disabled = True
