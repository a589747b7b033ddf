{#- The distinct values of a column, queried while dbt compiles: the building block of a pivot.
    A `{% call statement(...) %}` block sends the query; load_result reads its rows. -#}
{% macro get_column_values(relation, column_name) -%}
    {#- BEGIN SOLUTION: return [] while parsing; else query the sorted distinct non-null values with a call statement block (exercise 8.2) -#}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- call statement('column_values', fetch_result=True) -%}
        select distinct {{ column_name }}
        from {{ relation }}
        where {{ column_name }} is not null
        order by 1
    {%- endcall -%}
    {{ return(load_result('column_values')['data'] | map(attribute=0) | list) }}
    {#- END SOLUTION -#}
{%- endmacro %}
