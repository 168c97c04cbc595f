"""Which files a repository holds (git's answer, or a walk honouring .gitignore), read safely."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from spectrace.config import Config
from spectrace.errors import ConfigError
from spectrace.model import Problem, ProblemKind, TestKind

# Folders never worth entering when walking a tree that is not a git checkout.
ALWAYS_SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox",
     ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".spectrace_cache", "target",
     ".next", "dist", "build", ".eggs", ".gradle", ".idea"}
)

DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024


def list_files(root: Path, folders: list[str] | None = None) -> tuple[list[str], list[Problem]]:
    """Posix paths relative to `root` of every file in the repository, sorted.

    In a git checkout git answers (tracked files plus untracked ones it does not
    ignore); elsewhere the tree is walked, honouring every `.gitignore` on the way.
    Symlinks are never followed: a link is listed only when it points at a file inside
    the tree, and is reported otherwise.

    `folders`, when given, receives every folder (relative, "" for `root`) whose
    entries could change the answer: a file added to or removed from any other folder
    is one the listing ignores (replay.py stamps these).
    """
    listed = _git_ls_files(root)
    if listed is None:
        return _walk(root, folders)
    if folders is not None:
        folders.extend(_unignored_folders(root, listed))
    problems: list[Problem] = []
    kept: list[str] = []
    resolved_root = root.resolve()
    for rel in listed:
        full = root / rel
        if full.is_symlink():
            problem = _symlink_problem(full, rel, resolved_root)
            if problem:
                problems.append(problem)
                continue
        if full.is_file():
            kept.append(rel)
    return sorted(kept), problems


def _git_ls_files(root: Path) -> list[str] | None:
    try:
        top = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-toplevel"],
            capture_output=True, text=True, check=False,
        )
    except OSError:
        return None
    if top.returncode != 0:
        return None
    # In a sub-folder of a checkout, git answers relative to the working directory.
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--cached", "--others",
             "--exclude-standard", "--", "."],
            capture_output=True, check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    names = {n for n in out.decode("utf-8", "surrogateescape").split("\0") if n}
    return sorted(names)


def _unignored_folders(root: Path, listed: list[str]) -> list[str]:
    """Every folder of a checkout but those git ignores whole (and .git itself), plus the
    folders of files listed although ignored (tracked before the ignore rule came)."""
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--others", "--ignored",
             "--exclude-standard", "--directory", "--", "."],
            capture_output=True, check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        out = b""
    ignored = {n.rstrip("/") for n in out.decode("utf-8", "surrogateescape").split("\0")
               if n.endswith("/")}
    found = {""}
    for folder, dirs, _ in os.walk(root):
        rel = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        dirs[:] = [d for d in dirs if d != ".git" and f"{prefix}{d}" not in ignored]
        found.update(f"{prefix}{d}" for d in dirs)
    for rel in listed:
        parent = rel.rpartition("/")[0]
        while parent and parent not in found:
            found.add(parent)
            parent = parent.rpartition("/")[0]
    return sorted(found)


def _symlink_problem(full: Path, rel: str, resolved_root: Path) -> Problem | None:
    try:
        target = full.resolve(strict=True)
    except (OSError, RuntimeError):
        return Problem(ProblemKind.SKIPPED_FILE, "broken or looping symlink, not followed", rel)
    if not target.is_relative_to(resolved_root):
        return Problem(ProblemKind.SKIPPED_FILE,
                       "symlink points outside the repository, not followed", rel)
    return None


def _walk(root: Path, folders: list[str] | None = None) -> tuple[list[str], list[Problem]]:
    import pathspec  # only needed outside git checkouts

    problems: list[Problem] = []
    kept: list[str] = []
    resolved_root = root.resolve()
    # A stack of (folder prefix, spec) for every .gitignore seen on the way down.
    def walk(folder: Path, prefix: str, specs: list[tuple[str, pathspec.PathSpec]]) -> None:
        if folders is not None:
            folders.append(prefix.rstrip("/"))
        ignore = folder / ".gitignore"
        if ignore.is_file() and not ignore.is_symlink():
            try:
                lines = ignore.read_text(encoding="utf-8", errors="replace").splitlines()
                specs = specs + [(prefix, pathspec.PathSpec.from_lines("gitignore", lines))]
            except OSError:
                pass
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            problems.append(Problem(ProblemKind.UNREADABLE,
                                    f"cannot list folder: {exc.strerror}", prefix or "."))
            return
        for entry in entries:
            rel = f"{prefix}{entry.name}"
            is_dir = entry.is_dir(follow_symlinks=False)
            if _ignored(rel, is_dir, specs):
                continue
            if entry.is_symlink():
                problem = _symlink_problem(Path(entry.path), rel, resolved_root)
                if problem:
                    problems.append(problem)
                    continue
                if Path(entry.path).is_dir():
                    # A link to a folder inside the tree: its files are listed where they are.
                    continue
            if is_dir:
                if entry.name in ALWAYS_SKIPPED_DIRS:
                    continue
                walk(Path(entry.path), rel + "/", specs)
            elif entry.is_file():
                kept.append(rel)

    walk(root, "", [])
    return sorted(kept), problems


def _ignored(rel: str, is_dir: bool, specs: list) -> bool:
    ignored = False
    for prefix, spec in specs:
        sub = rel[len(prefix):]
        candidate = sub + "/" if is_dir else sub
        # pathspec answers include/exclude per file; later .gitignores override earlier.
        result = spec.check_file(candidate)
        if result.include is not None:
            ignored = result.include
    return ignored



def repository_paths(config: Config) -> tuple[list[str], list[Problem]]:
    """Every file spectrace may read, after .gitignore and the `exclude` setting."""
    paths, problems = list_files(config.root)
    if config.exclude:
        import pathspec

        spec = pathspec.PathSpec.from_lines("gitignore", config.exclude)
        paths = [p for p in paths if not spec.match_file(p)]
    return paths, problems


@dataclass(frozen=True)
class FileText:
    text: str | None
    problem: Problem | None


def read_text(root: Path, rel: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> FileText:
    """A source file's text, or the problem that kept it from being read.

    Binary (a NUL byte), over `max_bytes`, non-UTF-8 and unreadable files are reported
    and skipped; nothing here raises.
    """
    full = root / rel
    try:
        size = full.stat().st_size
        if size > max_bytes:
            return FileText(None, Problem(
                ProblemKind.SKIPPED_FILE,
                f"file is {size:,} bytes, over the {max_bytes:,}-byte limit; skipped", rel))
        data = full.read_bytes()
    except OSError as exc:
        return FileText(None, Problem(ProblemKind.UNREADABLE,
                                      f"cannot read file: {exc.strerror or exc}", rel))
    if b"\0" in data[:8192]:
        return FileText(None, Problem(ProblemKind.SKIPPED_FILE, "binary file; skipped", rel))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return FileText(None, Problem(ProblemKind.SKIPPED_FILE,
                                      "not UTF-8 text; skipped", rel, line))
    return FileText(text, None)


E2E_PARTS = frozenset({"e2e", "cypress", "playwright", "end_to_end", "end-to-end", "e2e_tests",
                       "acceptance"})
INTEGRATION_PARTS = frozenset({"integration", "integration_tests", "integration-tests", "it"})


KINDS_SECTION = "kinds"


@dataclass(frozen=True)
class KindRules:
    """Configured path patterns per kind; the first kind whose patterns match wins."""

    rules: tuple[tuple[TestKind, tuple[str, ...]], ...] = ()

    @cached_property
    def _specs(self) -> list:
        import pathspec

        return [(kind, pathspec.PathSpec.from_lines("gitignore", patterns))
                for kind, patterns in self.rules]

    def match(self, path: str) -> TestKind | None:
        for kind, spec in self._specs:
            if spec.match_file(path):
                return kind
        return None


def section_line(config: Config, name: str) -> int | None:
    """The line of a top-level key of the config file, for sections whose value is a plain
    scalar (a YAML mapping or list remembers its own line)."""
    import re

    value = config.extra.get(name)
    if getattr(value, "line", None):
        return value.line
    if config.source is None:
        return None
    path = Path(config.source)
    try:
        text = (path if path.is_absolute() else config.root / path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(rf"{re.escape(name)}\s*[:=]", line):
            return number
    return None


def kind_rules(config: Config) -> KindRules:
    """The `kinds:` section of the config, checked: `{e2e|integration|unit: [patterns]}`."""
    section = config.extra.get(KINDS_SECTION)
    if section is None:
        return KindRules()
    where = config.source
    if not isinstance(section, dict):
        raise ConfigError("`kinds` must map e2e, integration or unit to path patterns",
                          where, section_line(config, KINDS_SECTION))
    rules = []
    for key, value in section.items():
        line = section.key_line(key) if hasattr(section, "key_line") else None
        if key not in {k.value for k in TestKind}:
            raise ConfigError(f"unknown test kind {key!r} in `kinds`; use e2e, integration "
                              "or unit", where, line)
        patterns = [value] if isinstance(value, str) else value
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            raise ConfigError(f"`kinds.{key}` must be a list of path patterns", where, line)
        rules.append((TestKind(key), tuple(patterns)))
    # e2e before integration before unit, whatever order the file lists them in.
    order = [TestKind.E2E, TestKind.INTEGRATION, TestKind.UNIT]
    return KindRules(tuple(sorted(rules, key=lambda rule: order.index(rule[0]))))


def kind_of(path: str, rules: KindRules | None = None) -> TestKind:
    """unit / integration / e2e: configured patterns first, then path conventions
    (e2e/, cypress/, playwright/, tests/integration/, a Rust crate's tests/ folder…)."""
    if rules is not None:
        configured = rules.match(path)
        if configured is not None:
            return configured
    parts = path.lower().split("/")
    folders = parts[:-1]
    name = parts[-1]
    if any(_is_e2e_folder(p) for p in folders) or ".e2e." in name or ".cy." in name \
            or name.endswith("_e2e.py"):
        return TestKind.E2E
    if any(p in INTEGRATION_PARTS for p in folders) or "integration" in name:
        return TestKind.INTEGRATION
    if name.endswith(".rs") and "tests" in folders and (
            "src" not in folders or _last(folders, "tests") > _last(folders, "src")):
        # Cargo's own name for the files in a crate's tests/ (the innermost of src/ and
        # tests/ decides: tests/fixtures/x/src/lib.rs is a crate's source).
        return TestKind.INTEGRATION
    return TestKind.UNIT


def _last(items: list[str], item: str) -> int:
    return len(items) - 1 - items[::-1].index(item)


def _is_e2e_folder(name: str) -> bool:
    """e2e/, cypress/… and the usual compounds: e2e-web/, web-e2e/, e2e_tests/."""
    return name in E2E_PARTS or name.startswith(("e2e-", "e2e_")) or name.endswith(("-e2e", "_e2e"))
