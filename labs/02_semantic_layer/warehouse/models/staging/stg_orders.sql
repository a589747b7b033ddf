-- One row per order: duplicates from double loads and status re-deliveries collapse to the
-- latest load; ordered_at arrives with mixed UTC offsets and leaves as a UTC timestamp.
with source as (
    select * from {{ source('shop', 'orders') }}
),

-- row_number() in a subquery rather than DuckDB's `qualify`, so PostgreSQL builds it too
ranked as (
    select
        *,
        row_number() over (partition by order_id order by _loaded_at desc) as load_rank
    from source
),

latest as (
    select * from ranked where load_rank = 1
),

renamed as (
    select
        order_id,
        customer_id,
        {{ to_utc('ordered_at') }} as ordered_at,
        status,
        _loaded_at as loaded_at
    from latest
)

select * from renamed
