"""Lab 02's data: the shop of labs 01 and 04, with quiet days, visits on the conversion window's edge, a new figure.

Random orders fall on every day, so a day without orders (where a 7-day window still has a value,
a running total stays flat, and revenue 7 days later has nothing to grow from) never happens by
chance. The generator's visits are 0, 1, 3, 6, 9 or 12 days before a purchase; the planted ones
below sit on the window's edge for customers who have no other visit near that purchase. And the
population figures end with 2024: one for 2025 makes December's visits and the 2025 orders take
different figures, through the natural entity's validity window.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

from grader.datagen.generate import Dataset, Row, generate

QUIET_DAYS = (date(2025, 4, 14), date(2025, 4, 16))  # inclusive, UTC: nobody ordered on these days
NEW_FIGURE_YEAR = 2025  # a population figure for the year of the orders: December 2024's visits keep 2024's

# (days before the purchase, hour) of each planted visit: 6 days is inside a 7-day window, 7 is not
EDGE_VISITS = ((6, 23), (7, 1), (6, 0), (7, 22))


def _ordered_day(order: Row) -> date:
    """The UTC day of an order, whatever offset its timestamp was written with."""
    return datetime.fromisoformat(str(order["ordered_at"]).replace("Z", "+00:00")).astimezone(UTC).date()


def generate_semantic(seed: int = 42, scale: float = 1.0) -> Dataset:
    data = generate(seed=seed, scale=scale)
    b1 = dict(data.batch_1)
    first, last = QUIET_DAYS
    quiet = {o["order_id"] for o in b1["orders"] if first <= _ordered_day(o) <= last}
    b1["orders"] = [o for o in b1["orders"] if o["order_id"] not in quiet]
    b1["order_items"] = [i for i in b1["order_items"] if i["order_id"] not in quiet]
    b1["payments"] = [p for p in b1["payments"] if p["order_id"] not in quiet]
    b1["web_sessions"] = _with_edge_visits(b1["web_sessions"], b1["orders"])
    b1["country_population"] = b1["country_population"] + _next_figures(b1["country_population"])
    return dataclasses.replace(data, batch_1=b1)


def _next_figures(population: list[Row]) -> list[Row]:
    """Each country's figure for NEW_FIGURE_YEAR, grown from its latest one as the generator grows them.

    The visits of December 2024 then fall in a closed validity window (2024's figure, valid until
    1 January 2025) and everything after in the open one: both sides of the natural entity's join.
    """
    latest: dict[str, Row] = {}
    for row in population:
        if row["country_code"] not in latest or row["year"] > latest[row["country_code"]]["year"]:
            latest[row["country_code"]] = row
    return [
        {"country_code": code, "year": NEW_FIGURE_YEAR, "population": round(row["population"] * 1.004)}
        for code, row in sorted(latest.items())
        if row["year"] < NEW_FIGURE_YEAR
    ]


def _with_edge_visits(sessions: list[Row], orders: list[Row]) -> list[Row]:
    """A visit exactly 6 or 7 days before a purchase, for customers with no visit in the 14 days before it."""
    visits: dict[object, list[date]] = {}
    for s in sessions:
        visits.setdefault(s["customer_id"], []).append(date.fromisoformat(str(s["started_at"])[:10]))
    planted: list[Row] = []
    seen: set[object] = set()
    for order in sorted(orders, key=lambda o: int(o["order_id"])):
        if len(planted) == len(EDGE_VISITS):
            break
        day, customer = _ordered_day(order), order["customer_id"]
        if customer in seen or any(0 <= (day - v).days <= 14 for v in visits.get(customer, [])):
            continue
        days_before, hour = EDGE_VISITS[len(planted)]
        started = datetime.combine(day - timedelta(days=days_before), datetime.min.time()) + timedelta(hours=hour)
        planted.append({"customer_id": customer, "started_at": f"{started:%Y-%m-%d %H:%M:%S}", "channel": "email"})
        seen.add(customer)
    next_id = max(int(s["session_id"]) for s in sessions) + 1
    return sessions + [{"session_id": next_id + i, **row} for i, row in enumerate(planted)]
