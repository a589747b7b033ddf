"""The edges of lab 02's graded rules, and how many grading rows sit on each side.

A window of 7 days holds the day and the 6 before; a month-to-date restarts on the 1st; a day
without orders still has a running total, a weekly count and no revenue to grow from. If the
grading data held nothing on the edge, a window one day off would score as the right one.
``coverage`` counts them on the grading seed's data; tests/test_edges.py fails on a 0.

    python -m grader.labs.lab02_semantic_layer.edges    # prints the table
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from grader.datagen.semantic import QUIET_DAYS
from grader.labs.edges import Edge, table
from grader.labs.lab02_semantic_layer import GRADING_SEED
from grader.labs.lab02_semantic_layer.expected import REGION, WINDOW_DAYS, Shop, shop
from grader.labs.lab02_semantic_layer.queries import FILTER_REGION


def _nearest_visit_gaps(data: Shop) -> list[int]:
    """For each order, the days since the customer's latest visit on or before the order's day (14 or less)."""
    visits: dict[int, list[date]] = defaultdict(list)
    for s in data.sessions:
        visits[s["customer"]].append(s["day"])
    gaps = []
    for order in data.orders.values():
        before = [(order["day"] - v).days for v in visits[order["customer"]] if 0 <= (order["day"] - v).days <= 14]
        if before:
            gaps.append(min(before))
    return gaps


def _last_order_gaps(data: Shop) -> list[int]:
    """For each (day, customer who ordered before): the days since that customer's latest order up to the day."""
    by_customer: dict[int, set[date]] = defaultdict(set)
    for order in data.orders.values():
        by_customer[order["customer"]].add(order["day"])
    gaps = []
    for day in data.days:
        for days in by_customer.values():
            earlier = [(day - d).days for d in days if 0 <= (day - d).days <= 14]
            if earlier:
                gaps.append(min(earlier))
    return gaps


def coverage(seed: int = GRADING_SEED) -> list[Edge]:
    data = shop(seed)
    visit_gaps = _nearest_visit_gaps(data)
    order_gaps = _last_order_gaps(data)
    quiet = [QUIET_DAYS[0] + timedelta(days=i) for i in range((QUIET_DAYS[1] - QUIET_DAYS[0]).days + 1)]
    order_days = {o["day"] for o in data.orders.values()}
    return [
        Edge(
            "conversion within 7 days: an order on the visit's day or the 6 after converts, 7 days after does not",
            ("integration.visits_convert_to_orders_within_7_days",),
            {
                "order on the visit's day": visit_gaps.count(0),
                "order 6 days after the latest visit": visit_gaps.count(WINDOW_DAYS - 1),
                "order exactly 7 days after the latest visit": visit_gaps.count(WINDOW_DAYS),
            },
        ),
        Edge(
            "weekly active customers: an order 6 days before the day counts, 7 days before does not",
            ("integration.weekly_active_customers_look_back_7_days",),
            {
                "latest order 6 days before": order_gaps.count(WINDOW_DAYS - 1),
                "latest order 7 days before": order_gaps.count(WINDOW_DAYS),
            },
        ),
        Edge(
            "days without orders: the running total stays, the window still counts, growth has no base",
            (
                "integration.running_total_adds_up_every_day",
                "integration.weekly_active_customers_look_back_7_days",
                "integration.revenue_growth_compares_with_7_days_before",
                "validation.time_spine_covers_every_day_of_the_data",
            ),
            {
                "quiet days": sum(d not in order_days for d in quiet),
                "days 7 after a quiet day with orders": sum(d + timedelta(days=7) in order_days for d in quiet),
            },
        ),
        Edge(
            "month to date restarts on the 1st; at month grain it is the last day's value",
            ("integration.month_to_date_starts_again_each_month",),
            {
                "orders on a 1st": sum(o["day"].day == 1 for o in data.orders.values()),
                "orders on a month's last day": sum(
                    (o["day"] + timedelta(days=1)).day == 1 for o in data.orders.values()
                ),
            },
        ),
        Edge(
            "an order's day is its UTC day, also across a month boundary",
            ("integration.orders_count_every_order_once", "integration.simple_metrics_sum_revenue_and_cost"),
            {
                "orders written in another month than their UTC day": sum(
                    o["written"][5:7] != o["day"].isoformat()[5:7] for o in data.orders.values()
                ),
                "orders written on another day than their UTC day": sum(
                    o["written"][:10] != o["day"].isoformat() for o in data.orders.values()
                ),
            },
        ),
        Edge(
            f"the where filter keeps the customers of {FILTER_REGION}, in several countries",
            ("e2e.where_filter_keeps_one_region",),
            {
                f"lines of {FILTER_REGION}": sum(data.region(line.customer) == FILTER_REGION for line in data.lines),
                "lines of other regions": sum(data.region(line.customer) != FILTER_REGION for line in data.lines),
                f"countries of {FILTER_REGION} with orders, beyond one": len(
                    {
                        str(data.customers[line.customer]["country_code"])
                        for line in data.lines
                        if REGION[str(data.customers[line.customer]["country_code"])] == FILTER_REGION
                    }
                )
                - 1,
            },
        ),
        Edge(
            "a country's population on a day: the figure valid then, valid_from <= day < valid_to (open: no valid_to)",
            ("e2e.metrics_group_by_dimensions_of_other_models",),
            {
                "visits under a closed figure (a later one exists)": sum(
                    s["day"].year < max(y for (_, y) in data.population) for s in data.sessions
                ),
                "visits under the latest, open figure": sum(
                    s["day"].year >= max(y for (_, y) in data.population) for s in data.sessions
                ),
            },
        ),
        Edge(
            "a returned order counts as an order, with revenue and cost 0",
            ("integration.simple_metrics_sum_revenue_and_cost", "integration.dimensions_group_the_metrics"),
            {
                "returned orders": sum(o["status"] == "returned" for o in data.orders.values()),
                "other orders": sum(o["status"] != "returned" for o in data.orders.values()),
            },
        ),
    ]


if __name__ == "__main__":
    print(table(coverage()))
