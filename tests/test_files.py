"""Listing a repository's files (git, or a walk honouring .gitignore) and reading them safely."""

from __future__ import annotations

import os
import subprocess

import pytest

from spectrace.discover.files import kind_of, list_files, read_text
from spectrace.model import ProblemKind, TestKind


def _tree(root, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


TREE = {
    ".gitignore": "build/\n*.log\n",
    "src/app.py": "x = 1\n",
    "tests/test_app.py": "def test_x(): pass\n",
    "tests/.gitignore": "generated_*.py\n!generated_keep.py\n",
    "tests/generated_a.py": "",
    "tests/generated_keep.py": "",
    "build/out.py": "",
    "debug.log": "",
    "node_modules/pkg/index.test.js": "",
}


@pytest.mark.spec("2.1.2")
def test_walk_honours_every_gitignore(tmp_path):
    _tree(tmp_path, TREE)
    paths, problems = list_files(tmp_path)
    assert paths == [".gitignore", "src/app.py", "tests/.gitignore", "tests/generated_keep.py",
                     "tests/test_app.py"]
    assert problems == []


@pytest.mark.spec("2.1.1")
def test_git_checkout_lists_tracked_and_untracked_but_not_ignored(tmp_path):
    _tree(tmp_path, TREE)
    git = ["git", "-C", str(tmp_path)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "src/app.py"], check=True)
    # A tracked file that is also ignored stays listed, as git lists it.
    subprocess.run([*git, "add", "-f", "debug.log"], check=True)
    paths, _ = list_files(tmp_path)
    assert "src/app.py" in paths and "tests/test_app.py" in paths and "debug.log" in paths
    assert "build/out.py" not in paths and "tests/generated_a.py" not in paths
    # node_modules is not ignored by this repository, so git lists it: exclude is the
    # user's tool for that; we do not second-guess git.
    assert "node_modules/pkg/index.test.js" in paths
    sub, _ = list_files(tmp_path / "tests")
    assert sub == [".gitignore", "generated_keep.py", "test_app.py"]


@pytest.mark.spec("2.1.4")
def test_symlinks_that_loop_or_leave_are_reported_and_not_followed(tmp_path):
    outside = tmp_path / "outside"
    repo = tmp_path / "repo"
    _tree(outside, {"secret_test.py": "def test_s(): pass\n"})
    _tree(repo, {"tests/test_a.py": "def test_a(): pass\n"})
    os.symlink(outside / "secret_test.py", repo / "tests" / "test_out.py")
    os.symlink(repo / "tests" / "loop_a", repo / "tests" / "loop_b")
    os.symlink(repo / "tests" / "loop_b", repo / "tests" / "loop_a")
    os.symlink(repo / "tests", repo / "tests_link")
    os.symlink(repo / "tests" / "test_a.py", repo / "test_inside.py")
    paths, problems = list_files(repo)
    assert paths == ["test_inside.py", "tests/test_a.py"]
    assert sorted((p.path, p.message) for p in problems) == [
        ("tests/loop_a", "broken or looping symlink, not followed"),
        ("tests/loop_b", "broken or looping symlink, not followed"),
        ("tests/test_out.py", "symlink points outside the repository, not followed"),
    ]


@pytest.mark.spec("2.1.3")
def test_binary_huge_non_utf8_and_unreadable_files_are_problems(tmp_path):
    _tree(tmp_path, {"bin.py": b"\x00\x01def test(): pass", "big.py": "x" * 2000,
                     "latin.py": b"# ok\n# caf\xe9\n", "fine.py": "\ufeffdef test(): pass\n"})
    assert read_text(tmp_path, "fine.py").text == "def test(): pass\n"
    binary = read_text(tmp_path, "bin.py").problem
    assert (binary.kind, binary.message) == (ProblemKind.SKIPPED_FILE, "binary file; skipped")
    huge = read_text(tmp_path, "big.py", max_bytes=1000).problem
    assert "over the 1,000-byte limit" in huge.message
    latin = read_text(tmp_path, "latin.py").problem
    assert (latin.message, latin.line) == ("not UTF-8 text; skipped", 2)
    missing = read_text(tmp_path, "gone.py").problem
    assert missing.kind is ProblemKind.UNREADABLE


@pytest.mark.spec("2.1.5")
@pytest.mark.parametrize(("path", "kind"), [
    ("tests/test_chat.py", TestKind.UNIT),
    ("tests/e2e/test_flow.py", TestKind.E2E),
    ("apps/web/cypress/e2e/login.cy.ts", TestKind.E2E),
    ("e2e-web/playwright/checkout.spec.ts", TestKind.E2E),
    ("tests/integration/test_db.py", TestKind.INTEGRATION),
    ("crates/common/tests/integration_http.rs", TestKind.INTEGRATION),
    ("src/components/Button.test.tsx", TestKind.UNIT),
    ("tests/fixtures/crate/src/lib.rs", TestKind.UNIT),
    ("e2e-web/tests/checkout.spec.ts", TestKind.E2E),
])
def test_kinds_from_path_conventions(path, kind):
    assert kind_of(path) is kind
