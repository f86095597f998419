"""Few-shot codebook coding on real survey answers: the NHS Friends and Family Test file.

Run ``python bench/fewshot_bench.py [--ks 0 5 10 20 50] [--seeds 0 1 2] [--tag NAME]``,
and with ``--active`` for active learning against random choice (:func:`active_curve`).
It reads ``en_nhs_fft_v6_multilabel.csv`` from ``../shared/eval-data/`` (or
``$SURVEY_TOOLS_EVAL_DATA``) and skips when it is absent: 5,423 answers that NHS staff
coded into 46 categories of the Patient Experience Qualitative Data Categorisation
framework (1.44 per answer). "Not assigned" and "Labelling not possible" are not codes
but the outcome "none of the codes"; the other 44 categories are the codebook, each with
its name as label and description (no keywords, no examples), as an analyst would start.

For each number k of hand-coded examples per code and each seed, k answers are drawn
for every code (fewer where a code has fewer) and k answers coded "none of the codes";
the coder learns from them and is scored on all other answers:

* ``kappa``: Cohen's kappa pooled over every answer × code decision;
* ``macro_f1``: F1 per code, averaged over the codes with at least 5 answers left (each
  code's F1 is in the JSON results, ``f1_per_code``);
* ``none_f1``: F1 of the outcome "none of the codes";
* ``flag_ratio``: among the answers the machine coded, how much more often its main code
  (the assigned code with the highest score) is not one of the staff's codes when the
  answer is flagged ``needs_review`` than when it is not; ``flag_ratio_set`` the same
  with "wrong" meaning any difference in the set of codes;
* ``fit_s`` / ``code_s``: seconds to fit, and to code the held-out answers.

Methods: ``zero_shot`` (k = 0, centred on the answers it codes); ``supervised``
(:class:`~survey_tools.coding.SupervisedCoder`); and two baselines on the same frozen
vectors and examples: ``lr_default``, a logistic regression per code at scikit-learn's
default C=1 with probability 0.5, and ``lr_cv``, the same with C chosen from 1, 10 and
100 by 3-fold cross-validation on the examples (pooled kappa). ``--tag`` names the run in
the results (``bench/results/fewshot_<tag>.json``), e.g. to keep a run of an older
version made with ``PYTHONPATH=<worktree>/src``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
FILE = "en_nhs_fft_v6_multilabel.csv"
NONE = {"Not assigned", "Labelling not possible"}


def eval_file() -> Path | None:
    folder = Path(os.environ.get("SURVEY_TOOLS_EVAL_DATA", ROOT.parent / "shared" / "eval-data"))
    return folder / FILE if (folder / FILE).exists() else None


def code_id(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    return (slug if slug[:1].isalpha() else f"c_{slug}")[:40]


def load(path: Path):
    """Return ``(codebook, texts, Y)``; Y has a 0/1 column per code, all 0 for "none"."""
    from survey_tools.coding.codebook import codebook_from_dict

    data = pd.read_csv(path, keep_default_na=False)
    data = data[data["text"].str.strip() != ""].reset_index(drop=True)
    labels = data["label"].str.split("|")
    names = sorted({n for row in labels for n in row if n not in NONE})
    ids = {n: code_id(n) for n in names}
    Y = pd.DataFrame({ids[n]: labels.map(lambda row, n=n: int(n in row)) for n in names})
    codebook = codebook_from_dict({"name": "NHS FFT", "codes": {
        ids[n]: {"label": n, "description": n} for n in names}})
    return codebook, data["text"].tolist(), Y


def draw(Y: pd.DataFrame, k: int, seed: int) -> np.ndarray:
    """k examples per code and k answers with none of the codes, without repeats."""
    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(Y[c].to_numpy()) for c in Y.columns]
    groups.append(np.flatnonzero(Y.to_numpy().sum(axis=1) == 0))
    chosen: set[int] = set()
    for members in groups:
        free = [int(i) for i in members if int(i) not in chosen]
        chosen.update(int(i) for i in rng.permutation(free)[:k])
    return np.array(sorted(chosen), dtype=int)


def _ratio(wrong, review) -> tuple[float, float, float]:
    flagged = wrong[review].mean() if review.any() else np.nan
    unflagged = wrong[~review].mean() if (~review).any() else np.nan
    return flagged, unflagged, flagged / unflagged if unflagged else np.nan


def scores(truth: np.ndarray, pred: np.ndarray, review=None, score=None, codes=None) -> dict:
    """Agreement figures; with `review` and `score`, how well the review flag works.

    The flag is judged on the answers the machine coded: "wrong" is its main code (the
    assigned code with the highest score) not being among the staff's codes
    (``flag_ratio``), and, stricter, its set of codes differing from theirs in any code
    (``flag_ratio_set``).
    """
    from sklearn.metrics import cohen_kappa_score, f1_score

    keep = truth.sum(axis=0) >= 5
    out = {"kappa": cohen_kappa_score(truth.ravel(), pred.ravel()),
           "macro_f1": f1_score(truth[:, keep], pred[:, keep], average="macro",
                                zero_division=0),
           "none_f1": f1_score(truth.sum(axis=1) == 0, pred.sum(axis=1) == 0,
                               zero_division=0)}
    per_code = f1_score(truth, pred, average=None, zero_division=0)
    names = list(codes) if codes is not None else [str(j) for j in range(truth.shape[1])]
    out_codes = {"f1_per_code": {names[j]: round(float(f), 4) for j, f in enumerate(per_code)
                                 if keep[j]}}
    if review is not None and score is not None:
        coded = pred.sum(axis=1) > 0
        review = np.asarray(review, dtype=bool)[coded]
        main = np.where(pred[coded] == 1, np.nan_to_num(score[coded], nan=-1.0), -2.0)
        main = main.argmax(axis=1)
        wrong_main = truth[coded][np.arange(coded.sum()), main] == 0
        wrong_set = (truth[coded] != pred[coded]).any(axis=1)
        flagged, unflagged, ratio = _ratio(wrong_main, review)
        out.update(flagged_share=review.mean(), wrong_flagged=flagged,
                   wrong_unflagged=unflagged, flag_ratio=ratio,
                   flag_ratio_set=_ratio(wrong_set, review)[2])
    return {**{k: round(float(v), 4) for k, v in out.items()}, **out_codes}


def logistic(X, Y, Xtest, C):
    from sklearn.linear_model import LogisticRegression

    out = np.zeros((len(Xtest), Y.shape[1]), dtype=int)
    for j in range(Y.shape[1]):
        y = Y[:, j]
        if 0 < y.sum() < len(y):
            model = LogisticRegression(C=C, max_iter=5000).fit(X, y)
            out[:, j] = model.predict_proba(Xtest)[:, 1] >= 0.5
        else:
            out[:, j] = int(y.sum() == len(y))
    return out


def logistic_cv(X, Y, Xtest, seed, grid=(1.0, 10.0, 100.0)):
    """C chosen by 3-fold cross-validation on the examples (pooled kappa)."""
    from sklearn.metrics import cohen_kappa_score
    from sklearn.model_selection import KFold

    folds = list(KFold(3, shuffle=True, random_state=seed).split(X))
    best = max(grid, key=lambda C: np.mean([
        cohen_kappa_score(Y[te].ravel(), logistic(X[tr], Y[tr], X[te], C).ravel())
        for tr, te in folds]))
    return logistic(X, Y, Xtest, best), best


def run(ks, seeds, tag) -> list[dict]:
    from survey_tools.coding import SupervisedCoder, ZeroShotCoder, code_answers
    from survey_tools.nlp.embeddings import embed

    codebook, texts, Y = load(eval_file())
    start = time.perf_counter()
    vectors = embed(texts)
    print(f"{len(texts)} answers embedded or cached in {time.perf_counter() - start:.0f} s",
          flush=True)
    Yn = Y.to_numpy()
    rows = []

    def record(**row):
        rows.append({"tag": tag, **row})
        print(json.dumps(rows[-1]), flush=True)

    def coded(coder, test):
        t = time.perf_counter()
        table = code_answers(coder, [texts[i] for i in test])
        return (table[codebook.ids].to_numpy(), table["needs_review"].to_numpy(),
                table[[f"score_{c}" for c in codebook.ids]].to_numpy(dtype=float),
                time.perf_counter() - t)

    for k in ks:
        for seed in seeds:
            if k == 0:
                if seed != seeds[0]:
                    continue
                test = np.arange(len(texts))
                t = time.perf_counter()
                coder = ZeroShotCoder(codebook).fit(texts)
                fit_s = time.perf_counter() - t
                pred, review, score, code_s = coded(coder, test)
                record(method="zero_shot", k=0, seed=seed, n_train=0, n_test=len(test),
                       **scores(Yn[test], pred, review, score, codebook.ids), fit_s=round(fit_s, 1),
                       code_s=round(code_s, 1))
                continue
            train = draw(Y, k, seed)
            test = np.setdiff1d(np.arange(len(texts)), train)
            common = {"k": k, "seed": seed, "n_train": len(train), "n_test": len(test)}
            t = time.perf_counter()
            coder = SupervisedCoder(codebook).fit(
                [texts[i] for i in train], Y.iloc[train].reset_index(drop=True))
            fit_s = time.perf_counter() - t
            pred, review, score, code_s = coded(coder, test)
            record(method="supervised", **common,
                   **scores(Yn[test], pred, review, score, codebook.ids),
                   fit_s=round(fit_s, 1), code_s=round(code_s, 1))
            X = vectors
            t = time.perf_counter()
            pred = logistic(X[train], Yn[train], X[test], 1.0)
            record(method="lr_default", **common, **scores(Yn[test], pred, codes=codebook.ids),
                   fit_s=round(time.perf_counter() - t, 1))
            t = time.perf_counter()
            pred, C = logistic_cv(X[train], Yn[train], X[test], seed)
            record(method="lr_cv", **common, C=C, **scores(Yn[test], pred, codes=codebook.ids),
                   fit_s=round(time.perf_counter() - t, 1))
    return rows


def active_curve(seeds, tag, budgets=(5, 10, 20)) -> list[dict]:
    """Active learning against random choice at the same number of hand-coded answers.

    Both start from 2 random examples per code (and 2 with no code); active learning then
    adds batches of one answer per code chosen by
    :func:`~survey_tools.coding.active.suggest_for_coding` until the budget (answers per
    code × codes) is reached; random takes the same number of answers at random, as an
    analyst without help would. Scored on every answer not coded by hand.
    """
    from survey_tools.coding import SupervisedCoder, code_answers
    from survey_tools.coding.active import suggest_for_coding

    codebook, texts, Y = load(eval_file())
    Yn, n_codes, rows = Y.to_numpy(), len(codebook.ids), []

    def fitted(train):
        return SupervisedCoder(codebook).fit([texts[i] for i in train],
                                             Y.iloc[list(train)].reset_index(drop=True))

    def score(train):
        test = np.setdiff1d(np.arange(len(texts)), train)
        table = code_answers(fitted(train), [texts[i] for i in test])
        return scores(Yn[test], table[codebook.ids].to_numpy(), table["needs_review"],
                      table[[f"score_{c}" for c in codebook.ids]].to_numpy(dtype=float),
                      codebook.ids)

    for seed in seeds:
        labelled = [int(i) for i in draw(Y, 2, seed)]
        for per_code in budgets:
            target = per_code * (n_codes + 1)
            while len(labelled) < target:
                picks = suggest_for_coding(fitted(labelled), texts,
                                           n=min(n_codes + 1, target - len(labelled)),
                                           exclude=labelled)
                labelled += [int(i) for i in picks["position"]]
            chance = np.random.default_rng(seed + 100).choice(len(texts), len(labelled),
                                                              replace=False)
            for how, train in (("active", labelled), ("random", sorted(chance.tolist()))):
                rows.append({"tag": tag, "method": f"supervised_{how}", "k": per_code,
                             "seed": seed, "n_train": len(train), **score(train)})
                print(json.dumps(rows[-1]), flush=True)
    return rows


def summary(rows) -> str:
    table = pd.DataFrame(rows)
    metrics = [m for m in ("kappa", "macro_f1", "none_f1", "flagged_share", "flag_ratio",
                           "flag_ratio_set", "fit_s", "code_s") if m in table]
    agg = table.groupby(["tag", "method", "k"], sort=False)[metrics].agg(["mean", "min", "max"])
    lines = ["| run | method | k | " + " | ".join(metrics) + " |",
             "|---|---|---|" + "---|" * len(metrics)]
    for key, row in agg.iterrows():
        cells = [(f"{row[(m, 'mean')]:.3f} ({row[(m, 'min')]:.3f}–{row[(m, 'max')]:.3f})"
                  if m not in ("fit_s", "code_s") else f"{row[(m, 'mean')]:.0f}")
                 if pd.notna(row[(m, "mean")]) else "" for m in metrics]
        lines.append("| " + " | ".join(map(str, key)) + " | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ks", type=int, nargs="+", default=[0, 5, 10, 20, 50])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--tag", default="current")
    parser.add_argument("--active", action="store_true",
                        help="active learning against random choice instead of the curve")
    args = parser.parse_args(argv)
    if eval_file() is None:
        print(f"skip: {FILE} not found in ../shared/eval-data (set SURVEY_TOOLS_EVAL_DATA)")
        return 0
    RESULTS.mkdir(parents=True, exist_ok=True)
    rows = active_curve(args.seeds, args.tag) if args.active else run(args.ks, args.seeds,
                                                                       args.tag)
    name = f"fewshot_{'active_' if args.active else ''}{args.tag}"
    (RESULTS / f"{name}.json").write_text(json.dumps(rows, indent=2))
    text = summary(rows) + "\n"
    (RESULTS / f"{name}.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
