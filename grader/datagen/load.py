"""The extract-and-load step that happens before dbt: CSV files into the warehouse's ``raw`` schema.

dbt only transforms data that is already in the warehouse; this module plays the part of the
loading tool (Fivetran, Airbyte, a cron job) so every lab starts from the same raw tables.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

# Raw column types as the source systems deliver them: timestamps with offsets stay text,
# money stays integer cents, the loader stamps _loaded_at in UTC.
RAW_TYPES: dict[str, dict[str, str]] = {
    "customers": {
        "customer_id": "BIGINT",
        "first_name": "VARCHAR",
        "last_name": "VARCHAR",
        "email": "VARCHAR",
        "country_code": "VARCHAR",
        "signed_up_at": "VARCHAR",
        "_loaded_at": "TIMESTAMP",
    },
    "products": {
        "product_id": "BIGINT",
        "product_name": "VARCHAR",
        "category": "VARCHAR",
        "unit_price_cents": "BIGINT",
        "unit_cost_cents": "BIGINT",
        "supplier_id": "BIGINT",
    },
    "orders": {
        "order_id": "BIGINT",
        "customer_id": "BIGINT",
        "ordered_at": "VARCHAR",
        "status": "VARCHAR",
        "_loaded_at": "TIMESTAMP",
    },
    "order_items": {
        "order_item_id": "BIGINT",
        "order_id": "BIGINT",
        "product_id": "BIGINT",
        "quantity": "BIGINT",
        "unit_price_cents": "BIGINT",
        "_loaded_at": "TIMESTAMP",
    },
    "payments": {
        "payment_id": "BIGINT",
        "order_id": "BIGINT",
        "payment_method": "VARCHAR",
        "amount_cents": "BIGINT",
        "_loaded_at": "TIMESTAMP",
    },
    "web_sessions": {"session_id": "BIGINT", "customer_id": "BIGINT", "started_at": "TIMESTAMP", "channel": "VARCHAR"},
    "country_population": {"country_code": "VARCHAR", "year": "INTEGER", "population": "BIGINT"},
}


def load_duckdb(database: Path, folder: Path, *, schema: str = "raw", append: bool = False) -> dict[str, int]:
    """Load every known CSV of ``folder`` into ``schema``; returns rows loaded per table."""
    loaded: dict[str, int] = {}
    con = duckdb.connect(str(database))
    try:
        con.execute(f"create schema if not exists {schema}")
        for table, types in RAW_TYPES.items():
            path = Path(folder) / f"{table}.csv"
            if not path.exists():
                continue
            columns = ", ".join(f"'{name}': '{kind}'" for name, kind in types.items())
            select = f"select * from read_csv('{path.as_posix()}', header=true, columns={{{columns}}})"
            if append:
                con.execute(f"insert into {schema}.{table} {select}")
            else:
                con.execute(f"create or replace table {schema}.{table} as {select}")
            loaded[table] = len(path.read_text().splitlines()) - 1
    finally:
        con.close()
    return loaded
