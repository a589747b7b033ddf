"""Benchmark: lab 05's Celery deployment on this machine, the figures its grading will wait on.

    make bench            (runs this last; or: uv run python -m grader.bench_cluster)

It starts what ``make airflow-cluster`` starts (embedded PostgreSQL and Redis, api-server,
scheduler, dag-processor, triggerer, two Celery workers), then prints:
- start-up: the metadata DB restored from the migrated schema's dump (grader/airflow_schema.py),
  then until the api-server answers;
- time to first task success, from the start (goal: at most 40 s);
- a lost worker: the whole process tree of the worker running a task killed, until the retry
  runs on the other worker, with ``task_instance_heartbeat_timeout`` at 30 s (goal: at most 45 s);
- peak memory: the PSS of every process of the deployment, sampled each half second.
"""

from __future__ import annotations

import argparse
import os
import signal
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

from grader.airflow_cluster import embedded_services
from grader.airflow_schema import metadata_schema_sql
from grader.sandbox.airflow.cluster import AirflowCluster, ClusterSpec

DAG = """
import time
import pendulum
from airflow.sdk import dag, task


@dag(schedule=None, start_date=pendulum.datetime(2025, 1, 1, tz="UTC"), catchup=False)
def bench_first_task():
    @task
    def first():
        return 1

    first()


@dag(schedule=None, start_date=pendulum.datetime(2025, 1, 1, tz="UTC"), catchup=False)
def bench_failover():
    @task(retries=1, retry_delay=0)
    def long_job(ti=None):
        if ti.try_number == 1:
            time.sleep(120)

    long_job()


bench_first_task()
bench_failover()
"""


class PeakPss:
    """The largest sum of PSS over a process and all its descendants, sampled in a thread."""

    def __init__(self, root: int, extra: list[int]) -> None:
        self.root, self.extra, self.peak = root, extra, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            family = psutil.Process(self.root).children(recursive=True)
            family += [psutil.Process(pid) for pid in self.extra if psutil.pid_exists(pid)]
            total = 0
            for proc in family:
                try:
                    total += proc.memory_full_info().pss
                except psutil.Error:
                    continue
            self.peak = max(self.peak, total)
            self._stop.wait(0.5)

    def __enter__(self) -> PeakPss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _task(cluster: AirflowCluster, dag_id: str, run_id: str, task_id: str) -> dict[str, Any]:
    status, ti = cluster.api("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}")
    return ti if status == 200 else {}


def _until(cluster: AirflowCluster, what: str, check: Any, timeout_s: float = 240) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        cluster.check_alive()
        found = check()
        if found:
            return found
        time.sleep(0.25)
    raise SystemExit(f"{what}: not within {timeout_s:.0f} s")


def bench(heartbeat_timeout_s: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        dags = Path(tmp) / "dags"
        dags.mkdir()
        (dags / "bench.py").write_text(DAG)
        settings = {
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": str(heartbeat_timeout_s),
            "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "5",
        }
        schema = metadata_schema_sql()  # made once per machine, before the clock starts
        began = time.monotonic()
        with embedded_services() as (pg, broker):
            postmaster = _postmaster(pg["host"])
            with (
                PeakPss(os.getpid(), postmaster) as memory,
                AirflowCluster(
                    Path(tmp) / "home",
                    dags,
                    Path(tmp) / "plugins",
                    postgres=pg,
                    redis=broker,
                    spec=ClusterSpec(settings=settings),
                    schema_sql=schema,
                ) as cluster,
            ):
                figures = dict(cluster.timings)
                assert not cluster.wait_for_dags(["bench_first_task", "bench_failover"])
                run = cluster.trigger("bench_first_task")
                _until(
                    cluster,
                    "first task",
                    lambda: _task(cluster, "bench_first_task", run, "first").get("state") == "success",
                )
                figures["first_task_success_s"] = round(time.monotonic() - began, 1)
                run = cluster.trigger("bench_failover")
                running = _until(
                    cluster,
                    "long task running",
                    lambda: (
                        ti
                        if (ti := _task(cluster, "bench_failover", run, "long_job")).get("state") == "running"
                        and ti.get("hostname")
                        else None
                    ),
                )
                victim = running["hostname"]
                killed = time.monotonic()
                cluster.kill(victim)
                retried = _until(
                    cluster,
                    "retry elsewhere",
                    lambda: (
                        ti
                        if (ti := _task(cluster, "bench_failover", run, "long_job")).get("try_number") == 2
                        and ti.get("state") in ("running", "success")
                        else None
                    ),
                )
                figures["lost_worker_to_retry_s"] = round(time.monotonic() - killed, 1)
                assert retried["hostname"] not in ("", victim), retried
            figures["peak_pss_mb"] = round(memory.peak / 2**20)
        return figures


def _postmaster(socket_dir: str) -> list[int]:
    """pg_ctl detaches the server: found by its socket folder, with its helpers."""
    found = [p for p in psutil.process_iter(["cmdline"]) if socket_dir in " ".join(p.info["cmdline"] or [])]
    return [pid for p in found for pid in [p.pid, *(c.pid for c in p.children(recursive=True))]]


def _stop(*_: object) -> None:
    raise SystemExit(1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heartbeat-timeout", type=int, default=30)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)  # a killed benchmark still stops its cluster (the with blocks run)
    figures = bench(args.heartbeat_timeout)
    print("lab 05 Celery deployment (embedded PostgreSQL and Redis, 2 workers):")
    print(f"  metadata DB (dump restored){figures['migrate_s']:6.1f} s")
    print(f"  api-server answering       {figures['api_ready_s']:6.1f} s from the start")
    print(f"  first task success         {figures['first_task_success_s']:6.1f} s from the start (goal 40 s)")
    print(
        f"  lost worker -> retry       {figures['lost_worker_to_retry_s']:6.1f} s "
        f"(heartbeat timeout {args.heartbeat_timeout} s; goal 45 s)"
    )
    print(f"  peak memory (PSS, all)     {figures['peak_pss_mb']:6d} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
