-- One row per day: the calendar MetricFlow joins to for cumulative metrics, offsets and days
-- without any orders. It must cover every day the data can ask about, and have no gaps.
{{ config(materialized='table') }}

with days as (
    {{ dbt.date_spine(datepart="day", start_date="cast('2024-01-01' as date)", end_date="cast('2027-01-01' as date)") }}
)

select cast(date_day as date) as date_day
from days
