"""What lab 02's metric queries must return, computed in plain Python from the generated data.

Never through MetricFlow, nor the learner's marts: the rules below are the ones the notebook
states, applied to the raw rows (the latest delivery of each order and customer, order days in
UTC, revenue and cost 0 once an order is returned). Each function gives one request of
queries.py as {group key: value}; a key is a day, week or month as ``2025-03-01``, a category, ...
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property, lru_cache
from typing import Any

from grader.datagen import company as co
from grader.datagen.semantic import generate_semantic
from grader.labs.lab01_dbt_models.expected import latest, to_utc
from grader.labs.lab02_semantic_layer.queries import FILTER_REGION

# A window of N days holds the day itself and the N - 1 days before it (MetricFlow's rule for
# cumulative windows and conversion windows alike): an order exactly 7 days after a visit is out.
WINDOW_DAYS = 7
REGION = {c.code: c.region for c in co.COUNTRIES}


@dataclass(frozen=True)
class Line:
    day: date
    category: str
    customer: int
    revenue: Decimal
    cost: Decimal


def month(day: date) -> str:
    return day.replace(day=1).isoformat()


def week(day: date) -> str:
    return (day - timedelta(days=day.weekday())).isoformat()


class Shop:
    """The raw rows of one grading dataset, cleaned the way the lab's staging models clean them."""

    def __init__(self, seed: int) -> None:
        data = generate_semantic(seed=seed)
        b1 = data.batch_1
        self.orders = {
            int(k): {
                "customer": int(o["customer_id"]),
                "day": to_utc(str(o["ordered_at"])).date(),
                "status": o["status"],
                "written": str(o["ordered_at"]),  # as the shop wrote it, in the customer's local time
            }
            for k, o in latest(b1["orders"], "order_id").items()
        }
        self.customers = {int(k): c for k, c in latest(b1["customers"], "customer_id").items()}
        products = {p["product_id"]: p for p in b1["products"]}
        self.lines: list[Line] = []
        for item in b1["order_items"]:
            order = self.orders.get(int(item["order_id"]))
            if order is None:
                continue
            product, quantity = products[item["product_id"]], int(item["quantity"])
            returned = order["status"] == "returned"
            self.lines.append(
                Line(
                    day=order["day"],
                    category=str(product["category"]),
                    customer=order["customer"],
                    revenue=Decimal(0) if returned else Decimal(quantity * int(item["unit_price_cents"])) / 100,
                    cost=Decimal(0) if returned else Decimal(quantity * int(product["unit_cost_cents"])) / 100,
                )
            )
        self.sessions = [
            {
                "customer": int(s["customer_id"]),
                "day": date.fromisoformat(str(s["started_at"])[:10]),
                "channel": s["channel"],
            }
            for s in b1["web_sessions"]
        ]
        self.population = {
            (str(r["country_code"]), int(r["year"])): int(r["population"]) for r in b1["country_population"]
        }

    def region(self, customer: int) -> str:
        return REGION[str(self.customers[customer]["country_code"])]

    @cached_property
    def revenue_by_day(self) -> dict[date, Decimal]:
        found: dict[date, Decimal] = defaultdict(Decimal)
        for line in self.lines:
            found[line.day] += line.revenue
        return dict(found)

    @cached_property
    def days(self) -> list[date]:
        """Every day from the first order to the last, the quiet ones included."""
        first, last = min(o["day"] for o in self.orders.values()), max(o["day"] for o in self.orders.values())
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _sum(pairs: Any) -> dict[Any, Decimal]:
    found: dict[Any, Decimal] = defaultdict(Decimal)
    for key, value in pairs:
        found[key] += value
    return dict(found)


def _count(keys: Any) -> dict[Any, int]:
    found: dict[Any, int] = defaultdict(int)
    for key in keys:
        found[key] += 1
    return dict(found)


def money_by_month(shop: Shop) -> dict[str, dict[str, Decimal]]:
    out: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for line in shop.lines:
        row = out[month(line.day)]
        row["revenue"] += line.revenue
        row["cost"] += line.cost
        row["gross_profit"] += line.revenue - line.cost
        row["food_revenue"] += line.revenue if line.category == "food" else Decimal(0)
    return {k: dict(v) for k, v in out.items()}


def orders_by_day(shop: Shop) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = defaultdict(lambda: {"orders": 0, "completed_orders": 0})
    for order in shop.orders.values():
        out[order["day"].isoformat()]["orders"] += 1
        out[order["day"].isoformat()]["completed_orders"] += order["status"] == "completed"
    return dict(out)


def orders_by_status(shop: Shop) -> dict[str, int]:
    return _count(o["status"] for o in shop.orders.values())


def orders_by_returned(shop: Shop) -> dict[bool, int]:
    return _count(o["status"] == "returned" for o in shop.orders.values())


def revenue_by_category_and_week(shop: Shop) -> dict[tuple[str, str], Decimal]:
    return _sum(((line.category, week(line.day)), line.revenue) for line in shop.lines)


