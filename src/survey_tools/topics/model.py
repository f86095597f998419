"""``TopicModel``: BERTopic configured for survey answers, with every row accounted for.

The pipeline, each step replaceable:

1. sort answers into real answers, empty answers and non-answers (only real answers are
   modelled; the others stay in the output with their status);
2. detect the language of each answer and embed it (offline; cached on disk);
3. remove the language direction: with mixed Swedish and English answers, the two
   languages sit in separate regions (strongly for an English model, still clearly for the
   multilingual default), and clusters would split by language rather than by subject.
   The mean vector of each language is subtracted (answers of unknown language get the
   overall mean);
4. reduce with PCA and cluster with :class:`~survey_tools.topics.cluster.AutoKMeans`
   (consensus of many k-means runs on subsamples, so the themes do not move with noise
   in the vectors; the number of topics chosen by stability unless it is given, and a
   stability per theme), and number the topics by size as BERTopic does; BERTopic's
   c-TF-IDF picks the topic words (Swedish and English stop words removed there, not
   before embedding). It is computed without importing
   BERTopic, which takes seconds; :attr:`TopicModel.bertopic_` gives the same topics as a
   fitted BERTopic model when wanted;
5. label each topic with phrases from its own answers in the report language
   (:mod:`survey_tools.topics.labels`) and pick quotes among the answers closest to its
   centre;
6. optionally move outliers to the nearest topic, merge topics and rename them (analyst
   edits naming themes by their words or answers, re-matched on every run, see
   :mod:`survey_tools.topics.edits`).

The estimator keeps fit/transform and the fitted attributes; the steps are free functions
in :mod:`~survey_tools.topics.geometry` (centring, centres, closeness, topic numbers),
:mod:`~survey_tools.topics.words` (topic words), :mod:`~survey_tools.topics.naming`
(labels), :mod:`~survey_tools.topics.summary` (the topic table and its quotes) and
:mod:`~survey_tools.topics.bertopic` (the BERTopic view).
"""

from __future__ import annotations

import os
import time
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from survey_tools.io.schema import default_ids
from survey_tools.nlp.answers import ANSWER, EMPTY, NON_ANSWER, answer_kind, as_texts
from survey_tools.nlp.language import languages_of
from survey_tools.params import HasMethods, Interval, Options, check_params
from survey_tools.topics import geometry as geo
from survey_tools.topics.edits import TopicEdits, load_edits
from survey_tools.topics.words import main_language

__all__ = ["STATUSES", "TopicModel", "TopicEdits"]

ASSIGNED, OUTLIER, ERROR = "assigned", "outlier", "error"
STATUSES = (ASSIGNED, OUTLIER, EMPTY, NON_ANSWER, ERROR)
_MIN_ANSWERS = 5


