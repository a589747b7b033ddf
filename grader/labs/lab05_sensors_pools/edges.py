"""The edges of lab 05's graded rules, and which grading inputs sit on, below and above each.

The rules are applied to inputs the grader chooses (probes.py): the files the custom sensor is
poked on, and what the world does while each DAG runs. ``coverage`` counts those inputs at every
edge; tests/test_edges.py fails when a count is 0.

    python -m grader.labs.lab05_sensors_pools.edges    # prints the table
"""

from __future__ import annotations

from grader.labs.edges import Edge, table
from grader.labs.lab05_sensors_pools import probes


def _rows(call: dict) -> int | None:
    """The order rows of the file a poke reads (None: no file)."""
    name = call["kwargs"]["path"].rsplit("/", 1)[-1]
    text = probes.PROBE_FILES.get(name)
    return None if text is None else len(text.splitlines()) - 1


def coverage(calls: list[dict] | None = None, runs: list[dict] | None = None) -> list[Edge]:
    calls = probes.CALLS if calls is None else calls
    runs = probes.runs() if runs is None else runs
    pokes = [_rows(c) for c in calls if c.get("method") == "poke"]
    landing: list[dict] = next((r["world"]["files"] for r in runs if r["id"] == "landing_day"), [])
    health: list[str] = next((r["world"]["health"] for r in runs if r["id"] == "supplier_day"), [])
    sql = " ".join(s["sql"] for r in runs if r["id"] == "batch_day" for s in r["world"]["sql"])
    reporting = [r for r in runs if r["dag_id"] == "fernhill_reporting"]
    return [
        Edge(
            "OrderBatchSensor: done from min_rows order rows on, the header not counted",
            ("unit.batch_sensor_is_done_from_min_rows_on", "unit.batch_sensor_waits_for_a_missing_or_empty_file"),
            {
                "one row below min_rows": sum(n == probes.MIN_ROWS - 1 for n in pokes if n is not None),
                "on min_rows": sum(n == probes.MIN_ROWS for n in pokes if n is not None),
                "above min_rows": sum(n is not None and n > probes.MIN_ROWS for n in pokes),
                "a header only": sum(n == 0 for n in pokes),
                "no file": sum(n is None for n in pokes),
            },
        ),
        Edge(
            "the landing file: missing at first, then there but short of min_rows, then complete",
            ("integration.landing_waits_for_the_full_batch", "integration.reschedule_mode_gives_the_slot_back"),
            {
                "missing at the start": sum(f["after_s"] > 0 for f in landing[:1]),
                "there, below min_rows": sum(f["rows"] < probes.MIN_ROWS for f in landing),
                "there, complete": sum(f["rows"] >= probes.MIN_ROWS for f in landing),
            },
        ),
        Edge(
            "HttpSensor: 404 and 503 are 'not yet', a 200 is done only when it says ready",
            ("integration.supplier_sync_fetches_only_once_the_api_is_ready",),
            {
                "404": health.count("404"),
                "503": health.count("503"),
                "200, not ready": sum(not h.isdigit() and h != "ready" for h in health),
                "200, ready": health.count("ready"),
            },
        ),
        Edge(
            "SqlSensor: the row of {{ ds }}, and only once it is complete",
            ("integration.batch_is_published_only_when_complete",),
            {
                "another day's row, complete": int(f"'{probes.PREVIOUS_DAY}', 'complete'" in sql),
                "the day's row, loading": int(f"'{probes.DAY}', 'loading'" in sql),
                "the day's row, complete later": int("SET status = 'complete'" in sql),
            },
        ),
        Edge(
            "the cut-off, 30 minutes after the logical date: past, or still ahead (the sensor defers)",
            ("integration.report_waits_for_the_cutoff_and_the_landing_run", "integration.cutoff_defers_to_a_trigger"),
            {
                "already past": sum(r["logical_date"] != "now" for r in reporting),
                "ahead of the run": sum(
                    r["logical_date"] == "now" and r.get("now_offset_s", 0) + 30 * 60 > 0 for r in reporting
                ),
            },
        ),
    ]


if __name__ == "__main__":
    print(table(coverage()))
