-- One row per country and year, valid from 1 January of that year until 1 January of the next:
-- a slowly changing dimension, the kind a natural key is made for.
select
    country_code,
    year,
    population,
    cast(cast(year as varchar) || '-01-01' as date) as valid_from,
    cast(cast(year + 1 as varchar) || '-01-01' as date) as valid_to
from {{ source('shop', 'country_population') }}
