"""Codebook coding benchmark: agreement with gold labels against the number of hand-coded examples.

Run ``python bench/coding_bench.py`` (or ``make bench``). For each dataset and each number
of labelled examples per code (0, 5, 10, 20, 50), examples are drawn at random (three
seeds), the coder is trained on them and agreement is measured on all other answers:

* BBC News (raw article text from ``../shared/eval-data/bbc_news.jsonl`` or
  ``$SURVEY_TOOLS_EVAL_DATA``; skipped when absent), its five labels as a codebook with a
  one-sentence description each (below). One label per article: Cohen's kappa and
  Krippendorff's alpha of the best-scoring code against the gold label.
* The sample survey's ``q_obstacles`` with ``data/codebook_obstacles.yaml`` against the
  planted themes (multi-label): kappa pooled over every answer × code decision, and the
  mean of the per-code kappas.

0 examples means the zero-shot coder (similarity to the code descriptions; on the sample
also keyword hits), once as ``fit()`` (centred on the prototypes' mean) and once as
``fit(texts)`` (centred on the mean of the answers it codes); more means the supervised
coder (a calibrated logistic regression per code on embeddings + keyword hits). Also:
active learning against random choice at the same budget (start with 2 random examples
per code, then batches chosen by :func:`survey_tools.coding.active.suggest_for_coding`).

Embeddings use the default model and the normal cache (``~/.cache/survey_tools``), so the
first run embeds the BBC articles once (about a minute here).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SEEDS = (0, 1, 2)
KS = (0, 5, 10, 20, 50)

BBC_CODEBOOK = {
    "name": "BBC News sections",
    "codes": {
        "business": {"label": "Business", "description": "Business and the economy: "
                     "companies, markets, shares, profits, banks, trade, jobs and prices."},
        "entertainment": {"label": "Entertainment", "description": "Entertainment: film, "
                          "music, television, celebrities, awards, theatre and books."},
        "politics": {"label": "Politics", "description": "Politics: government, parliament, "
                     "elections, political parties, ministers and public policy."},
        "sport": {"label": "Sport", "description": "Sport: football, rugby, tennis, "
                  "athletics, cricket, matches, players and championships."},
        "tech": {"label": "Technology", "description": "Technology: computers, the "
                 "internet, software, mobile phones, video games and gadgets."},
    },
}


def eval_data_dir() -> Path | None:
    path = Path(os.environ.get("SURVEY_TOOLS_EVAL_DATA", ROOT.parent / "shared" / "eval-data"))
    return path if (path / "bbc_news.jsonl").exists() else None


def load(name: str):
    """Return ``(codebook, texts, Y)`` with Y a 0/1 DataFrame (a column per code)."""
    from survey_tools.coding.codebook import codebook_from_dict, load_codebook

    if name == "bbc":
        rows = [json.loads(line) for line in
                (eval_data_dir() / "bbc_news.jsonl").read_text(encoding="utf-8").splitlines()]
        codebook = codebook_from_dict(BBC_CODEBOOK)
        texts = [r["text"] for r in rows]
        Y = pd.DataFrame({c: [int(r["label"] == c) for r in rows] for c in codebook.ids})
        return codebook, texts, Y
    codebook = load_codebook(ROOT / "data" / "codebook_obstacles.yaml")
    data = pd.read_csv(ROOT / "data" / "sample_survey.csv", dtype=str, keep_default_na=False)
    truth = pd.read_csv(ROOT / "data" / "sample_survey_gold.csv", dtype=str,
                        keep_default_na=False)
    truth = truth[truth["question"] == "q_obstacles"].set_index("respondent_id").loc[
        data["respondent_id"]]
    keep = (truth["answer_kind"] == "answer").to_numpy()
    texts = data.loc[keep, "q_obstacles"].tolist()
    themes = truth.loc[keep, "themes"].tolist()
    Y = pd.DataFrame({c: [int(c in t.split(";")) for t in themes] for c in codebook.ids})
    return codebook, texts, Y


def draw(Y: pd.DataFrame, k: int, rng) -> list[int]:
    """k random positive examples per code (fewer if a code has fewer)."""
    chosen = set()
    for code in Y.columns:
        pos = np.flatnonzero(Y[code].to_numpy() == 1)
        chosen |= set(rng.choice(pos, min(k, len(pos)), replace=False).tolist())
    return sorted(chosen)


def fit(codebook, texts, Y, train):
    from survey_tools.coding.coders import SupervisedCoder, ZeroShotCoder

    if not train:
        return ZeroShotCoder(codebook, use_keywords=True).fit()
    return SupervisedCoder(codebook).fit([texts[i] for i in train], Y.iloc[train])


def score(dataset, coder, texts, Y, test) -> dict:
    from survey_tools.coding.agreement import agreement_table, label_agreement

    test_texts = [texts[i] for i in test]
    truth = Y.iloc[test].reset_index(drop=True)
    if dataset == "bbc":
        scores = coder.predict_scores(test_texts)
        got = scores.idxmax(axis=1)
        want = truth.idxmax(axis=1)
        res = label_agreement(want, got)
        return {"kappa": res["kappa"], "alpha": res["alpha"], "accuracy": res["accuracy"]}
    table = agreement_table(truth, coder.predict(test_texts)).set_index("code")
    return {"kappa": table.loc["all (pooled)", "kappa"],
            "alpha": table.loc["all (pooled)", "alpha"],
            "mean_code_kappa": table.loc["mean over codes", "kappa"]}


def curve(dataset: str) -> list[dict]:
    codebook, texts, Y = load(dataset)
    from survey_tools.nlp.embeddings import embed

    start = time.perf_counter()
    embed(texts)  # fill the cache once
    print(f"{dataset}: {len(texts)} texts embedded or cached in "
          f"{time.perf_counter() - start:.0f} s", flush=True)
    rows = []
    from survey_tools.coding.coders import ZeroShotCoder

    t = time.perf_counter()  # zero-shot centred on the answers it codes (fit(texts))
    coder = ZeroShotCoder(codebook, use_keywords=True).fit(texts)
    row = {"dataset": dataset, "examples_per_code": "0, centred on the answers", "seed": 0,
           "n_train": 0, "n_test": len(texts),
           **score(dataset, coder, texts, Y, list(range(len(texts)))),
           "fit_predict_s": time.perf_counter() - t}
    print(json.dumps(row), flush=True)
    rows.append(row)
    for k in KS:
        for seed in SEEDS:
            train = draw(Y, k, np.random.default_rng(seed)) if k else []
            test = sorted(set(range(len(texts))) - set(train))
            t = time.perf_counter()
            coder = fit(codebook, texts, Y, train)
            row = {"dataset": dataset, "examples_per_code": k, "seed": seed,
                   "n_train": len(train), "n_test": len(test),
                   **score(dataset, coder, texts, Y, test),
                   "fit_predict_s": time.perf_counter() - t}
            print(json.dumps(row), flush=True)
            rows.append(row)
    return rows


def active_vs_random(dataset: str, budgets=(5, 10, 20), batch: int = 10) -> list[dict]:
    """Same number of hand-coded answers, chosen at random or by active learning."""
    from survey_tools.coding.active import suggest_for_coding

    codebook, texts, Y = load(dataset)
    n_codes = len(codebook.ids)
    rows = []
    for seed in SEEDS:
        rng = np.random.default_rng(seed)
        labelled = draw(Y, 2, rng)
        for per_code in budgets:
            target = per_code * n_codes
            while len(labelled) < target:
                coder = fit(codebook, texts, Y, labelled)
                step = min(batch, target - len(labelled))
                picks = suggest_for_coding(coder, texts, n=step, exclude=labelled)
                labelled = sorted(set(labelled) | set(picks["position"]))
            test_active = sorted(set(range(len(texts))) - set(labelled))
            random_train = sorted(np.random.default_rng(seed + 100).choice(
                len(texts), len(labelled), replace=False).tolist())
            test_random = sorted(set(range(len(texts))) - set(random_train))
            for how, train, test in (("active", labelled, test_active),
                                     ("random", random_train, test_random)):
                coder = fit(codebook, texts, Y, list(train))
                row = {"dataset": dataset, "selection": how, "labelled": len(train),
                       "budget_per_code": per_code, "seed": seed,
                       **score(dataset, coder, texts, Y, test)}
                print(json.dumps(row), flush=True)
                rows.append(row)
    return rows


def summary(rows, keys) -> str:
    table = pd.DataFrame(rows)
    metrics = [c for c in ("kappa", "alpha", "accuracy", "mean_code_kappa") if c in table]
    agg = table.groupby(keys, sort=False)[metrics].agg(["mean", "min", "max"])
    lines = ["| " + " | ".join(keys + metrics) + " |", "|" + "---|" * (len(keys) + len(metrics))]
    for key, row in agg.iterrows():
        key = key if isinstance(key, tuple) else (key,)
        cells = [f"{row[(m, 'mean')]:.3f} ({row[(m, 'min')]:.3f}–{row[(m, 'max')]:.3f})"
                 if pd.notna(row[(m, 'mean')]) else "" for m in metrics]
        lines.append("| " + " | ".join(map(str, key)) + " | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    datasets = ["sample"] + (["bbc"] if eval_data_dir() else [])
    if not eval_data_dir():
        print("skip bbc: ../shared/eval-data not found (set SURVEY_TOOLS_EVAL_DATA)")
    rows = [r for d in datasets for r in curve(d)]
    active = [r for d in datasets for r in active_vs_random(d)]
    (RESULTS / "coding.json").write_text(json.dumps({"curve": rows, "active": active},
                                                    indent=2))
    text = (summary(rows, ["dataset", "examples_per_code"]) + "\n\n"
            + summary(active, ["dataset", "budget_per_code", "selection"]) + "\n")
    (RESULTS / "coding.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
