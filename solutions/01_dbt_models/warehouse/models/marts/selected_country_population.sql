-- The population of one country in one year, chosen with vars:
--   dbt build --select selected_country_population --vars '{selected_country: FR, selected_year: 2020}'
-- BEGIN SOLUTION: filter stg_country_population on var('selected_country') and var('selected_year'), add country_name from the seed (exercise 7.1)
select
    population.country_code,
    countries.country_name,
    population.year,
    population.population
from {{ ref('stg_country_population') }} as population
inner join {{ ref('countries') }} as countries on countries.country_code = population.country_code
where population.country_code = '{{ var("selected_country") }}'
    and population.year = {{ var("selected_year") }}
-- END SOLUTION
