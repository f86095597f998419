"""The fitted topics as a BERTopic model, for BERTopic's own visualisations.

Importing BERTopic takes seconds and a run does not need it, so
:attr:`TopicModel.bertopic_ <survey_tools.topics.model.TopicModel.bertopic_>` builds it
on first access with :func:`as_bertopic`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["as_bertopic", "described_by"]


def described_by(describe):
    """Return a BERTopic representation model that gives a topic the words `describe` gives.

    BERTopic's public way to choose a topic's words (``representation_model``), so that
    its topics show the words the topic table shows.
    """
    from bertopic.representation import BaseRepresentation

    class Described(BaseRepresentation):
        def extract_topics(self, topic_model, documents, c_tf_idf, topics):
            words = describe(documents["Document"].tolist(), documents["Topic"].to_numpy())
            return {t: words.get(t, []) for t in topics}

    return Described()


def as_bertopic(docs, reduced, labels, *, vectorizer, describe, top_n_words: int = 10):
    """Return BERTopic's manual topic modelling of the clusters `labels` of `docs`.

    Parameters
    ----------
    docs : sequence of str
        The modelled answers.
    reduced : ndarray
        Their reduced vectors (BERTopic's "embeddings").
    labels : array of int
        The clustering's labels (before outlier reduction and edits); BERTopic numbers
        them by size as the topic model does, so the topic ids are the same.
    vectorizer : CountVectorizer
        The topic model's vectorizer; refitted with ``min_df=1`` because BERTopic fits it
        on one joined document per topic, where a min_df meant for answers would drop
        every topic-specific word.
    describe : callable
        ``describe(docs, topics) -> {topic: [(word, weight), ...]}``: the words BERTopic
        shows (the topic table's, ``label_words_``).
    top_n_words : int
        Words per topic.
    """
    from bertopic import BERTopic
    from bertopic.cluster import BaseCluster
    from bertopic.dimensionality import BaseDimensionalityReduction
    from bertopic.vectorizers import ClassTfidfTransformer
    from sklearn.base import clone

    return BERTopic(
        umap_model=BaseDimensionalityReduction(), hdbscan_model=BaseCluster(),
        vectorizer_model=clone(vectorizer).set_params(min_df=1, max_df=1.0),
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        representation_model=described_by(describe),
        top_n_words=top_n_words, calculate_probabilities=False, verbose=False,
    ).fit(list(docs), embeddings=reduced, y=np.asarray(labels, dtype=int))
