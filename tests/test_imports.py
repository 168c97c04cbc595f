"""Lazy imports: the quick commands never load the heavy libraries only reports need."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
HEAVY = ("pandas", "jinja2", "openpyxl")

# Run the CLI in a fresh interpreter, then print which heavy modules it loaded.
_PROBE = """
import json, sys
from spectrace.cli import main
sys.argv = ["spectrace", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print("LOADED=" + json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)), file=sys.stderr)
"""


def _loaded(args: list[str], cwd: Path) -> tuple[list[str], subprocess.CompletedProcess]:
    run = subprocess.run([sys.executable, "-c", _PROBE.format(heavy=HEAVY), *args], cwd=cwd,
                         capture_output=True, text=True, timeout=120)
    line = next(x for x in run.stderr.splitlines() if x.startswith("LOADED="))
    return json.loads(line.removeprefix("LOADED=")), run


@pytest.mark.spec("9.2")
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_tests_command_never_imports_pandas_jinja2_or_openpyxl(fmt):
    loaded, run = _loaded(["tests", str(FIXTURES / "gateway"), "--no-cache", "--format", fmt],
                          FIXTURES)
    assert run.returncode == 0, run.stderr
    assert "test_" in run.stdout  # it did list the tests
    assert loaded == []


@pytest.mark.spec("9.2")
def test_the_probe_sees_a_heavy_import_when_one_happens(tmp_path):
    # The same probe on a command that needs jinja2 (the HTML report) reports it, so an
    # empty list above means "not imported", not "not detected".
    out = tmp_path / "report.html"
    loaded, run = _loaded(["report", str(FIXTURES / "gateway"), "--no-cache", "--format", "html",
                           "-o", str(out)], FIXTURES)
    assert run.returncode in (0, 1), run.stderr
    assert "jinja2" in loaded
