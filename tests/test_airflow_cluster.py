"""A real Celery deployment on embedded servers: tasks follow their queues, a lost worker's task runs elsewhere.

One cluster for the module, started the way a learner starts it (``make airflow-cluster``, that is
``python -m grader.airflow_cluster``), observed only from outside: the REST API for what ran where,
the process table for what was started and what is left.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psutil
import pytest

from grader.sandbox.airflow.cluster import RestApi
from grader.sandbox.network import free_port

pytestmark = pytest.mark.slow

DAGS = {
    "routing_demo.py": """
import time
import pendulum
from airflow.sdk import dag, task


@dag(schedule=None, start_date=pendulum.datetime(2025, 1, 1, tz="UTC"), catchup=False)
def routing_demo():
    @task
    def light():
        time.sleep(1)

    @task(queue="heavy")
    def heavy():
        time.sleep(1)

    light() >> heavy()


routing_demo()
""",
    "failover_demo.py": """
import time
import pendulum
from airflow.sdk import dag, task


@dag(schedule=None, start_date=pendulum.datetime(2025, 1, 1, tz="UTC"), catchup=False)
def failover_demo():
    @task(retries=1, retry_delay=0)
    def long_job(ti=None):
        if ti.try_number == 1:  # long enough to be killed mid-task; the retry is quick
            time.sleep(60)

    long_job()


failover_demo()
""",
}


@dataclass
class Cluster:
    proc: subprocess.Popen[str]
    rest: RestApi
    output: list[str]

    def api(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        status, answer = self.rest.call(method, path, body)
        assert status in (200, 201), (status, answer)
        return answer

    def task(self, dag_id: str, run_id: str, task_id: str) -> dict[str, Any]:
        return self.api("GET", f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}")

    def wait(self, dag_id: str, run_id: str, task_id: str, done: Any, timeout_s: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, "\n".join(self.output)
            ti = self.task(dag_id, run_id, task_id)
            if done(ti):
                return ti
            time.sleep(0.5)
        raise AssertionError(f"{dag_id}.{task_id} never got there: {ti}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    dags = tmp_path_factory.mktemp("cluster") / "dags"
    dags.mkdir()
    for name, text in DAGS.items():
        (dags / name).write_text(text)
    port = free_port()
    command = [sys.executable, "-m", "grader.airflow_cluster", "--dags", str(dags), "--port", str(port)]
    command += ["--setting", "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT=20"]
    command += ["--setting", "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL=5"]
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    output: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        output.append(line.rstrip())
        if "Metadata database" in line or "stopped" in line:
            break
    assert any(f"open http://127.0.0.1:{port}" in line for line in output), "\n".join(output)
    started = Cluster(proc, RestApi(f"http://127.0.0.1:{port}"), output)
    try:
        yield started
    finally:  # a failed test must not leave the components (each in a session of its own) behind
        family = psutil.Process(proc.pid).children(recursive=True) if proc.poll() is None else []
        for member in [*family, *_postgres_of(started)]:
            with contextlib.suppress(psutil.Error):
                member.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def _worker_group(name: str, cluster: Cluster) -> int:
    """The process group of the Celery worker called ``name`` (its title: ``[celeryd: name@host:MainProcess]``)."""
    for proc in psutil.Process(cluster.proc.pid).children(recursive=True):
        try:
            if f"celeryd: {name}@" in " ".join(proc.cmdline()) and os.getpgid(proc.pid) == proc.pid:
                return proc.pid
        except (psutil.Error, ProcessLookupError):
            continue
    raise AssertionError(f"no worker process named {name}")


def _trigger(cluster: Cluster, dag_id: str) -> str:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:  # the dag-processor stores new DAG files within seconds
        status, run = cluster.rest.call("POST", f"/api/v2/dags/{dag_id}/dagRuns", {"logical_date": None})
        if status == 200:
            return str(run["dag_run_id"])
        assert status == 404, run  # 404: not parsed yet
        time.sleep(0.5)
    raise AssertionError(f"{dag_id} was never parsed")


def test_a_task_runs_on_a_worker_of_its_queue(cluster: Cluster) -> None:
    """`queue="heavy"` runs on worker-2, the only one serving it; the default queue's task on a default worker."""
    run = _trigger(cluster, "routing_demo")
    heavy = cluster.wait("routing_demo", run, "heavy", lambda ti: ti["state"] in ("success", "failed"), 150)
    light = cluster.task("routing_demo", run, "light")
    assert (heavy["state"], heavy["queue"], heavy["hostname"]) == ("success", "heavy", "worker-2")
    assert (light["state"], light["queue"]) == ("success", "default")
    assert light["hostname"] in ("worker-1", "worker-2")


