"""JUnit (4 and 5) and kotlin.test tests in Java and Kotlin sources, read from the syntax tree."""

from __future__ import annotations

import re
import textwrap
from bisect import bisect_left
from dataclasses import dataclass, field, replace

from tree_sitter import Node, Parser, Query, QueryCursor, Tree

from spectrace.discover.treesitter import first_error_line, language_for, parser_for, text
from spectrace.model import Language, Problem, ProblemKind, Test, TestFile, TestKind
from spectrace.specs.ids import spec_comment_ids

_SUFFIXES = {".java": Language.JAVA, ".kt": Language.KOTLIN, ".kts": Language.KOTLIN}
# Surefire's and Gradle's usual test-class names.
_TEST_NAME = re.compile(r"^(Test\w*|\w*(Test|Tests|IT|TestCase))\.(java|kts?)$")
# A source set whose name ends in "test": src/test, src/integrationTest, src/androidTest…
_TEST_SOURCE_SET = re.compile(r"(^|/)src/[A-Za-z]*[tT]est/")
_MAIN_SOURCE_SET = re.compile(r"(^|/)src/main/")

# Annotation → the marker it adds. `Test` covers JUnit 4, JUnit 5, TestNG and kotlin.test.
_TEST_ANNOTATIONS = {
    "Test": None,
    "ParameterizedTest": "parameterized",
    "RepeatedTest": "repeated",
    "TestFactory": "factory",
    "TestTemplate": "template",
    "Theory": "theory",
}
_SKIP_ANNOTATIONS = frozenset({"Disabled", "Ignore"})
# @DisabledOnOs, @EnabledIfEnvironmentVariable…: the test runs or not depending on where.
_CONDITION = re.compile(r"^(Disabled|Enabled)(If|On|For|In)\w*$")
_VALUE_SOURCE_KEYS = frozenset({"shorts", "bytes", "ints", "longs", "floats", "doubles",
                                "chars", "booleans", "strings", "classes"})
_FIXED_SOURCES = {"NullSource": 1, "EmptySource": 1, "NullAndEmptySource": 2}
# The blank just before a `}` that closes a line with something else on it.
_BRACE_ON_SAME_LINE = re.compile(rb"(?<=\S)[ \t](?=\})")


class JavaDiscoverer:
    """Tests in `.java`, `.kt` and `.kts` files, as JUnit Jupiter and JUnit 4 find them.

    A test is a method annotated `@Test`, `@ParameterizedTest`, `@RepeatedTest`,
    `@TestFactory`, `@TestTemplate` or `@Theory` (or a JUnit 3 `public void testX()` in a
    `TestCase` subclass) that is neither private nor static. Tests live in top-level
    classes, in `@Nested` inner classes (which inherit the outer class's `@Disabled`, tags
    and conditions) and in static nested classes (run on their own, inheriting nothing);
    an inner class without `@Nested` is never run, so its methods are not tests.
    Qualified names start with the top-level class: `Outer::Inner::method`.
    """

    language = Language.JAVA

    def is_test_file(self, path: str) -> bool:
        suffix = path[path.rfind("."):] if "." in path else ""
        if suffix not in _SUFFIXES:
            return False
        if _TEST_SOURCE_SET.search(path):
            return True
        # Production sources are compiled without the test classpath, so never hold tests.
        if _MAIN_SOURCE_SET.search(path):
            return False
        return bool(_TEST_NAME.match(path.rsplit("/", 1)[-1]))

    def parse(self, text_: str, path: str, kind: TestKind) -> TestFile:
        suffix = path[path.rfind("."):] if "." in path else ""
        language = _SUFFIXES.get(suffix, Language.JAVA)
        syntax: _Syntax = _KOTLIN if language is Language.KOTLIN else _JAVA
        source = text_.encode("utf-8")
        parser = parser_for(syntax.grammar)
        tree, gave_up_at = _parse(parser, source)
        if tree is None:
            line = source.count(b"\n", 0, gave_up_at) + 1
            return TestFile(path, language, kind, (), (Problem(
                ProblemKind.PARSE_ERROR,
                f"the {syntax.label} parser gave up on this file (its error recovery ran "
                "away near this line); no tests read from it", path, line),))
        root = tree.root_node
        comments = _comments(root, syntax)
        if language is Language.KOTLIN and (root.has_error or _misread_annotations(root)):
            # Two tree-sitter-kotlin slips on valid code: a class body closed on the line
            # of its last member (`class A { fun f() {} }`) is an error, and annotations
            # after a comment between top-level declarations are read as an expression,
            # silently parting a class from its @Disabled or @Tag. A copy with comments
            # blanked and a line break before such braces parses right; every byte
            # offset is kept, so lines, text and comments are read from the file as
            # written. The copy is used only when it parses clean. Comments and strings
            # are found by a small lexer here, since the first tree cannot be trusted.
            spans = _kotlin_spans(source)
            retry, _ = _parse(parser, _kotlin_retry_source(source, *spans))
            if retry is not None and not retry.root_node.has_error and \
                    not _misread_annotations(retry.root_node):
                root = retry.root_node
                comments = spans[0]
        tests = _Scanner(source, syntax, comments).scan(root)
        problems: tuple[Problem, ...] = ()
        line = _error_line(root)
        if line is not None:
            problems = (Problem(
                ProblemKind.PARSE_ERROR,
                f"{syntax.label} syntax error; tests outside the broken part are still listed",
                path, line),)
        return TestFile(path, language, kind, tuple(tests), problems)


