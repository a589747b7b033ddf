"""Lab 05, part two, on a real deployment: pools, priorities, parallelism, queues and a lost worker.

``dag.test()`` runs one task at a time in one process: it cannot show which task waits for a pool
slot, which runs first, or which worker takes it. So this step starts the deployment the course
teaches (grader/sandbox/airflow/cluster.py: api-server, scheduler, dag-processor and two Celery
workers, ``worker-1`` on ``default`` and ``worker-2`` on ``default,heavy``; no triggerer, as no
part-two task defers), on the job's PostgreSQL (a database of its own beside the control DB) and
Redis, with only the part-two DAG files in its DAG folder. Then, phase by phase:

1. the learner's ``pools.json`` (the file ``airflow pools import`` reads) is imported over REST,
   each *held* pool at 0 slots;
2. the phase's DAGs are triggered at once; when every task of a held pool is ``scheduled``, the
   pool gets the learner's slots: all contenders are waiting together, so the scheduler's order
   (priority first) decides who runs, not who happened to be triggered a second earlier;
3. for the backfill phase, the learner's ``airflow backfill create`` command (read by Airflow's
   own parser, grader/sandbox/airflow/backfill_command.py) is sent to the REST API and its DAG unpaused:
   the backfill's runs and the DAG's own scheduled run share the workers;
4. for the failover phase, the worker running the named task is killed with its whole process
   tree as soon as the task runs, and the run goes on without it.

DAGs are created paused and each phase unpauses its own: a scheduled DAG of a later phase would
otherwise start its run at once and take worker slots from the phase being watched.

What the metadata DB says is written to ``cluster.json``: each run's state, and for every task
its state, pool, queue, priority weight and every try (worker, start, end). The checks compare
those times and names; nothing here judges.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from grader.sandbox.airflow.backfill_command import post_body, read_backfill
from grader.sandbox.forked import map_in_fork
from grader.sandbox.recorder import Recorder, StepFailed, summary

META_DB = "airflow_cluster"  # the cluster's metadata DB, beside the lab's control DB on the same server


def read_pools(path: Path) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The pools of an ``airflow pools import`` file, by the CLI's own rule: each a dict with slots and description."""
    if not path.is_file():
        return {}, [f"no {path.name}: the pools are not defined"]
    try:
        found = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        return {}, [f"{path.name} is not JSON: {exc}"]
    if not isinstance(found, dict):
        return {}, [f"{path.name} must map pool names to their settings"]
    pools, problems = {}, []
    for name, settings in found.items():
        if isinstance(settings, dict) and "slots" in settings and "description" in settings:
            pools[name] = settings
        else:
            problems.append(f"pool {name}: airflow pools import needs both slots and description")
    return pools, problems


def _meta_database(postgres: dict[str, Any]) -> dict[str, Any]:
    """A fresh, empty database for the cluster's metadata on the job's server."""
    import psycopg2

    from grader.sandbox.dbt.postgres_target import psycopg2_kwargs, wait_for

    wait_for(postgres, timeout_s=90)
    conn = psycopg2.connect(**psycopg2_kwargs(postgres), connect_timeout=10)
    conn.autocommit = True  # CREATE DATABASE cannot run in a transaction
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {META_DB}")
        cur.execute(f"CREATE DATABASE {META_DB}")
    conn.close()
    return {**postgres, "dbname": META_DB}


def _dag_folder(job: Any, dag_ids: list[str]) -> Path:
    """A DAG folder with only the files that define the phases' DAGs (the sensors' DAGs would start runs)."""
    folder = job.work / "cluster_dags"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for dag_id in dag_ids:
        dag = job.bag.dags.get(dag_id) if job.bag is not None else None
        if dag is not None and dag.fileloc:
            shutil.copy2(dag.fileloc, folder / Path(dag.fileloc).name)
    return folder


