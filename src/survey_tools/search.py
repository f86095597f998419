"""Semantic search over open answers: find the answers that talk about X, in any wording.

An :class:`AnswerIndex` embeds every real answer once (the embedding cache makes a
second index of the same answers free) and scores a query by a weighted sum of
embedding cosine similarity and character n-gram TF-IDF similarity: the embedding finds
other wordings, the n-grams keep exact terms, Swedish compounds and inflections ("GDPR",
"budgeten"). Results come back ranked, with personal data masked.

With the multilingual default (multilingual-e5-small) a Swedish query finds English
answers on the same theme and the reverse; the n-gram part only adds to answers in the
query's language. The weights were measured on the sample survey (``bench/README.md``):
0.3 for the n-grams gave the best precision both within and across languages of the
weights tried (0.15–0.3), also with e5's narrower cosine range.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from survey_tools.errors import SurveyInputError
from survey_tools.schema import default_ids
from survey_tools.text import ANSWER, answer_kind, as_texts

__all__ = ["AnswerIndex", "search_answers", "answers_long", "search_widget"]


def answers_long(data: pd.DataFrame, text_columns, *, id_column: str,
                 metadata=()) -> pd.DataFrame:
    """Stack one or more open questions into one row per (respondent, question).

    Returns
    -------
    DataFrame
        ``id, question, text`` and the `metadata` columns, respondents in input order,
        questions in the order given.
    """
    text_columns = [text_columns] if isinstance(text_columns, str) else list(text_columns)
    parts = []
    for col in text_columns:
        part = pd.DataFrame({"id": data[id_column].to_numpy(), "question": col,
                             "text": data[col].astype(object).to_numpy()})
        for meta in metadata:
            part[meta] = data[meta].astype(object).to_numpy()
        part["_row"] = np.arange(len(data))
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["_q"] = out["question"].map({c: i for i, c in enumerate(text_columns)})
    return out.sort_values(["_row", "_q"], kind="stable").drop(columns=["_row", "_q"]) \
        .reset_index(drop=True)


class AnswerIndex(BaseEstimator):
    """A searchable index of open answers.

    Parameters
    ----------
    embedding_model : str or object
        As for :class:`~survey_tools.topics.TopicModel`: ``"default"``
        (multilingual-e5-small), ``"minilm"``, ``"fast"``, ``"tfidf"``, a model folder or
        an encoder object.
    lexical_weight : float
        Weight of the character n-gram similarity in the score (0 = embeddings only,
        1 = n-grams only).
    mask_personal_data : bool
        Mask personal data in the answers returned (default True).
    cache_dir : str, Path or False, optional
        Embedding cache (default ``~/.cache/survey_tools``); False for none.
    progress : bool, optional
        Progress bar while embedding.

    Attributes
    ----------
    rows_ : DataFrame
        The indexed rows: ``id``, ``status`` and the metadata columns, in input order.
    answer_rows_ : ndarray
        Positions in `rows_` of the answers that were embedded (real answers only).
    vectors_ : ndarray
        Normalized embeddings of those answers.
    """

    def __init__(self, *, embedding_model="default", lexical_weight: float = 0.3,
                 mask_personal_data: bool = True, cache_dir=None, progress=None) -> None:
        self.embedding_model = embedding_model
        self.lexical_weight = lexical_weight
        self.mask_personal_data = mask_personal_data
        self.cache_dir = cache_dir
        self.progress = progress

    def fit(self, X, y=None, *, ids=None, metadata: pd.DataFrame | None = None):
        """Index the answers `X`; returns self.

        Parameters
        ----------
        X : sequence of str
            Answers (missing values, empty answers and non-answers are kept as rows with
            their status but never returned by a search).
        y : None
            Ignored.
        ids : sequence, optional
            Respondent ids (default ``1..n``).
        metadata : DataFrame, optional
            Columns to filter on and show (e.g. organisation type, question), one row per
            answer.
        """
        from sklearn.feature_extraction.text import TfidfVectorizer

        from survey_tools.embeddings import embed, load_encoder, unit_rows

        texts = as_texts(X)
        ids = default_ids(ids, len(texts))
        rows = pd.DataFrame({"id": ids.to_numpy(), "status": answer_kind(texts).to_numpy()})
        if metadata is not None:
            metadata = pd.DataFrame(metadata).reset_index(drop=True)
            if len(metadata) != len(texts):
                raise ValueError(f"metadata has {len(metadata)} rows but there are "
                                 f"{len(texts)} answers")
            for col in metadata.columns:
                rows[col] = metadata[col].astype(object).to_numpy()
        self.answer_rows_ = np.flatnonzero((rows["status"] == ANSWER).to_numpy())
        self.texts_ = [str(texts[i]).strip() for i in self.answer_rows_]
        self.rows_ = rows
        self.encoder_ = load_encoder(self.embedding_model, cache_dir=self.cache_dir)
        if self.texts_:
            self.vectors_ = unit_rows(embed(self.texts_, model=self.encoder_,
                                            cache_dir=self.cache_dir, progress=self.progress))
            self.lexical_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5),
                                            sublinear_tf=True, lowercase=True)
            self.lexical_matrix_ = self.lexical_.fit_transform(self.texts_)
        else:
            self.vectors_ = np.zeros((0, 0), dtype=np.float32)
            self.lexical_ = self.lexical_matrix_ = None
        return self

    def scores(self, query: str) -> np.ndarray:
        """Return the score of every indexed answer for `query` (order of `answer_rows_`)."""
        from survey_tools.embeddings import embed, unit_rows

        check_is_fitted(self, "rows_")
        if not self.texts_:
            return np.zeros(0)
        query = str(query).strip()
        dense = self.vectors_ @ unit_rows(embed([query], model=self.encoder_,
                                                cache_dir=self.cache_dir, progress=False))[0]
        lexical = (self.lexical_matrix_ @ self.lexical_.transform([query]).T).toarray()[:, 0]
        w = float(self.lexical_weight)
        return (1 - w) * dense.astype(float) + w * lexical

    def search(self, query: str, *, top_k: int = 10, filters: dict | None = None,
               min_score: float | None = None) -> pd.DataFrame:
        """Return the answers closest to `query`, best first.

        Parameters
        ----------
        query : str
            Words, a phrase or a whole sentence, in Swedish or English.
        top_k : int
            At most this many answers.
        filters : dict, optional
            ``{column: value or list of values}`` on the metadata columns, e.g.
            ``{"org_type": "Kommun", "question": ["q_obstacles"]}``.
        min_score : float, optional
            Leave out answers scoring below this.

        Returns
        -------
        DataFrame
            ``rank, id, score, answer`` and the metadata columns; answers masked unless
            ``mask_personal_data=False``. Ties keep input order.
        """
        check_is_fitted(self, "rows_")
        if not str(query).strip():
            raise SurveyInputError("the search query is empty", hint="give some words to "
                                   "search for, e.g. \"brist på finansiering\"")
        keep = np.ones(len(self.answer_rows_), dtype=bool)
        rows = self.rows_.iloc[self.answer_rows_]
        for col, wanted in (filters or {}).items():
            if col not in self.rows_.columns or col in ("id", "status"):
                options = [c for c in self.rows_.columns if c not in ("id", "status")]
                raise SurveyInputError(
                    f"cannot filter on {col!r}", column=col,
                    hint=f"filter on one of {options}" if options else
                    "give metadata columns when building the index to filter on them")
            wanted = [wanted] if isinstance(wanted, str) or not np.iterable(wanted) \
                else list(wanted)
            keep &= rows[col].astype(str).isin([str(v) for v in wanted]).to_numpy()
        # Rounded before ranking: identical answers can score a few last bits apart, and
        # ties must keep input order on every machine.
        score = np.round(self.scores(query), 6)
        if min_score is not None:
            keep &= score >= min_score
        candidates = np.flatnonzero(keep)
        order = candidates[np.lexsort((candidates, -score[candidates]))][:max(0, int(top_k))]
        answers = [self.texts_[i] for i in order]
        if self.mask_personal_data and answers:
            from survey_tools.pii import mask_texts

            answers = mask_texts(answers)[0].tolist()
        out = self.rows_.iloc[self.answer_rows_[order]].drop(columns="status") \
            .reset_index(drop=True)
        out.insert(1, "score", np.round(score[order], 4))
        out.insert(2, "answer", answers)
        out.insert(0, "rank", np.arange(1, len(out) + 1))
        return out


def search_answers(query: str, texts, *, ids=None, metadata=None, filters=None,
                   top_k: int = 10, embedding_model="default", cache_dir=None,
                   mask_personal_data: bool = True) -> pd.DataFrame:
    """Index `texts` and search them once (see :class:`AnswerIndex`).

    Returns
    -------
    DataFrame
        ``rank, id, score, answer`` and the metadata columns, best first, masked.
    """
    index = AnswerIndex(embedding_model=embedding_model, cache_dir=cache_dir,
                        mask_personal_data=mask_personal_data, progress=False)
    return index.fit(texts, ids=ids, metadata=metadata).search(query, top_k=top_k,
                                                              filters=filters)


def search_widget(index: AnswerIndex, *, filter_columns=None, top_k: int = 10):
    """Return a small ipywidgets search box for `index` (for JupyterLab).

    A text field for the query, a drop-down per filter column ("all" by default) and the
    number of answers; results show below as a table, masked as :meth:`AnswerIndex.search`
    returns them.
    """
    import ipywidgets as widgets
    from IPython.display import display

    check_is_fitted(index, "rows_")
    columns = [c for c in (filter_columns if filter_columns is not None else
               index.rows_.columns) if c not in ("id", "status")]
    query = widgets.Text(placeholder="Sök / search", description="Sök:",
                         continuous_update=False)
    drops = {c: widgets.Dropdown(options=["(alla)", *sorted(index.rows_[c].dropna()
                                                                 .astype(str).unique())],
                                 description=str(c)) for c in columns}
    count = widgets.IntSlider(value=top_k, min=1, max=50, description="Antal:")
    output = widgets.Output()

    def show(_=None):
        output.clear_output()
        if not query.value.strip():
            return
        filters = {c: d.value for c, d in drops.items() if d.value != "(alla)"}
        with output:
            display(index.search(query.value, top_k=count.value, filters=filters))

    for control in (query, count, *drops.values()):
        control.observe(show, names="value")
    return widgets.VBox([query, *drops.values(), count, output])
