"""Source modules: which files are code under test, their language, and their line counts."""

from __future__ import annotations

import functools
import posixpath
import re

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
    Comments are found by the language's own grammar (tree-sitter) or, for Python, by a
    scanner that reads string literals whole, so a `//` or `#` inside a string never hides
    code. Python docstrings count as comments, as cloc counts them.
    """
    loc = text.count("\n")
    if language is Language.PYTHON:
        code = _python_without_comments(text)
    else:
        code = _without_comments(text, _grammar(language, path))
    sloc = sum(1 for line in code.split("\n") if line.strip())
    return loc, sloc


def _grammar(language: Language, path: str) -> str:
    if language is Language.TYPESCRIPT:
        return "tsx" if path.endswith(".tsx") else "typescript"
    return language.value


_NOT_NEWLINE = re.compile(rb"[^\n]")
_NOT_NEWLINE_TEXT = re.compile(r"[^\n]")


def _without_comments(text: str, grammar: str) -> str:
    """The text with every comment the grammar finds blanked out (line breaks kept)."""
    from tree_sitter import QueryCursor

    from spectrace.discover.treesitter import parser_for

    source = text.encode("utf-8", "surrogatepass")
    tree = parser_for(grammar).parse(source)
    if tree.root_node.has_error:
        # An ERROR node can swallow the comments after it (tree-sitter-kotlin does this with
        # valid code too): a scanner that knows strings and comments is the safer count.
        return _C_TOKENS.sub(_blank_comment, text)
    out = bytearray(source)
    for node in QueryCursor(_comment_query(grammar)).captures(tree.root_node).get("comment", []):
        start, end = node.start_byte, node.end_byte
        out[start:end] = _NOT_NEWLINE.sub(b" ", bytes(out[start:end]))
    return out.decode("utf-8", "replace")


# Comments and string literals of the C family, for text a grammar cannot parse.
_C_TOKENS = re.compile(
    r"(?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z))"
    r"|(?P<string>\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`)",
    re.DOTALL)


def _blank_comment(match: re.Match) -> str:
    token = match.group()
    return _NOT_NEWLINE_TEXT.sub(" ", token) if match.lastgroup == "comment" else token


@functools.cache
def _comment_query(grammar: str):
    """A query for every kind of comment node the grammar has (line, block, doc, html)."""
    from tree_sitter import Query

    from spectrace.discover.treesitter import language_for

    language = language_for(grammar)
    kinds = sorted({language.node_kind_for_id(i) for i in range(language.node_kind_count)
                    if language.node_kind_is_named(i) and language.node_kind_is_visible(i)
                    and language.node_kind_for_id(i).endswith("comment")})
    return Query(language, "[" + " ".join(f"({kind})" for kind in kinds) + "] @comment")


# Python comments and string literals read left to right, so that a `#` inside a string is
# never a comment and a quote inside a comment never opens a string.
_PY_TOKENS = re.compile(
    r"(?P<comment>#[^\n]*)"
    r"|(?P<string>[rRbBuUfF]{0,2}(?:'''(?:\\.|[^\\])*?'''|\"\"\"(?:\\.|[^\\])*?\"\"\""
    r"|'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\"))",
    re.DOTALL)


def _python_without_comments(text: str) -> str:
    """The text with comments and docstrings blanked out (line breaks kept).

    A docstring is a string that fills its lines and follows a line ending in `:` (a def
    or class header) or no code at all (the module docstring), which is what `ast` calls
    one in all but contrived code.
    """
    out: list[str] = []
    last = 0
    previous = ""  # the last character of code before the current token
    for match in _PY_TOKENS.finditer(text):
        start, end = match.span()
        gap = text[last:start]
        out.append(gap)
        stripped = gap.rstrip()
        if stripped:
            previous = stripped[-1]
        token = match.group()
        if match.lastgroup == "comment":
            out.append(" " * len(token))
        elif previous in ("", ":") and _starts_line(text, start) and _ends_line(text, end):
            out.append(_NOT_NEWLINE_TEXT.sub(" ", token))
            previous = '"'
        else:
            out.append(token)
            previous = token[-1]
        last = end
    out.append(text[last:])
    return "".join(out)


def _starts_line(text: str, start: int) -> bool:
    return not text[text.rfind("\n", 0, start) + 1:start].strip()


def _ends_line(text: str, end: int) -> bool:
    line_end = text.find("\n", end)
    rest = (text[end:] if line_end < 0 else text[end:line_end]).strip()
    return not rest or rest.startswith("#")
