-- One row per country and year: a population figure holds from 1 January of its year until the
-- next figure is published (the latest has no end yet, valid_to is null). A slowly changing
-- dimension, the kind a natural key is made for.
select
    country_code,
    year,
    population,
    cast(cast(year as varchar) || '-01-01' as date) as valid_from,
    lead(cast(cast(year as varchar) || '-01-01' as date)) over (
        partition by country_code order by year
    ) as valid_to
from {{ source('shop', 'country_population') }}
