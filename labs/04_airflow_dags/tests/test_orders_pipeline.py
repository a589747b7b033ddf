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
    # TODO: assert dagbag.import_errors is empty and DAG_ID is in dagbag.dags
    raise NotImplementedError('assert dagbag.import_errors is empty and DAG_ID is in dagbag.dags')


def test_definition_tasks_and_order(dagbag):
    """Definition: the tasks, and which task runs after which."""
    # TODO: the DAG's task ids; extract_orders before summarize, load.write_summary before load.announce, choose_load before both branches
    raise NotImplementedError("the DAG's task ids; extract_orders before summarize, load.write_summary before load.announce, choose_load before both branches")


def test_unit_summarize_and_choose_load():
    """Unit: the logic in include/, called directly, without Airflow."""
    # TODO: summarize counts orders and returned ones; choose_load picks the branch for busy and quiet days
    raise NotImplementedError('summarize counts orders and returned ones; choose_load picks the branch for busy and quiet days')


def test_integration_quiet_day_takes_the_placeholder(run_dag):
    """Integration: a real run on a day without orders skips the load group and still ends well."""
    # TODO: run_dag(DAG_ID, QUIET_DAY): no_orders success, load.write_summary skipped, end success
    raise NotImplementedError('run_dag(DAG_ID, QUIET_DAY): no_orders success, load.write_summary skipped, end success')


def test_e2e_busy_day_writes_its_summary(run_dag):
    """E2E: a real run on a busy day succeeds and writes summary_<day>.json with the day's counts."""
    # TODO: run_dag(DAG_ID, BUSY_DAY) succeeds; summary_2025-01-12.json holds the day and orders > 0
    raise NotImplementedError('run_dag(DAG_ID, BUSY_DAY) succeeds; summary_2025-01-12.json holds the day and orders > 0')
