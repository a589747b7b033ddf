"""The data generator is deterministic, scales, and carries the flaws the labs teach."""

from __future__ import annotations

import csv
from collections import Counter

from grader.datagen import COUNTRIES, generate
from tests.conftest import SOLUTIONS


def test_same_seed_gives_the_same_data() -> None:
    """Two generations with one seed are identical; another seed differs."""
    assert generate(seed=7, scale=0.2) == generate(seed=7, scale=0.2)
    assert generate(seed=7, scale=0.2).batch_1["orders"] != generate(seed=8, scale=0.2).batch_1["orders"]


def test_scale_multiplies_orders() -> None:
    """scale=2 makes about twice the orders of scale=1."""
    small, large = generate(scale=1).batch_1["orders"], generate(scale=2).batch_1["orders"]
    assert 1.7 < len(large) / len(small) < 2.3


def test_raw_data_has_the_flaws_the_labs_teach() -> None:
    """Duplicates, mixed offsets, null emails, late rows, status updates and nested JSON are all present."""
    data = generate()
    orders = data.batch_1["orders"]
    assert any(n > 1 for n in Counter(o["order_id"] for o in orders).values())
    assert any(str(o["ordered_at"]).endswith("Z") for o in orders)
    assert any("+01:00" in str(o["ordered_at"]) for o in orders)
    assert any(c["email"] == "" for c in data.batch_1["customers"])
    assert any(n > 1 for n in Counter(c["customer_id"] for c in data.batch_1["customers"]).values())
    first_ids = {o["order_id"] for o in orders}
    assert any(o["order_id"] not in first_ids for o in data.batch_2["orders"])
    assert any(o["order_id"] in first_ids for o in data.batch_2["orders"])
    assert all(isinstance(s["contact"], dict) for s in data.suppliers)
    assert len(data.status_days) == 3
    assert len(data.status_days[1]) != len(data.status_days[0]) or data.status_days[1] != data.status_days[0]


def test_money_is_in_integer_cents() -> None:
    """Prices and payments are whole cents, never floats."""
    data = generate()
    assert all(isinstance(i["unit_price_cents"], int) for i in data.batch_1["order_items"])
    assert all(isinstance(p["amount_cents"], int) for p in data.batch_1["payments"])


def test_countries_seed_matches_the_company_data() -> None:
    """The countries seed shipped in lab 01 lists exactly the generator's countries."""
    with (SOLUTIONS / "01_dbt_models" / "warehouse" / "seeds" / "countries.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert [(r["country_code"], r["iso_numeric"], r["country_name"]) for r in rows] == [
        (c.code, c.iso_numeric, c.name) for c in COUNTRIES
    ]