@dataclass(frozen=True)
class _Annotation:
    name: str  # the simple name: `org.junit.Test` → `Test`
    args: dict[str, tuple[Node, ...]]  # unnamed arguments under "value"
    node: Node


@dataclass(frozen=True)
class _Context:
    """What a class passes down to its tests and to its @Nested classes."""

    qualname: tuple[str, ...] = ()
    skip: tuple[str | None] | None = None  # (reason,) when the class is disabled
    conditions: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    texts: tuple[str, ...] = ()
    junit3: bool = False


@dataclass
class _Preamble:
    """Comments written directly above a declaration (or between its annotations)."""

    ids: list[str] = field(default_factory=list)
    docs: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


class _Scanner:
    def __init__(self, source: bytes, syntax: _Syntax, comments: list[Node] | list[_Span]
                 ) -> None:
        self.source = source
        self.syntax = syntax
        self.newlines = [m.start() for m in re.finditer(rb"\n", source)]
        self.comments = comments
        self.comment_ends = [c.end_byte for c in comments]

    def line(self, offset: int) -> int:
        """1-based line of a byte offset in the file as written."""
        return bisect_left(self.newlines, offset) + 1

    def scan(self, root: Node) -> list[Test]:
        """Every test in the file, in file order.

        Classes are visited from a work list rather than by recursion, so no depth of
        nesting (or of ERROR nodes) can exhaust Python's stack.
        """
        found: list[tuple[int, Test]] = []
        work: list[tuple[Node, _Context, bool, bool]] = [
            (node, _Context(), False, False) for node in self.types_in(root)]
        while work:
            node, outer, nested, in_interface = work.pop()
            entered = self.enter(node, outer, nested, in_interface)
            if entered is None:
                continue
            context, body, is_interface = entered
            for member in body.named_children:
                if member.type in self.syntax.function_nodes:
                    test = self.test(member, context)
                    if test is not None:
                        found.append((member.start_byte, test))
                elif member.type in self.syntax.type_nodes:
                    work.append((member, context, True, is_interface))
        return [test for _, test in sorted(found, key=lambda pair: pair[0])]

    def types_in(self, root: Node) -> list[Node]:
        """Type declarations at the top level, also inside ERROR recovery nodes."""
        found: list[Node] = []
        pending = [root]
        while pending:
            node = pending.pop()
            for child in node.named_children:
                if child.type in self.syntax.type_nodes:
                    found.append(child)
                elif child.type == "ERROR":
                    pending.append(child)
        return found

    def enter(self, node: Node, outer: _Context, nested: bool,
              in_interface: bool) -> tuple[_Context, Node, bool] | None:
        """A class's context and body, or None when JUnit never runs its methods."""
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return None
        annotations, keywords = self.syntax.modifiers(node, self.source)
        names = {a.name for a in annotations}
        context = _Context(qualname=(*outer.qualname, self.syntax.identifier(name_node,
                                                                               self.source)))
        if nested:
            inner = self.syntax.is_inner(node, keywords, in_interface)
            if inner and "Nested" not in names:
                return None  # an inner class JUnit never instantiates on its own
            if inner:
                context = replace(outer, qualname=context.qualname, junit3=False)
        context = self.class_state(node, annotations, context)
        body = self.syntax.body(node)
        if body is None:
            return None
        return context, body, self.syntax.is_interface(node)

    def class_state(self, node: Node, annotations: list[_Annotation],
                    context: _Context) -> _Context:
        skip = context.skip
        for annotation in annotations:
            if annotation.name in _SKIP_ANNOTATIONS and skip is None:
                skip = (self.string_arg(annotation, "value"),)
        preamble = self.preamble(node)
        display = [self.string_arg(a, "value") for a in annotations if a.name == "DisplayName"]
        texts = [t for t in (*display, "\n".join(preamble.docs)) if t]
        return replace(
            context,
            skip=skip,
            conditions=(*context.conditions, *self.conditions(annotations)),
            tags=(*context.tags, *self.tags(annotations)),
            texts=(*context.texts, *texts),
            junit3=self.syntax.extends_test_case(node, self.source),
        )

    def test(self, node: Node, context: _Context) -> Test | None:
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return None
        name = self.syntax.identifier(name_node, self.source)
        annotations, keywords = self.syntax.modifiers(node, self.source)
        kinds = [a for a in annotations if a.name in _TEST_ANNOTATIONS]
        if "private" in keywords or "static" in keywords:
            return None  # JUnit skips (Jupiter) or rejects (JUnit 4) these
        if not self.syntax.has_body(node):
            return None  # abstract: only an override in a subclass can run
        if not kinds:
            if not (context.junit3 and name.startswith("test") and "public" in keywords
                    and self.syntax.takes_no_parameters(node)):
                return None
        markers = [m for a in kinds if (m := _TEST_ANNOTATIONS[a.name])]
        skipped, reason = context.skip is not None, context.skip[0] if context.skip else None
        if not skipped:
            for annotation in annotations:
                disabled_testng = annotation.name == "Test" and self.is_false(annotation,
                                                                               "enabled")
                if annotation.name in _SKIP_ANNOTATIONS or disabled_testng:
                    skipped = True
                    reason = "enabled = false" if disabled_testng else \
                        self.string_arg(annotation, "value")
                    break
        conditions = [] if skipped else [*context.conditions, *self.conditions(annotations)]
        preamble = self.preamble(node)
        display = next((d for a in annotations if a.name == "DisplayName"
                        if (d := self.string_arg(a, "value"))), None)
        doc_lines = [line.strip() for line in preamble.docs if line.strip()]
        texts = [t for t in (display, "\n".join(doc_lines), "\n".join(preamble.comments))
                 if t]
        return Test(
            name=name,
            qualname="::".join((*context.qualname, name)),
            line=self.line(name_node.start_byte),
            skipped=skipped,
            skip_reason=reason,
            conditional="; ".join(conditions) or None,
            markers=tuple(dict.fromkeys((*markers, *context.tags, *self.tags(annotations)))),
            ids=tuple(preamble.ids),
            doc=display or (doc_lines[0] if doc_lines else None),
            texts=tuple(dict.fromkeys((*texts, *context.texts))),
            params=self.params(annotations),
        )

    # -- annotations -----------------------------------------------------------------

    def params(self, annotations: list[_Annotation]) -> int | None:
        """Invocations of a parameterized or repeated test, when literal sources say."""
        names = {a.name for a in annotations}
        if "RepeatedTest" in names:
            repeated = next(a for a in annotations if a.name == "RepeatedTest")
            values = repeated.args.get("value", ())
            return self.syntax.integer(values[0], self.source) if len(values) == 1 else None
        if "ParameterizedTest" not in names:
            return None
        total = 0
        sources = 0
        for annotation in annotations:
            count: int | None
            if annotation.name == "ValueSource":
                keys = [k for k in annotation.args if k in _VALUE_SOURCE_KEYS]
                count = sum(len(self.elements(annotation.args[k])) for k in keys) if keys \
                    else None
            elif annotation.name == "CsvSource":
                count = self.csv_rows(annotation)
            elif annotation.name == "EnumSource":
                count = self.enum_names(annotation)
            elif annotation.name in _FIXED_SOURCES:
                count = _FIXED_SOURCES[annotation.name]
            elif annotation.name.endswith(("Source", "Sources")):
                count = None  # @MethodSource, @CsvFileSource…: known only when run
            else:
                continue
            sources += 1
            if count is None:
                return None
            total += count
        return total if sources else None

    def csv_rows(self, annotation: _Annotation) -> int | None:
        if "textBlock" in annotation.args:
            values = annotation.args["textBlock"]
            block = self.syntax.string(values[0], self.source) if len(values) == 1 else None
            if block is None:
                return None
            # Blank lines and lines starting with # are not records.
            rows = sum(1 for line in block.splitlines()
                       if line.strip() and not line.strip().startswith("#"))
        else:
            rows = len(self.elements(annotation.args.get("value", ())))
        if self.is_true(annotation, "useHeadersInDisplayName"):
            rows -= 1  # the first record names the columns
        return max(rows, 0)

    def enum_names(self, annotation: _Annotation) -> int | None:
        mode = annotation.args.get("mode", ())
        if mode and not text(mode[0], self.source).endswith("INCLUDE"):
            return None  # EXCLUDE and MATCH_* depend on the enum's constants
        names = self.elements(annotation.args.get("names", ()))
        return len(names) or None  # no names: every constant of an enum defined elsewhere

    def elements(self, values: tuple[Node, ...]) -> list[Node]:
        found: list[Node] = []
        for value in values:
            found.extend(self.syntax.array(value, self.source) or [value])
        return found

    def string_arg(self, annotation: _Annotation, key: str) -> str | None:
        values = annotation.args.get(key, ())
        if len(values) != 1:
            return None
        value = self.syntax.string(values[0], self.source)
        return value if value is not None else _one_line(text(values[0], self.source))

    def is_true(self, annotation: _Annotation, key: str) -> bool:
        values = annotation.args.get(key, ())
        return len(values) == 1 and text(values[0], self.source) == "true"

    def is_false(self, annotation: _Annotation, key: str) -> bool:
        values = annotation.args.get(key, ())
        return len(values) == 1 and text(values[0], self.source) == "false"

    def tags(self, annotations: list[_Annotation]) -> list[str]:
        found: list[str] = []
        for annotation in annotations:
            if annotation.name == "Tag":
                tag = self.string_arg(annotation, "value")
                if tag:
                    found.append(tag)
            elif annotation.name == "Tags":
                for element in self.elements(annotation.args.get("value", ())):
                    inner = self.syntax.nested_annotation(element, self.source)
                    if inner is not None and inner.name == "Tag":
                        found.extend(t for t in [self.string_arg(inner, "value")] if t)
            elif annotation.name == "Category":  # JUnit 4: @Category(SlowTests.class)
                for element in self.elements(annotation.args.get("value", ())):
                    found.append(_class_name(text(element, self.source)))
        return found

    def conditions(self, annotations: list[_Annotation]) -> list[str]:
        return [_one_line(text(a.node, self.source)) for a in annotations
                if _CONDITION.match(a.name)]

    # -- comments --------------------------------------------------------------------

    def preamble(self, node: Node) -> _Preamble:
        """Comments directly above a declaration (no blank line between) and before its name.

        Found by position in the file, not among tree siblings, so it works the same on
        every grammar and on the Kotlin retry tree, which has no comments.
        """
        name = node.child_by_field_name("name")
        above: list[Node] = []
        below = node.start_byte
        index = bisect_left(self.comment_ends, node.start_byte + 1) - 1
        while index >= 0:
            comment = self.comments[index]
            gap = self.source[comment.end_byte:below]
            if gap.strip() or gap.count(b"\n") > 1 or not _starts_line(comment, self.source):
                break
            above.append(comment)
            below = comment.start_byte
            index -= 1
        above.reverse()
        # A comment between the annotations and the name belongs to the declaration too.
        end = name.start_byte if name is not None else node.start_byte
        first = bisect_left(self.comment_ends, node.start_byte + 1)
        inside = [c for c in self.comments[first:] if c.start_byte < end]
        comments = [*above, *(c for c in inside if c.start_byte >= node.start_byte)]
        preamble = _Preamble()
        for comment in comments:
            raw = self.source[comment.start_byte:comment.end_byte].decode("utf-8", "replace")
            is_doc = raw.startswith("/**")
            for line in _comment_lines(raw):
                found = spec_comment_ids(line)
                if found is not None:
                    preamble.ids.extend(found)
                elif line.strip():
                    (preamble.docs if is_doc else preamble.comments).append(line.strip())
        return preamble


