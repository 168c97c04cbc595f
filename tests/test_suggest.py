"""`spectrace suggest`: name-similarity proposals, a draft mapping, never an edited file."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from builders import area, case, make_file, scan, spec
from spectrace.cli import app
from spectrace.graph import TraceGraph
from spectrace.link import link
from spectrace.mapping import parse_mapping
from spectrace.model import Status, Test
from spectrace.specs.ids import IdMatcher
from spectrace.suggest import render_text, render_yaml, suggest, tokens

pytestmark = pytest.mark.spec("6.8")

FIXTURES = Path(__file__).parent / "fixtures"


def trace_of(tree, files, mapping_text: str = ""):
    entries = parse_mapping(mapping_text, "mappings/m.yaml") if mapping_text else []
    graph = TraceGraph(tree, files, link(tree, files, entries, IdMatcher()))
    return SimpleNamespace(spec=tree, scan=files, graph=graph)


def t(name: str, cls: str | None = None, doc: str | None = None) -> Test:
    return Test(name, f"{cls}::{name}" if cls else name, 1, doc=doc)


TREE = spec(
    area("1", "Chat"),
    case("1.1", "Streaming responses (SSE)", "1"),
    case("1.2", "Login rate limit", "1"),
    case("1.3", "Non-streaming", "1"),
    case("1.4", "Email delivery", "1"),
)
FILES = scan(
    make_file("tests/test_chat.py", t("test_sse_stream_responses", "TestChat"),
              t("test_streaming_ok"), t("test_non_streaming")),
    make_file("tests/test_auth.py", t("test_login_with_token", doc="Logins are rate limited.")),
    make_file("tests/test_misc.py", t("test_slugify_drops_punctuation")),
)
MAPPING = """
cases:
  "1.3": ["tests/test_chat.py::test_non_streaming"]
