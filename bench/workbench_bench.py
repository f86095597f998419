"""Click to update in the JupyterLab workbench on 10,000 answers (issue #32: ≤ 0.5 s).

10,000 real answers from ``../shared/eval-data`` (all 4,633 Swedish argsent sentences and
5,367 English NHS patient answers), one topic model fitted on all of them, then the theme
review (:class:`~survey_tools.topics.review_widget.ThemeReview`) and the coding session
(:class:`~survey_tools.coding.session_widget.CodingSession`) are driven as a user clicks:
each action is timed from the call of its handler (what a click runs in the kernel) to the
widgets' new values. The browser's round trip to the kernel comes on top (a few
milliseconds locally). Each action runs 5 times; the median and the slowest are written
down. Run ``python bench/workbench_bench.py [--embedding tfidf]``; results go to
``bench/results/workbench.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
EVAL = Path(os.environ.get("SURVEY_TOOLS_EVAL_DATA", ROOT.parent / "shared" / "eval-data"))


def answers(n: int = 10_000) -> list[str]:
    sv = pd.read_csv(EVAL / "sv_argsent_topic.csv")["text"].astype(str).tolist()
    en = pd.read_csv(EVAL / "en_nhs_fft_v6_multilabel.csv")["text"].astype(str).tolist()
    return (sv + en)[:n]


def timed(action, repeat: int = 5) -> dict:
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - start)
    return {"median_s": round(statistics.median(seconds), 4), "max_s": round(max(seconds), 4)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--embedding", default="default")
    args = parser.parse_args()

    from survey_tools.coding import ZeroShotCoder
    from survey_tools.coding.codebook import codebook_from_dict
    from survey_tools.coding.session_widget import CodingSession
    from survey_tools.topics import TopicModel
    from survey_tools.topics.review_widget import ThemeReview

    texts = answers()
    start = time.perf_counter()
    model = TopicModel(embedding_model=args.embedding, fit_size=len(texts), progress=False,
                       label_language="en").fit(texts)
    fit_s = time.perf_counter() - start
    folder = Path(tempfile.mkdtemp())
    start = time.perf_counter()
    ui = ThemeReview(model, texts, folder / "edits.yaml", lang="en", who="bench")
    open_s = time.perf_counter() - start
    topics = ui.overview.loc[ui.overview["topic"] != -1].sort_values("size")["topic"].tolist()
    largest, other = int(topics[-1]), int(topics[-2])
    results = {"answers": len(texts), "embedding": args.embedding, "themes": len(topics),
               "largest_theme": int(ui.overview.set_index("topic").loc[largest, "size"]),
               "fit_s": round(fit_s, 1), "open_s": round(open_s, 3)}

    def select():
        ui.themes.value = other
        ui.themes.value = largest  # the largest theme's first page, masked

    def search():
        ui.query.value = "staff" if ui.query.value != "staff" else "waiting"

    def save_and_undo():
        ui.merge_with.value = other
        ui.merge.click()
        ui.apply.click()
        ui.undo_button.click()

    ui.themes.value = largest
    results["select_theme"] = timed(select)
    results["next_page"] = timed(ui.next.click)
    results["search_in_theme"] = timed(search)
    ui.query.value = ""
    ui.merge_with.value = other
    results["merge_preview"] = timed(ui.merge.click)
    ui.new_name.value = "Staff"
    results["rename_preview"] = timed(ui.rename.click)
    results["split_preview"] = timed(ui.split.click)
    results["not_a_theme_preview"] = timed(ui.drop.click)
    results["save_and_undo_merge"] = timed(save_and_undo)

    book = codebook_from_dict({"codes": {
        "staff": {"label": "Staff", "description": "staff, nurses and doctors"},
        "waiting": {"label": "Waiting", "description": "waiting times and delays"},
        "energy": {"label": "Kärnkraft", "description": "kärnkraft och energi"}}})
    coder = ZeroShotCoder(book, embedding_model=args.embedding).fit(texts)
    ids = [f"r{i}" for i in range(len(texts))]
    start = time.perf_counter()
    session = CodingSession(coder, texts, ids, folder / "examples.csv", codebook=book,
                            every=1_000_000, batch=200, lang="en", who="bench")
    results["coding_open_s"] = round(time.perf_counter() - start, 3)

    def decide():
        session.toggles["staff"].value = True
        session.save_button.click()

    results["code_one_answer"] = timed(decide)
    start = time.perf_counter()
    session.refit()
    results["coding_refit_s"] = round(time.perf_counter() - start, 3)

    # the decision that completes a round: the next answer shows at once and the refit runs
    # in a background thread; the analyst codes the next answer while it runs
    rounds = CodingSession(coder, texts, ids, folder / "rounds.csv", codebook=book,
                           every=5, batch=20, lang="en", who="bench")
    fifth = {"shown_s": [], "next_click_s": [], "refit_done_s": []}
    for round_ in range(3):
        for _ in range(4 if round_ == 0 else 3):  # the click during the last refit counts
            rounds.none.click()
        assert not rounds.refitting
        start = time.perf_counter()
        rounds.toggles["staff"].value = True
        rounds.save_button.click()
        fifth["shown_s"].append(time.perf_counter() - start)
        assert rounds.refitting  # this was the fifth decision
        during = time.perf_counter()
        rounds.none.click()  # the next decision, while the coder learns
        fifth["next_click_s"].append(time.perf_counter() - during)
        rounds.wait()
        fifth["refit_done_s"].append(time.perf_counter() - start)
    results["code_fifth_answer"] = {key: round(max(values), 4) for key, values in fifth.items()}
    out = ROOT / "bench" / "results" / "workbench.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
