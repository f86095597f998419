"""The zero-shot coder with the model-free ``tfidf`` embedding, on real BBC News (#31, item 4).

Run ``python bench/tfidf_coder_bench.py`` (and with ``PYTHONPATH=<checkout of bdf47f5>/src``
for the state before). Reads ``bbc_news.jsonl`` from ``../shared/eval-data`` (or
``$SURVEY_TOOLS_EVAL_DATA``; skipped when absent) and the BBC codebook of
``coding_bench.py``; codes all 2,225 articles and prints Cohen's kappa, Krippendorff's
alpha and accuracy of the best code against the section, for ``fit()`` (centred on the
codes) and ``fit(texts)`` (centred on the articles), and the shape of the prototypes.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import coding_bench  # noqa: E402


def main() -> int:
    from survey_tools.coding.coders import ZeroShotCoder

    if coding_bench.eval_data_dir() is None:
        print("bbc_news.jsonl is not in the eval data folder: skipped")
        return 0
    codebook, texts, Y = coding_bench.load("bbc")
    for centred in (False, True):
        start = time.perf_counter()
        coder = ZeroShotCoder(codebook, embedding_model="tfidf", cache_dir=False).fit(
            texts if centred else None)
        scores = coding_bench.score("bbc", coder, texts, Y, list(range(len(texts))))
        print("fit(texts)" if centred else "fit()",
              {k: round(float(v), 3) for k, v in scores.items()},
              "prototypes", coder.prototypes_.shape,
              f"{time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
