"""Rust tests found statically with tree-sitter: `#[test]`, `#[*::test]`, rstest, test_case…"""

from __future__ import annotations

import math
import re
from collections.abc import Container
from dataclasses import dataclass, field

import tree_sitter

from spectrace.discover.treesitter import first_error_line, parser_for, text
from spectrace.model import Language, Problem, ProblemKind, Test, TestFile, TestKind
from spectrace.specs.ids import spec_comment_ids

# Attributes that make a function a test by their last path segment. `test` covers
# `#[test]`, `#[tokio::test]`, `#[test_log::test]`, `#[sqlx::test]`, `#[async_std::test]`…;
# the others are test macros that do not end in `::test`.
_TEST_ATTRIBUTES = frozenset({"test", "rstest", "test_case", "test_matrix", "wasm_bindgen_test",
                              "quickcheck", "proptest"})
# Attributes that describe a test's parameters or docs rather than mark it.
_NOT_MARKERS = frozenset({"case", "values", "doc", "ignore"})
# Folders whose `.rs` files `cargo test` does not run: build output, and the bench and
# example targets, which Cargo builds with `test = false` unless a manifest says otherwise.
_NOT_TESTED_DIRS = frozenset({"target", "benches", "examples"})
# A file holding none of these cannot declare a test (`#[test`, `::test`, `rstest`,
# `test_case`, `proptest!`, `wasm_bindgen_test`, `#[quickcheck]`), so it is not parsed.
_TEST_WORDS = ("test", "quickcheck")
_CRATE_ROOTS = frozenset({"lib.rs", "main.rs"})


class RustDiscoverer:
    """Tests in `.rs` files: `#[cfg(test)]` modules, `tests/` integration files, any module."""

    language = Language.RUST

    def is_test_file(self, path: str) -> bool:
        if not path.endswith(".rs"):
            return False
        folders = path.split("/")[:-1]
        # These folders mean Cargo's output and targets only outside a crate's `src/`; a
        # module folder of that name inside `src/` is ordinary code that may hold tests.
        return not any(folder in _NOT_TESTED_DIRS and "src" not in folders[:i]
                       for i, folder in enumerate(folders))

    def parse(self, text: str, path: str, kind: TestKind) -> TestFile:
        try:
            return self._parse(text, path, kind)
        except RecursionError:  # pathological nesting: report, never raise
            return TestFile(path, Language.RUST, kind, (), (Problem(
                ProblemKind.PARSE_ERROR, "nested too deeply to read; no tests listed",
                path, 1),))

    def _parse(self, text: str, path: str, kind: TestKind) -> TestFile:
        if not any(word in text for word in _TEST_WORDS):
            return TestFile(path, Language.RUST, kind)
        source = text.encode("utf-8", "surrogatepass")
        tree = parser_for("rust").parse(source)
        scanner = _Scanner(source)
        scanner.items(tree.root_node, (), ())
        problems: tuple[Problem, ...] = ()
        line = first_error_line(tree.root_node)
        if line is not None:
            problems = (Problem(
                ProblemKind.PARSE_ERROR,
                "Rust syntax error; tests outside the broken region are still listed",
                path, line),)
        return TestFile(path, Language.RUST, kind, tuple(scanner.tests), problems)


def module_path(path: str, files: Container[str] = frozenset()) -> str | None:
    """The module path Cargo gives a file inside its target, None when not laid out like Cargo.

    `crates/x/src/lib.rs` → "", `src/frame/parse.rs` → "frame::parse", `src/frame/mod.rs`
    → "frame", `tests/roundtrip.rs` → "", `tests/common/mod.rs` → "common". A folder
    `tests/suite/` holding a `main.rs` (looked up in `files`, the repository's paths) is a
    target of its own: `tests/suite/props.rs` → "props". `cargo test -- --list` prints
    this path joined with a test's qualname; `#[path]` and custom target paths in
    Cargo.toml are not followed.
    """
    parts = path.split("/")
    folders = parts[:-1]
    # The innermost `src/` or `tests/` is the one Cargo's conventions start from.
    index = next((i for i in range(len(folders) - 1, -1, -1) if folders[i] in ("src", "tests")),
                 None)
    if index is None or not path.endswith(".rs"):
        return None
    root, inner = folders[index], parts[index + 1:]
    if root == "src" and inner[0] == "bin" and len(inner) > 1:
        if len(inner) == 2:
            return ""  # src/bin/tool.rs is the root of target `tool`
        inner = inner[2:]  # src/bin/tool/…: relative to src/bin/tool/main.rs
        if inner == ["main.rs"]:
            return ""
    elif root == "tests" and len(inner) > 1 and (
            inner[1:] == ["main.rs"] or "/".join([*parts[:index + 2], "main.rs"]) in files):
        inner = inner[1:]  # tests/suite/main.rs is the root of target `suite`
        if inner == ["main.rs"]:
            return ""
    elif len(inner) == 1 and (root == "tests" or inner[0] in _CRATE_ROOTS):
        return ""
    *module_folders, name = inner
    stem = name[:-3]
    return "::".join(module_folders if stem == "mod" else [*module_folders, stem])