# -- the two grammars ---------------------------------------------------------------


class _Syntax:
    """What differs between the Java and Kotlin grammars, behind one set of questions."""

    grammar: str
    label: str
    type_nodes: frozenset[str]
    function_nodes: frozenset[str]
    comment_nodes = frozenset({"line_comment", "block_comment"})

    def modifiers(self, node: Node, source: bytes) -> tuple[list[_Annotation], set[str]]:
        """A declaration's annotations and modifier keywords (`static`, `inner`…)."""
        annotations: list[_Annotation] = []
        keywords: set[str] = set()
        for child in node.children:
            if child.type != "modifiers":
                continue
            for item in child.named_children:
                if "annotation" in item.type:
                    annotation = self.annotation(item, source)
                    if annotation is not None:
                        annotations.append(annotation)
                elif item.type not in self.comment_nodes:
                    keywords.update(_leaf_texts(item, source))
            # Java keeps keywords as unnamed children of the modifiers node.
            keywords.update(text(c, source) for c in child.children if not c.is_named)
        return annotations, keywords

    def identifier(self, node: Node, source: bytes) -> str:
        return text(node, source)

    def body(self, node: Node) -> Node | None:
        body = node.child_by_field_name("body")
        if body is not None:
            return body
        return next((c for c in node.named_children if c.type == "class_body"), None)

    def extends_test_case(self, node: Node, source: bytes) -> bool:
        return False

    def string(self, node: Node, source: bytes) -> str | None:
        """The value of a string constant: literals joined by `+`, in parentheses or not.

        None for anything computed. Walked with a stack: a chain of a few thousand `+`
        would exhaust Python's recursion.
        """
        parts: list[str] = []
        pending = [node]
        while pending:
            current = pending.pop()
            if current.type == "parenthesized_expression" and current.named_children:
                pending.append(current.named_children[0])
            elif current.type == "binary_expression":
                left = current.child_by_field_name("left")
                right = current.child_by_field_name("right")
                operator = current.child_by_field_name("operator")
                if left is None or right is None or operator is None or \
                        text(operator, source) != "+":
                    return None
                pending.extend((right, left))  # left is taken first
            else:
                value = self.literal(current, source)
                if value is None:
                    return None
                parts.append(value)
        return "".join(parts)

    # Subclasses answer the rest.
    def annotation(self, node: Node, source: bytes) -> _Annotation | None: ...
    def nested_annotation(self, node: Node, source: bytes) -> _Annotation | None: ...
    def is_inner(self, node: Node, keywords: set[str], in_interface: bool) -> bool: ...
    def is_interface(self, node: Node) -> bool: ...
    def has_body(self, node: Node) -> bool: ...
    def takes_no_parameters(self, node: Node) -> bool: ...
    def array(self, node: Node, source: bytes) -> list[Node] | None: ...
    def literal(self, node: Node, source: bytes) -> str | None: ...
    def integer(self, node: Node, source: bytes) -> int | None: ...


