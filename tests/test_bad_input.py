"""A corpus of bad inputs, each run through the CLI as a user runs it.

Every case: exit 2, exactly one `spectrace: error:` line on stderr naming the file (and the
line, where there is one), nothing on stdout, and no output file or temp file left behind.
Cases that extend the short list in test_cli.py; none repeats it.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spectrace.cli import app

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def gateway(tmp_path) -> Path:
    repo = tmp_path / "gateway"
    shutil.copytree(FIXTURES / "gateway", repo)
    return repo


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def _write(rel: str, content: str | bytes):
    def setup(repo: Path) -> None:
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return setup


def _append_config(text: str):
    def setup(repo: Path) -> None:
        cfg = repo / "spectrace.yaml"
        cfg.write_text(cfg.read_text() + text)
    return setup


def _mapping(text: str):
    return _write("mappings/coverage.yaml", text)


def _config(text: str):
    return _write("spectrace.yaml", text)


def _pyproject(text: str):
    def setup(repo: Path) -> None:
        (repo / "spectrace.yaml").unlink()
        (repo / "pyproject.toml").write_text(text)
    return setup


def _nothing(repo: Path) -> None:
    return None


def _symlink_loop(repo: Path) -> None:
    (repo / "docs/loop.md").symlink_to(repo / "docs/loop2.md")
    (repo / "docs/loop2.md").symlink_to(repo / "docs/loop.md")


def _config_folder(repo: Path) -> None:
    (repo / "spectrace.yaml").unlink()
    (repo / "spectrace.yaml").mkdir()


BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lolololololololololololololololololololololol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<testsuite><testcase name="&lol9;" classname="a"/></testsuite>
"""


