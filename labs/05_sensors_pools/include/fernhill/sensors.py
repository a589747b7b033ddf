"""A custom sensor: a day's order batch is ready when its landing file holds enough order rows.

The FileSensor only knows that a file exists; the shop's export writes the file first and fills it
in several steps. ``OrderBatchSensor`` waits until the file at ``path`` holds at least ``min_rows``
order rows (the header line is not a row), and hands what it saw to the next task through XCom.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from airflow.sdk import BaseSensorOperator, PokeReturnValue


class OrderBatchSensor(BaseSensorOperator):
    """Done when the CSV at ``path`` holds at least ``min_rows`` data rows.

    Each poke returns a ``PokeReturnValue``: ``is_done`` says whether to stop waiting, and when it
    is done, ``xcom_value`` is ``{"file": <the file's name, without its folder>, "rows": <data rows>}``,
    e.g. ``{"file": "orders_2025-03-04.csv", "rows": 12}`` (the sensor's return_value XCom). A
    missing file is not an error: the batch is simply not there yet.
    """

    template_fields = ("path",)

    def __init__(self, *, path: str, min_rows: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.path = path
        self.min_rows = min_rows

    def poke(self, context: Any) -> PokeReturnValue:
        # TODO: count the data rows of the CSV at self.path (no file: not done); done when rows >= self.min_rows, with xcom_value {"file": the file's name without its folder, "rows": rows} (exercise 7.1)
        raise NotImplementedError('count the data rows of the CSV at self.path (no file: not done); done when rows >= self.min_rows, with xcom_value {"file": the file\'s name without its folder, "rows": rows} (exercise 7.1)')
