"""The warehouse a lab 04 DAG builds the lab 01 dbt project in: staged, loaded, and looked at.

The job stages the reference lab 01 project (so lab 04 is graded whatever the learner's lab 01
holds), loads the raw data, and makes the shop's export, ``raw.orders_export``: every delivery,
plus one row that breaks a dbt test on the "bad delivery" day. The graded day's deliveries are
taken out of ``raw.orders``: the learner's DAG must load them. On DuckDB by default; on
PostgreSQL when the runner provides a server (``--isolation container``), with the same SQL.

The staged project also carries lab 03's kind of snapshot, on lab 01's orders
(``ORDERS_SNAPSHOT``): a DAG whose dbt task runs ``dbt build`` (or ``dbt snapshot``) keeps each
order's status history; one that runs only ``dbt run`` and ``dbt test`` never snapshots.

``state()`` is what the idempotency check compares after each run: raw.orders, the orders mart
and the snapshot.

The ``dbt`` on the tasks' PATH is the job's warm dbt (grader/sandbox/dbt_server.py): the same
command line, exit code and output as the installed dbt, without importing dbt again per command.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from grader.datagen.load import load_duckdb, load_postgres
from grader.sandbox import dbt_server
from grader.sandbox.dbt.postgres_target import wait_for
from grader.sandbox.recorder import Recorder

# where the profile's targets put the marts: DuckDB's default schema, the `pg` target's schema
MART_SCHEMA = {"dev": "main", "pg": "analytics"}
# what dbt and DuckDB write into a project folder: never staged
NOT_STAGED = {"target", "dbt_packages", "logs", ".user.yml"}
# Lab 03's check strategy on lab 01's orders: `status` is what changes from one delivery to the
# next (a re-delivered row with the same status is no change, so a rerun of the same day adds no
# version). Staged beside the lab 01 project, whatever the learner's lab 01 holds.
SNAPSHOT_NAME = "orders_status_history"
ORDERS_SNAPSHOT = (
    f"snapshots/{SNAPSHOT_NAME}.yml",
    f"""snapshots:
  - name: {SNAPSHOT_NAME}
    description: Each order's status over time, one row per status it has had (lab 03).
    relation: ref('stg_orders')
    config:
      unique_key: order_id
      strategy: check
      check_cols: [status]
""",
)


def project_files(source: Path) -> dict[str, str]:
    """A dbt project's own files, by relative path: what the job (or the notebook) stages."""
    return {
        path.relative_to(source).as_posix(): path.read_text()
        for path in sorted(source.rglob("*"))
        if path.is_file()
        and not NOT_STAGED & set(path.relative_to(source).parts)
        and path.suffix not in {".duckdb", ".wal"}
    }


def staged_project(source: Path) -> dict[str, str]:
    """The files staged for the DAG's dbt: the lab 01 project at ``source``, and the orders snapshot."""
    files = project_files(source)
    files.setdefault(*ORDERS_SNAPSHOT)
    return files


def largest_deliveries(orders: Iterable[dict[str, str]]) -> tuple[str, str]:
    """The graded day and the "bad delivery" day: the two days with the most rows of orders delivered."""
    found = Counter(row["_loaded_at"][:10] for row in orders)
    day, bad_day = sorted(found, key=lambda d: (-found[d], d))[:2]
    return day, bad_day


