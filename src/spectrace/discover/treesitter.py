"""Tree-sitter plumbing shared by the discoverers: parsers per language, node text, error lines."""

from __future__ import annotations

import importlib
import threading

import tree_sitter

# Grammar name → (module, function returning the language pointer). The grammars come
# from the per-language wheels pinned in pyproject.toml, never from a language pack.
_GRAMMARS = {
    "rust": ("tree_sitter_rust", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "go": ("tree_sitter_go", "language"),
    "java": ("tree_sitter_java", "language"),
    "kotlin": ("tree_sitter_kotlin", "language"),
}

_languages: dict[str, tree_sitter.Language] = {}
_languages_lock = threading.Lock()
# A Parser holds mutable state while parsing, so each thread gets its own.
_local = threading.local()


def language_for(name: str) -> tree_sitter.Language:
    """The tree-sitter Language for a grammar name ("rust", "tsx", …); loaded once."""
    with _languages_lock:
        language = _languages.get(name)
        if language is None:
            if name not in _GRAMMARS:
                raise ValueError(f"no tree-sitter grammar named {name!r}")
            module, function = _GRAMMARS[name]
            language = tree_sitter.Language(getattr(importlib.import_module(module), function)())
            _languages[name] = language
        return language


def parser_for(name: str) -> tree_sitter.Parser:
    """A parser for a grammar name, cached per thread and language."""
    parsers = getattr(_local, "parsers", None)
    if parsers is None:
        parsers = _local.parsers = {}
    parser = parsers.get(name)
    if parser is None:
        parser = parsers[name] = tree_sitter.Parser(language_for(name))
    return parser


def text(node: tree_sitter.Node, source: bytes) -> str:
    """The source text a node spans (byte offsets into the UTF-8 `source`)."""
    return source[node.start_byte:node.end_byte].decode("utf-8", "replace")


def first_error_line(root: tree_sitter.Node) -> int | None:
    """1-based line of the first ERROR or MISSING node in document order, None if clean."""
    if not root.has_error:
        return None
    cursor = root.walk()
    while True:
        node = cursor.node
        if node is not None and (node.is_error or node.is_missing):
            return node.start_point[0] + 1
        # Only descend where tree-sitter says an error lies below.
        if node is not None and node.has_error and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return root.start_point[0] + 1  # has_error but no node found: blame the start