# --- the scan ------------------------------------------------------------------------


@dataclass
class _Attribute:
    path: str  # as written, whitespace removed: "tokio::test"
    last: str  # last path segment: "test"
    node: tree_sitter.Node  # the `attribute` node
    text: str  # everything inside `#[...]`


@dataclass
class _Preamble:
    """What stands above an item: its attributes, and the comments directly above."""

    attributes: list[_Attribute] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


class _Scanner:
    def __init__(self, source: bytes) -> None:
        self.source = source
        self.tests: list[Test] = []

    def text(self, node: tree_sitter.Node) -> str:
        return text(node, self.source)

    def items(self, container: tree_sitter.Node, modules: tuple[str, ...],
              conditions: tuple[str, ...]) -> None:
        """Tests among the items of a file or an inline `mod { … }`, recursively."""
        pending: list[tree_sitter.Node] = []
        previous_end_row = -1
        for node in container.named_children:
            kind = node.type
            if kind in ("line_comment", "block_comment"):
                # A comment trailing the previous item on its line is about that item.
                if node.start_point[0] != previous_end_row or pending:
                    pending.append(node)
                continue
            if kind == "attribute_item":
                pending.append(node)
                continue
            if kind == "function_item":
                self.function(node, self.preamble(pending, node), modules, conditions)
            elif kind == "mod_item":
                body = node.child_by_field_name("body")
                name = node.child_by_field_name("name")
                if body is not None and name is not None:
                    attributes = self.preamble(pending, node).attributes
                    self.items(body, (*modules, self.text(name)),
                               conditions + _conditions(attributes))
            elif kind == "macro_invocation":
                self.proptest_block(node, modules, conditions)
            # Anything else (ERROR nodes included) ends the run of attributes and comments;
            # tests inside an ERROR node are not trusted.
            pending = []
            previous_end_row = node.end_point[0]

    def preamble(self, pending: list[tree_sitter.Node], item: tree_sitter.Node) -> _Preamble:
        preamble = _Preamble()
        next_row = item.start_point[0]
        contiguous = True
        docs: list[list[str]] = []
        comments: list[list[str]] = []
        # Backwards from the item: every attribute applies to it, but comments only count
        # while no blank line separates them from what follows.
        for node in reversed(pending):
            if node.type == "attribute_item":
                attribute = self.attribute(node)
                if attribute is not None:
                    preamble.attributes.insert(0, attribute)
                next_row = node.start_point[0]
                continue
            end_row = node.end_point[0] - (1 if node.end_point[1] == 0 else 0)
            if not contiguous or end_row < next_row - 1:
                contiguous = False
                continue
            next_row = node.start_point[0]
            if node.child_by_field_name("inner") is not None:
                continue  # `//!` documents the enclosing module, not this item
            if node.child_by_field_name("outer") is not None:
                docs.insert(0, _doc_lines(node, self.source))
            else:
                comments.insert(0, _comment_lines(self.text(node)))
        preamble.docs = [line for block in docs for line in block]
        preamble.comments = [line for block in comments for line in block]
        return preamble

    def attribute(self, item: tree_sitter.Node) -> _Attribute | None:
        node = next((c for c in item.named_children if c.type == "attribute"), None)
        if node is None or not node.named_children:
            return None
        path = re.sub(r"\s+", "", self.text(node.named_children[0]))
        return _Attribute(path, path.rsplit("::", 1)[-1], node, self.text(node))

    def function(self, node: tree_sitter.Node, preamble: _Preamble, modules: tuple[str, ...],
                 conditions: tuple[str, ...]) -> None:
        attributes = preamble.attributes
        makers = [a for a in attributes if a.last in _TEST_ATTRIBUTES]
        name_node = node.child_by_field_name("name")
        if not makers or name_node is None:
            return
        name = self.text(name_node)
        skipped, reason = False, None
        markers: list[str] = []
        for attribute in attributes:
            if attribute.path == "ignore":
                skipped = True
                value = attribute.node.child_by_field_name("value")
                reason = _string_value(value, self.source) if value is not None else None
            elif _is_marker(attribute):
                markers.append(attribute.path)
        docs = [*self.doc_attributes(attributes), *preamble.docs]
        all_lines = [*docs, *preamble.comments]
        ids = tuple(i for line in all_lines for i in _spec_ids(line))
        texts = tuple(t for t in ("\n".join(docs).strip(), "\n".join(preamble.comments).strip())
                      if t)
        doc = next((line.strip() for line in docs if line.strip() and not _spec_ids(line)), None)
        conditional = conditions + _conditions(attributes)
        self.tests.append(Test(
            name=name,
            qualname="::".join((*modules, name)),
            line=name_node.start_point[0] + 1,
            skipped=skipped,
            skip_reason=reason,
            conditional=", ".join(conditional) or None,
            markers=tuple(dict.fromkeys(markers)),
            ids=ids,
            doc=doc,
            texts=texts,
            params=self.params(node, attributes),
        ))

    def doc_attributes(self, attributes: list[_Attribute]) -> list[str]:
        lines: list[str] = []
        for attribute in attributes:
            value = attribute.node.child_by_field_name("value")
            if attribute.path == "doc" and value is not None:
                string = _string_value(value, self.source)
                if string is not None:
                    lines.extend(string.splitlines() or [""])
        return lines

    def params(self, function: tree_sitter.Node, attributes: list[_Attribute]) -> int | None:
        """Parameter sets of rstest / test_case / test_matrix tests, None when not countable."""
        lasts = {a.last for a in attributes}
        if "rstest" in lasts:
            return self.rstest_params(function, attributes)
        total: int | None = 0
        found = False
        for attribute in attributes:
            if attribute.last == "test_case":
                found = True
                total = None if total is None else total + 1
            elif attribute.last == "test_matrix":
                found = True
                count = self.matrix_count(attribute)
                total = None if total is None or count is None else total + count
        return total if found else None

    def rstest_params(self, function: tree_sitter.Node,
                      attributes: list[_Attribute]) -> int | None:
        cases = sum(1 for a in attributes if a.path == "case" or a.path.startswith("case::"))
        factors = [cases] if cases else []
        parameters = function.child_by_field_name("parameters")
        for item in parameters.named_children if parameters is not None else ():
            attribute = self.attribute(item) if item.type == "attribute_item" else None
            if attribute is None:
                continue
            if attribute.last == "values":
                count = _argument_count(attribute.node)
                if count is None:
                    return None
                factors.append(count)
            elif attribute.last == "files":
                return None  # one test per file matching a glob: known only on disk
        return math.prod(factors) if factors else None

    def matrix_count(self, attribute: _Attribute) -> int | None:
        arguments = attribute.node.child_by_field_name("arguments")
        if arguments is None:
            return None
        counts = []
        for group in _argument_groups(arguments):
            # Only a literal list `[a, b, c]` can be counted without evaluating code.
            if len(group) != 1 or group[0].type != "token_tree" or \
                    self.source[group[0].start_byte:group[0].start_byte + 1] != b"[":
                return None
            counts.append(len(_argument_groups(group[0])))
        return math.prod(counts) if counts else None

    def proptest_block(self, node: tree_sitter.Node, modules: tuple[str, ...],
                       conditions: tuple[str, ...]) -> None:
        """`proptest! { #[test] fn name(x in 0..9) { … } }`: tests written inside a macro."""
        macro = node.child_by_field_name("macro")
        if macro is None or self.text(macro).rsplit("::", 1)[-1] != "proptest":
            return
        body = next((c for c in node.named_children if c.type == "token_tree"), None)
        if body is None:
            return
        tokens = [c for c in body.children if c.type not in ("line_comment", "block_comment")]
        attributes: list[str] = []
        for i, token in enumerate(tokens):
            following = tokens[i + 1] if i + 1 < len(tokens) else None
            if token.type == "#" and following is not None and following.type == "token_tree":
                attributes.append(self.text(following)[1:-1].strip())
            elif token.type == "fn" and following is not None and following.type == "identifier":
                if any(re.sub(r"\s+", "", a) == "test" for a in attributes):
                    name = self.text(following)
                    ignore = next((a for a in attributes if re.match(r"ignore\b", a)), None)
                    self.tests.append(Test(
                        name=name, qualname="::".join((*modules, name)),
                        line=following.start_point[0] + 1,
                        skipped=ignore is not None,
                        skip_reason=_proptest_reason(ignore),
                        conditional=", ".join(conditions) or None,
                        markers=("proptest",)))
                attributes = []


