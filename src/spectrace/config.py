"""One frozen Config: defaults < spectrace.yaml / [tool.spectrace] < command-line flags."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from enum import Enum
from pathlib import Path
from typing import Any

from spectrace.errors import ConfigError
from spectrace.model import DocKind
from spectrace.specs.ids import DEFAULT_ID_PATTERNS
from spectrace.yamlfile import LineDict, LineList, load_yaml

CONFIG_FILE = "spectrace.yaml"
DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024


class Format(str, Enum):
    TEXT = "text"
    MD = "md"
    HTML = "html"
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"
    WIKI = "wiki"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class SpecSource:
    path: Path  # on disk
    kind: DocKind | None = None


@dataclass(frozen=True)
class Output:
    format: Format
    path: str  # "-" for stdout


@dataclass(frozen=True)
class Config:
    root: Path
    source: str | None = None  # the file the settings came from, for messages
    title: str = "Test Coverage Audit"
    specs: tuple[SpecSource, ...] = ()
    mappings: tuple[str, ...] = ()  # globs; relative ones are resolved against root
    results: tuple[Path, ...] = ()
    id_patterns: tuple[str, ...] = DEFAULT_ID_PATTERNS
    exclude: tuple[str, ...] = ()  # gitignore-style patterns of paths never scanned
    outputs: tuple[Output, ...] = ()
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    cache: bool = True
    cache_dir: Path | None = None  # None: root/.spectrace_cache
    source_url: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)  # settings later stages own

    @property
    def cache_path(self) -> Path:
        return self.cache_dir or (self.root / ".spectrace_cache")

    def display(self, path: Path) -> str:
        """A path as reports show it: relative to the repository when inside it."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except (ValueError, RuntimeError, OSError):  # outside the root; a symlink loop
            return str(path)


# --- reading settings ---------------------------------------------------------------


def parse_spec_arg(text: str, base: Path) -> SpecSource:
    """`PATH` or `PATH:KIND` (KIND: testing-plan or conceptual-model)."""
    head, sep, tail = text.rpartition(":")
    if sep and tail in {k.value for k in DocKind}:
        return SpecSource(_resolve(head, base), DocKind(tail))
    if sep and head and "/" not in tail and "\\" not in tail and not re.match(r"^[A-Za-z]$", head):
        kinds = ", ".join(k.value for k in DocKind)
        raise ConfigError(f"unknown spec kind {tail!r} in {text!r}; use one of: {kinds}")
    return SpecSource(_resolve(text, base))


def _resolve(path: str, base: Path) -> Path:
    p = Path(path).expanduser()
    return p if p.is_absolute() else base / p


def _expect(kind: type, what: str) -> Callable[[Any, str, int], Any]:
    def check(value: Any, path: str, line: int) -> Any:
        if isinstance(value, bool) or not isinstance(value, kind):
            raise ConfigError(f"expected {what}, got {_describe(value)}", path, line)
        return value
    return check


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"a number ({value})"
    return f"{type(value).__name__} {str(value)!r}"


def _string_list(value: Any, path: str, line: int) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise ConfigError(f"expected a list of strings, got {_describe(value)}", path, line)
    out = []
    for i, item in enumerate(value):
        item_line = value.item_line(i) if isinstance(value, LineList) else line
        if not isinstance(item, str):
            raise ConfigError(f"expected a string, got {_describe(item)}", path, item_line)
        out.append(item)
    return out


@dataclass(frozen=True)
class Setting:
    """One key of the config file: how to check it and which Config field it fills."""

    field: str
    check: Callable[[Any, str, int], Any]
    help: str


