"""The requests lab 02's job sends the learner's semantic layer, as a BI tool sends them to the Semantic Layer API.

Every metric the lab asks for, at day, week and month grain, grouped by dimensions of other
semantic models (joins MetricFlow must find from the entities), with a ``where`` filter, an
``order_by`` and ``limit``, the saved query, and one request compiled to SQL without running
it. The job answers them all in one process (grader/sandbox/extensions/metric_queries.py);
expected.py computes the same figures from the raw data, without MetricFlow.
"""

from __future__ import annotations

from typing import Any

# the region the where filter keeps: West holds four countries, so a filter on the wrong
# dimension (the country code) or none at all gives other figures
FILTER_REGION = "West"

QUERIES: dict[str, dict[str, Any]] = {
    "money_by_month": {
        "metrics": ["revenue", "cost", "gross_profit", "food_revenue"],
        "group_by": ["metric_time__month"],
    },
    "orders_by_day": {"metrics": ["orders", "completed_orders"], "group_by": ["metric_time__day"]},
    "orders_by_status": {"metrics": ["orders"], "group_by": ["order__status"]},
    "orders_by_returned": {"metrics": ["orders"], "group_by": ["order__is_returned"]},
    "revenue_by_category_and_week": {"metrics": ["revenue"], "group_by": ["order_item__category", "metric_time__week"]},
    "food_share_by_month": {"metrics": ["food_revenue_share"], "group_by": ["metric_time__month"]},
    "food_share_overall": {"metrics": ["food_revenue_share"]},
    "cumulative_revenue_by_day": {"metrics": ["cumulative_revenue"], "group_by": ["metric_time__day"]},
    "revenue_mtd_by_day": {"metrics": ["revenue_mtd"], "group_by": ["metric_time__day"]},
    "revenue_mtd_by_month": {"metrics": ["revenue_mtd"], "group_by": ["metric_time__month"]},
    "weekly_active_customers_by_day": {"metrics": ["weekly_active_customers"], "group_by": ["metric_time__day"]},
    "revenue_growth_by_day": {"metrics": ["revenue_growth_7d"], "group_by": ["metric_time__day"]},
    "conversion_by_month": {"metrics": ["visit_to_order_7d"], "group_by": ["metric_time__month"]},
    "visits_by_channel": {"metrics": ["visits"], "group_by": ["session__channel"]},
    "customers_by_region": {"metrics": ["customers"], "group_by": ["customer__region"]},
    "revenue_by_region": {"metrics": ["revenue"], "group_by": ["customer__region"]},
    "orders_by_population": {"metrics": ["orders"], "group_by": ["customer__country__population"]},
    "visits_by_population_and_month": {
        "metrics": ["visits"],
        "group_by": ["customer__country__population", "metric_time__month"],
    },
    "revenue_in_one_region_by_month": {
        "metrics": ["revenue"],
        "group_by": ["metric_time__month"],
        "where": [f"{{{{ Dimension('customer__region') }}}} = '{FILTER_REGION}'"],
    },
    "saved_query": {"saved_query": "daily_revenue_by_category"},
    "top_revenue_days": {
        "metrics": ["revenue"],
        "group_by": ["metric_time__day"],
        "order_by": ["-revenue"],
        "limit": 5,
    },
    "revenue_by_region_sql": {"metrics": ["revenue"], "group_by": ["customer__region"], "compile": True},
}
