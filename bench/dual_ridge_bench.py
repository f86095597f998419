"""Does our ``DualRidge`` pay, against scikit-learn's ``KernelRidge`` (issue #31, item 12)?

The ``fast`` embedding maps static features of every distinct answer (sparse character
n-grams and dense token vectors, two blocks of columns) onto multilingual-e5's vectors with
a ridge regression fitted on a sample of 2,000 answers, then predicts every answer. Three
ways to do it, on the real answers of ``../shared/eval-data`` (argsent sv + en and NHS
FFT, about 15,000 distinct texts; the features are stacked 10 times to stand for 150,000
answers to predict):

- ``dual_ridge``: ours, the dual form on the blocks (``X Xᵀ`` summed over the blocks, a
  constant feature for the intercept), predictions in batches of 10,000 rows;
- ``kernel_ridge_linear``: ``KernelRidge(kernel="linear")`` on one sparse matrix of both
  blocks and a constant column (what the library offers as it is), one ``predict`` call;
- ``kernel_ridge_precomputed``: ``KernelRidge(kernel="precomputed")`` given our block
  kernel, predictions in batches: what ``DualRidge`` now is (before it solved the system
  itself with scipy, the same numbers).

Measured: fit and predict seconds, peak memory of the allocations (tracemalloc), and the
largest difference between the predictions. The target is the teacher's vectors for the
sample (multilingual-e5-small). Run ``python bench/dual_ridge_bench.py``; results go to
``bench/results/dual_ridge.json``.
"""

from __future__ import annotations

import json
import os
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
EVAL = Path(os.environ.get("SURVEY_TOOLS_EVAL_DATA", ROOT.parent / "shared" / "eval-data"))


def _texts() -> list[str]:
    texts = []
    for name in ("sv_argsent_topic.csv", "en_argsent_parallel.csv",
                 "en_nhs_fft_v6_multilabel.csv"):
        texts += pd.read_csv(EVAL / name)["text"].dropna().astype(str).tolist()
    return list(dict.fromkeys(texts))


def _measured(step):
    tracemalloc.start()
    start = time.perf_counter()
    out = step()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return out, round(seconds, 2), round(peak, 1)


def main() -> None:
    from scipy import sparse
    from sklearn.kernel_ridge import KernelRidge

    from survey_tools.nlp.embeddings import CorpusStaticEncoder, DualRidge, embed

    if not EVAL.exists():
        raise SystemExit(f"no eval data at {EVAL}")
    texts = _texts()
    rng = np.random.default_rng(0)
    rows = np.sort(rng.choice(len(texts), 2000, replace=False))
    target = np.asarray(embed([texts[i] for i in rows], model="default", cache_dir=None,
                              progress=False), dtype=np.float64)
    blocks = CorpusStaticEncoder().fit_transform(texts)
    blocks = blocks if isinstance(blocks, list | tuple) else [blocks]
    blocks = [b.tocsr() if sparse.issparse(b) else np.asarray(b, np.float64) for b in blocks]
    many = [sparse.vstack([b] * 10).tocsr() if sparse.issparse(b) else np.vstack([b] * 10)
            for b in blocks]
    n = many[0].shape[0]
    one = sparse.hstack([*(b if sparse.issparse(b) else sparse.csr_matrix(b) for b in many),
                         np.ones((n, 1))]).tocsr()
    fit_rows = [b[rows] for b in blocks]
    results = {"texts": len(texts), "predicted_rows": int(n),
               "blocks": [f"{'sparse' if sparse.issparse(b) else 'dense'} {b.shape[1]}"
                          for b in blocks]}

    ours, fit_s, fit_mb = _measured(lambda: DualRidge(alpha=1.0).fit(fit_rows, target))
    ours_pred, pred_s, pred_mb = _measured(lambda: ours.predict(many))
    results["dual_ridge"] = {"fit_s": fit_s, "fit_peak_mb": fit_mb, "predict_s": pred_s,
                             "predict_peak_mb": pred_mb}

    linear, fit_s, fit_mb = _measured(
        lambda: KernelRidge(alpha=1.0, kernel="linear").fit(one[rows], target))
    pred, pred_s, pred_mb = _measured(lambda: linear.predict(one))
    results["kernel_ridge_linear"] = {
        "fit_s": fit_s, "fit_peak_mb": fit_mb, "predict_s": pred_s, "predict_peak_mb": pred_mb,
        "max_abs_diff": float(np.abs(pred - ours_pred).max())}

    def precomputed_fit():
        gram = ours.kernel(ours.X_)
        return KernelRidge(alpha=1.0, kernel="precomputed").fit(gram, target)

    pre, fit_s, fit_mb = _measured(precomputed_fit)

    def precomputed_predict():
        return np.vstack([pre.predict(ours.kernel([b[s:s + 10_000] for b in many]))
                          for s in range(0, n, 10_000)])

    pred, pred_s, pred_mb = _measured(precomputed_predict)
    results["kernel_ridge_precomputed"] = {
        "fit_s": fit_s, "fit_peak_mb": fit_mb, "predict_s": pred_s, "predict_peak_mb": pred_mb,
        "max_abs_diff": float(np.abs(pred - ours_pred).max())}
    out = ROOT / "bench" / "results" / "dual_ridge.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
