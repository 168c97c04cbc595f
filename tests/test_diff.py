"""`spectrace diff`: two JSON reports, or the repository against a git revision, as a PR comment."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from spectrace import diff as diff_module
from spectrace.cli import app
from spectrace.diff import MARKER, compare, delta_dict, render_md, render_text
from spectrace.errors import SpectraceError

FIXTURES = Path(__file__).parent / "fixtures"


def report(cases: dict[str, str], *, dangling: dict[str, str] | None = None,
           orphans: list[str] | None = None, commit: str | None = None,
           tests: int = 10) -> dict:
    """A spectrace.report/1 dict with one area holding `cases` (id → status)."""
    dangling = dangling or {}
    counts = {s: sum(v == s for v in cases.values()) for s in ("covered", "partial", "missing")}
    data = {
        "schema": "spectrace.report/1",
        "repo": {"root": "/r", "commit": commit},
        "summary": {"cases": len(cases), "cases_covered": counts["covered"],
                    "cases_partial": counts["partial"], "cases_missing": counts["missing"],
                    "tests": tests},
        "areas": [{"id": "3", "title": "Inference", "status": "partial", "features": [],
                   "cases": [{"id": cid, "title": f"Case {cid}", "status": status,
                              "feature": None,
                              "links": [{"path": dangling[cid], "name": None, "line": None,
                                         "source": "mapping", "state": "dangling"}]
                              if cid in dangling else []}
                             for cid, status in cases.items()]}],
        "problems": [],
    }
    if orphans is not None:
        data["orphans"] = [{"path": o.split("::")[0], "name": o.split("::")[1], "line": 1}
                           for o in orphans]
    return data


OLD = report({"1": "covered", "2": "covered", "3": "partial", "4": "missing", "5": "missing",
              "6": "covered", "7": "covered"},
             dangling={"4": "tests/gone.py"}, orphans=["t.py::test_a"], commit="a" * 40)
NEW = report({"1": "covered", "2": "missing", "3": "covered", "4": "missing", "5": "partial",
              "6": "partial", "8": "missing"},
             dangling={"4": "tests/gone.py", "2": "tests/test_two.py"},
             orphans=["t.py::test_a", "t.py::test_b"], commit="b" * 40, tests=9)


@pytest.mark.spec("8.5")
def test_compare_sorts_every_change():
    delta = compare(OLD, NEW)
    ids = {name: [c.id for c in getattr(delta, name)] for name in (
        "newly_covered", "newly_partial", "newly_missing", "improved", "added", "removed")}
    assert ids == {"newly_covered": ["3"], "newly_partial": ["6"], "newly_missing": ["2"],
                   "improved": ["5"], "added": ["8"], "removed": ["7"]}
    assert delta.new_dangling == (("2", "tests/test_two.py"),)  # 4's dangling link is old
    assert delta.new_orphans == ("t.py::test_b",)
    assert (delta.before.covered, delta.after.covered, delta.after.cases) == (4, 2, 7)
    assert delta.changed
    assert not compare(NEW, NEW).changed


@pytest.mark.spec("8.5")
def test_orphans_unknown_when_the_old_report_has_none():
    old = report({"1": "covered"})  # written before reports listed orphans
    assert compare(old, report({"1": "covered"}, orphans=["t.py::test_a"])).new_orphans is None


@pytest.mark.spec("8.5")
def test_markdown_comment_body():
    body = render_md(compare(OLD, NEW))
    assert body.splitlines()[0] == MARKER == "<!-- spectrace-diff -->"
    assert "| ✅ covered | 4 | 2 | −2 |" in body
    assert "| coverage | 57.1% | 28.6% | −28.6 pts |" in body
    assert "| before (`aaaaaaa`) | after (`bbbbbbb`) |" in body
    sections = [line for line in body.splitlines() if line.startswith("**")]
    assert sections == ["**❌ Newly missing** (1)", "**⚠️ Newly partial** (1)",
                        "**🔗 New dangling links** (1)", "**✅ Newly covered** (1)",
                        "**⬆️ Now partial (were missing)** (1)", "**➕ Cases added** (1)",
                        "**➖ Cases removed** (1)", "**🧪 New orphan tests (cover no case)** (1)"]
    assert "- 2 Case 2 (Inference): ✅ covered → ❌ missing" in body
    assert "- 8 Case 8 (Inference): new → ❌ missing" in body
    assert render_md(compare(OLD, NEW)) == body  # stable
    same = render_md(compare(NEW, NEW))
    assert same.startswith(MARKER + "\n") and "No change in spec coverage." in same


@pytest.mark.spec("8.5")
def test_long_lists_are_cut_and_titles_escaped():
    many = {str(i): "covered" for i in range(60)}
    delta = compare(report({k: "missing" for k in many}), report(many))
    text = render_text(delta)
    assert text.count("\n  ") - 6 == 51 and "  … and 10 more" in text  # 6 total rows
    old, new = report({"1": "missing"}), report({"1": "covered"})
    new["areas"][0]["cases"][0]["title"] = "a | b <script>"
    assert "a \\| b &lt;script&gt;" in render_md(compare(old, new))


@pytest.mark.spec("8.5")
def test_json_delta():
    data = delta_dict(compare(OLD, NEW))
    assert data["schema"] == "spectrace.diff/1"
    assert data["newly_missing"] == [{"id": "2", "title": "Case 2", "area": "Inference",
                                      "before": "covered", "after": "missing"}]
    assert data["new_dangling_links"] == [{"case": "2", "target": "tests/test_two.py"}]
    assert data["before"]["coverage_percent"] == 57.1 and data["after"]["tests"] == 9


# -- the command ----------------------------------------------------------------------


def run(*args: str):
    return CliRunner().invoke(app, ["diff", *args], catch_exceptions=False)


@pytest.mark.spec("8.5")
def test_diff_two_report_files(tmp_path):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(OLD), encoding="utf-8")
    new.write_text(json.dumps(NEW), encoding="utf-8")
    result = run(str(old), str(new))
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout == render_text(compare(OLD, NEW))
    assert result.stdout.startswith("spectrace diff: aaaaaaa → bbbbbbb\n")
    md = run(str(old), str(new), "--format", "md", "-o", str(tmp_path / "comment.md"))
    assert md.exit_code == 0 and md.stderr == f"Wrote {tmp_path / 'comment.md'}\n"
    assert (tmp_path / "comment.md").read_text(encoding="utf-8").startswith(MARKER)
    assert json.loads(run(str(old), str(new), "-f", "json").stdout)["changed"] is True


@pytest.mark.spec("8.5", "6.5")
def test_diff_usage_and_bad_reports(tmp_path):
    assert run().exit_code == 2
    one = run(str(tmp_path / "a.json"))
    assert one.exit_code == 2 and "two JSON reports, OLD NEW, or --base REV" in one.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{\n  nope\n}", encoding="utf-8")
    result = run(str(bad), str(bad))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"spectrace: error: {bad}:2: not a spectrace JSON report")
    assert run(str(bad), str(bad), "-f", "html").exit_code == 2


# -- against a git revision -----------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), "-c", "user.name=T", "-c", "user.email=t@t",
                           "-c", "commit.gpgsign=false", *args],
                          capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def history(tmp_path, monkeypatch) -> Path:
    """The gateway fixture in a git repository of two commits; the second deletes
    tests/routes/test_chat.py, which mappings and an id in a docstring link to."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # to see the worktree go away
    repo = tmp_path / "gateway"
    shutil.copytree(FIXTURES / "gateway", repo)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "gateway")
    (repo / "tests" / "routes" / "test_chat.py").unlink()
    git(repo, "commit", "-q", "-am", "drop the chat tests")
    return repo


