-- One row per visit to the website: who (when signed in), when (UTC) and through which channel.
select
    session_id,
    customer_id,
    started_at,
    cast(started_at as date) as session_date,
    channel
from {{ ref('stg_web_sessions') }}
