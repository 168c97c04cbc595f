"""Wiki pages into a wiki git repository; the only module that runs git to write."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from spectrace.errors import SpectraceError
from spectrace.render.view import ReportView
from spectrace.render.wiki import (
    PageChanges,
    WikiPages,
    WikiSettings,
    read_summary,
    render_wiki,
    sync_pages,
)

_FALLBACK_NAME = "spectrace"
_FALLBACK_EMAIL = "spectrace@localhost"
# Words git prints when a push is refused because the remote moved on.
_REJECTED = ("[rejected]", "non-fast-forward", "fetch first", "[remote rejected]")


class PublishError(SpectraceError):
    """The wiki repository cannot be cloned, committed to or pushed to."""


@dataclass(frozen=True)
class Published:
    changes: PageChanges
    message: str | None  # None: nothing to commit
    commit: str | None = None
    rebased: bool = False
    diff: str = ""  # the staged diff, for --dry-run


def _git(*args: str, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env,
                              check=False)
    except OSError as exc:
        raise PublishError(f"cannot run git: {exc.strerror}") from None
    if check and done.returncode != 0:
        command = next(a for i, a in enumerate(args)
                       if not a.startswith("-") and (i == 0 or args[i - 1] != "-c"))
        raise PublishError(f"git {command} failed: {_last_line(done.stderr or done.stdout)}")
    return done


def commit_message(view: ReportView, previous: tuple[int, int] | None,
                   changes: PageChanges) -> str:
    """`spectrace: 41/52 cases covered (+3)`, then which pages changed and from which commit."""
    c = view.summary.cases
    if previous is None:
        delta = "first publish"
    else:
        was_total, was_covered = previous
        diff = c.covered - was_covered
        delta = f"{diff:+d}" if diff else "no change"
        if was_total != c.total:
            delta += f", {c.total - was_total:+d} cases"
    lines = [f"spectrace: {c.covered}/{c.total} cases covered ({delta})", ""]
    for what, names in (("Added", changes.added), ("Updated", changes.updated),
                        ("Removed", changes.removed)):
        if names:
            lines.append(f"{what}: {', '.join(names)}")
    if view.commit:
        lines += ["", f"Generated from commit {view.commit}" + (f" ({view.date})" if view.date else "")]
    return "\n".join(lines) + "\n"


def _identity(clone: Path) -> list[str]:
    """The user's git identity when set; CI machines often have none, and commit would stop."""
    out = []
    if not _git("config", "user.name", cwd=clone, check=False).stdout.strip():
        out += ["-c", f"user.name={_FALLBACK_NAME}"]
    if not _git("config", "user.email", cwd=clone, check=False).stdout.strip():
        out += ["-c", f"user.email={_FALLBACK_EMAIL}"]
    return out


def _clone(wiki: str, into: Path, branch: str | None) -> str:
    """Clone the wiki; return the branch to publish to (an empty wiki gets its first)."""
    args = ["clone", "--quiet", "--no-tags", "--single-branch"]
    if branch:
        args += ["--branch", branch]
    done = _git(*args, "--", wiki, str(into), check=False)
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()
        # git's reason is its first `fatal:` line; the last is often advice ("...exists.").
        fatal = [line for line in detail if line.startswith("fatal:")]
        raise PublishError(f"cannot clone the wiki {wiki}: "
                           f"{(fatal or detail or ['git clone failed'])[0]}")
    # An empty repository clones to an unborn branch; symbolic-ref still names it.
    return branch or _git("symbolic-ref", "--short", "HEAD", cwd=into).stdout.strip()


def publish(view: ReportView, wiki: str, *, settings: WikiSettings | None = None,
            message: str | None = None, dry_run: bool = False,
            before_push: Callable[[Path], None] | None = None,
            log: Callable[[str], None] | None = None) -> Published:
    """Clone `wiki`, make its generated pages match the report, commit, push.

    Pages without the generated marker are never written or removed. A push refused
    because the wiki moved on is fetched, rebased and tried once more; never forced.
    `before_push` runs with the clone's path just before the first push: tests use it
    to make a real concurrent commit.
    """
    say = log or (lambda text: print(text, file=sys.stderr))
    if Path(wiki).exists():  # a local path: absolute, so the clone's origin is too
        wiki = str(Path(wiki).resolve())
    pages: WikiPages = render_wiki(view, settings)
    workdir = Path(tempfile.mkdtemp(prefix="spectrace-wiki-"))
    try:
        clone = workdir / "wiki"
        branch = _clone(wiki, clone, settings.branch if settings else None)
        home = clone / f"{pages.home}.md"
        previous = read_summary(home.read_text(encoding="utf-8", errors="replace")) \
            if home.is_file() else None
        changes = sync_pages(clone, pages.files())
        touched = [*changes.added, *changes.updated]
        if touched:
            _git("add", "--", *touched, cwd=clone)
        if changes.removed:
            _git("rm", "--quiet", "--", *changes.removed, cwd=clone)
        if not changes.changed:
            say(f"Nothing changed in the wiki {wiki}; no commit.")
            return Published(changes, None)
        text = message or commit_message(view, previous, changes)
        if dry_run:
            diff = _git("diff", "--cached", "--no-color", "--no-ext-diff", cwd=clone).stdout
            return Published(changes, text, diff=diff)
        _git(*_identity(clone), "commit", "--quiet", "-m", text, cwd=clone)
        if before_push is not None:
            before_push(clone)
        rebased = _push(clone, branch, say)
        commit = _git("rev-parse", "HEAD", cwd=clone).stdout.strip()
        say(f"Published to {wiki} ({branch}): {changes.describe()}; commit {commit[:7]}")
        return Published(changes, text, commit, rebased)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _push(clone: Path, branch: str, say: Callable[[str], None]) -> bool:
    """Push; when refused because the wiki moved on, fetch, rebase, push once more."""
    refspec = f"HEAD:refs/heads/{branch}"
    done = _git("push", "--quiet", "origin", refspec, cwd=clone, check=False)
    if done.returncode == 0:
        return False
    if not any(word in done.stderr for word in _REJECTED):
        raise PublishError(f"cannot push to the wiki: {_last_line(done.stderr)}")
    say("The wiki changed since it was cloned; rebasing on it and pushing again.")
    _git("fetch", "--quiet", "origin", f"refs/heads/{branch}:refs/remotes/origin/{branch}",
         cwd=clone)
    rebase = _git(*_identity(clone), "rebase", "--quiet", f"origin/{branch}", cwd=clone,
                  check=False)
    if rebase.returncode != 0:
        _git("rebase", "--abort", cwd=clone, check=False)
        raise PublishError("the wiki changed the same pages since it was cloned; "
                           "nothing was pushed. Run publish again")
    again = _git("push", "--quiet", "origin", refspec, cwd=clone, check=False)
    if again.returncode != 0:
        raise PublishError(f"cannot push to the wiki after rebasing: "
                           f"{_last_line(again.stderr)}; nothing was forced")
    return True


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "git push failed"
