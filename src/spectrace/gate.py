"""The CI gate: thresholds, failing problem kinds and baseline regressions → pass or fail."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spectrace.config import Config
from spectrace.errors import ConfigError, SpectraceError
from spectrace.model import Counts, NodeKind, Problem, ProblemKind, Status

if TYPE_CHECKING:
    from spectrace.pipeline import Trace

SECTION = "check"

DEFAULT_FAIL_ON = (ProblemKind.DANGLING_LINK, ProblemKind.UNKNOWN_ID, ProblemKind.DUPLICATE_ID)
REPORT_SCHEMA = "spectrace.report/1"


@dataclass(frozen=True)
class Thresholds:
    """What makes the gate fail; None means "not checked"."""

    min_coverage: float | None = None  # % of all cases covered
    min_area_coverage: float | None = None  # % of each area's cases covered
    area_coverage: Mapping[str, float] = field(default_factory=dict)  # per-area overrides
    max_missing: int | None = None
    fail_on: tuple[ProblemKind, ...] = DEFAULT_FAIL_ON
    baseline: Path | None = None


# --- what the gate looks at -----------------------------------------------------------


@dataclass(frozen=True)
class CaseFact:
    id: str
    title: str
    status: Status
    path: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class AreaFact:
    id: str
    title: str
    counts: Counts
    path: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class GateInput:
    cases: tuple[CaseFact, ...]
    areas: tuple[AreaFact, ...]
    problems: tuple[Problem, ...] = ()

    @property
    def counts(self) -> Counts:
        return sum((Counts.of(c.status) for c in self.cases), Counts())


@dataclass(frozen=True)
class Reason:
    """One reason the gate fails, with the file and line it is about when there is one."""

    kind: str  # "coverage", "area-coverage", "max-missing", "regression" or a problem kind
    message: str
    path: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Decision:
    passed: bool
    reasons: tuple[Reason, ...]
    counts: Counts
    baseline_cases: int | None = None  # cases covered in the baseline; None without one

    def summary(self) -> str:
        """The one line printed when the gate passes (and above the reasons when not)."""
        c = self.counts
        parts = [f"{c.covered}/{c.total} cases covered ({_pct(c.percent)})",
                 f"{c.partial} partial", f"{c.missing} missing"]
        if self.baseline_cases is not None:
            lost = sum(r.kind == "regression" for r in self.reasons)
            parts.append(f"{lost} of {self.baseline_cases} baseline-covered cases lost"
                         if lost else f"none of {self.baseline_cases} baseline-covered cases lost")
        verdict = "passed" if self.passed else f"failed ({_plural(len(self.reasons), 'reason')})"
        return f"spectrace check: {verdict} · " + " · ".join(parts)

    def text(self, limit: int = 20) -> str:
        """The summary line, then the first `limit` reasons: a short list, not a log."""
        lines = [self.summary()]
        lines.extend(f"  - {reason}" for reason in self.reasons[:limit])
        if len(self.reasons) > limit:
            lines.append(f"  … and {len(self.reasons) - limit} more")
        return "\n".join(lines) + "\n"


def _pct(value: float) -> str:
    return f"{value:.1f}%"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# --- the decision: pure ----------------------------------------------------------------


def decide(facts: GateInput, thresholds: Thresholds,
           baseline: Mapping[str, str] | None = None) -> Decision:
    """Pass or fail, and every reason; `baseline` maps case id → status in the baseline."""
    reasons: list[Reason] = []
    total = facts.counts
    if thresholds.min_coverage is not None and _below(total, thresholds.min_coverage):
        reasons.append(Reason(
            "coverage", f"case coverage {_pct(total.percent)} ({total.fraction}) is below "
            f"the minimum {_num(thresholds.min_coverage)}%"))
    for area in facts.areas:
        minimum = thresholds.area_coverage.get(area.id, thresholds.min_area_coverage)
        # An area without cases (a model area of features only) has nothing to measure.
        if minimum is None or not area.counts.total or not _below(area.counts, minimum):
            continue
        reasons.append(Reason(
            "area-coverage", f"area {area.id} {area.title}: {_pct(area.counts.percent)} "
            f"({area.counts.fraction}) of its cases covered, below the minimum "
            f"{_num(minimum)}%", area.path, area.line))
    if thresholds.max_missing is not None and total.missing > thresholds.max_missing:
        reasons.append(Reason(
            "max-missing", f"{_plural(total.missing, 'case')} missing, more than the "
            f"maximum {thresholds.max_missing}"))
    failing = set(thresholds.fail_on)
    for problem in facts.problems:
        if problem.kind in failing:
            reasons.append(Reason(problem.kind.value, f"{problem.kind.value}: {problem.message}",
                                  problem.path, problem.line))
    baseline_cases = None
    if baseline is not None:
        now = {c.id: c for c in facts.cases}
        was_covered = [case_id for case_id, status in baseline.items()
                       if status == Status.COVERED.value]
        baseline_cases = len(was_covered)
        for case_id in was_covered:
            current = now.get(case_id)
            # A case removed from the spec is a spec change, shown by `diff`; not a loss.
            if current is None or current.status is Status.COVERED:
                continue
            reasons.append(Reason(
                "regression", f"{case_id} {current.title}: covered in the baseline, "
                f"now {current.status.value}", current.path, current.line))
    return Decision(not reasons, tuple(reasons), total, baseline_cases)


def _below(counts: Counts, minimum: float) -> bool:
    # Compared in whole numbers, so 4/5 against 80% is never lost to float rounding.
    return counts.covered * 100 < minimum * counts.total


def _num(value: float) -> str:
    return f"{value:g}"


# --- inputs at the edges --------------------------------------------------------------


def facts_from_trace(trace: Trace) -> GateInput:
    """The cases, areas and problems of a built trace."""
    graph = trace.graph
    cases = tuple(
        CaseFact(n.id, n.title, graph.status_of(n.id), n.path, n.line)
        for n in trace.spec.nodes if n.kind is NodeKind.CASE)
    areas = tuple(AreaFact(a.id, a.title, graph.counts(a.id), a.path, a.line)
                  for a in graph.roots())
    return GateInput(cases, areas, tuple(graph.problems()))


def read_baseline(path: Path, shown: str | None = None) -> dict[str, str]:
    """Case id → status from a JSON report (`spectrace report --format json`)."""
    return report_statuses(read_report(path, shown), shown or str(path))


def read_report(path: Path, shown: str | None = None) -> dict[str, Any]:
    shown = shown or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpectraceError("report file not found", shown) from None
    except (OSError, UnicodeDecodeError) as exc:
        why = getattr(exc, "strerror", None) or "not UTF-8 text"
        raise SpectraceError(f"cannot read report file: {why}", shown) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpectraceError(f"not a spectrace JSON report: {exc.msg}", shown, exc.lineno) from None
    if not isinstance(data, dict) or data.get("schema") != REPORT_SCHEMA:
        found = data.get("schema") if isinstance(data, dict) else None
        raise SpectraceError(
            f"not a spectrace JSON report: expected schema {REPORT_SCHEMA!r}, found {found!r} "
            "(write one with `spectrace report --format json -o FILE`)", shown, 1)
    return data


def report_statuses(data: Mapping[str, Any], shown: str) -> dict[str, str]:
    statuses: dict[str, str] = {}
    try:
        for area in data["areas"]:
            for case in area["cases"]:
                statuses[str(case["id"])] = str(case["status"])
    except (KeyError, TypeError):
        raise SpectraceError("not a spectrace JSON report: areas[].cases[] with id and "
                             "status expected", shown) from None
    return statuses


# --- the `check:` section and its flags ---------------------------------------------------

_KEYS = {"min_coverage", "min_area_coverage", "area_coverage", "max_missing", "fail_on",
         "baseline"}


def thresholds(config: Config, flags: Mapping[str, Any] | None = None) -> Thresholds:
    """The `check:` section of the config, then the command-line flags over it."""
    raw = config.extra.get(SECTION) or {}
    where = config.source
    if not isinstance(raw, dict):
        raise ConfigError("check: expected a mapping of settings", where, getattr(raw, "line", None))

    def line(key: str) -> int | None:
        return raw.key_line(key) if hasattr(raw, "key_line") else getattr(raw, "line", None)

    for key in raw:
        if key not in _KEYS:
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(f"check: unknown setting {key!r}; known: {known}", where, line(key))
    values: dict[str, Any] = {}
    for key in ("min_coverage", "min_area_coverage"):
        if key in raw:
            values[key] = percent(raw[key], f"check.{key}", where, line(key))
    if "area_coverage" in raw:
        areas = raw["area_coverage"]
        if not isinstance(areas, dict):
            raise ConfigError("check.area_coverage: expected a mapping of area id to %",
                              where, line("area_coverage"))
        values["area_coverage"] = {str(k): percent(v, f"check.area_coverage.{k}", where,
                                                   line("area_coverage")) for k, v in areas.items()}
    if "max_missing" in raw:
        values["max_missing"] = count(raw["max_missing"], "check.max_missing", where,
                                      line("max_missing"))
    if "fail_on" in raw:
        kinds = raw["fail_on"]
        if kinds is None:
            kinds = []
        elif isinstance(kinds, str):  # `fail_on: none`, or a single kind
            kinds = [kinds]
        if not isinstance(kinds, list):
            raise ConfigError("check.fail_on: expected a list of problem kinds", where,
                              line("fail_on"))
        values["fail_on"] = problem_kinds(kinds, "check.fail_on", where, line("fail_on"))
    if "baseline" in raw:
        if not isinstance(raw["baseline"], str):
            raise ConfigError("check.baseline: expected a file path", where, line("baseline"))
        values["baseline"] = config.root / raw["baseline"]
    for key, value in (flags or {}).items():
        if value is None:
            continue
        if key == "area_coverage":
            value = {**values.get("area_coverage", {}), **value}
        values[key] = value
    return Thresholds(**values)


def percent(value: Any, what: str, path: str | None = None, line: int | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise ConfigError(f"{what}: expected a percentage from 0 to 100, got {value!r}", path, line)
    return float(value)


def count(value: Any, what: str, path: str | None = None, line: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{what}: expected a whole number, 0 or more, got {value!r}", path, line)
    return int(value)


def problem_kinds(names: Iterable[Any], what: str, path: str | None = None,
                  line: int | None = None) -> tuple[ProblemKind, ...]:
    """Problem kinds by name; `none` alone means no problem fails the gate."""
    names = [str(n) for n in names]
    if names == ["none"]:
        return ()
    known = {k.value: k for k in ProblemKind}
    out = []
    for name in names:
        if name not in known:
            raise ConfigError(f"{what}: unknown problem kind {name!r}; use `none` or one of: "
                              f"{', '.join(sorted(known))}", path, line)
        out.append(known[name])
    return tuple(dict.fromkeys(out))


def area_override(text: str) -> tuple[str, float]:
    """`--area-coverage 3=90` → ("3", 90.0)."""
    area_id, sep, pct = text.rpartition("=")
    if not sep or not area_id:
        raise ConfigError(f"--area-coverage: expected AREA=PERCENT, got {text!r}")
    try:
        value = float(pct)
    except ValueError:
        raise ConfigError(f"--area-coverage: expected AREA=PERCENT, got {text!r}") from None
    return area_id, percent(value, "--area-coverage")
