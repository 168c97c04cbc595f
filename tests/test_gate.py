"""`spectrace check`: thresholds, problem kinds, baseline regressions, GitHub Actions output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spectrace.annotations import annotations, step_summary
from spectrace.cli import app
from spectrace.config import build_config
from spectrace.errors import ConfigError
from spectrace.gate import (
    AreaFact,
    CaseFact,
    GateInput,
    Reason,
    Thresholds,
    decide,
    thresholds,
)
from spectrace.model import Counts, Problem, ProblemKind, Status

FIXTURES = Path(__file__).parent / "fixtures"
C, P, M = Status.COVERED, Status.PARTIAL, Status.MISSING

FACTS = GateInput(
    cases=(CaseFact("1.1", "Login", C, "plan.md", 3), CaseFact("1.2", "Logout", C, "plan.md", 4),
           CaseFact("1.3", "Refresh", C, "plan.md", 5), CaseFact("1.4", "Reset", C, "plan.md", 6),
           CaseFact("2.1", "Chat", P, "plan.md", 9), CaseFact("2.2", "Stream", M, "plan.md", 10)),
    areas=(AreaFact("1", "Auth", Counts(4, 0, 0), "plan.md", 2),
           AreaFact("2", "Chat", Counts(0, 1, 1), "plan.md", 8),
           AreaFact("3", "Guardrails", Counts(), "model.md", 20)),
    problems=(Problem(ProblemKind.DANGLING_LINK, "mapping links 2.2 to t.py, which does not exist",
                      "m.yaml", 4, "t.py"),
              Problem(ProblemKind.COUNT_MISMATCH, "summary says 7 cases", "plan.md", 1)),
)
NO_PROBLEMS = Thresholds(fail_on=())


def kinds(decision) -> list[str]:
    return [r.kind for r in decision.reasons]


@pytest.mark.spec("8.2")
def test_defaults_fail_on_dangling_links_only_here():
    decision = decide(FACTS, Thresholds())
    assert not decision.passed
    assert decision.reasons == (Reason("dangling-link", "dangling-link: mapping links 2.2 to "
                                       "t.py, which does not exist", "m.yaml", 4),)
    assert decide(FACTS, NO_PROBLEMS).passed
    assert kinds(decide(FACTS, Thresholds(fail_on=(ProblemKind.COUNT_MISMATCH,)))) == [
        "count-mismatch"]


@pytest.mark.spec("8.2")
def test_overall_coverage_threshold_is_exact_at_the_boundary():
    assert decide(FACTS, Thresholds(min_coverage=66.66, fail_on=())).passed  # 4/6 = 66.67%
    failed = decide(FACTS, Thresholds(min_coverage=66.7, fail_on=()))
    assert [str(r) for r in failed.reasons] == [
        "case coverage 66.7% (4/6) is below the minimum 66.7%"]
    four_of_five = GateInput(FACTS.cases[:5], ())
    assert decide(four_of_five, Thresholds(min_coverage=80, fail_on=())).passed


@pytest.mark.spec("8.2")
def test_per_area_minimum_with_overrides_and_areas_without_cases():
    failed = decide(FACTS, Thresholds(min_area_coverage=50, fail_on=()))
    assert [str(r) for r in failed.reasons] == [
        "plan.md:8: area 2 Chat: 0.0% (0/2) of its cases covered, below the minimum 50%"]
    assert decide(FACTS, Thresholds(min_area_coverage=50, area_coverage={"2": 0},
                                    fail_on=())).passed
    strict_auth = decide(FACTS, Thresholds(area_coverage={"1": 100, "3": 100}, fail_on=()))
    assert strict_auth.passed  # Auth is 4/4; Guardrails has no cases to measure


@pytest.mark.spec("8.2")
def test_maximum_missing():
    assert decide(FACTS, Thresholds(max_missing=1, fail_on=())).passed
    failed = decide(FACTS, Thresholds(max_missing=0, fail_on=()))
    assert [r.message for r in failed.reasons] == ["1 case missing, more than the maximum 0"]


@pytest.mark.spec("8.3")
def test_baseline_regressions():
    baseline = {"1.1": "covered", "2.1": "covered", "2.2": "partial", "9.9": "covered"}
    decision = decide(FACTS, NO_PROBLEMS, baseline)
    # 2.1 lost its coverage; 2.2 was never covered; 9.9 left the spec (a `diff` matter).
    assert [str(r) for r in decision.reasons] == [
        "plan.md:9: 2.1 Chat: covered in the baseline, now partial"]
    assert decision.baseline_cases == 3
    assert decision.summary() == ("spectrace check: failed (1 reason) · 4/6 cases covered "
                                  "(66.7%) · 1 partial · 1 missing · 1 of 3 baseline-covered "
                                  "cases lost")
    passed = decide(FACTS, NO_PROBLEMS, {"1.1": "covered"})
    assert passed.text() == ("spectrace check: passed · 4/6 cases covered (66.7%) · 1 partial · "
                             "1 missing · none of 1 baseline-covered cases lost\n")


@pytest.mark.spec("8.2")
def test_reason_list_is_short():
    many = GateInput(FACTS.cases, FACTS.areas, tuple(
        Problem(ProblemKind.UNKNOWN_ID, f"id {i}", "m.yaml", i) for i in range(1, 31)))
    text = decide(many, Thresholds()).text()
    assert text.count("\n  - ") == 20 and text.endswith("  … and 10 more\n")


# -- the check: section ---------------------------------------------------------------


def config_with(tmp_path: Path, text: str):
    import spectrace.gate  # noqa: F401 - registers the section, as the CLI does

    (tmp_path / "spectrace.yaml").write_text(text, encoding="utf-8")
    return build_config(tmp_path)


@pytest.mark.spec("8.2")
def test_check_section_and_flags_over_it(tmp_path):
    cfg = config_with(tmp_path, "check:\n  min_coverage: 80\n  max_missing: 3\n"
                      "  area_coverage: {'3': 100}\n  fail_on: [unknown-id]\n"
                      "  baseline: docs/base.json\n")
    limits = thresholds(cfg, {"max_missing": 0, "area_coverage": {"4": 50}})
    assert limits == Thresholds(min_coverage=80.0, max_missing=0,
                                area_coverage={"3": 100.0, "4": 50.0},
                                fail_on=(ProblemKind.UNKNOWN_ID,),
                                baseline=tmp_path.resolve() / "docs" / "base.json")
    assert thresholds(config_with(tmp_path, "check:\n  fail_on: []\n")).fail_on == ()


@pytest.mark.spec("8.2", "6.5")
@pytest.mark.parametrize(("text", "line", "message"), [
    ("title: x\ncheck:\n  min_coverage: 180\n", 3, "check.min_coverage: expected a percentage"),
    ("check:\n  max_missing: 1\n  min_coverag: 80\n", 3, "check: unknown setting 'min_coverag'"),
    ("check:\n  fail_on: [dangling]\n", 2, "check.fail_on: unknown problem kind 'dangling'"),
    ("check:\n  max_missing: -1\n", 2, "check.max_missing: expected a whole number"),
])
def test_check_section_errors_name_the_line(tmp_path, text, line, message):
    with pytest.raises(ConfigError) as err:
        thresholds(config_with(tmp_path, text))
    assert (err.value.path, err.value.line) == ("spectrace.yaml", line)
    assert err.value.message.startswith(message)


# -- the command ----------------------------------------------------------------------


@pytest.fixture
def gateway(tmp_path) -> Path:
    """The audit-shaped fixture: 19 cases, 14 covered, 3 partial, 2 missing; one dangling
    link and one unknown id; area 4 Notifications has 1 of 3 covered."""
    repo = tmp_path / "gateway"
    shutil.copytree(FIXTURES / "gateway", repo)
    return repo


def check(*args: str):
    return CliRunner().invoke(app, ["check", *args, "--no-cache"], catch_exceptions=False)


@pytest.mark.spec("8.2")
def test_check_fails_on_default_problem_kinds(gateway, monkeypatch):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    result = check(str(gateway))
    assert result.exit_code == 1
    assert result.stdout == (
        "spectrace check: failed (2 reasons) · 14/19 cases covered (73.7%) · 3 partial · "
        "2 missing\n"
        "  - mappings/coverage.yaml:14: dangling-link: mapping links 3.2.5 to "
        "tests/services/test_code_router.py, which does not exist\n"
        "  - mappings/coverage.yaml:15: unknown-id: mapping names case '9.1', which no spec "
        "defines\n")
    assert result.stderr == ""


@pytest.mark.spec("8.2")
@pytest.mark.parametrize(("flags", "reason"), [
    (["--min-coverage", "80"], "  - case coverage 73.7% (14/19) is below the minimum 80%\n"),
    (["--min-area-coverage", "50"], "  - docs/conceptual-model.md:24: area 4 Notifications: "
     "33.3% (1/3) of its cases covered, below the minimum 50%\n"),
    (["--area-coverage", "2=100"], "  - docs/conceptual-model.md:10: area 2 Authentication: "
     "75.0% (3/4) of its cases covered, below the minimum 100%\n"),
    (["--max-missing", "1"], "  - 2 cases missing, more than the maximum 1\n"),
    (["--fail-on", "count-mismatch"], "  - docs/testing-plan.md:11: count-mismatch: summary says "
     "10 cases for 3 Inference; the plan lists 9\n"),
])
def test_check_each_threshold(gateway, monkeypatch, flags, reason):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    passing = check(str(gateway), "--fail-on", "none", "--min-coverage", "73.6",
                    "--min-area-coverage", "33", "--max-missing", "2")
    assert passing.exit_code == 0, passing.stdout
    assert passing.stdout == ("spectrace check: passed · 14/19 cases covered (73.7%) · "
                              "3 partial · 2 missing\n")
    args = ["--fail-on", "none", *flags] if "--fail-on" not in flags else flags
    failing = check(str(gateway), *args)
    assert failing.exit_code == 1
    assert failing.stdout.startswith("spectrace check: failed (")
    assert reason in failing.stdout
    expected = 2 if "count-mismatch" in flags else 1  # the gateway has two count mismatches
    assert failing.stdout.count("\n  - ") == expected


@pytest.mark.spec("8.2")
def test_check_section_in_the_config(gateway):
    cfg = gateway / "spectrace.yaml"
    cfg.write_text(cfg.read_text() + "check:\n  min_coverage: 90\n  fail_on: {dangling: 1}\n")
    result = check(str(gateway))
    assert result.exit_code == 2
    assert result.stderr == ("spectrace: error: spectrace.yaml:10: check.fail_on: expected a "
                             "list of problem kinds\n")
    cfg.write_text(cfg.read_text().replace("fail_on: {dangling: 1}", "fail_on: none"))
    result = check(str(gateway))
    assert result.exit_code == 1
    assert "case coverage 73.7% (14/19) is below the minimum 90%" in result.stdout
    assert check(str(gateway), "--min-coverage", "70").exit_code == 0  # the flag wins


@pytest.mark.spec("8.3")
def test_check_baseline_regression(gateway, tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    baseline = tmp_path / "baseline.json"
    made = CliRunner().invoke(app, ["report", str(gateway), "--no-cache", "--format", "json",
                                    "-o", str(baseline)])
    assert made.exit_code == 0, made.stderr
    same = check(str(gateway), "--fail-on", "none", "--baseline", str(baseline))
    assert same.exit_code == 0
    assert same.stdout.endswith("· none of 14 baseline-covered cases lost\n")
    (gateway / "tests" / "routes" / "test_auth.py").unlink()
    lost = check(str(gateway), "--fail-on", "none", "--baseline", str(baseline))
    assert lost.exit_code == 1
    assert lost.stdout.splitlines()[1:] == [
        "  - docs/testing-plan.md:27: 2.1 Login with token: covered in the baseline, now missing",
        "  - docs/testing-plan.md:28: 2.2 New user creation: covered in the baseline, now missing",
        "  - docs/testing-plan.md:30: 2.4 Invalid token rejected: covered in the baseline, now "
        "missing",
    ]
    assert "· 3 of 14 baseline-covered cases lost" in lost.stdout


@pytest.mark.spec("8.3", "6.5")
def test_check_bad_baseline(gateway, tmp_path):
    bad = tmp_path / "baseline.json"
    bad.write_text('{"schema": "spectrace.report/1",\n "areas": [}\n', encoding="utf-8")
    result = check(str(gateway), "--baseline", str(bad))
    assert result.exit_code == 2
    assert result.stderr == f"spectrace: error: {bad}:2: not a spectrace JSON report: " \
                            "Expecting value\n"
    bad.write_text('{"schema": "spectrace.tests/1"}', encoding="utf-8")
    result = check(str(gateway), "--baseline", str(bad))
    assert result.exit_code == 2 and "expected schema 'spectrace.report/1'" in result.stderr
    result = check(str(gateway), "--baseline", str(tmp_path / "nope.json"))
    assert result.exit_code == 2 and "report file not found" in result.stderr


@pytest.mark.spec("8.2", "6.5")
def test_check_bad_flags(gateway):
    result = check(str(gateway), "--fail-on", "dangling")
    assert result.exit_code == 2 and "--fail-on: unknown problem kind 'dangling'" in result.stderr
    result = check(str(gateway), "--area-coverage", "3")
    assert result.exit_code == 2 and "expected AREA=PERCENT, got '3'" in result.stderr
    assert check(str(gateway), "--min-coverage", "101").exit_code == 2


# -- GitHub Actions -------------------------------------------------------------------


@pytest.mark.spec("8.4")
def test_annotations_and_step_summary_under_github_actions(gateway, tmp_path, monkeypatch):
    summary = tmp_path / "step_summary.md"
    summary.write_text("## from an earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))  # the repo is a sub-folder of it
    result = check(str(gateway), "--min-coverage", "80")
    assert result.exit_code == 1
    lines = [ln for ln in result.stdout.splitlines() if ln.startswith("::")]
    assert lines == [
        "::error title=spectrace check%3A coverage::case coverage 73.7%25 (14/19) is below the "
        "minimum 80%25",
        "::error file=gateway/mappings/coverage.yaml,line=14,title=spectrace check%3A "
        "dangling-link::dangling-link: mapping links 3.2.5 to tests/services/test_code_router.py,"
        " which does not exist",
        "::error file=gateway/mappings/coverage.yaml,line=15,title=spectrace check%3A "
        "unknown-id::unknown-id: mapping names case '9.1', which no spec defines",
    ]
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## from an earlier step\n### spectrace check: ❌ failed\n")
    assert "| ✅ covered | 14 (73.7%) |" in text
    assert "- `mappings/coverage.yaml:15` unknown-id: mapping names case '9.1'" in text
    assert "**Why it failed** (3)" in text


@pytest.mark.spec("8.4")
def test_no_annotations_outside_actions_or_when_passing(gateway, tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    assert "::error" not in check(str(gateway)).stdout
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    passed = check(str(gateway), "--fail-on", "none")
    assert passed.exit_code == 0 and "::error" not in passed.stdout
    assert summary.read_text(encoding="utf-8").startswith("### spectrace check: ✅ passed\n")


@pytest.mark.spec("8.4")
def test_annotation_escaping_and_paths_outside_the_workspace():
    decision = decide(GateInput((), (), (Problem(
        ProblemKind.UNKNOWN_ID, "100% wrong,\nreally: yes", "docs/a,b:c.md", 7),)), Thresholds())
    env = {"GITHUB_WORKSPACE": "/elsewhere"}
    assert annotations(decision, Path("/repo"), env) == [
        "::error file=docs/a%2Cb%3Ac.md,line=7,title=spectrace check%3A unknown-id::"
        "unknown-id: 100%25 wrong,%0Areally: yes"]
    assert "&lt;b&gt;" in step_summary(decide(GateInput((), (), (Problem(
        ProblemKind.UNKNOWN_ID, "<b>", None),)), Thresholds()), "T")


@pytest.mark.spec("8.1", "8.2")
def test_check_with_results(gateway, tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    cases = []
    for node in CliRunner().invoke(app, ["tests", str(gateway), "--no-cache"]).stdout.split():
        if "::" not in node:
            continue
        path, _, qualname = node.partition("::")
        module = path.removesuffix(".py").replace("/", ".")
        *classes, name = qualname.split("::")
        classname = ".".join([module, *classes])
        body = {"test_streaming": '<failure message="boom"/>',
                "test_login_rate_limited": '<skipped type="pytest.skip" message="no Redis"/>',
                "test_usage_report_lists_every_model": '<skipped type="pytest.xfail"/>',
                }.get(name, "")
        cases.append(f'<testcase classname="{classname}" name="{name}">{body}</testcase>')
    junit = tmp_path / "junit.xml"
    junit.write_text(f'<testsuites><testsuite name="pytest">{"".join(cases)}'
                     "</testsuite></testsuites>", encoding="utf-8")
    result = check(str(gateway), "--fail-on", "none", "--results", str(junit))
    assert result.exit_code == 0
    # test_streaming failed: 3.1.2 and 3.1.4 (linked to its whole file) are partial now.
    assert result.stdout == ("spectrace check: passed · 12/19 cases covered (63.2%) · "
                             "5 partial · 2 missing\n")
    report = json.loads(CliRunner().invoke(app, ["report", str(gateway), "--no-cache", "-f",
                                                 "json", "--results", str(junit)]).stdout)
    [streaming] = [c for a in report["areas"] for c in a["cases"] if c["id"] == "3.1.2"]
    assert (streaming["status"], streaming["note"]) == ("partial", "a linked test failed")
    assert {lk["state"] for lk in streaming["links"]} == {"failed"}
    bad = check(str(gateway), "--results", str(FIXTURES / "junit" / "not-junit.xml"))
    assert bad.exit_code == 2
    assert bad.stderr.startswith("spectrace: error: ")
    assert "not-junit.xml:3: not a JUnit XML file: the root element is <coverage>" in bad.stderr


# -- the documented workflow ------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def spectrace_commands(workflow: str) -> list[list[str]]:
    """Every `spectrace …` command line of a workflow, with Actions expressions filled in."""
    import re
    import shlex

    commands = []
    for line in workflow.splitlines():
        text = line.strip()
        if not text.startswith("spectrace "):
            continue
        text = re.sub(r"\$\{\{[^}]*\}\}", "X", text).replace('"${baseline[@]}"',
                                                            "--baseline b.json")
        commands.append(shlex.split(text)[1:])
    return commands


@pytest.mark.spec("8.4")
def test_the_documented_workflow_is_the_one_we_run_and_its_commands_parse():
    import typer.main
    import yaml

    workflow = (ROOT / ".github" / "workflows" / "spectrace.yml").read_text(encoding="utf-8")
    doc = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    assert "```yaml\n" + workflow + "```\n" in doc
    steps = yaml.safe_load(workflow)["jobs"]["spec-coverage"]["steps"]
    assert {s.get("name") for s in steps} >= {"Tests, with JUnit results", "Gate",
                                              "Coverage change as a PR comment",
                                              "Publish the matrix to the wiki"}
    commands = spectrace_commands(workflow)
    assert [c[0] for c in commands] == ["check", "diff", "report", "publish"]
    group = typer.main.get_command(app)
    for args in commands:
        command = group.get_command(None, args[0])
        command.make_context(args[0], args[1:])  # raises on an unknown or malformed option
