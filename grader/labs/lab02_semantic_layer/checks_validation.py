"""Lab 02, validation tier: the semantic layer parses, passes MetricFlow's validations, and has its time spine."""

from __future__ import annotations

from datetime import timedelta

from grader.artifacts.semantic import SemanticArtifacts
from grader.checks import check, expect
from grader.labs.lab02_semantic_layer.compare import shop
from grader.model import Tier


@check(tier=Tier.VALIDATION, points=2, concepts=["sl.validation"])
def project_parses_with_a_semantic_layer(a: SemanticArtifacts) -> None:
    """dbt parse writes a semantic manifest holding semantic models and metrics."""
    manifest = a.semantic_manifest
    models, metrics = manifest.get("semantic_models", []), manifest.get("metrics", [])
    expect(
        models and metrics,
        expected="semantic models and metrics in target/semantic_manifest.json",
        found=f"{len(models)} semantic models, {len(metrics)} metrics",
    )


@check(tier=Tier.VALIDATION, points=2, concepts=["sl.validation"])
def semantic_validations_pass(a: SemanticArtifacts) -> None:
    """MetricFlow's validations (those of mf validate-configs, the warehouse ones too) find no error."""
    expect(a.semantic_manifest.get("semantic_models"), expected="semantic models to validate", found="none")
    errors = a.validation.get("ERROR", [])
    expect(
        not errors,
        expected="no error from mf validate-configs",
        found=f"{len(errors)} errors; the first: {errors[0] if errors else ''}",
    )


def time_spine(a: SemanticArtifacts) -> dict:
    spines = a.semantic_manifest.get("project_configuration", {}).get("time_spines", [])
    daily = [s for s in spines if s["primary_column"]["time_granularity"] == "day"]
    expect(
        daily,
        expected="a time spine at day grain (time_spine: on a model, its column with granularity: day)",
        found=f"time spines: {[s['node_relation']['alias'] for s in spines] or 'none'}",
        hint="dbt >= 1.9 declares it on the model; a legacy model named metricflow_time_spine is not enough here",
    )
    return daily[0]


@check(tier=Tier.VALIDATION, points=2, concepts=["sl.time_spine"])
def time_spine_is_declared_at_day_grain(a: SemanticArtifacts) -> None:
    """A model of the project is declared the time spine, its standard column at day grain."""
    spine = time_spine(a)
    expect(
        a.find("model", spine["node_relation"]["alias"]) is not None,
        expected="the time spine to be a model of the project",
        found=spine["node_relation"]["alias"],
    )


@check(tier=Tier.VALIDATION, points=2, concepts=["sl.time_spine"])
def time_spine_covers_every_day_of_the_data(a: SemanticArtifacts) -> None:
    """The time spine holds every day the data can ask about (first visit to last order), without a gap."""
    spine = time_spine(a)
    column, table = spine["primary_column"]["name"], spine["node_relation"]["alias"]
    days = {row[0] for row in a.query(f'select distinct cast("{column}" as date) from "{table}"')}
    data = shop()
    first = min(min(s["day"] for s in data.sessions), min(data.days))
    last = max(max(s["day"] for s in data.sessions), max(data.days))
    missing = [
        first + timedelta(days=i) for i in range((last - first).days + 1) if first + timedelta(days=i) not in days
    ]
    expect(
        not missing,
        expected=f"every day from {first} to {last} in {table}.{column}",
        found=f"{len(missing)} missing, the first {missing[0] if missing else ''}",
    )
