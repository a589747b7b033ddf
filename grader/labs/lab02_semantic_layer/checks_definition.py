"""Lab 02, definition tier: the semantic manifest declares the models, entities, measures, dimensions, metrics.

Read from target/semantic_manifest.json, the file MetricFlow itself reads. Names are the ones
the notebook gives (queries name them: ``customer__region``); how an expression is spelled is
left to the integration checks, which look at the figures it gives.
"""

from __future__ import annotations

from typing import Any

from grader.artifacts.semantic import SemanticArtifacts
from grader.checks import check, expect
from grader.model import Tier

# semantic model -> (the mart it reads, its aggregation time dimension)
MODELS = {
    "orders": ("orders", "order_date"),
    "order_items": ("order_items", "order_date"),
    "customers": ("customers", "signup_date"),
    "web_sessions": ("web_sessions", "session_date"),
    "country_population": ("country_population", None),
}
ENTITIES = {
    "orders": {"order": "primary", "customer": "foreign"},
    "order_items": {"order_item": "primary", "order": "foreign", "customer": "foreign"},
    "customers": {"customer": "primary", "email": "unique", "country": "foreign"},
    "web_sessions": {"session": "primary", "customer": "foreign"},
    "country_population": {"country": "natural"},
}
MEASURES = {
    "orders": ("order_count", "ordering_customers"),
    "order_items": ("revenue", "cost", "food_revenue"),
    "customers": ("customer_count",),
    "web_sessions": ("visits",),
}
TIME_DIMENSIONS = {
    "orders": "order_date",
    "order_items": "order_date",
    "customers": "signup_date",
    "web_sessions": "session_date",
}
CATEGORICAL = {
    "orders": ("status", "is_returned"),
    "order_items": ("category",),
    "customers": ("country_code", "region"),
    "web_sessions": ("channel",),
    "country_population": ("population",),
}
METRICS = {
    "orders": "simple",
    "completed_orders": "simple",
    "revenue": "simple",
    "cost": "simple",
    "food_revenue": "simple",
    "customers": "simple",
    "visits": "simple",
    "cumulative_revenue": "cumulative",
    "weekly_active_customers": "cumulative",
    "revenue_mtd": "cumulative",
    "food_revenue_share": "ratio",
    "gross_profit": "derived",
    "revenue_growth_7d": "derived",
    "visit_to_order_7d": "conversion",
}


def _problems(found: dict[str, Any], want: dict[str, Any]) -> list[str]:
    return [f"{k}: {found.get(k, 'missing')} (expected {v})" for k, v in want.items() if found.get(k) != v]


@check(tier=Tier.DEFINITION, points=2, concepts=["sl.semantic_models"])
def semantic_models_sit_on_the_marts(a: SemanticArtifacts) -> None:
    """The semantic models orders, order_items, customers, web_sessions, country_population read those marts."""
    wrong = []
    for name, (mart, _) in MODELS.items():
        model = a.semantic_model(name)
        if model["node_relation"]["alias"] != a.model(mart)["alias"]:
            wrong.append(f"{name} reads {model['node_relation']['alias']}")
    expect(not wrong, expected="each semantic model on ref() of its mart", found="; ".join(wrong))


@check(tier=Tier.DEFINITION, points=2, concepts=["sl.semantic_models"])
def measures_aggregate_over_the_stated_time_dimension(a: SemanticArtifacts) -> None:
    """Each measure's time is its model's stated agg_time_dimension (in defaults, or set on the measure)."""
    wrong = []
    for name, (_, time_dimension) in MODELS.items():
        model = a.semantic_model(name)
        default = (model.get("defaults") or {}).get("agg_time_dimension")
        for measure in model.get("measures", []):
            found = measure.get("agg_time_dimension") or default
            if found != time_dimension:
                wrong.append(f"{name}.{measure['name']}: {found}")
    expect(
        not wrong,
        expected="orders and order_items on order_date, customers on signup_date, web_sessions on session_date",
        found="; ".join(wrong[:5]),
        hint="defaults: {agg_time_dimension: ...} on the semantic model sets it for all its measures",
    )


