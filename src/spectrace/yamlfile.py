"""YAML loading that remembers the line of every mapping, key and list item.

Problems and errors must name the line of the offending entry, so spec, mapping and
config files are loaded into `LineDict`/`LineList`, plain dict/list subclasses that
carry the 1-based line where each value and key stands.
"""

from __future__ import annotations

from typing import Any

import yaml

from spectrace.errors import SpectraceError


class LineDict(dict):
    """A YAML mapping; `.line` is where it starts, `.key_line(k)` where key k stands."""

    line: int = 0
    key_lines: dict

    def key_line(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A YAML sequence; `.line` is where it starts, `.item_line(i)` where item i stands."""

    line: int = 0
    item_lines: list

    def item_line(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class TextInt(int):
    """An int that remembers how it was written, so `str()` of `012` gives back `012`."""

    text: str
    line: int = 0

    def __str__(self) -> str:
        return self.text


class TextFloat(float):
    """A float that remembers how it was written, so `str()` of `3.10` gives `3.10`, not `3.1`."""

    text: str

    def __str__(self) -> str:
        return self.text


def line_of(value: Any, default: int = 0) -> int:
    return getattr(value, "line", default) or default


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        # Keys are names and case ids: `3.10:` must stay "3.10", never the float 3.1.
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag in _NUMBER_TAGS:
            key = key_node.value
        else:
            key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise SpectraceError("a mapping key must be a plain value",
                                 None, key_node.start_mark.line + 1) from None
        if key in result:
            raise SpectraceError(f"duplicate key {key!r}", None, key_node.start_mark.line + 1)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> TextInt:
    value = TextInt(yaml.SafeLoader.construct_yaml_int(loader, node))
    value.text = node.value
    value.line = node.start_mark.line + 1  # so a number where a section belongs has a line
    return value


def _construct_float(loader: _Loader, node: yaml.ScalarNode) -> TextFloat:
    value = TextFloat(yaml.SafeLoader.construct_yaml_float(loader, node))
    value.text = node.value
    return value


_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_Loader.add_constructor(_NUMBER_TAGS[0], _construct_int)
_Loader.add_constructor(_NUMBER_TAGS[1], _construct_float)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(text: str, path: str, first_line: int = 1,
              error: type[SpectraceError] = SpectraceError) -> Any:
    """Parse YAML text; a syntax error becomes `error` (a SpectraceError) naming path and line.

    `first_line` shifts line numbers, for YAML embedded in another file (front matter).
    """
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except SpectraceError as exc:
        raise error(exc.message, path, (exc.line or 1) + first_line - 1) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + first_line) if mark else first_line
        what = exc.problem or exc.context or "malformed YAML"
        raise error(f"malformed YAML: {what}", path, line) from None
    except yaml.YAMLError as exc:
        raise error(f"malformed YAML: {exc}", path, first_line) from None
    except RecursionError:
        raise error("YAML nested too deeply to read", path, first_line) from None
    if first_line != 1:
        _shift(data, first_line - 1)
    return data


def _shift(value: Any, by: int) -> None:
    if isinstance(value, LineDict):
        value.line += by
        value.key_lines = {k: v + by for k, v in value.key_lines.items()}
        for item in value.values():
            _shift(item, by)
    elif isinstance(value, LineList):
        value.line += by
        value.item_lines = [v + by for v in value.item_lines]
        for item in value:
            _shift(item, by)
    elif isinstance(value, TextInt):
        value.line += by
