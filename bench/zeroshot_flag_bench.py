"""How well zero-shot coding's review flag separates wrong codes from right ones (issue #17).

Run ``python bench/zeroshot_flag_bench.py``. Corpora: the sample survey's obstacle
answers (synthetic, 8 codes with descriptions), BBC News (real, 5 codes with
descriptions; ``bbc_news.jsonl``) and the NHS answers (real, 44 codes named only;
``en_nhs_fft_v6_multilabel.csv``), both from ``../shared/eval-data`` or
``$SURVEY_TOOLS_EVAL_DATA`` (skipped when absent). The coder is
``ZeroShotCoder(codebook).fit(answers)``, as ``survey-tools categorize`` uses it; answers
with at least one human code are scored. "Wrong" means the most similar code is not one
of the human codes. For each measure of certainty: the area under the ROC curve for
"wrong" and the ratio of wrong rates between the less certain and the more certain half;
for the flag itself (``needs_review``) the share flagged and the same ratio. Also the
share of answers whose main code is right with other ways of using the codebook: code
texts embedded with e5's ``"passage: "`` prefix, and each code's best single text instead
of the mean of its texts. Results: ``bench/results/zeroshot_flag.json``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "bench"))


def corpus(name: str):
    import coding_bench
    import fewshot_bench

    if name == "nhs":
        return fewshot_bench.load(fewshot_bench.eval_file()) if fewshot_bench.eval_file() else None
    if name == "bbc" and not coding_bench.eval_data_dir():
        return None
    return coding_bench.load(name)


def certainty_measures(sims: np.ndarray) -> dict[str, np.ndarray]:
    """Higher means less certain."""
    from survey_tools.coding.coders import relative_gap

    ordered = np.sort(sims, axis=1)
    out = {"relative_gap (the flag's)": -relative_gap(sims),
           "absolute_gap": -(ordered[:, -1] - ordered[:, -2]),
           "best_similarity": -ordered[:, -1]}
    for t in (10, 30):
        out[f"softmax_T{t}"] = -1 / np.exp(t * (sims - ordered[:, -1:])).sum(axis=1)
    return out


def main_code_right(sims, Y) -> float:
    return float((Y[np.arange(len(Y)), sims.argmax(axis=1)] == 1).mean())


def variants(codebook, texts, Y) -> dict:
    from survey_tools.nlp.e5 import E5Encoder
    from survey_tools.nlp.embeddings import embed, unit_rows

    answers = unit_rows(np.asarray(embed(texts), np.float64))
    centre = answers.mean(axis=0)
    centred = unit_rows(answers - centre)
    out = {}
    for name, encoder in (("query_prefix", "default"), ("passage_prefix",
                                                          E5Encoder(prefix="passage: "))):
        means, best = [], []
        for code in codebook.codes:
            vecs = np.asarray(embed(code.prototype_texts(), model=encoder), np.float64)
            means.append(unit_rows(vecs.mean(axis=0, keepdims=True))[0])
            best.append((centred @ unit_rows(vecs - centre).T).max(axis=1))
        sims = centred @ unit_rows(np.vstack(means) - centre).T
        out[f"{name}_mean_of_texts"] = round(main_code_right(sims, Y), 4)
        out[f"{name}_best_text"] = round(main_code_right(np.stack(best, axis=1), Y), 4)
    return out


def run(name: str) -> dict | None:
    from sklearn.metrics import roc_auc_score

    from survey_tools.coding import ZeroShotCoder

    data = corpus(name)
    if data is None:
        print(f"skip {name}: its file is not in ../shared/eval-data", flush=True)
        return None
    codebook, texts, Y = data
    Y = Y.to_numpy()
    keep = Y.sum(axis=1) > 0
    coder = ZeroShotCoder(codebook).fit(texts)
    sims = coder.similarities(texts)[keep]
    Yk = Y[keep]
    wrong = Yk[np.arange(len(Yk)), sims.argmax(axis=1)] == 0
    flag = coder.needs_review([t for t, k in zip(texts, keep, strict=True) if k])
    row = {"corpus": name, "answers": int(keep.sum()), "codes": Y.shape[1],
           "main_code_wrong": round(float(wrong.mean()), 4),
           "flagged_share": round(float(flag.mean()), 4),
           "flag_ratio": round(float(wrong[flag].mean() / wrong[~flag].mean()), 3),
           "measures": {}}
    for measure, value in certainty_measures(sims).items():
        upper = value >= np.median(value)
        row["measures"][measure] = {
            "auc": round(float(roc_auc_score(wrong, value)), 4),
            "ratio_half": round(float(wrong[upper].mean() / wrong[~upper].mean()), 3)}
    surest = -certainty_measures(sims)["relative_gap (the flag's)"]
    top = surest >= np.quantile(surest, 0.95)
    row["main_code_wrong_in_surest_5pct"] = round(float(wrong[top].mean()), 4)
    row["main_code_right"] = variants(codebook, [t for t, k in zip(texts, keep, strict=True)
                                                 if k], Yk)
    print(json.dumps(row), flush=True)
    return row


def main() -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    rows = [r for r in (run(name) for name in ("sample", "bbc", "nhs")) if r]
    (RESULTS / "zeroshot_flag.json").write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
