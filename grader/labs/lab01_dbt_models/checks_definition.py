"""Lab 01, definition tier: what the manifest says the project is (before any row is read)."""

from __future__ import annotations

from grader.artifacts.dbt import DbtArtifacts
from grader.checks import CheckFailed, check, expect
from grader.model import Tier

MARTS = ("orders", "customers", "country_category_revenue", "selected_country_population", "customer_segments")
STAGING = ("stg_customers", "stg_orders", "stg_order_items", "stg_payments", "stg_country_population", "stg_suppliers")
RAW_TABLES = ("customers", "orders", "order_items", "payments", "country_population")


def _parents(a: DbtArtifacts, node: dict) -> list[str]:
    return list(node["depends_on"]["nodes"])


@check(tier=Tier.DEFINITION, points=1, concepts=["dbt.seeds"])
def seed_declares_column_types(a: DbtArtifacts) -> None:
    """The countries seed keeps iso_numeric as text through column_types."""
    seed = a.find("seed", "countries")
    if seed is None:
        raise CheckFailed("a seed named countries", "none")
    types = {k.lower(): str(v).lower() for k, v in (seed["config"].get("column_types") or {}).items()}
    expect(
        types.get("iso_numeric", "").startswith(("varchar", "text", "char")),
        expected="column_types: {iso_numeric: varchar(3)} so 040 keeps its zero",
        found=f"column_types: {types}",
    )


@check(tier=Tier.DEFINITION, points=2, concepts=["dbt.sources"])
def sources_declare_raw_tables_with_freshness(a: DbtArtifacts) -> None:
    """Source shop declares the raw tables, with loaded_at_field, warn after 1 day and error after 7 days."""
    shop = {s["name"]: s for s in a.nodes("source") if s["source_name"] == "shop"}
    missing = [t for t in RAW_TABLES if t not in shop]
    expect(not missing, expected=f"source('shop', ...) tables {', '.join(RAW_TABLES)}", found=f"missing: {missing}")
    orders = shop["orders"]
    freshness = orders.get("freshness") or {}
    expect(
        orders.get("loaded_at_field") == "_loaded_at" and (freshness.get("warn_after") or {}).get("count"),
        expected="loaded_at_field: _loaded_at and freshness.warn_after on the shop source",
        found=f"loaded_at_field={orders.get('loaded_at_field')!r}, freshness={freshness}",
    )
    # values, not spellings: 1 day and 24 hours are the same rule
    rules = {kind: _hours(freshness.get(kind)) for kind in ("warn_after", "error_after")}
    expect(
        rules == {"warn_after": 24, "error_after": 168},
        expected="warn after 1 day (24 hours), error after 7 days (168 hours)",
        found=", ".join(f"{k}: {'none' if v is None else f'{v:g} hours'}" for k, v in rules.items()),
    )


def _hours(rule: dict | None) -> float | None:
    """A freshness threshold ({count, period}) in hours; None when it is not set."""
    if not rule or rule.get("count") is None:
        return None
    return float(rule["count"]) * {"minute": 1 / 60, "hour": 1, "day": 24}.get(str(rule.get("period")), 0)


@check(tier=Tier.DEFINITION, points=2, concepts=["dbt.sources", "dbt.layers"])
def staging_models_select_from_sources(a: DbtArtifacts) -> None:
    """Every staging model reads its raw table through source(), never by name."""
    wrong = []
    for name in STAGING:
        node = a.model(name)
        if not any(p.startswith("source.") for p in _parents(a, node)):
            wrong.append(name)
    expect(
        not wrong,
        expected="{{ source('shop', ...) }} in every staging model",
        found=f"no source() in: {', '.join(wrong)}",
        hint="a hard-coded raw.orders works once but hides the lineage and breaks on another target",
    )


@check(tier=Tier.DEFINITION, points=2, concepts=["dbt.models_ref", "dbt.layers"])
def marts_build_on_refs_not_sources(a: DbtArtifacts) -> None:
    """Marts read staging/intermediate models through ref() and never a source directly."""
    problems = []
    for name in MARTS:
        parents = _parents(a, a.model(name))
        if not any(p.startswith(("model.", "seed.")) for p in parents):
            problems.append(f"{name} has no ref()")
        if any(p.startswith("source.") for p in parents):
            problems.append(f"{name} reads a source")
    orders = _parents(a, a.model("orders"))
    if f"model.{a.project_name}.int_order_totals" not in orders:
        problems.append("orders does not ref('int_order_totals')")
    expect(
        not problems,
        expected="marts built only from ref() to staging, intermediate and seeds",
        found="; ".join(problems),
    )


