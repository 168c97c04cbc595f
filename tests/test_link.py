"""The linker: every source of evidence, dangling references and unknown ids."""

from __future__ import annotations

import pytest

from builders import area, case, feature, scan, spec, make_file
from spectrace.link import combine_states, link
from spectrace.mapping import parse_mapping
from spectrace.model import LinkSource, LinkState, ProblemKind, Status, Test
from spectrace.specs.ids import IdMatcher

SPEC = spec(
    area("3", "Inference"),
    area("3.1", "Chat", "3"),
    case("3.1.1", "Non-streaming", "3.1", line=10),
    case("3.1.2", "Streaming", "3.1", line=11, expected=("test_sse_frames",)),
    case("3.1.3", "JSON mode", "3.1", line=12, expected=("TestJson::test_json_mode",)),
    case("CM-2.4", "Login", "3.1", line=13),
    area("4", "Guardrails"),
    feature("4/pii-detection", "PII Detection", "4", numbered=False),
)

CHAT = make_file(
    "tests/test_chat.py",
    Test("test_plain", "TestChat::test_plain", 5),
    Test("test_3_1_1_non_stream", "TestChat::test_3_1_1_non_stream", 10),
    Test("test_sse_frames", "TestChat::test_sse_frames", 20, skipped=True, skip_reason="flaky"),
    Test("test_marked", "test_marked", 30, ids=("3.1.3", "9.9")),
    Test("test_doc", "test_doc", 40, texts=("Covers CM-2.4 and version 1.2.3.",)),
    Test("test_json_mode", "TestJson::test_json_mode", 50, xfail=True),
)


def links_by(linkage, case_id):
    return sorted((lk.source, lk.name, lk.state) for lk in linkage.links if lk.case == case_id)


@pytest.mark.spec("3.4")
def test_ids_in_names_and_texts_link_only_known_cases():
    linkage = link(SPEC, scan(CHAT), [], IdMatcher())
    assert links_by(linkage, "3.1.1") == [
        (LinkSource.ID_IN_CODE, "TestChat::test_3_1_1_non_stream", LinkState.OK)]
    assert links_by(linkage, "CM-2.4") == [(LinkSource.ID_IN_CODE, "test_doc", LinkState.OK)]
    # "1.2.3" in the docstring is no case: it links nothing and is no problem either.
    assert not [p for p in linkage.problems if p.target == "1.2.3"]


@pytest.mark.spec("3.3", "3.7")
def test_markers_link_and_unknown_marker_ids_are_problems():
    linkage = link(SPEC, scan(CHAT), [], IdMatcher())
    assert (LinkSource.MARKER, "test_marked", LinkState.OK) in links_by(linkage, "3.1.3")
    unknown = [p for p in linkage.problems if p.kind is ProblemKind.UNKNOWN_ID]
    assert [(p.path, p.line, p.target) for p in unknown] == [("tests/test_chat.py", 30, "9.9")]


@pytest.mark.spec("3.5")
def test_expected_names_link_by_name_and_by_qualname():
    linkage = link(SPEC, scan(CHAT), [], IdMatcher())
    assert links_by(linkage, "3.1.2") == [
        (LinkSource.EXPECTED_NAME, "TestChat::test_sse_frames", LinkState.SKIPPED)]
    assert (LinkSource.EXPECTED_NAME, "TestJson::test_json_mode", LinkState.XFAIL) in links_by(
        linkage, "3.1.3")


@pytest.mark.spec("3.5", "3.6")
def test_expected_name_with_no_test_dangles_at_the_spec_line():
    gone = spec(area("1", "A"), case("1.1", "B", "1", line=7, expected=("test_deleted",)))
    linkage = link(gone, scan(CHAT), [], IdMatcher())
    (problem,) = [p for p in linkage.problems if p.kind is ProblemKind.DANGLING_LINK]
    assert (problem.kind, problem.path, problem.line, problem.target) == (
        ProblemKind.DANGLING_LINK, "plan.md", 7, "test_deleted")
    assert [lk.state for lk in linkage.links] == [LinkState.DANGLING]


@pytest.mark.spec("3.1", "3.6")
def test_mapping_references_paths_globs_classes_and_dangling_ones():
    other = make_file("tests/api/test_other.py", Test("test_x", "test_x", 3))
    entries = parse_mapping(
        "cases:\n"
        "  '3.1.1': [tests/test_chat.py]\n"
        "  '3.1.2': ['tests/**/test_o*.py']\n"
        "  '3.1.3': ['tests/test_chat.py::TestJson']\n"
        "  'CM-2.4':\n"
        "    - tests/test_gone.py\n"
        "    - src/app.py\n"
        "    - tests/test_chat.py::TestChat::test_missing\n",
        "mappings/m.yaml")
    linkage = link(SPEC, scan(CHAT, other, others=("src/app.py",)), entries, IdMatcher())
    file_link = [lk for lk in linkage.links if lk.case == "3.1.1" and lk.source is LinkSource.MAPPING]
    assert [(lk.path, lk.name, lk.line, lk.state) for lk in file_link] == [
        ("tests/test_chat.py", None, 5, LinkState.OK)]
    assert (LinkSource.MAPPING, None, LinkState.OK) in links_by(linkage, "3.1.2")
    assert (LinkSource.MAPPING, "TestJson::test_json_mode", LinkState.XFAIL) in links_by(
        linkage, "3.1.3")
    dangling = [(p.line, p.target, p.message) for p in linkage.problems
                if p.kind is ProblemKind.DANGLING_LINK]
    assert dangling == [
        (6, "tests/test_gone.py", "mapping links CM-2.4 to tests/test_gone.py, which does not exist"),
        (7, "src/app.py", "mapping links CM-2.4 to src/app.py, which holds no tests"),
        (8, "tests/test_chat.py::TestChat::test_missing",
         "mapping links CM-2.4 to tests/test_chat.py::TestChat::test_missing, "
         "but tests/test_chat.py has no test TestChat::test_missing"),
    ]


