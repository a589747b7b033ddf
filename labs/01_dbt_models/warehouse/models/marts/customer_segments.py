"""One row per customer with a marketing segment: a Python model next to the SQL ones.

dbt-duckdb runs this function in the dbt process; dbt.ref() returns a DuckDB relation and the
returned DataFrame becomes the table.
"""


def segment(order_count, lifetime_revenue):
    """The segment rules marketing asked for, in the order they apply."""
    # TODO: prospect (no orders), vip (lifetime_revenue >= 1000), regular (>= 5 orders), else occasional (exercise 11.1)
    raise NotImplementedError('prospect (no orders), vip (lifetime_revenue >= 1000), regular (>= 5 orders), else occasional (exercise 11.1)')


def model(dbt, session):
    dbt.config(materialized="table")
    customers = dbt.ref("customers").df()
    segments = customers[["customer_id", "order_count", "lifetime_revenue"]].copy()
    segments["segment"] = [
        segment(int(count), float(revenue))
        for count, revenue in zip(segments["order_count"], segments["lifetime_revenue"])
    ]
    return segments
