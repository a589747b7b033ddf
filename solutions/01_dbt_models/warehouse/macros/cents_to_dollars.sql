{#- Money arrives in integer cents; models work in currency units rounded to `scale` decimals. -#}
{% macro cents_to_dollars(column_name, scale=2) -%}
    {#- BEGIN SOLUTION: divide by 100 as a decimal and round to `scale` decimals (exercise 8.1) -#}
    cast({{ column_name }} / 100.0 as decimal(18, {{ scale }}))
    {#- END SOLUTION -#}
{%- endmacro %}
