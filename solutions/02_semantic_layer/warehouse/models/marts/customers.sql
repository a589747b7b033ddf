-- One row per customer: where they live and when they signed up.
with customers as (
    select * from {{ ref('stg_customers') }}
),

countries as (
    select * from {{ ref('countries') }}
)

select
    customers.customer_id,
    nullif(customers.email, '') as email,
    customers.country_code,
    countries.region,
    customers.signed_up_at,
    cast(customers.signed_up_at as date) as signup_date
from customers
left join countries on countries.country_code = customers.country_code