class _JavaSyntax(_Syntax):
    grammar = "java"
    label = "Java"
    type_nodes = frozenset({"class_declaration", "interface_declaration", "record_declaration"})
    function_nodes = frozenset({"method_declaration"})

    def annotation(self, node: Node, source: bytes) -> _Annotation | None:
        if node.type not in ("annotation", "marker_annotation"):
            return None
        name = node.child_by_field_name("name")
        if name is None:
            return None
        args: dict[str, tuple[Node, ...]] = {}
        arguments = node.child_by_field_name("arguments")
        for arg in arguments.named_children if arguments is not None else ():
            if arg.type == "element_value_pair":
                key, value = arg.child_by_field_name("key"), arg.child_by_field_name("value")
                if key is not None and value is not None:
                    args[text(key, source)] = (value,)
            elif arg.type not in self.comment_nodes:
                args["value"] = (arg,)
        return _Annotation(text(name, source).rsplit(".", 1)[-1], args, node)

    def nested_annotation(self, node: Node, source: bytes) -> _Annotation | None:
        return self.annotation(node, source)

    def is_inner(self, node: Node, keywords: set[str], in_interface: bool) -> bool:
        # Interfaces, records and members of interfaces are implicitly static.
        return not (node.type != "class_declaration" or "static" in keywords or in_interface)

    def is_interface(self, node: Node) -> bool:
        return node.type == "interface_declaration"

    def has_body(self, node: Node) -> bool:
        return node.child_by_field_name("body") is not None

    def takes_no_parameters(self, node: Node) -> bool:
        parameters = node.child_by_field_name("parameters")
        return parameters is None or not any(c.type in ("formal_parameter", "spread_parameter")
                                             for c in parameters.named_children)

    def extends_test_case(self, node: Node, source: bytes) -> bool:
        superclass = node.child_by_field_name("superclass")
        return superclass is not None and \
            re.search(r"\bTestCase\s*$", text(superclass, source)) is not None

    def array(self, node: Node, source: bytes) -> list[Node] | None:
        if node.type == "element_value_array_initializer":
            return [c for c in node.named_children if c.type not in self.comment_nodes]
        return None

    def literal(self, node: Node, source: bytes) -> str | None:
        if node.type != "string_literal":
            return None
        raw = text(node, source)
        if raw.startswith('"""'):
            # A text block: content starts after the opening line, indentation stripped.
            body = raw[3:-3] if raw.endswith('"""') and len(raw) >= 6 else raw[3:]
            return _unescape(textwrap.dedent(body.split("\n", 1)[-1]))
        return _unescape(raw[1:-1])

    def integer(self, node: Node, source: bytes) -> int | None:
        if node.type == "decimal_integer_literal":
            return _int(text(node, source))
        return None


