"""What the sandbox job does with the learner's lab: functions called with chosen inputs, DAG runs.

Inputs are chosen so plausible mistakes show: an order loaded twice, offsets that move an order
across midnight in UTC, a quiet day with no orders, a day whose raw data is missing.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from grader.labs.lab04_airflow_dags.expected import busiest_days, warehouse_days
from grader.sandbox.extensions.dbt_warehouse import SNAPSHOT_NAME, staged_project

ORDERS = "include.fernhill.orders"
MACROS = "fernhill_tools.macros"
HOOKS = "fernhill_tools.hooks"
BACKFILL = "include.fernhill.backfill"
DAY = "2025-03-02"
SUPPLIER_DAG_ID = "fernhill_supplier_feed"
# ISO weeks where the ISO year is not the calendar year: the cases a strftime("%Y-W%W") gets wrong
ISO_WEEKS = {"2025-03-02": "2025-W09", "2025-12-29": "2026-W01", "2027-01-01": "2026-W53", "2026-01-05": "2026-W02"}
SINCE = "2025-02-23"
WAREHOUSE_DAG_ID = "fernhill_warehouse_daily"


def _row(order_id: int, ordered_at: str, status: str, loaded_at: str) -> dict[str, str]:
    return {
        "order_id": str(order_id),
        "customer_id": "7",
        "ordered_at": ordered_at,
        "status": status,
        "_loaded_at": loaded_at,
    }


ROWS = [
    _row(1, "2025-03-02T10:00:00+01:00", "placed", "2025-03-02 10:05:00"),
    _row(1, "2025-03-02T10:00:00+01:00", "shipped", "2025-03-03 08:00:00"),  # re-delivered: the latest wins
    _row(2, "2025-03-03T00:30:00+01:00", "completed", "2025-03-03 01:00:00"),  # 23:30 UTC on the 2nd
    _row(3, "2025-03-02T23:30:00-02:00", "returned", "2025-03-03 02:00:00"),  # 01:30 UTC on the 3rd
    _row(4, "2025-03-01T12:00:00Z", "completed", "2025-03-01 13:00:00"),
    _row(5, "2025-03-02T00:00:00Z", "returned", "2025-03-02 01:00:00"),
    _row(6, "2025-03-02T23:00:00-01:00", "placed", "2025-03-03 01:00:00"),  # 00:00 UTC on the 3rd: out
]
# what the day's orders are, by the rules: ids 1 (shipped), 2 and 5
EXPECTED_DAY = {"ids": ["1", "2", "5"], "status_of_1": "shipped"}

CALLS: list[dict] = [
    {"id": "orders_for_day", "module": ORDERS, "function": "orders_for_day", "args": [ROWS, DAY]},
    {
        "id": "summarize",
        "module": ORDERS,
        "function": "summarize",
        "args": [
            [
                {"order_id": "1", "status": "returned"},
                {"order_id": "2", "status": "completed"},
                {"order_id": "3", "status": "returned"},
                {"order_id": "4", "status": "placed"},
            ]
        ],
    },
    {"id": "summarize_empty", "module": ORDERS, "function": "summarize", "args": [[]]},
    {"id": "choose_load_busy", "module": ORDERS, "function": "choose_load", "args": [{"orders": 3, "returned": 1}]},
    {"id": "choose_load_quiet", "module": ORDERS, "function": "choose_load", "args": [{"orders": 0, "returned": 0}]},
    # one order and none returned: the edge of "when there are orders"
    {"id": "choose_load_one", "module": ORDERS, "function": "choose_load", "args": [{"orders": 1, "returned": 0}]},
    *({"id": f"iso_week_{day}", "module": MACROS, "function": "iso_week", "args": [day]} for day in ISO_WEEKS),
    # the hook made as a DAG would make it, against the stand-in API, its token only in the connection
    {
        "id": "hook_get_suppliers",
        "module": HOOKS,
        "function": "SupplierApiHook",
        "method": "get_suppliers",
        "method_kwargs": {"since": SINCE},
    },
]


def _shift(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def runs(seed: int, scale: float, dag_id: str) -> list[dict]:
    busy, second = busiest_days(seed, scale)
    # the backfill's window is the three days around the failed one: none of them the busy day
    assert busy not in {_shift(second, -1), second, _shift(second, 1)}, "the backfill window holds the busy day"
    day, bad_day = warehouse_days(seed, scale)
    return [
        # 06:00 in Amsterdam is 05:00 UTC: the logical date's day is the same in both
        {"id": "busy_day", "dag_id": dag_id, "logical_date": f"{busy}T06:00:00+01:00", "day": busy},
        {"id": "quiet_day", "dag_id": dag_id, "logical_date": "2026-06-01T06:00:00+02:00", "day": "2026-06-01"},
        {
            "id": "missing_data",
            "dag_id": dag_id,
            "logical_date": f"{second}T06:00:00+01:00",
            "day": second,
            "data": "missing",
        },
        # the supplier feed: a day the API answers, then a day it is down (the Slack notifier posts)
        {
            "id": "supplier_day",
            "dag_id": SUPPLIER_DAG_ID,
            "logical_date": "2025-03-02T05:00:00+01:00",
            "day": "2025-03-02",
        },
        # the Airflow 2 DAG, migrated: it must run in Airflow 3
        {
            "id": "weekly_report",
            "dag_id": "fernhill_weekly_report",
            "logical_date": "2025-03-02T12:00:00+00:00",
            "day": "2025-03-02",
        },
        {
            "id": "supplier_api_down",
            "dag_id": SUPPLIER_DAG_ID,
            "logical_date": "2025-03-03T05:00:00+01:00",
            "day": "2025-03-03",
            "supplier_api": "down",
        },
        # the day before the failed one succeeds: the backfill must leave it alone
        {
            "id": "day_before_missing",
            "dag_id": dag_id,
            "logical_date": f"{_shift(second, -1)}T06:00:00+01:00",
            "day": _shift(second, -1),
        },
        # the dbt project built by a DAG: a day, the same day again, and a delivery that breaks a dbt test
        *(
            {
                "id": run_id,
                "dag_id": WAREHOUSE_DAG_ID,
                "logical_date": f"{d}T06:30:00+01:00",
                "day": d,
                "warehouse": True,
            }
            for run_id, d in (("warehouse_day", day), ("warehouse_day_again", day))
        ),
        {
            "id": "warehouse_bad_delivery",
            "dag_id": WAREHOUSE_DAG_ID,
            "logical_date": f"{bad_day}T06:30:00+01:00",
            "day": bad_day,
            "warehouse": True,
            "forced_failure": True,
        },
    ]


def backfill_plan(seed: int, scale: float, dag_id: str) -> dict[str, Any]:
    """The learner's backfill command over the failed day's window (see grader/sandbox/extensions/backfill.py)."""
    second = busiest_days(seed, scale)[1]
    return {
        "module": BACKFILL,
        "function": "backfill_command",
        "dag_id": dag_id,
        "from_date": _shift(second, -1),
        # Airflow's --to-date is a moment: midnight after the last day keeps that day's 06:00 run in
        "to_date": _shift(second, 2),
        "succeeded_day": _shift(second, -1),
        "failed_day": second,
        "missing_day": _shift(second, 1),
    }


def warehouse_plan(reference_project: Path, seed: int, scale: float) -> dict[str, Any]:
    """The reference lab 01 project and the orders snapshot, staged: graded whatever the learner's lab 01 holds."""
    day, bad_day = warehouse_days(seed, scale)
    files = staged_project(reference_project)
    files.setdefault("selectors.yml", GRADED_SELECTION)
    return {"project_files": files, "day": day, "bad_day": bad_day}


