"""Lab 05's Celery step, the parts that need no deployment: the pools file read as `airflow pools import`
reads it, the backfill command read as `airflow` reads it, and task instances turned into "how many at once"."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from grader.artifacts.airflow import AirflowArtifacts
from grader.labs.lab05_sensors_pools.timeline import most_at_once
from grader.sandbox.airflow.backfill_command import post_body, read_backfill
from grader.sandbox.extensions.celery_cluster import read_pools


def test_pools_need_slots_and_a_description_as_the_cli_asks(tmp_path: Path) -> None:
    """An entry without slots or description is refused, the others imported; no file or no JSON is said."""
    path = tmp_path / "pools.json"
    assert read_pools(path) == ({}, ["no pools.json: the pools are not defined"])
    path.write_text("{not json")
    assert read_pools(path)[1][0].startswith("pools.json is not JSON")
    path.write_text(json.dumps({"supplier_api": {"slots": 1, "description": "d"}, "warehouse": {"slots": 2}}))
    pools, problems = read_pools(path)
    assert pools == {"supplier_api": {"slots": 1, "description": "d"}}
    assert problems == ["pool warehouse: airflow pools import needs both slots and description"]


def test_backfill_command_is_read_by_airflow_s_own_parser(tmp_path: Path) -> None:
    """Continued lines, `--flag=value`, comments and a time of day mean what they mean to airflow; a left-out
    --max-active-runs keeps the API's default; Airflow 2's command, a dry run, two commands or none are said."""
    path = tmp_path / "backfill.sh"
    path.write_text(
        "#!/usr/bin/env bash\nset -euo pipefail\n# rebuild November\n"
        "airflow backfill create --dag-id=fernhill_sales_history \\\n"
        "  --from-date 2026-11-01 --to-date '2026-11-03T00:00:00+00:00'  # the corrected days\n"
    )
    read = read_backfill(path)
    assert read["problems"] == []
    assert read["args"]["max_active_runs"] is None
    assert post_body(read["args"]) == {
        "dag_id": "fernhill_sales_history",
        "from_date": "2026-11-01T00:00:00+00:00",
        "to_date": "2026-11-03T00:00:00+00:00",
        "run_backwards": False,
    }
    two_at_once = "airflow backfill create --dag-id x --from-date 2026-11-01 --to-date 2026-11-03 --max-active-runs 2"
    path.write_text(two_at_once)
    assert post_body(read_backfill(path)["args"])["max_active_runs"] == 2
    refused = {
        "airflow dags backfill -s 2026-11-01 -e 2026-11-03 x": "Airflow 2's command",
        "airflow backfill create --dag-id x --from-date 2026-11-01 --to-date 2026-11-03 --dry-run": "--dry-run",
        "airflow backfill create --dag-id x --from-date 2026-11-01": "the following arguments are required",
        "airflow backfill create --dag-id x --from-date 1 --to-date 2 --max-active-runs 0": "positive int",
        "# TODO\n": "no `airflow` command",
        "airflow version\nairflow backfill create --dag-id x": "2 `airflow` commands",
    }
    for text, said in refused.items():
        path.write_text(text)
        read = read_backfill(path)
        assert read["args"] is None, text
        assert said in read["problems"][0], (text, read)
    path.unlink()
    assert read_backfill(path)["problems"] == ["there is no backfill.sh"]


def _ti(start: str, end: str) -> dict[str, str]:
    return {"start": f"2026-01-01T00:00:{start}+00:00", "end": f"2026-01-01T00:00:{end}+00:00"}


def test_one_ending_as_the_next_starts_is_not_two_at_once() -> None:
    """Back to back is one at a time; a tenth of a second of overlap is two; a task that never ran counts for none."""
    assert most_at_once([_ti("01.0", "02.0"), _ti("02.0", "03.0")]) == 1
    assert most_at_once([_ti("01.0", "02.1"), _ti("02.0", "03.0"), _ti("02.05", "02.5")]) == 3
    assert most_at_once([_ti("01.0", "02.0"), {"state": "scheduled", "start": None, "end": None}]) == 1
    assert most_at_once([]) == 0


def test_the_work_picture_shows_the_deployment_s_runs(tmp_path: Path) -> None:
    """Tasks run only on the Celery deployment (triggered or backfilled) take their state from cluster.json."""
    dags = {
        "reports": {"tasks": [{"task_id": "report_a", "upstream": []}]},
        "history": {"tasks": [{"task_id": "rebuild_a", "upstream": []}]},
        "idle": {"tasks": [{"task_id": "never", "upstream": []}]},
    }
    run = {"tasks": {"report_a": {"state": "success"}}}
    backfill = {"created": {"dag_id": "history"}, "runs": [{"tasks": {"rebuild_a": {"state": "failed"}}}]}
    phases = {"one": {"runs": {"reports": run}, "backfill": None}, "two": {"runs": {}, "backfill": backfill}}
    (tmp_path / "dags.json").write_text(json.dumps({"dags": dags}))
    (tmp_path / "cluster.json").write_text(json.dumps({"phases": phases}))
    graph = AirflowArtifacts(tmp_path, tmp_path, tmp_path, {"runs": []}).work_graph()
    assert graph is not None
    assert {n["id"]: n["state"] for n in graph["nodes"]} == {
        "history.rebuild_a": "failed",
        "idle.never": "not_run",
        "reports.report_a": "ok",
    }


OWNER = """
import sys, time
from pathlib import Path
from grader.airflow_cluster import embedded_services
from grader.airflow_schema import metadata_schema_sql
from grader.sandbox.airflow.cluster import AirflowCluster, ClusterSpec, Worker

