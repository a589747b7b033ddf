"""Lab 02, E2E tier: requests as a BI tool sends them, across semantic models, answered with the right rows."""

from __future__ import annotations

from grader.artifacts.semantic import SemanticArtifacts
from grader.checks import check, expect
from grader.labs.lab02_semantic_layer import expected as ex
from grader.labs.lab02_semantic_layer.compare import CENT, expect_figures, shop
from grader.model import Tier


@check(tier=Tier.E2E, points=3, concepts=["sl.query", "sl.entities"])
def metrics_group_by_dimensions_of_other_models(a: SemanticArtifacts) -> None:
    """revenue, customers by customer__region; orders, visits by customer__country__population (valid on the day)."""
    data = shop()
    expect_figures(a, "revenue_by_region", "revenue", ex.revenue_by_region(data))
    expect_figures(a, "customers_by_region", "customers", ex.customers_by_region(data))
    expect_figures(
        a, "orders_by_population", "orders", ex.orders_by_population(data),
        hint="the population valid on the order's day: valid_from and valid_to are the natural entity's window",
    )  # fmt: skip
    expect_figures(
        a, "visits_by_population_and_month", "visits", ex.visits_by_population_and_month(data),
        hint="a visit of December 2024 takes 2024's figure, valid until the next one starts",
    )  # fmt: skip


@check(tier=Tier.E2E, points=2, concepts=["sl.query"])
def where_filter_keeps_one_region(a: SemanticArtifacts) -> None:
    """revenue by month where customer__region = 'West' counts that region's customers only."""
    expect_figures(a, "revenue_in_one_region_by_month", "revenue", ex.revenue_in_one_region_by_month(shop()))


@check(tier=Tier.E2E, points=2, concepts=["sl.api"])
def saved_query_answers_by_day_and_category(a: SemanticArtifacts) -> None:
    """The saved query daily_revenue_by_category returns revenue and gross profit per day and category."""
    want = ex.saved_query(shop())
    rows = a.rows("saved_query")
    columns = set(rows[0]) if rows else set()
    expect(
        {"metric_time__day", "order_item__category", "revenue", "gross_profit"} <= columns,
        expected="columns metric_time__day, order_item__category, revenue, gross_profit",
        found=sorted(columns) or "no rows",
    )
    got = {(str(r["metric_time__day"])[:10], r["order_item__category"]): r for r in rows}
    wrong = [
        f"{day}/{category}: {metric} {got.get((day, category), {}).get(metric)}, expected {value}"
        for (day, category), values in sorted(want.items())
        for metric, value in values.items()
        if abs(float(got.get((day, category), {}).get(metric) or 0) - float(value)) > CENT
    ]
    expect(not wrong, expected="the saved query's figures", found=f"{len(wrong)} differ: " + "; ".join(wrong[:3]))


@check(tier=Tier.E2E, points=2, concepts=["sl.api"])
def ordered_and_limited_request_returns_the_top_days(a: SemanticArtifacts) -> None:
    """A request with order_by -revenue and limit 5 returns the five days of highest revenue, highest first."""
    rows = a.rows("top_revenue_days")
    found = [(str(r.get("metric_time__day"))[:10], round(float(r.get("revenue") or 0), 2)) for r in rows]
    want = [(day, round(float(value), 2)) for day, value in ex.top_revenue_days(shop())]
    expect(found == want, expected=f"{want}", found=f"{found}")


@check(tier=Tier.E2E, points=2, concepts=["sl.query"])
def postgres_answers_the_same(a: SemanticArtifacts) -> None:
    """Built on PostgreSQL, the same semantic layer answers each request DuckDB answered, with the same rows."""
    pg = a.postgres
    expect(
        pg.get("ok"), expected="the project to build on PostgreSQL", found=str(pg.get("error") or pg.get("stage"))[:600]
    )
    answers = pg.get("answers") or {}
    wrong = []
    for query_id, found in sorted(answers.items()):
        duck = a.answers.get(query_id, {})
        if "error" in duck:  # broken on DuckDB too: charged by the check of that query, not here
            continue
        if "error" in found:
            wrong.append(f"{query_id}: {found['error'][:300]}")
        elif _as_set(found) != _as_set(duck):
            wrong.append(f"{query_id}: other rows than on DuckDB")
    expect(
        answers and not wrong,
        expected="every request answered on PostgreSQL as on DuckDB",
        found=f"{len(wrong)} differ: " + "; ".join(wrong[:3]) if answers else pg.get("answers_error", "no answers"),
        hint="a measure or dimension expr in DuckDB-only SQL (if(), ::, qualify) fails on PostgreSQL",
    )


def _as_set(answer: dict) -> set[tuple]:
    """The rows as a set, days as 2025-03-01, numbers to a cent (PostgreSQL's numeric vs DuckDB's double)."""
    columns = answer.get("columns", [])
    order = sorted(range(len(columns)), key=lambda i: columns[i])
    return {tuple((columns[i], _cell(row[i])) for i in order) for row in answer.get("rows", [])}


def _cell(value: object) -> object:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return round(float(value), 4)
    text = str(value)
    return text[:10] if len(text) >= 10 and text[4:5] == "-" and text[7:8] == "-" else text