class _KotlinSyntax(_Syntax):
    grammar = "kotlin"
    label = "Kotlin"
    type_nodes = frozenset({"class_declaration", "object_declaration"})
    function_nodes = frozenset({"function_declaration"})

    def identifier(self, node: Node, source: bytes) -> str:
        # fun `adds two numbers`() is named "adds two numbers" by the JVM and JUnit.
        return text(node, source).strip("`")

    def annotation(self, node: Node, source: bytes) -> _Annotation | None:
        if node.type != "annotation":
            return None
        for child in node.named_children:
            if child.type == "user_type":
                return _Annotation(_last_identifier(child, source), {}, node)
            if child.type == "constructor_invocation":
                user_type = next((c for c in child.named_children if c.type == "user_type"),
                                 None)
                arguments = next((c for c in child.named_children
                                  if c.type == "value_arguments"), None)
                if user_type is None:
                    return None
                return _Annotation(_last_identifier(user_type, source),
                                   self.arguments(arguments, source), node)
        return None

    def arguments(self, node: Node | None, source: bytes) -> dict[str, tuple[Node, ...]]:
        """Named arguments by name; unnamed ones (a vararg `value`) gathered under "value"."""
        args: dict[str, tuple[Node, ...]] = {}
        for arg in node.named_children if node is not None else ():
            if arg.type != "value_argument" or not arg.named_children:
                continue
            value = arg.named_children[-1]
            if any(c.type == "=" for c in arg.children) and len(arg.named_children) >= 2:
                args[text(arg.named_children[0], source)] = (value,)
            else:
                args["value"] = (*args.get("value", ()), value)
        return args

    def nested_annotation(self, node: Node, source: bytes) -> _Annotation | None:
        # @Tags(Tag("a"), Tag("b")): nested annotations are written as calls.
        if node.type == "annotation":
            return self.annotation(node, source)
        if node.type == "call_expression" and node.named_children:
            callee = node.named_children[0]
            arguments = next((c for c in node.named_children if c.type == "value_arguments"),
                             None)
            return _Annotation(text(callee, source).rsplit(".", 1)[-1],
                               self.arguments(arguments, source), node)
        return None

    def is_inner(self, node: Node, keywords: set[str], in_interface: bool) -> bool:
        # Kotlin classes nest statically unless marked `inner`.
        return node.type == "class_declaration" and "inner" in keywords

    def is_interface(self, node: Node) -> bool:
        return any(c.type == "interface" for c in node.children)

    def has_body(self, node: Node) -> bool:
        return any(c.type == "function_body" for c in node.children)

    def takes_no_parameters(self, node: Node) -> bool:
        parameters = next((c for c in node.named_children
                           if c.type == "function_value_parameters"), None)
        return parameters is None or not any(c.type == "parameter"
                                             for c in parameters.named_children)

    def array(self, node: Node, source: bytes) -> list[Node] | None:
        if node.type == "collection_literal":
            return [c for c in node.named_children if c.type not in self.comment_nodes]
        if node.type == "call_expression" and node.named_children and \
                re.fullmatch(r"\w*[aA]rrayOf", text(node.named_children[0], source)):
            arguments = next((c for c in node.named_children if c.type == "value_arguments"),
                             None)
            return [a.named_children[-1] for a in
                    (arguments.named_children if arguments is not None else ())
                    if a.type == "value_argument" and a.named_children]
        return None

    def literal(self, node: Node, source: bytes) -> str | None:
        if node.type not in ("string_literal", "multiline_string_literal"):
            return None
        parts: list[str] = []
        for child in node.named_children:
            if child.type in ("string_content", "escape_sequence"):
                parts.append(text(child, source))
            else:
                return None  # "${…}" is computed
        value = "".join(parts)
        if node.type == "multiline_string_literal":  # raw: no escapes
            return textwrap.dedent(value.split("\n", 1)[-1] if value.startswith("\n")
                                   else value)
        # Unescaped as a whole: the grammar splits `\u00e9` across two content pieces.
        return _unescape(value)

    def integer(self, node: Node, source: bytes) -> int | None:
        if node.type in ("number_literal", "integer_literal"):
            return _int(text(node, source))
        return None


