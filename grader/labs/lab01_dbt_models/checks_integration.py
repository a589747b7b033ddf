"""Lab 01, integration tier: what the build really put in the warehouse, and a second run."""

from __future__ import annotations

from decimal import Decimal

from grader.artifacts.dbt import DbtArtifacts
from grader.checks import check, expect
from grader.datagen import COUNTRIES
from grader.labs.lab01_dbt_models.expected import expected
from grader.model import Tier


def _built(a: DbtArtifacts, name: str) -> None:
    result = a.result(f"model.{a.project_name}.{name}") or {}
    status = result.get("status", "not run")
    why = (result.get("message") or "").strip().splitlines()
    expect(
        status == "success",
        expected=f"model {name} to build",
        found=f"status {status!r}" + (f": {' '.join(why[-3:])[:500]}" if why else ""),
    )


def _tests_are_dbt_s_own(a: DbtArtifacts) -> None:
    overridden = a.overridden_builtin_tests()
    expect(
        not overridden,
        expected="dbt's own unique / not_null / accepted_values / relationships tests",
        found=f"your project redefines {', '.join(overridden)}, so their results cannot be trusted",
        hint="remove those macros: a test you rewrite to always pass proves nothing",
    )


@check(tier=Tier.INTEGRATION, points=2, concepts=["dbt.profiles_targets"])
def learner_profile_connects(a: DbtArtifacts) -> None:
    """Your profiles.yml target dev connects (dbt debug), its DuckDB path taken from FERNHILL_DUCKDB_PATH."""
    profiles = a.read_yaml("profiles.yml", base=a.project) or {}
    outputs = ((profiles.get("fernhill") or {}).get("outputs") or {}) if isinstance(profiles, dict) else {}
    dev = outputs.get("dev") or {}
    expect(
        dev.get("type") == "duckdb" and "env_var('FERNHILL_DUCKDB_PATH'" in str(dev.get("path", "")).replace('"', "'"),
        expected="outputs.dev: type duckdb, path \"{{ env_var('FERNHILL_DUCKDB_PATH', ...) }}\"",
        found=dev or "no dev target",
    )
    probe = a.probe("learner_profile_dev")
    expect(probe["ok"], expected="`dbt debug --target dev` to connect", found=probe.get("error", "")[:600])


@check(tier=Tier.INTEGRATION, points=2, concepts=["dbt.seeds"])
def seed_loads_with_its_types(a: DbtArtifacts) -> None:
    """The countries seed table keeps leading zeros and the commas inside quoted names."""
    rows = dict(a.query("select country_code, iso_numeric from countries"))
    want = {c.code: c.iso_numeric for c in COUNTRIES}
    expect(
        {k: str(v) for k, v in rows.items()} == want,
        expected="iso_numeric AT=040, BE=056, ...",
        found=f"AT={rows.get('AT')!r}, BE={rows.get('BE')!r}",
    )
    names = dict(a.query("select country_code, country_name from countries"))
    expect(
        names.get("NL") == "Netherlands, Kingdom of the",
        expected="NL = 'Netherlands, Kingdom of the'",
        found=repr(names.get("NL")),
    )


@check(tier=Tier.INTEGRATION, points=2, concepts=["dbt.seeds_json"])
def suppliers_json_is_read_as_a_source(a: DbtArtifacts) -> None:
    """stg_suppliers flattens suppliers.json: one row per supplier with contact_email."""
    _built(a, "stg_suppliers")
    kind = a.relation_types().get("stg_suppliers")
    expect(
        kind == "BASE TABLE",
        expected="stg_suppliers materialized as a table (the file is read once, at build)",
        found=f"a {kind or 'missing relation'}: a view would read the JSON file again on every query",
    )
    want = {s["supplier_id"]: s["contact"]["email"] for s in expected(**a.options["data"]).suppliers}
    got = a.query_by_key("select supplier_id, contact_email from stg_suppliers")
    expect(got == want, expected=f"{len(want)} suppliers with their contact email", found=f"{len(got)}: {got}")
    node = a.model("stg_suppliers")
    expect(
        any(p.startswith("source.") and ".reference." in p for p in node["depends_on"]["nodes"]),
        expected="stg_suppliers reading {{ source('reference', 'suppliers') }}",
        found=node["depends_on"]["nodes"],
    )


