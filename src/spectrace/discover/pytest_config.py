"""A repository's own pytest settings, read the way pytest finds and reads them."""

from __future__ import annotations

import ast
import configparser
import fnmatch
import re
import shlex
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from spectrace.model import Problem, ProblemKind

# pytest's own default for `norecursedirs` (_pytest/main.py).
DEFAULT_NORECURSEDIRS: tuple[str, ...] = (
    "*.egg", ".*", "_darcs", "build", "CVS", "dist", "node_modules", "venv", "{arch}")


@dataclass(frozen=True)
class PytestSettings:
    """The pytest settings that decide which files, classes and functions are tests.

    Patterns are kept as pytest reads them: globs for files and folders, prefixes or
    globs for class and function names. `pythonpath` is where tests import from;
    `ignore`/`ignore_glob` come from `--ignore` and `--ignore-glob` in `addopts`,
    relative to the root. When `root` is set, `conftest.py` files below it are
    consulted for literal `collect_ignore` and `collect_ignore_glob` lists, as pytest
    does while it collects, and test modules may be read for the base classes and
    tests other test modules import.
    """

    python_files: tuple[str, ...] = ("test_*.py", "*_test.py")
    python_classes: tuple[str, ...] = ("Test",)
    python_functions: tuple[str, ...] = ("test",)
    testpaths: tuple[str, ...] = ()
    norecursedirs: tuple[str, ...] = DEFAULT_NORECURSEDIRS
    pythonpath: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    ignore_glob: tuple[str, ...] = ()
    config_file: str | None = None  # the file these came from, relative to the root
    root: Path | None = field(default=None, compare=False)


# In pytest's precedence order (_pytest/config/findpaths.py, CONFIG_LOADERS_BY_NAME).
_CONFIG_NAMES = ("pytest.toml", ".pytest.toml", "pytest.ini", ".pytest.ini", "pyproject.toml",
                 "tox.ini", "setup.cfg")

_KEYS = ("python_files", "python_classes", "python_functions", "testpaths", "norecursedirs",
         "pythonpath")


def load_pytest_settings(root: Path) -> PytestSettings:
    """The settings pytest would use when run from `root`; defaults when there are none.

    A malformed config file gives pytest's defaults; `read_pytest_settings` also says why.
    """
    return read_pytest_settings(root)[0]


def read_pytest_settings(root: Path) -> tuple[PytestSettings, Problem | None]:
    """Settings from the first config file pytest would pick in `root`, and any problem.

    Like pytest: `pytest.toml` and `pytest.ini` always win (even empty); `pyproject.toml`
    counts only with a `[tool.pytest]` or `[tool.pytest.ini_options]` table, `tox.ini`
    only with `[pytest]`, `setup.cfg` only with `[tool:pytest]`. Only `root` itself is
    searched: spectrace measures the repository it is given, not its parents.
    """
    root = Path(root)
    defaults = PytestSettings(root=root)
    for name in _CONFIG_NAMES:
        path = root / name
        try:
            if not path.is_file():
                continue
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            return defaults, Problem(ProblemKind.UNREADABLE,
                                     f"cannot read pytest configuration: {reason}; "
                                     "pytest's defaults used", name)
        try:
            values = _values_from(name, text)
        except _BadConfig as exc:
            return defaults, Problem(ProblemKind.PARSE_ERROR,
                                     f"invalid pytest configuration: {exc.message}; "
                                     "pytest's defaults used", name, exc.line)
        if values is None:
            continue
        return _settings(values, name, root), None
    return defaults, None


class _BadConfig(Exception):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _values_from(name: str, text: str) -> dict[str, object] | None:
    """The pytest options in one config file, or None when it holds no pytest section."""
    if name.endswith(".toml"):
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            found = re.search(r"\(at line (\d+)", str(exc))
            line = int(found.group(1)) if found else text.count("\n") + 1  # "end of document"
            raise _BadConfig(str(exc), line) from None
        if name != "pyproject.toml":
            table = doc.get("pytest")
            return dict(table) if isinstance(table, dict) else {}
        tool = doc.get("tool")
        pytest_table = tool.get("pytest") if isinstance(tool, dict) else None
        if not isinstance(pytest_table, dict):
            return None
        native = {k: v for k, v in pytest_table.items() if k != "ini_options"}
        if native:
            return native
        ini = pytest_table.get("ini_options")
        return dict(ini) if isinstance(ini, dict) else None
    parser = configparser.ConfigParser(interpolation=None, strict=False,
                                       default_section="\0no-default")
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    try:
        parser.read_string(text, source=name)
    except configparser.Error as exc:
        line = getattr(exc, "lineno", None)
        errors = getattr(exc, "errors", None)
        if line is None and errors:
            line = errors[0][0]
        raise _BadConfig(str(exc).splitlines()[0], line) from None
    section = {"pytest.ini": "pytest", ".pytest.ini": "pytest", "tox.ini": "pytest",
               "setup.cfg": "tool:pytest"}[name]
    if parser.has_section(section):
        return dict(parser.items(section))
    return {} if name in ("pytest.ini", ".pytest.ini") else None