def _proptest_reason(ignore: str | None) -> str | None:
    match = re.fullmatch(r'ignore\s*=\s*r?#*"(.*)"#*', ignore or "", re.DOTALL)
    return match.group(1) if match else None


def _is_marker(attribute: _Attribute) -> bool:
    if attribute.path == "test":
        return False  # every test has it; as a marker it says nothing
    if attribute.path in _NOT_MARKERS or attribute.path.startswith("case::"):
        return False
    return not _conditions([attribute])  # a cfg predicate is shown as the condition


def _conditions(attributes: list[_Attribute]) -> tuple[str, ...]:
    """`cfg(…)` and `cfg_attr(…, ignore)` predicates: the test exists or runs only sometimes."""
    found: list[str] = []
    for attribute in attributes:
        compact = re.sub(r"\s+", "", attribute.text)
        if attribute.path == "cfg" and compact != "cfg(test)":
            found.append(" ".join(attribute.text.split()))
        elif attribute.path == "cfg_attr" and re.search(r",\s*ignore\b", attribute.text):
            found.append(" ".join(attribute.text.split()))
    return tuple(found)


def _argument_groups(tree: tree_sitter.Node) -> list[list[tree_sitter.Node]]:
    """The comma-separated top-level arguments of a token tree `( … )`, comments left out."""
    groups: list[list[tree_sitter.Node]] = [[]]
    inner = tree.children[1:-1] if tree.child_count >= 2 else []
    for child in inner:
        if child.type in ("line_comment", "block_comment"):
            continue
        if child.type == ",":
            groups.append([])
        else:
            groups[-1].append(child)
    return [g for g in groups if g]  # a trailing comma adds no argument