@check(tier=Tier.DEFINITION, points=3, concepts=["sl.entities"])
def entities_have_the_stated_types(a: SemanticArtifacts) -> None:
    """The entities are primary, foreign, unique (email) and natural (country, with a primary_entity)."""
    wrong = []
    for name, want in ENTITIES.items():
        model = a.semantic_model(name)
        found = {e["name"]: e["type"] for e in model.get("entities", [])}
        wrong += [f"{name}: {p}" for p in _problems(found, want)]
    if not a.semantic_model("country_population").get("primary_entity"):
        wrong.append("country_population: no primary_entity (its only entity is natural)")
    expect(not wrong, expected="the entities and types the notebook lists", found="; ".join(wrong[:6]))


@check(tier=Tier.DEFINITION, points=2, concepts=["sl.measures"])
def measures_are_declared_with_an_aggregation(a: SemanticArtifacts) -> None:
    """The measures exist in their semantic models, each with an agg; food_revenue aggregates an expression."""
    wrong = []
    for name, measures in MEASURES.items():
        found = {m["name"]: m for m in a.semantic_model(name).get("measures", [])}
        wrong += [f"{name}.{m} missing" for m in measures if m not in found]
        food = found.get("food_revenue")
        if name == "order_items" and food is not None and not (food.get("expr") and "food" in food["expr"]):
            wrong.append(
                f"order_items.food_revenue has expr {food.get('expr')!r}, not a condition on the food category"
            )
    expect(not wrong, expected="the measures the notebook lists", found="; ".join(wrong[:6]))


@check(tier=Tier.DEFINITION, points=2, concepts=["sl.dimensions"])
def dimensions_are_typed_with_their_grain(a: SemanticArtifacts) -> None:
    """Time dimensions at day grain (and valid_from / valid_to as a validity window); the categorical ones."""
    wrong = []
    for name, time_dimension in TIME_DIMENSIONS.items():
        found = {d["name"]: d for d in a.semantic_model(name).get("dimensions", [])}
        dim = found.get(time_dimension)
        grain = ((dim or {}).get("type_params") or {}).get("time_granularity")
        if dim is None or dim["type"] != "time" or grain != "day":
            wrong.append(f"{name}.{time_dimension}: {dim and dim['type']} at {grain}")
    for name, categorical in CATEGORICAL.items():
        found = {d["name"]: d["type"] for d in a.semantic_model(name).get("dimensions", [])}
        wrong += [f"{name}.{c}: {found.get(c, 'missing')}" for c in categorical if found.get(c) != "categorical"]
    validity = {
        d["name"]: (d.get("type_params") or {}).get("validity_params") or {}
        for d in a.semantic_model("country_population").get("dimensions", [])
    }
    if not any(v.get("is_start") for v in validity.values()) or not any(v.get("is_end") for v in validity.values()):
        wrong.append("country_population: no validity window (is_start / is_end)")
    expect(not wrong, expected="the dimensions the notebook lists, with their types", found="; ".join(wrong[:6]))


@check(
    tier=Tier.DEFINITION,
    points=2,
    concepts=[
        "sl.metric_simple",
        "sl.metric_cumulative",
        "sl.metric_ratio",
        "sl.metric_derived",
        "sl.metric_conversion",
    ],
)
def metrics_of_all_five_types(a: SemanticArtifacts) -> None:
    """Every metric of the lab is declared with its type: simple, cumulative, ratio, derived, conversion."""
    found = {m["name"]: m["type"] for m in a.semantic_manifest.get("metrics", [])}
    wrong = _problems(found, METRICS)
    expect(not wrong, expected="the metrics the notebook lists", found="; ".join(wrong[:6]))
