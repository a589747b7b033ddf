"""A freshly migrated Airflow metadata database as SQL, made once per machine and Airflow version.

``airflow db migrate`` on an empty PostgreSQL takes about 11 s (importing Airflow, creating some
150 tables, stamping the migration); restoring the same database from a ``pg_dump`` takes about
1 s. Every Airflow cluster the grader or a learner starts (lab 05) begins with an empty database,
so the dump is made on the first start, kept in the cache (``grader.config.cache_root``), and
handed to the cluster (``AirflowCluster(schema_sql=...)``; the grading plan carries it into the
job, which restores it with the psql of the pgserver wheel).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

from grader.config import cache_root
from grader.sandbox.airflow.cluster import ClusterSpec, cluster_environment, libpq_environment, psql


def schema_file() -> Path:
    return cache_root() / f"airflow-{version('apache-airflow-core')}-metadata.sql"


def metadata_schema_sql() -> str:
    """The dump's text, made now if this machine has none yet (about 13 s, once)."""
    target = schema_file()
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        sql = _migrate_and_dump()
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(sql)
        partial.replace(target)  # whole or not at all, also with two gradings making it at once
    return target.read_text()


def _migrate_and_dump() -> str:
    from grader.services import EmbeddedPostgres

    with EmbeddedPostgres() as pg, tempfile.TemporaryDirectory(prefix="airflow-schema-") as tmp:
        conn = pg.connection_kwargs()
        home = Path(tmp)
        env = {
            **os.environ,
            **cluster_environment(home, home, home, postgres=conn, redis=None, api_port=0, spec=ClusterSpec()),
        }
        migrated = subprocess.run(
            [sys.executable, "-m", "airflow", "db", "migrate"], env=env, capture_output=True, text=True, check=False
        )
        if migrated.returncode != 0:
            raise RuntimeError(f"airflow db migrate failed: {migrated.stderr[-1500:]}")
        dump = Path(psql()).with_name("pg_dump")
        dumped = subprocess.run(
            [str(dump), "--no-owner", "--no-privileges"],
            env={**os.environ, **libpq_environment(conn)},
            capture_output=True,
            text=True,
            check=False,
        )
        if dumped.returncode != 0:
            raise RuntimeError(f"pg_dump failed: {dumped.stderr[-1500:]}")
        return dumped.stdout
