"""A report view built from hand-made specs and scans, for the HTML, table and wiki tests."""

from __future__ import annotations

from pathlib import Path

from builders import area, case, feature, make_file, spec
from spectrace.config import Config
from spectrace.graph import TraceGraph
from spectrace.link import link
from spectrace.mapping import parse_mapping
from spectrace.model import Problem, ProblemKind, Scan, Test
from spectrace.pipeline import Revision, Trace
from spectrace.render.view import ReportView, build_view
from spectrace.specs.ids import IdMatcher

SCRIPT_TITLE = '<script>window.__spectrace_xss = "script"</script> Script in a title'
IMG_TITLE = "<img src=x onerror=\"window.__spectrace_xss = 'img'\"> Image in a title"
COMMIT = "0123456789abcdef0123456789abcdef01234567"

SPEC = spec(
    area("1", "Health"),
    case("1.1", "Root endpoint", "1"),
    case("1.2", "Ping with uptime", "1"),
    area("2", "Authentication"),
    feature("2.1", "Login", "2"),
    case("2.1.1", "Login with token", "2.1"),
    case("2.1.2", "Login rate limit", "2.1"),
    case("2.2", "Invalid token rejected", "2"),
    case("2.3", "Password reset | by e-mail", "2"),
    area("3", "Chat / Completions"),
    case("3.1", SCRIPT_TITLE, "3"),
    case("3.2", IMG_TITLE, "3"),
    case("3.10", "Streaming", "3"),
    area("4", "Guardrails"),
    feature("4/pii", "PII Detection", "4", numbered=False),
)
FILES = (
    make_file("tests/routes/test_root.py",
              Test("test_root", "test_root", 3, ids=("1.1",)),
              Test("test_ping", "test_ping", 9, ids=("1.2",))),
    make_file("tests/routes/test_auth.py",
              Test("test_login", "TestLogin::test_login", 12, ids=("2.1.1",)),
              Test("test_rate", "TestLogin::test_rate", 20, ids=("2.1.2",), skipped=True,
                   skip_reason="flaky")),
    make_file("tests/routes/test_chat.py",
              Test("test_script", "test_script", 5, ids=("3.1",)),
              Test("test_stream", "test_stream", 30, ids=("3.10",))),
)
MAPPING = parse_mapping(
    "cases:\n"
    "  '2.3': {tests: [tests/routes/test_auth.py::TestLogin::test_login], status: partial,\n"
    "          note: asserts the status code only}\n"
    "  '2.2': [tests/routes/test_gone.py]\n", "mappings/coverage.yaml")
BROKEN = Problem(ProblemKind.PARSE_ERROR, "invalid syntax", "tests/test_broken.py", 7)


def sample_view(*, source_url: str | None = None, title: str = "Gateway Test Coverage Audit",
                nodes=SPEC, files=FILES, mapping=MAPPING) -> ReportView:
    scan = Scan("/repo", tuple(files), problems=(BROKEN,),
                paths=frozenset(f.path for f in files))
    linkage = link(nodes, scan, mapping, IdMatcher(), None)
    graph = TraceGraph(nodes, scan, linkage)
    config = Config(root=Path("/repo"), title=title, source_url=source_url)
    trace = Trace(config, nodes, scan, linkage, graph, Revision(COMMIT, "2026-03-06"),
                  ("docs/testing-plan.md",))
    return build_view(trace)


def covered_view() -> ReportView:
    """Every case covered: no gaps anywhere."""
    nodes = spec(area("1", "Health"), case("1.1", "Root endpoint", "1"))
    files = (make_file("tests/test_root.py", Test("test_root", "test_root", 1, ids=("1.1",))),)
    return sample_view(nodes=nodes, files=files, mapping=())