@check(tier=Tier.INTEGRATION, points=1, concepts=["dbt.sources"])
def source_tests_run_and_pass(a: DbtArtifacts) -> None:
    """The source tests (not_null on the raw keys) run in the build and pass."""
    _tests_are_dbt_s_own(a)
    tests = [t for t in a.nodes("test") if any(p.startswith("source.") for p in t["depends_on"]["nodes"])]
    expect(len(tests) >= 2, expected="at least two tests on source columns", found=len(tests))
    statuses = {t["name"]: a.status(t["unique_id"]) for t in tests}
    expect(all(s == "pass" for s in statuses.values()), expected="all source tests pass", found=statuses)


@check(tier=Tier.INTEGRATION, points=2, concepts=["dbt.materializations"])
def warehouse_holds_views_tables_and_no_ephemeral(a: DbtArtifacts) -> None:
    """Staging models are views, marts are tables, the ephemeral int_order_totals is not in the warehouse."""
    kinds = a.relation_types()
    wrong = [f"{n} is {kinds.get(n, 'missing')}" for n in ("stg_orders", "stg_customers") if kinds.get(n) != "VIEW"]
    wrong += [f"{n} is {kinds.get(n, 'missing')}" for n in ("orders", "customers") if kinds.get(n) != "BASE TABLE"]
    if "int_order_totals" in kinds:
        wrong.append("int_order_totals exists (ephemeral models are inlined, never created)")
    expect(not wrong, expected="views for staging, tables for marts, nothing for ephemeral", found="; ".join(wrong))


@check(tier=Tier.INTEGRATION, points=4, concepts=["dbt.incremental"])
def incremental_run_merges_late_and_updated_orders(a: DbtArtifacts) -> None:
    """A second run adds late-arriving orders, updates changed statuses and duplicates nothing."""
    want = expected(**a.options["data"])
    expect(
        a.step_ok("incremental"),
        expected="`dbt run --select orders` to succeed after the second load",
        found=a.step("incremental").get("error", "")[:600],
    )
    rows = a.query("select order_id, status from orders", "incremental")
    ids = [r[0] for r in rows]
    expect(
        len(ids) == len(set(ids)),
        expected="each order_id once after the second run",
        found=f"{len(ids) - len(set(ids))} duplicated rows",
        hint="unique_key='order_id' makes the rerun merge",
    )
    missing_late = sorted(want.late_order_ids - set(ids))
    expect(
        not missing_late,
        expected="late-arriving orders (ordered in June, loaded in July) in orders",
        found=f"{len(missing_late)} missing, e.g. {missing_late[:3]}",
        hint="filter the new rows on loaded_at, not ordered_at",
    )
    statuses = dict(rows)
    stale = [oid for oid, status in want.updated_statuses.items() if statuses.get(oid) != status]
    expect(
        not stale,
        expected="re-delivered orders carry their new status",
        found=f"{len(stale)} stale, e.g. order {stale[:1]}",
    )
    expect(len(ids) == len(want.orders_incremental), expected=f"{len(want.orders_incremental)} orders", found=len(ids))
    result = a.result(f"model.{a.project_name}.orders", "incremental") or {}
    expect(
        "loaded_at" in str(result.get("compiled_code", "")) and "max(" in str(result.get("compiled_code", "")).lower(),
        expected="the second run compiled with the is_incremental() filter on max(loaded_at)",
        found="the full-rebuild SQL",
    )


@check(tier=Tier.INTEGRATION, points=1, concepts=["dbt.jinja_vars"])
def selected_country_uses_default_vars(a: DbtArtifacts) -> None:
    """With the vars of dbt_project.yml the model holds Germany in 2024."""
    rows = a.query("select country_code, year, population from selected_country_population")
    want = expected(**a.options["data"]).population[("DE", 2024)]
    expect(rows == [("DE", 2024, want)], expected=f"[('DE', 2024, {want})]", found=rows[:3])


@check(tier=Tier.INTEGRATION, points=3, concepts=["dbt.python_models"])
def python_model_segments_customers(a: DbtArtifacts) -> None:
    """customer_segments, a Python model, gives each customer the segment the rules say."""
    node = a.model("customer_segments")
    expect(node["language"] == "python", expected="customer_segments.py (a Python model)", found=node["language"])
    _built(a, "customer_segments")
    want = expected(**a.options["data"]).segments
    got = {int(c): s for c, s in a.query_by_key("select customer_id, segment from customer_segments").items()}
    wrong = sorted(c for c in want if got.get(c) != want[c])
    expect(
        not wrong and len(got) == len(want),
        expected=f"{len(want)} customers segmented",
        found=f"{len(wrong)} wrong, e.g. customer {wrong[:1]}: {got.get(wrong[0]) if wrong else ''} "
        f"instead of {want[wrong[0]] if wrong else ''}",
    )


