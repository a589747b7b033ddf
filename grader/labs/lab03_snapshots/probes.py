"""Calls the lab 03 job makes into the learner's project after the last day's snapshot.

The as-of model is shown at moments chosen for its edges: before the first snapshot (nothing
existed yet), exactly on a run time (a version ends and the next starts there: `<=` at both
ends returns the customer twice), between runs, and after the last run. The surrogate key macro
is called with a null and with an empty string, which must give different keys.
"""

from __future__ import annotations

AS_OF = {
    "before_first_run": "2025-07-31 12:00:00",
    "on_day_3_run": "2025-08-03 06:00:00",
    "between_runs": "2025-08-04 12:00:00",
    "after_last_run": "2025-08-06 12:00:00",
}

SURROGATE_INPUTS = {
    "three_values": ["'a'", "'b'", "'c'"],
    "a_null": ["'a'", "null", "'c'"],
    "an_empty_string": ["'a'", "''", "'c'"],
    "a_number": ["42", "'x'"],
}


def probes() -> list[dict]:
    found: list[dict] = [
        {"id": f"as_of_{name}", "kind": "node", "select": "customers_as_of", "vars": {"as_of": when}}
        for name, when in AS_OF.items()
    ]
    columns = ", ".join(
        f"{{{{ fernhill_utils.generate_surrogate_key({values}) }}}} as {name}"
        for name, values in SURROGATE_INPUTS.items()
    )
    found.append({"id": "surrogate_key", "kind": "inline", "sql": f"select {columns}"})
    return found
