"""Large-input benchmark: ``survey-tools topics`` on up to a million generated answers.

Run ``python bench/large_bench.py --respondents 1150000``. The sample generator makes the
respondents (seed 20251124); the id and obstacle columns are written to a CSV in a
temporary folder, and the CLI runs on it as a batch job would:
``survey-tools topics FILE --text-column q_obstacles --embedding fast --output DIR``
(fit on a random sample of 50,000 rows, every row assigned in batches of 50,000). Wall
time and the peak RSS of the CLI process are measured; ARI against the planted themes is
computed on the single-theme answers.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def main(argv=None) -> int:
    from sklearn.metrics import adjusted_rand_score

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=1_150_000)
    parser.add_argument("--embedding", default="fast")
    args = parser.parse_args(argv)
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
        del survey
        out = Path(tmp) / "out"
        cli = Path(sys.executable).with_name("survey-tools")
        start = time.perf_counter()
        proc = subprocess.run([str(cli), "topics", str(path), "--text-column", "q_obstacles",
                               "--embedding", args.embedding, "--no-progress",
                               "--output", str(out)], capture_output=True, text=True)
        wall = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if proc.returncode:
            print(proc.stderr[-3000:], file=sys.stderr)
            return 1
        got = pd.read_csv(out / "assignments.csv", dtype={"respondent_id": str})
        run = json.loads((out / "run.json").read_text())
    truth = truth.loc[got["respondent_id"]]
    single = ((truth["answer_kind"] == "answer") & ~truth["themes"].str.contains(";")).to_numpy()
    row = {
        "respondents": args.respondents, "rows_out": len(got), "rows_in": n_rows,
        "answers": int(got["status"].isin(["assigned", "outlier"]).sum()),
        "embedding": args.embedding, "generate_s": made, "wall_s": wall, "peak_rss_mb": peak,
        "ari": adjusted_rand_score(truth["themes"][single], got["topic"][single]),
        "n_topics": run["n_topics"], "status_counts": run["status_counts"],
        "notes": run["notes"],
    }
    print(json.dumps(row, indent=2))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"large_{args.respondents}.json").write_text(json.dumps(row, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
