"""Words of the other language in theme names and top words, on real mixed answers (#30).

    python bench/language_words_bench.py [--swedish 1500] [--english 500] [--seeds 42 0]
        # -> results/language_words.json

A Swedish/English mixture from the argsent corpus (``../shared/eval-data`` or
``$SURVEY_TOOLS_EVAL_DATA``): real Swedish sentences and, for other ids, their English
originals, so both languages talk about the same six issues. The default TopicModel is
fitted with the labels in English and in Swedish. Counted, per report language: the top
words that are words of the other language (:func:`survey_tools.i18n.foreign_words`), for
the words of all answers (``topic_words_``, what the table showed before) and of the answers
in the report language (``top_words``, now); the labels with such words that are not
quoted «…», and the quoted ones. Function words are stop words, so topic words are also
judged by use: a word (each word of a phrase) is the other language's when the answers in
that language contain it at least five times as often as those in the report language
(the mixture's languages are known).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd

from survey_tools.i18n import foreign_words
from survey_tools.topics import TopicModel

RESULTS = Path(__file__).parent / "results"
EVAL = Path(os.environ.get("SURVEY_TOOLS_EVAL_DATA",
                           Path(__file__).resolve().parents[2] / "shared" / "eval-data"))


def mixture(n_sv: int, n_en: int, seed: int = 0) -> pd.DataFrame:
    """Return `n_sv` Swedish sentences and `n_en` English originals of other ids."""
    sv = pd.read_csv(EVAL / "sv_argsent_topic.csv")
    en = pd.read_csv(EVAL / "en_argsent_parallel.csv")
    both = sv.merge(en, on="id", suffixes=("_sv", "_en"))
    order = np.random.default_rng(seed).permutation(len(both))
    picked = both.iloc[order[:n_sv + n_en]].reset_index(drop=True)
    texts = [picked.at[i, "text_sv"] if i < n_sv else picked.at[i, "text_en"]
             for i in range(len(picked))]
    return pd.DataFrame({"id": picked["id"], "text": texts,
                         "language": ["sv"] * n_sv + ["en"] * n_en})


def share_foreign(words: list[str], lang: str) -> float:
    return float(np.mean([bool(foreign_words(w, lang)) for w in words])) if words else 0.0


def share_used_by_other(words: list[str], data: pd.DataFrame, lang: str) -> float:
    """Share of `words` the other language's answers use at least five times as often."""
    import re

    tokens = [set(re.findall(r"\w+", str(t).casefold())) for t in data["text"]]
    same = (data["language"] == lang).to_numpy()

    def rate(word, rows):
        return np.mean([word in tokens[i] for i in np.flatnonzero(rows)])

    def other(phrase):
        return any(rate(w, ~same) >= 5 * rate(w, same) and rate(w, ~same) > 0
                   for w in phrase.split())
    return float(np.mean([other(w) for w in words])) if words else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--swedish", type=int, default=1500)
    parser.add_argument("--english", type=int, default=500)
    parser.add_argument("--seeds", type=int, nargs="+", default=[42])
    parser.add_argument("--output", default="language_words.json")
    args = parser.parse_args()
    if not (EVAL / "sv_argsent_topic.csv").exists():
        raise SystemExit(f"the argsent files are not in {EVAL}")
    data = mixture(args.swedish, args.english)
    rows = []
    for seed in args.seeds:
        for lang in ("en", "sv"):
            start = time.perf_counter()
            model = TopicModel(label_language=lang, seed=seed, progress=False).fit(
                data["text"], ids=data["id"])
            seconds = time.perf_counter() - start
            topics = model.topics_[model.topics_["topic"] != -1]
            before = [w for t in topics["topic"] for w, _ in model.topic_words_.get(t, [])]
            now = [w.strip("«»") for words, quoted in zip(topics["top_words"],
                                                          ~topics["in_language"], strict=True)
                   if not quoted for w in words.split(", ") if w]
            labels = topics["label"].tolist()
            rows.append({
                "seed": seed, "report_language": lang, "themes": len(topics),
                "seconds": round(seconds, 1),
                "top_words_other_language_before": round(share_foreign(before, lang), 3),
                "top_words_other_language_now": round(share_foreign(now, lang), 3),
                "top_words_used_by_other_before": round(
                    share_used_by_other(before, data, lang), 3),
                "top_words_used_by_other_now": round(share_used_by_other(now, data, lang), 3),
                "top_words_per_theme_now": round(len(now) / max(int(topics["in_language"]
                                                                     .sum()), 1), 1),
                "labels_other_language_unquoted": sum(
                    bool(foreign_words(lb, lang)) for lb in labels if not lb.startswith("«")),
                "labels_quoted": sum(lb.startswith("«") for lb in labels),
                "labels": labels,
            })
            print({k: v for k, v in rows[-1].items() if k != "labels"})
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / args.output).write_text(json.dumps({
        "corpus": f"argsent, {args.swedish} Swedish sentences and {args.english} English "
                  "originals of other ids", "rows": rows}, indent=1, ensure_ascii=False)
        + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
