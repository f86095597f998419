"""Semantic search over open answers: find the answers that talk about X, in any wording.

An :class:`AnswerIndex` embeds every real answer once (the embedding cache makes a
second index of the same answers free) and scores a query by a weighted sum of
embedding cosine similarity and character n-gram TF-IDF similarity: the embedding finds
other wordings, the n-grams keep exact terms, Swedish compounds and inflections ("GDPR",
"budgeten"). Results come back ranked, with personal data masked.

With the multilingual default (multilingual-e5-small) a Swedish query finds English
answers on the same theme and the reverse, but on its own a query prefers answers in its
own language: the same words, the same language direction in the vectors. Measured on a
Swedish/English mixture of real sentences (``bench/README.md``, issue #29), plain cosine
put 2 answers of the other language in 120 top-10 places, where half the relevant answers
were in it. So the index, per language (detected offline, as for topics):

1. subtracts each language's mean vector from its answers, and the mean of the query's
   language (the nearest mean) from the query, as topics do;
2. measures how much closer an answer is to its nearest neighbour in its own language
   than in another (the corpus's **language gap**, :func:`language_gaps`) and adds that
   gap to the scores of answers in the other language, so scores compare across
   languages;
3. admits the answers whose calibrated score is at least halfway from the median to the
   best, and lets each language fill the top in proportion to its admitted answers
   (:func:`merge_languages`): a language with no answer on the subject admits none.

The n-gram part only adds to answers in the query's language. The weights were measured
on the sample survey (``bench/README.md``): 0.3 for the n-grams gave the best precision
both within and across languages of the weights tried (0.15–0.3).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from survey_tools.errors import SurveyInputError
from survey_tools.io.schema import default_ids
from survey_tools.nlp.answers import ANSWER, answer_kind, as_texts
from survey_tools.nlp.language import UNDETERMINED, detect_languages

__all__ = ["AnswerIndex", "search_answers", "answers_long", "search_widget", "language_gaps",
           "merge_languages"]

#: An answer is admitted to the shared top when its calibrated score is at least this far
#: from the median towards the best (0.5: halfway).
ADMIT = 0.5


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
    languages : sequence of str or None
        Languages to tell apart (detected per answer, offline) so that a query finds
        answers in every language alike, see the module's notes; None treats all
        answers as one language (plain cosine and n-grams, as before issue #29).
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
        Normalized embeddings of those answers, each language's mean subtracted.
    answer_languages_ : ndarray
        The language of each of those answers ("und" when it cannot be told).
    language_means_ : dict
        Mean embedding per language (languages with at least 5 answers, when there are
        two or more); the overall mean is ``global_mean_``.
    language_clarity_ : dict
        Per language, how much nearer its own mean than another's a typical answer is
        (a query is compared with it).
    language_gaps_ : dict
        ``{(query language, answer language): gap}``, see :func:`language_gaps`.
    """

    def __init__(self, *, embedding_model="default", lexical_weight: float = 0.3,
                 mask_personal_data: bool = True, languages=("sv", "en"), cache_dir=None,
                 progress=None) -> None:
        self.embedding_model = embedding_model
        self.lexical_weight = lexical_weight
        self.mask_personal_data = mask_personal_data
        self.languages = languages
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

        from survey_tools.nlp.embeddings import embed, fit_encoder, unit_rows

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
        self.encoder_ = fit_encoder(self.embedding_model, self.texts_, cache_dir=self.cache_dir)
        self.language_means_, self.language_gaps_ = {}, {}
        self.answer_languages_ = np.full(len(self.texts_), UNDETERMINED, dtype=object)
        if self.texts_:
            vectors = unit_rows(embed(self.texts_, model=self.encoder_,
                                      cache_dir=self.cache_dir, progress=self.progress))
            vectors = np.asarray(vectors, dtype=np.float64)
            if self.languages:
                self.answer_languages_ = detect_languages(
                    self.texts_, languages=tuple(self.languages)).to_numpy(dtype=object)
            langs = self.answer_languages_
            self.global_mean_ = vectors.mean(axis=0)
            known = [lg for lg in pd.unique(langs) if lg != UNDETERMINED
                     and (langs == lg).sum() >= 5]
            if len(known) > 1:
                self.language_means_ = {lg: vectors[langs == lg].mean(axis=0) for lg in known}
                # how far nearer its own language's mean than another's a typical answer is
                margins = _margins(vectors, np.vstack(list(self.language_means_.values())))
                self.language_clarity_ = {
                    lg: float(np.median(np.sort(margins[langs == lg], axis=1)[:, 1]))
                    for lg in known}
            if self.languages:
                means = np.vstack([self.language_means_.get(lg, self.global_mean_)
                                   for lg in langs])
                vectors = unit_rows(vectors - means)
                self.language_gaps_ = language_gaps(vectors, langs)
            self.vectors_ = vectors.astype(np.float32)  # as much memory as before
            self.lexical_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5),
                                            sublinear_tf=True, lowercase=True)
            self.lexical_matrix_ = self.lexical_.fit_transform(self.texts_)
        else:
            self.vectors_ = np.zeros((0, 0), dtype=np.float64)
            self.lexical_ = self.lexical_matrix_ = None
        return self

    def _query(self, query: str) -> tuple[np.ndarray, str, float]:
        """Return the query's vector centred like the answers, its language and how clearly.

        The language is the nearest language mean (reliable where a detector is not:
        two or three words); how clearly, from 0 (as near one mean as another: "GDPR")
        to 1 (as clearly as a typical answer in that language).
        """
        from survey_tools.nlp.embeddings import embed, unit_rows

        vector = np.asarray(unit_rows(embed([str(query).strip()], model=self.encoder_,
                                            cache_dir=self.cache_dir, progress=False))[0],
                            dtype=np.float64)
        if not self.languages:
            return vector, UNDETERMINED, 0.0
        if not self.language_means_:
            return unit_rows((vector - self.global_mean_)[None])[0], UNDETERMINED, 0.0
        names = list(self.language_means_)
        margins = _margins(vector[None], np.vstack([self.language_means_[lg] for lg in names]))
        nearest = names[int(np.argmax(margins[0] == 0))]
        clearly = float(np.clip(np.sort(margins[0])[1] / self.language_clarity_[nearest], 0, 1))
        # a query in no language in particular ("GDPR") loses the overall mean instead
        mean = clearly * self.language_means_[nearest] + (1 - clearly) * self.global_mean_
        return unit_rows((vector - mean)[None])[0], nearest, clearly

    def scores(self, query: str) -> np.ndarray:
        """Return the score of every indexed answer for `query` (order of `answer_rows_`).

        ``(1 - lexical_weight) * cosine + lexical_weight * n-gram similarity``: how close
        an answer is to the query; compare scores within one language (see the notes).
        """
        return self._scores(query)[0]

    def _scores(self, query: str):
        """Return the scores, calibrated, relevance, the query's language, how clearly.

        The relevance is the calibrated cosine: comparable across languages.
        """
        check_is_fitted(self, "rows_")
        if not self.texts_:
            return np.zeros(0), np.zeros(0), np.zeros(0), UNDETERMINED, 0.0
        vector, language, clearly = self._query(query)
        dense = self.vectors_.astype(np.float64) @ vector
        lexical = (self.lexical_matrix_ @ self.lexical_.transform([str(query).strip()]).T) \
            .toarray()[:, 0]
        w = float(self.lexical_weight)
        score = (1 - w) * dense + w * lexical
        gap = clearly * np.array([self.language_gaps_.get((language, lg), 0.0)
                                  for lg in self.answer_languages_])
        # the n-grams only match the query's language: relevance across languages is
        # judged on the calibrated cosine alone
        return score, score + (1 - w) * gap, dense + gap, language, clearly

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
            ``mask_personal_data=False``. Within a language best first, ties in input
            order; languages share the top as :func:`merge_languages` says.
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
        score, calibrated, relevance, language, _ = self._scores(query)
        score, calibrated, relevance = (np.round(s, 6) for s in (score, calibrated, relevance))
        if min_score is not None:
            keep &= score >= min_score
        candidates = np.flatnonzero(keep)
        # answers whose language cannot be told (a word or two) compete with the query's
        groups = np.where(self.answer_languages_ == UNDETERMINED, language,
                          self.answer_languages_)
        order = candidates[merge_languages(calibrated[candidates], groups[candidates],
                                           relevance=relevance[candidates])]
        order = order[:max(0, int(top_k))]
        answers = [self.texts_[i] for i in order]
        if self.mask_personal_data and answers:
            from survey_tools.nlp.pii import mask_texts

            answers = mask_texts(answers)[0].tolist()
        out = self.rows_.iloc[self.answer_rows_[order]].drop(columns="status") \
            .reset_index(drop=True)
        out.insert(1, "score", np.round(score[order], 4))
        out.insert(2, "answer", answers)
        out.insert(0, "rank", np.arange(1, len(out) + 1))
        return out


