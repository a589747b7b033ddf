"""Lab 01, end-to-end tier: raw files in, correct business numbers out."""

from __future__ import annotations

from decimal import Decimal

from grader.artifacts.dbt import DbtArtifacts
from grader.checks import check, expect
from grader.labs.lab01_dbt_models.expected import expected, to_utc
from grader.model import Tier


@check(tier=Tier.E2E, points=2, concepts=["dbt.elt_workflow"])
def build_runs_every_node_without_error(a: DbtArtifacts) -> None:
    """Load, then one `dbt build` creates every model and runs every test without an error."""
    results = a.run_results("build")["results"]
    bad = {r["unique_id"].split(".", 2)[-1]: r["status"] for r in results if r["status"] not in ("success", "pass")}
    expect(
        len(results) >= 30 and not bad,
        expected="dbt build: 30+ nodes, all success/pass",
        found=f"{len(results)} nodes; not ok: {bad}",
    )


@check(tier=Tier.E2E, points=4, concepts=["dbt.elt_workflow", "dbt.layers"])
def revenue_matches_the_raw_data(a: DbtArtifacts) -> None:
    """Revenue per order and per customer equals the raw order lines, returned orders counting 0."""
    want = expected(**a.options["data"])
    rows = a.query_by_key("select order_id, revenue, order_total from orders")
    got = {int(o): (Decimal(str(r)), Decimal(str(t))) for o, (r, t) in rows.items()}
    wrong = [
        o
        for o in want.orders_build
        if o not in got or abs(got[o][0] - want.revenue(o, want.orders_build)) > Decimal("0.005")
    ]
    expect(
        not wrong,
        expected="orders.revenue = sum of lines, 0 when returned",
        found=f"{len(wrong)} orders differ, e.g. {wrong[:1]}: {got.get(wrong[0]) if wrong else ''}",
    )
    lifetime = {
        int(c): Decimal(str(v))
        for c, v in a.query_by_key("select customer_id, lifetime_revenue from customers").items()
    }
    off = [c for c, v in want.lifetime_revenue.items() if abs(lifetime.get(c, Decimal(-1)) - v) > Decimal("0.01")]
    expect(
        not off, expected="customers.lifetime_revenue over non-returned orders", found=f"{len(off)} customers differ"
    )


@check(tier=Tier.E2E, points=2, concepts=["dbt.layers"])
def staging_deduplicates_and_converts_to_utc(a: DbtArtifacts) -> None:
    """stg_orders and stg_customers hold one row per key, timestamps converted to UTC."""
    want = expected(**a.options["data"])
    orders = {int(o): t for o, t in a.query_by_key("select order_id, ordered_at from stg_orders").items()}
    expect(
        len(orders) == len(want.orders_build),
        expected=f"{len(want.orders_build)} orders in stg_orders",
        found=len(orders),
    )
    wrong = [o for o, row in want.orders_build.items() if orders.get(int(o)) != to_utc(str(row["ordered_at"]))]
    expect(
        not wrong,
        expected="ordered_at in UTC ('2025-03-04 10:15:00+01:00' -> 09:15:00)",
        found=f"{len(wrong)} differ, e.g. order {wrong[:1]}: {orders.get(int(wrong[0])) if wrong else ''}",
    )
    signed_up = {int(c): t for c, t in a.query_by_key("select customer_id, signed_up_at from stg_customers").items()}
    late = [c for c, row in want.customers.items() if signed_up.get(int(c)) != to_utc(str(row["signed_up_at"]))]
    expect(
        not late,
        expected="signed_up_at in UTC, as ordered_at",
        found=f"{len(late)} differ, e.g. customer {late[:1]}: {signed_up.get(int(late[0])) if late else ''}",
    )
    emails = a.query_by_key("select customer_id, email from stg_customers")
    stale = [c for c, row in want.customers.items() if (emails.get(c) or "") != (row["email"] or "")]
    expect(
        len(emails) == len(want.customers) and not stale,
        expected=f"{len(want.customers)} customers, each with its latest email",
        found=f"{len(emails)} customers, {len(stale)} with an old email",
    )
