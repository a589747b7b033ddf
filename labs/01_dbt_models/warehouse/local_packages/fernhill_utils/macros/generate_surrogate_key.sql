{#- One stable key from several columns: md5 of the values joined with a separator,
    nulls spelled out so (null, 'a') and ('', 'a') do not collide. Same idea as dbt_utils. -#}
{% macro generate_surrogate_key(columns) -%}
    md5(
    {%- for column in columns %}
        coalesce(cast({{ column }} as varchar), '_null_'){% if not loop.last %} || '-' ||{% endif %}
    {%- endfor %}
    )
{%- endmacro %}
