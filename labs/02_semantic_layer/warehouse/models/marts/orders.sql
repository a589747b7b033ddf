-- One row per order, as in lab 01: its day (UTC), status, size and revenue (0 once returned).
with orders as (
    select * from {{ ref('stg_orders') }}
),

totals as (
    select
        order_id,
        sum(quantity) as item_count,
        sum(line_total) as order_total
    from {{ ref('stg_order_items') }}
    group by order_id
)

select
    orders.order_id,
    orders.customer_id,
    orders.ordered_at,
    cast(orders.ordered_at as date) as order_date,
    orders.status,
    coalesce(totals.item_count, 0) as item_count,
    coalesce(totals.order_total, 0) as order_total,
    case when orders.status = 'returned' then 0 else coalesce(totals.order_total, 0) end as revenue
from orders
left join totals on totals.order_id = orders.order_id