def _margins(vectors: np.ndarray, means: np.ndarray) -> np.ndarray:
    """Return each row's squared distance to every mean minus that to the nearest mean."""
    distances = (vectors ** 2).sum(axis=1)[:, None] - 2 * vectors @ means.T \
        + (means ** 2).sum(axis=1)[None, :]
    return distances - distances.min(axis=1, keepdims=True)


def language_gaps(vectors: np.ndarray, languages, *, sample: int = 300, seed: int = 0,
                  copies: float = 0.999) -> dict:
    """Return how much closer answers are to their own language than to another.

    For up to `sample` answers of language ``a`` (drawn with `seed`): the cosine to the
    nearest answer in ``a`` minus the cosine to the nearest answer in ``b``, each
    nearest found among the same number of answers (as many as the smaller language
    has: the best of many is closer than the best of few); ``gap[(a, b)]`` is the
    median, never below 0. Copies (cosine ≥ `copies`) do not count as neighbours. Where
    both languages speak of the same things, as answers to one survey do, the gap is
    what the language alone costs; where they do not, it is larger, and fewer answers
    cross over (the safe side).

    Parameters
    ----------
    vectors : ndarray
        Unit-length rows (each language's mean already subtracted).
    languages : sequence of str
        The language of each row; "und" rows are left out.

    Examples
    --------
    >>> v = np.array([[1, 0, 0], [0.9, 0.1, 0], [0.8, 0, 0.2], [0.7, 0, 0.3]])
    >>> v = v / np.linalg.norm(v, axis=1, keepdims=True)
    >>> gaps = language_gaps(v, ["sv", "sv", "en", "en"])
    >>> sorted(gaps), round(gaps[("sv", "en")], 3)
    ([('en', 'sv'), ('sv', 'en')], 0.027)
    """
    langs = np.asarray(languages, dtype=object)
    known = [lg for lg in pd.unique(langs) if lg != UNDETERMINED]
    rng = np.random.default_rng(seed)
    gaps = {}
    for a in known:
        own = np.flatnonzero(langs == a)
        for b in known:
            other = np.flatnonzero(langs == b)
            size = min(len(own) - 1, len(other))
            if b == a or size < 1:
                continue
            rows = np.sort(rng.choice(own, min(sample, len(own)), replace=False))
            pool_own = np.sort(rng.choice(own, min(size + 1, len(own)), replace=False))
            pool_other = np.sort(rng.choice(other, size, replace=False))
            near_own = vectors[rows] @ vectors[pool_own].T
            near_own[near_own >= copies] = -np.inf  # itself and copies
            if near_own.shape[1] > size:  # as many candidates as the other language has
                near_own = np.sort(near_own, axis=1)[:, 1:]
            near_other = vectors[rows] @ vectors[pool_other].T
            near_other[near_other >= copies] = -np.inf
            best_own, best_other = near_own.max(axis=1), near_other.max(axis=1)
            ok = np.isfinite(best_own) & np.isfinite(best_other)
            if ok.any():
                gaps[(a, b)] = max(0.0, float(np.median(best_own[ok] - best_other[ok])))
    return gaps


