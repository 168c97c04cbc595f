"""Test results (JUnit XML) → per-test outcomes and the spec ids results files state."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from spectrace.config import Config
from spectrace.errors import ResultsError
from spectrace.model import LinkState, Scan
from spectrace.results.gaps import gap_markers, gap_tests
from spectrace.results.junit import CaseResult, read_junit


@dataclass(frozen=True)
class Results:
    """What the results files say about discovered tests, keyed by node id."""

    outcomes: dict[str, LinkState] = field(default_factory=dict)
    spec_ids: dict[str, tuple[str, ...]] = field(default_factory=dict)
    unmatched: tuple[CaseResult, ...] = ()  # testcases no discovered test answers to
    testcases: int = 0


def load_results(paths: Iterable[Path], scan: Scan, config: Config) -> Results:
    cases = [case for path in expand(paths) for case in read_junit(path, config.display(path))]
    return match_results(cases, scan, gap_markers(config))


def expand(paths: Iterable[Path]) -> list[Path]:
    """Results paths with globs expanded: Surefire writes one file per test class."""
    out: list[Path] = []
    for path in paths:
        text = str(path)
        if not any(ch in text for ch in "*?["):
            out.append(path)
            continue
        anchor = Path(path.anchor or ".")
        found = sorted(anchor.glob(str(path.relative_to(anchor)) if path.anchor else text))
        if not found:
            raise ResultsError("no results file matches this pattern", text)
        out.extend(found)
    return out


def load_outcomes(paths: Iterable[Path], scan: Scan, config: Config) -> dict[str, LinkState]:
    return load_results(paths, scan, config).outcomes


def match_results(cases: Iterable[CaseResult], scan: Scan,
                  gaps: tuple[str, ...] = ()) -> Results:
    """Pure: testcases matched to discovered tests; parametrized instances roll up."""
    from spectrace.link import combine_states
    from spectrace.results.match import Matcher

    matcher = Matcher(scan)
    states: dict[str, list[LinkState]] = defaultdict(list)
    ids: dict[str, list[str]] = defaultdict(list)
    unmatched: list[CaseResult] = []
    count = 0
    for case in cases:
        count += 1
        found = matcher.match(case) or matcher.collection_error(case)
        if not found:
            unmatched.append(case)
        for node_id in found:
            states[node_id].append(case.state)
            ids[node_id].extend(case.spec_ids)
    # Any instance failed → failed; else any passed → passed; else xfail; else skipped.
    outcomes = {node_id: combine_states(found) for node_id, found in states.items()}
    for node_id in gap_tests(scan, gaps):
        if node_id in outcomes:  # a documented gap stays a gap, whatever the run said
            outcomes[node_id] = LinkState.XFAIL
    return Results(
        outcomes=dict(sorted(outcomes.items())),
        spec_ids={k: tuple(dict.fromkeys(v)) for k, v in sorted(ids.items()) if v},
        unmatched=tuple(unmatched),
        testcases=count,
    )
