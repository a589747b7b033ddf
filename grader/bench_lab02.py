"""Benchmark: `grader check 02 --workspace solutions` against the same work done with the plain tools.

    make bench            (runs this with the other labs; or: uv run python -m grader.bench_lab02)

The plain way is what a learner types: on the same data, `dbt build`, `mf validate-configs`,
then one `mf query` process per request of the grader (queries.py), each starting MetricFlow
afresh (about 5 s apiece, nearly all of it start-up). The grader builds, validates and answers
every request in one job process, and grades. Both are timed in the same run, in turns; goal:
the grader at most 0.3x the plain way.
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
from typing import Any

from grader.course import REPO_ROOT
from grader.datagen.load import load_duckdb
from grader.datagen.semantic import generate_semantic
from grader.labs.lab02_semantic_layer import GRADING_SEED
from grader.labs.lab02_semantic_layer.queries import QUERIES

BIN = Path(sys.executable).parent
LAB = REPO_ROOT / "solutions" / "02_semantic_layer"


def mf_arguments(request: dict[str, Any]) -> list[str]:
    """The `mf query` command line that asks what one request asks."""
    if "saved_query" in request:
        args = ["--saved-query", request["saved_query"]]
    else:
        args = ["--metrics", ",".join(request["metrics"])]
        if request.get("group_by"):
            args += ["--group-by", ",".join(request["group_by"])]
    for where in request.get("where", []):
        args += ["--where", where]
    if request.get("order_by"):
        args += ["--order", ",".join(request["order_by"])]
    if request.get("limit"):
        args += ["--limit", str(request["limit"])]
    return ["query", *args, *(["--explain"] if request.get("compile") else [])]


def _run(command: str, args: list[str], project: Path, env: dict[str, str]) -> None:
    done = subprocess.run(
        [str(BIN / command), *args], cwd=project, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{command} {' '.join(args)} failed:\n{(done.stdout + done.stderr)[-2000:]}")


def time_plain(tmp: Path) -> float:
    project = tmp / "warehouse"
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(LAB / "warehouse", project, ignore=shutil.ignore_patterns("target", "logs"))
    warehouse = tmp / "plain.duckdb"
    warehouse.unlink(missing_ok=True)
    load_duckdb(warehouse, tmp / "data" / "raw")
    env = {
        **os.environ,
        "FERNHILL_DUCKDB_PATH": str(warehouse),
        "DBT_PROFILES_DIR": str(project),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
    }
    start = time.perf_counter()
    _run("dbt", ["build"], project, env)
    _run("mf", ["validate-configs"], project, env)
    for request in QUERIES.values():
        _run("mf", mf_arguments(request), project, env)
    return time.perf_counter() - start


def time_grader(tmp: Path) -> float:
    start = time.perf_counter()
    cmd = [str(BIN / "grader"), "check", "02", "--workspace", str(REPO_ROOT / "solutions"), "--report", str(tmp / "r")]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"grader check 02 failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench02-") as folder:
        tmp = Path(folder)
        generate_semantic(seed=GRADING_SEED).write(tmp / "data")
        plain, graded = [], []
        for turn in range(args.repeat):
            plain.append(time_plain(tmp))
            graded.append(time_grader(tmp))
            print(f"turn {turn + 1}: plain {plain[-1]:.1f}s, grader {graded[-1]:.1f}s", flush=True)
        p, g = statistics.median(plain), statistics.median(graded)
        print(f"lab 02: plain way (dbt build, mf validate-configs, {len(QUERIES)} mf query processes) {p:.1f}s median")
        print(f"lab 02: grader check 02 {g:.1f}s median = {g / p:.2f}x the plain way (goal: at most 0.3x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