@check(tier=Tier.INTEGRATION, points=2, concepts=["dbt.tests_generic"])
def generic_tests_run_and_pass(a: DbtArtifacts) -> None:
    """The generic tests of the models run in dbt build and all pass."""
    _tests_are_dbt_s_own(a)
    tests = [
        t for t in a.nodes("test") if t.get("test_metadata") and (t.get("attached_node") or "").startswith("model.")
    ]
    expect(len(tests) >= 10, expected="at least 10 generic tests on models", found=len(tests))
    failing = {t["name"]: a.status(t["unique_id"]) for t in tests if a.status(t["unique_id"]) != "pass"}
    expect(not failing, expected="every generic test passes", found=failing)


@check(tier=Tier.INTEGRATION, points=2, concepts=["dbt.tests_singular"])
def singular_range_test_runs_on_orders(a: DbtArtifacts) -> None:
    """A singular test in tests/ checks the range of orders.order_total and passes."""
    singular = [
        t
        for t in a.nodes("test")
        if not t.get("test_metadata") and f"model.{a.project_name}.orders" in t["depends_on"]["nodes"]
    ]
    expect(singular, expected="a singular SQL test in tests/ that refs orders", found="none")
    code = singular[0].get("raw_code", "").lower()
    expect(
        "order_total" in code and ("<" in code or "between" in code or ">" in code),
        expected="a range condition on order_total",
        found=code[:200],
    )
    statuses = {t["name"]: a.status(t["unique_id"]) for t in singular}
    expect(all(s == "pass" for s in statuses.values()), expected="the singular test passes", found=statuses)
    planted = a.probe("singular_test_on_a_huge_total")
    failures = {t["name"]: (planted.get("failures") or {}).get(t["unique_id"]) for t in singular}
    expect(
        2 in failures.values(),
        expected="the test to return 2 rows once orders of -0.01, 2000.00 and 2000.01 are planted in orders "
        "(below 0 and above 2000 fail; 2000.00 is in range)",
        found=f"rows returned: {failures}" + (f" ({planted['error']})" if planted.get("error") else ""),
        hint="a test that cannot fail proves nothing: select the rows outside the expected range",
    )


@check(tier=Tier.INTEGRATION, points=2, concepts=["dbt.macro_pivot"])
def country_category_revenue_is_pivoted(a: DbtArtifacts) -> None:
    """country_category_revenue has a revenue column per category with the right sums."""
    want = expected(**a.options["data"]).country_category_revenue
    rows = a.query_by_key("select country_code, food_revenue, kitchen_revenue from country_category_revenue")
    got = {c: (Decimal(str(f)), Decimal(str(k))) for c, (f, k) in rows.items()}
    wrong = [
        c
        for c, v in want.items()
        if c not in got
        or abs(got[c][0] - v["food"]) > Decimal("0.01")
        or abs(got[c][1] - v["kitchen"]) > Decimal("0.01")
    ]
    expect(
        not wrong and len(got) == len(want),
        expected="food and kitchen revenue per country, returns excluded",
        found=f"wrong for {wrong}" if wrong else f"{len(got)} countries",
    )


# dbt.profiles_targets: the same project on PostgreSQL (built in the same job, see
# grader/sandbox/postgres_target.py), compared with the DuckDB build table by table.


@check(tier=Tier.INTEGRATION, points=1, concepts=["dbt.profiles_targets"])
def learner_pg_target_connects(a: DbtArtifacts) -> None:
    """Your profiles.yml has a target pg of type postgres, its connection read from FERNHILL_PG_* env vars."""
    profiles = a.read_yaml("profiles.yml", base=a.project) or {}
    outputs = ((profiles.get("fernhill") or {}).get("outputs") or {}) if isinstance(profiles, dict) else {}
    pg = outputs.get("pg") or {}
    settings = {key: str(pg.get(key, "")).replace('"', "'") for key in ("host", "user", "password", "dbname")}
    missing = [key for key, value in settings.items() if "env_var('FERNHILL_PG_" not in value]
    expect(
        pg.get("type") == "postgres" and not missing,
        expected="outputs.pg: type postgres; host, user, password and dbname from env_var('FERNHILL_PG_...')",
        found=f"{pg or 'no pg target'}" + (f" (not from env vars: {', '.join(missing)})" if pg and missing else ""),
    )
    probe = a.postgres.get("learner_profile") or {}
    expect(
        probe.get("ok"),
        expected="`dbt debug --target pg` to connect to the grader's PostgreSQL",
        found=(probe.get("error") or a.postgres.get("error") or "it did not run")[:600],
    )


