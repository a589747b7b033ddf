"""Benchmark: `grader check 05 --workspace solutions` against the same DAG runs done the plain way.

    make bench            (runs this after the other labs; or: uv run python -m grader.bench_lab05)

The plain way is one `airflow dags test` process per run the grader makes (`airflow tasks test`
for the deferred cut-off, the one task that run grades), one after another,
with the metadata database already migrated, against the same real things: the landing folder,
the stand-in supplier API, an embedded PostgreSQL control table. The plain runs get a world that
is ready from the start (the files there, the API ready, the row complete: the sensors' 60 s and
2-minute intervals would otherwise be waited out), so the grader's deliberate waits (a file
landing after 3 s, an API that needs six polls, a row complete after 4 s, a cut-off 5 s ahead)
count against it. Then `airflow kubernetes generate-dag-yaml` for the pods. Part two the plain
way: the same Celery deployment started bare (PostgreSQL, Redis, api-server, scheduler,
dag-processor, triggerer, two workers), the three contention DAGs unpaused, triggered over REST
and waited for, then the solution's backfill.sh sent as its POST /api/v2/backfills and every run of
the history DAG waited for, then the export, whose worker is killed once it runs, waited for. The grader does more in
its time (parses, lints, pokes the custom sensor, reads every task's state, XComs, reschedules and
triggers, holds the pool until every call waits, reads every try). Also printed: the grader's peak
memory, the PSS of its whole process tree, and its cluster step's own duration.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from grader.bench_cluster import PeakPss
from grader.course import REPO_ROOT
from grader.labs.lab05_sensors_pools.probes import BACKFILL_FILE, DAY, POD_SPECS, runs
from grader.sandbox.airflow.backfill_command import post_body, read_backfill
from grader.sandbox.airflow.environment import airflow_environment
from grader.sandbox.extensions.celery_cluster import phase_dags
from grader.sandbox.extensions.sensor_world import World, world_connections
from grader.sandbox.extensions.supplier_standin import StandIn
from grader.services import EmbeddedPostgres

BIN = Path(sys.executable).parent
LAB = REPO_ROOT / "solutions" / "05_sensors_pools"
# a world ready from the start: every sensor's first poke succeeds
READY = {
    "files": [
        {"name": "orders_{day}.csv", "rows": 12, "after_s": 0},
        {"name": "promotions_{day}.csv", "rows": 3, "after_s": 0},
    ],
    "sql": [
        {
            "after_s": 0,
            "sql": "CREATE TABLE IF NOT EXISTS batch_control (batch_day date PRIMARY KEY, status text);"
            f"DELETE FROM batch_control; INSERT INTO batch_control VALUES ('{DAY}', 'complete');",
        }
    ],
}


def plain_env(tmp: Path, standin: StandIn, pg: dict) -> dict[str, str]:
    home = tmp / "airflow"
    home.mkdir(parents=True)
    return {
        **os.environ,
        **standin.connections(),
        **airflow_environment(home, LAB / "dags", LAB / "plugins"),
        **world_connections(tmp / "landing", pg),
        "AIRFLOW__KUBERNETES_EXECUTOR__POD_TEMPLATE_FILE": str(LAB / POD_SPECS["pod_template_file"]),
        "PYTHONPATH": str(LAB),  # `from include.fernhill import ...`
    }


def _run(command: list[str], env: dict[str, str], timeout_s: float = 300) -> None:
    """One plain command in a process group of its own, stopped with all it started if it hangs."""
    proc = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise SystemExit(f"{' '.join(command[:4])} did not finish within {timeout_s:.0f} s") from None


def time_plain(env: dict[str, str], world: World, tmp: Path) -> float:
    start = time.perf_counter()
    for scenario in runs():
        world.start({**scenario, "world": READY})
        command = ["dags", "test", scenario["dag_id"], scenario["logical_date"]]
        if scenario["logical_date"] == "now":
            # the cut-off a few seconds ahead, as in the grader's run, which grades only that task
            # (no landing run an hour before: the plain DAG run would wait an hour for it)
            when = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() + scenario["now_offset_s"]))
            command = ["tasks", "test", scenario["dag_id"], "wait_for_cutoff", when]
        _run([str(BIN / "airflow"), *command], env)
    _run([str(BIN / "airflow"), "kubernetes", "generate-dag-yaml", POD_SPECS["dag_id"], "-l", DAY, "-o", str(tmp)], env)
    return time.perf_counter() - start


def _plain_phase(bare: Any, phase: dict[str, Any]) -> None:
    """One phase the plain way: unpause, trigger or backfill, kill the export's worker once it runs, wait."""
    from grader.labs.lab05_sensors_pools.probes import EXPORT

    bare.wait_for_dags(phase_dags(phase))
    for dag_id in phase_dags(phase):  # the lab's DAGs are created paused
        bare.api("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})
    started = {dag_id: bare.trigger(dag_id) for dag_id in phase.get("trigger", [])}
    if phase.get("backfill"):
        bare.api("POST", "/api/v2/backfills", post_body(read_backfill(LAB / BACKFILL_FILE)["args"]))
    victim = None
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        states = {d: bare.api("GET", f"/api/v2/dags/{d}/dagRuns/{r}")[1]["state"] for d, r in started.items()}
        if phase.get("backfill"):
            history = bare.api("GET", f"/api/v2/dags/{phase['backfill']}/dagRuns")[1]["dag_runs"]
            states.update({r["dag_run_id"]: r["state"] for r in history} or {"no run yet": "queued"})
        if EXPORT[0] in started and victim is None:
            path = f"/api/v2/dags/{EXPORT[0]}/dagRuns/{started[EXPORT[0]]}/taskInstances/{EXPORT[1]}"
            ti = bare.api("GET", path)[1]
            if ti.get("state") == "running" and ti.get("hostname") in bare.components:
                time.sleep(1.0)
                victim = ti["hostname"]
                bare.kill(victim)
        if all(state in ("success", "failed") for state in states.values()):
            break
        time.sleep(0.5)
    else:
        raise SystemExit(f"the plain {phase['id']} phase did not end within 300 s: {states}")


def time_plain_cluster(tmp: Path) -> float:
    """Part two's runs on a bare deployment: trigger, wait, backfill, wait, kill the export's worker, wait."""
    from grader.airflow_cluster import embedded_services
    from grader.airflow_schema import metadata_schema_sql
    from grader.labs.lab05_sensors_pools.probes import CLUSTER_ENV, CLUSTER_SETTINGS, cluster
    from grader.sandbox.airflow.cluster import AirflowCluster, ClusterSpec

    schema = metadata_schema_sql()
    dags = tmp / "cluster_dags"
    dags.mkdir(parents=True)
    for phase in cluster()["phases"]:
        for dag_id in phase_dags(phase):
            name = f"{dag_id}.py"
            (dags / name).write_text((LAB / "dags" / name).read_text())
    (tmp / "pools.json").write_text((LAB / "pools.json").read_text())
    os.environ.update({**CLUSTER_ENV, "PYTHONPATH": str(LAB)})
    start = time.perf_counter()
    with (
        embedded_services() as (pg, broker),
        AirflowCluster(
            tmp / "cluster",
            dags,
            LAB / "plugins",
            postgres=pg,
            redis=broker,
            spec=ClusterSpec(settings=CLUSTER_SETTINGS),
            schema_sql=schema,
        ) as bare,
    ):
        bare.airflow("pools", "import", str(tmp / "pools.json"))
        for phase in cluster()["phases"]:
            _plain_phase(bare, phase)
    return time.perf_counter() - start


def time_grader(tmp: Path) -> tuple[float, int, float]:
    start = time.perf_counter()
    command = [str(BIN / "grader"), "check", "05", "--workspace", str(REPO_ROOT / "solutions")]
    with PeakPss(os.getpid(), []) as memory:
        done = subprocess.run([*command, "--report", str(tmp / "reports")], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"grader check 05 failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    report = json.loads((tmp / "reports" / "05_sensors_pools" / "report.json").read_text())
    step = next((s["duration_s"] for s in report.get("steps", []) if s["name"] == "cluster_runs"), float("nan"))
    return time.perf_counter() - start, memory.peak, step


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    plain, graded, peaks, cluster_plain, cluster_graded = [], [], [], [], []
    with tempfile.TemporaryDirectory(prefix="bench05-") as name:
        tmp = Path(name)
        for round_ in range(1, args.repeat + 1):
            seconds, peak, step = time_grader(tmp)  # first, alone: the plain runs' PostgreSQL is not in its tree
            graded.append(seconds)
            peaks.append(peak)
            cluster_graded.append(step)
            cluster_plain.append(time_plain_cluster(tmp / f"round{round_}" / "bare"))
            with EmbeddedPostgres() as pg:
                standin = StandIn([{"supplier_id": i} for i in range(1, 8)])
                env = plain_env(tmp / f"round{round_}", standin, pg.connection_kwargs())
                subprocess.run([str(BIN / "airflow"), "db", "migrate"], env=env, capture_output=True, check=True)
                world = World(tmp / f"round{round_}" / "landing", standin.remote(), pg.connection_kwargs())
                plain.append(time_plain(env, world, tmp / f"round{round_}"))
                standin.close()
            plain[-1] += cluster_plain[-1]
            print(
                f"round {round_}: {len(runs())} x `airflow dags test` + generate-dag-yaml + the bare Celery "
                f"runs {plain[-1]:.1f}s (of which Celery {cluster_plain[-1]:.1f}s) | grader check 05 "
                f"{graded[-1]:.1f}s (its cluster step {cluster_graded[-1]:.1f}s), peak {peak / 2**20:.0f} MB PSS",
                flush=True,
            )
    p, g = statistics.median(plain), statistics.median(graded)
    cp, cg = statistics.median(cluster_plain), statistics.median(cluster_graded)
    print(
        f"\nmedian of {args.repeat}: the plain way {p:.1f}s | `grader check 05 --workspace solutions` {g:.1f}s | "
        f"ratio {g / p:.2f}x | part two alone: bare Celery {cp:.1f}s, the grader's cluster step {cg:.1f}s "
        f"({cg / cp:.2f}x) | peak memory {max(peaks) / 2**20:.0f} MB PSS (the grader's process tree)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