class Warehouse:
    def __init__(self, spec: dict[str, Any], work: Path, raw_dir: Path, env: str, postgres: dict | None) -> None:
        self.spec, self.postgres = spec, postgres
        self.target = "pg" if postgres else "dev"
        self.duckdb_path = work / "warehouse.duckdb"
        self.project = work / "dbt_project"
        for name, text in spec["project_files"].items():
            path = self.project / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        os.environ.update(
            {
                f"{env}_DBT_PROJECT_DIR": str(self.project),
                f"{env}_DBT_TARGET": self.target,
                f"{env}_RAW_DIR": str(raw_dir),
                f"{env}_DUCKDB_PATH": str(self.duckdb_path),
                "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                "DO_NOT_TRACK": "1",
                # a BashOperator's `dbt` is the warm one, then the one installed beside this Python
                "PATH": os.pathsep.join(
                    [str(work / "bin"), str(Path(sys.executable).parent), os.environ.get("PATH", "")]
                ),
            }
        )
        if postgres:
            os.environ.update({f"{env}_PG_{k.upper()}": str(v) for k, v in postgres.items()})
        self.raw_dir = raw_dir

    def load(self) -> None:
        """The raw tables, the export with its broken row, and the graded day taken out of raw.orders."""
        if self.postgres:
            wait_for(self.postgres, timeout_s=90)  # the runner starts the server, it does not wait for it
            load_postgres(self.postgres, self.raw_dir)
        else:
            load_duckdb(self.duckdb_path, self.raw_dir)
        day, bad_day = self.spec["day"], self.spec["bad_day"]
        self.execute(
            [
                "create table raw.orders_export as select * from raw.orders",
                # an order without an id: the source's not_null test on order_id fails on this delivery
                "insert into raw.orders_export (order_id, customer_id, ordered_at, status, _loaded_at)"
                f" values (null, 1, '{bad_day}T09:00:00Z', 'placed', timestamp '{bad_day} 09:30:00')",
                f"delete from raw.orders where cast(_loaded_at as date) = date '{day}'",
            ]
        )

    def state(self) -> dict[str, Any]:
        """raw.orders, the orders mart and the snapshot, summed up: equal states are equal tables, for this check."""
        day = self.spec["day"]
        schema = MART_SCHEMA[self.target]
        queries = {
            "raw_orders": "select count(*) from raw.orders",
            "raw_order_ids": "select coalesce(sum(order_id), 0) from raw.orders",
            "raw_orders_of_day": f"select count(*) from raw.orders where cast(_loaded_at as date) = date '{day}'",
            "mart_orders": f"select count(*) from {schema}.orders",
            "mart_order_total": f"select cast(coalesce(sum(order_total), 0) as varchar) from {schema}.orders",
            "snapshot_versions": f"select count(*) from {schema}.{SNAPSHOT_NAME}",
            "snapshot_current": f"select count(*) from {schema}.{SNAPSHOT_NAME} where dbt_valid_to is null",
        }
        found: dict[str, Any] = {}
        with self._cursor() as cur:
            for name, sql in queries.items():
                try:
                    cur.execute(sql)
                    found[name] = cur.fetchone()[0]
                except Exception as exc:  # the mart may not exist: dbt never built it
                    found[name] = None
                    found.setdefault("errors", []).append(f"{name}: {type(exc).__name__}: {str(exc)[:200]}")
                    if self.postgres:
                        cur.connection.rollback()
        return found

    def execute(self, statements: list[str]) -> None:
        with self._cursor() as cur:
            for statement in statements:
                cur.execute(statement)

    @contextlib.contextmanager
    def _cursor(self) -> Iterator[Any]:
        if self.postgres:
            import psycopg2

            conn = psycopg2.connect(**self.postgres)
            try:
                with conn, conn.cursor() as cur:
                    yield cur
            finally:
                conn.close()
        else:
            import duckdb

            with duckdb.connect(str(self.duckdb_path)) as con:
                yield con


def warehouse_step(job: Any, options: dict[str, Any], rec: Recorder) -> None:
    """Stage the lab 01 project and load its warehouse, for a DAG that orchestrates dbt."""
    postgres = job.plan.get("postgres")
    kind = "PostgreSQL, a server beside the job" if postgres else "DuckDB"
    with rec.step("warehouse", f"Stage the lab 01 dbt project and load its warehouse ({kind})"):
        # the warm dbt imports dbt while the DAGs are parsed; until it listens, `dbt` is the installed one
        job.services["dbt_server"] = dbt_server.start_warm_dbt(job.work / "bin", job.work / "dbt-server.log")
        warehouse = Warehouse(job.plan["warehouse"], job.work, job.raw_dir, job.prefix, postgres)
        warehouse.load()  # a failure here is the grader's, never a score: it propagates
        job.services["warehouse"] = warehouse


STEPS = {"warehouse": warehouse_step}
