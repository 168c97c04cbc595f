"""`spectrace init`: starter files that `report` runs on at once; nothing overwritten."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from spectrace.cli import app


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.mark.spec("6.9")
def test_init_writes_starter_files_that_report_runs_on(tmp_path):
    repo = tmp_path / "billing"
    repo.mkdir()
    (repo / "tests").mkdir()
    (repo / "tests" / "test_first.py").write_text(
        "import pytest\n\n\n@pytest.mark.spec('1.1')\ndef test_first_case():\n    assert True\n")
    result = run("init", str(repo))
    assert result.exit_code == 0, result.stderr
    for rel in ("spectrace.yaml", "specs/conceptual-model.md", "specs/testing-plan.md",
                "mappings/spectrace.yaml"):
        assert f"Wrote {repo / rel}" in result.stderr
    assert "title: billing Test Coverage" in (repo / "spectrace.yaml").read_text()
    report = run("report", str(repo), "--format", "json", "--no-cache")
    assert report.exit_code == 0, report.stderr
    data = json.loads(report.stdout)
    assert data["problems"] == []
    cases = {c["id"]: c["status"] for a in data["areas"] for c in a["cases"]}
    assert cases == {"1.1": "covered", "1.2": "missing"}


@pytest.mark.spec("6.9")
def test_init_never_overwrites(tmp_path):
    (tmp_path / "spectrace.yaml").write_text("title: Mine\n")
    result = run("init", str(tmp_path))
    assert result.exit_code == 0
    assert f"Kept {tmp_path / 'spectrace.yaml'} (it exists)" in result.stderr
    assert (tmp_path / "spectrace.yaml").read_text() == "title: Mine\n"
    assert (tmp_path / "specs" / "testing-plan.md").exists()
    again = run("init", str(tmp_path))
    assert "Wrote" not in again.stderr and again.stderr.count("Kept") == 4


@pytest.mark.spec("6.9", "6.5")
def test_init_into_a_missing_folder_is_bad_input(tmp_path):
    result = run("init", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert "repository folder not found" in result.stderr
