{#- Money arrives in integer cents; models work in currency units rounded to `scale` decimals. -#}
{% macro cents_to_dollars(column_name, scale=2) -%}
    {#- TODO: divide by 100 as a decimal and round to `scale` decimals (exercise 8.1) -#}
{%- endmacro %}
