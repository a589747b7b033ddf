"""Lab 02, the semantic layer: MetricFlow semantic models and metrics on Fernhill Market's marts, graded on the numbers.

One job builds the learner's project, validates the semantic layer the way ``mf
validate-configs`` does, and answers every request of queries.py through MetricFlow's engine in
the same process (a fresh ``mf query`` process spends about 5 s starting up per query). The
host compares the rows with expected.py's, computed from the raw data without MetricFlow.
"""

from __future__ import annotations

from typing import Any

from grader.artifacts.semantic import SemanticArtifacts
from grader.labs import LabSpec
from grader.labs.lab02_semantic_layer.queries import QUERIES

# Grading data differs from the notebook's (seed 42), so results cannot be copied from it.
GRADING_SEED = 2025
TIERS = ("validation", "definition", "unit", "integration", "e2e")
DATASET = "grader.datagen.semantic:generate_semantic"


def options() -> dict[str, Any]:
    return {
        "data": {"seed": GRADING_SEED, "scale": 1.0},
        "env_prefix": "FERNHILL",
        "metric_queries": QUERIES,
        # the same project and requests on PostgreSQL, beside the DuckDB job: the rows must be the same
        "postgres_target": {
            "learner_target": "pg",
            "compare": [],
            "after_build": ["grader.sandbox.extensions.metric_queries:postgres_answers"],
            "timeout_s": 300,
        },
    }


SPEC = LabSpec(
    id="02_semantic_layer",
    title="The dbt semantic layer (MetricFlow)",
    project="warehouse",
    engine="dbt",
    extensions=("metric_queries",),
    steps=(
        {"step": "load_raw", "dataset": DATASET},
        "profile",
        "deps",
        "postgres_start",  # the PostgreSQL build starts now and overlaps the DuckDB one
        "parse",
        "build",
        {"step": "keep_warehouse", "as": "warehouse_build"},
        "semantic_validations",
        "metric_queries",
        "postgres",
    ),
    gate="parse",
    check_modules=tuple(f"grader.labs.lab02_semantic_layer.checks_{tier}" for tier in TIERS),
    artifacts=SemanticArtifacts,
    options=options,
    notebook="02_semantic_layer.ipynb",
    services=("postgres",),
    timeout_s=300.0,
)
