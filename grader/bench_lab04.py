"""Benchmark: `grader check 04 --workspace solutions` against the same DAG runs done the plain way.

    make bench            (runs this after grader.bench; or: uv run python -m grader.bench_lab04)

The plain way is one `airflow dags test` process per run, one after another, as a learner would
type them: three runs of fernhill_orders_daily (two busy days and a quiet day), with the metadata
database already migrated. The grader does more in its time (parses, calls the learner's
functions, reads every task's state, XComs and templates) in one process that imports Airflow
once. Both are timed in the same run; goal: the grader at most 0.5x the plain runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grader.course import REPO_ROOT
from grader.datagen import generate
from grader.labs.lab04_airflow_dags import DAG_ID, GRADING_SCALE, GRADING_SEED
from grader.labs.lab04_airflow_dags.expected import busiest_days

BIN = Path(sys.executable).parent
LAB = REPO_ROOT / "solutions" / "04_airflow_dags"


def plain_env(tmp: Path) -> dict[str, str]:
    generate(seed=GRADING_SEED, scale=GRADING_SCALE).write(tmp / "data")
    home = tmp / "airflow"
    home.mkdir()
    return {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(LAB / "dags"),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "ERROR",
        "AIRFLOW_VAR_FERNHILL_RAW_DIR": str(tmp / "data" / "raw"),
        "AIRFLOW_VAR_FERNHILL_OUT_DIR": str(tmp / "out"),
        "FERNHILL_ALERTS_FILE": str(tmp / "alerts.jsonl"),
        "PYTHONPATH": str(LAB),  # `from include.fernhill import ...`
    }


def time_plain_runs(env: dict[str, str], dates: list[str]) -> float:
    start = time.perf_counter()
    for date in dates:
        done = subprocess.run(
            [str(BIN / "airflow"), "dags", "test", DAG_ID, date], env=env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise SystemExit(f"airflow dags test {date} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return time.perf_counter() - start


def time_grader(tmp: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [
            str(BIN / "grader"),
            "check",
            "04",
            "--workspace",
            str(REPO_ROOT / "solutions"),
            "--report",
            str(tmp / "reports"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"grader check 04 failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    busy, second = busiest_days(GRADING_SEED, GRADING_SCALE)
    dates = [f"{busy}T06:00:00+01:00", "2026-06-01T06:00:00+02:00", f"{second}T06:00:00+01:00"]
    with tempfile.TemporaryDirectory(prefix="bench04-") as name:
        tmp = Path(name)
        env = plain_env(tmp)
        subprocess.run([str(BIN / "airflow"), "db", "migrate"], env=env, capture_output=True, check=True)
        plain, graded = [], []
        for round_ in range(1, args.repeat + 1):
            plain.append(time_plain_runs(env, dates))
            graded.append(time_grader(tmp))
            print(
                f"round {round_}: {len(dates)} x `airflow dags test` {plain[-1]:.1f}s, "
                f"grader check 04 {graded[-1]:.1f}s",
                flush=True,
            )
    p, g = statistics.median(plain), statistics.median(graded)
    print(
        f"\nmedian of {args.repeat}: plain runs {p:.1f}s ({p / len(dates):.1f}s each) | "
        f"`grader check 04 --workspace solutions` {g:.1f}s | ratio {g / p:.2f}x (goal <= 0.5x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
