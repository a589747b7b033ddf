-- One row per supplier, flattened from nested JSON (seeds are CSV only, so JSON is read as a source).
-- BEGIN SOLUTION: materialize as a table, select from source('reference', 'suppliers'), flatten contact.email and count categories with the cross-database macros (exercise 3.2)
-- A table, not the staging default view: the JSON file is read once at build time, so queries
-- never depend on the file still being where the loader left it.
{{ config(materialized='table') }}

select
    supplier_id,
    name as supplier_name,
    country_code,
    {{ json_text('contact', 'email') }} as contact_email,
    {{ json_array_length('categories') }} as category_count
from {{ source('reference', 'suppliers') }}
-- END SOLUTION