_JAVA = _JavaSyntax()
_KOTLIN = _KotlinSyntax()


# -- small text helpers -------------------------------------------------------------


def _last_identifier(user_type: Node, source: bytes) -> str:
    identifiers = [c for c in user_type.named_children if "identifier" in c.type]
    node = identifiers[-1] if identifiers else user_type
    return text(node, source).rsplit(".", 1)[-1]


def _leaf_texts(node: Node, source: bytes) -> list[str]:
    if node.child_count == 0:
        return [text(node, source)]
    return [t for child in node.children for t in _leaf_texts(child, source)]


def _int(literal: str) -> int | None:
    try:
        return int(literal.replace("_", "").rstrip("lLuU"), 0)
    except ValueError:
        return None


def _class_name(literal: str) -> str:
    """`SlowTests.class` / `SlowTests::class` / `a.b.Slow.class` → `Slow`."""
    name = re.sub(r"(\.class|::class(\.java)?)$", "", literal.strip())
    return name.rsplit(".", 1)[-1]


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "s": " ", '"': '"',
            "'": "'", "\\": "\\", "$": "$"}


def _unescape(raw: str) -> str:
    def one(match: re.Match) -> str:
        escape = match.group(1)
        if escape.startswith("u"):
            return chr(int(escape[1:], 16))
        return _ESCAPES.get(escape, match.group(0))

    return re.sub(r"\\(u[0-9a-fA-F]{4}|.)", one, raw)


