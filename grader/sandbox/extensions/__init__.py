"""Lab-specific sandbox steps, each module a ``STEPS`` table an engine adds when the lab's plan names it.

- ``supplier_standin``: lab 04's stand-in supplier API and Slack webhook (a real local HTTP server);
- ``dbt_warehouse``: the lab 01 project staged and loaded for a DAG that orchestrates dbt;
- ``backfill``: the learner's backfill command run after an incident in the DAG's history;
- ``learner_tests``: the learner's own tests run against the reference pipeline and its mutants;
- ``sensor_world``: lab 05's landing folder, supplier API and control DB the sensors wait for;
- ``kubernetes_pods``: lab 05's pods as the KubernetesExecutor would start them;
- ``celery_cluster``: lab 05's pools, priorities and queues on a real Celery deployment;
- ``snapshot_clock``: lab 03's snapshot runs stamped with each day's run time, not the wall clock.
"""
