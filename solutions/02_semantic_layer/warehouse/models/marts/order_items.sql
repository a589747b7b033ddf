-- One row per order line: what it sold for and what it cost, both 0 once the order is returned
-- (the goods come back), with the product's category and the order's day (UTC).
with items as (
    select * from {{ ref('stg_order_items') }}
),

orders as (
    select * from {{ ref('stg_orders') }}
),

products as (
    select * from {{ ref('stg_products') }}
)

select
    items.order_item_id,
    items.order_id,
    items.product_id,
    orders.customer_id,
    cast(orders.ordered_at as date) as order_date,
    products.category,
    items.quantity,
    case when orders.status = 'returned' then 0 else items.line_total end as revenue,
    case when orders.status = 'returned' then 0 else cast(items.quantity * products.unit_cost as decimal(18, 2)) end as cost
from items
inner join orders on orders.order_id = items.order_id
left join products on products.product_id = items.product_id
