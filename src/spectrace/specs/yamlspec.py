"""YAML spec files (`areas:` → `features:`/`cases:`) → spec nodes, every error with its line."""

from __future__ import annotations

import difflib
from typing import Any

from spectrace.errors import SpecError
from spectrace.model import DocKind, NodeKind, ProblemKind, Spec
from spectrace.specs.ids import IdMatcher
from spectrace.specs.kinds import kind_from_name, stated_kind
from spectrace.specs.outline import Outline
from spectrace.yamlfile import LineDict, LineList, line_of, load_yaml

_TOP_KEYS = ("kind", "title", "areas", "cases")
_AREA_KEYS = ("id", "title", "description", "areas", "features", "cases")
_FEATURE_KEYS = ("id", "title", "description", "features", "cases")
_CASE_KEYS = ("id", "title", "description", "tests")
_CHILD_KINDS = {"areas": NodeKind.AREA, "features": NodeKind.FEATURE}


def parse_yaml_spec(text: str, path: str, kind: DocKind | None, ids: IdMatcher) -> Spec:
    """One YAML spec document → its nodes and problems; a wrong shape raises SpecError."""
    data = load_yaml(text, path, error=SpecError)
    if data is None:
        raise SpecError("empty spec document", path, 1)
    if not isinstance(data, LineDict):
        raise SpecError("a YAML spec is a mapping with `areas:` (and optionally `kind:`, "
                        "`title:`)", path, line_of(data, 1))
    _check_keys(data, _TOP_KEYS, "a YAML spec", path)
    if "kind" in data:
        written = stated_kind(data["kind"], path, data.key_line("kind"))
        kind = kind or written
    if kind is None:
        kind = kind_from_name(path) or (
            DocKind.TESTING_PLAN if _has_cases(data) else DocKind.CONCEPTUAL_MODEL)
    reader = _Reader(path, ids, Outline(path, kind))
    title = _text(data, "title", path) or _stem(path)
    for key in data:
        children = _list(data, key, path) if key in ("areas", "cases") else None
        if key == "cases" and children:
            # Cases outside any area hang from an area named after the document, as in Markdown.
            lead = reader.out.add(NodeKind.AREA, title, None, data.key_line("cases"))
            reader.cases(children, lead)
        elif key == "areas" and children:
            for i, area in enumerate(children):
                reader.container(area, NodeKind.AREA, None, children.item_line(i))
    return reader.out.spec()


class _Reader:
    def __init__(self, path: str, ids: IdMatcher, out: Outline) -> None:
        self.path = path
        self.ids = ids
        self.out = out

    def container(self, entry: Any, kind: NodeKind, parent: str | None, line: int) -> None:
        what = "an area" if kind is NodeKind.AREA else "a feature"
        entry = _mapping(entry, what, self.path, line)
        _check_keys(entry, _AREA_KEYS if kind is NodeKind.AREA else _FEATURE_KEYS,
                    what, self.path)
        node_id = _text(entry, "id", self.path)
        title = _text(entry, "title", self.path)
        if node_id is None and title is None:
            raise SpecError(f"{what} needs an `id` or a `title`", self.path, entry.line)
        here = self.out.add(kind, title or "", parent, entry.line, node_id) or parent
        for key in entry:  # in the order written, so nodes keep document order
            if key == "cases":
                self.cases(_list(entry, key, self.path), here)
            elif key in _CHILD_KINDS:
                children = _list(entry, key, self.path)
                for i, child in enumerate(children):
                    self.container(child, _CHILD_KINDS[key], here, children.item_line(i))

    def cases(self, entries: LineList, parent: str | None) -> None:
        for i, entry in enumerate(entries):
            entry = _mapping(entry, "a case", self.path, entries.item_line(i))
            _check_keys(entry, _CASE_KEYS, "a case", self.path)
            written = _text(entry, "id", self.path)
            if written is None:
                raise SpecError("a case needs an `id`", self.path, entry.line)
            case_ids = self.ids.full(written)
            if case_ids is None:
                self.out.problem(ProblemKind.BAD_ID, f"{written!r} is not a case id",
                                 entry.key_line("id"))
                continue
            title = _text(entry, "title", self.path) or ""
            tests = _tests(entry, self.path)
            for case_id in case_ids:
                self.out.add(NodeKind.CASE, title, parent, entry.line, case_id, tests)


def _check_keys(entry: LineDict, allowed: tuple[str, ...], what: str, path: str) -> None:
    for key in entry:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else \
                f"; expected one of {', '.join(allowed)}"
            raise SpecError(f"unknown key {key!r} in {what}{hint}", path, entry.key_line(key))


def _mapping(value: Any, what: str, path: str, line: int) -> LineDict:
    if not isinstance(value, LineDict):
        raise SpecError(f"{what} must be a mapping (`- id: …`), not {_shape(value)}",
                        path, line_of(value, line))
    return value


def _list(entry: LineDict, key: str, path: str) -> LineList:
    value = entry.get(key)
    if value is None:
        empty = LineList()
        empty.line, empty.item_lines = entry.key_line(key), []
        return empty
    if not isinstance(value, LineList):
        raise SpecError(f"`{key}` must be a list, not {_shape(value)}", path, entry.key_line(key))
    return value


def _text(entry: LineDict, key: str, path: str) -> str | None:
    """A scalar as written: `id: 3.10` stays "3.10" (yamlfile keeps the text of numbers)."""
    value = entry.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise SpecError(f"`{key}` must be text, not {_shape(value)}", path, entry.key_line(key))
    return str(value).strip()


def _tests(entry: LineDict, path: str) -> tuple[str, ...]:
    value = entry.get("tests")
    if value is None:
        return ()
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
        raise SpecError("`tests` must be a test name or a list of test names", path,
                        entry.key_line("tests"))
    return tuple(dict.fromkeys(n.strip() for n in names))


def _has_cases(value: Any) -> bool:
    if isinstance(value, dict):
        return "cases" in value or any(_has_cases(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_cases(v) for v in value)
    return False


def _shape(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"{value!r}"


def _stem(path: str) -> str:
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0]
