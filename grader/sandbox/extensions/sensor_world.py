"""What lab 05's sensors wait for, for real: files landing in a folder, a service becoming ready, a
row changing in PostgreSQL.

The ``world`` step sets them up once per job: the landing folder and its connection (type fs) and
Variable, the stand-in supplier API with its ``/health`` endpoint (``supplier_standin``), the
control database's connection, and the files the unit calls read. Then each run's scenario says
what happens while its DAG runs, in a ``world`` block::

    {"files": [{"name": "orders_{day}.csv", "rows": 5, "after_s": 1.0}],   # written (again) after 1 s
     "health": ["404", "503", "starting", "ready"],                         # /health, poll by poll
     "sql": [{"after_s": 0, "sql": "..."}, {"after_s": 4, "sql": "..."}]}  # run on the control DB

The timers run in the forked child that runs the DAG, beside ``dag.test()``, and are stopped
(and waited for) when the run ends, so nothing of one run leaks into the next.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path
from typing import Any

from grader.sandbox.extensions.supplier_standin import StandIn
from grader.sandbox.recorder import Recorder

LANDING_CONN_ID = "fernhill_landing"
CONTROL_CONN_ID = "fernhill_control"
ORDER_HEADER = "order_id,customer_id,ordered_at,status"


def order_rows(rows: int, day: str) -> str:
    """A landing file with a header and ``rows`` order rows."""
    lines = [ORDER_HEADER] + [f"{i},{100 + i % 7},{day}T0{i % 6}:15:00Z,placed" for i in range(1, rows + 1)]
    return "\n".join(lines) + "\n"


class World:
    def __init__(self, landing: Path, remote: Any, postgres: dict[str, Any] | None) -> None:
        self.landing, self.remote, self.postgres = landing, remote, postgres

    def start(self, scenario: dict[str, Any]) -> list[threading.Timer]:
        spec = scenario.get("world") or {}
        shutil.rmtree(self.landing, ignore_errors=True)
        self.landing.mkdir(parents=True)
        if self.remote is not None:
            self.remote.set_health(spec.get("health") or ["ready"])
        timers = []
        for item in spec.get("files", []):
            text = order_rows(item["rows"], scenario.get("day", ""))
            name = item["name"].format(day=scenario.get("day", ""))
            timers.append(threading.Timer(item.get("after_s", 0), self._write, (name, text)))
        for item in spec.get("sql", []):
            timers.append(threading.Timer(item.get("after_s", 0), self._sql, (item["sql"],)))
        for timer in timers:
            timer.daemon = True
            if timer.interval == 0:
                timer.function(*timer.args)  # what is there from the start is there before the run
            else:
                timer.start()
        return timers

    def stop(self, timers: list[threading.Timer] | None) -> None:
        for timer in timers or []:
            timer.cancel()
            if timer.is_alive():
                timer.join(timeout=10)

    def _write(self, name: str, text: str) -> None:
        # written beside, then renamed: a sensor never sees half a file
        part = self.landing / f".{name}.part"
        part.write_text(text)
        part.replace(self.landing / name)

    def _sql(self, sql: str) -> None:
        if self.postgres is None:
            return
        import psycopg2

        from grader.sandbox.dbt.postgres_target import psycopg2_kwargs

        with psycopg2.connect(**psycopg2_kwargs(self.postgres), connect_timeout=10) as conn, conn.cursor() as cur:
            cur.execute(sql)
        conn.close()


def world_connections(landing: Path, postgres: dict[str, Any] | None) -> dict[str, str]:
    """The connections and the Variable the lab's DAGs reach their world through, as environment variables."""
    folder = json.dumps({"conn_type": "fs", "extra": {"path": str(landing)}})
    env = {
        f"AIRFLOW_CONN_{LANDING_CONN_ID.upper()}": folder,
        # a fresh metadata DB has no fs_default: a FileSensor left on the default still finds files
        "AIRFLOW_CONN_FS_DEFAULT": folder,
        f"AIRFLOW_VAR_{LANDING_CONN_ID.upper()}_DIR": str(landing),
    }
    if postgres:
        env[f"AIRFLOW_CONN_{CONTROL_CONN_ID.upper()}"] = json.dumps(
            {
                "conn_type": "postgres",
                "host": postgres["host"],
                "port": postgres["port"],
                "login": postgres["user"],
                "password": postgres["password"],
                "schema": postgres["dbname"],
            }
        )
    return env


def world_step(job: Any, options: dict[str, Any], rec: Recorder) -> None:
    """Start what the sensors wait for; the DAGs reach it through connections and a Variable."""
    with rec.step("world", "Start what the sensors wait for: a landing folder, the supplier API, the control DB"):
        landing = job.work / "landing"
        landing.mkdir(parents=True, exist_ok=True)
        standin = StandIn([{"supplier_id": i, "name": f"Supplier {i}"} for i in range(1, 8)])
        os.environ.update(standin.connections())
        postgres = job.plan.get("postgres")
        if postgres:
            from grader.sandbox.dbt.postgres_target import wait_for

            wait_for(postgres, timeout_s=90)  # the runner starts the server, it does not wait for it
        os.environ.update(world_connections(landing, postgres))
        for name, text in (options.get("probe_files") or {}).items():
            path = job.work / "probe_files" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        job.services["standin"] = standin.remote()
        job.services["world"] = World(job.work / "landing", standin.remote(), postgres)


STEPS = {"world": world_step}
