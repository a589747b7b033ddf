"""Calls the sandbox job makes into the learner's project: macros with given inputs, the
exploration analysis, the vars model with other vars, the learner's own profile.

Each probe is data; the checks read its output by id. Inputs are chosen so a plausible mistake
(an ignored argument, a missing branch) gives a different answer.
"""

from __future__ import annotations

PROBES: list[dict] = [
    {
        "id": "cents_to_dollars_default",
        "kind": "inline",
        "sql": "select {{ cents_to_dollars('12367') }} as amount, {{ cents_to_dollars('5') }} as small",
    },
    {"id": "cents_to_dollars_scale_1", "kind": "inline", "sql": "select {{ cents_to_dollars('12367', 1) }} as amount"},
    {
        "id": "get_column_values",
        "kind": "inline",
        "sql": 'select \'{{ get_column_values(ref("stg_products"), "category") | join("|") }}\' as found',
    },
    {
        "id": "pivot",
        "kind": "inline",
        "sql": "select {{ pivot('kind', ['tea', 'cake'], then_value='amount', suffix='_total') }} "
        "from (values ('tea', 2), ('cake', 3), ('tea', 5), ('bread', 7)) as t(kind, amount)",
    },
    # no cake at all: its column is 0 (else 0), not null
    {
        "id": "pivot_no_cake",
        "kind": "inline",
        "sql": "select {{ pivot('kind', ['tea', 'cake'], then_value='amount', suffix='_total') }} "
        "from (values ('tea', 2), ('bread', 7)) as t(kind, amount)",
    },
    {
        "id": "pivot_count",
        "kind": "inline",
        "sql": "select {{ pivot('kind', ['tea', 'cake']) }} "
        "from (values ('tea', 2), ('cake', 3), ('tea', 5)) as t(kind, amount)",
    },
    {
        "id": "non_negative_bad",
        "kind": "inline",
        "sql": "select count(*) as failures from ({{ test_non_negative("
        "model='(select * from (values (-1), (0), (5), (-3)) as t(amount))', column_name='amount') }}) as f",
    },
    {
        "id": "non_negative_good",
        "kind": "inline",
        "sql": "select count(*) as failures from ({{ test_non_negative("
        "model='(select * from (values (0), (5)) as t(amount))', column_name='amount') }}) as f",
    },
    {"id": "exploration_duplicates", "kind": "node", "select": "order_id_duplicates"},
    {
        "id": "vars_fr_2020",
        "kind": "node",
        "select": "selected_country_population",
        "vars": {"selected_country": "FR", "selected_year": 2020},
    },
    {
        "id": "vars_pl_2017",
        "kind": "node",
        "select": "selected_country_population",
        "vars": {"selected_country": "PL", "selected_year": 2017},
    },
    {
        "id": "singular_test_on_a_huge_total",
        "kind": "planted_row",
        "select": "test_type:singular",
        # below 0 and above 2000 fail; exactly 2000.00 is in range: a correct test returns 2 rows
        "plant_sql": "insert into orders (order_id, order_total) "
        "values (-4241, -0.01), (-4242, 2000.00), (-4243, 2000.01)",
        "remove_sql": "delete from orders where order_id in (-4241, -4242, -4243)",
    },
    {"id": "learner_profile_dev", "kind": "learner_profile", "target": "dev", "env_var": "FERNHILL_DUCKDB_PATH"},
]
