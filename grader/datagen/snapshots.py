"""Daily extracts for lab 03 (snapshots): the CRM's customer records and the shop's order status.

Each day the source systems deliver their whole current table again (a full extract): a row that
changed shows its new values, a row deleted at the source is simply missing. dbt snapshots turn
that sequence of states into history. The nightly snapshot runs at 06:00 UTC (``snapshot_times``);
every change of day ``d`` happened after the run of day ``d - 1`` and before the run of day ``d``.

The random part (seeded) keeps each grading's data unseen; the planted keys (``STORIES``) make
sure every rule the lab grades is reached whatever the seed: an update with and without an
``updated_at`` change, a change in a column the check strategy watches and in one it does not, a
touch that changes only ``updated_at``, a delete, a row that comes back, an ``updated_at`` written
with another UTC offset that sorts earlier as text but is later in time, a change at midnight UTC.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from grader.datagen import company as co

Row = dict[str, Any]
DAYS = 6
FIRST_DAY = datetime(2025, 8, 1, 6, 0, tzinfo=UTC)  # the first nightly snapshot run
TIERS = ("bronze", "silver", "gold")
STATUS_FLOW = {"placed": "shipped", "shipped": "delivered"}

# Planted keys and what happens to them, by day (the stories the checks and edges.py name).
STORIES: dict[int, str] = {
    901: "email changes on day 3 (watched column, updated_at moves)",
    902: "only the newsletter flag changes on day 2 (a column check_cols does not watch)",
    903: "a touch on day 4: updated_at moves, no value changes",
    904: "deleted on day 3, back on day 5 with another loyalty tier",
    905: "loyalty tier changes on day 4 while updated_at stays as it was",
    906: "deleted on day 5 for good",
    9001: "placed, shipped on day 2, delivered on day 4",
    9002: "status changes on day 3 but updated_at does not (the timestamp strategy cannot see it)",
    9003: "purged from the source on day 4",
    9004: "deleted on day 3, back on day 5 as returned with a newer updated_at",
    9005: "day 5's update written at UTC-5: earlier as text than day 4's, later in time",
    9006: "shipped at exactly midnight UTC on day 2",
}


def snapshot_times(days: int = DAYS) -> list[datetime]:
    """When the nightly snapshot of each day runs (UTC)."""
    return [FIRST_DAY + timedelta(days=d) for d in range(days)]


@dataclass(frozen=True)
class SnapshotDays:
    """The full extract of each day: ``days[d]`` maps table name -> rows (day 1 first)."""

    seed: int
    days: list[dict[str, list[Row]]]

    def write(self, out_dir: Path) -> Path:
        """Day 1 to ``raw/`` (what the first load reads), day ``d`` to ``day_<d>/``."""
        from grader.datagen.generate import _write_csv

        out_dir = Path(out_dir)
        for number, tables in enumerate(self.days, start=1):
            folder = out_dir / ("raw" if number == 1 else f"day_{number}")
            for name, rows in tables.items():
                _write_csv(folder / f"{name}.csv", rows)
        return out_dir


def text_at(ts: datetime, offset_hours: float = 0) -> str:
    """ISO 8601 with an explicit offset, the way the source systems write ``updated_at``."""
    local = ts.astimezone(timezone(timedelta(hours=offset_hours)))
    return local.isoformat(timespec="seconds")


def generate_days(seed: int = 42, days: int = DAYS) -> SnapshotDays:
    rng = random.Random(seed * 7919 + 3)
    times = snapshot_times(days)
    customers = _first_customers(rng, times[0])
    orders = _first_orders(rng, times[0], list(customers))
    gone: dict[int, Row] = {}  # rows deleted at the source, kept to bring some back
    extracts = [_extract(customers, orders, times[0])]
    for day in range(2, days + 1):
        window = (times[day - 2], times[day - 1])
        _random_changes(rng, customers, orders, window, day)
        _planted_changes(customers, orders, gone, window, day)
        extracts.append(_extract(customers, orders, times[day - 1]))
    return SnapshotDays(seed, extracts)


def _extract(customers: dict[int, Row], orders: dict[int, Row], run_at: datetime) -> dict[str, list[Row]]:
    """Today's files; the loader stamps each row half an hour before the snapshot run."""
    loaded = (run_at - timedelta(minutes=30)).strftime("%Y-%m-%d %H:%M:%S")
    return {
        "crm_customers": [{**customers[k], "_loaded_at": loaded} for k in sorted(customers)],
        "order_status": [{**orders[k], "_loaded_at": loaded} for k in sorted(orders)],
    }


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A whole second strictly inside (start, end)."""
    return start + timedelta(seconds=rng.randrange(60, int((end - start).total_seconds()) - 60))


def _first_customers(rng: random.Random, first_run: datetime) -> dict[int, Row]:
    customers: dict[int, Row] = {}
    first_names = ("Ana", "Ben", "Chloé", "Dario", "Elif", "Femke", "Goran", "Hana", "Ivo", "Jana", "Kai", "Lea")
    ids = list(range(1, 31)) + sorted(k for k in STORIES if k < 1000)
    for customer_id in ids:
        country = rng.choice(co.COUNTRIES)
        name = rng.choice(first_names)
        updated = _between(rng, first_run - timedelta(days=60), first_run - timedelta(hours=2))
        customers[customer_id] = {
            "customer_id": customer_id,
            "first_name": name,
            "email": f"{name.lower()}.{customer_id}@mail.example",
            "country_code": country.code,
            "loyalty_tier": rng.choice(TIERS),
            "newsletter": rng.choice(("yes", "no")),
            "updated_at": text_at(updated, rng.choice((0, 1, 2))),
        }
    return customers


def _first_orders(rng: random.Random, first_run: datetime, customer_ids: list[int]) -> dict[int, Row]:
    orders: dict[int, Row] = {}
    for order_id in list(range(1, 41)) + sorted(k for k in STORIES if k >= 1000):
        updated = _between(rng, first_run - timedelta(days=10), first_run - timedelta(hours=2))
        orders[order_id] = {
            "order_id": order_id,
            "customer_id": rng.choice(customer_ids),
            "status": rng.choice(("placed", "placed", "shipped")),
            "amount_cents": rng.randrange(500, 20000),
            "updated_at": text_at(updated, rng.choice((0, 1, 2))),
        }
    # fixed starting points for the planted stories (the day-5 text trap needs a known day-4 value)
    for order_id in (9001, 9002, 9004, 9005, 9006):
        orders[order_id]["status"] = "placed"
    orders[9003]["status"] = "shipped"
    return orders


def _random_changes(
    rng: random.Random, customers: dict[int, Row], orders: dict[int, Row], window: tuple[datetime, datetime], day: int
) -> None:
    """Seeded churn on the unplanted keys: status moves, profile edits, new customers and orders."""
    plain_customers = [k for k in customers if k < 900]
    for customer_id in rng.sample(plain_customers, 2):
        row = customers[customer_id]
        if rng.random() < 0.5:
            row["loyalty_tier"] = rng.choice([t for t in TIERS if t != row["loyalty_tier"]])
        else:
            row["email"] = f"{row['first_name'].lower()}.{customer_id}.d{day}@mail.example"
        row["updated_at"] = text_at(_between(rng, *window), rng.choice((0, 1, 2)))
    newsletter = customers[rng.choice(plain_customers)]
    newsletter["newsletter"] = "no" if newsletter["newsletter"] == "yes" else "yes"
    newsletter["updated_at"] = text_at(_between(rng, *window), 0)
    movable = [k for k, o in orders.items() if k < 9000 and o["status"] in STATUS_FLOW]
    for order_id in rng.sample(movable, min(3, len(movable))):
        orders[order_id]["status"] = STATUS_FLOW[orders[order_id]["status"]]
        orders[order_id]["updated_at"] = text_at(_between(rng, *window), rng.choice((0, 1, 2)))
    new_customer = 30 + day
    customers[new_customer] = {
        "customer_id": new_customer,
        "first_name": "Mika",
        "email": f"mika.{new_customer}@mail.example",
        "country_code": rng.choice(co.COUNTRIES).code,
        "loyalty_tier": "bronze",
        "newsletter": "yes",
        "updated_at": text_at(_between(rng, *window), 1),
    }
    for n in range(2):
        order_id = 40 + 2 * (day - 1) + n
        orders[order_id] = {
            "order_id": order_id,
            "customer_id": rng.choice(list(customers)),
            "status": "placed",
            "amount_cents": rng.randrange(500, 20000),
            "updated_at": text_at(_between(rng, *window), rng.choice((0, 2))),
        }


def _planted_changes(
    customers: dict[int, Row],
    orders: dict[int, Row],
    gone: dict[int, Row],
    window: tuple[datetime, datetime],
    day: int,
) -> None:
    start = window[0]

    def at(hours: float) -> datetime:  # a time inside today's window
        return start + timedelta(hours=hours)

    if day == 2:
        customers[902]["newsletter"] = "no" if customers[902]["newsletter"] == "yes" else "yes"
        customers[902]["updated_at"] = text_at(at(3))
        orders[9001].update(status="shipped", updated_at=text_at(at(4), 2))
        # exactly midnight UTC, written as 02:00 at UTC+2
        orders[9006].update(status="shipped", updated_at=text_at(datetime(2025, 8, 2, 0, 0, tzinfo=UTC), 2))
    elif day == 3:
        customers[901].update(email="new.901@mail.example", updated_at=text_at(at(5), 1))
        orders[9002]["status"] = "shipped"  # updated_at left as it was: the source forgot to touch it
        gone[904] = customers.pop(904)
        gone[9004] = orders.pop(9004)
    elif day == 4:
        customers[903]["updated_at"] = text_at(at(6))
        customers[905]["loyalty_tier"] = "gold" if customers[905]["loyalty_tier"] != "gold" else "silver"
        orders[9001].update(status="delivered", updated_at=text_at(at(7)))
        orders[9005].update(status="shipped", updated_at=text_at(datetime(2025, 8, 4, 5, 0, tzinfo=UTC)))
        orders.pop(9003)
    elif day == 5:
        back = gone.pop(904)
        tier = "gold" if back["loyalty_tier"] != "gold" else "bronze"
        customers[904] = {**back, "loyalty_tier": tier, "updated_at": text_at(at(2))}
        orders[9004] = {**gone.pop(9004), "status": "returned", "updated_at": text_at(at(3), 1)}
        # 09:00 UTC on 4 August written at UTC-5 as 04:00: sorts before day 4's "05:00+00:00" as text
        orders[9005].update(status="delivered", updated_at=text_at(datetime(2025, 8, 4, 9, 0, tzinfo=UTC), -5))
        customers.pop(906)
