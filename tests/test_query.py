"""`query` answered from the report view, and the view cache that makes a warm query fast."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest

from builders import area, case, feature, make_file, scan, spec
from spectrace.config import build_config
from spectrace.graph import TraceGraph
from spectrace.link import link
from spectrace.model import Test
from spectrace.pipeline import Revision, Trace
from spectrace.render.query import answer
from spectrace.render.view import build_view
from spectrace.specs.ids import IdMatcher
from spectrace.viewcache import input_digest, load_view, report_view

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def view(tmp_path):
    tree = spec(area("1", "Auth"), case("1.1", "Login", "1"), case("1.3", "Login rate limit", "1"),
                area("2", "Chat"), feature("2.1", "Streaming", "2"),
                case("2.1.1", "SSE frames", "2.1"), case("2.1.2", "Login to stream", "2.1"))
    files = scan(make_file("tests/t.py", Test("test_l", "test_l", 1, ids=("1.1", "2.1.1"))))
    linkage = link(tree, files, [], IdMatcher())
    trace = Trace(build_config(tmp_path), tree, files, linkage, TraceGraph(tree, files, linkage),
                  Revision(), ("plan.md",))
    return build_view(trace)


@pytest.mark.spec("6.3")
def test_query_by_id_words_and_ancestors(view):
    ids = lambda text: [m.id for m in answer(view, text).matches]  # noqa: E731
    assert ids("1.3") == ["1.3"]
    assert ids("rate limit") == ["1.3"]
    assert ids("LOGIN") == ["1.1", "1.3", "2.1.2"]
    assert ids("auth") == ["1"]  # its cases show under it
    assert ids("stream") == ["2.1"]  # "Login to stream" sits inside the matching feature
    assert ids("quantum") == [] and ids("  ") == []
    streaming = answer(view, "2.1").matches[0]
    assert (streaming.kind, streaming.covered, streaming.total) == ("feature", 1, 2)
    assert [c.id for c in streaming.cases] == ["2.1.1", "2.1.2"]
    assert not answer(view, "2.1").all_covered and answer(view, "1.1").all_covered


def _aged_copy(tmp_path: Path) -> Path:
    repo = tmp_path / "gateway"
    shutil.copytree(FIXTURES / "gateway", repo)
    old = time.time() - 60
    for path in repo.rglob("*"):
        os.utime(path, (old, old))
    return repo


@pytest.mark.spec("9.1", "9.2")
def test_warm_query_loads_the_cached_view_and_any_change_misses(tmp_path):
    repo = _aged_copy(tmp_path)
    config = build_config(repo)
    first = report_view(config)
    digest = input_digest(config)
    assert load_view(config, digest) == first
    test = repo / "tests" / "routes" / "test_chat.py"
    test.write_text(test.read_text() + "\n\ndef test_more():\n    pass\n")
    old = time.time() - 30
    os.utime(test, (old, old))
    assert input_digest(config) != digest
    assert load_view(config, input_digest(config)) is None
    assert report_view(config).summary.tests == first.summary.tests + 1


@pytest.mark.spec("9.1")
def test_fresh_files_are_never_trusted(tmp_path):
    repo = _aged_copy(tmp_path)
    (repo / "tests" / "test_new.py").write_text("def test_new():\n    pass\n")
    assert input_digest(build_config(repo)) is None


@pytest.mark.spec("9.2")
def test_warm_query_imports_no_parser_graph_or_table_library(tmp_path):
    import subprocess

    repo = _aged_copy(tmp_path)
    code = ("import sys; from spectrace.cli import main; sys.argv=['spectrace','query','1.1','.'];\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('networkx', 'markdown_it', 'tree_sitter', 'pandas', 'jinja2',"
            " 'openpyxl') if m in sys.modules]\nprint('HEAVY', heavy, file=sys.stderr)")
    first = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True)
    assert "✅ 1.1 Root endpoint" in first.stdout
    warm = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True)
    assert warm.stdout == first.stdout
    assert "HEAVY []" in warm.stderr, warm.stderr


@pytest.mark.spec("9.1", "8.1")
def test_a_changed_results_file_behind_a_glob_misses(tmp_path):
    from dataclasses import replace

    repo = _aged_copy(tmp_path)
    reports = tmp_path / "reports"
    reports.mkdir()
    junit = reports / "TEST-chat.xml"
    junit.write_text('<testsuite name="s" tests="0"></testsuite>\n')
    old = time.time() - 60
    os.utime(junit, (old, old))
    config = replace(build_config(repo), results=(reports / "TEST-*.xml",))
    digest = input_digest(config)
    assert digest is not None
    junit.write_text('<testsuite name="s" tests="1"><testcase name="t"/></testsuite>\n')
    os.utime(junit, (old + 1, old + 1))
    assert input_digest(config) != digest
