"""The code inventory: statuses by thresholds, E2E counts, priorities, the page, the JSON and the command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from goldtest import compare_gold, scrub
from monorepo import MONOREPO, monorepo_inventory
from typer.testing import CliRunner

from spectrace.cli import app
from spectrace.config import build_config
from spectrace.discover.usage import Use
from spectrace.errors import ConfigError
from spectrace.inventory import (
    CodeStatus,
    InventorySettings,
    build_inventory,
    inventory_settings,
    module_status,
)
from spectrace.model import Component, Language, Module, Scan, Test, TestFile, TestKind
from spectrace.render.inventory_json import inventory_data, render_inventory_json
from spectrace.render.inventory_md import render_inventory_markdown
from spectrace.render.inventory_text import render_inventory_text

DEFAULTS = InventorySettings()


@pytest.mark.spec("2.7.3")
@pytest.mark.parametrize(("active", "loc", "sloc", "status"), [
    (0, 100, 80, CodeStatus.UNTESTED),
    (5, 100, 0, CodeStatus.NO_CODE),  # only comments and blank lines: nothing to test
    (2, 50, 40, CodeStatus.MINIMAL),  # fewer than 3 tests
    (3, 50, 40, CodeStatus.TESTED),
    (4, 1000, 900, CodeStatus.MINIMAL),  # 0.4 tests per 100 lines, under 0.5
    (5, 1000, 900, CodeStatus.TESTED),
])
def test_module_status_thresholds(active, loc, sloc, status):
    assert module_status(active, loc, sloc, DEFAULTS) is status


@pytest.mark.spec("2.7.3")
def test_thresholds_come_from_config_then_flags(tmp_path):
    import spectrace.inventory  # noqa: F401 - owns the `inventory:` section

    (tmp_path / "spectrace.yaml").write_text(
        "inventory:\n  min_tests: 1\n  tests_per_100_loc: 0\n  priorities: [50, 500]\n"
        "  title: Our code\n")
    config = build_config(tmp_path)
    settings = inventory_settings(config)
    assert settings == InventorySettings("Our code", 1, 0.0, (500, 50))
    assert module_status(1, 5000, 10, settings) is CodeStatus.TESTED
    assert [settings.level(n) for n in (500, 499, 50, 49)] == ["P0", "P1", "P1", "P2"]
    flagged = inventory_settings(config, min_tests=4, priorities=[10])
    assert (flagged.min_tests, flagged.tests_per_100_loc, flagged.priorities) == (4, 0.0, (10,))


@pytest.mark.spec("2.7.3")
@pytest.mark.parametrize(("text", "message"), [
    ("inventory: 3\n", "spectrace.yaml:1: `inventory` must be a mapping of settings"),
    ("inventory:\n  min_tests: 0\n", "spectrace.yaml:2: `inventory.min_tests` must be a whole "
                                     "number of 1 or more, got 0"),
    ("inventory:\n  title: t\n  priorities: [big]\n",
     "spectrace.yaml:3: `inventory.priorities` must be a list of line counts"),
    ("inventory:\n  min_test: 2\n", "spectrace.yaml:2: unknown setting 'min_test' in `inventory`"),
])
def test_bad_inventory_settings_name_file_and_line(tmp_path, text, message):
    import spectrace.inventory  # noqa: F401

    (tmp_path / "spectrace.yaml").write_text(text)
    with pytest.raises(ConfigError) as error:
        inventory_settings(build_config(tmp_path))
    assert str(error.value).startswith(message)


def _tests(n: int, skipped: int = 0, reason: str | None = None) -> tuple[Test, ...]:
    return tuple(Test(f"t{i}", f"t{i}", i + 1, skipped=i < skipped,
                      skip_reason=reason if i < skipped else None) for i in range(n))


def _small_scan() -> tuple[Scan, list[Use]]:
    components = (
        Component("big", "big", Language.RUST, "crate", "big/Cargo.toml"),
        Component("half", "half", Language.PYTHON, "python-package", "half/pyproject.toml"),
        Component("thin", "thin", Language.GO, "go-module", "thin/go.mod"),
        Component("web", "web", Language.TYPESCRIPT, "npm-package", "web/package.json"),
    )
    modules = (
        Module("big/src/lib.rs", Language.RUST, 1500, 1200, "big"),
        Module("big/src/empty.rs", Language.RUST, 4, 0, "big"),
        Module("half/half/a.py", Language.PYTHON, 100, 80, "half"),
        Module("half/half/b.py", Language.PYTHON, 400, 300, "half"),
        Module("half/half/c.py", Language.PYTHON, 40, 30, "half"),
        Module("thin/x.go", Language.GO, 900, 700, "thin"),
        Module("web/src/app.ts", Language.TYPESCRIPT, 120, 100, "web"),
        Module("scripts/tool.py", Language.PYTHON, 60, 50, None),
    )
    files = (
        TestFile("half/tests/test_a.py", Language.PYTHON, TestKind.UNIT, _tests(5)),
        TestFile("half/tests/test_c.py", Language.PYTHON, TestKind.UNIT, _tests(2, 2, "flaky")),
        TestFile("thin/x_test.go", Language.GO, TestKind.UNIT, _tests(2)),
        TestFile("e2e/test_flow.py", Language.PYTHON, TestKind.E2E,
                 _tests(6, 3, "needs AWS") + (Test("c", "c", 9, conditional="sys.platform"),)),
        TestFile("e2e/login.spec.ts", Language.TYPESCRIPT, TestKind.E2E, _tests(2, 1)),
    )
    uses = [Use("half/tests/test_a.py", "half/half/a.py", "import"),
            Use("half/tests/test_a.py", "half/half/b.py", "import"),
            Use("half/tests/test_c.py", "half/half/c.py", "import"),
            Use("thin/x_test.go", "thin/x.go", "same-package"),
            Use("gone/test_old.py", "web/src/app.ts", "import")]  # no such test file: ignored
    return Scan("/repo", files, modules, components), uses


@pytest.mark.spec("2.7.3", "5.8")
def test_statuses_totals_e2e_and_priorities_of_a_small_tree():
    inv = build_inventory(*_small_scan())
    modules = {m.path: (m.tests.tests, m.tests.skipped, m.status.value) for m in inv.modules}
    assert modules == {
        "big/src/empty.rs": (0, 0, "no-code"),
        "big/src/lib.rs": (0, 0, "untested"),
        "half/half/a.py": (5, 0, "tested"),
        "half/half/b.py": (5, 0, "tested"),  # 5 tests for 400 lines: 1.25 per 100
        "half/half/c.py": (2, 2, "untested"),  # exercised only by skipped tests
        "scripts/tool.py": (0, 0, "untested"),
        "thin/x.go": (2, 0, "minimal"),
        "web/src/app.ts": (0, 0, "untested"),
    }
    components = {c.name: (c.tally.loc, c.tests.tests, c.tests.skipped, c.tests.files,
                           c.status.value) for c in inv.components}
    assert components == {
        "big": (1504, 0, 0, 0, "untested"),
        "half": (540, 7, 2, 2, "partial"),  # enough tests, but c.py has no active one
        "thin": (900, 2, 0, 1, "minimal"),
        "web": (120, 0, 0, 0, "untested"),
    }
    assert (inv.tally.modules, inv.tally.loc, inv.tally.untested, inv.tally.untested_loc) == (
        8, 3124, 4, 1720)
    assert (inv.tests.files, inv.tests.tests, inv.tests.skipped) == (5, 18, 6)
    assert dict(inv.tests_by_kind) == {"unit": 9, "integration": 0, "e2e": 9}
    e2e = inv.e2e
    assert (e2e.tests.tests, e2e.tests.active, e2e.tests.skipped, e2e.conditional) == (9, 5, 4, 1)
    assert [(r.reason, r.tests) for r in e2e.reasons] == [
        ("needs AWS", ("e2e/test_flow.py::t0", "e2e/test_flow.py::t1", "e2e/test_flow.py::t2")),
        ("no reason given", ("e2e/login.spec.ts::t0",)),
    ]
    assert [(p.level, p.label, p.loc, p.status.value) for p in inv.priorities] == [
        ("P0", "Rust: big", 1504, "untested"),  # a whole untested component, once
        ("P2", "Go: thin/x.go", 900, "minimal"),  # minimal ranks one level lower than its size
        ("P2", "JavaScript/TypeScript: web", 120, "untested"),
        ("P3", "Python: scripts/tool.py", 60, "untested"),
        ("P3", "Python: half/half/c.py", 40, "untested"),
    ]
    assert [s.label for s in inv.sections] == ["Rust", "Python", "JavaScript/TypeScript", "Go"]


@pytest.mark.spec("5.8")
def test_page_shows_counted_numbers_in_the_analysis_shape():
    page = render_inventory_markdown(build_inventory(*_small_scan()))
    for expected in [
        "## Executive summary",
        "The repository holds 4 components in 4 languages: 3,124 lines of source (2,460 of code)"
        " in 8 modules. spectrace found 18 tests (6 skipped) in 5 files: 9 unit, 9 e2e.",
        "## 1. Rust (big/)",
        "| big | 1,504 | 1,200 | 0 | 0 | 0/1 | ❌ Untested |",
        "| half | 540 | 410 | 7 | 2 | 2/3 | ⚠️ Partial (1 module untested) |",
        "| `half/half/c.py` | half | 40 | 30 | 2 | 2 | No (2 tests, all skipped) |",
        "| `thin/x.go` | thin | 900 | 700 | 2 | 0 | Minimal (2 tests) |",
        "| `scripts/tool.py` | — | 60 | 50 | 0 | 0 | No |",
        "- **big** — no test, 1,504 lines in 2 modules.",
        "## 5. E2E tests",
        "9 tests in 2 files: 5 active, 4 skipped. 1 of the active ones run only under a "
        "condition",
        "| needs AWS | 3 | `e2e/test_flow.py::t0`, `e2e/test_flow.py::t1`, `e2e/test_flow.py::t2` |",
        "| P0 | Rust: big | 1,504 | 0 | ❌ Untested component |",
        "| P2 | Go: thin/x.go | 900 | 2 | ⚠️ Minimal |",
    ]:
        assert expected in page, expected


@pytest.mark.spec("5.8")
def test_page_and_json_are_deterministic_and_escape_cells():
    scan, uses = _small_scan()
    odd = Component("a|b", "odd", Language.GO, "go-module", "odd/go.mod")
    scan = Scan(scan.root, scan.files, scan.modules, (*scan.components, odd))
    first = render_inventory_markdown(build_inventory(scan, uses))
    assert first == render_inventory_markdown(build_inventory(scan, list(reversed(uses))))
    assert "| a\\|b |" in first
    assert render_inventory_json(build_inventory(scan, uses)) == render_inventory_json(
        build_inventory(scan, uses))


# --- the fixture monorepo -------------------------------------------------------------


@pytest.mark.spec("5.8")
def test_fixture_monorepo_inventory_says_what_the_tree_holds():
    inv = monorepo_inventory()
    status = {c.name: c.status.value for c in inv.components}
    assert status["llm_gateway"] == "untested"
    assert status["www"] == "untested"  # the Next.js-style app has no test
    assert status["brightstaff"] != "untested"  # all #[tokio::test]: counted
    brightstaff = next(c for c in inv.components if c.name == "brightstaff")
    assert brightstaff.tests.tests >= 9
    ui = next(c for c in inv.components if c.name == "@acme/ui")
    assert ui.tests.files == 1  # only the Playwright component test in e2e-web imports it
    e2e = {f.path: (f.tests.tests, f.tests.skipped) for f in inv.e2e.files}
    assert e2e["tests/e2e/test_chat_completions.py"][1] == 2
    reasons = {r.reason: len(r.tests) for r in inv.e2e.reasons}
    assert reasons["Bedrock is unreliable in CI"] == 3
    assert inv.e2e.tests.skipped == sum(reasons.values()) == sum(s for _, s in e2e.values())
    top = inv.priorities[0]
    assert top.status is CodeStatus.UNTESTED and top.loc == max(p.loc for p in inv.priorities)


def _copy_monorepo(tmp_path: Path) -> Path:
    """The fixture outside our checkout: not a git tree, so no commit in the output."""
    repo = tmp_path / "monorepo"
    shutil.copytree(MONOREPO, repo)
    return repo


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.mark.spec("5.8", "6.7")
@pytest.mark.parametrize(("fmt", "name"), [("md", "inventory.md"), ("json", "inventory.json"),
                                           ("text", "inventory.txt")])
def test_inventory_gold(tmp_path, fmt, name):
    repo = _copy_monorepo(tmp_path)
    result = run("inventory", str(repo), "--format", fmt, "--no-cache")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    compare_gold(scrub(result.stdout, root=repo.resolve()), "inventory/monorepo", name)


@pytest.mark.spec("6.7")
def test_inventory_json_has_the_contract_shape(tmp_path):
    repo = _copy_monorepo(tmp_path)
    data = json.loads(run("inventory", str(repo), "-f", "json", "--no-cache").stdout)
    assert data["schema"] == "spectrace.inventory/1"
    assert set(data) >= {"schema", "components", "modules", "e2e", "priorities"}
    for component in data["components"]:
        assert set(component) >= {"name", "path", "language", "kind", "loc", "tests",
                                  "tests_skipped", "test_files", "status"}
        assert all(isinstance(component[k], int) for k in
                   ("loc", "tests", "tests_skipped", "test_files"))
    for module in data["modules"]:
        assert set(module) >= {"path", "component", "language", "loc", "tests", "status", "sloc"}
        assert module["status"] in {"tested", "minimal", "untested", "no-code"}
    assert data == inventory_data(monorepo_inventory()) | {
        "repo": {"root": str(repo.resolve()), "commit": None, "date": None}}


@pytest.mark.spec("6.7")
def test_inventory_writes_a_file_with_flags_and_rejects_bad_input(tmp_path):
    repo = _copy_monorepo(tmp_path)
    out = tmp_path / "inv.md"
    result = run("inventory", str(repo), "-f", "md", "-o", str(out), "--no-cache",
                 "--min-tests", "1", "--priority", "50", "--title", "Relay inventory")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == f"Wrote {out}\n"
    page = out.read_text()
    assert page.startswith("<!-- generated by spectrace")
    assert "# Relay inventory" in page and "P0 from 50 lines, P1 below" in page

    bad = run("inventory", str(repo), "-f", "xlsx", "--no-cache")
    assert bad.exit_code == 2 and "inventory prints text, md or json" in bad.stderr
    (repo / "spectrace.yaml").write_text("inventory:\n  priorities: nope\n")
    bad = run("inventory", str(repo), "--no-cache", "-o", str(tmp_path / "never.md"))
    assert bad.exit_code == 2
    assert "spectrace.yaml:2: `inventory.priorities` must be a list" in bad.stderr
    assert not (tmp_path / "never.md").exists()


@pytest.mark.spec("6.7")
def test_inventory_of_an_empty_folder(tmp_path):
    result = run("inventory", str(tmp_path), "-f", "md", "--no-cache")
    assert result.exit_code == 0, result.stderr
    assert "The repository holds 0 components in 0 languages" in result.stdout
    assert "No end-to-end tests found" in result.stdout
