"""Typed, frozen records of a grading run: what every report is rendered from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum

REPORT_SCHEMA = 1


class Tier(StrEnum):
    """The five test tiers, in the order they are run and reported."""

    VALIDATION = "validation"
    DEFINITION = "definition"
    UNIT = "unit"
    INTEGRATION = "integration"
    E2E = "e2e"


class Status(StrEnum):
    GRADED = "graded"
    NOT_GRADABLE = "not_gradable"
    ERROR = "error"


@dataclass(frozen=True)
class TestResult:
    __test__ = False  # a record, not a pytest test class

    id: str
    tier: Tier
    concepts: tuple[str, ...]
    score: float
    max_score: float
    status: str  # passed | failed | error
    message: str
    title: str = ""  # the check's one-sentence description (report.json extra field)

    def to_json(self) -> dict:
        data = asdict(self)
        data["tier"] = self.tier.value
        data["concepts"] = list(self.concepts)
        return data


@dataclass(frozen=True)
class TierScore:
    score: float
    max_score: float


@dataclass(frozen=True)
class LabReport:
    lab: str
    workspace: str
    isolation: str
    status: Status
    tests: tuple[TestResult, ...] = ()
    duration_s: float = 0.0
    problems: tuple[str, ...] = field(default=())  # why not gradable / what went wrong, in plain words
    steps: tuple[dict, ...] = field(default=())  # the sandbox job's steps, for the feedback page
    work: dict | None = None  # the learner's lineage or DAG graph (grader/reports/work_graph.py), when drawn

    @property
    def score(self) -> float:
        return round(sum(t.score for t in self.tests), 2)

    @property
    def max_score(self) -> float:
        return round(sum(t.max_score for t in self.tests), 2)

    @property
    def tiers(self) -> dict[str, TierScore]:
        out: dict[str, TierScore] = {}
        for tier in Tier:
            tests = [t for t in self.tests if t.tier is tier]
            if tests:
                out[tier.value] = TierScore(
                    round(sum(t.score for t in tests), 2), round(sum(t.max_score for t in tests), 2)
                )
        return out

    @classmethod
    def from_json(cls, data: dict) -> LabReport:
        """A report read back from report.json (to render its pages again, say)."""
        tests = tuple(
            TestResult(**{**t, "tier": Tier(t["tier"]), "concepts": tuple(t["concepts"])}) for t in data["tests"]
        )
        return cls(
            lab=data["lab"],
            workspace=data["workspace"],
            isolation=data["isolation"],
            status=Status(data["status"]),
            tests=tests,
            duration_s=data.get("duration_s", 0.0),
            problems=tuple(data.get("problems", ())),
            steps=tuple(data.get("steps", ())),
            work=data.get("work"),
        )

    def to_json(self) -> dict:
        """The report.json document of the grader contract (schema 1), plus extra fields."""
        return {
            "schema": REPORT_SCHEMA,
            "lab": self.lab,
            "workspace": self.workspace,
            "isolation": self.isolation,
            "status": self.status.value,
            "score": self.score,
            "max_score": self.max_score,
            "tiers": {name: asdict(t) for name, t in self.tiers.items()},
            "tests": [t.to_json() for t in self.tests],
            "duration_s": round(self.duration_s, 2),
            "problems": list(self.problems),
            "steps": list(self.steps),
            **({"work": self.work} if self.work else {}),
        }
