-- One row per order. Incremental: a run only reads rows loaded after the newest row already
-- here. Filtering on loaded_at, not ordered_at, is what catches late-arriving orders.
-- BEGIN SOLUTION: an incremental model with unique_key order_id that filters on loaded_at when is_incremental(); columns order_id, customer_id, ordered_at, status, item_count, order_total, revenue (0 for a returned order), loaded_at (exercise 6.1)
{{ config(materialized='incremental', unique_key='order_id', on_schema_change='fail') }}

with orders as (
    select * from {{ ref('stg_orders') }}
    {% if is_incremental() %}
    where loaded_at > (select max(loaded_at) from {{ this }})
    {% endif %}
),

totals as (
    select * from {{ ref('int_order_totals') }}
)

select
    orders.order_id,
    orders.customer_id,
    orders.ordered_at,
    cast(orders.ordered_at as date) as order_date,
    orders.status,
    orders.status = 'returned' as is_returned,
    coalesce(totals.item_count, 0) as item_count,
    coalesce(totals.order_total, 0) as order_total,
    case when orders.status = 'returned' then 0 else coalesce(totals.order_total, 0) end as revenue,
    orders.loaded_at
from orders
left join totals on totals.order_id = orders.order_id
-- END SOLUTION
