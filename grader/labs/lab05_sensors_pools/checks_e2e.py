"""Lab 05, end-to-end tier: the part-two DAGs on a whole Celery deployment (Redis broker, PostgreSQL
metadata, api-server, scheduler, dag-processor, two workers), read from its metadata DB:
which worker ran each try, and what happened when one worker was lost mid-task."""

from __future__ import annotations

from grader.artifacts.airflow import AirflowArtifacts
from grader.checks import check, expect
from grader.labs.lab05_sensors_pools import timeline
from grader.labs.lab05_sensors_pools.probes import EXPORT
from grader.model import Tier


@check(tier=Tier.E2E, points=2, concepts=["q.celery"])
def part_two_runs_succeed_on_both_celery_workers(a: AirflowArtifacts) -> None:
    """The three DAGs triggered together succeed; their tasks ran on the Celery workers, both of them."""
    phase = a.cluster_phase("contention")
    states = {dag_id: run["state"] for dag_id, run in phase["runs"].items()}
    hosts = {ti.get("hostname") for run in phase["runs"].values() for ti in run["tasks"].values()}
    expect(
        set(states.values()) == {"success"} and hosts == set(timeline.WORKERS),
        expected=f"every run a success, tasks run by {' and '.join(timeline.WORKERS)}",
        found={"runs": states, "workers seen": sorted(h or "none" for h in hosts), "notes": phase["notes"]},
        hint="a task the workers cannot import fails at once; a task waiting on a pool that does not exist never runs",
    )


@check(tier=Tier.E2E, points=1, concepts=["q.worker_binding"])
def heavy_work_runs_only_on_the_heavy_worker(a: AirflowArtifacts) -> None:
    """Every try of rebuild_stock_index ran on worker-2, the only worker started with --queues default,heavy."""
    rebuild = timeline.task(a.cluster_phase("contention"), "fernhill_stock_refresh", "rebuild_stock_index")
    tries = [(t.get("hostname"), t.get("state")) for t in rebuild["tries"]]
    expect(
        rebuild.get("queue") == "heavy" and bool(tries) and {h for h, _ in tries} == {timeline.HEAVY_WORKER},
        expected=f"queue heavy, every try on {timeline.HEAVY_WORKER}",
        found={"queue": rebuild.get("queue"), "tries (worker, state)": tries},
        hint="a worker takes only the queues it was started with; a task on default may land on either worker",
    )


@check(tier=Tier.E2E, points=2, concepts=["q.worker_failure"])
def lost_worker_s_export_is_retried_elsewhere(a: AirflowArtifacts) -> None:
    """The worker running export_nightly is killed mid-task: the retry runs on the other worker and succeeds."""
    phase = a.cluster_phase("failover")
    export = timeline.task(phase, *EXPORT)
    killed = phase.get("killed") or {}
    tries = [(t.get("try_number"), t.get("hostname"), t.get("state")) for t in export["tries"]]
    last = export["tries"][-1] if export["tries"] else {}
    expect(
        bool(killed)
        and phase["runs"][EXPORT[0]]["state"] == "success"
        and len(tries) >= 2
        and tries[0][1] == killed.get("worker")
        and last.get("state") == "success"
        and last.get("hostname") not in (None, "", killed.get("worker")),
        expected="the first try on the lost worker, a later try a success on the other worker, the run a success",
        found={"lost worker": killed.get("worker", "none"), "tries (try, worker, state)": tries}
        | {"notes": phase["notes"]},
        hint="a lost worker's task fails when its heartbeats stop; with retries left it is queued again",
    )
