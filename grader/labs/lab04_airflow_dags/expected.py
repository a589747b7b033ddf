"""What the order pipeline must produce on the grader's data, computed here from the generator.

An independent implementation of the rules the notebook states, never the learner's code.
"""

from __future__ import annotations

import csv
import tempfile
from collections import Counter
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from grader.datagen import generate
from grader.sandbox.extensions.dbt_warehouse import largest_deliveries


@lru_cache(maxsize=4)
def _raw_orders(seed: int, scale: float) -> tuple[dict[str, str], ...]:
    with tempfile.TemporaryDirectory() as tmp:
        generate(seed=seed, scale=scale).write(Path(tmp))
        with (Path(tmp) / "raw" / "orders.csv").open(newline="") as f:
            return tuple(csv.DictReader(f))


@lru_cache(maxsize=4)
def daily_orders(seed: int, scale: float) -> dict[str, dict[str, int]]:
    """day (UTC) -> {"orders", "returned"} over batch 1, the latest load of each order."""
    latest: dict[str, dict[str, str]] = {}
    for row in sorted(_raw_orders(seed, scale), key=lambda r: r["_loaded_at"]):
        latest[row["order_id"]] = row
    counts: Counter = Counter()
    returned: Counter = Counter()
    for row in latest.values():
        day = datetime.fromisoformat(row["ordered_at"]).astimezone(UTC).date().isoformat()
        counts[day] += 1
        returned[day] += row["status"] == "returned"
    return {day: {"orders": counts[day], "returned": returned[day]} for day in sorted(counts)}


def busiest_days(seed: int, scale: float, n: int = 2) -> list[str]:
    days = daily_orders(seed, scale)
    return sorted(days, key=lambda d: (-days[d]["orders"], -days[d]["returned"], d))[:n]


def suppliers(seed: int, scale: float) -> list[dict]:
    """What the stand-in supplier API serves: the generator's suppliers."""
    return generate(seed=seed, scale=scale).suppliers


def deliveries(seed: int, scale: float) -> Counter:
    """Rows of orders.csv by the day they were delivered (their _loaded_at date)."""
    return Counter(row["_loaded_at"][:10] for row in _raw_orders(seed, scale))


def warehouse_days(seed: int, scale: float) -> tuple[str, str]:
    """The graded day of the dbt DAG and its "bad delivery" day: the two largest deliveries."""
    return largest_deliveries(_raw_orders(seed, scale))


def distinct_orders(seed: int, scale: float) -> int:
    """How many rows the orders mart holds once every delivery is loaded: one per order_id."""
    return len({row["order_id"] for row in _raw_orders(seed, scale)})