def _settings(values: dict[str, object], name: str, root: Path) -> PytestSettings:
    found: dict[str, tuple[str, ...]] = {}
    for key in _KEYS:
        if key in values:
            found[key] = tuple(_args(values[key]))
    if "pythonpath" in found:
        found["pythonpath"] = tuple(_rel(p) for p in found["pythonpath"])
    ignore, ignore_glob = _ignores(_args(values.get("addopts", "")))
    return replace(PytestSettings(root=root), config_file=name, ignore=ignore,
                   ignore_glob=ignore_glob, **found)


def _args(value: object) -> list[str]:
    """An "args"-type ini value: a TOML list, or a string split like a shell would."""
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    text = str(value)
    try:
        return shlex.split(text)
    except ValueError:  # unbalanced quotes: pytest fails; whitespace is the best guess
        return text.split()


def _ignores(addopts: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    ignore: list[str] = []
    ignore_glob: list[str] = []
    pending: list[str] | None = None
    for arg in addopts:
        if pending is not None:
            pending.append(_rel(arg))
            pending = None
        elif arg in ("--ignore", "--ignore-glob"):
            pending = ignore if arg == "--ignore" else ignore_glob
        elif arg.startswith("--ignore="):
            ignore.append(_rel(arg.partition("=")[2]))
        elif arg.startswith("--ignore-glob="):
            ignore_glob.append(_rel(arg.partition("=")[2]))
    return tuple(ignore), tuple(ignore_glob)


def _rel(path: str) -> str:
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path.rstrip("/")


# --- conftest.py: collect_ignore / collect_ignore_glob ---------------------------------


@dataclass(frozen=True)
class ConftestIgnores:
    """Literal `collect_ignore`/`collect_ignore_glob` of one conftest.py (None: not set)."""

    ignore: tuple[str, ...] | None = None
    ignore_glob: tuple[str, ...] | None = None


def read_conftest_ignores(text: str) -> ConftestIgnores:
    """The literal lists a conftest.py assigns at module level, extended or appended to.

    Values pytest could only know by running the file (computed lists, appends under
    an `if`) are left out: a static reading keeps what is written unconditionally.
    """
    if "collect_ignore" not in text:
        return ConftestIgnores()
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ConftestIgnores()
    lists: dict[str, list[str] | None] = {"collect_ignore": None, "collect_ignore_glob": None}
    for stmt in tree.body:
        target, value, add = _list_update(stmt)
        if target not in lists:
            continue
        strings = _strings(value)
        if strings is None:
            continue
        if add and lists[target] is not None:
            lists[target].extend(strings)  # type: ignore[union-attr]
        else:
            lists[target] = strings
    return ConftestIgnores(
        tuple(lists["collect_ignore"]) if lists["collect_ignore"] is not None else None,
        tuple(lists["collect_ignore_glob"]) if lists["collect_ignore_glob"] is not None
        else None)


def _list_update(stmt: ast.stmt) -> tuple[str | None, ast.expr | None, bool]:
    """(name, value, appends?) for `x = [...]`, `x += [...]`, `x.extend([...])`, `x.append(s)`."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
            and isinstance(stmt.targets[0], ast.Name):
        return stmt.targets[0].id, stmt.value, False
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return stmt.target.id, stmt.value, False
    if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name) \
            and isinstance(stmt.op, ast.Add):
        return stmt.target.id, stmt.value, True
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        call = stmt.value
        func = call.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                and len(call.args) == 1 and not call.keywords:
            if func.attr == "extend":
                return func.value.id, call.args[0], True
            if func.attr == "append":
                return func.value.id, ast.List([call.args[0]], ast.Load()), True
    return None, None, False


def _strings(node: ast.expr | None) -> list[str] | None:
    if isinstance(node, (ast.List, ast.Tuple)) and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
        return [e.value for e in node.elts]  # type: ignore[attr-defined]
    return None


class CollectIgnores:
    """Answers "does a conftest.py tell pytest to ignore this path?", reading each once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._by_dir: dict[str, ConftestIgnores] = {}

    def _conftest(self, folder: str) -> ConftestIgnores:
        found = self._by_dir.get(folder)
        if found is None:
            path = self.root / folder / "conftest.py" if folder else self.root / "conftest.py"
            try:
                text = path.read_text(encoding="utf-8") if path.is_file() else ""
            except (OSError, UnicodeDecodeError):
                text = ""
            found = self._by_dir[folder] = read_conftest_ignores(text)
        return found

    def ignored(self, path: str) -> bool:
        """`path` (posix, root-relative) or a folder on its way is ignored by a conftest.py.

        pytest asks, for every folder and file it meets, the nearest conftest.py above
        it that defines the list (not all of them), relative to that conftest's folder.
        """
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            candidate = "/".join(parts[:depth])
            folders = ["/".join(parts[:i]) for i in range(depth - 1, -1, -1)]
            plain = self._nearest(folders, "ignore")
            if plain is not None:
                base, entries = plain
                if any(_join(base, e) == candidate for e in entries):
                    return True
            globs = self._nearest(folders, "ignore_glob")
            if globs is not None:
                base, entries = globs
                if any(fnmatch.fnmatchcase(candidate, _join(base, e)) for e in entries):
                    return True
        return False

    def _nearest(self, folders: list[str], attr: str) -> tuple[str, tuple[str, ...]] | None:
        for folder in folders:
            value = getattr(self._conftest(folder), attr)
            if value is not None:
                return folder, value
        return None


def _join(base: str, entry: str) -> str:
    entry = _rel(entry)
    return f"{base}/{entry}" if base else entry