"""


def test_tokens_split_identifiers_drop_stop_words_and_stem():
    assert tokens("test_should_return_the_StreamingHTTPResponse") == {
        "return", "stream", "http", "respons"}
    assert tokens("Streaming responses (SSE), when rated") == {"stream", "respons", "sse", "rat"}
    assert tokens("routes") == tokens("routing") == tokens("route")
    assert tokens("pass") == {"pass"}  # no stem below three letters, no `ss` cut
    assert tokens(None) == tokens("") == tokens("the a when") == frozenset()


def test_only_uncovered_cases_are_considered_and_the_best_orphan_comes_first():
    found = {s.case: s for s in suggest(trace_of(TREE, FILES, MAPPING), min_score=0.1)}
    assert "1.3" not in found  # covered: nothing to suggest
    assert set(found) == {"1.1", "1.2", "1.4"}
    streaming = found["1.1"].candidates
    assert [c.test for c in streaming] == ["tests/test_chat.py::TestChat::test_sse_stream_responses",
                                           "tests/test_chat.py::test_streaming_ok",
                                           "tests/test_chat.py::test_non_streaming"]
    best = streaming[0]
    # C = {stream, respons, sse}; N = {sse, stream, respons}: the Jaccard index is 1.
    assert (best.score, best.orphan, best.shared) == (1.0, True, ("respons", "sse", "stream"))
    # test_streaming_ok, an orphan: C ∩ N = {stream}, |C ∪ N| = 4.
    assert (streaming[1].score, streaming[1].orphan) == (0.25, True)
    # test_non_streaming already covers 1.3: the same 1/4, × 0.8.
    assert (streaming[2].score, streaming[2].orphan) == (0.2, False)
    # The docstring "Logins are rate limited." lends {rat, limit} at half weight: 2/4.
    assert [(c.test, c.score) for c in found["1.2"].candidates] == [
        ("tests/test_auth.py::test_login_with_token", 0.5)]
    assert found["1.4"].candidates == ()  # nothing shares a word with "Email delivery"


def test_score_formula_counts_context_words_at_half_weight_outside_the_denominator():
    files = scan(make_file("tests/test_auth.py", t("test_login_with_token"),
                           t("test_login_token_again", doc="Limit the rate of logins.")))
    tree = spec(area("1", "Auth"), case("1.2", "Login rate limit", "1"))
    (only,) = suggest(trace_of(tree, files), min_score=0)
    scores = {c.test.rsplit("::", 1)[-1]: c.score for c in only.candidates}
    # C = {login, rat, limit}. Plain: |{login}| / |{login, rat, limit, token}| = 1/4.
    # With the docstring: (1 + 0.5·|{rat, limit}|) / |{login, rat, limit, token, again}| = 2/5.
    assert scores == {"test_login_with_token": 0.25, "test_login_token_again": 0.4}
    assert [c.test for c in only.candidates][0].endswith("test_login_token_again")


def test_a_test_citing_the_case_id_is_linked_already_so_never_suggested():
    files = scan(make_file("tests/test_x.py", t("test_frames_3_1_2"), t("test_frames")))
    tree = spec(area("3", "Chat"), case("3.1.2", "Frames", "3"), case("3.1.3", "Frames", "3"))
    found = suggest(trace_of(tree, files), min_score=0)
    assert [(s.case, [c.test for c in s.candidates]) for s in found] == [
        ("3.1.3", ["tests/test_x.py::test_frames", "tests/test_x.py::test_frames_3_1_2"])]
    assert [c.orphan for c in found[0].candidates] == [True, False]


def test_tests_already_linked_to_the_case_are_not_proposed_again():
    mapping = 'cases:\n  "1.1": {tests: [tests/test_chat.py], status: partial}\n'
    found = {s.case: s for s in suggest(trace_of(TREE, FILES, mapping), min_score=0)}
    assert found["1.1"].status is Status.PARTIAL
    assert all(not c.test.startswith("tests/test_chat.py") for c in found["1.1"].candidates)


def test_top_and_min_score_bound_the_candidates():
    trace = trace_of(TREE, FILES)
    loose = {s.case: s.candidates for s in suggest(trace, top=10, min_score=0)}
    assert len(loose["1.1"]) == 3
    assert [len(s.candidates) for s in suggest(trace, top=1, min_score=0)] == [1, 1, 1, 0]
    strict = {s.case: s.candidates for s in suggest(trace, min_score=0.9)}
    assert [c.score for c in strict["1.1"]] == [1.0]
    assert strict["1.2"] == ()
    assert all(c.score >= 0.3 for s in suggest(trace, min_score=0.3) for c in s.candidates)


def test_the_draft_loads_as_a_mapping_and_cannot_count_as_coverage():
    trace = trace_of(TREE, FILES)
    found = suggest(trace, min_score=0.1)
    draft = render_yaml(found)
    assert draft.startswith("# DRAFT mapping proposed by `spectrace suggest`")
    entries = parse_mapping(draft, "suggested-mapping.yaml")
    assert {e.target for e in entries} == {s.case for s in found if s.candidates}
    for entry in entries:
        assert entry.note.startswith("suggested, not reviewed: score ")
        assert entry.status == "missing"
    stream = next(e for e in entries if e.target == "1.1")
    assert [r.text for r in stream.tests] == [c.test for c in found[0].candidates]
    # Even if a mapping glob picked the draft up, its cases would stay missing.
    graph = TraceGraph(TREE, FILES, link(TREE, FILES, entries, IdMatcher()))
    assert {e.target: graph.status_of(e.target) for e in entries} == {
        e.target: Status.MISSING for e in entries}


def test_an_empty_draft_still_loads_and_the_text_table_says_why():
    tree = spec(area("1", "Mail"), case("1.1", "Email delivery", "1"))
    found = suggest(trace_of(tree, FILES))
    assert parse_mapping(render_yaml(found), "s.yaml") == []
    assert "(no candidate above the threshold)" in render_text(found)
    assert render_text([]) == "Every case is covered: nothing to suggest.\n"


# -- the command ----------------------------------------------------------------------


@pytest.fixture
def gateway(tmp_path) -> Path:
    repo = tmp_path / "gateway"
    shutil.copytree(FIXTURES / "gateway", repo)
    return repo


def run(*args: str):
    return CliRunner().invoke(app, ["suggest", *args, "--no-cache"], catch_exceptions=False)


def snapshot(repo: Path) -> dict[str, bytes]:
    return {p.relative_to(repo).as_posix(): p.read_bytes() for p in sorted(repo.rglob("*"))
            if p.is_file()}


def test_suggest_writes_a_new_draft_and_touches_nothing_else(gateway):
    before = snapshot(gateway)
    result = run(str(gateway))
    assert result.exit_code == 0, result.stderr
    draft = gateway / "suggested-mapping.yaml"
    assert result.stdout == ""
    assert f"Wrote {draft}" in result.stderr
    after = snapshot(gateway)
    assert after.pop("suggested-mapping.yaml") == draft.read_bytes()
    assert after == before  # the existing mapping file is byte for byte the same
    entries = parse_mapping(draft.read_text(), "suggested-mapping.yaml")
    assert [(e.target, [r.text for r in e.tests]) for e in entries] == [
        ("3.2.5", ["tests/services/test_general_router.py::test_general_router_modes"])]


def test_suggest_never_overwrites_a_file(gateway, tmp_path):
    target = tmp_path / "mine.yaml"
    target.write_text("keep me\n")
    existing = gateway / "mappings" / "coverage.yaml"
    for path in (target, existing):
        before = path.read_bytes()
        result = run(str(gateway), "-o", str(path))
        assert result.exit_code == 2
        assert "exists; suggest never overwrites" in result.stderr
        assert "-o" in result.stderr
        assert path.read_bytes() == before


def test_suggest_refuses_a_target_a_mapping_glob_would_read(gateway):
    target = gateway / "mappings" / "suggested.yaml"
    result = run(str(gateway), "-o", str(target))
    assert result.exit_code == 2
    assert "matches the mapping pattern 'mappings/*.yaml'" in result.stderr
    assert not target.exists()
    assert sorted(p.name for p in (gateway / "mappings").iterdir()) == ["coverage.yaml"]


def test_suggest_prints_the_draft_or_a_table_to_stdout(gateway):
    before = snapshot(gateway)
    draft = run(str(gateway), "-o", "-", "--min-score", "0.1")
    assert draft.exit_code == 0, draft.stderr
    assert {e.target for e in parse_mapping(draft.stdout, "-")} == {"2.3", "3.2.5", "4.2"}
    table = run(str(gateway), "--format", "text", "--min-score", "0.1", "--top", "1")
    assert table.exit_code == 0, table.stderr
    assert "3.2.5  Code router fallback to the general router  [missing]" in table.stdout
    assert "0.32  tests/services/test_general_router.py::test_general_router_modes" in table.stdout
    assert "4.3  Email delivery  [missing]\n    (no candidate above the threshold)" in table.stdout
    assert "Suggestions are not coverage" in table.stdout
    assert snapshot(gateway) == before


@pytest.mark.parametrize("args, message", [
    (["--format", "json"], "suggest prints yaml or text, not 'json'"),
    (["--min-score", "2"], "--min-score"),
    (["--top", "0"], "--top"),
])
def test_suggest_bad_options_exit_2(gateway, args, message):
    result = run(str(gateway), *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (gateway / "suggested-mapping.yaml").exists()
