"""A hook: how to reach the supplier API, with the credentials of an Airflow connection."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from airflow.sdk import BaseHook


class SupplierApiHook(BaseHook):
    """Talks to Fernhill's supplier API. Where it is and the token come from the connection
    `fernhill_supplier_api` (in tests: the environment variable AIRFLOW_CONN_FERNHILL_SUPPLIER_API),
    never from code."""

    conn_name_attr = "supplier_conn_id"
    default_conn_name = "fernhill_supplier_api"
    conn_type = "http"
    hook_name = "Fernhill supplier API"

    def __init__(self, supplier_conn_id: str = default_conn_name) -> None:
        super().__init__()
        self.supplier_conn_id = supplier_conn_id

    def get_suppliers(self, since: str | None = None) -> list[dict[str, Any]]:
        """GET /suppliers (?since=YYYY-MM-DD) with the connection's password as a bearer token."""
        # TODO: read the connection, build http://host:port/suppliers?since=..., send the password as "Authorization: Bearer ...", return the JSON (exercise 9.1)
        raise NotImplementedError('read the connection, build http://host:port/suppliers?since=..., send the password as "Authorization: Bearer ...", return the JSON (exercise 9.1)')
