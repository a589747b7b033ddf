-- One row per customer as the CRM holds it today, ready to be snapshotted.
-- BEGIN SOLUTION: select from source('crm', 'crm_customers'); updated_at in UTC; profile_hash = fernhill_utils.generate_surrogate_key of email, country_code, loyalty_tier and newsletter (exercise 2.2)
select
    customer_id,
    first_name,
    email,
    country_code,
    loyalty_tier,
    newsletter,
    {{ to_utc('updated_at') }} as updated_at,
    {{ fernhill_utils.generate_surrogate_key(['email', 'country_code', 'loyalty_tier', 'newsletter']) }} as profile_hash
from {{ source('crm', 'crm_customers') }}
-- END SOLUTION
