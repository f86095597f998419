"""How long the sample report takes, cold and warm, and where the time goes (issue #31).

Run ``python bench/report_speed.py [--jobs 1 2] [--output report_speed.json]``.

Each report runs in a fresh process (``python -c`` calling the CLI, as ``survey-tools
report`` does), with its own cache folder (``SURVEY_TOOLS_CACHE``): **cold** is the first
report with an empty cache (every answer embedded, every clustering computed), **warm**
the same report again (the analyst's next run: vectors and clusterings are read back).
Timed: the whole command, each notebook (executed in its worker's kernel) and the steps
after the notebooks (the page, the personal-data check, and the time still waited for the
workbook, which another process writes beside them). The reports
must come out the same: the tables, figures and page of every run are compared with the
first run's.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_TIMED = r"""
import sys, time, json
import survey_tools.report.build as r
times = {}
def wrap(owner, name, label=None):
    f = getattr(owner, name)
    def g(*a, **k):
        t = time.perf_counter(); out = f(*a, **k)
        key = a[1].name if name == "_execute" else (label or name)
        times[key] = round(time.perf_counter() - t, 2)
        return out
    setattr(owner, name, g)
for name in ("_execute", "export_html", "check_no_personal_data"):
    wrap(r, name)
# the workbook is written by another process beside the page and the check: the time
# waited for it after them
wrap(r._TablesWorkbook, "wait", "workbook_wait")
from survey_tools.cli import main
code = main(["report", "--output", sys.argv[1], "--no-progress", "--jobs", sys.argv[2]])
print("TIMES " + json.dumps(times))
sys.exit(code)
"""


def _digest(folder: Path) -> str:
    """Return one hash of the report's tables, figures, workbook and page."""
    h = hashlib.sha256()
    files = sorted([*folder.glob("tables/*"), *folder.glob("figures/*"),
                    folder / "tables.xlsx", folder / "report.html"])
    for f in files:
        h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest()[:16]


def run(jobs: int, cache: Path, out: Path) -> dict:
    """Run one report; return its wall time, its parts' times and its digest."""
    env = {**os.environ, "SURVEY_TOOLS_CACHE": str(cache)}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _TIMED, str(out), str(jobs)], cwd=ROOT,
                          env=env, capture_output=True, text=True, check=True)
    wall = round(time.perf_counter() - start, 1)
    times = json.loads(done.stdout.split("TIMES ", 1)[1].splitlines()[0])
    return {"wall_s": wall, "parts_s": times, "digest": _digest(out)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--output", default="report_speed.json")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for jobs in args.jobs:
            cache = Path(tmp) / f"cache-{jobs}"
            for kind in ("cold", "warm", "warm"):
                measured = run(jobs, cache, Path(tmp) / f"report-{jobs}-{kind}")
                results.append({"jobs": jobs, "run": kind, **measured})
                print(jobs, kind, measured["wall_s"], measured["digest"], flush=True)
    same = len({r["digest"] for r in results}) == 1
    record = {"date": time.strftime("%Y-%m-%d"), "cores": os.cpu_count(),
              "python": sys.version.split()[0], "same_report_every_run": same,
              "runs": results}
    target = ROOT / "bench" / "results" / args.output
    target.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"written to {target}; the same report every run: {same}")


if __name__ == "__main__":
    main()
