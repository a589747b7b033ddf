"""The daily order pipeline's steps as plain functions: read a day's orders, summarize, decide, write."""

from __future__ import annotations

import csv
import json
from pathlib import Path


def orders_for_day(rows: list[dict[str, str]], day: str) -> list[dict[str, str]]:
    """The orders placed on ``day`` (YYYY-MM-DD, UTC), one row per order_id: its latest load wins.

    ``ordered_at`` arrives with UTC offsets ('2025-01-12T01:39:26+01:00' is 00:39 UTC): compare in UTC.
    """
    # BEGIN SOLUTION: keep the latest _loaded_at per order_id, then the orders whose ordered_at falls on day in UTC (exercise 4.1)
    from datetime import datetime, timezone

    latest: dict[str, dict[str, str]] = {}
    for row in rows:
        kept = latest.get(row["order_id"])
        if kept is None or row["_loaded_at"] > kept["_loaded_at"]:
            latest[row["order_id"]] = row
    on_day = []
    for row in latest.values():
        ordered = datetime.fromisoformat(row["ordered_at"].replace("Z", "+00:00")).astimezone(timezone.utc)
        if ordered.date().isoformat() == day:
            on_day.append(row)
    return sorted(on_day, key=lambda r: int(r["order_id"]))
    # END SOLUTION


def read_orders(raw_dir: str, day: str) -> list[dict[str, str]]:
    """The day's orders from the loader's orders.csv (a missing file is an error, not an empty day)."""
    with (Path(raw_dir) / "orders.csv").open(newline="") as f:
        return orders_for_day(list(csv.DictReader(f)), day)


def summarize(orders: list[dict[str, str]]) -> dict[str, int]:
    """Counts for the day: all orders, and those returned."""
    # BEGIN SOLUTION: {"orders": how many, "returned": how many with status returned} (exercise 4.1)
    return {"orders": len(orders), "returned": sum(1 for o in orders if o["status"] == "returned")}
    # END SOLUTION


def choose_load(summary: dict[str, int]) -> str:
    """The branch to follow: the load task group when there are orders, the placeholder when there are none."""
    # BEGIN SOLUTION: "load.write_summary" when summary["orders"] > 0, else "no_orders" (exercise 6.1)
    return "load.write_summary" if summary["orders"] > 0 else "no_orders"
    # END SOLUTION


def write_summary(day: str, out_dir: str, summary: dict[str, int]) -> str:
    """Write the day's summary to out_dir/summary_<day>.json, replacing any earlier file: rerunnable."""
    target = Path(out_dir) / f"summary_{day}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"day": day, **summary}, sort_keys=True))
    return str(target)
