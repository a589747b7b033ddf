-- Exploration before modelling: which order_ids does the raw table hold more than once?
-- BEGIN SOLUTION: select order_id and the number of copies (as copies) from source('shop', 'orders'), only ids with more than one copy (exercise 1.2)
select order_id, count(*) as copies
from {{ source('shop', 'orders') }}
group by order_id
having count(*) > 1
order by order_id
-- END SOLUTION
