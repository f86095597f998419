"""Who-says-what statistics that used to mislead: before and after (issue #28, items 32-36).

Run ``python bench/hazards_bench.py`` (writes ``bench/results/hazards.md``). Simulated
surveys, seeded; the true differences are known.

* **Small group** (item 32): 1,000 respondents, a region of 3 and one of 997; everyone
  mentions the theme with probability 0.3, so the true difference is 0. "Before" is the
  same estimator without the small-group and separation rule (the code before this
  change); "after" is the package.
* **Soft assignments** (item 33): 600 respondents, municipalities mention the theme with
  probability 0.40 and associations 0.25 (+15 points). A calibrated coder's probability
  per answer is drawn from a Beta distribution around the respondent's true probability
  (concentration 4: a decisive coder; 20: an indecisive one, whose probabilities stay
  near the base rate), the mention from that probability. Analysed as the true 0/1
  mentions, as expected mentions (the default before) and by the method of composition
  (the default now). Coverage is of the true +15.
* **Misclassification** (item 34): the same survey, a coder that sees a noisy signal of
  the 0/1 mention (16 % of answers on the wrong side) and not the respondent's kind.
* **Correction** (item 34): a 0/1 coder with 16 % of answers on the wrong side, blind to
  the covariates; its sensitivity and specificity measured on 200 hand-coded answers of
  the same survey are passed as ``misclassification=``.
* **A theme coded for half the respondents** (item 35): +15 points as above, the theme
  missing (not coded) for a random half. "Before" counts missing as "not mentioned" (what
  the code did), "after" leaves those rows out of that theme's model.
* **Quartiles of a numeric covariate** (item 36): 600 respondents, age uniform 20-70,
  the theme's log-odds rising with age; the estimand is the difference between the
  population's first and third quartile (32.5 and 57.5). The sample's quartiles are
  used, so their own sampling is not in the interval: its coverage of the population
  contrast is measured (the text now says which values are compared and this).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def small_group(surveys: int, seed: int) -> list[dict]:
    """Region of 3 against 997, no true difference: before and after."""
    from survey_tools.stats import prevalence

    rng = np.random.default_rng(seed)
    rows = []
    guard = prevalence._small_or_separated
    for i in range(surveys):
        region = np.array(["Ö"] * 3 + ["Fastland"] * 997)
        data = pd.DataFrame({"region": region})
        themes = pd.DataFrame({"theme": (rng.random(1000) < 0.3).astype(int)})
        for when in ("before", "after"):
            prevalence._small_or_separated = (lambda *a: None) if when == "before" else guard
            try:
                r = prevalence.prevalence_effects(themes, data, ["region"],
                                                  references={"region": "Fastland"},
                                                  seed=i).iloc[0]
            finally:
                prevalence._small_or_separated = guard
            has = bool(pd.notna(r["ci_low"]))
            rows.append({"case": "small group", "when": when, "survey": i,
                         "separated": bool(themes["theme"][:3].nunique() == 1),
                         "interval": has, "width": r["ci_high"] - r["ci_low"] if has else np.nan,
                         "covered": bool(has and r["ci_low"] <= 0 <= r["ci_high"]),
                         "significant": bool(r["significant"]), "estimate": r["difference"]})
    return rows


def soft(surveys: int, seed: int, draws: int) -> list[dict]:
    """Fixed, expected and composition on calibrated and on noisy-coder probabilities."""
    from survey_tools.stats.prevalence import prevalence_effects

    rng = np.random.default_rng(seed)
    rows = []
    for i in range(surveys):
        kommun = rng.random(600) < 0.4
        data = pd.DataFrame({"kind": np.where(kommun, "kommun", "förening")})
        prob = np.where(kommun, 0.40, 0.25)
        cases = {}
        for kappa in (4, 20):
            p = rng.beta(prob * kappa, (1 - prob) * kappa)
            y = (rng.random(600) < p).astype(int)
            cases[f"κ={kappa}"] = (y, p)
        y = (rng.random(600) < prob).astype(int)
        signal = rng.normal(2.0 * y - 1.0, 1.0)
        odds = prob.mean() / (1 - prob.mean()) * np.exp(2.0 * signal)
        cases["noisy coder"] = (y, odds / (1 + odds))
        for case, (y, p) in cases.items():
            for how, themes, assignment in (("0/1 mentions", y, "expected"),
                                            ("expected (before)", p, "expected"),
                                            ("composition (now)", p, "composition")):
                r = prevalence_effects(pd.DataFrame({"theme": themes}), data, ["kind"],
                                       references={"kind": "förening"},
                                       assignment=assignment, draws=draws, seed=i).iloc[0]
                rows.append({"case": case, "when": how, "survey": i,
                             "width": r["ci_high"] - r["ci_low"],
                             "covered": bool(r["ci_low"] <= 15 <= r["ci_high"]),
                             "significant": bool(r["significant"]),
                             "estimate": r["difference"]})
    return rows


def missing_and_quartiles(surveys: int, seed: int) -> list[dict]:
    """Item 35 (a theme coded for half) before and after; item 36 (quartiles) coverage."""
    from survey_tools.stats.prevalence import prevalence_effects

    rng = np.random.default_rng(seed)
    rows = []
    for i in range(surveys):
        kommun = rng.random(600) < 0.4
        data = pd.DataFrame({"kind": np.where(kommun, "kommun", "förening")})
        y = (rng.random(600) < np.where(kommun, 0.40, 0.25)).astype(float)
        y[rng.random(600) < 0.5] = np.nan
        for when, themes in (("before", np.nan_to_num(y)), ("after", y)):
            r = prevalence_effects(pd.DataFrame({"theme": themes}), data, ["kind"],
                                   references={"kind": "förening"}, seed=i).iloc[0]
            rows.append({"case": "half coded", "when": when, "truth": 15.0,
                         "estimate": r["difference"], "width": r["ci_high"] - r["ci_low"],
                         "covered": bool(r["ci_low"] <= 15 <= r["ci_high"])})
        age = rng.uniform(20, 70, 600)

        def share(a):
            return 1 / (1 + np.exp(-(-2.0 + 0.04 * a)))

        truth = 100 * (share(57.5) - share(32.5))
        y = (rng.random(600) < share(age)).astype(int)
        r = prevalence_effects(pd.DataFrame({"theme": y}), pd.DataFrame({"age": age}), ["age"],
                               seed=i).iloc[0]
        rows.append({"case": "quartiles", "when": "now", "truth": truth,
                     "estimate": r["difference"], "width": r["ci_high"] - r["ci_low"],
                     "covered": bool(r["ci_low"] <= truth <= r["ci_high"])})
    return rows


def corrected(surveys: int, seed: int) -> list[dict]:
    """Item 34: a 0/1 coder with 16 % errors, before and after correcting for agreement
    measured on 200 hand-coded answers of the same survey."""
    from survey_tools.stats.prevalence import prevalence_effects

    rng = np.random.default_rng(seed)
    rows = []
    for i in range(surveys):
        kommun = rng.random(600) < 0.4
        data = pd.DataFrame({"kind": np.where(kommun, "kommun", "förening")})
        y = (rng.random(600) < np.where(kommun, 0.40, 0.25)).astype(int)
        coded = (rng.normal(2.0 * y - 1.0, 1.0) > 0).astype(int)  # 16 % on the wrong side
        hand = rng.choice(600, 200, replace=False)  # the hand-coded sample
        se = float(coded[hand][y[hand] == 1].mean())
        sp = float(1 - coded[hand][y[hand] == 0].mean())
        for when, agreement in (("before", None), ("after", (se, sp))):
            r = prevalence_effects(pd.DataFrame({"theme": coded}), data, ["kind"],
                                   references={"kind": "förening"},
                                   misclassification=agreement, seed=i).iloc[0]
            rows.append({"case": "0/1 coder, 16 % wrong", "when": when, "truth": 15.0,
                         "estimate": r["difference"], "width": r["ci_high"] - r["ci_low"],
                         "covered": bool(r["ci_low"] <= 15 <= r["ci_high"])})
    return rows


def main(argv=None) -> int:
    """Simulate, write the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--surveys", type=int, default=200)
    parser.add_argument("--soft-surveys", type=int, default=100)
    parser.add_argument("--draws", type=int, default=200)
    args = parser.parse_args(argv)
    small = pd.DataFrame(small_group(args.surveys, 0))
    lines = ["# Who says what: small groups, soft assignments, misclassification (issue #28)",
             "", "`python bench/hazards_bench.py`", "",
             f"**A region of 3 against 997, true difference 0** ({args.surveys} surveys; "
             f"in {int(small[small.when == 'after'].separated.sum())} of them the 3 all "
             "mention the theme or none does):", "",
             "| | contrasts with an interval | flagged significant | coverage of 0 | "
             "mean width (points) | flagged when separated |", "|---|---|---|---|---|---|"]
    def pct(x) -> str:
        return "–" if pd.isna(x) else f"{x:.1%}"

    for when, g in small.groupby("when", sort=False):
        sep = g[g.separated]
        width = g.width.mean()
        lines.append(f"| {when} | {pct(g.interval.mean())} | {pct(g.significant.mean())} | "
                     f"{pct(g.covered[g.interval].mean() if g.interval.any() else np.nan)} | "
                     f"{'–' if pd.isna(width) else f'{width:.1f}'} | "
                     f"{pct(sep.significant.mean() if len(sep) else np.nan)} |")
    s = pd.DataFrame(soft(args.soft_surveys, 1, args.draws))
    lines += ["", f"**+15 points, soft assignments** ({args.soft_surveys} surveys of 600):", "",
              "| coder | analysed as | mean estimate | coverage of +15 | mean width | "
              "width / 0/1 width | flagged significant |", "|---|---|---|---|---|---|---|"]
    for case, g in s.groupby("case", sort=False):
        fixed = g[g.when == "0/1 mentions"].width.mean()
        for when, h in g.groupby("when", sort=False):
            lines.append(f"| {case} | {when} | {h.estimate.mean():+.2f} | {h.covered.mean():.1%}"
                         f" | {h.width.mean():.1f} | {h.width.mean() / fixed:.2f} | "
                         f"{h.significant.mean():.1%} |")
    m = pd.DataFrame([*corrected(args.surveys, 3), *missing_and_quartiles(args.surveys, 2)])
    lines += ["", f"**A misclassifying coder corrected with its measured agreement, a theme "
              f"coded for half the respondents, numeric quartiles** "
              f"({args.surveys} surveys of 600):", "",
              "| case | | true difference | mean estimate | coverage | mean width |",
              "|---|---|---|---|---|---|"]
    for (case, when), g in m.groupby(["case", "when"], sort=False):
        lines.append(f"| {case} | {when} | {g.truth.mean():+.2f} | {g.estimate.mean():+.2f} | "
                     f"{g.covered.mean():.1%} | {g.width.mean():.1f} |")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "hazards.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
