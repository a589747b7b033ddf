"""What a correct lab 01 warehouse holds, computed in plain Python from the generated data.

Independent of dbt and SQL on purpose: a check compares the learner's tables with these numbers.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from grader.datagen import generate
from grader.datagen.generate import Dataset

Row = dict[str, Any]


def to_utc(text: str) -> datetime:
    """The learner's to_utc, in Python: any offset -> naive UTC."""
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed.astimezone(UTC).replace(tzinfo=None)


def latest(rows: list[Row], key: str) -> dict[Any, Row]:
    """The latest delivery per key (ties keep the first, as the rows are identical)."""
    out: dict[Any, Row] = {}
    for row in rows:
        current = out.get(row[key])
        if current is None or str(row["_loaded_at"]) > str(current["_loaded_at"]):
            out[row[key]] = row
    return out


def segment(order_count: int, lifetime_revenue: Decimal) -> str:
    if order_count == 0:
        return "prospect"
    if lifetime_revenue >= 1000:
        return "vip"
    if order_count >= 5:
        return "regular"
    return "occasional"


@dataclass(frozen=True)
class Expected:
    customers: dict[Any, Row]
    orders_build: dict[Any, Row]
    orders_incremental: dict[Any, Row]
    order_totals: dict[Any, Decimal]
    raw_order_duplicates: dict[int, int]
    late_order_ids: frozenset[int]
    updated_statuses: dict[int, str]
    country_category_revenue: dict[str, dict[str, Decimal]]
    population: dict[tuple[str, int], int]
    segments: dict[int, str]
    lifetime_revenue: dict[int, Decimal]
    suppliers: list[dict]

    def revenue(self, order_id: Any, orders: dict[Any, Row]) -> Decimal:
        return Decimal(0) if orders[order_id]["status"] == "returned" else self.order_totals[order_id]


@lru_cache(maxsize=4)
def expected(seed: int, scale: float) -> Expected:
    return expected_from(generate(seed=seed, scale=scale))


def expected_from(data: Dataset) -> Expected:
    """The expected warehouse of any dataset (tests drop rows from one to see a check react)."""
    b1, b2 = data.batch_1, data.batch_2
    customers = latest(b1["customers"], "customer_id")
    orders_build = latest(b1["orders"], "order_id")
    orders_incremental = latest(b1["orders"] + b2["orders"], "order_id")

    totals: dict[Any, Decimal] = defaultdict(Decimal)
    for item in b1["order_items"] + b2["order_items"]:
        totals[item["order_id"]] += Decimal(int(item["quantity"]) * int(item["unit_price_cents"])) / 100

    copies = Counter(int(o["order_id"]) for o in b1["orders"])
    batch_1_ids = {o["order_id"] for o in b1["orders"]}
    late = frozenset(
        int(o["order_id"])
        for o in b2["orders"]
        if o["order_id"] not in batch_1_ids and to_utc(str(o["ordered_at"])) < datetime(2025, 7, 1)
    )
    updated = {int(o["order_id"]): str(o["status"]) for o in b2["orders"] if o["order_id"] in batch_1_ids}

    products = {p["product_id"]: p for p in b1["products"]}
    pivot: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for item in b1["order_items"]:
        order = orders_build.get(item["order_id"])
        if order is None or order["status"] == "returned":
            continue
        country = str(customers[order["customer_id"]]["country_code"])
        category = str(products[item["product_id"]]["category"])
        pivot[country][category] += Decimal(int(item["quantity"]) * int(item["unit_price_cents"])) / 100

    order_count: Counter[int] = Counter()
    lifetime: dict[int, Decimal] = defaultdict(Decimal)
    for order_id, order in orders_build.items():
        cid = int(order["customer_id"])
        order_count[cid] += 1
        if order["status"] != "returned":
            lifetime[cid] += totals[order_id]
    segments = {int(cid): segment(order_count[int(cid)], lifetime[int(cid)]) for cid in customers}

    return Expected(
        customers=customers,
        orders_build=orders_build,
        orders_incremental=orders_incremental,
        order_totals=dict(totals),
        raw_order_duplicates={oid: n for oid, n in copies.items() if n > 1},
        late_order_ids=late,
        updated_statuses=updated,
        country_category_revenue={c: dict(v) for c, v in pivot.items()},
        population={(str(r["country_code"]), int(r["year"])): int(r["population"]) for r in b1["country_population"]},
        segments=segments,
        lifetime_revenue={int(c): lifetime[int(c)] for c in customers},
        suppliers=data.suppliers,
    )
