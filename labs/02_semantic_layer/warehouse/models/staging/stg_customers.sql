-- One row per customer: the CRM re-delivers changed customers, the latest load wins.
with source as (
    select * from {{ source('shop', 'customers') }}
),

-- row_number() in a subquery rather than DuckDB's `qualify`, so PostgreSQL builds it too
ranked as (
    select
        *,
        row_number() over (partition by customer_id order by _loaded_at desc) as load_rank
    from source
),

latest as (
    select * from ranked where load_rank = 1
),

renamed as (
    select
        customer_id,
        first_name,
        last_name,
        email,
        country_code,
        {{ to_utc('signed_up_at') }} as signed_up_at
    from latest
)

select * from renamed
