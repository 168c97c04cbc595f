"""spectrace traces itself: docs/conformance.md is current and our own report has no problems."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spectrace.cli import app

ROOT = Path(__file__).resolve().parent.parent
_COMMIT_LINE = re.compile(r" at commit `[0-9a-f]+` \([0-9-]+\)")


def _report(fmt: str) -> str:
    result = CliRunner().invoke(app, ["report", str(ROOT), "--format", fmt, "--no-cache"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.spec("5.2", "6.1")
def test_conformance_doc_is_current():
    # The commit a page was generated at changes with every commit; the rest must not.
    actual = _COMMIT_LINE.sub("", _report("md"))
    written = _COMMIT_LINE.sub("", (ROOT / "docs" / "conformance.md").read_text(encoding="utf-8"))
    assert actual == written, "docs/conformance.md is stale: run `spectrace report` to refresh it"


@pytest.mark.spec("3.6", "3.7")
def test_our_own_report_has_no_problems_and_tests_cite_real_cases():
    data = json.loads(_report("json"))
    assert data["problems"] == []
    assert data["summary"]["cases"] >= 20
    linked = sum(1 for a in data["areas"] for c in a["cases"] if c["links"])
    assert linked >= 20
