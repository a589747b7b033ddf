-- One row per order with its current status, ready to be snapshotted.
-- BEGIN SOLUTION: select from source('crm', 'order_status'); amount in euros; updated_at in UTC (exercise 2.2)
select
    order_id,
    customer_id,
    status,
    amount_cents / 100.0 as amount,
    {{ to_utc('updated_at') }} as updated_at
from {{ source('crm', 'order_status') }}
-- END SOLUTION
