"""The pytest plugin, in real pytest runs: the `spec` marker and `spec` JUnit properties."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from spectrace.results.junit import read_junit

TESTS = textwrap.dedent("""
    import pytest

    pytestmark = pytest.mark.spec("1.0")

    @pytest.mark.spec("3.1")
    class TestChat:
        @pytest.mark.spec("3.1.1", "3.1.2")
        def test_stream(self):
            pass

        @pytest.mark.parametrize("n", [1, 2])
        def test_history(self, n):
            pass

    def test_plain():
        pass
""")


def pytest_run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        # hypothesis takes a second to load and has nothing to do here.
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:hypothesispytest",
         "-W", "error", *args],
        cwd=project, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTEST_ADDOPTS": ""})


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = --strict-markers\n",
                                         encoding="utf-8")
    (tmp_path / "test_chat.py").write_text(TESTS, encoding="utf-8")
    return tmp_path


@pytest.mark.spec("8.6")
def test_the_marker_is_registered(project):
    run = pytest_run(project, "-q")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "4 passed" in run.stdout and "warning" not in run.stdout.lower()
    listed = pytest_run(project, "--markers")
    assert "@pytest.mark.spec(*ids): the spec cases this test covers" in listed.stdout
    # Without the plugin, --strict-markers rejects the marker: the plugin is what registers it.
    bare = pytest_run(project, "-q", "-p", "no:spectrace")
    assert bare.returncode != 0 and "'spec' not found in `markers`" in bare.stdout + bare.stderr


def properties(junit: Path) -> dict[str, tuple[str, ...]]:
    return {f"{c.classname}::{c.name}": c.spec_ids for c in read_junit(junit)}


@pytest.mark.spec("8.6", "8.1")
def test_junit_properties_on_request(project):
    out = project / "junit.xml"
    run = pytest_run(project, "-q", f"--junitxml={out}", "--spectrace-junit-properties")
    assert run.returncode == 0, run.stdout + run.stderr
    assert properties(out) == {
        # The closest marker first: the test's, its class's, its module's.
        "test_chat.TestChat::test_stream": ("3.1.1", "3.1.2", "3.1", "1.0"),
        "test_chat.TestChat::test_history[1]": ("3.1", "1.0"),
        "test_chat.TestChat::test_history[2]": ("3.1", "1.0"),
        "test_chat::test_plain": ("1.0",),
    }
    assert out.read_text(encoding="utf-8").count('<property name="spec" value="3.1.1" />') == 1


@pytest.mark.spec("8.6")
def test_no_properties_unless_asked(project):
    out = project / "junit.xml"
    assert pytest_run(project, "-q", f"--junitxml={out}").returncode == 0
    assert set(properties(out).values()) == {()}
    (project / "pytest.ini").write_text(
        "[pytest]\naddopts = --strict-markers\nspectrace_junit_properties = true\n",
        encoding="utf-8")
    assert pytest_run(project, "-q", f"--junitxml={out}").returncode == 0
    assert properties(out)["test_chat::test_plain"] == ("1.0",)
