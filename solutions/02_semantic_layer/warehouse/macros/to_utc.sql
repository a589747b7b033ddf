{#- Text with any UTC offset ('+01:00', 'Z') to a plain UTC timestamp.
    Worked example of a macro with an argument: staging models call it for every timestamp. -#}
{% macro to_utc(column_name) -%}
    cast(cast({{ column_name }} as timestamp with time zone) at time zone 'UTC' as timestamp)
{%- endmacro %}