# (id, setup, extra args, the text the one message must contain). `{repo}` in args is the
# repository; paths in messages are as the user wrote them or relative to the repository.
CASES = [
    # --- config: spectrace.yaml --------------------------------------------------------
    ("config-yaml-unclosed", _config("specs: [\n"), [], "spectrace.yaml:2: malformed YAML"),
    ("config-yaml-tab", _config("title: x\n\tspecs: []\n"), [], "spectrace.yaml:2: malformed YAML"),
    ("config-not-a-mapping", _config("- a\n- b\n"), [],
     "spectrace.yaml:1: expected a mapping of settings"),
    ("config-unknown-key", _append_config("mapings: []\n"), [],
     "spectrace.yaml:8: unknown setting 'mapings'; did you mean 'mappings'?"),
    ("config-unknown-key-no-hint", _append_config("zzzz: 1\n"), [],
     "spectrace.yaml:8: unknown setting 'zzzz'"),
    ("config-title-wrong-type", _config("title: [a]\n"), [], "spectrace.yaml:1: expected a string"),
    ("config-specs-wrong-type", _config("specs: 5\n"), [],
     "spectrace.yaml:1: expected a list of spec files"),
    ("config-spec-entry-no-path", _config("specs:\n  - kind: testing-plan\n"), [],
     "spectrace.yaml:2: a spec entry needs `path: FILE`"),
    ("config-spec-unknown-kind", _config("specs:\n  - {path: docs/testing-plan.md, kind: plan}\n"),
     [], "spectrace.yaml:2: unknown spec kind 'plan'"),
    ("config-mappings-not-strings", _config("mappings: [1, 2]\n"), [],
     "spectrace.yaml:1: expected a string"),
    ("config-max-size-negative", _config("max_file_size: -5\n"), [],
     "spectrace.yaml:1: expected a positive whole number"),
    ("config-max-size-bool", _config("max_file_size: true\n"), [],
     "spectrace.yaml:1: expected a positive whole number"),
    ("config-bad-id-pattern", _config("id_patterns: ['[a-']\n"), [],
     "spectrace.yaml:1: invalid id pattern '[a-'"),
    ("config-output-unknown-format", _config("outputs:\n  - {format: pdf, path: x.pdf}\n"), [],
     "spectrace.yaml:2: unknown output format 'pdf'"),
    ("config-is-a-folder", _config_folder, [], "spectrace.yaml"),
    ("config-not-utf8", _config(b"title: \xff\xfe\n"), [], "spectrace.yaml: config file is not UTF-8"),
    ("config-flag-missing", _nothing, ["-c", "{repo}/nope.yaml"], "config file not found"),
    # --- config: pyproject.toml --------------------------------------------------------
    ("toml-malformed", _pyproject("[tool.spectrace]\ntitle = \n"), [],
     "pyproject.toml:2: malformed TOML"),
    ("toml-unknown-key", _pyproject("[project]\nname='x'\n\n[tool.spectrace]\ntitel = 'x'\n"), [],
     "pyproject.toml:5: unknown setting 'titel'; did you mean 'title'?"),
    ("toml-wrong-type", _pyproject("[tool.spectrace]\nspecs = 3\n"), [],
     "pyproject.toml:2: expected a list of spec files"),
    ("toml-not-a-table", _pyproject("[tool]\nspectrace = 3\n"), [],
     "pyproject.toml: [tool.spectrace] must be a table"),
    # --- mappings ----------------------------------------------------------------------
    ("mapping-top-level-list", _mapping("- a\n- b\n"), [], "mappings/coverage.yaml:1:"),
    ("mapping-unknown-section", _mapping("casez:\n  '1.1': [tests/test_slug.py]\n"), [],
     "mappings/coverage.yaml:1:"),
    ("mapping-tests-not-list", _mapping("cases:\n  '1.1':\n    tests: 5\n"), [],
     "mappings/coverage.yaml:3:"),
    ("mapping-test-not-string", _mapping("cases:\n  '1.1':\n    tests: [[a]]\n"), [],
     "mappings/coverage.yaml:3:"),
    ("mapping-bad-status", _mapping("cases:\n  '1.1':\n    tests: []\n    status: great\n"), [],
     "mappings/coverage.yaml:4:"),
    ("mapping-unknown-entry-key", _mapping("cases:\n  '1.1':\n    tset: [tests/test_slug.py]\n"),
     [], "mappings/coverage.yaml:3:"),
    ("mapping-escapes-dotdot", _mapping("cases:\n  '1.1': [../outside/test_x.py]\n"), [],
     "mappings/coverage.yaml:2:"),
    ("mapping-escapes-absolute", _mapping("cases:\n  '1.1': [/etc/passwd]\n"), [],
     "mappings/coverage.yaml:2:"),
    ("mapping-escapes-nested-dotdot",
     _mapping("cases:\n  '1.1': [tests/../../outside/test_x.py]\n"), [],
     "mappings/coverage.yaml:2:"),
    ("mapping-not-utf8", _mapping(b"cases:\n  '1.1': [\xff]\n"), [], "mappings/coverage.yaml"),
    ("mapping-flag-is-a-folder", _nothing, ["--mapping", "{repo}/mappings"],
     "mapping path is a folder: "),
    ("mapping-flag-missing", _nothing, ["--mapping", "{repo}/mappings/nope.yaml"], "nope.yaml"),
    # --- id patterns -------------------------------------------------------------------
    ("id-pattern-bad-regex", _nothing, ["--id-pattern", "[0-9"], "invalid id pattern '[0-9'"),
    ("id-pattern-bad-group", _nothing, ["--id-pattern", "(?P<x"], "invalid id pattern"),
    # --- spec documents ----------------------------------------------------------------
    ("spec-empty", _write("docs/testing-plan.md", ""), [], "docs/testing-plan.md"),
    ("spec-binary", _write("docs/testing-plan.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), [],
     "docs/testing-plan.md"),
    ("spec-not-utf8", _write("docs/testing-plan.md", b"# Plan\n\n| 1.1 caf\xe9 | x |\n"), [],
     "docs/testing-plan.md"),
    ("spec-is-a-folder", _nothing, ["--spec", "{repo}/docs"], "docs"),
    ("spec-symlink-loop", _symlink_loop, ["--spec", "{repo}/docs/loop.md"], "loop.md"),
    ("spec-unknown-kind-flag", _nothing, ["--spec", "{repo}/docs/testing-plan.md:plan"],
     "unknown spec kind 'plan'"),
    ("spec-yaml-malformed", _write("docs/plan.yaml", "areas: [\n"),
     ["--spec", "{repo}/docs/plan.yaml"], "plan.yaml:2: malformed YAML"),
    ("spec-front-matter-unclosed", _write("docs/testing-plan.md", "---\nkind: testing-plan\n# Plan\n"),
     [], "docs/testing-plan.md"),
    # --- results -----------------------------------------------------------------------
    ("results-not-xml", _write("results.xml", "this is not xml\n"),
     ["--results", "{repo}/results.xml"], "results.xml"),
    ("results-not-junit", _write("results.xml", "<?xml version='1.0'?>\n<html><body/></html>\n"),
     ["--results", "{repo}/results.xml"], "results.xml"),
    ("results-truncated", _write("results.xml", "<testsuite>\n  <testcase name='a'>\n"),
     ["--results", "{repo}/results.xml"], "results.xml"),
    ("results-missing", _nothing, ["--results", "{repo}/nope.xml"], "nope.xml"),
    ("results-json", _write("results.json", '{"tests": []}'),
     ["--results", "{repo}/results.json"], "results.json"),
    ("results-entity-bomb", _write("results.xml", BOMB), ["--results", "{repo}/results.xml"],
     "results.xml:3: refusing to read this XML file"),
    # --- pathological nesting: a clean error, not a RecursionError ----------------------
    ("config-nested-10k", _config("title: " + "[" * 10_000 + "]" * 10_000 + "\n"), [],
     "spectrace.yaml:1: YAML nested too deeply to read"),
    ("mapping-nested-10k", _mapping("cases: " + "[" * 10_000 + "]" * 10_000 + "\n"), [],
     "mappings/coverage.yaml:1: YAML nested too deeply to read"),
    ("toml-nested-10k", _pyproject("[tool.spectrace]\ntitle = 'x'\n[other]\nx = "
                                   + "[" * 10_000 + "]" * 10_000 + "\n"), [],
     "pyproject.toml:1: TOML nested too deeply to read"),
    ("front-matter-nested-10k",
     _write("docs/testing-plan.md", "---\nkind: " + "[" * 10_000 + "]" * 10_000 + "\n---\n# P\n"),
     [], "docs/testing-plan.md:2: YAML nested too deeply to read"),
    # --- usage -------------------------------------------------------------------------
    ("repo-missing", _nothing, ["{repo}/nope"], "repository folder not found"),
    ("format-unknown-case", _nothing, ["--format", "docx"], "unknown format 'docx'"),
]


@pytest.mark.spec("6.5")
@pytest.mark.parametrize(("setup", "args", "message"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_bad_input_exit_2_one_message_no_output(gateway, setup, args, message):
    setup(gateway)
    out = gateway / "out.json"
    before = set(gateway.rglob("*"))
    argv = [a.replace("{repo}", str(gateway)) for a in args]
    if not argv or argv[0].startswith("-"):
        argv = [str(gateway), *argv]
    result = run("report", *argv, "-o", str(out), "--no-cache")
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("spectrace: error: ")
    assert message in lines[0]
    assert not out.exists()
    assert set(gateway.rglob("*")) == before  # no temp file, nothing else written


# --- outputs that cannot be written ----------------------------------------------------


@pytest.mark.spec("6.5")
@pytest.mark.parametrize("fmt", ["md", "json", "html", "csv", "xlsx"])
def test_output_in_a_missing_folder(gateway, fmt):
    out = gateway / "no" / "such" / f"report.{fmt}"
    result = run("report", str(gateway), "--format", fmt, "-o", str(out), "--no-cache")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("spectrace: error: ")
    assert str(out) in lines[0] and "does not exist" in lines[0]
    assert not (gateway / "no").exists()


def _read_only_folder(path: Path) -> bool:
    """Make `path` read-only; False when this process writes anyway (root, no caps dropped)."""
    path.mkdir()
    path.chmod(0o555)
    try:
        (path / ".probe").write_text("x")
    except OSError:
        return True
    (path / ".probe").unlink()
    return False


@pytest.mark.spec("6.5")
def test_output_in_a_read_only_folder(gateway, tmp_path):
    folder = tmp_path / "ro"
    if not _read_only_folder(folder):
        # Root ignores permission bits; /proc is a folder nobody can create files in.
        folder = Path("/proc")
    out = folder / "report.md"
    result = run("report", str(gateway), "-o", str(out), "--no-cache")
    assert result.exit_code == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("spectrace: error: cannot write ")
    assert str(out) in lines[0]
    assert not out.exists()
    assert not [p for p in folder.iterdir() if p.name.startswith(".report.md.")]


@pytest.mark.spec("6.5")
def test_output_that_is_a_folder(gateway):
    out = gateway / "docs" / "conceptual-model.md"
    out.unlink()
    out.mkdir()
    (gateway / "spectrace.yaml").write_text("specs: [docs/testing-plan.md]\n")
    result = run("report", str(gateway), "--format", "md", "-o", str(out), "--no-cache")
    assert result.exit_code == 2
    assert "it is a folder" in result.stderr
    assert list(out.iterdir()) == []


@pytest.mark.spec("6.5")
def test_wiki_without_output_folder(gateway):
    result = run("report", str(gateway), "--format", "wiki", "--no-cache")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "spectrace: error: the wiki format writes a folder of pages: pass -o FOLDER")


@pytest.mark.spec("6.5")
def test_xlsx_to_stdout_is_written_or_refused_never_crashes(gateway):
    result = run("report", str(gateway), "--format", "xlsx", "--no-cache")
    assert result.exit_code in (0, 2)


# --- not errors: problems in the report ------------------------------------------------


def _report_json(repo: Path, *args: str) -> dict:
    result = run("report", str(repo), "--format", "json", "--no-cache", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.spec("6.5", "1.1.8")
def test_duplicate_ids_across_documents_are_a_problem_not_exit_2(gateway):
    (gateway / "docs/extra-plan.md").write_text(
        "# Extra plan\n\n## 1. Health again\n\n| Case | Expected |\n|---|---|\n"
        "| 1.1 Root endpoint twice | 200 |\n")
    data = _report_json(gateway, "--spec", str(gateway / "docs/testing-plan.md"),
                        "--spec", str(gateway / "docs/extra-plan.md"))
    dups = [p for p in data["problems"] if p["kind"] == "duplicate-id"]
    assert dups, data["problems"]
    assert any(p["target"] == "1.1" or "1.1" in p["message"] for p in dups)


@pytest.mark.spec("6.5")
def test_ragged_table_rows_are_read_not_rejected(gateway):
    """GFM pads short rows with empty cells and drops extra ones: a ragged row is legal.

    spectrace reads it the same way rather than failing the whole report on a table a
    wiki renders fine.
    """
    plan = gateway / "docs/testing-plan.md"
    plan.write_text(plan.read_text().replace(
        "| 1.2 Ping with uptime | `GET /ping` | uptime in seconds, > 0 |",
        "| 1.2 Ping with uptime |").replace(
        "| 1.3 Ping stats | `GET /ping/stats` | request counters per route |",
        "| 1.3 Ping stats | `GET /ping/stats` | request counters per route | extra | cells |"))
    data = _report_json(gateway)
    cases = {c["id"]: c["title"] for a in data["areas"] for c in a["cases"]}
    assert cases["1.2"] == "Ping with uptime"
    assert cases["1.3"] == "Ping stats"


@pytest.mark.spec("6.5", "2.1.3")
def test_unreadable_directory_is_a_problem_and_the_scan_completes(gateway, monkeypatch):
    """An unreadable folder in the tree is skipped and reported, never a crash.

    Tests run as root here, where chmod 000 does not stop reading; os.scandir is made to
    fail for that one folder instead, which is what a permission error looks like.
    """
    secret = gateway / "tests" / "secret"
    secret.mkdir()
    (secret / "test_hidden.py").write_text("def test_hidden():\n    pass\n")
    secret.chmod(0o000)
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(os.fsdecode(path)).resolve() == secret.resolve():
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    try:
        data = _report_json(gateway)
    finally:
        secret.chmod(0o755)
    assert data["summary"]["tests"] > 0
    problems = [p for p in data["problems"] if "secret" in (p["path"] or "")]
    assert problems, data["problems"]


# --- errors: spectrace's own are exit 2, whichever command and subclass ----------------


def _error_classes():
    import spectrace.errors
    import spectrace.publish  # noqa: F401 - defines PublishError

    found, todo = [], [spectrace.errors.SpectraceError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return sorted(found, key=lambda c: c.__name__)


COMMANDS = {
    "report": lambda repo: ["report", str(repo)],
    "query": lambda repo: ["query", "Health", str(repo)],
    "tests": lambda repo: ["tests", str(repo)],
    "check": lambda repo: ["check", str(repo)],
    "inventory": lambda repo: ["inventory", str(repo)],
    "publish": lambda repo: ["publish", str(repo), "--wiki", str(repo / "wiki")],
}


@pytest.mark.spec("6.5", "6.6")
@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("error", _error_classes(), ids=lambda c: c.__name__)
def test_no_spectrace_error_escapes_as_exit_3(gateway, monkeypatch, command, error):
    import spectrace.cli

    def fail(*args, **kwargs):
        raise error("the message", "some/file.yaml", 7)

    monkeypatch.setattr(spectrace.cli, "_config", fail)
    result = CliRunner().invoke(app, COMMANDS[command](gateway))
    assert result.exit_code == 2, result.stderr
    assert result.stderr == "spectrace: error: some/file.yaml:7: the message\n"
    assert result.stdout == ""


@pytest.mark.spec("6.6")
def test_every_command_maps_errors_to_exit_codes():
    for info in app.registered_commands:
        wrapped = getattr(info.callback, "__wrapped__", None)
        assert wrapped is not None, f"{info.callback.__name__} is not wrapped in handles_errors"


@pytest.mark.spec("6.5")
@pytest.mark.parametrize(("content", "message"), [
    (None, "old.json"),
    ("not json", "old.json"),
    ('{"schema": "something/else"}', "old.json"),
    ("[1, 2]", "old.json"),
])
def test_diff_of_bad_reports_is_one_message(tmp_path, content, message):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    if content is not None:
        old.write_text(content)
    new.write_text(content or "{}")
    result = run("diff", str(old), str(new))
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("spectrace: error: ") and message in lines[0]


# --- more bad input, on every command ----------------------------------------------------

MORE = [
    ("results-folder", ["report", "{repo}", "--results", "{repo}/docs"],
     "docs: expected a JUnit XML file, found a folder"),
    ("results-markdown", ["report", "{repo}", "--results", "{repo}/docs/testing-plan.md"],
     "docs/testing-plan.md:1: not a JUnit XML file"),
    ("baseline-not-json", ["check", "{repo}", "--baseline", "{repo}/docs/testing-plan.md"],
     "docs/testing-plan.md:1: not a spectrace JSON report"),
    ("baseline-missing", ["check", "{repo}", "--baseline", "{repo}/nope.json"],
     "report file not found"),
    ("area-coverage-shape", ["check", "{repo}", "--area-coverage", "1=abc"],
     "--area-coverage: expected AREA=PERCENT, got '1=abc'"),
    ("fail-on-unknown", ["check", "{repo}", "--fail-on", "bogus"],
     "--fail-on: unknown problem kind 'bogus'"),
    ("kind-flag-shape", ["report", "{repo}", "--kind", "e2e="], "--kind takes KIND=PATTERN"),
    ("id-pattern-empty-match", ["report", "{repo}", "--id-pattern", "a*"],
     "matches the empty string"),
    ("id-pattern-capturing", ["report", "{repo}", "--id-pattern", r"(\d+)\.(\d+)"],
     "has a capturing group"),
    ("spec-empty-kind", ["report", "{repo}", "--spec", "{repo}/docs/testing-plan.md:"],
     "unknown spec kind ''"),
    ("spec-wrong-suffix", ["report", "{repo}", "--spec", "{repo}/spectrace.toml"],
     "spectrace.toml"),
    ("config-is-markdown", ["report", "{repo}", "-c", "{repo}/docs/testing-plan.md"],
     "docs/testing-plan.md:7: malformed YAML"),
    ("inventory-format", ["inventory", "{repo}", "--format", "html"],
     "inventory prints text, md or json, not 'html'"),
    ("tests-format", ["tests", "{repo}", "--format", "xml"], "tests prints text or json"),
    ("diff-one-file", ["diff", "{repo}/docs/testing-plan.md"], "diff needs two JSON reports"),
    ("wiki-into-a-file", ["report", "{repo}", "--format", "wiki", "-o",
                          "{repo}/docs/testing-plan.md"], "it is a file"),
    ("publish-no-wiki", ["publish", "{repo}"], "no wiki to publish to"),
    ("query-no-match", ["query", "zzz-no-such-thing", "{repo}"], "nothing in the spec matches"),
    ("check-section-shape", ["check", "{repo}", "-c", "{repo}/bad.yaml"],
     "bad.yaml:2: check.min_coverage: expected a percentage"),
    ("check-section-a-number", ["check", "{repo}", "-c", "{repo}/num.yaml"],
     "num.yaml:2: check: expected a mapping of settings"),
    ("kinds-section-shape", ["report", "{repo}", "-c", "{repo}/kinds.yaml"],
     "kinds.yaml:2: unknown test kind 'bogus'"),
    ("inventory-section-shape", ["inventory", "{repo}", "-c", "{repo}/inv.yaml"],
     "inv.yaml:2: `inventory.min_tests` must be a whole number"),
]


@pytest.mark.spec("6.5")
@pytest.mark.parametrize(("argv", "message"), [c[1:] for c in MORE], ids=[c[0] for c in MORE])
def test_more_bad_input_on_every_command(gateway, argv, message):
    specs = "specs: [docs/testing-plan.md]\n"
    (gateway / "bad.yaml").write_text(specs + "check: {min_coverage: abc}\n")
    (gateway / "kinds.yaml").write_text(specs + "kinds: {bogus: [x]}\n")
    (gateway / "num.yaml").write_text(specs + "check: 5\n")
    (gateway / "inv.yaml").write_text(specs + "inventory: {min_tests: x}\n")
    before = {p: p.stat().st_mtime_ns for p in gateway.rglob("*")}
    args = [a.replace("{repo}", str(gateway)) for a in argv]
    result = CliRunner().invoke(app, [*args, "--no-cache"] if argv[0] != "diff" else args)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("spectrace: ") and message in lines[0]
    assert {p: p.stat().st_mtime_ns for p in gateway.rglob("*")} == before


@pytest.mark.spec("6.5")
def test_publish_to_a_wiki_that_is_a_file_says_why(gateway):
    plan = gateway / "docs/testing-plan.md"
    result = run("publish", str(gateway), "--no-cache", "--wiki", str(plan))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1  # git's reason, not its closing advice ("...and the repository exists.")
    assert lines[0].startswith(f"spectrace: error: cannot clone the wiki {plan}: fatal: ")
