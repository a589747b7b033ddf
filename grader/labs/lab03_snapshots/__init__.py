"""Lab 03, snapshots: the history of Fernhill Market's customers and orders, day after day.

One job replays the daily extracts: day 1 is loaded and built (``dbt build`` runs the
snapshots' first run), then each later day replaces the raw tables with that day's full extract
and runs ``dbt snapshot`` in the same dbt process. Every run is stamped with its nightly run
time (grader/sandbox/extensions/snapshot_clock.py), so the histories are exact and the host
compares them with the ones expected.py computes from the same extracts.
"""

from __future__ import annotations

from typing import Any

from grader.artifacts.dbt import DbtArtifacts
from grader.datagen.snapshots import DAYS, snapshot_times
from grader.labs import LabSpec
from grader.labs.lab03_snapshots.probes import probes

# Grading data differs from the notebook's (seed 42), so histories cannot be copied from it.
GRADING_SEED = 2025
TIERS = ("validation", "definition", "unit", "integration", "e2e")


def run_time(day: int) -> str:
    return f"{snapshot_times(DAYS)[day - 1]:%Y-%m-%d %H:%M:%S}"


SNAPSHOT_NAMES = ("orders_snapshot", "customers_snapshot", "customers_all_snapshot", "customers_hashed_snapshot")


def options() -> dict[str, Any]:
    return {
        "data": {"seed": GRADING_SEED, "scale": 1.0},
        "env_prefix": "FERNHILL",
        "probes": probes(),
        # the same six days on PostgreSQL, beside the DuckDB job: the histories must be the same
        "postgres_target": {
            "learner_target": "pg",
            "build_vars": {"snapshot_run_time": run_time(1)},
            "batches": [
                {k: day[k] for k in ("batch", "replace", "command", "vars", "reuse_manifest")} for day in _days()
            ],
            "compare": list(SNAPSHOT_NAMES),
            "timeout_s": 300,
        },
    }


def _days() -> tuple[dict[str, Any], ...]:
    return tuple(
        {
            "step": "batch",
            "name": f"day_{day}",
            "batch": f"day_{day}",
            "replace": True,  # a full extract: a row missing from it was deleted at the source
            "command": ["snapshot"],
            "vars": {"snapshot_run_time": run_time(day)},
            # no parse per day: a snapshot compiles afresh on every run (half of each day's time)
            "reuse_manifest": True,
            "label": f"Day {day}: load the day's extract and run dbt snapshot",
        }
        for day in range(2, DAYS + 1)
    )


SPEC = LabSpec(
    id="03_snapshots",
    title="Snapshots: slowly changing dimensions",
    project="warehouse",
    engine="dbt",
    extensions=("snapshot_clock",),
    steps=(
        {"step": "load_raw", "dataset": "snapshot_days"},
        "profile",
        "snapshot_clock",
        "deps",
        "postgres_start",  # the same days replayed on PostgreSQL, overlapping the DuckDB ones
        "parse",
        # day 1: the staging views, the snapshots' first run, the as-of model and the tests
        {"step": "build", "vars": {"snapshot_run_time": run_time(1)}},
        {"step": "keep_warehouse", "as": "warehouse_day_1"},
        *_days(),
        "probes",
        "postgres",
    ),
    gate="parse",
    check_modules=tuple(f"grader.labs.lab03_snapshots.checks_{tier}" for tier in TIERS),
    artifacts=DbtArtifacts,
    options=options,
    notebook="03_snapshots.ipynb",
    services=("postgres",),
    timeout_s=480.0,
)
