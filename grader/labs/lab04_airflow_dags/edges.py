"""The edges of lab 04's graded rules, and which grading inputs sit on, below and above each.

Lab 04's rules are applied to inputs the grader chooses (probes.py): the rows given to
``orders_for_day``, the summaries given to ``choose_load``, the days given to ``iso_week``, the
scenarios of the DAG runs. ``coverage`` counts those inputs at every edge; tests/test_edges.py
fails when a count is 0.

    python -m grader.labs.lab04_airflow_dags.edges    # prints the table
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from grader.labs.edges import Edge, table
from grader.labs.lab04_airflow_dags import DAG_ID, GRADING_SCALE, GRADING_SEED, probes


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def coverage(calls: list[dict] | None = None, runs: list[dict] | None = None) -> list[Edge]:
    calls = probes.CALLS if calls is None else calls
    runs = runs if runs is not None else probes.runs(GRADING_SEED, GRADING_SCALE, DAG_ID)
    day_rows = next(c["args"][0] for c in calls if c["id"] == "orders_for_day")
    day = datetime.combine(date.fromisoformat(probes.DAY), datetime.min.time(), UTC)
    starts = [_utc(r["ordered_at"]) for r in day_rows]
    local = [r["ordered_at"][:10] for r in day_rows]
    summaries = [c["args"][0] for c in calls if c["function"] == "choose_load"]
    weeks = [c["args"][0] for c in calls if c["function"] == "iso_week"]
    ids = [r["order_id"] for r in day_rows]
    return [
        Edge(
            "orders_for_day: the orders of a UTC day, [00:00, next 00:00)",
            ("unit.orders_for_day_keeps_latest_loads_by_utc_day",),
            {
                "at 00:00 UTC of the day": sum(t == day for t in starts),
                "before the day": sum(t < day for t in starts),
                "at 00:00 UTC of the next day": sum(t == day + timedelta(days=1) for t in starts),
                "in the UTC day, the next day in local time": sum(
                    day <= t < day + timedelta(days=1) and d != probes.DAY for t, d in zip(starts, local, strict=True)
                ),
                "the next UTC day, the day itself in local time": sum(
                    t >= day + timedelta(days=1) and d == probes.DAY for t, d in zip(starts, local, strict=True)
                ),
            },
        ),
        Edge(
            "orders_for_day: the latest load of an order wins",
            ("unit.orders_for_day_keeps_latest_loads_by_utc_day",),
            {"orders delivered twice": len(ids) - len(set(ids))},
        ),
        Edge(
            "choose_load: load.write_summary when there are orders, else no_orders",
            ("unit.choose_load_names_the_branch_task",),
            {
                "0 orders": sum(s["orders"] == 0 for s in summaries),
                "1 order (the edge), none returned": sum(s["orders"] == 1 and s["returned"] == 0 for s in summaries),
                "more orders": sum(s["orders"] > 1 for s in summaries),
            },
        ),
        Edge(
            "iso_week: the ISO year, not the calendar year",
            ("unit.macro_gives_the_iso_week",),
            {
                "ISO year before the calendar year": sum(
                    date.fromisoformat(d).isocalendar().year < date.fromisoformat(d).year for d in weeks
                ),
                "ISO year after the calendar year": sum(
                    date.fromisoformat(d).isocalendar().year > date.fromisoformat(d).year for d in weeks
                ),
                "the same year": sum(
                    date.fromisoformat(d).isocalendar().year == date.fromisoformat(d).year for d in weeks
                ),
            },
        ),
        Edge(
            "a run per kind of day: busy, quiet (no orders), raw data missing",
            ("integration.quiet_day_takes_the_placeholder_branch", "integration.a_failure_fires_the_callback"),
            {
                "busy day": sum(r["id"] == "busy_day" for r in runs),
                "quiet day": sum(r["id"] == "quiet_day" for r in runs),
                "raw data missing": sum(r.get("data") == "missing" for r in runs),
            },
        ),
    ]


if __name__ == "__main__":
    print(table(coverage()))