def _one_line(source_text: str) -> str:
    return " ".join(source_text.split())


def _comment_lines(comment: str) -> list[str]:
    if comment.startswith("//"):
        body = comment[2:]
        return [body[1:] if body.startswith(" ") else body]
    body = comment[3:] if comment.startswith("/**") else comment[2:]
    body = body[:-2] if body.endswith("*/") else body
    return [re.sub(r"^\s*\*?\s?", "", line) for line in body.splitlines()]


def _parse(parser: Parser, source: bytes) -> tuple[Tree | None, int]:
    """The tree, or None and the byte offset reached when the parser's work ran away.

    tree-sitter-kotlin can spend minutes recovering from some broken files (a stray
    brace and a few deleted characters are enough). The budget counts tree-sitter's
    progress reports, not seconds, so the answer is the same on every machine: valid
    files use about one report per hundred bytes; the budget allows several times more.
    """
    budget = 500 + len(source) // 20
    reports = 0
    reached = 0

    def progress(offset: int, has_error: bool) -> bool:
        nonlocal reports, reached
        reports += 1
        reached = offset
        return reports > budget  # True cancels

    try:
        tree = parser.parse(lambda offset, _point: source[offset:offset + 65536],
                            progress_callback=progress)
    except ValueError:  # cancelled
        parser.reset()  # or the next parse would resume this one
        return None, reached
    return tree, reached


