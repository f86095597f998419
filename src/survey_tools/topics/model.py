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
"""

from __future__ import annotations

import os
import re
import time
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from survey_tools.embeddings import unit_rows
from survey_tools.language import UNDETERMINED, detect_languages
from survey_tools.params import HasMethods, Interval, Options, check_params
from survey_tools.schema import default_ids
from survey_tools.text import ANSWER, EMPTY, NON_ANSWER, answer_kind, as_texts
from survey_tools.topics.cluster import STABLE_JACCARD
from survey_tools.topics.edits import TopicEdits, load_edits

__all__ = ["STATUSES", "TopicModel", "TopicEdits"]

ASSIGNED, OUTLIER, ERROR = "assigned", "outlier", "error"
STATUSES = (ASSIGNED, OUTLIER, EMPTY, NON_ANSWER, ERROR)
_MIN_ANSWERS = 5


def _described_by(describe):
    """Return a BERTopic representation model that gives a topic the words `describe` gives.

    BERTopic's public way to choose a topic's words (``representation_model``), used by
    :attr:`TopicModel.bertopic_` so that its topics show the words the topic table shows.
    """
    from bertopic.representation import BaseRepresentation

    class Described(BaseRepresentation):
        def extract_topics(self, topic_model, documents, c_tf_idf, topics):
            words = describe(documents["Document"].tolist(), documents["Topic"].to_numpy())
            return {t: words.get(t, []) for t in topics}

    return Described()


class TopicModel(BaseEstimator):
    """Find topics in open answers; every input row gets a status and, if modelled, a topic.

    Parameters
    ----------
    embedding_model : str or object
        ``"default"`` (multilingual-e5-small, offline; all-MiniLM-L6-v2 where it is not
        installed, see :func:`~survey_tools.embeddings.default_encoder`), ``"fast"``
        (static vectors mapped onto the default model's, see
        :class:`~survey_tools.embeddings.AdaptedStaticEncoder`), ``"minilm"``, ``"static"``,
        ``"tfidf"`` (model-free), a sentence-transformers model name in the local cache or
        a model folder, or any object with ``encode(texts)``. An encoder that also has
        ``fit(texts)`` (as ``"fast"``) is fitted on the answers at every fit.
    n_topics : int or "auto"
        Number of topics; ``"auto"`` chooses among 3–12 (fewer for small corpora) by
        stability, see
        :class:`~survey_tools.topics.cluster.AutoKMeans` and
        :func:`~survey_tools.topics.diagnostics.topic_count_table`.
    min_topic_size : int, optional
        Smaller clusters become outliers; default 1 % of the answers, at least 3.
    reducer : estimator, optional
        Dimension reduction (fit/transform); default PCA to 20 dimensions (fewer for
        tiny corpora). PCA is used rather than UMAP: it is deterministic, needs no
        compilation, and survey corpora are small enough for it.
    clusterer : estimator, optional
        Clustering with ``fit``, ``labels_`` and ``predict``; default
        :class:`~survey_tools.topics.cluster.AutoKMeans`. An HDBSCAN instance works too.
    vectorizer : CountVectorizer, optional
        For topic words; default :func:`~survey_tools.topics.vocab.topic_vectorizer`.
    language : {"auto", "sv", "en"}
        ``"auto"`` detects the language of each answer; a code treats all answers as
        that language (no language centring).
    languages : sequence of str
        Languages told apart with ``"auto"``. The stop words of all of them are always
        removed from topic words (a stray English "the" in Swedish answers is still noise).
    seed_topics : dict, optional
        Guided topics: ``{label: [words or phrases]}``, e.g. from a codebook. Each seed
        starts a cluster at the embedding of its words (with the default clusterer), and
        its label goes to the topic whose centre ends closest to it.
    reduce_outliers : bool
        Move outliers to the most similar topic (cosine similarity in the reduced space
        above 0).
    edits : TopicEdits, dict, str or Path, optional
        Merges and names to apply after fitting (a YAML file path, a dict, or
        :class:`TopicEdits`), each naming its themes by their words or answers, never
        by number (see :mod:`survey_tools.topics.edits`); re-matched on every fit, and
        an edit that no longer matches is not applied and is listed in
        :attr:`edit_log_`.
    top_n_words : int
        Topic words kept per topic.
    word_coherence : float
        0–1. Topic words are the topic's 30 best c-TF-IDF words re-ranked so that the chosen
        words also occur in the same answers (see
        :func:`~survey_tools.topics.metrics.coherent_words`); 0 keeps plain c-TF-IDF order.
    n_quotes : int
        Representative answers per topic: among the topic's answers closest to its centre
        (the closest quarter, at least ``3 * n_quotes``), answers in the label language
        first, masked, and skipping any that might hold personal data.
    mask_personal_data : bool
        Mask personal data in the quotes (default). Turning it off is recorded in
        :attr:`notes_`, which the report notebook prints.
    extra_stop_words : sequence of str
        More words to leave out of the topic words (e.g. the words of the question).
    outlier_label : str
        Label of topic -1.
    label_language : {"sv", "en"}, optional
        Language of the topic labels and the preferred language of the quotes (the report
        language); default the most common language of the answers. Labels are phrases
        from the topic's own answers in that language (see
        :func:`~survey_tools.topics.labels.topic_labels`).
    seed : int
        Seed of every random step.
    cache_dir : str, Path or False, optional
        Embedding cache folder (default ``~/.cache/survey_tools``); False for none.
    progress : bool, optional
        Progress bar while embedding (default: only for 2,000+ new answers).
    fit_size : int, optional
        Above this many rows, fit on a seeded random sample of this size (drawn with
        `seed`) and assign every row, the sampled ones included, with :meth:`transform`
        in batches of `batch_size`; :attr:`topics_` is then counted over all rows. Default:
        fit on all rows.
    batch_size : int
        Rows embedded and assigned at a time above `fit_size`.

    Attributes
    ----------
    assignments_ : DataFrame
        One row per input row, in input order: ``id, status, topic, label, score,
        language``. ``topic`` is -1 for outliers and empty where nothing was modelled.
    topics_ : DataFrame
        One row per topic (outliers last): ``topic, label, size, share, stability,
        stable, top_words, in_language, quotes``; ``share`` is the percentage of modelled answers,
        ``stability`` the theme's clusterwise Jaccard over the clustering's subsample
        runs (see :class:`~survey_tools.topics.cluster.AutoKMeans`; NaN with a clusterer
        that does not measure it) and ``stable`` whether it reaches 0.75.
    edit_log_ : list of dict
        One row per edit: ``edit`` (merge or label), ``themes`` (how it names them),
        ``label``, ``status`` (applied / not applied), ``topics`` (the topic numbers it
        matched in this fit) and ``reason``; see
        :func:`~survey_tools.topics.edits.edit_log_table`.
    stability_ : dict
        ``{topic: stability}`` as in :attr:`topics_` (a merged topic: its least stable
        part).
    topic_words_ : dict
        ``{topic: [(word, weight), ...]}``, from all the topic's answers.
    label_words_ : dict
        The same from the topic's answers in the label language (``top_words`` in
        :attr:`topics_`): an English report of mostly Swedish answers shows English words;
        a word that answers in other languages use more often is left out (answers that
        mix languages, chats).
        A topic with fewer than three answers in that language keeps :attr:`topic_words_`.
    foreign_labels_ : list of int
        Topics with fewer than three answers in the label language: their label and words
        come from answers in another language and are shown quoted, «…», as answers are
        (``in_language`` False in :attr:`topics_`), unless the analyst named them (edits).
    name_like_words_ : list of str
        Words the answers write like names (:func:`survey_tools.pii.name_like_words`),
        kept out of topic words and labels; personal data, not for publishing.
    n_topics_ : int
        Topics found (without outliers).
    min_topic_size_ : int
        The minimum topic size used (`min_topic_size`, or its default for these answers).
    outlier_share_ : float
        Percentage of modelled answers that are outliers.
    bertopic_ : BERTopic
        The topics as a fitted BERTopic model (before outlier reduction and edits), built
        on first access; use it for BERTopic's own visualisations.
    reduced_ : ndarray
        The reduced embeddings of the modelled answers (used by the diagnostics).
    timings_ : dict
        Seconds spent in each step of the last :meth:`fit`: ``prepare`` (answer kinds and
        languages), ``embed`` (including loading the model), ``reduce``, ``cluster``
        (clustering), ``words`` (topic words and labels) and
        ``table`` (topic table with masked quotes).
    label_language_ : str
        The language of the labels (``label_language`` or the answers' main language).
    language_, languages_, reduce_outliers_ : str, tuple, bool
        The parameters of the same names as they were for the fit: :meth:`transform`
        reads these, so ``set_params`` without a refit changes nothing it returns.
    doc_languages_ : ndarray
        The language of each modelled answer (order of :attr:`docs_`).
    notes_ : list of str
        What was decided on the way (e.g. "4 answers could not be embedded").
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

    # ------------------------------------------------------------------ steps
    def _languages_of(self, texts: pd.Series) -> pd.Series:
        """Each text's language, by the setting of the fit (``language_``)."""
        if self.language_ == "auto":
            return detect_languages(texts, languages=self.languages_)
        return pd.Series(self.language_, index=texts.index, dtype=object)

    def _fit_encoder(self, docs: list[str]) -> None:
        """Load the encoder; one that learns from a corpus ("fast") is fitted on `docs`."""
        from survey_tools.embeddings import describe_encoder, fit_encoder

        self.encoder_ = fit_encoder(self.embedding_model, docs, refit=True,
                                    cache_dir=self.cache_dir)
        note = describe_encoder(self.encoder_)["note"]
        if note:  # the multilingual default is not installed here
            self.notes_.append(note)
        self.notes_.extend(getattr(self.encoder_, "notes_", []))

    def _embed(self, docs: list[str]) -> np.ndarray:
        from survey_tools.embeddings import embed

        return embed(docs, model=self.encoder_, cache_dir=self.cache_dir,
                     progress=self.progress)

    def _center(self, emb: np.ndarray, langs: np.ndarray, *, learn: bool) -> np.ndarray:
        # Everything after embedding runs in float64: float32 matrix products can differ in
        # the last bits with the batch size, so scores and topics would depend on how the
        # rows were split (batches, Dask partitions).
        emb = np.asarray(emb, dtype=np.float64)
        if learn:
            self.global_mean_ = emb.mean(axis=0)
            self.language_means_ = {}
            if self.language_ == "auto":
                known = [lg for lg in pd.unique(langs) if lg != UNDETERMINED]
                if len(known) > 1:
                    self.language_means_ = {lg: emb[langs == lg].mean(axis=0) for lg in known
                                            if (langs == lg).sum() >= 5}
        if not self.language_means_:
            return unit_rows(emb - self.global_mean_)
        means = np.vstack([self.language_means_.get(lg, self.global_mean_) for lg in langs])
        return unit_rows(emb - means)

    def _min_size(self, n: int) -> int:
        return int(self.min_topic_size or max(3, round(0.01 * n)))

    def _make_reducer(self, n: int, dim: int):
        if self.reducer is not None:
            from sklearn.base import clone

            return clone(self.reducer)
        from sklearn.decomposition import PCA

        return PCA(n_components=max(1, min(20, n - 1, dim)), svd_solver="full",
                   random_state=self.seed)

    def _seed_centers(self):
        if not self.seed_topics:
            return None
        phrases = [" ".join(map(str, words)) for words in self.seed_topics.values()]
        vecs = self._embed(phrases)
        return unit_rows(self.reducer_.transform(unit_rows(vecs - self.global_mean_)))

    def _make_clusterer(self, n: int, seeds):
        if self.clusterer is not None:
            from sklearn.base import clone

            return clone(self.clusterer)
        from survey_tools.topics.cluster import AutoKMeans

        return AutoKMeans(self.n_topics, min_cluster_size=self._min_size(n),
                          init_centers=seeds, random_state=self.seed)

    def _fit_clusters(self, reduced: np.ndarray, seeds) -> np.ndarray:
        """Cluster; return topic ids numbered by size as BERTopic numbers them (-1 outliers)."""
        from survey_tools.topics.vocab import topic_vectorizer

        self.vectorizer_ = self.vectorizer if self.vectorizer is not None else topic_vectorizer(
            reduced.shape[0], languages=self._stop_languages(),
            extra_stop_words=[*self.extra_stop_words, *getattr(self, "name_like_words_", ())])
        self.clusterer_ = self._make_clusterer(reduced.shape[0], seeds)
        raw = np.asarray(self.clusterer_.fit(reduced).labels_, dtype=int)
        topics = _number_by_size(raw)
        self.cluster_to_topic_ = {int(c): int(t) for c, t in zip(raw, topics, strict=True)}
        per_cluster = getattr(self.clusterer_, "stability_", None)
        self.cluster_stability_ = {
            t: float(per_cluster[c]) if per_cluster is not None and c < len(per_cluster)
            else float("nan") for c, t in self.cluster_to_topic_.items() if t != -1}
        return topics

    @property
    def bertopic_(self):
        """The clusters as a fitted BERTopic model, for BERTopic's own visualisations.

        Built on first access (importing BERTopic takes seconds, and a run does not need
        it): BERTopic's manual topic modelling on :attr:`reduced_` with the topics before
        outlier reduction and edits. Its topic ids are the same as :attr:`assignments_`'s
        before edits, and each topic's words are described as :attr:`label_words_`
        describes them (c-TF-IDF over the answers in the label language that contain a
        word, re-ranked by `word_coherence`), so a topic no edit changed shows the same
        words in ``get_topic`` as in ``top_words``.
        """
        check_is_fitted(self, "assignments_")
        if not self.n_topics_:
            raise ValueError("no topics were fitted (too few answers), so there is nothing "
                             "for BERTopic to show")
        if getattr(self, "_bertopic", None) is None:
            from bertopic import BERTopic
            from bertopic.cluster import BaseCluster
            from bertopic.dimensionality import BaseDimensionalityReduction
            from bertopic.vectorizers import ClassTfidfTransformer
            from sklearn.base import clone

            # Given the clusters, BERTopic numbers them by size as _fit_clusters did.
            # BERTopic fits its vectorizer on one joined document per topic, so a min_df
            # meant for answers would drop every topic-specific word there: min_df=1.
            self._bertopic = BERTopic(
                umap_model=BaseDimensionalityReduction(), hdbscan_model=BaseCluster(),
                vectorizer_model=clone(self.vectorizer_).set_params(min_df=1, max_df=1.0),
                ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
                representation_model=_described_by(self._words_in_language),
                top_n_words=self.top_n_words, calculate_probabilities=False, verbose=False,
            ).fit(list(self.docs_), embeddings=self.reduced_,
                  y=np.asarray(self.clusterer_.labels_, dtype=int))
        return self._bertopic

    def _topic_words(self, docs, topics):
        words = self._describe(docs, topics)
        if words and not any(words.values()):
            self.notes_.append("the topic words could not describe the topics: no word is "
                               "left after stop words")
        return words

    def _describe(self, docs, topics) -> dict[int, list[tuple]]:
        """Return each topic's words, as :attr:`topic_words_` and ``top_words`` show them."""
        from survey_tools.topics.metrics import coherent_words, topic_words

        n_candidates = max(30, 3 * self.top_n_words) if self.word_coherence else self.top_n_words
        candidates = topic_words(docs, topics, self.vectorizer_, top_n=n_candidates)
        return coherent_words(candidates, docs, self.vectorizer_, top_n=self.top_n_words,
                              weight=self.word_coherence)

    def _stop_languages(self):
        extra = () if self.language in ("auto", *self.languages) else (self.language,)
        return (*self.languages, *extra)

    # ------------------------------------------------------------------ results
    def _centroids(self, reduced, topics) -> dict[int, np.ndarray]:
        return {int(t): unit_rows(reduced[topics == t].mean(axis=0, keepdims=True))[0]
                for t in np.unique(topics) if t != -1}

    def _scores(self, reduced, topics, centroids):
        """Return (score per answer, similarity matrix, topic ids of its columns)."""
        if not centroids:
            return np.full(len(topics), np.nan), np.zeros((len(topics), 0)), []
        ids = sorted(centroids)
        sims = unit_rows(reduced) @ np.vstack([centroids[t] for t in ids]).T
        col = {t: j for j, t in enumerate(ids)}
        own = np.array([sims[i, col[t]] if t in col else sims[i].max()
                        for i, t in enumerate(topics)])
        return own, sims, ids

    def _move_outliers(self, reduced, topics, centroids):
        if not centroids or not (topics == -1).any():
            return topics
        _, sims, ids = self._scores(reduced, topics, centroids)
        best = np.asarray(ids)[sims.argmax(axis=1)]
        return np.where((topics == -1) & (sims.max(axis=1) > 0), best, topics)

    def _apply_merges(self, docs, topics):
        """Merge the themes the edits name by their content (see :mod:`.edits`)."""
        from survey_tools.topics.edits import apply_merges, topic_members

        self.edit_log_ = []
        self.merged_, self.merged_names_ = {}, {}
        if not self.edits_.merge:
            return topics
        topics, self.merged_, self.merged_names_, self.edit_log_ = apply_merges(
            self.edits_, topics, topic_members(docs, topics))
        self._note_edits(self.edit_log_)
        return topics

    def _note_edits(self, log) -> None:
        for row in log:
            if row["status"] != "applied":
                self.notes_.append(f"edits: the {row['edit']} of {row['themes']} was not "
                                   f"applied ({row['reason']})")

    def _phrase_labels(self, docs, X, topics, langs, scores) -> dict[int, str]:
        """Labels from the topics' own phrases in the label language (see ``labels``)."""
        from survey_tools.text import all_is_well_label, says_all_is_well
        from survey_tools.topics.labels import topic_labels
        from survey_tools.topics.vocab import person_names, stop_words

        self.foreign_labels_ = []
        ids = [t for t in np.unique(topics) if t != -1]
        if not ids:
            return {}
        lang = self.label_language_
        centres = {int(t): unit_rows(X[topics == t].mean(axis=0, keepdims=True))[0]
                   for t in ids}

        def embed_phrases(phrases):
            vectors = self._embed(list(phrases))
            if vectors.shape[1] != X.shape[1]:  # embeddings were given, from another model
                return None
            return unit_rows(self._center(vectors, np.array([lang] * len(phrases)),
                                          learn=False))

        # Answers too short to tell their language ("Budget", "Money") get the language of
        # the answers that use their words, so a one-word English answer does not name a
        # Swedish topic; those still unknown ("Ekonomi") the answers' main language.
        langs = _short_answer_languages(docs, langs)
        labels, other = topic_labels(
            docs, topics, centres=centres, embed=embed_phrases, lang=lang,
            doc_languages=langs, closeness=np.nan_to_num(scores, nan=-1.0),
            stop_words=stop_words(self._stop_languages(), extra=self.extra_stop_words),
            blocked=[*person_names(), *getattr(self, "name_like_words_", ())],
            all_is_well=says_all_is_well(docs),
            all_is_well_label=all_is_well_label(lang))
        if other:
            self.notes_.append(f"topics {other} have fewer than three answers in {lang!r}: "
                               "their labels come from answers in any language")
        self.foreign_labels_ = sorted(int(t) for t in other)
        return labels

    def _labels(self, words, phrases, docs, topics) -> dict[int, str]:
        from survey_tools.topics.edits import apply_labels, topic_members

        labels = {t: phrases.get(t) or _label_from_words([w for w, _ in ws]) or f"topic {t}"
                  for t, ws in words.items()}
        if self.seed_topics and hasattr(self, "seed_topic_of_"):
            labels.update({t: lbl for t, lbl in self.seed_topic_of_.items() if t in labels})
        made = dict(labels)
        log = apply_labels(self.edits_, labels, topic_members(docs, topics),
                           self.merged_names_)
        # a name the analyst gave (or a seed's) is in the report language
        named = {t for t in labels if made[t] != labels[t]} | (
            set(self.seed_topic_of_) if self.seed_topics and hasattr(self, "seed_topic_of_")
            else set())
        self.foreign_labels_ = [t for t in self.foreign_labels_ if t not in named]
        for t in self.foreign_labels_:  # the answers' words, quoted as answers are
            labels[t] = f"«{labels[t]}»"
        self.edit_log_ = [*self.edit_log_, *log]
        self._note_edits(log)
        labels[-1] = self.outlier_label
        return labels

    def _words_in_language(self, docs, topics, everything=None) -> dict[int, list[tuple]]:
        """Each topic's words from its answers in the label language (``label_words_``).

        A topic with fewer than three such answers gets the words of all its answers
        (`everything`, computed when not given).
        """
        everything = self._describe(docs, topics) if everything is None else everything
        langs = self.doc_languages_ if len(self.doc_languages_) == len(docs) else [
            UNDETERMINED] * len(docs)
        same = _short_answer_languages(docs, langs) == self.label_language_
        if not same.any():
            return everything
        topics = np.asarray(topics)
        words = self._own_words(self._describe(
            [d for d, keep in zip(docs, same, strict=True) if keep], topics[same]), docs)
        enough = {t for t, n in zip(*np.unique(topics[same], return_counts=True),
                                    strict=True) if n >= 3}
        return {t: (words.get(t) or ws) if t in enough else ws
                for t, ws in everything.items()}

    def _own_words(self, words: dict, docs) -> dict:
        """Leave out the words the label language hardly writes (a chat mixes languages).

        Each sentence's language is detected; a word stays when its share of the
        label language's sentences is at least a fifth of its share of the others'
        ("data", "gdpr" stay in both; "känner" leaves an English chat's words).
        """
        from sklearn.base import clone

        from survey_tools.language import detect_languages

        sentences = [p for d in docs for p in re.split(r"(?<=[.!?])\s+|\n+", str(d))
                     if p.strip()]
        langs = detect_languages(sentences, languages=tuple(self.languages)).to_numpy()
        same, other = langs == self.label_language_, ~np.isin(
            langs, [self.label_language_, UNDETERMINED])
        if not same.any() or not other.any():
            return words
        vec = clone(self.vectorizer_).set_params(binary=True)
        try:
            used = vec.fit_transform(sentences)
        except ValueError:  # nothing left after stop words
            return words
        ours, theirs = (np.asarray(used[rows].mean(axis=0)).ravel() for rows in (same, other))
        vocab = vec.vocabulary_

        def written(phrase: str) -> bool:  # and each of its words ("känner feel")
            return all(w not in vocab or ours[vocab[w]] >= theirs[vocab[w]] / 5
                       for w in (phrase, *phrase.split()))

        return {t: [(w, v) for w, v in ws if written(w)] for t, ws in words.items()}

    def _match_seeds(self, seeds, centroids):
        """Give a seeded label to the topic whose centre is closest to that seed (one-to-one)."""
        self.seed_topic_of_ = {}
        if seeds is None or not centroids:
            return
        ids = sorted(centroids)
        sims = seeds @ np.vstack([centroids[t] for t in ids]).T
        taken = set()
        for s_idx in np.argsort(-sims.max(axis=1)):
            order = [ids[j] for j in np.argsort(-sims[s_idx]) if ids[j] not in taken]
            if order:
                taken.add(order[0])
                self.seed_topic_of_[order[0]] = list(self.seed_topics)[s_idx]

    def quote_candidates(self, members, scores) -> list[int]:
        """Return the answers a topic may be quoted with, in the order they are tried.

        The topic's answers closest to its centre (the closest quarter, at least
        ``3 * n_quotes``), those in the label language first, each group by closeness.
        """
        ranked = members[np.argsort(-np.asarray(scores)[members], kind="stable")]
        closest = ranked[:max(3 * self.n_quotes, int(np.ceil(len(members) / 4)))]
        same = [int(i) for i in closest if self.doc_languages_[i] == self.label_language_]
        return same + [int(i) for i in closest if self.doc_languages_[i] != self.label_language_]

    def _topic_table(self, docs, topics, scores) -> pd.DataFrame:
        from survey_tools.pii import name_like_words
        from survey_tools.quotes import pick_quotes

        n = max(len(docs), 1)
        rows = []
        ids = [t for t in sorted(set(topics.tolist())) if t != -1]
        # words any answer writes like a name, or that only ever start an answer's sentence
        unquotable = name_like_words(docs, starts=True)
        for t in [*ids, -1] if (topics == -1).any() else ids:
            members = np.flatnonzero(topics == t)
            pool = self.quote_candidates(members, scores)
            quotes = pick_quotes([docs[i] for i in pool], n=self.n_quotes,
                                 mask=self.mask_personal_data,
                                 name_like=unquotable) if t != -1 else []
            stability = self.stability_.get(int(t), np.nan)
            rows.append({
                "topic": int(t), "label": self.labels_[t], "size": int(len(members)),
                "share": 100 * len(members) / n, "stability": stability,
                "stable": bool(stability >= STABLE_JACCARD) if t != -1 else pd.NA,
                "top_words": _quoted(", ".join(w for w, _ in self.label_words_.get(t, [])),
                                     t in self.foreign_labels_),
                "in_language": t == -1 or t not in self.foreign_labels_,
                "quotes": quotes,
            })
        return pd.DataFrame(rows, columns=["topic", "label", "size", "share", "stability",
                                           "stable", "top_words", "in_language", "quotes"])

    # ------------------------------------------------------------------ API
    def fit(self, X, y=None, *, ids=None, embeddings=None):
        """Fit topics to the answers `X`; returns self.

        Parameters
        ----------
        X : sequence of str
            One answer per respondent (missing values allowed).
        y : None
            Ignored (scikit-learn convention).
        ids : sequence, optional
            Respondent ids, same length as `X`; default ``1..n``.
        embeddings : ndarray, optional
            Precomputed vectors, one row per row of `X` (rows of non-answers are ignored).
        """
        check_params(self, self._parameter_constraints)
        unknown = sorted(set(self.languages) - {"sv", "en"})
        if unknown or not self.languages:
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
        if self.fit_size is not None and len(texts) > self.fit_size:
            return self._fit_on_sample(texts, ids, embeddings)
        return self._fit_rows(texts, ids, embeddings)

    def _fit_on_sample(self, texts, ids, embeddings):
        """Fit on a seeded sample, then assign every row in batches (see `fit_size`)."""
        from tqdm import tqdm

        from survey_tools.topics.large import sample_rows

        n = len(texts)
        rows = sample_rows(n, self.fit_size, self.seed)
        self._fit_rows(texts.iloc[rows].reset_index(drop=True), ids.iloc[rows],
                       None if embeddings is None else np.asarray(embeddings)[rows])
        parts = []
        starts = range(0, n, self.batch_size)
        show = len(starts) > 1 if self.progress is None else bool(self.progress)
        for start in tqdm(starts, disable=not show, desc="assigning", unit="batch"):
            stop = start + self.batch_size
            parts.append(self.transform(texts.iloc[start:stop],
                                        ids=ids.iloc[start:stop].to_numpy()))
        self.assignments_ = pd.concat(parts, ignore_index=True)
        self.notes_.append(f"fitted on {len(rows):,} of {n:,} rows (seed {self.seed}); every "
                           "row assigned with the fitted model")
        from survey_tools.topics.large import count_topics, outlier_share

        self.topics_ = count_topics(self.topics_, self.assignments_)
        self.outlier_share_ = outlier_share(self.assignments_["status"])
        return self

    def _fit_rows(self, texts, ids, embeddings):
        """Fit on every row of `texts` (the body of :meth:`fit`)."""
        texts = texts.reset_index(drop=True)
        ids = ids.reset_index(drop=True)
        self.edits_ = load_edits(self.edits)
        self.notes_ = []
        self.timings_ = {}
        clock = time.perf_counter()
        status = answer_kind(texts).replace({ANSWER: ASSIGNED})
        langs = self._languages_of(texts)
        idx = np.flatnonzero((status == ASSIGNED).to_numpy())
        docs = [str(texts[i]).strip() for i in idx]
        self.label_language_ = self.label_language or _main_language(langs.iloc[idx],
                                                                     self.language)
        self.edits_ = self.edits_.in_language(self.label_language_)  # names in that language
        clock = self._tick("prepare", clock)
        self._fit_encoder(docs)
        emb = (self._embed(docs) if embeddings is None
               else np.asarray(embeddings, dtype=np.float32)[idx])
        self._tick("embed", clock)
        bad = ~np.isfinite(emb).all(axis=1) if len(docs) else np.zeros(0, bool)
        if bad.any():
            status.iloc[idx[bad]] = ERROR
            self.notes_.append(f"{int(bad.sum())} answers could not be embedded (status error)")
            idx, emb = idx[~bad], emb[~bad]
            docs = [d for d, b in zip(docs, bad, strict=True) if not b]
        topics, scores = self._fit_answers(docs, emb, langs.to_numpy()[idx])
        status.iloc[idx[topics == -1]] = OUTLIER
        if not self.mask_personal_data:
            self.notes_.append("masking of personal data in quotes was turned off "
                               "(mask_personal_data=False)")
        clock = time.perf_counter()
        self._store(texts, ids, status, langs, idx, docs, topics, scores)
        self._tick("table", clock)
        return self

    def _tick(self, step: str, since: float) -> float:
        now = time.perf_counter()
        self.timings_[step] = round(self.timings_.get(step, 0.0) + now - since, 3)
        return now

    def _fit_answers(self, docs, emb, langs):
        self.doc_languages_ = np.asarray(langs, dtype=object)
        self.min_topic_size_ = self._min_size(len(docs))
        if len(docs) < _MIN_ANSWERS:
            self.notes_.append("no answers to model: every row is empty or a non-answer"
                               if not docs else
                               f"only {len(docs)} answers to model: all are outliers")
            self.topic_words_, self.labels_, self.n_topics_ = {}, {-1: self.outlier_label}, 0
            self.label_words_, self.foreign_labels_ = {}, []
            self.stability_ = {}
            self.edit_log_, self.merged_, self.merged_names_ = [], {}, {}
            self.reduced_ = np.zeros((len(docs), 0))
            return np.full(len(docs), -1, dtype=int), np.full(len(docs), np.nan)
        if self.clusterer is None and not isinstance(self.n_topics, str):
            self._check_n_topics(len(docs))
        from survey_tools.pii import name_like_words

        # words the answers write like names ("Zlatko") never name a topic
        self.name_like_words_ = sorted(name_like_words(docs))
        clock = time.perf_counter()
        X = self._center(emb, langs, learn=True)
        self.reducer_ = self._make_reducer(*X.shape)
        reduced = self.reducer_.fit_transform(X)
        # Identical answers must get identical rows (floating-point noise in the matrix
        # product could otherwise split 1,000 copies of one answer across clusters).
        _, first, inverse = np.unique(np.asarray(docs, dtype=object).astype(str),
                                      return_index=True, return_inverse=True)
        reduced = reduced[first][inverse.ravel()]
        self.reduced_ = reduced
        seeds = self._seed_centers()
        clock = self._tick("reduce", clock)
        topics = self._fit_clusters(reduced, seeds)
        if self.reduce_outliers:
            topics = self._move_outliers(reduced, topics, self._centroids(reduced, topics))
        topics = self._apply_merges(docs, topics)
        self.stability_ = _merged_stability(self.cluster_stability_, self.merged_, topics)
        centroids = self._centroids(reduced, topics)
        self._match_seeds(seeds, centroids)
        scores = self._scores(reduced, topics, centroids)[0]
        clock = self._tick("cluster", clock)
        self.topic_words_ = self._topic_words(docs, topics)
        self.centroids_ = centroids
        self.n_topics_ = len(centroids)
        self.labels_ = self._labels(self.topic_words_,
                                    self._phrase_labels(docs, X, topics, langs, scores),
                                    docs, topics)
        self.label_words_ = self._words_in_language(docs, topics, self.topic_words_)
        self._tick("words", clock)
        return topics, scores

    def _check_n_topics(self, n: int) -> None:
        """Refuse more topics than answers; note when most topics would be too small."""
        most = n // self._min_size(n)
        if self.n_topics > n:
            from survey_tools.errors import SurveyInputError

            raise SurveyInputError(
                f"{self.n_topics:,} topics were asked for, but there are only {n:,} answers "
                "to model", hint=f"ask for fewer topics (--n-topics; at most {most} can "
                                 f"reach the minimum size of {self._min_size(n)} answers), "
                                 "or 'auto'")
        if self.n_topics > most:
            self.notes_.append(f"{self.n_topics} topics were asked for, but {n:,} answers "
                               f"allow at most {most} of the minimum size "
                               f"({self._min_size(n)} answers); smaller ones are outliers")

    def _store(self, texts, ids, status, langs, idx, docs, topics, scores):
        topic_col = pd.Series(pd.NA, index=texts.index, dtype="Int64")
        score_col = pd.Series(np.nan, index=texts.index, dtype=float)
        topic_col.iloc[idx] = topics
        score_col.iloc[idx] = np.round(scores, 4)
        labels = topic_col.map(lambda t: self.labels_.get(int(t)) if pd.notna(t) else None)
        self.assignments_ = pd.DataFrame({
            "id": ids.to_numpy(), "status": status.to_numpy(), "topic": topic_col,
            "label": labels.astype(object), "score": score_col, "language": langs.to_numpy(),
        })
        self.docs_ = docs
        self.outlier_share_ = 100 * float((topics == -1).mean()) if len(docs) else float("nan")
        self.topics_ = self._topic_table(docs, topics, np.nan_to_num(scores, nan=-1.0))

    def transform(self, X, *, ids=None) -> pd.DataFrame:
        """Assign new answers to the fitted topics.

        Parameters
        ----------
        X : sequence of str
        ids : sequence, optional
            Respondent ids, same length as `X`; default ``1..n``.

        Returns
        -------
        DataFrame
            ``id, status, topic, label, score, language`` per row of `X`, in order: the
            columns of :attr:`assignments_` and :meth:`fit_transform`.
        """
        check_is_fitted(self, "assignments_")
        texts = as_texts(X)
        ids = default_ids(ids, len(texts))
        status = answer_kind(texts).replace({ANSWER: ASSIGNED})
        langs = self._languages_of(texts)
        idx = np.flatnonzero((status == ASSIGNED).to_numpy())
        topic_col = pd.Series(pd.NA, index=texts.index, dtype="Int64")
        score_col = pd.Series(np.nan, index=texts.index, dtype=float)
        if len(idx) and self.n_topics_:
            emb = self._embed([str(texts[i]).strip() for i in idx])
            reduced = self.reducer_.transform(self._center(emb, langs.to_numpy()[idx],
                                                           learn=False))
            clusters = self.clusterer_.predict(reduced)
            topics = np.array([self.merged_.get(self.cluster_to_topic_.get(int(c), -1),
                                                self.cluster_to_topic_.get(int(c), -1))
                               for c in clusters], dtype=int)
            if self.reduce_outliers_:
                topics = self._move_outliers(reduced, topics, self.centroids_)
            scores = self._scores(reduced, topics, self.centroids_)[0]
            topic_col.iloc[idx] = topics
            score_col.iloc[idx] = np.round(scores, 4)
            status.iloc[idx[topics == -1]] = OUTLIER
        elif len(idx):
            status.iloc[idx] = OUTLIER
        labels = topic_col.map(lambda t: self.labels_.get(int(t)) if pd.notna(t) else None)
        return pd.DataFrame({"id": ids.to_numpy(), "status": status.to_numpy(),
                             "topic": topic_col, "label": labels.astype(object),
                             "score": score_col, "language": langs.to_numpy()})

    def fit_transform(self, X, y=None, *, ids=None, embeddings=None) -> pd.DataFrame:
        """Fit and return :attr:`assignments_`."""
        return self.fit(X, ids=ids, embeddings=embeddings).assignments_


def _merged_stability(per_cluster: dict, merged: dict, topics: np.ndarray) -> dict:
    """Return each topic's stability: a merged topic is as stable as its least stable part.

    Examples
    --------
    >>> _merged_stability({0: 0.9, 1: 0.6, 2: 0.8}, {1: 0}, np.array([0, 0, 2]))
    {0: 0.6, 2: 0.8}
    """
    out: dict[int, float] = {}
    for topic, value in per_cluster.items():
        target = merged.get(topic, topic)
        out[target] = min(out.get(target, np.inf), value)
    present = {int(t) for t in np.unique(topics) if t != -1}
    return {t: round(float(v), 4) for t, v in sorted(out.items()) if t in present}


def _short_answer_languages(docs, langs) -> np.ndarray:
    """Return the answers' languages, those of short answers guessed.

    By the answers that use their words
    (:func:`~survey_tools.topics.labels.guess_short_languages`), else the answers' main
    language.
    """
    from survey_tools.topics.labels import guess_short_languages

    langs = guess_short_languages(docs, langs, unknown=UNDETERMINED)
    main = _main_language(pd.Series(langs), "auto")
    return np.where(langs == UNDETERMINED, main, langs)


def _main_language(langs: pd.Series, language: str) -> str:
    """Return the most common language among `langs` ("sv" on a tie or when none is known).

    Examples
    --------
    >>> _main_language(pd.Series(["en", "sv", "en", "und"]), "auto")
    'en'
    >>> _main_language(pd.Series(["und"]), "en")
    'en'
    """
    if language != "auto":
        return language
    counts = langs[langs != UNDETERMINED].value_counts()
    if counts.empty or (len(counts) > 1 and counts.iloc[0] == counts.iloc[1]):
        return "sv"
    return str(counts.index[0])


def _number_by_size(labels: np.ndarray) -> np.ndarray:
    """Renumber cluster labels 0, 1, ... from the largest cluster down (-1 stays).

    Exactly as BERTopic numbers its topics (``_sort_mappings_by_frequency``), ties included,
    so topic ids are the same as when BERTopic ran the clustering.

    Examples
    --------
    >>> _number_by_size(np.array([5, 2, 2, -1, 5, 2])).tolist()
    [1, 0, 0, -1, 1, 0]
    """
    import collections

    sizes = pd.DataFrame(collections.Counter(labels.tolist()).items(),
                         columns=["Old_Topic", "Size"]).sort_values("Size", ascending=False)
    sizes = sizes[sizes.Old_Topic != -1]
    mapping = {-1: -1, **dict(zip(sizes.Old_Topic, range(len(sizes)), strict=True))}
    return np.array([mapping[int(x)] for x in labels], dtype=int)


def _quoted(words: str, quote: bool) -> str:
    return f"«{words}»" if quote and words else words


def _label_from_words(words, n: int = 3) -> str:
    """Join the first `n` topic words that do not repeat a word already chosen.

    Examples
    --------
    >>> _label_from_words(["data", "data scientists", "scientists", "råd", "dela"])
    'data, scientists, råd'
    """
    chosen, used = [], set()
    for term in words:
        tokens = set(term.split())
        if tokens & used:
            continue
        chosen.append(term)
        used |= tokens
        if len(chosen) == n:
            break
    return ", ".join(chosen)
