"""Helpers part two of the lab 05 notebook calls: the part-two DAGs on a real Celery deployment, and
pictures of which worker ran which task when.

``run_on_celery`` is the grader's own cluster step (``grader/sandbox/extensions/celery_cluster.py``)
with the grader's own phases (``grader/labs/lab05_sensors_pools/probes.py``): what the notebook
shows is what ``grader check 05`` runs. It needs the sensors' world for its PostgreSQL (the
cluster's metadata DB is a database of its own there) and starts a Redis broker for the run.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from grader.lab_tools_sensors import SensorWorld

__all__ = ["draw_running_at_once", "draw_workers", "run_on_celery", "run_table", "task_table"]

DAG_COLOURS = ["#6fa8dc", "#93c47d", "#f6b26b", "#c27ba0", "#76a5af", "#ffd966"]


def run_on_celery(world: SensorWorld, lab_dir: str | Path = ".") -> dict[str, Any]:
    """Start the deployment, run the grader's three phases on your part-two DAGs, stop everything.

    About a minute: Redis, then the api-server, scheduler, dag-processor and two Celery workers
    (``worker-1`` on the queue ``default``, ``worker-2`` on ``default`` and ``heavy``).
    """
    from grader.lab_tools_airflow import load_dags
    from grader.labs.lab05_sensors_pools.probes import CLUSTER_DAGS, cluster
    from grader.sandbox.extensions.celery_cluster import run_cluster, without_tasks
    from grader.services import EmbeddedRedis

    lab = Path(lab_dir).resolve()
    dags = load_dags(lab)
    empty = without_tasks(dags, CLUSTER_DAGS)
    if len(empty) == len(CLUSTER_DAGS):
        print(f"none of {', '.join(CLUSTER_DAGS)} has tasks yet: nothing to run (exercises 10.1 to 14.1)")
        return {"skipped": "no tasks yet", "phases": {}}
    if empty:
        print(f"still without tasks: {', '.join(empty)}")
    print("starting Redis, then Airflow's components and two Celery workers ...", flush=True)
    with EmbeddedRedis() as redis:
        job = SimpleNamespace(
            project=lab,
            work=lab / ".airflow" / "celery",
            bag=SimpleNamespace(dags=dags),
            plan={"postgres": world.postgres, "redis": redis.connection_kwargs()},
        )
        job.work.mkdir(parents=True, exist_ok=True)
        result = run_cluster(job, cluster())
    if result.get("error"):
        print(f"the deployment stopped: {result['error']}")
    for problem in result.get("pool_problems", []):
        print(f"pools.json: {problem}")
    timings = result.get("timings", {})
    ready, total = timings.get("api_ready_s", "?"), timings.get("total_s", "?")
    print(f"api-server ready after {ready} s; everything stopped after {total} s")
    for phase_id, phase in result.get("phases", {}).items():
        states = ", ".join(f"{d} {r['state']}" for d, r in _runs(phase))
        print(f"{phase_id}: {states} ({phase['took_s']} s)" + "".join(f"\n  {n}" for n in phase["notes"]))
        if phase.get("killed"):
            print(f"  {phase['killed']['worker']} was killed while running {phase['killed']['task_id']}")
    return result


def _runs(phase: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """A phase's runs with a name each: the DAG's id for a triggered run, the run's type and day for a
    backfill phase's runs (``backfill 2026-11-01``, ``scheduled 2026-12-07``)."""
    named = list(phase.get("runs", {}).items())
    for run in (phase.get("backfill") or {}).get("runs", []):
        named.append((f"{run.get('run_type')} {str(run.get('logical_date'))[:10]}", run))
    return named


def _tries(result: dict[str, Any], phase_id: str) -> list[dict[str, Any]]:
    """Every try of every task of a phase, with its run's name and its task's pool, queue and weight, oldest first."""
    phase = result.get("phases", {}).get(phase_id) or {"runs": {}}
    found = []
    for name, run in _runs(phase):
        for task_id, ti in run["tasks"].items():
            about = {"dag_id": name, "task_id": task_id, **{k: ti.get(k) for k in ("pool", "queue", "priority_weight")}}
            for one in ti["tries"] or [{**ti, "start_date": ti["start"], "end_date": ti["end"]}]:
                if one.get("start_date"):
                    found.append(
                        {
                            **about,
                            **{k: one.get(k) for k in ("try_number", "hostname", "state")},
                            "start_date": one["start_date"],
                            "end_date": one.get("end_date"),
                        }
                    )
    return sorted(found, key=lambda t: t["start_date"])