# What the checks read is the orders mart and the orders snapshot: a DAG's plain `dbt build` builds
# them, everything they are made from, and their tests (the source's not_null on order_id among
# them), not the marts no check reads. dbt applies a default selector only when a command selects
# nothing itself, so a DAG's own --select still wins. A build took 3.8 s instead of 5.2 s.
GRADED_SELECTION = f"""selectors:
  - name: what_lab_04_reads
    default: true
    definition:
      union:
        - method: fqn
          value: orders
          parents: true
          indirect_selection: cautious
        - method: fqn
          value: {SNAPSHOT_NAME}
          parents: true
          indirect_selection: cautious
"""


# The learner's own tests (tests/) run against the grader's copy of the order pipeline, then against
# copies with one bug each: each mutant names the tier of test that should catch it.
PIPELINE_FILES = (
    "dags/fernhill_orders_daily.py",
    "include/fernhill/__init__.py",
    "include/fernhill/orders.py",
    "include/fernhill/alerts.py",
)
MUTANTS: list[dict[str, Any]] = [
    {
        "id": "validation",
        "what": "a DAG file that no longer imports (an Airflow 2 import left in)",
        "edits": [
            {
                "file": "dags/fernhill_orders_daily.py",
                "find": "from airflow.sdk import TaskGroup, Variable, dag, task\n",
                "replace": "from airflow.sdk import TaskGroup, Variable, dag, task\n"
                "from airflow.operators.dummy import DummyOperator\n",
            }
        ],
    },
    {
        "id": "definition",
        "what": "announce wired before write_summary",
        "edits": [
            {
                "file": "dags/fernhill_orders_daily.py",
                "find": "        write_summary >> announce\n",
                "replace": "        announce >> write_summary\n",
            }
        ],
    },
    {
        "id": "unit",
        "what": "summarize counting every order as returned",
        "edits": [
            {
                "file": "include/fernhill/orders.py",
                "find": 'sum(1 for o in orders if o["status"] == "returned")',
                "replace": "len(orders)",
            }
        ],
    },
    {
        "id": "integration",
        "what": "the join end left on the default trigger rule all_success",
        "edits": [
            {
                "file": "dags/fernhill_orders_daily.py",
                "find": 'end = EmptyOperator(task_id="end", trigger_rule="none_failed_min_one_success")',
                "replace": 'end = EmptyOperator(task_id="end")',
            }
        ],
    },
    {
        "id": "e2e",
        "what": "the summary file written without its day",
        "edits": [
            {
                "file": "include/fernhill/orders.py",
                "find": 'json.dumps({"day": day, **summary}, sort_keys=True)',
                "replace": "json.dumps(summary, sort_keys=True)",
            }
        ],
    },
]


def learner_tests_plan(reference_lab: Path) -> dict:
    """The reference pipeline's files and the mutants; every mutant's `find` must match exactly once."""
    files = {name: (reference_lab / name).read_text() for name in PIPELINE_FILES}
    for mutant in MUTANTS:
        for edit in mutant["edits"]:
            found = files[edit["file"]].count(edit["find"])
            assert found == 1, f"mutant {mutant['id']}: {edit['find']!r} found {found} times in {edit['file']}"
    return {"reference": files, "mutants": [{"id": m["id"], "edits": m["edits"]} for m in MUTANTS], "data_seed": 42}