def _comments(root: Node, syntax: _Syntax) -> list[Node]:
    """Every comment in the file, in order."""
    query = _COMMENT_QUERIES.get(syntax.grammar)
    if query is None:
        query = _COMMENT_QUERIES[syntax.grammar] = Query(
            language_for(syntax.grammar), "[(line_comment) (block_comment)] @comment")
    found = QueryCursor(query).captures(root).get("comment", [])
    return sorted(found, key=lambda n: n.start_byte)


_COMMENT_QUERIES: dict[str, Query] = {}  # by grammar, built on first use


def _misread_annotations(root: Node) -> bool:
    # A top-level annotated expression is never meant in a .kt file; in a .kts script
    # one just above a class is still the misreading.
    return any(c.type == "annotated_expression" for c in root.named_children)


def _kotlin_retry_source(source: bytes, comments: list[_Span],
                         strings: list[_Span]) -> bytes:
    copy = bytearray(source)
    for comment in comments:
        start, end = comment.start_byte, comment.end_byte
        copy[start:end] = re.sub(rb"[^\n]", b" ", source[start:end])
    # A brace inside a string or comment is text, not the end of a class body.
    protected = sorted((*comments, *strings))
    starts = [span.start_byte for span in protected]
    for match in _BRACE_ON_SAME_LINE.finditer(source):
        at = match.start()
        index = bisect_left(starts, at + 1) - 1
        if index < 0 or protected[index].end_byte <= at:
            copy[at] = 0x0A
    return bytes(copy)


@dataclass(frozen=True, order=True)
class _Span:
    """A comment or string found by `_kotlin_spans`; shaped like a node where it matters."""

    start_byte: int
    end_byte: int


def _kotlin_spans(source: bytes) -> tuple[list[_Span], list[_Span]]:
    """Comments and string literals of Kotlin source, by a lexer that needs no parse.

    Knows line and (nested) block comments, "…" with escapes, raw \"\"\"…\"\"\" strings and
    char literals; a string inside a `${…}` template ends the outer string early, which
    only costs the brace repair a chance.
    """
    comments: list[_Span] = []
    strings: list[_Span] = []
    size = len(source)
    i = 0
    while True:
        found = _LEXER_STARTS.search(source, i)
        if found is None:
            break
        i = found.start()
        if source.startswith(b"//", i):
            end = source.find(b"\n", i)
            end = size if end < 0 else end
            comments.append(_Span(i, end))
        elif source.startswith(b"/*", i):
            depth, end = 1, i + 2
            while depth:  # Kotlin block comments nest
                mark = _BLOCK_MARKS.search(source, end)
                if mark is None:
                    end = size
                    break
                depth += 1 if mark.group() == b"/*" else -1
                end = mark.end()
            comments.append(_Span(i, end))
        elif source.startswith(b'"""', i):
            end = source.find(b'"""', i + 3)
            end = size if end < 0 else end + 3
            while end < size and source[end] == 0x22:  # """a"""" ends on the last quote
                end += 1
            strings.append(_Span(i, end))
        elif source[i] in (0x22, 0x27):  # "…" and '…'
            quote, end = source[i], i + 1
            while end < size and source[end] not in (quote, 0x0A):
                end += 2 if source[end] == 0x5C else 1
            end = min(end + 1, size)
            strings.append(_Span(i, end))
        i = max(end, i + 1)
    return comments, strings


_LEXER_STARTS = re.compile(rb"//|/\*|[\"']")
_BLOCK_MARKS = re.compile(rb"/\*|\*/")


def _error_line(root: Node) -> int | None:
    line = first_error_line(root)
    if line is None or line != root.start_point[0] + 1:
        return line
    # A missing token the grammar keeps hidden is not among the children, so the shared
    # helper blames the file's start; the deepest node still flagged is a better guess.
    node = root
    while True:
        flagged = next((c for c in node.children if c.has_error or c.is_error
                        or c.is_missing), None)
        if flagged is None:
            return node.start_point[0] + 1
        node = flagged


def _starts_line(node: Node, source: bytes) -> bool:
    """Nothing but blanks before the node on its line (not a trailing comment)."""
    start = source.rfind(b"\n", 0, node.start_byte) + 1
    return not source[start:node.start_byte].strip()