def test_a_lost_worker_s_task_is_retried_on_the_other(cluster: Cluster) -> None:
    """The whole process tree of the worker running a task is killed; its retry runs on the other worker."""
    run = _trigger(cluster, "failover_demo")
    running = cluster.wait(
        "failover_demo", run, "long_job", lambda ti: ti["state"] == "running" and ti["hostname"], 150
    )
    victim = running["hostname"]
    os.killpg(_worker_group(victim, cluster), signal.SIGKILL)
    killed = time.monotonic()
    retried = cluster.wait(
        "failover_demo",
        run,
        "long_job",
        lambda ti: ti["try_number"] == 2 and ti["state"] in ("running", "success"),
        120,
    )
    print(f"killed {victim}: the retry ran on {retried['hostname']} after {time.monotonic() - killed:.0f} s")
    assert retried["hostname"] not in ("", victim)
    done = cluster.wait("failover_demo", run, "long_job", lambda ti: ti["state"] in ("success", "failed"), 90)
    assert (done["state"], done["try_number"], done["hostname"]) == ("success", 2, retried["hostname"])


def _postgres_of(cluster: Cluster) -> list[psutil.Process]:
    """The PostgreSQL server the cluster started (pg_ctl detaches it: it is not a child), by its socket folder."""
    said = next(line for line in cluster.output if line.startswith("Metadata database"))
    socket_dir = said.split("PostgreSQL at ", 1)[1].split(";")[0].rstrip(".")
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        if socket_dir in " ".join(proc.info["cmdline"] or []):
            found.append(proc)
    return found


def _command(proc: psutil.Process) -> str:
    """A live process's command line; "" for one gone or a zombie (the failover test's killed worker)."""
    try:
        return " ".join(proc.cmdline()[:6]) if proc.status() != psutil.STATUS_ZOMBIE else ""
    except psutil.Error:
        return ""


def test_ctrl_c_stops_every_process_it_started(cluster: Cluster) -> None:
    """After Ctrl-C nothing is left: no Airflow component, Celery worker, Redis or PostgreSQL process."""
    started = psutil.Process(cluster.proc.pid).children(recursive=True)
    names = [name for name in map(_command, started) if name]
    assert any("redis-server" in n for n in names), names
    # one worker may be gone already: the failover test kills one
    assert {n.split("@")[0] for n in names if "MainProcess" in n} & {"[celeryd: worker-1", "[celeryd: worker-2"}, names
    assert {role for n in names for role in ("scheduler", "dag-processor", "triggerer") if n.endswith(role)} == {
        "scheduler",
        "dag-processor",
        "triggerer",
    }, names
    postgres = _postgres_of(cluster)
    assert postgres, cluster.output
    started += postgres
    cluster.proc.send_signal(signal.SIGINT)
    rest, _ = cluster.proc.communicate(timeout=90)
    assert cluster.proc.returncode == 0, rest
    assert "Stopped every component" in rest
    time.sleep(1)
    left = [name for name in map(_command, started) if name]
    assert not left, left
    assert not re.search(r"Traceback", rest), rest
