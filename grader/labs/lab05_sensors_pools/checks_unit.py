"""Lab 05, unit tier: the custom sensor poked on files of known size, and the pods the
KubernetesExecutor would start, rendered without a cluster."""

from __future__ import annotations

from typing import Any

from grader.artifacts.airflow import AirflowArtifacts
from grader.checks import check, expect
from grader.model import Tier


def _poked(a: AirflowArtifacts, call_id: str) -> dict[str, Any]:
    found = a.call(call_id)
    expect(found.get("ok"), expected=f"OrderBatchSensor.poke to return ({call_id})", found=found.get("error"))
    value = found["value"]
    expect(
        isinstance(value, dict) and "is_done" in value,
        expected="poke to return a PokeReturnValue",
        found=value,
        hint="return PokeReturnValue(is_done=..., xcom_value=...): the value reaches XCom when the sensor is done",
    )
    return value


@check(tier=Tier.UNIT, points=2, concepts=["sen.custom"])
def batch_sensor_is_done_from_min_rows_on(a: AirflowArtifacts) -> None:
    """With min_rows 10, 10 and 11 order rows are done (XCom file and rows); 9 rows are not."""
    for call_id, rows in (("poke_on_min_rows", 10), ("poke_above_min_rows", 11)):
        value = _poked(a, call_id)
        want = {"file": f"orders_{rows}.csv", "rows": rows}
        expect(
            value["is_done"] is True and value["xcom_value"] == want,
            expected=f"{rows} order rows: is_done True, xcom_value {want}",
            found=value,
            hint="at least min_rows: rows >= min_rows; the header line is not an order",
        )
    value = _poked(a, "poke_below_min_rows")
    expect(value["is_done"] is False, expected="9 order rows: is_done False (min_rows is 10)", found=value)


@check(tier=Tier.UNIT, points=1, concepts=["sen.custom"])
def batch_sensor_waits_for_a_missing_or_empty_file(a: AirflowArtifacts) -> None:
    """No file yet, or a file with only its header, is not done and does not raise."""
    for call_id, what in (("poke_no_file", "no file"), ("poke_header_only", "a header without orders")):
        value = _poked(a, call_id)
        expect(value["is_done"] is False, expected=f"{what}: is_done False, no error", found=value)


def _base(a: AirflowArtifacts, task_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    pod: dict[str, Any] = a.pods.get(task_id) or {}
    expect(bool(pod), expected=f"a pod for the task {task_id}", found=sorted(a.pods))
    containers = {c.get("name"): c for c in pod.get("spec", {}).get("containers", [])}
    expect("base" in containers, expected="a container named base", found=sorted(containers))
    return pod, containers["base"]


def _quantity(value: Any) -> float | None:
    from kubernetes.utils import parse_quantity

    try:
        return float(parse_quantity(str(value)))
    except (ValueError, TypeError):
        return None


@check(tier=Tier.UNIT, points=1, concepts=["k8s.executor"])
def pod_template_sets_image_and_landing_volume(a: AirflowArtifacts) -> None:
    """The pods start from the template: image fernhill/airflow-worker:3.3.2, the landing claim at /data/landing."""
    pod, base = _base(a, "build_report")
    mounts = {m.get("name"): m.get("mountPath") for m in base.get("volumeMounts") or []}
    volumes = {
        v.get("name"): (v.get("persistentVolumeClaim") or {}).get("claimName") for v in pod["spec"].get("volumes") or []
    }
    expect(
        base.get("image") == "fernhill/airflow-worker:3.3.2",
        expected="the base container's image fernhill/airflow-worker:3.3.2",
        found=base.get("image"),
        hint="the pod template file is the base of every task's pod",
    )
    landing = [name for name, path in mounts.items() if str(path).rstrip("/") == "/data/landing"]
    expect(
        landing and volumes.get(landing[0]) == "fernhill-landing",
        expected="a volume from the PersistentVolumeClaim fernhill-landing mounted at /data/landing",
        found={"volumeMounts": mounts, "volumes": volumes},
    )


@check(tier=Tier.UNIT, points=2, concepts=["k8s.executor"])
def report_pod_override_sets_resources_and_label(a: AirflowArtifacts) -> None:
    """build_report's pod requests 1 CPU and 2Gi, is limited to 4Gi, carries team: analytics, keeps the image."""
    pod, base = _base(a, "build_report")
    resources = base.get("resources") or {}
    requests, limits = resources.get("requests") or {}, resources.get("limits") or {}
    expect(
        _quantity(requests.get("cpu")) == 1
        and _quantity(requests.get("memory")) == 2 * 1024**3
        and _quantity(limits.get("memory")) == 4 * 1024**3,
        expected="requests cpu 1 and memory 2Gi, limits memory 4Gi (1000m and 2048Mi are the same)",
        found=resources,
        hint="a request without a limit lets the pod grow until the node runs out of memory",
    )
    labels = pod.get("metadata", {}).get("labels") or {}
    expect(labels.get("team") == "analytics", expected="the pod label team: analytics", found=labels)
    expect(
        base.get("image") == "fernhill/airflow-worker:3.3.2",
        expected="the template's image, kept under the override",
        found=base.get("image"),
    )
