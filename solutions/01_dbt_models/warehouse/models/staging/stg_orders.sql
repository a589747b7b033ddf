-- One row per order: duplicates from double loads and status re-deliveries collapse to the
-- latest load; ordered_at arrives with mixed UTC offsets and leaves as a UTC timestamp.
-- BEGIN SOLUTION: select from source('shop', 'orders'), keep the latest row per order_id, ordered_at in UTC (exercise 4.2)
with source as (
    select * from {{ source('shop', 'orders') }}
),

latest as (
    select *
    from source
    qualify row_number() over (partition by order_id order by _loaded_at desc) = 1
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
-- END SOLUTION
