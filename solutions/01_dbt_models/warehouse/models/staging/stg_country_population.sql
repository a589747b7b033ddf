-- One row per country and year. The surrogate key comes from the local fernhill_utils package.
-- BEGIN SOLUTION: select from source('shop', 'country_population'), population_key with fernhill_utils.generate_surrogate_key (exercise 9.2)
select
    {{ fernhill_utils.generate_surrogate_key(['country_code', 'year']) }} as population_key,
    country_code,
    year,
    population
from {{ source('shop', 'country_population') }}
-- END SOLUTION
