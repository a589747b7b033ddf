"""Benchmark: `grader check 03 --workspace solutions` against the same six days done the plain way.

    make bench            (runs this after the other labs; or: uv run python -m grader.bench_lab03)

The plain way is what a learner types: after the same load of day 1, `dbt build` once, then for
each later day the day's extract loaded and a fresh `dbt snapshot` process: six dbt processes,
each importing dbt and parsing the project. The grader does the same work and more (parse, the
probes of the as-of model and the surrogate key, nbgrader) in one process that imports dbt once.
Both are timed in the same run, in turns; goal: the grader at most 0.5x the plain way.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grader.course import REPO_ROOT
from grader.datagen.load import load_duckdb
from grader.datagen.snapshots import DAYS, generate_days
from grader.labs.lab03_snapshots import GRADING_SEED

BIN = Path(sys.executable).parent
LAB = REPO_ROOT / "solutions" / "03_snapshots"


def prepare(tmp: Path) -> tuple[Path, dict[str, str]]:
    project = tmp / "warehouse"
    shutil.copytree(LAB / "warehouse", project, ignore=shutil.ignore_patterns("target", "dbt_packages", "logs"))
    generate_days(GRADING_SEED).write(tmp / "data")
    env = {**os.environ, "FERNHILL_DUCKDB_PATH": str(tmp / "plain.duckdb"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    _dbt(["deps"], project, env)
    return project, env


def _dbt(args: list[str], project: Path, env: dict[str, str]) -> None:
    cmd = [str(BIN / "dbt"), *args, "--profiles-dir", "."]
    done = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"dbt {' '.join(args)} failed:\n{done.stdout[-2000:]}")


def time_plain(tmp: Path, project: Path, env: dict[str, str]) -> float:
    warehouse = tmp / "plain.duckdb"
    warehouse.unlink(missing_ok=True)
    shutil.rmtree(project / "target", ignore_errors=True)
    load_duckdb(warehouse, tmp / "data" / "raw")
    start = time.perf_counter()
    _dbt(["build"], project, env)
    for day in range(2, DAYS + 1):
        load_duckdb(warehouse, tmp / "data" / f"day_{day}")
        _dbt(["snapshot"], project, env)
    return time.perf_counter() - start


def time_grader(tmp: Path) -> float:
    start = time.perf_counter()
    cmd = [str(BIN / "grader"), "check", "03", "--workspace", str(REPO_ROOT / "solutions"), "--report", str(tmp / "r")]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"grader check 03 failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench03-") as folder:
        tmp = Path(folder)
        project, env = prepare(tmp)
        plain, graded = [], []
        for turn in range(args.repeat):
            plain.append(time_plain(tmp, project, env))
            graded.append(time_grader(tmp))
            print(f"turn {turn + 1}: plain {plain[-1]:.1f}s, grader {graded[-1]:.1f}s", flush=True)
        p, g = statistics.median(plain), statistics.median(graded)
        print(f"lab 03: plain way (dbt build + {DAYS - 1} dbt snapshot processes) {p:.1f}s median")
        print(f"lab 03: grader check 03 {g:.1f}s median = {g / p:.2f}x the plain way (goal: at most 0.5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