def food_share_by_month(shop: Shop) -> dict[str, float]:
    return {m: float(v["food_revenue"] / v["revenue"]) for m, v in money_by_month(shop).items() if v["revenue"]}


def food_share_overall(shop: Shop) -> float:
    total = sum((line.revenue for line in shop.lines), Decimal(0))
    food = sum((line.revenue for line in shop.lines if line.category == "food"), Decimal(0))
    return float(food / total)


def cumulative_revenue_by_day(shop: Shop) -> dict[str, Decimal]:
    out, running = {}, Decimal(0)
    for day in shop.days:
        running += shop.revenue_by_day.get(day, Decimal(0))
        out[day.isoformat()] = running
    return out


def revenue_mtd_by_day(shop: Shop) -> dict[str, Decimal]:
    out, running, current = {}, Decimal(0), ""
    for day in shop.days:
        if month(day) != current:  # the first of the month starts again from nothing
            running, current = Decimal(0), month(day)
        running += shop.revenue_by_day.get(day, Decimal(0))
        out[day.isoformat()] = running
    return out


def revenue_mtd_by_month(shop: Shop) -> dict[str, Decimal]:
    """At month grain the month-to-date value of the month's last day (period_agg: last): its total."""
    return _sum((month(day), value) for day, value in shop.revenue_by_day.items())


def weekly_active_customers_by_day(shop: Shop) -> dict[str, int]:
    by_day: dict[date, set[int]] = defaultdict(set)
    for order in shop.orders.values():
        by_day[order["day"]].add(order["customer"])
    out = {}
    for day in shop.days:
        window = set().union(*(by_day.get(day - timedelta(days=i), set()) for i in range(WINDOW_DAYS)))
        out[day.isoformat()] = len(window)
    return out


def revenue_growth_by_day(shop: Shop) -> dict[str, float]:
    """(revenue - revenue 7 days before) / revenue 7 days before, on the days both exist and the earlier is not 0."""
    rev = shop.revenue_by_day
    return {
        day.isoformat(): float((rev[day] - rev[day - timedelta(days=7)]) / rev[day - timedelta(days=7)])
        for day in rev
        if rev.get(day - timedelta(days=7))
    }


def conversions(shop: Shop) -> dict[int, date]:
    """Order id -> the day of the visit it converts: the customer's latest visit on the order's day or the 6 before."""
    visits: dict[int, list[date]] = defaultdict(list)
    for s in shop.sessions:
        visits[s["customer"]].append(s["day"])
    found = {}
    for order_id, order in shop.orders.items():
        inside = [v for v in visits[order["customer"]] if 0 <= (order["day"] - v).days < WINDOW_DAYS]
        if inside:
            found[order_id] = max(inside)
    return found


def conversion_by_month(shop: Shop) -> dict[str, float]:
    visits = _count(month(s["day"]) for s in shop.sessions)
    converted = _count(month(day) for day in conversions(shop).values())
    return {m: converted.get(m, 0) / n for m, n in visits.items()}


def visits_by_channel(shop: Shop) -> dict[str, int]:
    return _count(s["channel"] for s in shop.sessions)


def customers_by_region(shop: Shop) -> dict[str, int]:
    return _count(shop.region(c) for c in shop.customers)


def revenue_by_region(shop: Shop) -> dict[str, Decimal]:
    return _sum((shop.region(line.customer), line.revenue) for line in shop.lines)


def population_on(shop: Shop, customer: int, day: date) -> int:
    """The population of the customer's country on a day: the latest figure whose year has begun by then."""
    country = str(shop.customers[customer]["country_code"])
    year = max(y for (c, y) in shop.population if c == country and y <= day.year)
    return shop.population[(country, year)]


def orders_by_population(shop: Shop) -> dict[int, int]:
    """Each order counted under its customer's country's population on the order's day."""
    return _count(population_on(shop, o["customer"], o["day"]) for o in shop.orders.values())


def visits_by_population_and_month(shop: Shop) -> dict[tuple[int, str], int]:
    """Each visit under the population valid on its day: December 2024's under 2024's figure."""
    return _count((population_on(shop, s["customer"], s["day"]), month(s["day"])) for s in shop.sessions)


def revenue_in_one_region_by_month(shop: Shop) -> dict[str, Decimal]:
    return _sum((month(line.day), line.revenue) for line in shop.lines if shop.region(line.customer) == FILTER_REGION)


def saved_query(shop: Shop) -> dict[tuple[str, str], dict[str, Decimal]]:
    out: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for line in shop.lines:
        row = out[(line.day.isoformat(), line.category)]
        row["revenue"] += line.revenue
        row["gross_profit"] += line.revenue - line.cost
    return {k: dict(v) for k, v in out.items()}


def top_revenue_days(shop: Shop) -> list[tuple[str, Decimal]]:
    ranked = sorted(shop.revenue_by_day.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(day.isoformat(), value) for day, value in ranked[:5]]


@lru_cache(maxsize=2)
def shop(seed: int) -> Shop:
    return Shop(seed)