def _since(origin: datetime, stamp: str | None) -> float | None:
    return round((datetime.fromisoformat(stamp) - origin).total_seconds(), 1) if stamp else None


def task_table(result: dict[str, Any], phase_id: str):
    """A phase's tries as a table: seconds from the phase's first start, worker, queue, pool, weight."""
    import pandas as pd

    tries = _tries(result, phase_id)
    if not tries:
        return pd.DataFrame()
    origin = datetime.fromisoformat(tries[0]["start_date"])
    rows = [
        {
            "run" if t["dag_id"].split()[0] in ("backfill", "scheduled") else "dag_id": t["dag_id"],
            "task_id": t["task_id"],
            "try": t.get("try_number"),
            "worker": t.get("hostname"),
            "queue": t.get("queue"),
            "pool": t.get("pool"),
            "weight": t.get("priority_weight"),
            "start_s": _since(origin, t["start_date"]),
            "end_s": _since(origin, t.get("end_date")),
            "state": t.get("state"),
        }
        for t in tries
    ]
    return pd.DataFrame(rows)


def run_table(result: dict[str, Any], phase_id: str):
    """A phase's runs: type, logical date, state, and when each started and ended (seconds from the first start)."""
    import pandas as pd

    phase = result.get("phases", {}).get(phase_id) or {"runs": {}}
    runs = [run for _, run in _runs(phase) if run.get("start")]
    if not runs:
        return pd.DataFrame()
    origin = min(datetime.fromisoformat(r["start"]) for r in runs)
    rows = [
        {
            "run_type": r.get("run_type"),
            "logical_date": str(r.get("logical_date"))[:10],
            "state": r.get("state"),
            "start_s": _since(origin, r["start"]),
            "end_s": _since(origin, r.get("end")),
        }
        for r in sorted(runs, key=lambda r: r["start"])
    ]
    return pd.DataFrame(rows)


def _slot_lanes(tries: list[dict[str, Any]], seconds: Any) -> tuple[dict[tuple[str, int], float], list[Any]]:
    """Each try on the first free slot of its worker (a worker runs as many at once as its concurrency)."""
    lanes: dict[tuple[str, int], float] = {}
    placed = []
    for t in tries:
        start = seconds(t["start_date"])
        end = seconds(t["end_date"]) if t.get("end_date") else start
        worker = t.get("hostname") or "?"
        slot = 0
        while lanes.get((worker, slot), -1.0) > start:
            slot += 1
        lanes[(worker, slot)] = end
        placed.append((t, worker, slot, start, end))
    return lanes, placed


def _in_a_pool(t: dict[str, Any]) -> bool:
    return t.get("pool") not in (None, "default_pool")


def _legend(tries: list[dict[str, Any]], colours: dict[str, str]) -> list[Any]:
    """A patch per DAG, and for the hatching and the red edge only when some try has them."""
    from matplotlib.patches import Patch

    handles = [Patch(fc=c, ec="#555", label=d) for d, c in colours.items()]
    for pool in dict.fromkeys(t["pool"] for t in tries if _in_a_pool(t)):
        handles.append(Patch(fc="white", ec="#555", hatch="//", label=f"in pool {pool}"))
    if any(t.get("state") not in ("success", None) for t in tries):
        handles.append(Patch(fc="white", ec="#cc0000", lw=2, label="a try that failed"))
    return handles


