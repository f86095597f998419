"""Speed of few-shot coding without the embedding cache (issue #17's time limits).

Run ``python bench/fewshot_speed.py``: fits the supervised coder on 20 examples for each
of the 9 most frequent NHS codes, then codes every other answer, with the cache off.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from fewshot_bench import draw, eval_file, load  # noqa: E402


def main() -> int:
    from survey_tools.coding import SupervisedCoder, code_answers
    from survey_tools.coding.codebook import codebook_from_dict

    if eval_file() is None:
        print("skip: the NHS file is not in ../shared/eval-data")
        return 0
    _, texts, Y = load(eval_file())
    top9 = Y.sum().sort_values(ascending=False).index[:9].tolist()
    book = codebook_from_dict({"name": "NHS, 9 codes", "codes": {
        c: {"label": c, "description": c} for c in top9}})
    train = draw(Y[top9], 20, 0)
    start = time.perf_counter()
    coder = SupervisedCoder(book, cache_dir=False).fit(
        [texts[i] for i in train], Y[top9].iloc[train].reset_index(drop=True))
    print(f"fit on {len(train)} examples, 9 codes, no cache: "
          f"{time.perf_counter() - start:.1f} s", flush=True)
    test = [texts[i] for i in np.setdiff1d(np.arange(len(texts)), train)]
    start = time.perf_counter()
    code_answers(coder, test)
    seconds = time.perf_counter() - start
    print(f"coded {len(test)} answers, no cache: {seconds:.1f} s "
          f"({len(test) / seconds:.0f} a second; 10,000 in {10000 * seconds / len(test):.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
