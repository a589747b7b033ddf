-- One row per visit to the website; started_at is already UTC.
select
    session_id,
    customer_id,
    cast(started_at as timestamp) as started_at,
    channel
from {{ source('shop', 'web_sessions') }}
