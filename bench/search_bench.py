"""Search across languages on a Swedish/English mixture of real sentences (issue #29).

``python bench/search_bench.py`` -> ``results/search_languages.json`` and ``.md``.

The argsent sentences (``sv_argsent_topic.csv``, six debated issues labelled by people)
and their English originals (``en_argsent_parallel.csv``, same ids) from
``../shared/eval-data`` (or ``$SURVEY_TOOLS_EVAL_DATA``; skipped when missing). Each
sentence is taken in one language, Swedish or English at random (seed 0), so about half
of the relevant answers to any query are in each language. Twelve queries, one per issue
in each language. For each query: P@10 (share of the top 10 on the query's issue), how
many of the top 10 are in the other language, and that language's share among the
relevant sentences. Methods: ``AnswerIndex`` as released before issue #29 (``plain``:
cosine + 0.3 character n-grams), variants, and the index as it is now (``index``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"

QUERIES = [  # (issue label in the file, language, query)
    ("abort", "sv", "rätten till abort"),
    ("dödsstraff", "sv", "ska dödsstraff avskaffas"),
    ("kärnkraft", "sv", "kärnkraftens risker och fördelar"),
    ("kloning", "sv", "kloning av människor och djur"),
    ("marijuanalegalisering", "sv", "legalisering av cannabis"),
    ("minimilön", "sv", "höjd minimilön"),
    ("abort", "en", "the right to abortion"),
    ("dödsstraff", "en", "should the death penalty be abolished"),
    ("kärnkraft", "en", "risks and benefits of nuclear power"),
    ("kloning", "en", "cloning humans and animals"),
    ("marijuanalegalisering", "en", "legalizing cannabis"),
    ("minimilön", "en", "raising the minimum wage"),
]


def eval_dir() -> Path:
    return Path(os.environ.get("SURVEY_TOOLS_EVAL_DATA", ROOT.parent / "shared" / "eval-data"))


def mixture(seed: int = 0) -> pd.DataFrame | None:
    """Return ``id, text, language, label``: each sentence in Swedish or English."""
    sv_path, en_path = eval_dir() / "sv_argsent_topic.csv", eval_dir() / "en_argsent_parallel.csv"
    if not (sv_path.exists() and en_path.exists()):
        return None
    sv = pd.read_csv(sv_path, dtype=str)
    en = pd.read_csv(en_path, dtype=str).set_index("id")["text"]
    sv = sv[sv["id"].isin(en.index)].reset_index(drop=True)
    english = np.random.default_rng(seed).random(len(sv)) < 0.5
    return pd.DataFrame({"id": sv["id"], "label": sv["label"],
                         "language": np.where(english, "en", "sv"),
                         "text": np.where(english, sv["id"].map(en), sv["text"])})


def evaluate(index, frame: pd.DataFrame, *, guard: bool = False) -> list[dict]:
    """Return one row per query: P@10, hits in the other language, their share.

    With `guard`, the other language's sentences on the query's issue are filtered out,
    so nothing relevant is left in that language: does the merge then let in answers
    that are not on the issue?
    """
    rows = []
    groups = frame["label"] + "|" + frame["language"]
    for label, lang, query in QUERIES:
        other = "en" if lang == "sv" else "sv"
        filters = {"group": sorted(set(groups) - {f"{label}|{other}"})} if guard else None
        top = index.search(query, top_k=10, filters=filters)
        found = frame.set_index("id").loc[top["id"]]
        relevant = frame[frame["label"] == label]
        rows.append({"query": query, "language": lang, "issue": label,
                     "p_at_10": float((found["label"] == label).mean()),
                     "other_language_in_top10": int((found["language"] == other).sum()),
                     "other_language_share_of_relevant": round(
                         float((relevant["language"] == other).mean()), 3)})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--methods", nargs="+", default=["plain", "index"])
    parser.add_argument("--output", default="search_languages.json")
    args = parser.parse_args()
    frame = mixture()
    if frame is None:
        print("the argsent files are not in", eval_dir(), "- skipped")
        return 0
    from survey_tools.nlp.search import AnswerIndex

    results = {"sentences": len(frame), "english": int((frame["language"] == "en").sum()),
               "methods": {}}
    for method in args.methods:
        options = {"plain": {"languages": None}, "index": {}}[method]
        start = time.perf_counter()
        index = AnswerIndex(progress=False, **options).fit(
            frame["text"], ids=frame["id"],
            metadata=pd.DataFrame({"group": frame["label"] + "|" + frame["language"]}))
        rows = evaluate(index, frame)
        guarded = evaluate(index, frame, guard=True)
        results["methods"][method] = {"seconds": round(time.perf_counter() - start, 1),
                                      "gaps": {f"{a}->{b}": round(g, 4) for (a, b), g in
                                               getattr(index, "language_gaps_", {}).items()},
                                      "queries": rows, "guard": guarded}
        print(method, json.dumps(summary(rows)), "guard", json.dumps(summary(guarded)),
              flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / args.output).write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    (RESULTS / Path(args.output).with_suffix(".md")).write_text(table(results),
                                                                encoding="utf-8")
    return 0


def summary(rows: list[dict]) -> dict:
    p = [r["p_at_10"] for r in rows]
    other = [r["other_language_in_top10"] for r in rows]
    return {"p_at_10_min": min(p), "p_at_10_mean": round(float(np.mean(p)), 3),
            "other_language_total": int(sum(other)), "other_language_min": min(other),
            "queries_meeting_both": sum(r["p_at_10"] >= 0.8 and r["other_language_in_top10"] >= 3
                                        for r in rows)}


def table(results: dict) -> str:
    methods = list(results["methods"])
    lines = ["| query | language | other language among relevant | "
             + " | ".join(f"{m}: P@10 / other language in top 10" for m in methods) + " |",
             "|---|---|---|" + "---|" * len(methods)]
    for i, (_label, lang, query) in enumerate(QUERIES):
        first = results["methods"][methods[0]]["queries"][i]
        cells = [f"{r['p_at_10']:.1f} / {r['other_language_in_top10']}"
                 for r in (results["methods"][m]["queries"][i] for m in methods)]
        lines.append(f"| {query} | {lang} | {first['other_language_share_of_relevant']:.0%} | "
                     + " | ".join(cells) + " |")
    lines += ["", "Guard (the other language's sentences on the issue filtered out): P@10 / "
              "answers of the other language in the top 10, per query", ""]
    lines += [f"- {m}: " + ", ".join(f"{r['p_at_10']:.1f} / {r['other_language_in_top10']}"
                                     for r in results["methods"][m]["guard"]) for m in methods]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