class Observer:
    """What the cluster's REST API says about runs and task instances."""

    def __init__(self, cluster: Any) -> None:
        self.cluster = cluster

    def get(self, path: str) -> Any:
        status, answer = self.cluster.api("GET", path)
        if status != 200:
            raise StepFailed(f"the api-server answered {status} to {path}: {str(answer)[:300]}")
        return answer

    def task_instances(self, dag_id: str, run_id: str) -> list[dict[str, Any]]:
        return self.get(f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances")["task_instances"]

    def run_state(self, dag_id: str, run_id: str) -> str:
        return str(self.get(f"/api/v2/dags/{dag_id}/dagRuns/{run_id}")["state"])

    def tries(self, dag_id: str, run_id: str, task_id: str) -> list[dict[str, Any]]:
        found = self.get(f"/api/v2/dags/{dag_id}/dagRuns/{run_id}/taskInstances/{task_id}/tries")
        return [
            {k: t.get(k) for k in ("try_number", "state", "hostname", "start_date", "end_date")}
            for t in found["task_instances"]
        ]

    def runs_of(self, dag_id: str) -> list[dict[str, Any]]:
        return self.get(f"/api/v2/dags/{dag_id}/dagRuns?limit=100&order_by=logical_date")["dag_runs"]

    def describe(self, dag_id: str, run_id: str) -> dict[str, Any]:
        tasks = {}
        for ti in self.task_instances(dag_id, run_id):
            keep = ("state", "try_number", "pool", "pool_slots", "queue", "hostname", "priority_weight")
            tasks[ti["task_id"]] = {
                **{k: ti.get(k) for k in keep},
                "start": ti.get("start_date"),
                "end": ti.get("end_date"),
                "tries": self.tries(dag_id, run_id, ti["task_id"]),
            }
        run = self.get(f"/api/v2/dags/{dag_id}/dagRuns/{run_id}")
        return {
            "run_id": run_id,
            **{k: run.get(k) for k in ("run_type", "logical_date", "state")},
            "start": run.get("start_date"),
            "end": run.get("end_date"),
            "tasks": tasks,
        }


def _wait(until: Any, timeout_s: float, cluster: Any) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        cluster.check_alive()
        if until():
            return True
        time.sleep(0.5)
    return False


def _pool_body(name: str, settings: dict[str, Any], slots: Any) -> dict[str, Any]:
    return {
        "name": name,
        "slots": slots,
        "description": settings.get("description"),
        "include_deferred": bool(settings.get("include_deferred", False)),
    }


def _set_slots(cluster: Any, name: str, settings: dict[str, Any]) -> None:
    status, answer = cluster.api("PATCH", f"/api/v2/pools/{name}", _pool_body(name, settings, settings["slots"]))
    if status != 200:
        slots = settings["slots"]
        raise StepFailed(f"giving pool {name} its {slots} slots was refused ({status}): {str(answer)[:300]}")


def _import_pools(cluster: Any, pools: dict[str, dict[str, Any]], held: set[str]) -> list[str]:
    problems = []
    for name, settings in pools.items():
        body = _pool_body(name, settings, 0 if name in held else settings["slots"])
        status, answer = cluster.api("POST", "/api/v2/pools", body)
        if status not in (200, 201):  # a pool with a name the API refuses, slots that are no number
            problems.append(f"pool {name} was refused ({status}): {str(answer)[:200]}")
    return problems


def _hold_until_waiting(cluster: Any, seen: Observer, runs: dict[str, str], held: list[str]) -> list[str]:
    """Wait until every task of the held pools is scheduled (all contenders waiting), then give the
    pools their slots; the notes of what did not happen."""
    notes = []

    def waiting() -> bool:
        contenders = [ti for d, r in runs.items() for ti in seen.task_instances(d, r) if ti.get("pool") in held]
        return bool(contenders) and all(ti["state"] == "scheduled" for ti in contenders)

    if not _wait(waiting, 30, cluster):
        notes.append(f"not every task of the pools {', '.join(held)} was scheduled within 30 s")
    return notes


def _kill_worker_running(
    cluster: Any, seen: Observer, dag_id: str, run_id: str, task_id: str, phase: dict[str, Any]
) -> tuple[dict[str, Any] | None, list[str]]:
    """Kill the worker running the task (its whole process tree) once the task runs: what was killed."""

    def running_somewhere() -> dict[str, Any] | None:
        for ti in seen.task_instances(dag_id, run_id):
            if ti["task_id"] == task_id and ti["state"] == "running" and ti.get("hostname"):
                return ti
        return None

    if not _wait(lambda: running_somewhere() is not None, phase["timeout_s"], cluster):
        return None, [f"{dag_id}.{task_id} never ran within {phase['timeout_s']} s: no worker was killed"]
    ti = running_somewhere() or {}
    victim = str(ti.get("hostname"))
    if victim not in cluster.components:
        return None, [f"{dag_id}.{task_id} ran on {victim}, not on one of the deployment's workers"]
    time.sleep(phase.get("kill_after_s", 1.0))  # mid-task, not at its first line
    cluster.kill(victim)
    killed = {
        "worker": victim,
        "task_id": task_id,
        "try_number": ti.get("try_number"),
        "at": datetime.now(UTC).isoformat(),  # on the clock of the task instances' times
    }
    return killed, []


def phase_dags(phase: dict[str, Any]) -> list[str]:
    """The DAGs a phase runs: those it triggers and the one it backfills."""
    return [*phase.get("trigger", []), *([phase["backfill"]] if phase.get("backfill") else [])]


def _unpause(cluster: Any, dag_id: str) -> None:
    status, answer = cluster.api("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})
    if status != 200:
        raise StepFailed(f"unpausing {dag_id} was refused ({status}): {str(answer)[:300]}")


def _backfill(cluster: Any, seen: Observer, phase: dict[str, Any], command: dict[str, Any], dags: dict[str, Any]):
    """Send the learner's backfill, unpause its DAG, wait for the backfill and the DAG's other runs to end.

    The backfill's DAG is the one the command names (the phase's own, when the learner got it
    right); its runs, the backfill's and the scheduler's, are described in ``runs``.
    """
    if command.get("args") is None:
        return {"created": None, "runs": []}, [f"no backfill ran: {'; '.join(command.get('problems', []))}"]
    dag_id = command["args"]["dag_id"]
    if dag_id not in dags:
        return {"created": None, "runs": []}, [f"no backfill ran: the command names {dag_id}, a DAG this lab has not"]
    status, created = cluster.api("POST", "/api/v2/backfills", post_body(command["args"]))
    if status not in (200, 201):  # no run in the range, a DAG without a schedule: the learner's to fix
        return {"created": None, "runs": []}, [f"the backfill was refused ({status}): {str(created)[:300]}"]
    _unpause(cluster, dag_id)

    def ended() -> bool:
        # the backfill's runs exist from the POST on; the scheduler marks the backfill itself complete
        # only every 30 s, so its runs' states are what is waited for
        runs = seen.runs_of(dag_id)
        return any(r["run_type"] == "backfill" for r in runs) and all(r["state"] in ("success", "failed") for r in runs)

    ended_in_time = _wait(ended, phase["timeout_s"], cluster)
    notes = [] if ended_in_time else [f"the backfill did not end within {phase['timeout_s']} s"]
    keep = ("id", "dag_id", "from_date", "to_date", "max_active_runs", "reprocess_behavior")
    runs = [seen.describe(dag_id, r["dag_run_id"]) for r in seen.runs_of(dag_id)]
    return {"created": {k: created.get(k) for k in keep}, "runs": runs}, notes


def run_phase(
    cluster: Any,
    phase: dict[str, Any],
    pools: dict[str, dict[str, Any]],
    dags: dict[str, Any],
    command: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Trigger the phase's DAGs together, release its held pools, run its backfill, kill a worker if
    asked; what every run did.

    ``dags``: the learner's parsed DAGs; a DAG missing from them is not triggered, and a pool
    no task names (or pools.json lacks) is not held. ``command``: the learner's backfill command.
    """
    seen = Observer(cluster)
    began = time.monotonic()
    for dag_id in phase.get("trigger", []):
        if dag_id in dags:
            _unpause(cluster, dag_id)
    runs = {dag_id: cluster.trigger(dag_id) for dag_id in phase.get("trigger", []) if dag_id in dags}
    named = {t.pool for dag_id in runs for t in dags[dag_id].tasks}
    held = [name for name in phase.get("release", []) if name in pools and name in named]
    notes: list[str] = []
    if held:
        notes += _hold_until_waiting(cluster, seen, runs, held)
        for name in held:
            _set_slots(cluster, name, pools[name])
    backfill = None
    if phase.get("backfill"):
        backfill, more = _backfill(cluster, seen, phase, command or {}, dags)
        notes += more
    killed = None
    target = phase.get("kill_worker_running")
    if target and target[0] in runs and target[1] in dags[target[0]].task_dict:
        dag_id, task_id = target
        killed, more = _kill_worker_running(cluster, seen, dag_id, runs[dag_id], task_id, phase)
        notes += more

    def all_finished() -> bool:
        return all(seen.run_state(d, r) in ("success", "failed") for d, r in runs.items())

    if not _wait(all_finished, phase["timeout_s"], cluster):
        notes.append(f"not every run finished within {phase['timeout_s']} s")
    found = {dag_id: seen.describe(dag_id, run_id) for dag_id, run_id in runs.items()}
    took = round(time.monotonic() - began, 1)
    return {"runs": found, "backfill": backfill, "killed": killed, "notes": notes, "took_s": took}


def without_tasks(dags: dict[str, Any], dag_ids: list[str]) -> list[str]:
    """The DAGs still missing or without a task (the starter's part two): nothing of theirs can run."""
    return [d for d in dag_ids if d not in dags or not dags[d].tasks]


def run_cluster(job: Any, spec: dict[str, Any]) -> dict[str, Any]:
    from grader.sandbox.airflow.cluster import AirflowCluster, ClusterFailed, ClusterSpec

    dags = job.bag.dags if job.bag is not None else {}
    dag_ids = [d for phase in spec["phases"] for d in phase_dags(phase) if d in dags]
    pools, pool_problems = read_pools(job.project / spec["pools_file"])
    command = read_backfill(job.project / spec["backfill_file"])
    result: dict[str, Any] = {
        "pools": pools,
        "pool_problems": pool_problems,
        "backfill_command": command,
        "phases": {},
        "timings": {},
    }
    postgres, redis = job.plan.get("postgres"), job.plan.get("redis")
    if not postgres or not redis:
        raise StepFailed("the cluster needs the job's PostgreSQL and Redis, and the plan has no such service")
    folder = _dag_folder(job, dag_ids)
    env = {"PYTHONPATH": os.pathsep.join([str(job.project), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    os.environ.update({**env, **spec.get("env", {})})  # the components inherit the job's environment
    began = time.monotonic()
    cluster = AirflowCluster(
        job.work / "cluster",
        folder,
        job.project / "plugins",
        postgres=_meta_database(postgres),
        redis=redis,
        spec=ClusterSpec(settings=spec.get("settings", {}), roles=tuple(spec.get("roles", ClusterSpec.roles))),
    )
    try:
        cluster.start(schema_sql=spec.get("schema_sql"))
        result["timings"]["api_ready_s"] = cluster.timings["api_ready_s"]
        missing = cluster.wait_for_dags(dag_ids, timeout_s=60)
        if missing:
            result["missing_dags"] = missing
            return result
        held = {name for phase in spec["phases"] for name in phase.get("release", [])}
        result["pool_problems"] += _import_pools(cluster, pools, held)
        for phase in spec["phases"]:
            result["phases"][phase["id"]] = run_phase(cluster, phase, pools, dags, command)
    except ClusterFailed as failed:
        # the processes that run the learner's code (parsing the DAG files, running the tasks)
        # may be stopped by it: the learner's to see; any other component stopping is the grader's
        if failed.component is None or not failed.component.startswith(("worker-", "dag-processor")):
            raise
        result["error"] = str(failed)[:1500]
    finally:
        cluster.stop()
        result["timings"]["total_s"] = round(time.monotonic() - began, 1)
    return result


def _attempt(job: Any, spec: dict[str, Any]) -> dict[str, Any]:
    """The cluster's runs; what the submission caused is in the result (a component that died
    quotes its log), anything else is the grader's own failure."""
    try:
        return run_cluster(job, spec)
    except Exception as exc:
        return {"infrastructure": f"{type(exc).__name__}: {exc}"[:1500]}


def cluster_step(job: Any, options: dict[str, Any], rec: Recorder) -> None:
    spec = job.plan["cluster"]  # the lab's options: pools file, phases, settings, the schema dump
    dag_ids = [d for phase in spec["phases"] for d in phase_dags(phase)]
    title = "Run the pool, backfill and queue DAGs on a Celery deployment (2 workers, PostgreSQL, Redis)"
    with rec.step("cluster_runs", title) as entry:
        if len(without_tasks(job.bag.dags if job.bag is not None else {}, dag_ids)) == len(dag_ids):
            pools, pool_problems = read_pools(job.project / spec["pools_file"])
            result: dict[str, Any] = {
                "skipped": f"none of {', '.join(dag_ids)} has tasks yet",
                "pools": pools,
                "pool_problems": pool_problems,
                "backfill_command": read_backfill(job.project / spec["backfill_file"]),
            }
        else:
            # in a forked child: a hang costs the step its time limit, and the components' watchdogs
            # stop them when the child ends, however it ends
            (done,) = map_in_fork(lambda s: _attempt(job, s), [spec], timeout_s=spec.get("timeout_s", 300))
            problem = done.problem or (done.value or {}).get("infrastructure")
            if problem:  # the grader's own failure: an error for the grading, never a zero for the learner
                raise RuntimeError(f"the Celery deployment could not be run: {problem}")
            result = done.value
        (job.out / "cluster.json").write_text(json.dumps(result, indent=1, default=str))
        problems = [result["error"]] if result.get("error") else []
        problems += list(result.get("pool_problems", []))
        problems += [n for p in result.get("phases", {}).values() for n in p.get("notes", [])]
        entry["summary"] = summary(
            "The Celery deployment",
            {"phases": len(result.get("phases", {})), "problems": len(problems)},
            problems,
            attention=bool(problems),
            hint="each component's log is kept in the job's work folder under cluster/logs",
        )


STEPS = {"cluster_runs": cluster_step}
