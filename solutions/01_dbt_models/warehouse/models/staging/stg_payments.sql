-- One row per payment, amounts in currency units.
-- BEGIN SOLUTION: select from source('shop', 'payments'), amount with cents_to_dollars (exercise 8.1)
with source as (
    select * from {{ source('shop', 'payments') }}
),

renamed as (
    select
        payment_id,
        order_id,
        payment_method,
        {{ cents_to_dollars('amount_cents') }} as amount
    from source
)

select * from renamed
-- END SOLUTION