def assert_cleaned_up(repo: Path, scratch: Path) -> None:
    assert git(repo, "worktree", "list").count("\n") == 1
    assert list(scratch.iterdir()) == []


@pytest.mark.spec("8.5")
def test_diff_base_shows_the_deleted_test(history, tmp_path):
    result = run("--base", "HEAD~1", str(history), "--no-cache", "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [(c["id"], c["before"], c["after"]) for c in data["newly_missing"]] == [
        ("3.1.1", "covered", "missing"), ("3.1.2", "covered", "missing"),
        ("3.1.3", "partial", "missing"), ("3.1.4", "covered", "missing")]
    assert data["new_dangling_links"] == [
        {"case": "3.1.1", "target": "tests/routes/test_chat.py::TestChatCompletions::"
                                    "test_non_streaming"},
        {"case": "3.1.3", "target": "tests/routes/test_chat.py::TestChatCompletions::"
                                    "test_insufficient_credits"},
        {"case": "3.1.4", "target": "tests/routes/test_chat.py"},
    ]
    head = git(history, "rev-parse", "HEAD").strip()
    base = git(history, "rev-parse", "HEAD~1").strip()
    assert (data["before"]["commit"], data["after"]["commit"]) == (base, head)
    assert (data["before"]["tests"], data["after"]["tests"]) == (15, 11)
    assert data["cases_added"] == data["cases_removed"] == [] and data["new_orphans"] == []
    assert_cleaned_up(history, tmp_path / "tmp")
    md = run("--base", "HEAD~1", str(history), "--no-cache", "--format", "md").stdout
    assert md.startswith(MARKER + "\n")
    assert "- 3.1.4 → tests/routes/test_chat.py" in md


@pytest.mark.spec("8.5")
def test_diff_base_cleans_up_after_an_error(history, tmp_path, monkeypatch):
    def broken(config, root):
        assert (root / "docs" / "testing-plan.md").is_file()  # the worktree was there
        raise SpectraceError("something in the old tree is wrong", "docs/testing-plan.md", 3)

    monkeypatch.setattr(diff_module, "rebase_config", broken)
    result = run("--base", "HEAD~1", str(history), "--no-cache")
    assert result.exit_code == 2
    assert result.stderr == ("spectrace: error: docs/testing-plan.md:3: something in the old "
                             "tree is wrong\n")
    assert_cleaned_up(history, tmp_path / "tmp")


@pytest.mark.spec("8.5", "6.5")
def test_diff_base_bad_revision_or_not_a_repository(history, tmp_path):
    result = run("--base", "no-such-branch", str(history), "--no-cache")
    assert result.exit_code == 2
    assert result.stderr == "spectrace: error: --base: unknown revision 'no-such-branch'\n"
    plain = tmp_path / "plain"
    shutil.copytree(FIXTURES / "gateway", plain)
    outside = run("--base", "HEAD", str(plain), "--no-cache")
    assert outside.exit_code == 2 and "is not a git repository" in outside.stderr
    assert_cleaned_up(history, tmp_path / "tmp")


@pytest.mark.spec("8.5")
def test_diff_base_before_the_spec_existed(tmp_path):
    repo = tmp_path / "gateway"
    repo.mkdir()
    (repo / "README.md").write_text("soon\n", encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "empty")
    shutil.copytree(FIXTURES / "gateway", repo, dirs_exist_ok=True)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "spec and tests")
    data = json.loads(run("--base", "HEAD~1", str(repo), "--no-cache", "-f", "json").stdout)
    assert len(data["cases_added"]) == 19
    assert data["before"]["cases"] == 0 and data["after"]["cases_covered"] == 14
