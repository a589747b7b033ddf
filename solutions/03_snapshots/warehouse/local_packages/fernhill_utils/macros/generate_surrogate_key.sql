{#- One value that condenses several columns: md5 of the values joined with '-', each null
    spelled '_null_' so (null, 'a') and ('', 'a') give different keys. The same idea as
    dbt_utils.generate_surrogate_key, which the package hub would give you. -#}
{% macro generate_surrogate_key(columns) -%}
{#- BEGIN SOLUTION: md5 of every column cast to varchar, nulls as '_null_', joined with '-' (exercise 2.1) -#}
    md5(
    {%- for column in columns %}
        coalesce(cast({{ column }} as varchar), '_null_'){% if not loop.last %} || '-' ||{% endif %}
    {%- endfor %}
    )
{#- END SOLUTION -#}
{%- endmacro %}
