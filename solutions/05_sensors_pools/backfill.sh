#!/usr/bin/env bash
# Rebuild the sales history of 1 to 3 November 2026 (the till logs of those days were corrected).
# BEGIN SOLUTION: one `airflow backfill create` command: fernhill_sales_history, 2026-11-01 to 2026-11-03, at most 2 runs at once (exercise 14.1)
airflow backfill create --dag-id fernhill_sales_history \
    --from-date 2026-11-01 --to-date 2026-11-03 \
    --max-active-runs 2
# END SOLUTION
