-- Worked example of a staging model: rename, cast, convert cents. One row per product.
with source as (
    select * from {{ source('shop', 'products') }}
),

renamed as (
    select
        product_id,
        product_name,
        category,
        unit_price_cents / 100.0 as unit_price,
        unit_cost_cents / 100.0 as unit_cost,
        supplier_id
    from source
)

select * from renamed