def _specs(value: Any, path: str, line: int) -> list[tuple[str, str | None]]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ConfigError(f"expected a list of spec files, got {_describe(value)}", path, line)
    out = []
    for i, item in enumerate(value):
        item_line = value.item_line(i) if isinstance(value, LineList) else line
        if isinstance(item, str):
            out.append((item, None))
        elif isinstance(item, dict):
            _reject_unknown(item, {"path", "kind"}, path)
            spec_path = item.get("path")
            if not isinstance(spec_path, str):
                raise ConfigError("a spec entry needs `path: FILE`", path, item_line)
            kind = item.get("kind")
            if kind is not None and kind not in {k.value for k in DocKind}:
                kinds = ", ".join(k.value for k in DocKind)
                raise ConfigError(f"unknown spec kind {kind!r}; use one of: {kinds}", path,
                                  item.key_line("kind") if isinstance(item, LineDict) else item_line)
            out.append((spec_path, kind))
        else:
            raise ConfigError(f"expected a spec file or {{path, kind}}, got {_describe(item)}",
                              path, item_line)
    return out


def _outputs(value: Any, path: str, line: int) -> list[tuple[str, str]]:
    if not isinstance(value, list):
        raise ConfigError(f"expected a list of {{format, path}}, got {_describe(value)}", path, line)
    out = []
    for i, item in enumerate(value):
        item_line = value.item_line(i) if isinstance(value, LineList) else line
        if not isinstance(item, dict):
            raise ConfigError(f"expected {{format, path}}, got {_describe(item)}", path, item_line)
        _reject_unknown(item, {"format", "path"}, path)
        fmt, out_path = item.get("format"), item.get("path")
        if fmt not in {f.value for f in Format}:
            formats = ", ".join(f.value for f in Format)
            raise ConfigError(f"unknown output format {fmt!r}; use one of: {formats}", path, item_line)
        if not isinstance(out_path, str) or not out_path:
            raise ConfigError("an output needs `path: FILE`", path, item_line)
        out.append((fmt, out_path))
    return out


def _id_patterns(value: Any, path: str, line: int) -> list[str]:
    patterns = _string_list(value, path, line)
    for i, pattern in enumerate(patterns):
        try:
            re.compile(pattern)
        except re.error as exc:
            item_line = value.item_line(i) if isinstance(value, LineList) else line
            raise ConfigError(f"invalid id pattern {pattern!r}: {exc}", path, item_line) from None
    return patterns


def _positive_int(value: Any, path: str, line: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"expected a positive whole number, got {_describe(value)}", path, line)
    return int(value)


SETTINGS: dict[str, Setting] = {
    "title": Setting("title", _expect(str, "a string"), "title of the reports"),
    "specs": Setting("specs", _specs, "spec documents: PATH or {path, kind}"),
    "mappings": Setting("mappings", _string_list, "globs of mapping files"),
    "results": Setting("results", _string_list, "JUnit XML result files"),
    "id_patterns": Setting("id_patterns", _id_patterns, "regexes that case ids match"),
    "exclude": Setting("exclude", _string_list, "gitignore-style patterns never scanned"),
    "outputs": Setting("outputs", _outputs, "files `report` writes: [{format, path}]"),
    "max_file_size": Setting("max_file_bytes", _positive_int, "bytes over which a file is skipped"),
    "cache_dir": Setting("cache_dir", _expect(str, "a folder path"), "where the scan cache lives"),
    "source_url": Setting("source_url", _expect(str, "a URL template"),
                          "link template: {commit} {path} {line}"),
}

# Sections owned by later stages, each validated (with file and line) by its owner. Named
# here, not by the owners at import time, so a config file is accepted or rejected the
# same way whichever command reads it.
EXTRA_SECTIONS: dict[str, str] = {
    "kinds": "test kinds by path: {e2e: [patterns], integration: [...], unit: [...]}, "
             "gitignore-style, checked before the built-in conventions (discover/files.py)",
    "publish": "wiki pages: wiki (URL or path), branch, split_over, home (publish.py)",
    "check": "gate thresholds for `spectrace check` (gate.py)",
    "gap_markers": "markers that document a known gap; their tests count as xfail "
                   "(results/gaps.py)",
    "inventory": "code inventory: title, min_tests, tests_per_100_loc, priorities "
                 "(inventory.py)",
}


