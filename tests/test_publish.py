"""publish against real bare git repositories on disk: first, no-op, kept, stale, concurrent."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import make_file
from reportviews import FILES, MAPPING, sample_view
from spectrace.cli import app
from spectrace.model import Test
from spectrace.publish import PublishError, publish
from spectrace.render.markdown import GENERATED_MARKER
from spectrace.render.wiki import WikiSettings

FIXTURES = Path(__file__).parent / "fixtures"
SEED = ("-c", "user.name=Wiki Editor", "-c", "user.email=editor@example.org")


@pytest.fixture(autouse=True)
def clean_git(tmp_path, monkeypatch):
    """No global or system git config: publish must work on a bare CI machine."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
                 "GIT_COMMITTER_EMAIL", "GIT_DIR", "GIT_WORK_TREE"):
        monkeypatch.delenv(name, raising=False)


def git(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(["git", *SEED, *args], cwd=cwd, capture_output=True, text=True,
                          check=True)
    return done.stdout.strip()


@pytest.fixture
def wiki(tmp_path) -> Path:
    """A wiki repository with a hand-written page and a page an older spectrace generated."""
    bare = tmp_path / "wiki.git"
    git("init", "--quiet", "--bare", "--initial-branch=main", str(bare))
    work = tmp_path / "seed"
    git("clone", "--quiet", str(bare), str(work))
    (work / "Notes.md").write_text("# Team notes\n\nWritten by people.\n", encoding="utf-8")
    (work / "9-Retired-Area.md").write_text(f"{GENERATED_MARKER}\n# 9. Retired area\n",
                                            encoding="utf-8")
    git("add", "Notes.md", "9-Retired-Area.md", cwd=work)
    git("commit", "--quiet", "-m", "Hand-written notes", cwd=work)
    git("push", "--quiet", "origin", "HEAD:main", cwd=work)
    return bare


def files_at(bare: Path, rev: str = "main") -> dict[str, str]:
    names = git("--git-dir", str(bare), "ls-tree", "--name-only", rev).splitlines()
    return {n: git("--git-dir", str(bare), "show", f"{rev}:{n}") + "\n" for n in names}


def head(bare: Path) -> str:
    return git("--git-dir", str(bare), "rev-parse", "main")


def subjects(bare: Path) -> list[str]:
    return git("--git-dir", str(bare), "log", "--format=%s", "main").splitlines()


def better_view():
    """The sample view with one more case covered (3.2 gets a test)."""
    chat = make_file("tests/routes/test_chat.py", *FILES[2].tests,
                     Test("test_image", "test_image", 40, ids=("3.2",)))
    return sample_view(files=(*FILES[:2], chat), mapping=MAPPING)


@pytest.mark.spec("7.1", "7.3", "7.4")
def test_first_publish_commits_pages_keeps_hand_written_and_removes_stale(wiki):
    done = publish(sample_view(), str(wiki), log=lambda _: None)
    assert done.commit == head(wiki)
    assert done.changes.added == ("Home.md", "_Sidebar.md")
    assert done.changes.removed == ("9-Retired-Area.md",)
    assert subjects(wiki) == ["spectrace: 5/9 cases covered (first publish)", "Hand-written notes"]
    pages = files_at(wiki)
    assert sorted(pages) == ["Home.md", "Notes.md", "_Sidebar.md"]
    assert pages["Notes.md"] == "# Team notes\n\nWritten by people.\n"
    assert pages["Home.md"].startswith(GENERATED_MARKER + "\n")
    body = git("--git-dir", str(wiki), "log", "-1", "--format=%b", "main")
    assert "Added: Home.md, _Sidebar.md" in body and "Removed: 9-Retired-Area.md" in body
    assert "Generated from commit 0123456789abcdef" in body
    # With no git identity configured, the commit is still made, by spectrace.
    assert git("--git-dir", str(wiki), "log", "-1", "--format=%an", "main") == "spectrace"


@pytest.mark.spec("7.1")
def test_first_publish_into_an_empty_wiki(tmp_path):
    bare = tmp_path / "empty.git"
    git("init", "--quiet", "--bare", "--initial-branch=trunk", str(bare))
    done = publish(sample_view(), str(bare), log=lambda _: None)
    assert git("--git-dir", str(bare), "rev-parse", "trunk") == done.commit
    assert sorted(files_at(bare, "trunk")) == ["Home.md", "_Sidebar.md"]


@pytest.mark.spec("7.2")
def test_second_publish_with_nothing_changed_makes_no_commit(wiki):
    publish(sample_view(), str(wiki), log=lambda _: None)
    before = head(wiki)
    said: list[str] = []
    done = publish(sample_view(), str(wiki), log=said.append)
    assert done.message is None and done.commit is None and not done.changes.changed
    assert head(wiki) == before
    assert said == [f"Nothing changed in the wiki {wiki}; no commit."]


@pytest.mark.spec("7.1")
def test_commit_message_gives_the_change_in_coverage(wiki):
    publish(sample_view(), str(wiki), log=lambda _: None)
    done = publish(better_view(), str(wiki), log=lambda _: None)
    assert subjects(wiki)[0] == "spectrace: 6/9 cases covered (+1)"
    assert done.changes.updated == ("Home.md", "_Sidebar.md") and not done.changes.added
    publish(sample_view(), str(wiki), message="Back to the old matrix", log=lambda _: None)
    assert subjects(wiki)[0] == "Back to the old matrix"
    publish(better_view(), str(wiki), settings=WikiSettings(split_over=3), log=lambda _: None)
    assert subjects(wiki)[0] == "spectrace: 6/9 cases covered (+1)"
    assert "2-Authentication.md" in files_at(wiki)
    publish(better_view(), str(wiki), log=lambda _: None)  # back to one page: area pages go
    assert sorted(files_at(wiki)) == ["Home.md", "Notes.md", "_Sidebar.md"]


@pytest.mark.spec("7.5")
def test_concurrent_commit_between_clone_and_push_is_rebased_not_forced(wiki, tmp_path):
    other = tmp_path / "other"
    git("clone", "--quiet", str(wiki), str(other))

    def someone_else_pushes(clone: Path) -> None:
        # A real second writer: commits and pushes after our clone, before our push.
        (other / "Meeting-notes.md").write_text("# Meeting\n", encoding="utf-8")
        git("add", "Meeting-notes.md", cwd=other)
        git("commit", "--quiet", "-m", "Meeting notes", cwd=other)
        git("push", "--quiet", "origin", "HEAD:main", cwd=other)

    said: list[str] = []
    done = publish(sample_view(), str(wiki), before_push=someone_else_pushes, log=said.append)
    assert done.rebased
    assert "rebasing" in said[0]
    assert subjects(wiki) == ["spectrace: 5/9 cases covered (first publish)", "Meeting notes",
                              "Hand-written notes"]
    assert sorted(files_at(wiki)) == ["Home.md", "Meeting-notes.md", "Notes.md", "_Sidebar.md"]
    # Linear history: the other writer's commit is an ancestor, nothing was overwritten.
    assert git("--git-dir", str(wiki), "rev-list", "--merges", "main") == ""


@pytest.mark.spec("7.5")
def test_concurrent_edit_of_the_same_page_stops_without_forcing(wiki, tmp_path):
    publish(sample_view(), str(wiki), log=lambda _: None)
    other = tmp_path / "other"
    git("clone", "--quiet", str(wiki), str(other))

    def someone_edits_home(clone: Path) -> None:
        home = other / "Home.md"
        home.write_text(home.read_text(encoding="utf-8").replace("TL;DR", "Summary"),
                        encoding="utf-8")
        git("commit", "--quiet", "-am", "Edit the generated page by hand", cwd=other)
        git("push", "--quiet", "origin", "HEAD:main", cwd=other)

    with pytest.raises(PublishError, match="nothing was pushed"):
        publish(better_view(), str(wiki), before_push=someone_edits_home, log=lambda _: None)
    assert subjects(wiki)[0] == "Edit the generated page by hand"


@pytest.mark.spec("7.6")
def test_dry_run_prints_the_diff_and_writes_nothing(wiki, tmp_path):
    repo = tmp_path / "gateway"
    shutil.copytree(FIXTURES / "gateway", repo)
    before = head(wiki)
    result = CliRunner().invoke(app, ["publish", str(repo), "--wiki", str(wiki), "--dry-run"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert head(wiki) == before
    assert result.stdout.startswith("Would commit: spectrace: ")
    assert "(first publish) (2 added, 1 removed)" in result.stdout.splitlines()[0]
    assert "+++ b/Home.md" in result.stdout and "--- a/9-Retired-Area.md" in result.stdout
    assert f"+{GENERATED_MARKER}" in result.stdout


@pytest.mark.spec("7.1", "7.2")
def test_publish_command_on_the_gateway(wiki, tmp_path):
    repo = tmp_path / "gateway"
    shutil.copytree(FIXTURES / "gateway", repo)
    (repo / "spectrace.yaml").write_text(
        (repo / "spectrace.yaml").read_text(encoding="utf-8")
        + f"publish:\n  wiki: {wiki}\n  split_over: 5\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["publish", str(repo)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    sha, _, subject = result.stdout.strip().partition(" ")
    assert head(wiki).startswith(sha) and subject.startswith("spectrace: ")
    assert "3-Inference.md" in files_at(wiki)
    result = runner.invoke(app, ["publish", str(repo)], catch_exceptions=False)
    assert result.exit_code == 0 and result.stdout == ""
    assert "no commit" in result.stderr
    assert head(wiki).startswith(sha)


def test_publish_needs_a_wiki_and_reports_git_errors(tmp_path):
    repo = tmp_path / "gateway"
    shutil.copytree(FIXTURES / "gateway", repo)
    runner = CliRunner()
    result = runner.invoke(app, ["publish", str(repo)])
    assert result.exit_code == 2 and "--wiki" in result.stderr
    result = runner.invoke(app, ["publish", str(repo), "--wiki", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert result.stderr.startswith("spectrace: error: cannot clone the wiki")
