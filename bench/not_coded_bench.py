"""What a "none of the codes" prototype does to zero-shot coding (issue #19).

Run ``python bench/not_coded_bench.py``. ``ZeroShotCoder(not_coded=...)`` adds one
prototype for what is none of the codes; an answer closer to it than to every code gets
no code from similarity (keyword hits still count).

Corpora:

- NHS Friends and Family Test answers (real, ``en_nhs_fft_v6_multilabel.csv`` from
  ``../shared/eval-data`` or ``$SURVEY_TOOLS_EVAL_DATA``; skipped when absent): 44 codes
  named only, and people labelled some answers "Not assigned" or "Labelling not
  possible", the real "none of the codes". Scored on the answers that are not empty or
  non-answers (``answer_kind``), as ``code_answers`` codes them.
- The synthetic interviews of the sample (``data/sample_interviews``), as the interview
  chapter codes them: per interview, which of the five planted obstacles are found.

Variants: no "none" prototype; the NHS labels' own names for "none" (as its codes are
named only) or two sentences describing such answers; and, for the interviews,
``interview_not_coded`` (generic texts about introductions and goodbyes, in
``resources/interviews.yaml``). Measures: how well
"no code" finds the answers people left uncoded (precision, recall), pooled Cohen's kappa
over answer × code (interview × obstacle for the interviews), and how many answers with
a human code lost every code. Results:
``bench/results/not_coded.json``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))


def score(coded: pd.DataFrame, Y: pd.DataFrame) -> dict:
    from sklearn.metrics import cohen_kappa_score

    found = coded[list(Y.columns)].to_numpy()
    want = Y.to_numpy()
    none_found, none_want = found.sum(axis=1) == 0, want.sum(axis=1) == 0
    hits = int((none_found & none_want).sum())
    return {"answers": len(Y), "none_by_people": int(none_want.sum()),
            "none_by_coder": int(none_found.sum()),
            "none_precision": round(hits / max(int(none_found.sum()), 1), 4),
            "none_recall": round(hits / max(int(none_want.sum()), 1), 4),
            "coded_answers_left_uncoded": int((none_found & ~none_want).sum()),
            "kappa_pooled": round(float(cohen_kappa_score(want.ravel(), found.ravel())), 4)}


def nhs() -> list[dict]:
    import fewshot_bench

    from survey_tools.coding import ZeroShotCoder, code_answers
    from survey_tools.nlp.answers import answer_kind

    path = fewshot_bench.eval_file()
    if path is None:
        print("skip nhs: its file is not in ../shared/eval-data", flush=True)
        return []
    codebook, texts, Y = fewshot_bench.load(path)
    answered = (answer_kind(texts) == "answer").to_numpy()
    texts = [t for t, a in zip(texts, answered, strict=True) if a]
    Y = Y[answered].reset_index(drop=True)
    rows = []
    described = ["The comment does not say what was good or what should change.",
                 "The comment is too unclear to tell what it is about."]
    for name, not_coded in (("no none prototype", ()),
                            ("the labels' names", sorted(fewshot_bench.NONE)),
                            ("a description", described)):
        coder = ZeroShotCoder(codebook, not_coded=not_coded).fit(texts)
        row = {"corpus": "nhs", "variant": name, **score(code_answers(coder, texts), Y)}
        print(json.dumps(row), flush=True)
        rows.append(row)
    return rows


def interviews() -> list[dict]:
    from test_interviews import sample_interview_codes

    from survey_tools.coding import load_codebook
    from survey_tools.nlp.interviews import interview_not_coded
    from survey_tools.paths import data_dir

    rows = []
    for name, coder_name in (("no none prototype", "zero-shot, every passage coded"),
                             ("interview_not_coded", "zero-shot")):
        _, _, found, want = sample_interview_codes(coder_name)
        five = ["leadership", "legal", "data_access", "financing", "cooperation"]
        kappa = score(pd.DataFrame(found, columns=five),
                      pd.DataFrame(want, columns=five))["kappa_pooled"]
        row = {"corpus": "sample interviews (synthetic)", "variant": name,
               "interviews": len(want), "kappa_pooled_interview_x_obstacle": kappa,
               "interviews_exact": int((found == want).all(axis=1).sum()),
               "interviews_per_obstacle": dict(zip(five, found.sum(axis=0).tolist(),
                                                   strict=True)),
               "planted_per_obstacle": dict(zip(five, want.sum(axis=0).tolist(), strict=True))}
        print(json.dumps(row), flush=True)
        rows.append(row)
    texts = interview_not_coded(load_codebook(data_dir() / "codebook_obstacles.yaml"))
    rows[-1]["not_coded_texts"] = len(texts)
    return rows


def main() -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    rows = [*nhs(), *interviews()]
    (RESULTS / "not_coded.json").write_text(json.dumps(rows, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
