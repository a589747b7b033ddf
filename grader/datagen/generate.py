"""Generate Fernhill Market's raw data: seeded, scalable and realistically flawed.

Flaws on purpose (each one is something a lab teaches to handle):
- customers: null emails, the same customer delivered twice with a newer email (latest wins);
- orders: timestamps written with mixed UTC offsets, rows loaded twice, late-arriving rows and
  status updates in a second load batch (incremental models);
- money in integer cents;
- suppliers as nested JSON (not a seed);
- daily order-status extracts with changes and deletions (snapshots, lab 03);
- web sessions, some followed by a purchase within 7 days (conversion metric, lab 02);
- a few planted rows on the edges of the rules the labs grade (EDGE_CUSTOMERS).
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from grader.datagen import company as co

UTC = UTC
START = datetime(2025, 1, 1, tzinfo=UTC)
BATCH_1_END = datetime(2025, 7, 1, tzinfo=UTC)  # everything loaded before this is batch 1
BATCH_2_LOADED_AT = datetime(2025, 7, 2, 6, 0, tzinfo=UTC)

Row = dict[str, Any]


@dataclass(frozen=True)
class Dataset:
    """Raw tables of one generation, as rows; ``write`` turns them into files."""

    seed: int
    scale: float
    batch_1: dict[str, list[Row]]
    batch_2: dict[str, list[Row]]
    suppliers: list[dict]
    status_days: list[list[Row]] = field(default_factory=list)

    def write(self, out_dir: Path) -> Path:
        """Write batch 1 to ``raw/``, batch 2 to ``batch_2/``, suppliers.json and status days."""
        out_dir = Path(out_dir)
        for folder, tables in (("raw", self.batch_1), ("batch_2", self.batch_2)):
            for name, rows in tables.items():
                _write_csv(out_dir / folder / f"{name}.csv", rows)
        (out_dir / "raw" / "suppliers.json").write_text(json.dumps(self.suppliers, indent=2) + "\n")
        for day, rows in enumerate(self.status_days, start=1):
            _write_csv(out_dir / "status_days" / f"order_status_day_{day}.csv", rows)
        return out_dir


def _write_csv(path: Path, rows: list[Row]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _utc_text(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _mixed_tz_text(ts: datetime, offset_hours: int, rng: random.Random) -> str:
    """Half the source systems write local time with an offset, the other half ISO UTC with Z."""
    if rng.random() < 0.5:
        local = ts.astimezone(timezone(timedelta(hours=offset_hours)))
        return local.strftime("%Y-%m-%d %H:%M:%S%z")[:-2] + ":" + local.strftime("%z")[-2:]
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _random_ts(rng: random.Random, start: datetime, end: datetime) -> datetime:
    seconds = int((end - start).total_seconds())
    return start + timedelta(seconds=rng.randrange(seconds))


def generate(seed: int = 42, scale: float = 1.0) -> Dataset:
    """Generate one deterministic dataset; ``scale`` multiplies customer and order counts."""
    rng = random.Random(seed)
    countries = {c.code: c for c in co.COUNTRIES}
    products = _products(rng)
    customers, customer_rows = _customers(rng, countries, max(20, int(150 * scale)))
    orders, items, payments = _orders(rng, customers, countries, products, max(100, int(1200 * scale)))

    batch_1_orders = [o for o in orders if o["_loaded_at"] < _utc_text(BATCH_1_END)]
    late_orders = [o for o in orders if o["_loaded_at"] >= _utc_text(BATCH_1_END)]
    batch_1_ids = {o["order_id"] for o in batch_1_orders}
    duplicates = [dict(o) for o in rng.sample(batch_1_orders, max(2, len(batch_1_orders) // 50))]
    updates = _status_updates(rng, batch_1_orders)

    batch_1 = {
        "customers": customer_rows,
        "products": products,
        "orders": sorted(batch_1_orders + duplicates, key=lambda o: (o["_loaded_at"], o["order_id"])),
        "order_items": [i for i in items if i["order_id"] in batch_1_ids],
        "payments": [p for p in payments if p["order_id"] in batch_1_ids],
        "web_sessions": _web_sessions(rng, customers, batch_1_orders),
        "country_population": _population(),
    }
    _plant_edge_rows(batch_1, (len(orders), len(items), len(payments)))
    batch_2 = {
        "orders": late_orders + updates,
        "order_items": [i for i in items if i["order_id"] not in batch_1_ids],
        "payments": [p for p in payments if p["order_id"] not in batch_1_ids],
    }
    return Dataset(
        seed=seed,
        scale=scale,
        batch_1=batch_1,
        batch_2=batch_2,
        suppliers=_suppliers(rng),
        status_days=_status_days(rng, scale),
    )


# Rows on the edges of the rules the labs grade. Random data rarely lands exactly on a threshold
# (lifetime revenue of exactly 1000.00, exactly 5 orders, an order at midnight UTC, a customer
# with no orders), and a rule written with `>` for `>=` would then score the same as the right
# one. These rows are planted without the random generator, so every other row stays the same.
EDGE_PRODUCTS = (("kitchen", "Copper stockpot, 10 l", 25000), ("food", "Saffron threads, 5 g", 19999))
STOCKPOT, SAFFRON = 0, 1
EdgeOrder = tuple[str, str, tuple[tuple[int, int], ...]]  # ordered_at as written, status, (product, quantity)


def _saffron_days(month: int, days: tuple[int, ...], hour: int) -> tuple[EdgeOrder, ...]:
    return tuple((f"2025-{month:02d}-{day:02d}T{hour:02d}:00:00Z", "completed", ((SAFFRON, 1),)) for day in days)


# (first name, country, orders)
EDGE_CUSTOMERS: tuple[tuple[str, str, tuple[EdgeOrder, ...]], ...] = (
    ("Prospect", "NL", ()),  # no orders: prospect, 0 orders and 0 revenue
    # exactly 1000.00 in one order, at midnight UTC: vip on the edge
    ("Edge", "DE", (("2025-03-01T00:00:00Z", "completed", ((STOCKPOT, 4),)),)),
    # 5 orders (the regular edge) and 999.95, just below vip; the first is 23:30 UTC on 28 February
    (
        "Counted",
        "FR",
        (("2025-03-01 00:30:00+01:00", "completed", ((SAFFRON, 1),)), *_saffron_days(3, (3, 4, 5, 6), 12)),
    ),
    # 4 orders: just below the regular edge, occasional
    ("Fourth", "BE", _saffron_days(4, (1, 2, 3, 4), 9)),
    # just above the vip edge (1199.99)
    ("Above", "AT", (("2025-04-10T10:00:00Z", "completed", ((STOCKPOT, 4), (SAFFRON, 1))),)),
    # 5 orders, one returned: its 250.00 counts 0 (799.96, not 1049.96), so regular, not vip
    ("Returned", "PL", (*_saffron_days(5, (1, 2, 3, 4), 8), ("2025-05-05T08:00:00Z", "returned", ((STOCKPOT, 1),)))),
)


def _plant_edge_rows(batch_1: dict[str, list[Row]], used: tuple[int, int, int]) -> None:
    """Add the edge products, customers, orders, order lines and payments to batch 1.

    ``used``: how many order, order line and payment ids the random data took (batch 2 too).
    """
    products, customers = batch_1["products"], batch_1["customers"]
    first_product = max(int(p["product_id"]) for p in products) + 1
    for offset, (category, name, price) in enumerate(EDGE_PRODUCTS):
        products.append(
            {
                "product_id": first_product + offset,
                "product_name": name,
                "category": category,
                "unit_price_cents": price,
                "unit_cost_cents": price // 2,
                "supplier_id": 5 if category == "kitchen" else 1,
            }
        )
    customer_id = max(int(c["customer_id"]) for c in customers)
    order_id, item_id, payment_id = used
    for first, country, its_orders in EDGE_CUSTOMERS:
        customer_id += 1
        customers.append(
            {
                "customer_id": customer_id,
                "first_name": first,
                "last_name": "Edgecase",
                "email": f"{first}.edgecase{customer_id}@example.com".lower(),
                "country_code": country,
                "signed_up_at": "2024-12-01T10:00:00Z",
                "_loaded_at": "2024-12-01 11:00:00",
            }
        )
        for ordered_at, status, lines in its_orders:
            order_id += 1
            loaded = _utc_text(datetime.fromisoformat(ordered_at.replace("Z", "+00:00")) + timedelta(minutes=10))
            batch_1["orders"].append(
                {
                    "order_id": order_id,
                    "customer_id": customer_id,
                    "ordered_at": ordered_at,
                    "status": status,
                    "_loaded_at": loaded,
                }
            )
            total = 0
            for product, quantity in lines:
                item_id += 1
                price = EDGE_PRODUCTS[product][2]
                total += quantity * price
                batch_1["order_items"].append(
                    {
                        "order_item_id": item_id,
                        "order_id": order_id,
                        "product_id": first_product + product,
                        "quantity": quantity,
                        "unit_price_cents": price,
                        "_loaded_at": loaded,
                    }
                )
            payment_id += 1
            batch_1["payments"].append(
                {
                    "payment_id": payment_id,
                    "order_id": order_id,
                    "payment_method": "card",
                    "amount_cents": total,
                    "_loaded_at": loaded,
                }
            )
    for table in ("customers", "orders"):
        batch_1[table].sort(key=lambda r: (r["_loaded_at"], r[f"{table[:-1]}_id"]))


def _products(rng: random.Random) -> list[Row]:
    rows: list[Row] = []
    names = [("food", n) for n in co.FOOD_PRODUCTS] + [("kitchen", n) for n in co.KITCHEN_PRODUCTS]
    for product_id, (category, name) in enumerate(names, start=1):
        price = rng.randrange(199, 1999) if category == "food" else rng.randrange(1499, 12999)
        rows.append(
            {
                "product_id": product_id,
                "product_name": name,
                "category": category,
                "unit_price_cents": price,
                "unit_cost_cents": int(price * rng.uniform(0.45, 0.7)),
                "supplier_id": (product_id % 6) + 1 if product_id % 7 else "",  # some unknown suppliers
            }
        )
    return rows


def _customers(rng: random.Random, countries: dict[str, co.Country], n: int) -> tuple[list[Row], list[Row]]:
    customers: list[Row] = []
    rows: list[Row] = []
    for customer_id in range(1, n + 1):
        country = rng.choice(list(countries.values()))
        first, last = rng.choice(co.FIRST_NAMES), rng.choice(co.LAST_NAMES)
        signed_up = _random_ts(rng, datetime(2024, 1, 1, tzinfo=UTC), START)
        loaded = signed_up + timedelta(hours=rng.randrange(1, 48))
        email = "" if rng.random() < 0.05 else f"{first}.{last}{customer_id}@example.com".lower()
        row = {
            "customer_id": customer_id,
            "first_name": first,
            "last_name": last,
            "email": email,
            "country_code": country.code,
            "signed_up_at": _mixed_tz_text(signed_up, country.utc_offset_hours, rng),
            "_loaded_at": _utc_text(loaded),
        }
        customers.append(row)
        rows.append(row)
        if rng.random() < 0.04:  # the CRM re-delivers the customer later with a changed email
            rows.append(
                {
                    **row,
                    "email": f"{first}.{last}.new{customer_id}@example.com".lower(),
                    "_loaded_at": _utc_text(loaded + timedelta(days=rng.randrange(1, 30))),
                }
            )
    rows.sort(key=lambda r: (r["_loaded_at"], r["customer_id"]))
    return customers, rows


def _order_status(rng: random.Random, ordered_at: datetime) -> str:
    age_days = (BATCH_1_END - ordered_at).days
    if age_days > 14:
        return "returned" if rng.random() < 0.1 else "completed"
    return rng.choice(("placed", "shipped", "completed"))


def _orders(
    rng: random.Random, customers: list[Row], countries: dict[str, co.Country], products: list[Row], n: int
) -> tuple[list[Row], list[Row], list[Row]]:
    orders: list[Row] = []
    items: list[Row] = []
    payments: list[Row] = []
    item_id = payment_id = 0
    for order_id in range(1, n + 1):
        customer = rng.choice(customers)
        country = countries[str(customer["country_code"])]
        roll = rng.random()
        if roll < 0.04:  # late-arriving: ordered in June, delivered by the source system in July
            ordered_at = _random_ts(rng, datetime(2025, 6, 15, tzinfo=UTC), BATCH_1_END)
            loaded_at = BATCH_2_LOADED_AT
        elif roll < 0.08:  # new orders of the second batch
            ordered_at = _random_ts(rng, BATCH_1_END, BATCH_2_LOADED_AT - timedelta(hours=1))
            loaded_at = BATCH_2_LOADED_AT
        else:
            ordered_at = _random_ts(rng, START, BATCH_1_END - timedelta(days=1))
            loaded_at = ordered_at + timedelta(minutes=rng.randrange(5, 600))
        orders.append(
            {
                "order_id": order_id,
                "customer_id": customer["customer_id"],
                "ordered_at": _mixed_tz_text(ordered_at, country.utc_offset_hours, rng),
                "status": _order_status(rng, ordered_at),
                "_loaded_at": _utc_text(loaded_at),
            }
        )
        total = 0
        for product in rng.sample(products, rng.randrange(1, 5)):
            item_id += 1
            quantity = rng.randrange(1, 4)
            total += quantity * int(product["unit_price_cents"])
            items.append(
                {
                    "order_item_id": item_id,
                    "order_id": order_id,
                    "product_id": product["product_id"],
                    "quantity": quantity,
                    "unit_price_cents": product["unit_price_cents"],
                    "_loaded_at": _utc_text(loaded_at),
                }
            )
        split = min(total // 2, 2500) if rng.random() < 0.1 else 0
        for method, amount in (("gift_card", split), (rng.choice(("card", "paypal", "bank_transfer")), total - split)):
            if amount:
                payment_id += 1
                payments.append(
                    {
                        "payment_id": payment_id,
                        "order_id": order_id,
                        "payment_method": method,
                        "amount_cents": amount,
                        "_loaded_at": _utc_text(loaded_at),
                    }
                )
    return orders, items, payments


def _status_updates(rng: random.Random, batch_1_orders: list[Row]) -> list[Row]:
    """Orders whose status moved on after batch 1: the source re-delivers the whole row."""
    moved = {"placed": "shipped", "shipped": "completed", "completed": "returned"}
    candidates = [o for o in batch_1_orders if o["status"] in moved]
    updates = []
    for order in rng.sample(candidates, max(3, len(candidates) // 40)):
        updates.append({**order, "status": moved[str(order["status"])], "_loaded_at": _utc_text(BATCH_2_LOADED_AT)})
    return sorted(updates, key=lambda o: o["order_id"])


def _web_sessions(rng: random.Random, customers: list[Row], orders: list[Row]) -> list[Row]:
    """Sessions before purchases (some longer than 7 days before) plus sessions that never convert."""
    sessions: list[Row] = []
    for order in orders[: len(orders) // 2]:
        placed = datetime.fromisoformat(str(order["ordered_at"]).replace("Z", "+00:00"))
        started = placed - timedelta(days=rng.choice((0, 1, 3, 6, 9, 12)), minutes=rng.randrange(1, 600))
        sessions.append({"customer_id": order["customer_id"], "started_at": started})
    for _ in range(len(orders) // 2):
        customer = rng.choice(customers)
        sessions.append({"customer_id": customer["customer_id"], "started_at": _random_ts(rng, START, BATCH_1_END)})
    sessions.sort(key=lambda s: (s["started_at"], s["customer_id"]))
    return [
        {
            "session_id": i,
            "customer_id": s["customer_id"],
            "started_at": _utc_text(s["started_at"]),
            "channel": rng.choice(co.CHANNELS),
        }
        for i, s in enumerate(sessions, start=1)
    ]


def _population() -> list[Row]:
    rows: list[Row] = []
    for i, country in enumerate(co.COUNTRIES):
        growth = 1 + (i - 3) / 1000  # a small, country-specific yearly growth rate
        for year in co.POPULATION_YEARS:
            people = co.BASE_POPULATION_2015[country.code] * 1_000_000 * growth ** (year - 2015)
            rows.append({"country_code": country.code, "year": year, "population": round(people)})
    return rows


def _suppliers(rng: random.Random) -> list[dict]:
    names = (
        "Polder Dairy",
        "Iberian Oils",
        "Black Forest Bakehouse",
        "Vistula Mills",
        "Atelier Cuivre",
        "Northsea Steelworks",
    )
    suppliers = []
    for supplier_id, name in enumerate(names, start=1):
        country = co.COUNTRIES[(supplier_id * 3) % len(co.COUNTRIES)]
        suppliers.append(
            {
                "supplier_id": supplier_id,
                "name": name,
                "country_code": country.code,
                "contact": {
                    "email": f"orders@{name.lower().replace(' ', '-')}.example",
                    "phone": f"+{rng.randrange(30, 49)} {rng.randrange(100, 999)} {rng.randrange(1000, 9999)}",
                },
                "categories": ["kitchen"] if supplier_id > 4 else ["food"] if supplier_id < 4 else ["food", "kitchen"],
            }
        )
    return suppliers


def _status_days(rng: random.Random, scale: float) -> list[list[Row]]:
    """Three daily extracts of the order-status table: changes, a deletion and new orders (lab 03)."""
    n = max(10, int(30 * scale))
    day_1: list[Row] = [
        {"order_id": 5000 + i, "status": "placed", "updated_at": f"2025-07-01 {8 + i % 10:02d}:00:00"} for i in range(n)
    ]
    day_2 = []
    for row in day_1:
        if row["order_id"] == 5001:  # cancelled and deleted at the source
            continue
        if row["order_id"] % 3 == 0:
            day_2.append({**row, "status": "shipped", "updated_at": "2025-07-02 09:30:00"})
        else:
            day_2.append(dict(row))
    day_2.append({"order_id": 5000 + n, "status": "placed", "updated_at": "2025-07-02 11:00:00"})
    day_3 = []
    for row in day_2:
        if row["status"] == "shipped":
            status = "returned" if rng.random() < 0.2 else "completed"
            day_3.append({**row, "status": status, "updated_at": "2025-07-03 10:15:00"})
        else:
            day_3.append(dict(row))
    return [day_1, day_2, day_3]
