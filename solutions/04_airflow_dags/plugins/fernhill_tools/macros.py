"""A user-defined macro, registered by the plugin: `{{ macros.fernhill.iso_week(ds) }}`."""

from __future__ import annotations

import datetime as dt


def iso_week(ds: str) -> str:
    """The ISO week of a date as "YYYY-Www": 2025-03-02 is "2025-W09", 2025-12-29 is "2026-W01"."""
    # BEGIN SOLUTION: the ISO year and week of dt.date.fromisoformat(ds), as f"{year}-W{week:02d}" (exercise 11.1)
    year, week, _ = dt.date.fromisoformat(ds[:10]).isocalendar()
    return f"{year}-W{week:02d}"
    # END SOLUTION