def merge_languages(score: np.ndarray, languages, *, relevance=None,
                    admit: float = ADMIT) -> np.ndarray:
    """Return the positions of `score`, best first, languages sharing the top fairly.

    An answer is relevant enough to be admitted when its `relevance` (default `score`;
    comparable across languages) is at least `admit` of the way from the median to the
    best; each language admits that many of its answers, best by `score` first. The
    admitted answers are merged by their rank in their language divided by the number
    that language admitted, so each language fills the top in proportion to how much
    it has to say on the query; the others follow, best first. Ties by score, then
    position.

    Examples
    --------
    Four Swedish and two English answers are admitted; the better English one comes
    in second place of its language, so third overall, before two Swedish ones:

    >>> score = np.array([0.9, 0.85, 0.8, 0.78, 0.75, 0.7, 0.1, 0.1, 0, 0, 0, 0])
    >>> merge_languages(score, ["sv"] * 4 + ["en"] * 2 + ["sv", "en"] * 3).tolist()
    [0, 1, 4, 2, 3, 5, 6, 7, 8, 9, 10, 11]
    """
    score = np.asarray(score, dtype=float)
    relevance = score if relevance is None else np.asarray(relevance, dtype=float)
    langs = np.asarray(languages, dtype=object)
    if not len(score):
        return np.zeros(0, dtype=np.int64)
    best = relevance.max()
    relevant = relevance >= best - admit * (best - np.median(relevance))
    key = np.full(len(score), np.inf)
    for lg in pd.unique(langs[relevant]):
        rows = np.flatnonzero(langs == lg)
        rows = rows[np.lexsort((rows, -score[rows]))][:int(relevant[rows].sum())]
        key[rows] = np.arange(1, len(rows) + 1) / len(rows)
    positions = np.arange(len(score))
    return np.lexsort((positions, -score, key))


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