class TopicModel(BaseEstimator):
    """Find topics in open answers; every input row gets a status and, if modelled, a topic.

    Parameters
    ----------
    embedding_model : str or object
        ``"default"`` (multilingual-e5-small, offline; all-MiniLM-L6-v2 where it is not
        installed), ``"fast"``, ``"minilm"``, ``"static"``, ``"tfidf"`` (model-free), a
        sentence-transformers model name or folder, or an object with ``encode(texts)``
        (see :func:`~survey_tools.nlp.embeddings.load_encoder`). An encoder that learns from
        a corpus (``"fast"``, ``"tfidf"``) is fitted on the answers at every fit.
    n_topics : int or "auto"
        Number of topics; ``"auto"`` chooses among 3–12 (fewer for small corpora) by
        stability (:class:`~survey_tools.topics.cluster.AutoKMeans`).
    min_topic_size : int, optional
        Smaller clusters become outliers; default 1 % of the answers, at least 3.
    reducer, clusterer, vectorizer : estimator, optional
        Default PCA to 20 dimensions (deterministic, no compilation),
        :class:`~survey_tools.topics.cluster.AutoKMeans` (``fit``, ``labels_``,
        ``predict``: HDBSCAN works too), :func:`~survey_tools.topics.vocab.topic_vectorizer`.
    language : {"auto", "sv", "en"}
        ``"auto"`` detects each answer's language and centres each language's answers on
        their mean; a code treats all answers as that language.
    languages : sequence of str
        Languages told apart with ``"auto"``; the stop words of all are always removed.
    seed_topics : dict, optional
        ``{label: [words or phrases]}`` (e.g. a codebook's): each seed starts a cluster
        and names the topic whose centre ends closest to it.
    reduce_outliers : bool
        Move outliers to the most similar topic (cosine similarity above 0).
    edits : TopicEdits, dict, str or Path, optional
        Merges and names naming themes by their words or answers, never by number
        (:mod:`survey_tools.topics.edits`), re-matched on every fit; one that no longer
        matches is not applied and is listed in :attr:`edit_log_`.
    top_n_words : int
        Topic words kept per topic.
    word_coherence : float
        0–1: how much the topic words are re-ranked to occur in the same answers
        (:func:`~survey_tools.topics.words.top_words`); 0 keeps plain c-TF-IDF order.
    n_quotes : int
        Quotes per topic (:func:`~survey_tools.topics.summary.quote_candidates`), masked,
        skipping any that might hold personal data.
    mask_personal_data : bool
        Mask personal data in the quotes (default); turning it off is in :attr:`notes_`.
    extra_stop_words, outlier_label : sequence of str, str
        More words to leave out of the topic words (the question's); label of topic -1.
    label_language : {"sv", "en"}, optional
        Language of the labels, words and preferred quotes (the report language); default
        the answers' main language.
    seed : int
        Seed of every random step.
    cache_dir, progress : optional
        Embedding cache folder (default ``~/.cache/survey_tools``; False for none);
        progress bar while embedding (default: only for 2,000+ new answers).
    fit_size, batch_size : int, optional
        Above `fit_size` rows, fit on a seeded sample of that size and assign every row
        with :meth:`transform`, `batch_size` at a time; :attr:`topics_` counts all rows.

    Attributes
    ----------
    assignments_ : DataFrame
        Per input row, in order: ``id, status, topic, label, score, language`` (``topic``
        -1 for outliers, empty where nothing was modelled).
    topics_ : DataFrame
        Per topic (outliers last): ``topic, label, size, share`` (percent of modelled
        answers), ``stability`` (clusterwise Jaccard, NaN without it), ``stable`` (≥ 0.75),
        ``top_words``, ``in_language``, ``quotes``.
    edit_log_ : list of dict
        Per edit: ``edit, themes, label, status, topics, reason``
        (:func:`~survey_tools.topics.edits.edit_log_table`).
    stability_, topic_words_, label_words_ : dict
        ``{topic: stability}`` (a merged topic: its least stable part);
        ``{topic: [(word, weight), ...]}`` from all the topic's answers, and from those in
        the label language (fewer than three: the former).
    foreign_labels_, name_like_words_ : list
        Topics named from answers in another language (quoted «…» unless edited); words
        written like names, kept out of words and labels (personal data).
    n_topics_, min_topic_size_, outlier_share_ : int, int, float
        Topics found (without outliers); the minimum topic size used; the percentage of
        modelled answers that are outliers.
    bertopic_, reduced_ : BERTopic, ndarray
        The topics as a fitted BERTopic model (before outlier reduction and edits); the
        reduced vectors of the modelled answers (for the diagnostics).
    timings_ : dict
        Seconds per step of the last fit: ``prepare, embed, reduce, cluster, words,
        table``.
    label_language_, language_, languages_, reduce_outliers_ : str, str, tuple, bool
        The label language, and the parameters as they were for the fit (what
        :meth:`transform` reads: ``set_params`` without a refit changes nothing).
    doc_languages_, notes_ : ndarray, list of str
        The language of each modelled answer (order of :attr:`docs_`); what was decided
        on the way (e.g. "4 answers could not be embedded").
    """

    # Checked at fit (scikit-learn's constraint style); a wrong value is a clear ValueError.
    _parameter_constraints = {
        "embedding_model": [str, os.PathLike, HasMethods(["encode"])],
        "n_topics": [Interval(Integral, 1, None, closed="left"), Options({"auto"})],
        "min_topic_size": [Interval(Integral, 2, None, closed="left"), None],
        "reducer": [HasMethods(["fit_transform", "transform"]), None],
        "clusterer": [HasMethods(["fit", "predict"]), None],
        "vectorizer": [HasMethods(["fit_transform", "get_feature_names_out"]), None],
        "language": [Options({"auto", "sv", "en"})],
        "languages": [list, tuple],
        "seed_topics": [dict, None],
        "reduce_outliers": ["boolean"],
        "edits": [dict, str, os.PathLike, TopicEdits, None],
        "top_n_words": [Interval(Integral, 1, None, closed="left")],
        "word_coherence": [Interval(Real, 0, 1, closed="both")],
        "n_quotes": [Interval(Integral, 0, None, closed="left")],
        "mask_personal_data": ["boolean"],
        "extra_stop_words": [list, tuple, set, frozenset],
        "outlier_label": [str],
        "label_language": [Options({"sv", "en"}), None],
        "seed": [Interval(Integral, 0, 2**32 - 1, closed="both")],
        "cache_dir": [str, os.PathLike, Options({False}), None],
        "progress": ["boolean", None],
        "fit_size": [Interval(Integral, 1, None, closed="left"), None],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, *, embedding_model="default", n_topics="auto", min_topic_size=None,
                 reducer=None, clusterer=None, vectorizer=None, language="auto",
                 languages=("sv", "en"), seed_topics=None, reduce_outliers=False, edits=None,
                 top_n_words=10, word_coherence=0.5, n_quotes=3, mask_personal_data=True,
                 extra_stop_words=(), outlier_label="outliers", label_language=None,
                 seed=42, cache_dir=None, progress=None, fit_size=None, batch_size=50_000):
        self.embedding_model = embedding_model
        self.n_topics = n_topics
        self.min_topic_size = min_topic_size
        self.reducer = reducer
        self.clusterer = clusterer
        self.vectorizer = vectorizer
        self.language = language
        self.languages = languages
        self.seed_topics = seed_topics
        self.reduce_outliers = reduce_outliers
        self.edits = edits
        self.top_n_words = top_n_words
        self.word_coherence = word_coherence
        self.n_quotes = n_quotes
        self.mask_personal_data = mask_personal_data
        self.extra_stop_words = extra_stop_words
        self.outlier_label = outlier_label
        self.label_language = label_language
        self.seed = seed
        self.cache_dir = cache_dir
        self.progress = progress
        self.fit_size = fit_size
        self.batch_size = batch_size

    def fit(self, X, y=None, *, ids=None, embeddings=None):
        """Fit topics to the answers `X` (missing values allowed); returns self.

        `ids` (same length as `X`) default to ``1..n``; `embeddings`, one row per row of
        `X`, are used instead of embedding (rows of non-answers are ignored). `y` is
        ignored (scikit-learn convention).
        """
        check_params(self, self._parameter_constraints)
        if set(self.languages) - {"sv", "en"} or not self.languages:
            raise ValueError(f"The 'languages' parameter of TopicModel must hold 'sv' and/or "
                             f"'en'. Got {self.languages!r} instead.")
        texts = as_texts(X)
        ids = default_ids(ids, len(texts))
        # Start from scratch: nothing of an earlier fit survives this one (an encoder for
        # another embedding_model, the clusters of other answers, a BERTopic view of them).
        for name in [k for k in vars(self) if k.endswith("_") and not k.startswith("__")]:
            delattr(self, name)
        self.__dict__.pop("_bertopic", None)
        # what transform needs of the parameters, as they were for this fit
        self.language_, self.languages_ = self.language, tuple(self.languages)
        self.reduce_outliers_ = self.reduce_outliers
        if self.fit_size is None or len(texts) <= self.fit_size:
            return self._fit_rows(texts, ids, embeddings)
        from survey_tools.topics import large

        rows = large.sample_rows(len(texts), self.fit_size, self.seed)
        self._fit_rows(texts.iloc[rows].reset_index(drop=True), ids.iloc[rows],
                       None if embeddings is None else np.asarray(embeddings)[rows])
        self.assignments_ = pd.concat(  # every row, the sampled ones too, by transform
            [self.transform(texts.iloc[b], ids=ids.iloc[b].to_numpy())
             for b in large.batches(len(texts), self.batch_size, progress=self.progress)],
            ignore_index=True)
        self.topics_ = large.count_topics(self.topics_, self.assignments_)
        self.outlier_share_ = large.outlier_share(self.assignments_["status"])
        self.notes_.append(large.sample_note(len(rows), len(texts), self.seed))
        return self

    def _fit_rows(self, texts, ids, embeddings):
        from survey_tools.topics.fitting import fit_topics, fitted_encoder, no_topics, tick
        from survey_tools.topics.summary import topic_table

        texts, ids = texts.reset_index(drop=True), ids.reset_index(drop=True)
        self.notes_, self.timings_ = [], {}
        clock = time.perf_counter()
        status = answer_kind(texts).replace({ANSWER: ASSIGNED})
        langs = languages_of(texts, language=self.language_, languages=self.languages_)
        idx = np.flatnonzero((status == ASSIGNED).to_numpy())
        docs = [str(texts[i]).strip() for i in idx]
        self.label_language_ = self.label_language or main_language(langs.iloc[idx],
                                                                    self.language)
        self.edits_ = load_edits(self.edits).in_language(self.label_language_)
        clock = tick(self.timings_, "prepare", clock)
        self.encoder_, notes = fitted_encoder(self.embedding_model, docs,
                                              cache_dir=self.cache_dir)
        self.notes_.extend(notes)
        emb = (self._embed(docs) if embeddings is None
               else np.asarray(embeddings, dtype=np.float32)[idx])
        tick(self.timings_, "embed", clock)
        bad = ~np.isfinite(emb).all(axis=1) if len(docs) else np.zeros(0, bool)
        if bad.any():
            status.iloc[idx[bad]] = ERROR
            self.notes_.append(f"{int(bad.sum())} answers could not be embedded (status error)")
            idx, emb = idx[~bad], emb[~bad]
            docs = [d for d, b in zip(docs, bad, strict=True) if not b]
        self.doc_languages_ = np.asarray(langs.to_numpy()[idx], dtype=object)
        self.min_topic_size_ = int(self.min_topic_size or max(3, round(0.01 * len(docs))))
        if len(docs) < _MIN_ANSWERS:
            fitted, notes = no_topics(docs, outlier_label=self.outlier_label)
            self.notes_.extend(notes)
        else:
            fitted = fit_topics(docs, emb, params=self.get_params(), encoder=self.encoder_,
                                doc_languages=self.doc_languages_, edits=self.edits_,
                                label_language=self.label_language_, notes=self.notes_,
                                min_size=self.min_topic_size_, timings=self.timings_)
        topics, scores = fitted.pop("topics"), fitted.pop("scores")
        self.__dict__.update(fitted)  # the fitted attributes fit_topics returns
        status.iloc[idx[topics == -1]] = OUTLIER
        if not self.mask_personal_data:
            self.notes_.append("masking of personal data in quotes was turned off "
                               "(mask_personal_data=False)")
        clock = time.perf_counter()
        self.assignments_ = _assignments(ids, status, langs, idx, topics, scores, self.labels_)
        self.docs_ = docs
        self.outlier_share_ = 100 * float((topics == -1).mean()) if docs else float("nan")
        self.topics_ = topic_table(
            docs, topics, np.nan_to_num(scores, nan=-1.0), labels=self.labels_,
            stability=self.stability_, label_words=self.label_words_,
            foreign=self.foreign_labels_, doc_languages=self.doc_languages_,
            label_language=self.label_language_, n_quotes=self.n_quotes,
            mask=self.mask_personal_data)
        tick(self.timings_, "table", clock)
        return self

    def _embed(self, docs: list[str]) -> np.ndarray:
        from survey_tools.nlp.embeddings import embed

        return embed(docs, model=self.encoder_, cache_dir=self.cache_dir,
                     progress=self.progress)

    @property
    def bertopic_(self):
        """The topics as a fitted BERTopic model, built on first access (``as_bertopic``)."""
        check_is_fitted(self, "assignments_")
        if not self.n_topics_:
            raise ValueError("no topics were fitted (too few answers), so there is nothing "
                             "for BERTopic to show")
        if getattr(self, "_bertopic", None) is None:
            from survey_tools.topics.bertopic import as_bertopic
            from survey_tools.topics.fitting import label_words_of

            self._bertopic = as_bertopic(self.docs_, self.reduced_, self.clusterer_.labels_,
                                         vectorizer=self.vectorizer_,
                                         describe=label_words_of(self),
                                         top_n_words=self.top_n_words)
        return self._bertopic

    def transform(self, X, *, ids=None) -> pd.DataFrame:
        """Assign new answers to the fitted topics: the columns of :attr:`assignments_`.

        `ids` (same length as `X`) default to ``1..n``.
        """
        check_is_fitted(self, "assignments_")
        texts = as_texts(X)
        ids = default_ids(ids, len(texts))
        status = answer_kind(texts).replace({ANSWER: ASSIGNED})
        langs = languages_of(texts, language=self.language_, languages=self.languages_)
        idx = np.flatnonzero((status == ASSIGNED).to_numpy())
        status.iloc[idx] = OUTLIER  # unless assigned below
        if not (len(idx) and self.n_topics_):
            return _assignments(ids, status, langs, idx[:0], [], [], self.labels_)
        emb = self._embed([str(texts[i]).strip() for i in idx])
        reduced = self.reducer_.transform(geo.centre_vectors(
            emb, langs.to_numpy()[idx], self.global_mean_, self.language_means_))
        topics = np.array([self.merged_.get(self.cluster_to_topic_.get(int(c), -1),
                                            self.cluster_to_topic_.get(int(c), -1))
                           for c in self.clusterer_.predict(reduced)], dtype=int)
        if self.reduce_outliers_:
            topics = geo.move_outliers(reduced, topics, self.centroids_)
        scores = geo.similarity_scores(reduced, topics, self.centroids_)[0]
        status.iloc[idx[topics != -1]] = ASSIGNED
        return _assignments(ids, status, langs, idx, topics, scores, self.labels_)

    def fit_transform(self, X, y=None, *, ids=None, embeddings=None) -> pd.DataFrame:
        """Fit and return :attr:`assignments_`."""
        return self.fit(X, ids=ids, embeddings=embeddings).assignments_


def _assignments(ids, status, langs, idx, topics, scores, labels) -> pd.DataFrame:
    """Return ``id, status, topic, label, score, language`` per row (topics at `idx`)."""
    topic_col = pd.Series(pd.NA, index=status.index, dtype="Int64")
    score_col = pd.Series(np.nan, index=status.index, dtype=float)
    topic_col.iloc[idx] = topics
    score_col.iloc[idx] = np.round(scores, 4)
    label = topic_col.map(lambda t: labels.get(int(t)) if pd.notna(t) else None)
    return pd.DataFrame({"id": ids.to_numpy(), "status": status.to_numpy(), "topic": topic_col,
                         "label": label.astype(object), "score": score_col,
                         "language": langs.to_numpy()})
