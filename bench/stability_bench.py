"""Themes that stay put (issue #27): the same answers must give the same themes anywhere.

Run ``python bench/stability_bench.py`` (corpora from ``../shared/eval-data`` or
``$SURVEY_TOOLS_EVAL_DATA``; a corpus whose file is missing is skipped). For every corpus
the answers are embedded twice with multilingual-e5-small, in float32 and in bfloat16
(``E5Encoder(precision=...)``; the vectors are kept in ``--vectors DIR`` so a second run
skips the embedding), and ``TopicModel`` is fitted on given vectors:

* ``float32`` and ``bfloat16`` with the default seed: ARI between the two partitions
  (what another CPU does to the themes);
* ``float32`` + N(0, 1e-5) noise on every vector component (re-normalized): ARI with the
  float32 partition (what another BLAS or batch size does);
* seeds 0-4 on the float32 vectors: pairwise ARI, K per seed, and for every theme the
  report calls stable, its best Jaccard in each other seed (Hennig's clusterwise
  Jaccard);
* ARI and NMI against the human labels (outliers as one more cluster) for each run.

Corpora: ``sample_obstacles`` and ``sample_takeaway`` (the sample report's two open
questions, synthetic), ``argsent`` (4,633 real Swedish sentences, six issues), ``nhs``
(5,423 real NHS answers, scored on the 3,482 with one code), ``bbc_sentences`` (10,000
real English sentences, eight to forty words, five sections). Results:
``bench/results/stability.json`` and a Markdown table beside it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from itertools import combinations
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "bench"))

CORPORA = ("sample_obstacles", "sample_takeaway", "argsent", "nhs", "bbc_sentences")


def load(corpus: str):
    """Return ``(docs, labels, scored)``: texts, gold labels (or None), rows to score."""
    import pandas as pd

    if corpus.startswith("sample_"):
        frame = pd.read_csv(ROOT / "data" / "sample_survey.csv", dtype=str)
        column = "q_" + corpus.split("_", 1)[1]
        docs = frame[column].fillna("").tolist()
        gold = pd.read_csv(ROOT / "data" / "sample_survey_gold.csv", dtype=str)
        gold = gold[gold["question"] == column].set_index("respondent_id")["themes"]
        themes = frame["respondent_id"].map(gold).fillna("").tolist()
        scored = [i for i, t in enumerate(themes) if t and ";" not in t]
        return docs, themes, scored
    from multilingual_bench import load as load_real

    docs, labels, _, scored = load_real(corpus)
    return docs, labels, scored


def vectors(corpus: str, docs: list[str], precision: str, folder: Path) -> np.ndarray:
    """Return e5 vectors of `docs` in `precision`, from `folder` when computed before."""
    from survey_tools.nlp.answers import ANSWER, answer_kind
    from survey_tools.nlp.e5 import E5Encoder

    path = folder / f"{corpus}_{precision}.npy"
    if path.exists():
        return np.load(path)
    kinds = answer_kind(pd_series(docs))
    out = np.full((len(docs), 384), np.nan, dtype=np.float32)
    rows = np.flatnonzero((kinds == ANSWER).to_numpy())
    start = time.perf_counter()
    out[rows] = E5Encoder(precision=precision).encode([docs[i].strip() for i in rows])
    print(f"{corpus} {precision}: {len(rows):,} answers embedded in "
          f"{time.perf_counter() - start:.1f} s", flush=True)
    folder.mkdir(parents=True, exist_ok=True)
    np.save(path, out)
    return out


def pd_series(docs):
    import pandas as pd

    return pd.Series(docs, dtype=object)


def noisy(emb: np.ndarray, sigma: float, seed: int = 0) -> np.ndarray:
    """Return `emb` with N(0, sigma) added to every component, rows re-normalized."""
    rng = np.random.default_rng(seed)
    out = emb + rng.normal(0.0, sigma, emb.shape).astype(emb.dtype)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def fit(docs, emb, seed: int):
    from survey_tools.topics import TopicModel

    start = time.perf_counter()
    model = TopicModel(seed=seed, cache_dir=False, extra_stop_words=["ai"]).fit(
        docs, embeddings=np.nan_to_num(emb))
    return model, time.perf_counter() - start


def topics_of(model) -> np.ndarray:
    """Topic per row, -2 for rows that were not modelled."""
    return model.assignments_["topic"].fillna(-2).astype(int).to_numpy()


def clusterwise_jaccard(a: np.ndarray, b: np.ndarray) -> dict[int, float]:
    """Best Jaccard of each cluster of `a` with any cluster of `b` (rows in both)."""
    out = {}
    for t in np.unique(a):
        if t < 0:
            continue
        members = a == t
        out[int(t)] = max(float((members & (b == u)).sum() / (members | (b == u)).sum())
                          for u in np.unique(b) if u >= 0) if (b >= 0).any() else 0.0
    return out


def agreement(topics, labels, scored) -> dict:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    if labels is None or not scored:
        return {}
    truth = [labels[i] for i in scored]
    found = [int(topics[i]) for i in scored]
    return {"ari": round(adjusted_rand_score(truth, found), 3),
            "nmi": round(normalized_mutual_info_score(truth, found), 3)}


def run_corpus(corpus: str, folder: Path, seeds) -> dict:
    from sklearn.metrics import adjusted_rand_score

    docs, labels, scored = load(corpus)
    f32 = vectors(corpus, docs, "float32", folder)
    bf16 = vectors(corpus, docs, "bfloat16", folder)
    modelled = np.isfinite(f32).all(axis=1)
    both = modelled & np.isfinite(bf16).all(axis=1)
    ok = np.flatnonzero(both)
    cos = np.sum(f32[ok] * bf16[ok], axis=1)
    base, seconds = fit(docs, f32, 42)
    ref = topics_of(base)

    def ari(a, b):
        keep = (a > -2) & (b > -2)
        return round(float(adjusted_rand_score(a[keep], b[keep])), 3)

    result = {"corpus": corpus, "answers": int(modelled.sum()),
              "cosine_f32_bf16_min": round(float(cos.min()), 6),
              "k": int(base.n_topics_), "fit_seconds": round(seconds, 1),
              "labels": base.topics_.loc[base.topics_["topic"] >= 0, "label"].tolist(),
              "stability": base.topics_.loc[base.topics_["topic"] >= 0, "stability"]
              .round(3).tolist(),
              "stability_by_k": base.clusterer_.scores_.round(3).to_dict("list"),
              **agreement(ref, labels, scored)}
    other, _ = fit(docs, bf16, 42)
    result["ari_f32_bf16"] = ari(ref, topics_of(other))
    result["k_bf16"] = int(other.n_topics_)
    shaken, _ = fit(docs, noisy(f32, 1e-5), 42)
    result["ari_f32_noise"] = ari(ref, topics_of(shaken))
    per_seed = {s: fit(docs, f32, s)[0] for s in seeds}
    parts = {s: topics_of(m) for s, m in per_seed.items()}
    result["seeds"] = {str(s): {"k": int(m.n_topics_), **agreement(parts[s], labels, scored)}
                       for s, m in per_seed.items()}
    pairs = [ari(parts[a], parts[b]) for a, b in combinations(seeds, 2)]
    result["seed_ari_min"], result["seed_ari_mean"] = min(pairs), round(float(np.mean(pairs)), 3)
    # every theme a seed's run calls stable must recur in every other seed's run
    worst = 1.0
    for a, b in combinations(seeds, 2):
        for x, y in ((a, b), (b, a)):
            table = per_seed[x].topics_
            table = table[table["topic"] >= 0]
            stable = set(table.loc[table["stable"].astype(bool), "topic"].astype(int))
            jac = clusterwise_jaccard(parts[x], parts[y])
            if stable:
                worst = min(worst, min(jac[t] for t in stable if t in jac))
    result["stable_theme_jaccard_min"] = round(worst, 3)
    result["stable_themes_per_seed"] = [int(m.topics_["stable"].eq(True).sum())
                                        for m in per_seed.values()]
    return result


def markdown(results) -> str:
    head = ("| corpus | answers | K (f32 / bf16 / seeds) | ARI f32–bf16 | ARI f32–noise | "
            "ARI seeds min / mean | stable themes' min Jaccard across seeds | ARI / NMI vs "
            "people | fit s |\n|---|---|---|---|---|---|---|---|---|\n")
    rows = []
    for r in results:
        ks = "/".join(str(v["k"]) for v in r["seeds"].values())
        people = f"{r['ari']} / {r['nmi']}" if "ari" in r else ""
        rows.append(f"| {r['corpus']} | {r['answers']:,} | {r['k']} / {r['k_bf16']} / {ks} | "
                    f"{r['ari_f32_bf16']} | {r['ari_f32_noise']} | {r['seed_ari_min']} / "
                    f"{r['seed_ari_mean']} | {r['stable_theme_jaccard_min']} | {people} | "
                    f"{r['fit_seconds']} |")
    return head + "\n".join(rows) + "\n"


def labels_table(corpora, folder: Path) -> str:
    """Return a Markdown list of each corpus's themes (float32, seed 42): label, size, stability.

    Also checks that every phrase of a label occurs, as written, in the theme's answers
    (the all-is-well name excepted) and says so per corpus.
    """
    from survey_tools.nlp.answers import all_is_well_label
    from survey_tools.topics.labels import phrase_occurs

    out = []
    for corpus in corpora:
        try:
            docs, _, _ = load(corpus)
        except FileNotFoundError as exc:
            print(f"{corpus}: skipped ({exc})")
            continue
        model, _ = fit(docs, vectors(corpus, docs, "float32", folder), 42)
        topics = topics_of(model)
        table = model.topics_[model.topics_["topic"] >= 0]
        missing = []
        for row in table.itertuples():
            if row.label == all_is_well_label(model.label_language_)[0]:
                continue
            texts = [docs[i] for i in np.flatnonzero(topics == row.topic)]
            missing += [p for p in row.label.split(", ") if not phrase_occurs(p, texts)]
        themes = "; ".join(f"{r.label} ({r.size:,}, {r.stability:.2f})"
                           for r in table.itertuples())
        out.append(f"- **{corpus}** (K = {model.n_topics_}; phrases not found as written in "
                   f"their theme's answers: {len(missing)}): {themes}")
        print(out[-1], flush=True)
    return "\n".join(out) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpora", nargs="+", default=list(CORPORA), choices=CORPORA)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    parser.add_argument("--vectors", default="/tmp/survey_tools_bench_vectors")
    parser.add_argument("--output", default="stability.json")
    parser.add_argument("--labels", action="store_true",
                        help="only fit each corpus once and list its themes' labels "
                             "(results/labels.md)")
    args = parser.parse_args(argv)
    if args.labels:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "labels.md").write_text(labels_table(args.corpora, Path(args.vectors)),
                                          encoding="utf-8")
        return
    results = []
    for corpus in args.corpora:
        try:
            results.append(run_corpus(corpus, Path(args.vectors), args.seeds))
        except FileNotFoundError as exc:
            print(f"{corpus}: skipped ({exc})")
            continue
        print(json.dumps(results[-1], ensure_ascii=False), flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / args.output).write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n",
                                       encoding="utf-8")
    (RESULTS / args.output).with_suffix(".md").write_text(markdown(results), encoding="utf-8")
    print(markdown(results))


if __name__ == "__main__":
    main()
