{#- One project, two warehouses: DuckDB reads suppliers.json as structs and lists, PostgreSQL
    holds it as jsonb. adapter.dispatch picks `<adapter>__<name>` for the adapter dbt runs on
    (duckdb__json_text, postgres__json_text), then `default__<name>`. -#}

{% macro json_text(column, key) -%}
    {{ return(adapter.dispatch('json_text')(column, key)) }}
{%- endmacro %}

{% macro duckdb__json_text(column, key) -%}
    {{ column }}.{{ key }}
{%- endmacro %}

{% macro postgres__json_text(column, key) -%}
    ({{ column }} ->> '{{ key }}')
{%- endmacro %}

{% macro default__json_text(column, key) -%}
    {{ exceptions.raise_compiler_error("json_text has no version for the " ~ adapter.type() ~ " adapter yet") }}
{%- endmacro %}

{% macro json_array_length(column) -%}
    {{ return(adapter.dispatch('json_array_length')(column)) }}
{%- endmacro %}

{% macro duckdb__json_array_length(column) -%}
    len({{ column }})
{%- endmacro %}

{% macro postgres__json_array_length(column) -%}
    jsonb_array_length({{ column }})
{%- endmacro %}

{% macro default__json_array_length(column) -%}
    {{ exceptions.raise_compiler_error("json_array_length has no version for the " ~ adapter.type() ~ " adapter yet") }}
{%- endmacro %}
