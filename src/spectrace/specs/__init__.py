"""The spec stage: Markdown and YAML spec documents → areas, features and cases."""

from __future__ import annotations

from importlib import import_module
from typing import Any

# Loaded on first use (PEP 562): `spectrace.specs.ids` is needed by every command, the
# Markdown parser (markdown-it) only by those that read specs.
_EXPORTS = {
    "load_specs": "spectrace.specs.load",
    "read_spec": "spectrace.specs.load",
    "parse_markdown": "spectrace.specs.markdown",
    "merge_specs": "spectrace.specs.merge",
    "parse_yaml_spec": "spectrace.specs.yamlspec",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'spectrace.specs' has no attribute {name!r}")
    return getattr(import_module(module), name)