@pytest.mark.spec("3.2", "3.7")
def test_mapping_ranges_statuses_features_and_unknown_ids():
    entries = parse_mapping(
        "cases:\n"
        "  '3.1.1-3.1.3':\n"
        "    tests: [tests/test_chat.py::test_marked]\n"
        "    status: partial\n"
        "    note: status code only\n"
        "  '7.7': [tests/test_chat.py]\n"
        "features:\n"
        "  pii-detection: {status: not-implemented}\n"
        "  nowhere: {status: not-implemented}\n",
        "mappings/m.yaml")
    linkage = link(SPEC, scan(CHAT), entries, IdMatcher())
    for case_id in ("3.1.1", "3.1.2", "3.1.3"):
        mapped = [lk for lk in linkage.links if lk.case == case_id and lk.source is LinkSource.MAPPING]
        assert [(lk.status, lk.note) for lk in mapped] == [(Status.PARTIAL, "status code only")]
    assert linkage.declared["4/pii-detection"].status == "not-implemented"
    unknown = sorted((p.line, p.target) for p in linkage.problems if p.kind is ProblemKind.UNKNOWN_ID)
    assert unknown == [(6, "7.7"), (9, "nowhere"), (30, "9.9")]


@pytest.mark.spec("3.1")
def test_one_link_per_case_and_test_keeps_the_strongest_source():
    entries = parse_mapping("cases:\n  '3.1.1': [tests/test_chat.py::TestChat::test_3_1_1_non_stream]\n",
                            "m.yaml")
    linkage = link(SPEC, scan(CHAT), entries, IdMatcher())
    assert links_by(linkage, "3.1.1") == [
        (LinkSource.MAPPING, "TestChat::test_3_1_1_non_stream", LinkState.OK)]


def test_combined_state_of_a_group_prefers_failures_then_passes():
    assert combine_states([LinkState.SKIPPED, LinkState.OK]) is LinkState.OK
    assert combine_states([LinkState.PASSED, LinkState.FAILED]) is LinkState.FAILED
    assert combine_states([LinkState.SKIPPED, LinkState.XFAIL]) is LinkState.XFAIL
    assert combine_states([]) is LinkState.DANGLING


@pytest.mark.spec("3.4")
@pytest.mark.parametrize(("name", "expected"), [
    ("test_3_1_1_non_stream", ["3.1.1"]),
    ("test_1_1_root", ["1.1"]),
    ("test_2_1_1_is_not_1_1", ["1.1"]),  # 2_1_1 is no case; the later 1_1 is one
    ("test_cm_2_4_login", ["CM-2.4"]),
    ("test_cm_2_4_1_login", []),  # CM-2.4.1 is not a case, and CM-2.4 is inside it
    ("test_http_1", []),
])
def test_ids_in_names_take_whole_number_runs(name, expected):
    cases = spec(area("1", "A"), case("1.1", "Root", "1"), case("3.1.1", "Chat", "1"),
                 case("CM-2.4", "Login", "1"))
    linkage = link(cases, scan(make_file("t.py", Test(name, name, 1))), [], IdMatcher())
    assert [lk.case for lk in linkage.links] == expected


@pytest.mark.spec("3.3")
@pytest.mark.parametrize(("line", "ids"), [
    ("spec: 3.1.1", ["3.1.1"]),
    ("Spec: 3.1.1, 3.1.2", ["3.1.1", "3.1.2"]),
    ("covers: 3.4.1 - 3.4.4 (streaming)", ["3.4.1-3.4.4"]),
    ("@spec CM-2.4", ["CM-2.4"]),
    ("  spec: REQ-12 and REQ-13", ["REQ-12", "REQ-13"]),
    ("specification: 3.1", None),
    ("the spec says 3.1.1", None),
])
def test_one_spec_comment_rule_for_every_language(line, ids):
    from spectrace.specs.ids import spec_comment_ids

    assert spec_comment_ids(line) == ids


@pytest.mark.spec("3.3")
def test_every_discoverer_reads_covers_comments_the_same_way():
    from spectrace.discover.go import GoDiscoverer
    from spectrace.discover.java import JavaDiscoverer
    from spectrace.discover.js import JsDiscoverer
    from spectrace.discover.rust import RustDiscoverer
    from spectrace.model import TestKind

    sources = {
        "src/lib.rs": (RustDiscoverer(), "// covers: 3.1.1, 3.1.2\n#[test]\nfn t() {}\n"),
        "x_test.go": (GoDiscoverer(), 'package x\nimport "testing"\n'
                      "// covers: 3.1.1, 3.1.2\nfunc TestT(t *testing.T) {}\n"),
        "src/test/java/XTest.java": (JavaDiscoverer(), "class XTest {\n"
                                     "  // covers: 3.1.1, 3.1.2\n  @Test void t() {}\n}\n"),
        "x.test.ts": (JsDiscoverer(), "// covers: 3.1.1, 3.1.2\ntest('t', () => {});\n"),
    }
    for path, (finder, text) in sources.items():
        (test,) = finder.parse(text, path, TestKind.UNIT).tests
        assert test.ids == ("3.1.1", "3.1.2"), path