home = Path(sys.argv[1])
spec = ClusterSpec(workers=(Worker("worker-1"),), roles=("api-server",))
with embedded_services() as (pg, broker):
    cluster = AirflowCluster(home, home / "dags", home / "plugins", postgres=pg, redis=broker, spec=spec)
    cluster.start(schema_sql=metadata_schema_sql())
    print(" ".join(str(c.proc.pid) for c in cluster.components.values()), pg["host"], flush=True)
    time.sleep(600)  # killed here, as a grading job past its time limit is
"""


@pytest.mark.slow
def test_a_killed_owner_leaves_no_component_or_server(tmp_path: Path) -> None:
    """The job running the cluster is killed with its process group: the api-server, the Celery worker
    (each in a session of its own), PostgreSQL and Redis are all stopped by their watchdogs."""
    home = tmp_path / "cluster"
    (home / "dags").mkdir(parents=True)
    owner = subprocess.Popen(
        [sys.executable, "-c", OWNER, str(home)], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    assert owner.stdout is not None
    *said, socket_dir = owner.stdout.readline().split() or ["no output"]
    pids = [int(p) for p in said]
    assert len(pids) == 2, "the cluster did not start"
    redis = [p for p in psutil.Process(owner.pid).children(recursive=True) if p.name().startswith("redis")]
    # pg_ctl detaches the postmaster: found by its socket folder, not as a child
    postgres = [p for p in psutil.process_iter(["cmdline"]) if socket_dir in " ".join(p.info["cmdline"] or [])]
    assert redis, "no redis-server"
    assert postgres, "no postmaster"
    servers = [*redis, *postgres]
    os.killpg(owner.pid, signal.SIGKILL)
    owner.wait()
    watched = [*(psutil.Process(pid) for pid in pids if psutil.pid_exists(pid)), *servers]
    _, alive = psutil.wait_procs(watched, timeout=30)
    leftovers = [f"{p.pid} {p.name()}" for p in alive if p.status() != psutil.STATUS_ZOMBIE]
    for p in alive:
        with contextlib.suppress(psutil.Error):
            p.kill()
    assert not leftovers
