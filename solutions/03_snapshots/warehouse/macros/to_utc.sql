{#- Text with any UTC offset ('+02:00', '-05:00', 'Z') to a plain UTC timestamp (as in lab 01). -#}
{% macro to_utc(column_name) -%}
    cast(cast({{ column_name }} as timestamp with time zone) at time zone 'UTC' as timestamp)
{%- endmacro %}
