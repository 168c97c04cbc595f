"""Go tests found statically: Test/Fuzz functions, suite methods, t.Run subtests and skips."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tree_sitter import Node

from spectrace.discover.treesitter import first_error_line, parser_for, text
from spectrace.model import Language, Problem, ProblemKind, Test, TestFile, TestKind
from spectrace.specs.ids import spec_comment_ids

_SKIP_METHODS = frozenset({"Skip", "Skipf", "SkipNow"})
_LOOPS = frozenset({"for_statement"})
# Where a nested function starts a new scope: a skip or subtest inside one does not belong
# to the test's own body.
_FUNCTIONS = frozenset({"func_literal", "function_declaration", "method_declaration"})


class GoDiscoverer:
    """`go test`'s rules, read from the syntax tree.

    A test is `func TestX(t *testing.T)` or `func FuzzX(f *testing.F)` where the letter
    after the prefix is not lower case (`Testable` is not a test, `Test_x` and `Test` are),
    with exactly that one parameter and no type parameters, as `go test` demands.
    Benchmarks and examples are not tests. A method named `Test…` on a receiver, taking
    no parameter (testify) or one `*check.C` (gocheck), is a suite test `Suite::TestX`.

    Subtests fold into their test: every `t.Run("literal", …)` is one parameter set and its
    name a text the linker searches; a `t.Run` whose name is computed, or that sits in a
    loop, runs an unknown number of times, so the test is marked `table-driven` and its
    `params` stays None (uncountable, never guessed).
    """

    language = Language.GO

    def is_test_file(self, path: str) -> bool:
        parts = path.split("/")
        if not parts[-1].endswith("_test.go"):
            return False
        # The go tool ignores vendor/ and testdata/ trees and any name starting with . or _.
        return not any(p in ("vendor", "testdata") or p[:1] in ("_", ".") for p in parts)

    def parse(self, text_: str, path: str, kind: TestKind) -> TestFile:
        try:
            return self._parse(text_, path, kind)
        except RecursionError:  # pathological nesting: report, never raise
            return TestFile(path, Language.GO, kind, (), (Problem(
                ProblemKind.PARSE_ERROR, "nested too deeply to read; no tests listed",
                path, 1),))

    def _parse(self, text_: str, path: str, kind: TestKind) -> TestFile:
        source = text_.encode("utf-8")
        root = parser_for("go").parse(source).root_node
        scan = _FileScan(source, _testing_names(root, source), _build_constraint(root, source))
        tests = [t for node in _declarations(root) if (t := scan.test(node)) is not None]
        problems: tuple[Problem, ...] = ()
        line = first_error_line(root)
        if line is not None:
            problems = (Problem(ProblemKind.PARSE_ERROR,
                                "Go syntax error; tests outside the broken part are still listed",
                                path, line),)
        return TestFile(path, Language.GO, kind, tuple(tests), problems)


def _declarations(root: Node):
    """Top-level function and method declarations, also those tree-sitter wrapped in ERROR."""
    for child in root.named_children:
        if child.type in ("function_declaration", "method_declaration"):
            yield child
        elif child.type == "ERROR":
            yield from _declarations(child)


def _testing_names(root: Node, source: bytes) -> tuple[frozenset[str], bool]:
    """The names the "testing" package is imported under, and whether it is dot-imported."""
    names: set[str] = set()
    dotted = False
    for spec in _descendants_of_type(root, "import_spec", stop={"function_declaration",
                                                                "method_declaration"}):
        path = spec.child_by_field_name("path")
        if path is None or _string(path, source) != "testing":
            continue
        alias = spec.child_by_field_name("name")
        if alias is None:
            names.add("testing")
        elif alias.type == "dot":
            dotted = True
        elif text(alias, source) != "_":
            names.add(text(alias, source))
    # A file that never imports "testing" (a broken or partial file) still says testing.T.
    return frozenset(names or {"testing"}), dotted


def _build_constraint(root: Node, source: bytes) -> str | None:
    """The `//go:build` expression above the package clause, if any."""
    for child in root.children:
        if child.type == "package_clause":
            break
        if child.type == "comment":
            line = text(child, source)
            if line.startswith("//go:build "):
                return line[len("//go:build "):].strip()
    return None


@dataclass
class _Body:
    """What a test body holds: subtest names, whether some are uncountable, skips."""

    subtests: list[str] = field(default_factory=list)
    dynamic: bool = False
    skip: tuple[str | None] | None = None  # (reason,) when skipped unconditionally
    conditions: list[str] = field(default_factory=list)


class _FileScan:
    def __init__(self, source: bytes, testing: tuple[frozenset[str], bool],
                 constraint: str | None) -> None:
        self.source = source
        self.testing_names, self.testing_dotted = testing
        self.constraint = constraint

    def test(self, node: Node) -> Test | None:
        name_node = node.child_by_field_name("name")
        body = node.child_by_field_name("body")
        if name_node is None or body is None:
            return None
        name = text(name_node, self.source)
        params = _parameters(node.child_by_field_name("parameters"), self.source)
        markers: list[str] = []
        if node.type == "function_declaration":
            if node.child_by_field_name("type_parameters") is not None or len(params) != 1:
                return None
            handle, type_node = params[0]
            if _is_test_name(name, "Test") and self._is_testing_type(type_node, "T"):
                pass
            elif _is_test_name(name, "Fuzz") and self._is_testing_type(type_node, "F"):
                markers.append("fuzz")
            else:
                return None
            qualname = name
            handles = _Handles(frozenset({handle}) - {"_", ""}, frozenset())
        else:
            receiver = _parameters(node.child_by_field_name("receiver"), self.source)
            if not name.startswith("Test") or len(receiver) != 1:
                return None
            if params and not (len(params) == 1 and _type_name(params[0][1], self.source) == "C"):
                return None
            recv_name, recv_type = receiver[0]
            suite = _type_name(recv_type, self.source)
            if suite is None:
                return None
            qualname = f"{suite}::{name}"
            markers.append("suite")
            # testify: s.Run / s.T().Skip; gocheck: c.Skip.
            handles = _Handles(frozenset(p for p, _ in params) - {"_", ""},
                               frozenset({recv_name}) - {"_", ""})
        found = _Body()
        self._walk_body(body, handles, found, conditions=(), in_loop=False, top=True)
        if found.dynamic:
            markers.append("table-driven")
        skipped = found.skip is not None
        reason = found.skip[0] if found.skip else None
        conditions = [] if skipped else list(found.conditions)
        if self.constraint is not None:
            # `ignore` is the tag nobody sets: the file is never built, so never run.
            if self.constraint == "ignore":
                skipped, reason, conditions = True, "//go:build ignore", []
            elif not skipped:
                conditions.insert(0, f"//go:build {self.constraint}")
        ids, doc, comment_texts = self._comments_above(node)
        return Test(
            name=name,
            qualname=qualname,
            line=name_node.start_point[0] + 1,
            skipped=skipped,
            skip_reason=reason,
            conditional="; ".join(conditions) or None,
            markers=tuple(markers),
            ids=ids,
            doc=doc,
            texts=tuple(comment_texts) + tuple(found.subtests),
            params=None if found.dynamic or not found.subtests else len(found.subtests),
        )

    def _is_testing_type(self, node: Node | None, wanted: str) -> bool:
        """`*testing.T` (under any import alias), or `*T` when "testing" is dot-imported."""
        if node is None or node.type != "pointer_type" or not node.named_children:
            return False
        inner = node.named_children[0]
        if inner.type == "qualified_type":
            package = inner.child_by_field_name("package")
            type_name = inner.child_by_field_name("name")
            return (package is not None and type_name is not None
                    and text(package, self.source) in self.testing_names
                    and text(type_name, self.source) == wanted)
        return self.testing_dotted and inner.type == "type_identifier" and \
            text(inner, self.source) == wanted

    def _walk_body(self, node: Node, handles: _Handles, found: _Body,
                   conditions: tuple[str, ...], in_loop: bool, top: bool) -> None:
        """Collect subtests anywhere in the body; skips only where they end the whole test.

        A skip counts when it is a statement of the body itself (unconditional) or of an
        `if` chain at that level (conditional on the chain's conditions). Skips in loops,
        switches or subtests skip less than the whole test and are left out.
        """
        for child in node.named_children:
            kind = child.type
            if kind == "call_expression":
                self._call(child, handles, found, conditions, in_loop, top)
                continue
            if kind == "func_literal":
                # A subtest body: its own *testing.T parameter joins the handles for
                # nested t.Run calls, but its skips skip only the subtest.
                inner = handles.with_names(
                    p for p, t in _parameters(child.child_by_field_name("parameters"),
                                              self.source)
                    if _type_name(t, self.source) == "T")
                body = child.child_by_field_name("body")
                if body is not None:
                    self._walk_body(body, inner, found, conditions, in_loop, top=False)
                continue
            if kind in _FUNCTIONS:
                continue
            if kind == "if_statement" and top:
                self._if(child, handles, found, conditions, in_loop)
                continue
            if kind in _LOOPS:
                self._walk_body(child, handles, found, conditions, True, top=False)
                continue
            stays_top = top and kind in ("block", "statement_list", "expression_statement")
            self._walk_body(child, handles, found, conditions, in_loop, stays_top)

    def _if(self, node: Node, handles: _Handles, found: _Body,
            conditions: tuple[str, ...], in_loop: bool) -> None:
        condition = node.child_by_field_name("condition")
        initializer = node.child_by_field_name("initializer")
        if condition is None:
            cond = "?"
        elif initializer is not None:
            cond = self.source[initializer.start_byte:condition.end_byte].decode("utf-8",
                                                                                  "replace")
        else:
            cond = text(condition, self.source)
        for child in node.named_children:
            if child in (condition, initializer):
                self._walk_body(child, handles, found, conditions, in_loop, top=False)
        consequence = node.child_by_field_name("consequence")
        if consequence is not None:
            self._walk_body(consequence, handles, found, (*conditions, cond), in_loop, top=True)
        alternative = node.child_by_field_name("alternative")
        if alternative is not None:
            negated = f"!({cond})"
            if alternative.type == "if_statement":
                self._if(alternative, handles, found, (*conditions, negated), in_loop)
            else:
                self._walk_body(alternative, handles, found, (*conditions, negated), in_loop,
                                top=True)

    def _call(self, node: Node, handles: _Handles, found: _Body,
              conditions: tuple[str, ...], in_loop: bool, top: bool) -> None:
        function = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        method = None
        if function is not None and function.type == "selector_expression":
            operand = function.child_by_field_name("operand")
            field_node = function.child_by_field_name("field")
            if operand is not None and field_node is not None and \
                    handles.matches(operand, self.source):
                method = text(field_node, self.source)
        args = arguments.named_children if arguments is not None else []
        if method == "Run" and len(args) >= 2:
            name = _string(args[0], self.source)
            if name is None or in_loop:
                found.dynamic = True
            else:
                found.subtests.append(name)
        elif method in _SKIP_METHODS and top:
            reason = self._reason(method, args)
            if conditions:
                found.conditions.append(" && ".join(conditions))
            elif found.skip is None:
                found.skip = (reason,)
        # Arguments may hold subtests (`t.Run("a", func(t *testing.T) { t.Run(...) })`).
        for child in node.named_children:
            self._walk_body(child, handles, found, conditions, in_loop, top=False)

    def _reason(self, method: str, args: list[Node]) -> str | None:
        if not args:
            return None
        literal = _string(args[0], self.source)
        # t.Skip(args...) prints like fmt.Sprintln; t.Skipf's reason is its format string,
        # which says more than an attempt to format it.
        if literal is not None and method == "Skipf":
            return literal
        if literal is not None:
            rest = [_string(a, self.source) for a in args[1:]]
            if all(r is not None for r in rest):
                return " ".join([literal, *rest])  # type: ignore[list-item]
            return literal
        return ", ".join(text(a, self.source) for a in args)

    def _comments_above(self, node: Node) -> tuple[tuple[str, ...], str | None, list[str]]:
        """Spec ids, the doc line and the comment text written directly above a function."""
        comments: list[Node] = []
        below = node
        sibling = node.prev_sibling
        while sibling is not None and sibling.type == "comment" and \
                sibling.end_point[0] + 1 >= below.start_point[0] and \
                _starts_line(sibling, self.source):
            comments.append(sibling)
            below = sibling
            sibling = sibling.prev_sibling
        comments.reverse()
        ids: list[str] = []
        lines: list[str] = []
        for comment in comments:
            for line in _comment_lines(text(comment, self.source)):
                found = spec_comment_ids(line)
                if found is not None:
                    ids.extend(found)
                elif line.strip() and not _is_directive(line):
                    lines.append(line.strip())
        doc = lines[0] if lines else None
        return tuple(ids), doc, (["\n".join(lines)] if lines else [])


@dataclass(frozen=True)
class _Handles:
    """Names through which a test reaches its *testing.T: `t`, or a suite receiver `s`."""

    names: frozenset[str]  # t.Run, t.Skip, c.Skip
    receivers: frozenset[str]  # s.Run, s.T().Skip

    def with_names(self, extra) -> _Handles:
        return _Handles(self.names | frozenset(extra), self.receivers)

    def matches(self, operand: Node, source: bytes) -> bool:
        if operand.type == "identifier":
            name = text(operand, source)
            return name in self.names or name in self.receivers
        if operand.type == "call_expression":  # s.T()
            function = operand.child_by_field_name("function")
            if function is not None and function.type == "selector_expression":
                inner = function.child_by_field_name("operand")
                field_node = function.child_by_field_name("field")
                return (inner is not None and field_node is not None
                        and inner.type == "identifier"
                        and text(inner, source) in self.receivers
                        and text(field_node, source) == "T")
        return False


def _is_test_name(name: str, prefix: str) -> bool:
    """`go test`'s isTest: the prefix, then the end or a rune that is not lower case."""
    if not name.startswith(prefix):
        return False
    return len(name) == len(prefix) or not name[len(prefix)].islower()


def _parameters(node: Node | None, source: bytes) -> list[tuple[str, Node | None]]:
    """(name, type) per parameter; `a, b *T` gives two, an unnamed `*T` gives one named ""."""
    if node is None:
        return []
    found: list[tuple[str, Node | None]] = []
    for declaration in node.named_children:
        if declaration.type not in ("parameter_declaration", "variadic_parameter_declaration"):
            continue
        type_node = declaration.child_by_field_name("type")
        names = [text(c, source) for c in declaration.children_by_field_name("name")]
        for name in names or [""]:
            found.append((name, type_node))
    return found


def _type_name(node: Node | None, source: bytes) -> str | None:
    """`*MySuite`, `MySuite`, `*Suite[T]`, `*check.C` → the bare type name."""
    while node is not None and node.type in ("pointer_type", "generic_type",
                                             "parenthesized_type"):
        node = node.child_by_field_name("type") or (node.named_children[0]
                                                   if node.named_children else None)
    if node is None:
        return None
    if node.type == "qualified_type":
        node = node.child_by_field_name("name")
    if node is not None and node.type == "type_identifier":
        return text(node, source)
    return None


def _string(node: Node, source: bytes) -> str | None:
    """The value of a string literal ("…" or `…`), None for anything computed."""
    if node.type == "raw_string_literal":
        return text(node, source)[1:-1]
    if node.type == "interpreted_string_literal":
        raw = text(node, source)[1:-1]
        return _unescape(raw)
    return None


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "'": "'"}


def _unescape(raw: str) -> str:
    # Enough of Go's escapes for names and reasons; anything rarer is kept as written.
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), raw)


def _comment_lines(comment: str) -> list[str]:
    if comment.startswith("//"):
        body = comment[2:]
        return [body[1:] if body.startswith(" ") else body]
    body = comment[2:-2] if comment.endswith("*/") else comment[2:]
    return [re.sub(r"^\s*\*?\s?", "", line) for line in body.splitlines()]


def _is_directive(line: str) -> bool:
    # //go:generate, //nolint:… and friends are instructions to tools, not prose.
    return bool(re.match(r"^(go:|nolint|lint:|line )", line))


def _starts_line(node: Node, source: bytes) -> bool:
    """Nothing but blanks before the node on its line (not a trailing comment)."""
    start = source.rfind(b"\n", 0, node.start_byte) + 1
    return not source[start:node.start_byte].strip()


def _descendants_of_type(node: Node, kind: str, stop: set[str]):
    for child in node.named_children:
        if child.type == kind:
            yield child
        elif child.type not in stop:
            yield from _descendants_of_type(child, kind, stop)
