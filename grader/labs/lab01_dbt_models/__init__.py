"""Lab 01, dbt models: build Fernhill Market's warehouse with dbt on DuckDB (and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from grader.artifacts.dbt import DbtArtifacts
from grader.labs import LabSpec
from grader.labs.lab01_dbt_models.probes import PROBES

# Grading data differs from the notebook's (seed 42), so results cannot be copied from it.
GRADING_SEED = 2025
GRADING_SCALE = 1.0


def options() -> dict[str, Any]:
    return {
        "data": {"seed": GRADING_SEED, "scale": GRADING_SCALE},
        "env_prefix": "FERNHILL",
        "probes": PROBES,
        # dbt.profiles_targets: the same project on PostgreSQL; these tables must match DuckDB's
        "postgres_target": {
            "learner_target": "pg",
            "compare": [
                "stg_suppliers",
                "orders",
                "customers",
                "country_category_revenue",
                "selected_country_population",
            ],
            "timeout_s": 300,
        },
    }


SPEC = LabSpec(
    id="01_dbt_models",
    title="dbt models",
    project="warehouse",
    engine="dbt",
    steps=(
        "load_raw",
        "profile",
        "deps",
        "postgres_start",  # the PostgreSQL build starts now and overlaps the DuckDB one
        "parse",
        {"step": "build", "exclude": "test_type:unit"},
        "unit_tests",
        "probes",
        {"step": "keep_warehouse", "as": "warehouse_build"},
        "postgres",
        {
            "step": "batch",
            "name": "incremental",
            "batch": "batch_2",
            "command": ["run", "--select", "orders"],
            "label": "Load a second batch and rerun orders (incremental)",
        },
    ),
    gate="parse",
    check_modules=tuple(
        f"grader.labs.lab01_dbt_models.checks_{tier}"
        for tier in ("validation", "definition", "unit", "integration", "e2e")
    ),
    artifacts=DbtArtifacts,
    options=options,
    notebook="01_dbt_models.ipynb",
    services=("postgres",),
    timeout_s=600.0,
)
