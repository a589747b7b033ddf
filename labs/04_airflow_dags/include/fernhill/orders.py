"""The daily order pipeline's steps as plain functions: read a day's orders, summarize, decide, write."""

from __future__ import annotations

import csv
import json
from pathlib import Path


def orders_for_day(rows: list[dict[str, str]], day: str) -> list[dict[str, str]]:
    """The orders placed on ``day`` (YYYY-MM-DD, UTC), one row per order_id: its latest load wins.

    ``ordered_at`` arrives with UTC offsets ('2025-01-12T01:39:26+01:00' is 00:39 UTC): compare in UTC.
    """
    # TODO: keep the latest _loaded_at per order_id, then the orders whose ordered_at falls on day in UTC (exercise 4.1)
    raise NotImplementedError('keep the latest _loaded_at per order_id, then the orders whose ordered_at falls on day in UTC (exercise 4.1)')


def read_orders(raw_dir: str, day: str) -> list[dict[str, str]]:
    """The day's orders from the loader's orders.csv (a missing file is an error, not an empty day)."""
    with (Path(raw_dir) / "orders.csv").open(newline="") as f:
        return orders_for_day(list(csv.DictReader(f)), day)


def summarize(orders: list[dict[str, str]]) -> dict[str, int]:
    """Counts for the day: all orders, and those returned."""
    # TODO: {"orders": how many, "returned": how many with status returned} (exercise 4.1)
    raise NotImplementedError('{"orders": how many, "returned": how many with status returned} (exercise 4.1)')


def choose_load(summary: dict[str, int]) -> str:
    """The branch to follow: the load task group when there are orders, the placeholder when there are none."""
    # TODO: "load.write_summary" when summary["orders"] > 0, else "no_orders" (exercise 6.1)
    raise NotImplementedError('"load.write_summary" when summary["orders"] > 0, else "no_orders" (exercise 6.1)')


def write_summary(day: str, out_dir: str, summary: dict[str, int]) -> str:
    """Write the day's summary to out_dir/summary_<day>.json, replacing any earlier file: rerunnable."""
    target = Path(out_dir) / f"summary_{day}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"day": day, **summary}, sort_keys=True))
    return str(target)
