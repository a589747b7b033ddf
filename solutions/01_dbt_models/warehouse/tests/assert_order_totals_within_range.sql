-- A singular test: order totals outside 0..2000 point at a unit bug upstream (cents taken as euros).
-- BEGIN SOLUTION: select the orders of ref('orders') whose order_total is below 0 or above 2000 (exercise 10.3)
select order_id, order_total
from {{ ref('orders') }}
where order_total < 0 or order_total > 2000
-- END SOLUTION
