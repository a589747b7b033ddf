{#- One value that condenses several columns: md5 of the values joined with '-', each null
    spelled '_null_' so (null, 'a') and ('', 'a') give different keys. The same idea as
    dbt_utils.generate_surrogate_key, which the package hub would give you. -#}
{% macro generate_surrogate_key(columns) -%}
{#- TODO: md5 of every column cast to varchar, nulls as '_null_', joined with '-' (exercise 2.1) -#}
{%- endmacro %}
