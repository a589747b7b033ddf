{#- A custom generic test: it returns the failing rows, so zero rows means the test passes. -#}
{% test non_negative(model, column_name) %}
    {#- TODO: select the rows of `model` where `column_name` is below zero (exercise 10.2) -#}
{% endtest %}
