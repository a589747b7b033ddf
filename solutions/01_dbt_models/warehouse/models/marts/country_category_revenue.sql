-- One row per country, one revenue column per product category (returned orders excluded).
-- The category columns come from the data, so a new category adds a column without an edit.
-- BEGIN SOLUTION: categories with get_column_values(ref('stg_products'), 'category'), then pivot line_total with suffix '_revenue' (exercise 8.3)
{%- set categories = get_column_values(ref('stg_products'), 'category') %}

with lines as (
    select
        customers.country_code,
        products.category,
        items.line_total
    from {{ ref('stg_order_items') }} as items
    inner join {{ ref('stg_orders') }} as orders on orders.order_id = items.order_id
    inner join {{ ref('stg_customers') }} as customers on customers.customer_id = orders.customer_id
    inner join {{ ref('stg_products') }} as products on products.product_id = items.product_id
    where orders.status != 'returned'
)

select
    country_code,
    {{ pivot('category', categories, then_value='line_total', suffix='_revenue') }}
from lines
group by country_code
-- END SOLUTION