@check(tier=Tier.DEFINITION, points=1, concepts=["dbt.models_ref"])
def finance_tag_selects_revenue_models(a: DbtArtifacts) -> None:
    """`dbt build --select tag:finance` picks orders and country_category_revenue."""
    tagged = sorted(n["name"] for n in a.nodes("model") if "finance" in n.get("tags", []))
    expect(
        {"orders", "country_category_revenue"} <= set(tagged),
        expected="tag finance on orders and country_category_revenue",
        found=f"tagged finance: {tagged}",
    )


@check(tier=Tier.DEFINITION, points=2, concepts=["dbt.materializations", "dbt.incremental"])
def materializations_set_per_folder(a: DbtArtifacts) -> None:
    """staging views, intermediate ephemeral, marts tables (set per folder); orders is incremental."""
    config = a.read_yaml("dbt_project.yml", base=a.project) or {}
    folders = (config.get("models") or {}).get(a.project_name) or {}
    wanted = {"staging": "view", "intermediate": "ephemeral", "marts": "table"}
    # dbt reads a folder config with or without the `+` prefix: both spellings are the same setting
    found = {f: _folder_setting(folders.get(f), "materialized") for f in wanted}
    expect(found == wanted, expected=f"+materialized per folder in dbt_project.yml: {wanted}", found=found)
    orders = a.model("orders")["config"]
    # unique_key is judged by what a rerun does (integration tier), not by how it is spelled here.
    expect(
        orders.get("materialized") == "incremental",
        expected="orders: materialized='incremental'",
        found=f"materialized={orders.get('materialized')!r}",
    )


def _folder_setting(folder: object, key: str) -> object:
    if not isinstance(folder, dict):
        return None
    return folder.get(f"+{key}", folder.get(key))


@check(tier=Tier.DEFINITION, points=3, concepts=["dbt.tests_generic"])
def generic_tests_cover_keys_status_and_relationships(a: DbtArtifacts) -> None:
    """unique + not_null on the keys, accepted_values on status, relationships orders -> customers."""

    def has(model: str, test: str, column: str) -> bool:
        return any(
            t["test_metadata"]["name"] == test and t.get("column_name") == column
            for t in a.tests_on(model)
            if t.get("test_metadata")
        )

    wanted = [
        (m, t, c)
        for m, c in (
            ("stg_orders", "order_id"),
            ("stg_customers", "customer_id"),
            ("orders", "order_id"),
            ("customers", "customer_id"),
        )
        for t in ("unique", "not_null")
    ]
    wanted += [("stg_orders", "accepted_values", "status"), ("orders", "relationships", "customer_id")]
    missing = [f"{t} on {m}.{c}" for m, t, c in wanted if not has(m, t, c)]
    expect(not missing, expected="generic data tests in the models' YAML", found=f"missing: {'; '.join(missing)}")


@check(tier=Tier.DEFINITION, points=2, concepts=["dbt.docs"])
def marts_and_columns_are_documented(a: DbtArtifacts) -> None:
    """Every mart and each of its columns has a description; status uses the order_status doc block."""
    doc = a.manifest["docs"].get(f"doc.{a.project_name}.order_status")
    expect(doc, expected="a {% docs order_status %} block in models/", found="no doc block named order_status")
    gaps = []
    for name in MARTS:
        node = a.model(name)
        if not node["description"].strip():
            gaps.append(name)
        gaps += [f"{name}.{c}" for c, col in node["columns"].items() if not col["description"].strip()]
        if len(node["columns"]) < 2:
            gaps.append(f"{name} (columns not listed)")
    expect(not gaps, expected="descriptions on every mart and column", found=f"undocumented: {', '.join(gaps)}")
    status = a.model("orders")["columns"].get("status", {})
    expect(
        status.get("description", "").strip() == doc["block_contents"].strip(),
        expected="orders.status described with {{ doc('order_status') }}",
        found=repr(status.get("description", ""))[:120],
    )


@check(tier=Tier.DEFINITION, points=2, concepts=["dbt.lineage"])
def lineage_runs_from_sources_to_marts(a: DbtArtifacts) -> None:
    """In the lineage graph every mart traces back to the shop sources through staging."""
    parents = {n["unique_id"]: _parents(a, n) for n in a.nodes("model")}

    def ancestors(node_id: str) -> set[str]:
        seen: set[str] = set()
        stack = [node_id]
        while stack:
            for parent in parents.get(stack.pop(), []):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        return seen

    problems = []
    project = a.project_name
    for name in ("orders", "customers", "country_category_revenue"):
        up = ancestors(f"model.{project}.{name}")
        for needed in (f"source.{project}.shop.orders", f"source.{project}.shop.order_items"):
            if needed not in up:
                problems.append(f"{name} does not trace back to {needed}")
    expect(
        not problems,
        expected="source -> staging -> intermediate -> mart paths in the lineage",
        found="; ".join(problems),
    )
