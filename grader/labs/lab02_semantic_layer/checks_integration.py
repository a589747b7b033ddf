"""Lab 02, integration tier: each metric's figures, queried through MetricFlow, equal the raw data's."""

from __future__ import annotations

from grader.artifacts.semantic import SemanticArtifacts
from grader.checks import check
from grader.labs.lab02_semantic_layer import expected as ex
from grader.labs.lab02_semantic_layer.compare import RATIO, expect_figures, shop
from grader.model import Tier


def _column(table: dict, name: str) -> dict:
    return {k: v[name] for k, v in table.items()}


@check(tier=Tier.INTEGRATION, points=3, concepts=["sl.metric_simple", "sl.measures"])
def simple_metrics_sum_revenue_and_cost(a: SemanticArtifacts) -> None:
    """revenue and cost by month are the sums of the order lines (a returned order counting 0)."""
    money = ex.money_by_month(shop())
    for metric in ("revenue", "cost"):
        expect_figures(a, "money_by_month", metric, _column(money, metric))


@check(tier=Tier.INTEGRATION, points=2, concepts=["sl.metric_simple", "sl.measures"])
def orders_count_every_order_once(a: SemanticArtifacts) -> None:
    """orders by day counts each order once (its latest delivery), on its UTC day."""
    expect_figures(a, "orders_by_day", "orders", _column(ex.orders_by_day(shop()), "orders"))


@check(tier=Tier.INTEGRATION, points=2, concepts=["sl.metric_simple"])
def completed_orders_filter_on_the_status(a: SemanticArtifacts) -> None:
    """completed_orders by day counts only the orders whose status is completed."""
    expect_figures(a, "orders_by_day", "completed_orders", _column(ex.orders_by_day(shop()), "completed_orders"))


@check(tier=Tier.INTEGRATION, points=2, concepts=["sl.measures"])
def food_revenue_counts_only_food_lines(a: SemanticArtifacts) -> None:
    """food_revenue by month is the revenue of the food lines (the conditional measure)."""
    expect_figures(a, "money_by_month", "food_revenue", _column(ex.money_by_month(shop()), "food_revenue"))


@check(tier=Tier.INTEGRATION, points=2, concepts=["sl.metric_cumulative"])
def running_total_adds_up_every_day(a: SemanticArtifacts) -> None:
    """cumulative_revenue by day is all revenue up to and including the day (flat on days without orders)."""
    expect_figures(a, "cumulative_revenue_by_day", "cumulative_revenue", ex.cumulative_revenue_by_day(shop()))


@check(tier=Tier.INTEGRATION, points=2, concepts=["sl.metric_cumulative"])
def weekly_active_customers_look_back_7_days(a: SemanticArtifacts) -> None:
    """weekly_active_customers on a day: distinct customers who ordered that day or in the 6 days before."""
    expect_figures(
        a, "weekly_active_customers_by_day", "weekly_active_customers", ex.weekly_active_customers_by_day(shop())
    )


@check(tier=Tier.INTEGRATION, points=2, concepts=["sl.metric_cumulative"])
def month_to_date_starts_again_each_month(a: SemanticArtifacts) -> None:
    """revenue_mtd by day sums from the first of the month; by month it is the month's total (its last day's value)."""
    expect_figures(a, "revenue_mtd_by_day", "revenue_mtd", ex.revenue_mtd_by_day(shop()))
    expect_figures(
        a, "revenue_mtd_by_month", "revenue_mtd", ex.revenue_mtd_by_month(shop()),
        hint="at month grain a cumulative metric gives the first day's value unless period_agg says last",
    )  # fmt: skip


@check(tier=Tier.INTEGRATION, points=2, concepts=["sl.metric_ratio"])
def food_share_divides_the_sums(a: SemanticArtifacts) -> None:
    """food_revenue_share is food revenue over all revenue of the same rows, by month and overall."""
    expect_figures(a, "food_share_by_month", "food_revenue_share", ex.food_share_by_month(shop()), tolerance=RATIO)
    expect_figures(a, "food_share_overall", "food_revenue_share", {(): ex.food_share_overall(shop())}, tolerance=RATIO)


@check(tier=Tier.INTEGRATION, points=2, concepts=["sl.metric_derived"])
def gross_profit_is_revenue_minus_cost(a: SemanticArtifacts) -> None:
    """gross_profit by month is revenue minus cost."""
    expect_figures(a, "money_by_month", "gross_profit", _column(ex.money_by_month(shop()), "gross_profit"))


@check(tier=Tier.INTEGRATION, points=2, concepts=["sl.metric_derived"])
def revenue_growth_compares_with_7_days_before(a: SemanticArtifacts) -> None:
    """revenue_growth_7d on a day is (revenue - revenue 7 days before) / revenue 7 days before."""
    expect_figures(
        a, "revenue_growth_by_day", "revenue_growth_7d", ex.revenue_growth_by_day(shop()), tolerance=RATIO,
        additive=False,
    )  # fmt: skip


@check(tier=Tier.INTEGRATION, points=3, concepts=["sl.metric_conversion"])
def visits_convert_to_orders_within_7_days(a: SemanticArtifacts) -> None:
    """visit_to_order_7d by month: orders placed on a visit's day or the 6 after, by the same customer, per visit."""
    expect_figures(
        a, "conversion_by_month", "visit_to_order_7d", ex.conversion_by_month(shop()), tolerance=RATIO, additive=False
    )


@check(tier=Tier.INTEGRATION, points=2, concepts=["sl.dimensions"])
def dimensions_group_the_metrics(a: SemanticArtifacts) -> None:
    """Metrics grouped by status, is_returned, channel, and category by week give the raw data's figures."""
    data = shop()
    expect_figures(a, "orders_by_status", "orders", ex.orders_by_status(data))
    expect_figures(a, "orders_by_returned", "orders", ex.orders_by_returned(data))
    expect_figures(a, "visits_by_channel", "visits", ex.visits_by_channel(data))
    expect_figures(a, "revenue_by_category_and_week", "revenue", ex.revenue_by_category_and_week(data))