def _argument_count(attribute: tree_sitter.Node) -> int | None:
    arguments = attribute.child_by_field_name("arguments")
    if arguments is None:
        return None
    # A closure's `|a, b|` would split wrongly; such values are rare enough to give up on.
    groups = _argument_groups(arguments)
    if any(child.type == "|" for group in groups for child in group):
        return None
    return len(groups)


def _string_value(node: tree_sitter.Node, source: bytes) -> str | None:
    if node.type not in ("string_literal", "raw_string_literal"):
        return None
    if node.type == "raw_string_literal":
        content = next((c for c in node.named_children if c.type == "string_content"), None)
        return text(content, source) if content is not None else ""
    # Escapes are nodes of their own between pieces of content, so take the literal
    # between its quotes and undo the escapes Rust defines.
    return _ESCAPE.sub(_unescape, text(node, source)[1:-1])


_ESCAPE = re.compile(r"\\(\n\s*|u\{([0-9a-fA-F]{1,6})\}|x([0-9a-fA-F]{2})|.)", re.DOTALL)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}


def _unescape(match: re.Match) -> str:
    body = match.group(1)
    number = match.group(2) or match.group(3)
    if number is not None:
        code = int(number, 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group(0)
    if body[0] == "\n":
        return ""  # a backslash at the end of a line joins it with the next
    return _SIMPLE_ESCAPES.get(body, body)


def _doc_lines(node: tree_sitter.Node, source: bytes) -> list[str]:
    doc = node.child_by_field_name("doc")
    body = text(doc, source) if doc is not None else ""
    if node.type == "block_comment":
        # Leading ` * ` decorations are layout, not text.
        return [re.sub(r"^\s*\*?\s*", "", line).rstrip() for line in body.splitlines()]
    return [body[1:].rstrip() if body.startswith(" ") else body.rstrip()]


def _comment_lines(comment: str) -> list[str]:
    if comment.startswith("//"):
        return [comment.lstrip("/").strip()]
    body = comment[2:-2] if comment.endswith("*/") else comment[2:]
    return [re.sub(r"^\s*\*?\s?", "", line).rstrip() for line in body.splitlines()]


def _spec_ids(line: str) -> list[str]:
    return spec_comment_ids(line) or []
