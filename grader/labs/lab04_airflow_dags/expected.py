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


@lru_cache(maxsize=4)
def daily_orders(seed: int, scale: float) -> dict[str, dict[str, int]]:
    """day (UTC) -> {"orders", "returned"} over batch 1, the latest load of each order."""
    with tempfile.TemporaryDirectory() as tmp:
        generate(seed=seed, scale=scale).write(Path(tmp))
        with (Path(tmp) / "raw" / "orders.csv").open(newline="") as f:
            rows = list(csv.DictReader(f))
    latest: dict[str, dict[str, str]] = {}
    for row in sorted(rows, key=lambda r: r["_loaded_at"]):
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
