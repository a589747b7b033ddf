"""Static facts about Fernhill Market: where it sells and what.

These lists are the single source for the generator, the seed CSV shipped in the labs and the
grader's expected values, so the three can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    iso_numeric: str  # keeps its leading zeros: a classic seed-typing trap
    region: str
    currency: str
    timezone: str
    utc_offset_hours: int  # fixed offset used when the generator writes local timestamps


COUNTRIES: tuple[Country, ...] = (
    Country("AT", "Austria", "040", "Central", "EUR", "Europe/Vienna", 1),
    Country("BE", "Belgium", "056", "West", "EUR", "Europe/Brussels", 1),
    Country("DE", "Germany", "276", "Central", "EUR", "Europe/Berlin", 1),
    Country("ES", "Spain", "724", "South", "EUR", "Europe/Madrid", 1),
    Country("FR", "France", "250", "West", "EUR", "Europe/Paris", 1),
    Country(
        "GB", "United Kingdom of Great Britain and Northern Ireland, The", "826", "West", "GBP", "Europe/London", 0
    ),
    Country("NL", "Netherlands, Kingdom of the", "528", "West", "EUR", "Europe/Amsterdam", 1),
    Country("PL", "Poland", "616", "Central", "PLN", "Europe/Warsaw", 1),
)

PRODUCT_CATEGORIES: tuple[str, ...] = ("food", "kitchen")

ORDER_STATUSES: tuple[str, ...] = ("placed", "shipped", "completed", "returned")

PAYMENT_METHODS: tuple[str, ...] = ("card", "paypal", "gift_card", "bank_transfer")

CHANNELS: tuple[str, ...] = ("search", "social", "email", "direct")

# Population in millions for 2015, grown by a per-country yearly rate: enough for the var() example.
BASE_POPULATION_2015 = {"AT": 8.6, "BE": 11.3, "DE": 81.7, "ES": 46.4, "FR": 66.5, "GB": 65.1, "NL": 16.9, "PL": 38.0}
POPULATION_YEARS = range(2015, 2025)

FIRST_NAMES = (
    "Ana",
    "Ben",
    "Clara",
    "Dario",
    "Eva",
    "Finn",
    "Greta",
    "Hugo",
    "Ines",
    "Jan",
    "Kasia",
    "Luca",
    "Mila",
    "Noah",
    "Olga",
    "Pablo",
    "Rosa",
    "Sven",
    "Tess",
    "Ugo",
)
LAST_NAMES = (
    "Meyer",
    "Dubois",
    "Jansen",
    "Kowalski",
    "Garcia",
    "Rossi",
    "Peeters",
    "Huber",
    "Smith",
    "Novak",
    "Bakker",
    "Moreau",
)
FOOD_PRODUCTS = (
    "Sourdough loaf",
    "Aged gouda",
    "Olive oil 1l",
    "Espresso beans",
    "Dark chocolate",
    "Basmati rice",
    "Smoked paprika",
    "Oat milk",
    "Wildflower honey",
    "Pesto genovese",
)
KITCHEN_PRODUCTS = (
    "Chef knife",
    "Cast iron pan",
    "Bamboo board",
    "Pepper mill",
    "Mixing bowls",
    "Dutch oven",
    "Silicone spatula",
    "Coffee grinder",
)
