"""TraceGraph: the status rules of PRODUCT.md, roll-ups, orphans, reverse lookups, query."""

from __future__ import annotations

import pytest

from builders import area, case, feature, make_file, scan, spec
from spectrace.graph import TraceGraph
from spectrace.link import link
from spectrace.mapping import parse_mapping
from spectrace.model import Counts, LinkState, Status, Test
from spectrace.specs.ids import IdMatcher

SPEC = spec(
    area("1", "Auth"),
    case("1.1", "Login", "1"),
    case("1.2", "Logout", "1"),
    case("1.3", "Login rate limit", "1"),
    case("1.4", "Token refresh", "1"),
    case("1.5", "Password reset", "1"),
    case("1.6", "Failing login", "1"),
    area("2", "Chat"),
    case("2.1", "Stream", "2"),
    area("3", "Guardrails"),
    feature("3/pii", "PII Detection", "3", numbered=False),
    feature("3/moderation", "Content Moderation", "3", numbered=False),
    area("4", "Billing"),
    case("4.1", "Credits", "4"),
)
FILES = (
    make_file("tests/test_auth.py",
              Test("test_login", "test_login", 1, ids=("1.1",)),
              Test("test_logout_skipped", "test_logout_skipped", 2, ids=("1.2",), skipped=True),
              Test("test_refresh_gap", "test_refresh_gap", 3, ids=("1.4",), xfail=True),
              Test("test_reset", "test_reset", 4, ids=("1.5",)),
              Test("test_failing", "test_failing", 5, ids=("1.6",)),
              Test("test_helper_orphan", "test_helper_orphan", 6)),
    make_file("tests/test_chat.py", Test("test_stream", "test_stream", 1, ids=("2.1",))),
)
MAPPING = parse_mapping(
    "cases:\n"
    "  '1.5': {tests: [tests/test_auth.py::test_reset], status: partial, note: 200 only}\n"
    "  '4.1': [tests/test_gone.py]\n"
    "features:\n"
    "  pii-detection: {status: not-implemented}\n", "m.yaml")
# With results, covered means a linked test passed: a test with no result proves nothing.
OUTCOMES = {"tests/test_auth.py::test_failing": LinkState.FAILED,
            "tests/test_auth.py::test_login": LinkState.PASSED,
            "tests/test_chat.py::test_stream": LinkState.PASSED}


@pytest.fixture
def graph() -> TraceGraph:
    return TraceGraph(SPEC, scan(*FILES), link(SPEC, scan(*FILES), MAPPING, IdMatcher(), OUTCOMES))


@pytest.mark.spec("4.1")
@pytest.mark.parametrize(("case_id", "status", "note"), [
    ("1.1", Status.COVERED, None),
    ("1.2", Status.PARTIAL, "every linked test is skipped"),
    ("1.3", Status.MISSING, None),
    ("1.4", Status.PARTIAL, "known gap: expected to fail"),
    ("1.5", Status.PARTIAL, "200 only"),
    ("1.6", Status.PARTIAL, "a linked test failed"),
    ("4.1", Status.MISSING, "only dangling links"),
])
def test_case_status_rules(graph, case_id, status, note):
    assert graph.verdict(case_id).status is status
    assert graph.verdict(case_id).note == note


@pytest.mark.spec("4.2", "1.2.3")
def test_roll_up_to_features_and_areas(graph):
    assert graph.status_of("1") is Status.PARTIAL
    assert graph.counts("1") == Counts(covered=1, partial=4, missing=1)
    assert graph.counts("1").fraction == "1/6"
    assert graph.status_of("2") is Status.COVERED
    assert graph.verdict("3/pii").note == "not implemented"
    assert graph.verdict("3/moderation").note == "no cases"
    assert graph.status_of("3") is Status.MISSING
    assert graph.status_of("4") is Status.MISSING
    assert graph.area_counts() == Counts(covered=1, partial=1, missing=2)
    assert sum([Counts(1, 0, 0), Counts(0, 2, 1)]) == Counts(1, 2, 1)


@pytest.mark.spec("4.2", "1.2.3")
def test_a_feature_without_cases_keeps_its_area_from_reading_covered():
    tree = spec(area("1", "Chat"), case("1.1", "Stream", "1"),
                feature("1/suggest", "Suggestions", "1", numbered=False))
    files = scan(make_file("t.py", Test("test_s", "test_s", 1, ids=("1.1",))))
    graph = TraceGraph(tree, files, link(tree, files, [], IdMatcher()))
    assert graph.status_of("1.1") is Status.COVERED
    assert graph.status_of("1") is Status.PARTIAL
    assert graph.counts("1").fraction == "1/1"


@pytest.mark.spec("4.3", "4.4")
def test_orphans_and_reverse_lookup(graph):
    assert [t.qualname for _, t in graph.orphan_tests()] == ["test_helper_orphan"]
    assert graph.cases_of_test("tests/test_auth.py::test_reset") == ["1.5"]
    assert graph.cases_of_test("tests/test_auth.py::test_helper_orphan") == []
    assert [lk.target for lk in graph.dangling_links()] == ["tests/test_gone.py"]
