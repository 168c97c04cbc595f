"""Replayed answers: an unchanged command prints its stored output without running;
any change to what it read, its flags or its environment runs it afresh."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from spectrace import replay

PLAN = """# Plan

## 1. Area

| Case | Expectation |
|---|---|
| 1.1 First | works |
| 1.2 Second | works |
"""


def _age(root: Path, seconds: float = 60) -> None:
    """Age what was just written past the racy window, as a checkout's files are;
    what is already old keeps its mtime, as it would."""
    now = time.time()
    then = now - seconds
    for folder, dirs, files in os.walk(root):
        for path in [folder, *(os.path.join(folder, name) for name in dirs + files)]:
            if os.lstat(path).st_mtime > now - 10:
                os.utime(path, (then, then), follow_symlinks=False)


def run(repo: Path, *args: str, env: dict | None = None, cwd: Path | None = None):
    """`python -m spectrace ARGS`; `.replayed` says whether the answer was stored
    (a replay never imports the CLI)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "spectrace", *args],
        cwd=cwd or repo, capture_output=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})},
    )
    lines = done.stderr.decode().splitlines(keepends=True)
    done.replayed = not any(line.startswith("import time:") and "spectrace.cli" in line
                            for line in lines)
    done.err = "".join(line for line in lines if not line.startswith("import time:"))
    return done


def twice(repo: Path, *args: str, **kw):
    """A first run, then the same command again once it could be recorded; return both.

    The very first run creates `.spectrace_cache/` and so changes the repository's
    folder: that run is too fresh to record, the one after it is recorded.
    """
    _age(repo.parent)  # inputs outside the repository, too
    first = run(repo, *args, **kw)
    _age(repo.parent)
    run(repo, *args, **kw)
    second = run(repo, *args, **kw)
    return first, second


@pytest.fixture
def repo(tmp_path) -> Path:
    root = tmp_path / "repo"
    (root / "tests").mkdir(parents=True)
    (root / "specs").mkdir()
    (root / "specs" / "testing-plan.md").write_text(PLAN)
    (root / "tests" / "test_a.py").write_text(
        "import pytest\n\n\n@pytest.mark.spec('1.1')\ndef test_one():\n    pass\n")
    return root


def _entries(repo: Path) -> list[Path]:
    return sorted((repo / ".spectrace_cache" / replay.FOLDER).glob("*.m"))


@pytest.mark.spec("9.4")
@pytest.mark.parametrize("args", [
    ("tests", "--format", "json"),
    ("query", "1.1"),  # exit 0
    ("query", "1.2"),  # exit 1: not covered
    ("query", "nothing like it"),  # exit 2, a message on stderr
    ("inventory", "--format", "json"),
])
def test_an_unchanged_command_is_replayed_byte_for_byte(repo, args):
    first, second = twice(repo, *args)
    assert not first.replayed and second.replayed
    assert (second.stdout, second.err, second.returncode) == \
        (first.stdout, first.err, first.returncode)
    assert len(_entries(repo)) == 1


@pytest.mark.spec("9.4")
def test_a_changed_file_of_the_same_size_runs_afresh(repo):
    first, _ = twice(repo, "tests")
    test = repo / "tests" / "test_a.py"
    test.write_text(test.read_text().replace("test_one", "test_two"))  # same size
    _age(repo, 30)  # a different, still old, mtime
    again = run(repo, "tests")
    assert not again.replayed
    assert b"test_two" in again.stdout and b"test_one" not in again.stdout
    assert run(repo, "tests").replayed


@pytest.mark.spec("9.4")
@pytest.mark.parametrize("git", [False, True], ids=["walk", "git"])
def test_added_and_deleted_files_run_afresh(repo, git):
    if git:
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
    first, second = twice(repo, "tests")
    assert second.replayed
    # An empty folder lists nothing, but it is watched: a file in it later is seen,
    # though only that folder's mtime changes.
    (repo / "tests" / "deep").mkdir()
    _age(repo)
    assert not run(repo, "tests").replayed  # its parent folder changed
    assert run(repo, "tests").replayed
    (repo / "tests" / "deep" / "test_new.py").write_text("def test_new():\n    pass\n")
    _age(repo, 30)
    added = run(repo, "tests")
    assert not added.replayed and b"test_new" in added.stdout
    (repo / "tests" / "test_a.py").unlink()
    _age(repo, 20)
    removed = run(repo, "tests")
    assert not removed.replayed and b"test_one" not in removed.stdout


