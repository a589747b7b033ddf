{#- One aggregated column per value: sum(case when <column> = '<value>' then <then_value> else 0 end).
    Column names are <prefix><value><suffix>. -#}
{% macro pivot(column_name, values, then_value=1, agg='sum', prefix='', suffix='') -%}
    {#- TODO: one `agg(case when ... then then_value else 0 end) as prefix+value+suffix` per value, comma separated (exercise 8.3) -#}
{%- endmacro %}
