"""The warehouse that the lab 01 dbt project builds in, and the daily load that feeds it.

The shop's export, ``raw.orders_export``, holds every delivery; ``raw.orders`` holds what the
loader has loaded so far, and is what dbt reads. A daily run loads the deliveries of its day, then
dbt builds on top. The target follows dbt's: DuckDB at ``FERNHILL_DUCKDB_PATH``, or PostgreSQL
(``FERNHILL_PG_*``) when ``FERNHILL_DBT_TARGET`` is ``pg``, the same settings the profile reads.
"""

from __future__ import annotations

import os
from datetime import date


def day_load_sql(day: str) -> list[str]:
    """The SQL that loads the orders delivered on ``day`` (their ``_loaded_at`` date) into raw.orders.

    Run once or ten times for the same day, it must leave raw.orders the same: a retry, or a rerun
    of the same logical date, must never load a delivery twice. The statements run in order, in
    one transaction; they must work on DuckDB and on PostgreSQL.
    """
    day = date.fromisoformat(day).isoformat()  # it goes into the SQL as a literal: only a real date may
    delivered = f"cast(_loaded_at as date) = date '{day}'"
    # TODO: delete the day's rows from raw.orders, then insert the day's rows of raw.orders_export (exercise 17.1)
    raise NotImplementedError("delete the day's rows from raw.orders, then insert the day's rows of raw.orders_export (exercise 17.1)")


def load_orders_for_day(day: str) -> int:
    """Run ``day_load_sql(day)`` in one transaction; how many rows of that day raw.orders then holds."""
    statements = day_load_sql(day)
    count = f"select count(*) from raw.orders where cast(_loaded_at as date) = date '{date.fromisoformat(day)}'"
    if os.environ.get("FERNHILL_DBT_TARGET", "dev") == "pg":
        import psycopg2

        conn = psycopg2.connect(
            host=os.environ.get("FERNHILL_PG_HOST", "localhost"),
            port=int(os.environ.get("FERNHILL_PG_PORT", "5432")),
            user=os.environ.get("FERNHILL_PG_USER", "postgres"),
            password=os.environ.get("FERNHILL_PG_PASSWORD", ""),
            dbname=os.environ.get("FERNHILL_PG_DBNAME", "postgres"),
        )
        try:
            with conn, conn.cursor() as cur:  # one transaction: all statements, or none
                for statement in statements:
                    cur.execute(statement)
                cur.execute(count)
                return int(cur.fetchone()[0])
        finally:
            conn.close()
    import duckdb

    with duckdb.connect(os.environ.get("FERNHILL_DUCKDB_PATH", "fernhill.duckdb")) as con:
        con.execute("begin transaction")
        for statement in statements:
            con.execute(statement)
        con.execute("commit")
        return int(con.execute(count).fetchone()[0])
