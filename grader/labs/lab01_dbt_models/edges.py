"""The edges of lab 01's graded rules, and how many grading rows sit on, below and above each.

A rule's edge is where a plausible mistake changes the result: `>` written for `>=`, a local date
taken for the UTC one, an inner join that drops customers without orders. If the grading data
has no row there, the wrong rule scores as the right one. ``coverage`` counts the rows of the
grading data (the grading seed) at every edge; tests/test_edges.py fails when a count is 0.

    python -m grader.labs.lab01_dbt_models.edges    # prints the table
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from grader.labs.edges import Edge, table
from grader.labs.lab01_dbt_models import GRADING_SCALE, GRADING_SEED
from grader.labs.lab01_dbt_models.expected import Expected, expected, to_utc

NEAR = Decimal(100)  # "just below" and "just above" a revenue threshold: within 100.00
SEGMENTS = "integration.python_model_segments_customers"
REVENUE = "e2e.revenue_matches_the_raw_data"


def coverage(e: Expected | None = None) -> list[Edge]:
    """The edges, counted on ``e`` (default: the grading data)."""
    e = e or expected(GRADING_SEED, GRADING_SCALE)
    count = Counter(int(o["customer_id"]) for o in e.orders_build.values())
    revenue = e.lifetime_revenue
    people = [int(c) for c in e.customers]
    returned: Counter[int] = Counter()
    for order in e.orders_build.values():
        if order["status"] == "returned":
            returned[int(order["customer_id"])] += 1
    returned_totals = {
        c: sum(
            (
                e.order_totals.get(oid, Decimal(0))
                for oid, o in e.orders_build.items()
                if int(o["customer_id"]) == c and o["status"] == "returned"
            ),
            Decimal(0),
        )
        for c in returned
    }
    ordered = [to_utc(str(o["ordered_at"])) for o in e.orders_build.values()]
    local_days = [str(o["ordered_at"])[:10] for o in e.orders_build.values()]
    return [
        Edge(
            "customers without orders get 0 orders and 0 revenue (prospect)",
            (REVENUE, SEGMENTS),
            {"no orders": sum(count[c] == 0 for c in people), "some orders": sum(count[c] > 0 for c in people)},
        ),
        Edge(
            "vip when lifetime_revenue >= 1000",
            (SEGMENTS,),
            {
                "below (1000 - 100 .. 999.99)": sum(1000 - NEAR <= revenue[c] < 1000 for c in people if count[c]),
                "on (1000.00)": sum(revenue[c] == 1000 for c in people if count[c]),
                "above (1000.01 .. 1100)": sum(1000 < revenue[c] <= 1000 + NEAR for c in people if count[c]),
            },
        ),
        Edge(
            "regular when order_count >= 5 (below 1000 revenue)",
            (SEGMENTS,),
            {f"{n} orders": sum(count[c] == n and revenue[c] < 1000 for c in people) for n in (4, 5, 6)},
        ),
        Edge(
            "a returned order counts 0 revenue: it decides a segment",
            (REVENUE, SEGMENTS),
            {
                "returned orders": sum(returned.values()),
                "vip only if returns counted": sum(
                    revenue[c] < 1000 <= revenue[c] + returned_totals[c] for c in returned
                ),
            },
        ),
        Edge(
            "timestamps in UTC: an order's day is its UTC day",
            ("e2e.staging_deduplicates_and_converts_to_utc",),
            {
                "local day is not the UTC day": sum(
                    day != utc.strftime("%Y-%m-%d") for day, utc in zip(local_days, ordered, strict=True)
                ),
                "at 00:00:00 UTC": sum((t.hour, t.minute, t.second) == (0, 0, 0) for t in ordered),
            },
        ),
        Edge(
            "the latest delivery of a key wins",
            ("e2e.staging_deduplicates_and_converts_to_utc", "unit.exploration_analysis_finds_duplicate_orders"),
            {"orders loaded twice": len(e.raw_order_duplicates)},
        ),
        Edge(
            "incremental: late rows and updated statuses merge on the second run",
            ("integration.incremental_run_merges_late_and_updated_orders",),
            {"late orders": len(e.late_order_ids), "updated statuses": len(e.updated_statuses)},
        ),
    ]


if __name__ == "__main__":
    print(table(coverage()))
