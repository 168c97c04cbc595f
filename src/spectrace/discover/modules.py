"""Source modules: which files are code under test, their language, and their line counts."""

from __future__ import annotations

import ast
import io
import posixpath
import re
import tokenize
from spectrace.model import Language, Module

SOURCE_SUFFIXES: dict[str, Language] = {
    ".py": Language.PYTHON,
    ".rs": Language.RUST,
    ".js": Language.JAVASCRIPT, ".jsx": Language.JAVASCRIPT, ".mjs": Language.JAVASCRIPT,
    ".cjs": Language.JAVASCRIPT,
    ".ts": Language.TYPESCRIPT, ".tsx": Language.TYPESCRIPT, ".mts": Language.TYPESCRIPT,
    ".cts": Language.TYPESCRIPT,
    ".go": Language.GO,
    ".java": Language.JAVA,
    ".kt": Language.KOTLIN,
}

# Folders that hold tests and their support code (helpers, conftest.py, page objects,
# fixtures, benchmarks): what is inside is never code under test.
TEST_FOLDERS = frozenset({
    "tests", "test", "__tests__", "__mocks__", "testdata", "testing_utils", "e2e", "e2e-tests",
    "e2e_tests", "cypress", "playwright", "benches", "benchmarks",
})
# Declaration files describe types only: nothing in them runs, so nothing is to test.
DECLARATION_SUFFIXES = (".d.ts", ".d.mts", ".d.cts")
# Build and test tooling, not the product: vite.config.ts, jest.setup.js, setup.py, build.rs…
TOOLING_NAME = re.compile(
    r"^(?:[\w.-]+\.config|(?:jest|vitest|playwright)\.setup|setupTests)\.[cm]?[jt]sx?$"
    r"|^(?:setup|conftest|noxfile)\.py$|^build\.rs$")


def language_of(path: str) -> Language | None:
    """The language of a source file, by suffix; None for anything else."""
    return SOURCE_SUFFIXES.get(posixpath.splitext(path)[1])


def in_test_folder(path: str) -> bool:
    return any(part in TEST_FOLDERS for part in path.split("/")[:-1])


def is_module_path(path: str, is_test_file: bool) -> bool:
    """A source file that is code under test: not a test file, not test support code,
    not build or test tooling (`*.config.ts`, `setup.py`, `conftest.py`, `build.rs`).

    `is_test_file` is the discoverers' answer for the path. Rust is the exception: its
    unit tests live inside the modules they test, so a `.rs` file is a test file only
    under a tests/ or benches/ folder (or named tests.rs/test.rs, a `mod tests;` file).
    """
    language = language_of(path)
    if language is None or path.endswith(DECLARATION_SUFFIXES) or in_test_folder(path) \
            or TOOLING_NAME.match(posixpath.basename(path)):
        return False
    if language is Language.RUST:
        return posixpath.basename(path) not in ("tests.rs", "test.rs")
    return not is_test_file


def measure(path: str, text: str, component: str | None = None) -> Module:
    """A Module with its physical and code line counts."""
    language = language_of(path)
    if language is None:
        raise ValueError(f"not a source file: {path}")
    loc, sloc = count_lines(text, language, path)
    return Module(path, language, loc, sloc, component)


def count_lines(text: str, language: Language, path: str = "") -> tuple[int, int]:
    """(physical lines as `wc -l` counts them, non-blank non-comment lines).

    `wc -l` counts newline characters, so a last line without one is not counted.
    Comments are found by the language's own tokenizer (tree-sitter, or Python's
    `tokenize`), so a `//` or `#` inside a string never hides code. Python docstrings
    count as comments, as cloc counts them.
    """
    loc = text.count("\n")
    lines = text.split("\n")
    if language is Language.PYTHON:
        code = _python_code_rows(text)
    else:
        code = _tree_sitter_code_rows(text, _grammar(language, path))
    if code is None:
        code = _fallback_code_rows(lines, language)
    sloc = sum(1 for row in code if row < len(lines) and lines[row].strip())
    return loc, sloc


def _grammar(language: Language, path: str) -> str:
    if language is Language.TYPESCRIPT:
        return "tsx" if path.endswith(".tsx") else "typescript"
    return language.value


def _tree_sitter_code_rows(text: str, grammar: str) -> set[int] | None:
    """Rows (0-based) holding at least one token that is not inside a comment."""
    from spectrace.discover.treesitter import parser_for

    try:
        tree = parser_for(grammar).parse(text.encode("utf-8"))
    except Exception:  # noqa: BLE001 - a grammar failing to load: count without it
        return None
    rows: set[int] = set()
    cursor = tree.walk()
    while True:
        node = cursor.node
        is_comment = node is not None and "comment" in node.type
        if node is not None and not is_comment and node.child_count == 0:
            _mark(rows, node.start_point, node.end_point)
        if not is_comment and cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return rows


def _mark(rows: set[int], start: tuple[int, int], end: tuple[int, int]) -> None:
    last = end[0] if end[1] > 0 or end[0] == start[0] else end[0] - 1
    rows.update(range(start[0], last + 1))


_NOT_CODE = frozenset({tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                       tokenize.DEDENT, tokenize.ENCODING, tokenize.ENDMARKER})


def _python_code_rows(text: str) -> set[int] | None:
    docstrings = _docstrings(text)
    rows: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in _NOT_CODE:
                continue
            if token.type == tokenize.STRING and any(
                    first <= token.start[0] and token.end[0] <= last for first, last in docstrings):
                continue  # only the docstring's own tokens: `def f(): "doc"` keeps its def
            _mark(rows, (token.start[0] - 1, token.start[1]), (token.end[0] - 1, token.end[1]))
    except (tokenize.TokenError, SyntaxError):  # IndentationError is a SyntaxError
        return None
    return rows


def _docstrings(text: str) -> list[tuple[int, int]]:
    """(first, last) 1-based lines of module, class and function docstrings."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return []
    spans = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        body = node.body
        if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)):
            spans.append((body[0].lineno, body[0].end_lineno or body[0].lineno))
    return spans


def _fallback_code_rows(lines: list[str], language: Language) -> set[int]:
    """A line scanner for text no tokenizer accepts: line comments and /* */ blocks only."""
    line_marks = ("#",) if language is Language.PYTHON else ("//",)
    rows: set[int] = set()
    in_block = False
    for row, line in enumerate(lines):
        rest = line.strip()
        while rest:
            if in_block:
                end = rest.find("*/")
                if end < 0:
                    rest = ""
                    break
                rest = rest[end + 2:].strip()
                in_block = False
                continue
            if rest.startswith(line_marks):
                break
            if language is not Language.PYTHON and rest.startswith("/*"):
                in_block = True
                rest = rest[2:]
                continue
            rows.add(row)
            opened = rest.rfind("/*")
            in_block = language is not Language.PYTHON and opened > rest.rfind("*/")
            break
    return rows
