{#- The distinct values of a column, queried while dbt compiles: the building block of a pivot.
    A `{% call statement(...) %}` block sends the query; load_result reads its rows. -#}
{% macro get_column_values(relation, column_name) -%}
    {#- TODO: return [] while parsing; else query the sorted distinct non-null values with a call statement block (exercise 8.2) -#}
{%- endmacro %}
