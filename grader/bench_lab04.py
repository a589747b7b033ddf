"""Benchmark: `grader check 04 --workspace solutions` against the same DAG runs done the plain way.

    make bench            (runs this after grader.bench; or: uv run python -m grader.bench_lab04)

The plain way is one process per piece of work, one after another, as a learner would type
them: `airflow dags test` for each DAG run the grader makes that succeeds (the order pipeline's
busy and quiet days and the day before the failed one, the supplier feed, the weekly report, the
dbt DAG's day twice; the forced failures would wait out retry delays), with the metadata database
already migrated, the same local stand-in API and the same DuckDB warehouse;
then `pytest tests` once per copy of the pipeline the learner's tests are run against (the
correct one and five broken ones). The grader does more in
its time (parses, lints, calls the learner's functions, reads every task's state, XComs and
templates, runs nbgrader) in one process that imports Airflow once. Both are timed in the same
run; goal: the grader at most 0.36x the plain way.
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
from grader.datagen import generate
from grader.labs.lab04_airflow_dags import options
from grader.labs.lab04_airflow_dags.probes import learner_tests_plan
from grader.sandbox.airflow.environment import airflow_environment
from grader.sandbox.extensions.dbt_warehouse import Warehouse
from grader.sandbox.extensions.learner_tests import all_variants, write_variant
from grader.sandbox.extensions.supplier_standin import StandIn

BIN = Path(sys.executable).parent
LAB = REPO_ROOT / "solutions" / "04_airflow_dags"


def plain_env(tmp: Path, standin: StandIn) -> dict[str, str]:
    data = options()["data"]
    generate(seed=data["seed"], scale=data["scale"]).write(tmp / "data")
    # the dbt DAG's warehouse, staged and loaded as the job does (it sets FERNHILL_DBT_* in os.environ)
    Warehouse(options()["warehouse"], tmp / "warehouse", tmp / "data" / "raw", "FERNHILL", None).load()
    home = tmp / "airflow"
    home.mkdir()
    return {
        **os.environ,
        **standin.connections(),
        **airflow_environment(home, LAB / "dags", LAB / "plugins"),
        "AIRFLOW_VAR_FERNHILL_OUT_DIR": str(tmp / "out"),
        "FERNHILL_ALERTS_FILE": str(tmp / "alerts.jsonl"),
        "PYTHONPATH": str(LAB),  # `from include.fernhill import ...`
    }


def plain_scenarios() -> list[dict]:
    """The runs that succeed: a forced failure would make `airflow dags test` wait out the DAG's
    retry delays (minutes), which it cannot switch off; the grader's extra failing runs are free."""
    return [
        s
        for s in options()["runs"]
        if s.get("data", "raw") == "raw" and "supplier_api" not in s and not s.get("forced_failure")
    ]


def time_plain_runs(env: dict[str, str], tmp: Path, standin: StandIn) -> float:
    """Every DAG run of the grader's plan, one `airflow dags test` process each (some fail on purpose)."""
    start = time.perf_counter()
    for scenario in plain_scenarios():
        standin.mode = scenario.get("supplier_api", "up")
        raw = tmp / "data" / "raw"
        subprocess.run(
            [str(BIN / "airflow"), "dags", "test", scenario["dag_id"], scenario["logical_date"]],
            env={**env, "AIRFLOW_VAR_FERNHILL_RAW_DIR": str(raw)},
            capture_output=True,
            check=False,
        )
    return time.perf_counter() - start


def time_plain_tests(tmp: Path) -> float:
    """The learner's tests/, one `pytest` process per copy of the pipeline (the correct one and the mutants)."""
    plan = learner_tests_plan(LAB)
    start = time.perf_counter()
    for variant in all_variants(plan):
        root = tmp / "variants" / variant["id"]
        write_variant(root, plan["reference"], variant["edits"])
        shutil.copytree(LAB / "tests", root / "tests", dirs_exist_ok=True)
        subprocess.run(
            [str(BIN / "pytest"), "-q", "-p", "no:cacheprovider", "tests"], cwd=root, capture_output=True, check=False
        )
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
    runs = len(plain_scenarios())
    variants = 1 + len(options()["learner_tests"]["mutants"])
    with tempfile.TemporaryDirectory(prefix="bench04-") as name:
        tmp = Path(name)
        standin = StandIn(generate(seed=options()["data"]["seed"]).suppliers)
        env = plain_env(tmp, standin)
        subprocess.run([str(BIN / "airflow"), "db", "migrate"], env=env, capture_output=True, check=True)
        plain, graded = [], []
        for round_ in range(1, args.repeat + 1):
            dag_runs, tests = time_plain_runs(env, tmp, standin), time_plain_tests(tmp / f"round{round_}")
            plain.append(dag_runs + tests)
            graded.append(time_grader(tmp))
            print(
                f"round {round_}: {runs} x `airflow dags test` {dag_runs:.1f}s + {variants} x `pytest tests` "
                f"{tests:.1f}s = {plain[-1]:.1f}s | grader check 04 {graded[-1]:.1f}s",
                flush=True,
            )
        standin.close()
    p, g = statistics.median(plain), statistics.median(graded)
    print(
        f"\nmedian of {args.repeat}: the plain way {p:.1f}s | "
        f"`grader check 04 --workspace solutions` {g:.1f}s | ratio {g / p:.2f}x (goal <= 0.36x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
