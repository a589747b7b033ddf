"""The command an on-call engineer runs after an incident: rerun what failed, fill what never ran."""

from __future__ import annotations


def backfill_command(dag_id: str, start: str, end: str) -> str:
    """The Airflow 3 command that backfills ``dag_id`` for the logical dates from ``start`` to ``end``.

    Dates that never ran get a run; dates whose run failed are run again; dates whose run
    succeeded are left alone. The scheduler runs what the command creates.
    """
    # BEGIN SOLUTION: airflow backfill create with --dag-id, --from-date, --to-date and --reprocess-behavior failed (exercise 8.1)
    return f"airflow backfill create --dag-id {dag_id} --from-date {start} --to-date {end} --reprocess-behavior failed"
    # END SOLUTION