def _reject_unknown(data: dict, known: set[str] | dict, path: str) -> None:
    for key in data:
        if key not in known:
            line = data.key_line(key) if isinstance(data, LineDict) else None
            close = difflib.get_close_matches(str(key), list(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigError(f"unknown setting {key!r}{hint}", path, line)


def read_file_settings(root: Path, config_file: Path | None) -> tuple[dict[str, Any], str | None]:
    """Raw settings from `config_file`, or spectrace.yaml / pyproject's [tool.spectrace]."""
    if config_file is not None:
        if not config_file.is_file():
            raise ConfigError(f"config file not found: {config_file}")
        if config_file.suffix == ".toml":
            return _from_pyproject(config_file, required=True), str(config_file)
        return _from_yaml(config_file), str(config_file)
    candidate = root / CONFIG_FILE
    if candidate.is_file():
        return _from_yaml(candidate), CONFIG_FILE
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        data = _from_pyproject(pyproject, required=False)
        if data is not None:
            return data, "pyproject.toml"
    return {}, None


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError("config file is not UTF-8 text", str(path)) from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file: {exc.strerror}", str(path)) from None


def _from_yaml(path: Path) -> dict[str, Any]:
    data = load_yaml(_read(path), str(path), error=ConfigError)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"expected a mapping of settings, got {_describe(data)}", str(path), 1)
    return data


def _from_pyproject(path: Path, required: bool) -> dict[str, Any] | None:
    import tomllib

    text = _read(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+)", str(exc))
        line = int(match.group(1)) if match else text.count("\n") + 1  # "at end of document"
        message = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", str(exc))
        raise ConfigError(f"malformed TOML: {message}", str(path), line) from None
    except RecursionError:
        raise ConfigError("TOML nested too deeply to read", str(path), 1) from None
    section = data.get("tool", {}).get("spectrace")
    if section is None:
        if required:
            raise ConfigError("no [tool.spectrace] table", str(path))
        return None
    if not isinstance(section, dict):
        raise ConfigError("[tool.spectrace] must be a table", str(path))
    line = _toml_table_line(text)
    result = LineDict(section)
    result.line = line
    result.key_lines = {key: _toml_key_line(text, key, line) for key in section}
    return result


def _toml_table_line(text: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith("[tool.spectrace"):
            return number
    return 1


def _toml_key_line(text: str, key: str, after: int) -> int:
    lines = text.splitlines()
    for number in range(after, len(lines)):
        if re.match(rf"\s*{re.escape(key)}\s*=", lines[number]):
            return number + 1
    return after


def build_config(
    root: Path,
    config_file: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Config:
    """Defaults, then the config file, then command-line overrides (already typed).

    `overrides` uses Config field names; None values mean "not given on the command line".
    """
    root = root.resolve()
    if not root.is_dir():
        raise ConfigError(f"repository folder not found: {root}")
    raw, source = read_file_settings(root, config_file)
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    where = str(config_file) if config_file is not None else str(root / (source or CONFIG_FILE))
    known = {**SETTINGS, **EXTRA_SECTIONS}
    _reject_unknown(raw, known, where)
    base = config_file.parent.resolve() if config_file is not None else root
    for key, value in raw.items():
        line = raw.key_line(key) if isinstance(raw, LineDict) else 0
        if key in EXTRA_SECTIONS:
            extra[key] = value
            continue
        setting = SETTINGS[key]
        checked = setting.check(value, where, line)
        if key == "specs":
            checked = tuple(SpecSource(_resolve(p, base), DocKind(k) if k else None)
                            for p, k in checked)
        elif key == "outputs":
            checked = tuple(Output(Format(f), p) for f, p in checked)
        elif key == "results":
            checked = tuple(_resolve(p, base) for p in checked)
        elif key == "cache_dir":
            checked = _resolve(checked, base)
        elif isinstance(checked, list):
            checked = tuple(checked)
        values[setting.field] = checked
    for name, value in (overrides or {}).items():
        if value is None or value == ():
            continue
        values[name] = value
    valid = {f.name for f in fields(Config)}
    unknown = set(values) - valid
    if unknown:  # a programming error, not a user's
        raise TypeError(f"unknown Config fields: {sorted(unknown)}")
    return replace(Config(root=root, source=source, extra=extra), **values)