def search_widget(index: AnswerIndex, *, filter_columns=None, top_k: int = 10,
                  lang: str = "sv"):
    """Return a small ipywidgets search box for `index` (for JupyterLab).

    A text field for the query, a drop-down per filter column ("all" by default) and the
    number of answers; results show below as a table, masked as :meth:`AnswerIndex.search`
    returns them. The widget's texts are in `lang` (``"sv"`` or ``"en"``).
    """
    import ipywidgets as widgets
    from IPython.display import display

    from survey_tools.i18n import term

    check_is_fitted(index, "rows_")
    columns = [c for c in (filter_columns if filter_columns is not None else
               index.rows_.columns) if c not in ("id", "status")]
    everyone = term("wb_all", lang)
    query = widgets.Text(placeholder=term("wb_search", lang), continuous_update=False)
    drops = {c: widgets.Dropdown(options=[everyone, *sorted(index.rows_[c].dropna()
                                                            .astype(str).unique())],
                                 description=str(c)) for c in columns}
    count = widgets.IntSlider(value=top_k, min=1, max=50, description=term("wb_count", lang))
    output = widgets.Output()

    def show(_=None):
        output.clear_output()
        if not query.value.strip():
            return
        filters = {c: d.value for c, d in drops.items() if d.value != everyone}
        with output:
            display(index.search(query.value, top_k=count.value, filters=filters))

    for control in (query, count, *drops.values()):
        control.observe(show, names="value")
    return widgets.VBox([query, *drops.values(), count, output])
