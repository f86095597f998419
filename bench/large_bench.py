"""Large-input benchmark: ``survey-tools topics`` on up to a million generated answers.

Run ``python bench/large_bench.py --respondents 1150000 [--engine pandas|dask|both]``.
The sample generator makes the respondents (seed 20251124); the id and obstacle columns
are written to a CSV in a temporary folder, and the CLI runs on it as a batch job would:
``survey-tools topics FILE --text-column q_obstacles --embedding fast --output DIR``,
with ``--engine dask --workers 2 --partition-size 16MB`` for Dask. The model is fitted on
a random sample of 50,000 rows and every row is assigned in batches or partitions.

Wall time and peak memory are measured: the peak of the summed RSS of the CLI process and
all its children (Dask workers), sampled every 0.2 s with psutil. ARI against the
planted themes is computed on the single-theme answers. With ``--engine both`` the two
engines run on the same file one after the other and their ``assignments.csv`` and
``topics.csv`` are compared byte for byte (sha256).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def run_measured(cmd: list[str]) -> tuple[float, float, int, str]:
    """Run `cmd`; return wall seconds, peak summed RSS (MB) of it and its children, code, stderr."""
    import psutil

    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    root = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            procs = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.2)
    wall = time.perf_counter() - start
    _, err = proc.communicate()
    return wall, peak / 2**20, proc.returncode, err


def main(argv=None) -> int:
    from sklearn.metrics import adjusted_rand_score

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=1_150_000)
    parser.add_argument("--embedding", default="fast")
    parser.add_argument("--engine", choices=["pandas", "dask", "both"], default="pandas")
    parser.add_argument("--partition-size", default="16MB", help="Dask: CSV bytes per partition")
    args = parser.parse_args(argv)
    engines = ["pandas", "dask"] if args.engine == "both" else [args.engine]
    spec = importlib.util.spec_from_file_location("gen", ROOT / "data" / "generate_sample.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    start = time.perf_counter()
    survey, truth = gen.generate(n=args.respondents)
    made = time.perf_counter() - start
    truth = truth[truth["question"] == "q_obstacles"].set_index("respondent_id")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "answers.csv"
        survey[["respondent_id", "q_obstacles"]].to_csv(path, index=False)
        n_rows = len(survey)
        ids = survey["respondent_id"].astype(str).to_numpy()
        del survey
        runs = {}
        for engine in engines:
            out = Path(tmp) / f"out-{engine}"
            cmd = [str(Path(sys.executable).with_name("survey-tools")), "topics", str(path),
                   "--text-column", "q_obstacles", "--id-column", "respondent_id",
                   "--embedding", args.embedding, "--no-progress", "--output", str(out)]
            if engine == "dask":
                cmd += ["--engine", "dask", "--workers", "2",
                        "--partition-size", args.partition_size]
            wall, peak, code, err = run_measured(cmd)
            if code:
                print(err[-3000:], file=sys.stderr)
                return 1
            got = pd.read_csv(out / "assignments.csv", dtype={"respondent_id": str})
            run = json.loads((out / "run.json").read_text())
            digests = {name: hashlib.sha256((out / name).read_bytes()).hexdigest()
                       for name in ("assignments.csv", "topics.csv")}
            runs[engine] = (got, run, wall, peak, digests)
    rows = []
    for engine, (got, run, wall, peak, digests) in runs.items():
        gold = truth.loc[got["respondent_id"]]
        single = ((gold["answer_kind"] == "answer")
                  & ~gold["themes"].str.contains(";")).to_numpy()
        rows.append({
            "respondents": args.respondents, "engine": engine, "rows_in": n_rows,
            "rows_out": len(got), "ids_in_order": bool(
                (got["respondent_id"].to_numpy() == ids).all()),
            "answers": int(got["status"].isin(["assigned", "outlier"]).sum()),
            "embedding": args.embedding, "generate_s": round(made, 1), "wall_s": round(wall, 1),
            "peak_rss_mb": round(peak), "ari": round(adjusted_rand_score(
                gold["themes"][single], got["topic"][single]), 4),
            "n_topics": run["n_topics"], "status_counts": run["status_counts"],
            "sha256": digests, "notes": run["notes"],
        })
    if len(rows) == 2:
        same = rows[0]["sha256"] == rows[1]["sha256"]
        for row in rows:
            row["engines_identical"] = same
    print(json.dumps(rows, indent=2))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"large_{args.respondents}_{args.engine}.json").write_text(
        json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
