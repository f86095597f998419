"""The coding session in JupyterLab: code the answers active learning picks next (#32).

A thin layer of ipywidgets over :mod:`survey_tools.coding.session`: each decision is
appended to the examples file at once; after every `every` decisions the coder is
refitted on them, and the widget says how well the coder had predicted the decisions it
had not seen (pooled Cohen's kappa) and how many answers it still flags for review.
"""

from __future__ import annotations

import html
import threading
from pathlib import Path

import numpy as np
import pandas as pd

from survey_tools.coding import session
from survey_tools.i18n import in_language, term
from survey_tools.jupyter import keyboard

__all__ = ["CodingSession"]


class CodingSession:
    """Code answers one at a time, the ones the coder is least sure of first.

    Parameters
    ----------
    coder : ZeroShotCoder or SupervisedCoder
        Fitted: it picks the answers (:func:`~survey_tools.coding.session.next_to_code`).
    texts, ids : sequence
        Every answer of the question and its id in the survey.
    examples_path : str or Path
        The examples file the decisions go to (created if need be).
    codebook : Codebook
    id_column : str
        The survey's id column.
    refit : callable, optional
        ``refit(texts, codes) -> fitted coder`` (default: a
        :class:`~survey_tools.coding.SupervisedCoder` on the decisions, with the coder's
        embedding model).
    every, batch : int
        Refit after this many decisions; how many answers are picked at a time.
    lang : {"sv", "en"}
    who : str, optional
        Written with each decision (default: the computer's user name).
    background : bool
        Refit in a background thread (default), so that the analyst goes on coding while
        the coder learns; False refits before the click returns.

    Attributes
    ----------
    queue : list of int
        Positions of the answers to code, in order.
    decided : DataFrame
        The examples file's decisions (:func:`~survey_tools.coding.session.read_decisions`).
    agreement : float or None
        Pooled kappa of the coder's predictions against the decisions made since the last
        refit (answers it had not learned from).
    """

    def __init__(self, coder, texts, ids, examples_path, *, codebook, id_column: str = "id",
                 refit=None, every: int = 5, batch: int = 5, lang: str = "sv",
                 who: str | None = None, background: bool = True):
        import ipywidgets as w

        self.coder, self.texts, self.ids = coder, list(texts), [str(i) for i in ids]
        self.path, self.codebook, self.id_column = Path(examples_path), codebook, id_column
        self.refit_with, self.every, self.batch = refit, every, batch
        self.lang, self.who, self.background = lang, who, background
        self._lock, self._thread = threading.RLock(), None
        self.decided = session.read_decisions(self.path, codebook=codebook,
                                              id_column=id_column)
        self.queue, self.at, self.agreement, self._since = [], 0, None, []
        self.answer, self.progress, self.status = w.HTML(), w.HTML(), w.HTML()
        self.toggles = {c.id: w.ToggleButton(description=f"{k + 1}. {in_language(c.label, lang)}",
                                             layout=w.Layout(width="auto"))
                        for k, c in enumerate(codebook.codes)}
        self.none = w.Button(description=f"0. {term('wb_none_of_these', lang)}")
        self.save_button = w.Button(description=term("wb_apply", lang), button_style="success")
        self.previous = w.Button(description=term("wb_previous", lang))
        self.none.on_click(lambda _: self.decide(set()))
        self.save_button.on_click(lambda _: self.save())
        self.previous.on_click(lambda _: self.back())
        self.keys = keyboard(self.KEYS + [str(k) for k in range(min(9, len(self.toggles)) + 1)],
                             self.press, hint=term("wb_coding_keys", lang))
        self.widget = w.VBox([self.keys, self.progress, self.answer,
                              w.HBox(list(self.toggles.values()),
                                     layout=w.Layout(flex_flow="row wrap")),
                              w.HBox([self.previous, self.none, self.save_button]),
                              self.status])
        self._pick()
        self._show()

    #: The keys besides the digits (1-9 toggle a code, 0 is "none of these").
    KEYS = ["Enter", "ArrowLeft", "ArrowRight"]

    def press(self, key: str) -> None:
        """Do what `key` does.

        A digit toggles that code (0: none of these), Enter saves, the arrow keys go to
        the previous or the next answer.
        """
        codes = list(self.toggles.values())
        if key.isdigit() and 1 <= int(key) <= len(codes):
            codes[int(key) - 1].value = not codes[int(key) - 1].value
        elif key == "0":
            self.decide(set())
        elif key == "Enter":
            self.save()
        elif key == "ArrowLeft":
            self.back()
        elif key == "ArrowRight":
            self.forward()

    @property
    def current(self) -> int | None:
        """The position of the answer shown (None when there is none left)."""
        return self.queue[self.at] if self.at < len(self.queue) else None

    def _pick(self) -> None:
        picked = session.next_to_code(self.coder, self.texts, self.ids, n=self.batch,
                                      decided=[*self.decided[self.id_column],
                                               *(self.ids[p] for p in self.queue)])
        self.queue.extend(int(p) for p in picked["position"])

    def _show(self) -> None:
        from survey_tools.nlp.pii import mask_pii

        position = self.current
        for toggle in self.toggles.values():
            toggle.value = False
        self.progress.value = html.escape(term("wb_decided", self.lang).format(
            n=len(self.decided), every=self.every))
        self.answer.value = "" if position is None else (
            f"<p><b>{html.escape(self.ids[position])}</b></p>"
            f"<p>{html.escape(mask_pii(str(self.texts[position])))}</p>")

    def decide(self, codes) -> None:
        """Record the codes of the answer shown (an empty set: none of them), show the next."""
        with self._lock:
            position = self.current
            if position is None:
                return
            self.decided = session.record_decision(
                self.path, self.ids[position], codes, codebook=self.codebook,
                id_column=self.id_column, who=self.who)
            self._since.append(position)
            self.at += 1
            if self.at >= len(self.queue):
                self._pick()
            self._show()  # the next answer at once; a refit changes only the status line
        if len(self._since) >= self.every and not self.refitting:
            self.status.value = html.escape(term("wb_refitting", self.lang))
            if self.background:
                self._thread = threading.Thread(target=self._refit_safely, daemon=True)
                self._thread.start()
            else:
                self.refit()

    def save(self) -> None:
        """Record the codes toggled on for the answer shown ("Save", or Enter)."""
        self.decide({c for c, t in self.toggles.items() if t.value})

    def back(self) -> None:
        """Show the previous answer again (its decision stays until it is decided anew)."""
        with self._lock:
            self.at = max(0, self.at - 1)
            self._show()

    def forward(self) -> None:
        """Show the next answer without deciding the one shown (Previous goes back to it)."""
        with self._lock:
            if self.current is None:
                return
            self.at += 1
            if self.at >= len(self.queue):
                self._pick()
            self._show()

    @property
    def refitting(self) -> bool:
        """Whether a refit runs in the background now."""
        return self._thread is not None and self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for a refit running in the background (scripts and tests)."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _refit_safely(self) -> None:
        try:
            self.refit()
        except Exception as error:  # shown where the analyst looks, not lost in a thread
            self.status.value = html.escape(term("wb_refit_failed", self.lang).format(
                error=f"{type(error).__name__}: {error}"))

    def refit(self) -> None:
        """Measure the coder on the decisions it has not seen, then refit it on all of them.

        Decisions made while it runs count towards the next round.
        """
        from survey_tools.coding.agreement import agreement_table

        with self._lock:
            table, coder = self.decided.set_index(self.id_column), self.coder
            since, self._since = self._since, []
        codes = self.codebook.ids
        seen = [self.ids[p] for p in since]
        predicted = pd.DataFrame(coder.predict([self.texts[p] for p in since]))
        pooled = agreement_table(table.loc[seen, codes].reset_index(drop=True),
                                 predicted[codes].astype(int).reset_index(drop=True))
        self.agreement = float(pooled.set_index("code").loc["all (pooled)", "kappa"])
        position = {i: p for p, i in enumerate(self.ids)}
        texts = [self.texts[position[i]] for i in table.index]
        coder = (self.refit_with or self._supervised)(texts, table[codes].astype(int))
        answers = [t for t in self.texts if isinstance(t, str) and t.strip()]
        review = int(np.sum(coder.needs_review(answers)))
        with self._lock:  # the answer shown stays; the ones after it are picked anew
            self.coder = coder
            self.queue = self.queue[:self.at + 1]
            self._pick()
        kappa = "–" if np.isnan(self.agreement) else f"{self.agreement:.2f}"
        self.status.value = html.escape(term("wb_agreement", self.lang).format(
            kappa=kappa, review=review))

    def _supervised(self, texts, codes):
        from survey_tools.coding import SupervisedCoder

        model = getattr(self.coder, "embedding_model", "default")
        return SupervisedCoder(self.codebook, embedding_model=model).fit(texts, codes)
