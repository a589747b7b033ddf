"""Deterministic data for Fernhill Market, the fictional company every lab works on."""

from grader.datagen.company import COUNTRIES, PRODUCT_CATEGORIES, Country
from grader.datagen.generate import Dataset, generate

__all__ = ["COUNTRIES", "PRODUCT_CATEGORIES", "Country", "Dataset", "generate"]