def draw_workers(result: dict[str, Any], phase_id: str, out: str | Path | None = None):
    """Each worker's slots on a time axis: one bar per try, coloured by DAG (by run in the backfill
    phase), hatched in a pool of its own, edged red when it failed; a red line where a worker was lost."""
    import matplotlib

    if out is not None:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tries = _tries(result, phase_id)
    if not tries:
        print("no task ran in this phase: nothing to draw")
        return None
    origin = datetime.fromisoformat(tries[0]["start_date"])

    def seconds(stamp: str) -> float:
        return (datetime.fromisoformat(stamp) - origin).total_seconds()

    lanes, placed = _slot_lanes(tries, seconds)
    rows = sorted(lanes)
    colours = {d: DAG_COLOURS[i % len(DAG_COLOURS)] for i, d in enumerate(dict.fromkeys(t["dag_id"] for t in tries))}
    fig, ax = plt.subplots(figsize=(11, 0.7 * len(rows) + 1.8), layout="constrained")
    for t, worker, slot, start, end in placed:
        y = rows.index((worker, slot))
        failed = t.get("state") not in ("success", None)
        ax.barh(
            y,
            max(end - start, 0.05),
            left=start,
            height=0.6,
            color=colours[t["dag_id"]],
            edgecolor="#cc0000" if failed else "#333",
            linewidth=2 if failed else 0.8,
            hatch="//" if _in_a_pool(t) else None,
        )
        label = t["task_id"]
        for long, short in (("refresh_", ""), ("report_", ""), ("rebuild_", ""), ("publish_", "pub ")):
            label = label.replace(long, short)
        if (t.get("try_number") or 1) > 1:
            label += f" (try {t['try_number']})"
        if failed:
            label += f": {t.get('state')}"
        ax.text(start + 0.1, y, label, va="center", fontsize=7, bbox={"fc": "white", "ec": "none", "pad": 0.5})
    killed = (result.get("phases", {}).get(phase_id) or {}).get("killed")
    if killed and killed.get("at"):
        moment = seconds(killed["at"])
        ax.axvline(moment, color="#cc0000", lw=1.5)
        ax.annotate(
            f"{killed['worker']} lost",
            (moment, -0.5),
            xytext=(3, -2),
            textcoords="offset points",
            color="#cc0000",
            fontsize=8,
            va="top",
        )
    ax.set_yticks(range(len(rows)), [f"{w} slot {s + 1}" for w, s in rows])
    ax.set_ylim(len(rows) - 0.5, -0.7)
    ax.set_xlabel("seconds since the phase's first task started")
    handles = _legend(tries, colours)
    fig.legend(handles=handles, loc="outside lower center", ncol=4, fontsize=8, frameon=False)
    fig.suptitle(f"The Celery workers during the {phase_id} phase", fontsize=10, x=0.02, ha="left")
    if out is not None:
        fig.savefig(out, dpi=110)
    return fig


def draw_running_at_once(result: dict[str, Any], phase_id: str, out: str | Path | None = None):
    """How many tasks were running at every moment of a phase: one step line for the tasks of each
    pool other than default_pool (from every DAG), one for each DAG's other tasks."""
    import matplotlib

    if out is not None:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tries = _tries(result, phase_id)
    if not tries:
        print("no task ran in this phase: nothing to draw")
        return None
    origin = datetime.fromisoformat(tries[0]["start_date"])

    def group(t: dict[str, Any]) -> str:
        return f"pool {t['pool']} (every DAG)" if _in_a_pool(t) else t["dag_id"]

    fig, ax = plt.subplots(figsize=(10, 3), layout="constrained")
    for i, name in enumerate(dict.fromkeys(group(t) for t in tries)):
        events = []
        for t in (t for t in tries if group(t) == name and t.get("end_date")):
            events += [(datetime.fromisoformat(t["start_date"]), 1), (datetime.fromisoformat(t["end_date"]), -1)]
        xs, ys, running = [0.0], [0], 0
        for moment, step in sorted(events, key=lambda e: (e[0], e[1])):
            running += step
            xs.append((moment - origin).total_seconds())
            ys.append(running)
        ax.step(xs, ys, where="post", label=name, color=DAG_COLOURS[i % len(DAG_COLOURS)], lw=2)
    ax.set_yticks(range(0, 5))
    ax.set_ylabel("tasks running")
    ax.set_xlabel("seconds since the phase's first task started")
    ax.legend(fontsize=8, frameon=False, loc="upper right")
    ax.grid(axis="y", alpha=0.3)
    if out is not None:
        fig.savefig(out, dpi=110)
    return fig
