-- The customers as they were at var('as_of') (UTC), read from their history.
-- BEGIN SOLUTION: from ref('customers_snapshot'): the version valid at var('as_of') (valid_from <= as_of < valid_to, open-ended when null), deleted customers left out (exercise 8.1)
select
    customer_id,
    email,
    country_code,
    loyalty_tier
from {{ ref('customers_snapshot') }}
where dbt_valid_from <= cast('{{ var("as_of") }}' as timestamp)
    and (dbt_valid_to > cast('{{ var("as_of") }}' as timestamp) or dbt_valid_to is null)
    and dbt_is_deleted = 'False'
-- END SOLUTION
