#!/usr/bin/env bash
# Rebuild the sales history of 1 to 3 November 2026 (the till logs of those days were corrected).
# TODO: one `airflow backfill create` command: fernhill_sales_history, 2026-11-01 to 2026-11-03, at most 2 runs at once (exercise 14.1)
