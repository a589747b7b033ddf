"""Benchmark: `grader check 01 --workspace solutions` against a plain `dbt build`, in the same run.

Also times the container runner against the local one when Docker and the runtime image exist.

    make bench            (or: uv run python -m grader.bench --repeat 3)

The baseline is what a learner runs by hand: `dbt build` of the same solution project, on the
same generated data, with packages already installed; and, since the grader builds the project on
PostgreSQL as well (dbt.profiles_targets), `dbt build --target pg` on an embedded server. All are
timed as fresh processes, in turns, and the medians are compared. Peak memory is the largest resident set of the grader
process and its job.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from grader.course import REPO_ROOT
from grader.datagen import generate
from grader.datagen.load import load_duckdb, load_postgres
from grader.labs.lab01_dbt_models import GRADING_SCALE, GRADING_SEED
from grader.services import EmbeddedPostgres

BIN = Path(sys.executable).parent


def prepare_plain_build(tmp: Path) -> tuple[Path, dict[str, str]]:
    project = tmp / "warehouse"
    shutil.copytree(
        REPO_ROOT / "solutions" / "01_dbt_models" / "warehouse",
        project,
        ignore=shutil.ignore_patterns("target", "dbt_packages", "logs"),
    )
    generate(seed=GRADING_SEED, scale=GRADING_SCALE).write(tmp / "data")
    env = {
        **os.environ,
        "FERNHILL_RAW_DIR": str(tmp / "data" / "raw"),
        "FERNHILL_DUCKDB_PATH": str(tmp / "plain.duckdb"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    subprocess.run(
        [str(BIN / "dbt"), "deps", "--profiles-dir", "."], cwd=project, env=env, check=True, capture_output=True
    )
    return project, env


def time_plain_build(tmp: Path, project: Path, env: dict[str, str]) -> float:
    (tmp / "plain.duckdb").unlink(missing_ok=True)
    load_duckdb(tmp / "plain.duckdb", tmp / "data" / "raw")
    shutil.rmtree(project / "target", ignore_errors=True)  # a first build: no partial parse to reuse
    start = time.perf_counter()
    subprocess.run(
        [str(BIN / "dbt"), "build", "--profiles-dir", "."], cwd=project, env=env, check=True, capture_output=True
    )
    return time.perf_counter() - start


def time_plain_postgres_build(tmp: Path, project: Path, env: dict[str, str], pg: EmbeddedPostgres) -> float:
    conn = pg.connection_kwargs()
    load_postgres(conn, tmp / "data" / "raw")
    pg_env = {**env, **{f"FERNHILL_PG_{key.upper()}": str(value) for key, value in conn.items()}}
    shutil.rmtree(project / "target", ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(
        [str(BIN / "dbt"), "build", "--target", "pg", "--profiles-dir", "."],
        cwd=project,
        env=pg_env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def time_grader(tmp: Path, isolation: str = "local") -> float:
    start = time.perf_counter()
    cmd = [
        str(BIN / "grader"),
        "check",
        "01",
        "--workspace",
        str(REPO_ROOT / "solutions"),
        "--isolation",
        isolation,
        "--report",
        str(tmp / "reports"),
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"grader check failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    return elapsed


def time_cohort(tmp: Path, size: int, jobs: int, isolation: str) -> float:
    """Seconds for `grader grade` over a cohort of ``size`` learners (half solutions, half starters)."""
    cohort = tmp / f"cohort-{size}"
    if not cohort.exists():
        for n in range(size):
            source = "solutions" if n % 2 == 0 else "labs"
            shutil.copytree(
                REPO_ROOT / source / "01_dbt_models",
                cohort / f"learner{n:02d}" / "01_dbt_models",
                ignore=shutil.ignore_patterns("target", "dbt_packages", "logs", "data"),
            )
    start = time.perf_counter()
    done = subprocess.run(
        [
            str(BIN / "grader"),
            "grade",
            str(cohort),
            "--lab",
            "01",
            "--jobs",
            str(jobs),
            "--isolation",
            isolation,
            "--report",
            str(tmp / f"cohort-reports-{jobs}-{isolation}"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"grader grade failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    return time.perf_counter() - start


def cohort_main(size: int) -> int:
    """Cohort throughput: submission-labs per minute, --jobs 1 and 2, both runners, in one run."""
    isolations = ["local"] + (["container"] if container_runner_ready() else [])
    with tempfile.TemporaryDirectory(prefix="bench-cohort-") as name:
        for isolation in isolations:
            for jobs in (1, 2):
                seconds = time_cohort(Path(name), size, jobs, isolation)
                print(
                    f"{isolation:<9} --jobs {jobs}: {size} submission-labs in {seconds:.0f}s = "
                    f"{size / seconds * 60:.1f} per minute",
                    flush=True,
                )
    if "container" not in isolations:
        print("container runner not measured: no Docker engine or no runtime image (make images)")
    return 0


def container_runner_ready() -> bool:
    from grader.runners import RunnerUnavailable
    from grader.runners.container import ContainerRunner

    try:
        ContainerRunner()
    except RunnerUnavailable:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--cohort", type=int, default=0, metavar="N", help="time cohort grading of N submissions instead (throughput)"
    )
    args = parser.parse_args()
    if args.cohort:
        return cohort_main(args.cohort)
    with tempfile.TemporaryDirectory(prefix="bench-") as name:
        tmp = Path(name)
        project, env = prepare_plain_build(tmp)
        containers = container_runner_ready()
        plain, plain_pg, graded, contained = [], [], [], []
        with EmbeddedPostgres() as pg:
            for round_ in range(1, args.repeat + 1):
                plain.append(time_plain_build(tmp, project, env))
                plain_pg.append(time_plain_postgres_build(tmp, project, env, pg))
                graded.append(time_grader(tmp))
                line = (
                    f"round {round_}: plain dbt build {plain[-1]:.1f}s, on PostgreSQL {plain_pg[-1]:.1f}s,"
                    f" grader check 01 (local) {graded[-1]:.1f}s"
                )
                if containers:
                    contained.append(time_grader(tmp, "container"))
                    line += f", (container) {contained[-1]:.1f}s"
                print(line, flush=True)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    p, q, g = statistics.median(plain), statistics.median(plain_pg), statistics.median(graded)
    print(
        f"\nmedian of {args.repeat}: plain `dbt build` {p:.1f}s | `dbt build --target pg` {q:.1f}s"
        f" | `grader check 01 --workspace solutions` {g:.1f}s"
    )
    print(f"grader / plain DuckDB build {g / p:.2f}x (goal <= 1.3x) | grader / both plain builds {g / (p + q):.2f}x")
    if contained:
        c = statistics.median(contained)
        print(f"container runner {c:.1f}s | ratio to local {c / g:.2f}x (goal <= 1.25x)")
    else:
        print("container runner not measured: no Docker engine or no runtime image (make images)")
    print(f"peak memory of a child process (grader or its job, largest): {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
