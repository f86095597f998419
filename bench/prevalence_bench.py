"""Theme prevalence by respondent characteristics: do the intervals hold? (issue #18)

Run ``python bench/prevalence_bench.py`` (``--datasets 200`` simulated surveys by default;
``--real-splits 20`` random splits of each real file). Results:
``bench/results/prevalence.json`` (per way and effect, and per real split) and
``prevalence.md``.

**Simulated surveys with planted effects.** Each survey has ``--n`` respondents (600):
organisation kind (40 % "kommun", 60 % "förening"), size (log-normal, larger for
municipalities, so that "at the same size" matters) and survey weights (0.5–2, larger
for associations). Two themes: *financing* is mentioned with probability 0.25 by
associations and 0.40 by municipalities (+15 points), whatever the size; *legal* with
0.30 by everyone (no effect). So the true differences are +15 points (financing, kind),
and 0 for the three others. Three ways of knowing who mentions what:

* ``fixed``: the true 0/1 mentions;
* ``expected``: a calibrated coder's probabilities (each answer's probability drawn
  from a Beta distribution around its true probability, concentration 4, and the true
  mention drawn from that probability), analysed as probabilities (the default);
* ``composition``: the same probabilities, with stm's method of composition;
* ``noisy coder``: what a real coder is closer to. The mention is what it is (0/1), and
  the coder sees only a noisy signal of it (normal, means -1 and +1, standard deviation
  1; about 16 % of answers on the wrong side) and not the respondent's kind; its
  probabilities are calibrated on the whole survey. Analysed both ways.

The first three share one assumption: the probabilities are calibrated for every
respondent, the way a mention is a coin toss with that probability (as two human coders
disagree on an ambiguous answer). The noisy coder breaks it, as classifiers do: its
errors pull the groups towards each other.

Reported per way and effect: the coverage of the 95 % intervals (share of surveys whose
interval holds the true difference), the mean estimate and interval width, and for the
null effects how often they are flagged significant after Benjamini–Hochberg.

**Real answers with a random split.** Themes are the human codes of the real files
(NHS answers: the 44 categories; argsent: the 6 issues; BBC News: the 5 sections), the
only covariate a seeded random half. Nothing should be significant after correction.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "bench"))

TRUTH = {("financing", "kind"): 15.0, ("financing", "size"): 0.0,
         ("legal", "kind"): 0.0, ("legal", "size"): 0.0}


def simulate(n: int, rng):
    """Return ``(data, true mentions, probabilities, a noisy coder's probabilities)``."""
    kommun = rng.random(n) < 0.4
    data = pd.DataFrame({
        "kind": np.where(kommun, "kommun", "förening"),
        "size": np.exp(rng.normal(np.where(kommun, 4.0, 2.5), 1.0)).round(),
        "weight": rng.uniform(0.5, 2.0, n) * np.where(kommun, 1.0, 1.3)})
    truth = {"financing": np.where(kommun, 0.40, 0.25), "legal": np.full(n, 0.30)}
    mentions, probabilities, coder = {}, {}, {}
    for theme, prob in truth.items():
        kappa = 4.0
        p = rng.beta(prob * kappa, (1 - prob) * kappa)
        probabilities[theme] = p
        mentions[theme] = z = (rng.random(n) < p).astype(int)
        # a coder that sees a noisy signal of the mention and not the covariates,
        # calibrated on the whole survey: P(mention | signal) with the overall share
        signal = rng.normal(2.0 * z - 1.0, 1.0)
        prior = prob.mean()
        odds = prior / (1 - prior) * np.exp(2.0 * signal)
        coder[theme] = odds / (1 + odds)
    return data, pd.DataFrame(mentions), pd.DataFrame(probabilities), pd.DataFrame(coder)


def coverage(datasets: int, n: int, seed: int, draws: int) -> list[dict]:
    from survey_tools.stats.prevalence import prevalence_effects

    rng = np.random.default_rng(seed)
    rows = []
    for i in range(datasets):
        data, mentions, probs, coder = simulate(n, rng)
        for how, themes, assignment in (("fixed", mentions, "expected"),
                                        ("expected", probs, "expected"),
                                        ("composition", probs, "composition"),
                                        ("noisy coder, expected", coder, "expected"),
                                        ("noisy coder, composition", coder, "composition")):
            t = time.perf_counter()
            table = prevalence_effects(themes, data, ["kind", "size"], weight="weight",
                                       references={"kind": "förening"},
                                       assignment=assignment, draws=draws, seed=i)
            seconds = time.perf_counter() - t
            for r in table.itertuples():
                truth = TRUTH[(r.theme, r.covariate)]
                rows.append({"dataset": i, "way": how, "theme": r.theme,
                             "covariate": r.covariate, "truth": truth,
                             "estimate": r.difference, "width": r.ci_high - r.ci_low,
                             "covered": bool(r.ci_low <= truth <= r.ci_high),
                             "significant": bool(r.significant), "seconds": seconds})
        if (i + 1) % 20 == 0:
            print(f"{i + 1} surveys", flush=True)
    return rows


def real_splits(splits: int) -> list[dict]:
    import coding_bench
    import fewshot_bench
    from multilingual_bench import eval_data

    from survey_tools.stats.prevalence import prevalence_effects

    sets = {}
    if fewshot_bench.eval_file():
        sets["nhs"] = fewshot_bench.load(fewshot_bench.eval_file())[2]
    if (eval_data() / "sv_argsent_topic.csv").exists():
        labels = pd.read_csv(eval_data() / "sv_argsent_topic.csv", dtype=str)["label"]
        sets["argsent"] = pd.get_dummies(labels).astype(int)
    if coding_bench.eval_data_dir():
        sets["bbc"] = coding_bench.load("bbc")[2]
    rows = []
    for name, themes in sets.items():
        themes = themes.reset_index(drop=True)
        for split in range(splits):
            half = np.random.default_rng(split).permutation(len(themes)) < len(themes) // 2
            data = pd.DataFrame({"half": np.where(half, "a", "b")})
            table = prevalence_effects(themes, data, ["half"], seed=split)
            tested = table["p_value"].notna()
            rows.append({"corpus": name, "split": split, "themes": themes.shape[1],
                         "tested": int(tested.sum()),
                         "significant": int(table["significant"].sum()),
                         "unadjusted_below_005": int((table["p_value"] < 0.05).sum())})
        print(f"{name}: {splits} random splits", flush=True)
    return rows


def aggregate(cov: list[dict]) -> list[dict]:
    """Per way, theme and covariate: surveys, coverage, mean estimate and width, flagged."""
    table = pd.DataFrame(cov)
    out = []
    for (how, theme, covariate), g in table.groupby(["way", "theme", "covariate"],
                                                    sort=False):
        out.append({"way": how, "theme": theme, "covariate": covariate,
                    "truth": float(g["truth"].iloc[0]), "surveys": int(g["dataset"].nunique()),
                    "coverage": round(float(g["covered"].mean()), 4),
                    "mean_estimate": round(float(g["estimate"].mean()), 4),
                    "mean_width": round(float(g["width"].mean()), 4),
                    "flagged": round(float(g["significant"].mean()), 4),
                    "seconds_per_table": round(float(g["seconds"].mean()), 4)})
    return out


def summary(cov: list[dict], real: list[dict]) -> str:
    table = pd.DataFrame(cov)
    lines = ["| assignments | theme | covariate | true difference | mean estimate | "
             "coverage of 95 % intervals | mean width | flagged significant |",
             "|---|---|---|---|---|---|---|---|"]
    for (how, theme, covariate), g in table.groupby(["way", "theme", "covariate"],
                                                    sort=False):
        lines.append(f"| {how} | {theme} | {covariate} | {g['truth'].iloc[0]:+.0f} | "
                     f"{g['estimate'].mean():+.2f} | {100 * g['covered'].mean():.1f} % | "
                     f"{g['width'].mean():.1f} | {100 * g['significant'].mean():.1f} % |")
    lines.append("")
    lines.append(f"{table['dataset'].nunique()} simulated surveys; seconds per table: "
                 + ", ".join(f"{how} {g['seconds'].mean():.2f}"
                             for how, g in table.groupby("way", sort=False)))
    if real:
        real = pd.DataFrame(real)
        lines += ["", "| real file | themes | random splits | splits with a difference "
                  "after correction | rows significant after correction | rows with "
                  "unadjusted p < 0.05 |", "|---|---|---|---|---|---|"]
        for name, g in real.groupby("corpus", sort=False):
            lines.append(f"| {name} | {g['themes'].iloc[0]} | {len(g)} | "
                         f"{int((g['significant'] > 0).sum())} | "
                         f"{g['significant'].sum()} of {g['tested'].sum()} | "
                         f"{g['unadjusted_below_005'].sum()} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=200)
    parser.add_argument("--n", type=int, default=600)
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--real-splits", type=int, default=20)
    args = parser.parse_args(argv)
    cov = coverage(args.datasets, args.n, args.seed, args.draws)
    real = real_splits(args.real_splits) if args.real_splits else []
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "prevalence.json").write_text(json.dumps(
        {"coverage": aggregate(cov), "real": real}, indent=1))
    text = summary(cov, real)
    (RESULTS / "prevalence.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
