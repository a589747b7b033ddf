"""Your tests for the daily order pipeline, one or more per tier (exercise 18.1).

The grader runs them against a correct pipeline (they must pass) and against broken ones, one
bug each: a DAG file that no longer imports, tasks wired in the wrong order, a wrong count, the
join's trigger rule, a summary file missing its day. A test earns its keep by failing on a bug.
"""

from __future__ import annotations

import json

from include.fernhill import orders as logic

DAG_ID = "fernhill_orders_daily"
BUSY_DAY = "2025-01-12T06:00:00+01:00"  # a day with orders in the seed-42 data
QUIET_DAY = "2026-06-01T06:00:00+02:00"  # after the data ends: no orders


def test_validation_dag_files_import(dagbag):
    """Validation: every file in dags/ imports, and the pipeline's DAG is there."""
    # BEGIN SOLUTION: assert dagbag.import_errors is empty and DAG_ID is in dagbag.dags
    assert not dagbag.import_errors, dagbag.import_errors
    assert DAG_ID in dagbag.dags
    # END SOLUTION


def test_definition_tasks_and_order(dagbag):
    """Definition: the tasks, and which task runs after which."""
    # BEGIN SOLUTION: the DAG's task ids; extract_orders before summarize, load.write_summary before load.announce, choose_load before both branches
    dag = dagbag.dags[DAG_ID]
    assert set(dag.task_ids) == {"start", "extract_orders", "summarize", "choose_load", "no_orders",
                                 "load.write_summary", "load.announce", "end"}
    assert dag.get_task("summarize").upstream_task_ids == {"extract_orders"}
    assert dag.get_task("load.announce").upstream_task_ids == {"load.write_summary"}
    assert dag.get_task("choose_load").downstream_task_ids == {"no_orders", "load.write_summary"}
    # END SOLUTION


def test_unit_summarize_and_choose_load():
    """Unit: the logic in include/, called directly, without Airflow."""
    # BEGIN SOLUTION: summarize counts orders and returned ones; choose_load picks the branch for busy and quiet days
    orders = [{"status": "returned"}, {"status": "completed"}, {"status": "returned"}]
    assert logic.summarize(orders) == {"orders": 3, "returned": 2}
    assert logic.summarize([]) == {"orders": 0, "returned": 0}
    assert logic.choose_load({"orders": 3, "returned": 2}) == "load.write_summary"
    assert logic.choose_load({"orders": 0, "returned": 0}) == "no_orders"
    # END SOLUTION


def test_integration_quiet_day_takes_the_placeholder(run_dag):
    """Integration: a real run on a day without orders skips the load group and still ends well."""
    # BEGIN SOLUTION: run_dag(DAG_ID, QUIET_DAY): no_orders success, load.write_summary skipped, end success
    run = run_dag(DAG_ID, QUIET_DAY)
    assert run.states["no_orders"] == "success"
    assert run.states["load.write_summary"] == "skipped"
    assert run.states["end"] == "success"
    # END SOLUTION


def test_e2e_busy_day_writes_its_summary(run_dag):
    """E2E: a real run on a busy day succeeds and writes summary_<day>.json with the day's counts."""
    # BEGIN SOLUTION: run_dag(DAG_ID, BUSY_DAY) succeeds; summary_2025-01-12.json holds the day and orders > 0
    run = run_dag(DAG_ID, BUSY_DAY)
    assert run.state == "success", run.states
    summary = json.loads((run.out_dir / "summary_2025-01-12.json").read_text())
    assert summary["day"] == "2025-01-12"
    assert summary["orders"] > 0
    assert 0 <= summary["returned"] <= summary["orders"]
    # END SOLUTION
