"""Fernhill Market's calls to the supplier API and the store reports, as the part-two DAGs make them.

The supplier's API allows one call at a time: a second call while one is running is refused
(HTTP 429), whatever DAG makes it. Each call here takes a moment; the grader shortens the moments
(``FERNHILL_CALL_S``, ``FERNHILL_REPORT_S``, ``FERNHILL_EXPORT_S``, ``FERNHILL_REBUILD_S``) to grade
in seconds.
"""

from __future__ import annotations

import os
import socket
import time


def _pause(name: str, default_s: float) -> float:
    seconds = float(os.environ.get(name, default_s))
    time.sleep(seconds)
    return seconds


def call_supplier(endpoint: str) -> dict:
    """One call of the supplier API (``/prices``, ``/catalogue``, ``/promotions``, ``/stock``)."""
    took = _pause("FERNHILL_CALL_S", 2.0)
    return {"endpoint": endpoint, "took_s": took}


def publish(answer: dict) -> str:
    """Hand a refreshed answer to the shop (quick: no supplier call)."""
    return f"published {answer.get('endpoint')}"


def rebuild_index(answer: dict) -> int:
    """Rebuild the stock search index: memory-hungry, so it belongs on the big worker."""
    _pause("FERNHILL_CALL_S", 2.0)
    return len(str(answer))


def store_report(store: str) -> str:
    """One store's end-of-day report (reads the warehouse: a few of them at once is fine, all of them is not)."""
    _pause("FERNHILL_REPORT_S", 5.0)
    return f"report for {store}"


def export_orders() -> str:
    """The nightly export: long, idempotent (it rewrites the whole file), safe to run again."""
    _pause("FERNHILL_EXPORT_S", 10.0)
    return f"exported on {socket.gethostname()}"


def rebuild_sales(store: str, day: str) -> str:
    """Rebuild one store's sales history for one day from the till logs (reads the warehouse too)."""
    _pause("FERNHILL_REBUILD_S", 5.0)
    return f"sales of {store} on {day} rebuilt"