@check(tier=Tier.INTEGRATION, points=3, concepts=["dbt.profiles_targets"])
def project_builds_on_postgres(a: DbtArtifacts) -> None:
    """The same project, unchanged, builds and passes its data tests on PostgreSQL."""
    pg = a.postgres
    statuses = pg.get("statuses") or {}
    expect(
        statuses,
        expected="`dbt build` to run on PostgreSQL",
        found=f"it stopped at '{pg.get('stage')}': {pg.get('error', '')[:600]}",
    )
    python_model = f"model.{a.project_name}.customer_segments"
    expect(
        statuses.get(python_model) != "error",
        expected="the Python model customer_segments switched off on PostgreSQL (dbt-postgres cannot run "
        "Python models)",
        found=(pg.get("messages") or {}).get(python_model, "an error")[:400],
        hint="in its properties: config: enabled: \"{{ target.type != 'postgres' }}\"",
    )
    broken = {uid: status for uid, status in statuses.items() if status not in ("success", "pass")}
    messages = pg.get("messages") or {}
    expect(
        not broken,
        expected="every model, seed and test to pass on PostgreSQL as on DuckDB",
        found="; ".join(
            f"{uid.split('.')[-2] if uid.startswith('test.') else uid.split('.')[-1]} {status}"
            + (f": {messages[uid].strip().splitlines()[0][:200]}" if messages.get(uid) else "")
            for uid, status in sorted(broken.items())[:4]
        ),
        hint="DuckDB-only SQL (qualify, struct.field, len()) needs a portable form or a dispatched macro",
    )
    built_models = {uid.split(".")[-1] for uid in statuses if uid.startswith("model.")}
    duckdb_models = {
        n["name"] for n in a.nodes("model") if n.get("language") == "sql" and n["config"]["materialized"] != "ephemeral"
    }
    expect(
        duckdb_models <= built_models,
        expected=f"the SQL models {sorted(duckdb_models)} on PostgreSQL too",
        found=f"missing: {sorted(duckdb_models - built_models)}",
    )


@check(tier=Tier.INTEGRATION, points=3, concepts=["dbt.profiles_targets"])
def postgres_tables_match_duckdb(a: DbtArtifacts) -> None:
    """On PostgreSQL the marts and stg_suppliers hold exactly the rows they hold on DuckDB."""
    tables = a.postgres.get("tables") or {}
    for name in a.options["postgres_target"]["compare"]:
        expect(name in tables, expected=f"{name} built on PostgreSQL", found="it did not build there")
        columns, rows = a.table(name)
        pg = tables[name]
        expect(
            sorted(pg["columns"]) == sorted(columns),
            expected=f"{name} with columns {sorted(columns)}",
            found=f"on PostgreSQL: {sorted(pg['columns'])}",
        )
        order = [pg["columns"].index(c) for c in columns]
        on_duckdb = _rows(rows)
        on_postgres = _rows([[row[i] for i in order] for row in pg["rows"]])
        only_duckdb = [r for r in on_duckdb if r not in set(on_postgres)]
        only_postgres = [r for r in on_postgres if r not in set(on_duckdb)]
        expect(
            not only_duckdb and not only_postgres and len(on_duckdb) == len(on_postgres),
            expected=f"{name}: the same {len(on_duckdb)} rows on both warehouses",
            found=f"{len(on_postgres)} rows on PostgreSQL; {len(only_duckdb)} only on DuckDB"
            + (f", e.g. {dict(zip(columns, only_duckdb[0], strict=False))}" if only_duckdb else "")
            + f"; {len(only_postgres)} only on PostgreSQL"
            + (f", e.g. {dict(zip(columns, only_postgres[0], strict=False))}" if only_postgres else ""),
        )


def _rows(rows: list) -> list[tuple]:
    """Rows comparable across warehouses: numbers as rounded floats, times as ISO text."""

    def value(v: object) -> object:
        if isinstance(v, bool) or v is None or isinstance(v, str):
            return v
        if isinstance(v, (int, float, Decimal)):
            return round(float(v), 6)
        if hasattr(v, "isoformat"):
            return v.isoformat()
        return str(v)

    return sorted((tuple(value(v) for v in row) for row in rows), key=repr)
