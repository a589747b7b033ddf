-- One row per order line; money converted from cents with the cents_to_dollars macro.
with source as (
    select * from {{ source('shop', 'order_items') }}
),

renamed as (
    select
        order_item_id,
        order_id,
        product_id,
        quantity,
        {{ cents_to_dollars('unit_price_cents') }} as unit_price,
        {{ cents_to_dollars('quantity * unit_price_cents') }} as line_total
    from source
)

select * from renamed
