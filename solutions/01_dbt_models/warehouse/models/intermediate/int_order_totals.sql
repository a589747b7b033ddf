-- One row per order: item count and total, ready for the marts. Ephemeral: inlined as a CTE.
-- BEGIN SOLUTION: from ref('stg_order_items'): per order_id, item_count (sum of quantity) and order_total (sum of line_total) (exercise 5.2)
select
    order_id,
    sum(quantity) as item_count,
    sum(line_total) as order_total
from {{ ref('stg_order_items') }}
group by order_id
-- END SOLUTION
