-- One row per customer with their country and order history.
-- BEGIN SOLUTION: join stg_customers, the countries seed and an order summary from ref('orders'): first_ordered_at, order_count, lifetime_revenue as the sum of revenue (exercise 5.3)
with customers as (
    select * from {{ ref('stg_customers') }}
),

countries as (
    select * from {{ ref('countries') }}
),

order_summary as (
    select
        customer_id,
        min(ordered_at) as first_ordered_at,
        count(*) as order_count,
        sum(revenue) as lifetime_revenue
    from {{ ref('orders') }}
    group by customer_id
)

select
    customers.customer_id,
    customers.first_name || ' ' || customers.last_name as full_name,
    customers.email,
    customers.country_code,
    countries.country_name,
    countries.region,
    customers.signed_up_at,
    order_summary.first_ordered_at,
    coalesce(order_summary.order_count, 0) as order_count,
    coalesce(order_summary.lifetime_revenue, 0) as lifetime_revenue
from customers
left join countries on countries.country_code = customers.country_code
left join order_summary on order_summary.customer_id = customers.customer_id
-- END SOLUTION
