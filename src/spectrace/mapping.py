"""Mapping files (`mappings/*.yaml`) → MappingEntry values, with the line of every entry."""

from __future__ import annotations

import difflib
import glob
from pathlib import Path, PurePosixPath
from typing import Any

from spectrace.errors import MappingError
from spectrace.model import MappingEntry, NodeKind, TestRef
from spectrace.yamlfile import LineDict, LineList, load_yaml

_TOP_KEYS = ("cases", "features")
_ENTRY_KEYS = ("tests", "status", "note")
CASE_STATUSES = ("covered", "partial", "missing")
FEATURE_STATUSES = ("covered", "partial", "missing", "not-implemented")


def find_mapping_files(patterns: tuple[str, ...], root: Path) -> list[tuple[Path, str]]:
    """(file, display path) for every file the globs name, sorted, each once.

    A pattern that names no file is an error when it has no wildcard (a typo in a
    path should not silently measure nothing).
    """
    found: dict[Path, str] = {}
    for pattern in patterns:
        full = pattern if Path(pattern).is_absolute() else str(root / pattern)
        matches = sorted(glob.glob(full, recursive=True))
        if not matches and not glob.has_magic(pattern):
            raise MappingError(f"mapping file not found: {pattern}")
        if not glob.has_magic(pattern) and Path(full).is_dir():
            raise MappingError(f"mapping path is a folder: {pattern}; use a glob such as "
                               f"{Path(pattern).as_posix().rstrip('/')}/*.yaml")
        for match in matches:
            path = Path(match)
            if path.is_file():
                found.setdefault(path.resolve(), _display(path, root))
    return sorted(found.items(), key=lambda item: item[1])


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def load_mapping_files(files: list[tuple[Path, str]]) -> list[MappingEntry]:
    entries: list[MappingEntry] = []
    for path, shown in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise MappingError(f"cannot read mapping file: {exc.strerror}", shown) from None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise MappingError("mapping file is not UTF-8 text", shown, line) from None
        entries.extend(parse_mapping(text, shown))
    return entries


def parse_mapping(text: str, path: str) -> list[MappingEntry]:
    """Entries of one mapping file; a wrong shape raises MappingError with its line."""
    data = load_yaml(text, path, error=MappingError)
    if data is None:
        return []
    if not isinstance(data, dict):
        raise MappingError("a mapping file holds `cases:` and/or `features:`", path, 1)
    _check_keys(data, _TOP_KEYS, path)
    entries: list[MappingEntry] = []
    for section, kind, statuses in (("cases", NodeKind.CASE, CASE_STATUSES),
                                    ("features", NodeKind.FEATURE, FEATURE_STATUSES)):
        block = data.get(section)
        if block is None:
            continue
        if not isinstance(block, dict):
            raise MappingError(f"`{section}:` must map ids to entries", path, data.key_line(section))
        for key, value in block.items():
            line = block.key_line(key) if isinstance(block, LineDict) else 0
            entries.append(_entry(str(key), kind, value, statuses, path, line))
    return entries


def _entry(target: str, kind: NodeKind, value: Any, statuses: tuple[str, ...],
           path: str, line: int) -> MappingEntry:
    # Shorthands: `"3.1.1": tests/x.py` and `"3.1.1": [a, b]` mean `tests: …`.
    if isinstance(value, str | list):
        value = {"tests": value}
        tests_line = line
    elif isinstance(value, dict):
        _check_keys(value, _ENTRY_KEYS, path)
        tests_line = value.key_line("tests") if isinstance(value, LineDict) else line
    else:
        raise MappingError(
            f"entry {target!r} must be a list of tests or a mapping with `tests`, `status`, "
            "`note`", path, line)
    refs = _refs(value.get("tests", []), path, tests_line, target)
    status = value.get("status")
    if status is not None and (not isinstance(status, str) or status not in statuses):
        raise MappingError(f"entry {target!r}: status must be one of {', '.join(statuses)}",
                           path, value.key_line("status") if isinstance(value, LineDict) else line)
    note = value.get("note")
    if note is not None and not isinstance(note, str):
        raise MappingError(f"entry {target!r}: note must be text", path,
                           value.key_line("note") if isinstance(value, LineDict) else line)
    if not refs and status is None:
        raise MappingError(f"entry {target!r} names no tests and no status", path, line)
    return MappingEntry(target=target, kind=kind, tests=refs, status=status, note=note,
                        path=path, line=line)


def _refs(value: Any, path: str, line: int, target: str) -> tuple[TestRef, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise MappingError(f"entry {target!r}: tests must be a list of test references", path, line)
    refs = []
    for i, item in enumerate(value):
        item_line = value.item_line(i) if isinstance(value, LineList) else line
        if not isinstance(item, str) or not item.strip():
            raise MappingError(f"entry {target!r}: a test reference must be a path or "
                               "`path::Class::name`", path, item_line)
        _check_inside(item, path, item_line)
        refs.append(TestRef(item.strip(), path, item_line))
    return tuple(refs)


def _check_inside(ref: str, path: str, line: int) -> None:
    file_part = ref.split("::", 1)[0]
    posix = PurePosixPath(file_part.replace("\\", "/"))
    if posix.is_absolute() or (len(file_part) > 1 and file_part[1] == ":"):
        raise MappingError(f"test reference {ref!r} is absolute; write it relative to the "
                           "repository root", path, line)
    if ".." in posix.parts:
        raise MappingError(f"test reference {ref!r} leaves the repository", path, line)


def _check_keys(data: dict, known: tuple[str, ...], path: str) -> None:
    for key in data:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; expected {', '.join(known)}"
            line = data.key_line(key) if isinstance(data, LineDict) else None
            raise MappingError(f"unknown key {key!r}{hint}", path, line)
