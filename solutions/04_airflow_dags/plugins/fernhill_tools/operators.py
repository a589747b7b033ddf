"""A custom operator: fetch the suppliers through the hook and keep the day's copy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from airflow.sdk import BaseOperator

from fernhill_tools.hooks import SupplierApiHook


class SupplierFeedOperator(BaseOperator):
    """Writes `<out_dir>/suppliers_<day>.json` and returns how many suppliers there were (an XCom)."""

    # the arguments Airflow renders as Jinja templates before execute() runs
    # BEGIN SOLUTION: template_fields: day, since and out_dir (exercise 10.1)
    template_fields = ("day", "since", "out_dir")
    # END SOLUTION

    def __init__(self, *, day: str, since: str, out_dir: str, supplier_conn_id: str = "fernhill_supplier_api",
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.day, self.since, self.out_dir = day, since, out_dir
        self.supplier_conn_id = supplier_conn_id

    def execute(self, context: Any) -> int:
        # BEGIN SOLUTION: fetch with SupplierApiHook(self.supplier_conn_id).get_suppliers(since=self.since), write suppliers_<day>.json in out_dir, return the count (exercise 10.1)
        suppliers = SupplierApiHook(self.supplier_conn_id).get_suppliers(since=self.since)
        path = Path(self.out_dir) / f"suppliers_{self.day}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(suppliers, indent=1))
        return len(suppliers)
        # END SOLUTION