@pytest.mark.spec("9.4")
def test_git_ignored_folders_do_not_invalidate_but_the_index_does(repo):
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / ".gitignore").write_text("generated/\n")
    (repo / "generated").mkdir()
    first, second = twice(repo, "tests")
    assert second.replayed
    (repo / "generated" / "test_built.py").write_text("def test_built():\n    pass\n")
    _age(repo)
    assert run(repo, "tests").replayed  # git ignores it: nothing spectrace reads changed
    subprocess.run(["git", "-C", str(repo), "add", "-f", "generated/test_built.py"], check=True)
    _age(repo, 30)
    forced = run(repo, "tests")
    assert not forced.replayed and b"test_built" in forced.stdout


@pytest.mark.spec("9.4")
def test_settings_and_inputs_outside_the_repository_are_inputs(repo, tmp_path):
    outside = tmp_path / "plan.md"
    outside.write_text(PLAN.replace("1.2 Second", "1.2 Other"))
    args = ("query", "1.2", "--spec", str(outside))
    first, second = twice(repo, *args)
    assert second.replayed and b"Other" in second.stdout
    outside.write_text(PLAN.replace("1.2 Second", "1.2 Renamed"))
    _age(tmp_path)
    assert b"Renamed" in run(repo, *args).stdout
    (repo / "spectrace.yaml").write_text("title: Ours\n")
    _age(tmp_path, 30)
    assert not run(repo, *args).replayed


@pytest.mark.spec("9.4")
def test_a_result_glob_sees_a_new_match(repo, tmp_path):
    results = tmp_path / "results"
    results.mkdir()
    xml = ('<testsuite name="s"><testcase classname="tests.test_a" name="test_one">'
           '{}</testcase></testsuite>')
    (results / "a.xml").write_text(xml.format(""))
    args = ("query", "1.1", "--results", str(results / "*.xml"))
    first, second = twice(repo, *args, cwd=repo)
    assert second.replayed and first.returncode == 0
    (results / "b.xml").write_text(xml.format('<failure message="boom"/>'))
    _age(tmp_path)
    again = run(repo, *args)
    assert not again.replayed


@pytest.mark.spec("9.4")
def test_flags_and_environment_are_part_of_the_question(repo):
    twice(repo, "tests")
    assert not run(repo, "tests", "--format", "json").replayed
    assert not run(repo, "tests", env={"NO_COLOR": "1"}).replayed
    assert run(repo, "tests").replayed
    assert len(_entries(repo)) == 3


@pytest.mark.spec("9.4")
@pytest.mark.parametrize("args,env", [
    (("tests", "--no-cache"), {}),
    (("tests",), {"SPECTRACE_NO_REPLAY": "1"}),
    (("report", "--format", "md", "-o", "out.md"), {}),  # writes a file: never replayed
    (("check",), {}),  # not a read-only command
])
def test_runs_that_opt_out_or_write_files_are_never_replayed(repo, args, env):
    first, second = twice(repo, *args, env=env)
    assert not first.replayed and not second.replayed
    assert _entries(repo) == []
    if "-o" in args:
        assert (repo / "out.md").is_file()


@pytest.mark.spec("9.4")
def test_a_fresh_file_is_not_trusted_and_a_corrupt_entry_is_survived(repo):
    run(repo, "tests")  # every file was just written: too fresh to record
    assert _entries(repo) == []
    first, second = twice(repo, "tests")
    assert second.replayed
    for entry in _entries(repo):
        entry.write_bytes(b"\xff" * 40)
    again = run(repo, "tests")
    assert not again.replayed and again.stdout == first.stdout
    assert run(repo, "tests").replayed  # recorded anew


@pytest.mark.spec("9.4")
def test_stdout_closed_early_is_not_an_error(repo):
    twice(repo, "tests", "--format", "json")
    done = subprocess.run(
        f"{sys.executable} -m spectrace tests --format json | head -c 10",
        shell=True, cwd=repo, capture_output=True)
    assert done.returncode == 0 and len(done.stdout) == 10
    assert b"Traceback" not in done.stderr
