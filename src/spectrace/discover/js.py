"""JS/TS tests (Jest, Vitest, Mocha, Jasmine, node:test, Playwright, Cypress) via tree-sitter."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from math import prod

import tree_sitter

from spectrace.discover.treesitter import first_error_line, parser_for, text
from spectrace.model import Language, Problem, ProblemKind, Test, TestFile, TestKind
from spectrace.specs.ids import spec_comment_ids

__all__ = ["JsDiscoverer", "JS_SUFFIXES", "grammar_for"]

# Suffix → tree-sitter grammar. JSX is valid in .js too, and the javascript grammar reads it.
_GRAMMARS = {
    ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript", ".cjs": "javascript",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "tsx",
}
JS_SUFFIXES = frozenset(_GRAMMARS)
_DECLARATION_SUFFIXES = (".d.ts", ".d.mts", ".d.cts")  # type declarations hold no tests

# Build output and dependencies: a test file copied there is not the one the team writes.
_NEVER_UNDER = frozenset({"node_modules", "dist", "build", ".next", ".nuxt", ".output",
                          ".svelte-kit", ".turbo", "coverage", "bower_components"})
# Folders whose js/ts files are end-to-end specs whatever they are called.
_E2E_FOLDERS = frozenset({"e2e", "playwright", "e2e-tests", "e2e_tests", "end-to-end",
                          "end_to_end"})
_CYPRESS_SPEC_FOLDERS = frozenset({"e2e", "integration", "component"})
_TEST_NAME_PARTS = frozenset({"test", "spec", "cy"})
_MOCHA_DEFAULT = frozenset({".js", ".cjs", ".mjs"})  # mocha's default spec: ./test/*.{js,cjs,mjs}

# Callee names. x-prefixed ones skip (Jasmine, Jest, Mocha), f-prefixed ones focus.
_TESTS = {"test": None, "it": None, "specify": None,
          "xit": "skip", "xtest": "skip", "xspecify": "skip", "fit": "only"}
_SUITES = {"describe": None, "context": None, "suite": None,
           "xdescribe": "skip", "xcontext": "skip", "fdescribe": "only"}
# Modifiers that may follow a base name; the last group takes arguments before the
# declaration's own: `it.each(table)(title, fn)`, `test.skipIf(cond)(title, fn)`.
_FLAG_MODIFIERS = frozenset({"skip", "only", "todo", "concurrent", "sequential", "shuffle",
                             "fails", "failing", "fixme", "fail", "serial", "parallel",
                             "describe", "slow"})
_ARG_MODIFIERS = frozenset({"each", "for", "skipIf", "runIf"})
_KNOWN_MODIFIERS = _FLAG_MODIFIERS | _ARG_MODIFIERS
# Playwright's `test.skip()`/`test.fixme()`/`test.fail()`/`test.slow()` called inside a
# test, a hook or a describe body: they change the tests around them, they declare none.
_RUNTIME_MODIFIERS = frozenset({"skip", "fixme", "fail", "slow"})
_VITEST_OPTIONS = frozenset({"skip", "only", "todo", "concurrent", "sequential", "shuffle",
                             "fails"})
_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function",
                        "generator_function"})

# Where a test name or a `.skip(`/`.todo(` may be written. The regex only proposes byte
# ranges; the syntax tree decides, so matches inside strings and comments fall away.
# (A tree-sitter query with name predicates does the same, several times slower.)
_CANDIDATES = re.compile(
    rb"\b(?P<name>[xf]?(?:it|test|specify|describe|context|suite)|pending)\b"
    rb"|\.\s*(?P<prop>skip|todo)\b")

# A file without one of these cannot declare a test: `it(`, `test.each`, `describe (`…
_MAYBE_TESTS = re.compile(r"\b[xf]?(?:it|test|specify|describe|context|suite)\s*[.(]")
_LANGUAGE_NAMES = {"javascript": "JavaScript", "typescript": "TypeScript", "tsx": "TSX"}


def grammar_for(path: str) -> str | None:
    """The tree-sitter grammar for a file name: "javascript", "typescript", "tsx" or None."""
    dot = path.rfind(".")
    return _GRAMMARS.get(path[dot:].lower()) if dot >= 0 else None


class JsDiscoverer:
    """`test`/`it`/`describe` calls and their modifiers, found in the syntax tree, never run."""

    language = Language.JAVASCRIPT  # TypeScript files get Language.TYPESCRIPT

    def is_test_file(self, path: str) -> bool:
        """`*.test.*`, `*.spec.*`, `*.cy.*`, `__tests__/`, e2e folders, mocha's `test/*.js`."""
        lowered = path.lower()
        if grammar_for(lowered) is None or lowered.endswith(_DECLARATION_SUFFIXES):
            return False
        parts = lowered.split("/")
        folders, name = parts[:-1], parts[-1]
        if any(f in _NEVER_UNDER for f in folders):
            return False
        if _TEST_NAME_PARTS.intersection(name.split(".")[1:-1]):
            return True
        if "__tests__" in folders or any(f in _E2E_FOLDERS for f in folders):
            return True
        if any(a == "cypress" and b in _CYPRESS_SPEC_FOLDERS
               for a, b in zip(folders, folders[1:])):
            return True
        return bool(folders) and folders[-1] == "test" and \
            name[name.rfind("."):] in _MOCHA_DEFAULT

    def parse(self, text: str, path: str, kind: TestKind) -> TestFile:
        grammar = grammar_for(path) or "javascript"
        language = Language.JAVASCRIPT if grammar == "javascript" else Language.TYPESCRIPT
        if not _MAYBE_TESTS.search(text):
            return TestFile(path, language, kind)
        source = text.encode("utf-8", "surrogatepass")
        tree = parser_for(grammar).parse(source)
        tests = _Reader(source, tree.root_node, grammar).tests()
        problems: tuple[Problem, ...] = ()
        line = first_error_line(tree.root_node)
        if line is not None:
            problems = (Problem(
                ProblemKind.PARSE_ERROR,
                f"{_LANGUAGE_NAMES[grammar]} syntax error; tests were read where the parser"
                " recovered", path, line),)
        return TestFile(path, language, kind, tests=tests, problems=problems)


# --- reading one syntax tree -----------------------------------------------------------


@dataclass
class _Modifier:
    """A run-time `test.skip(...)`-like call inside a test, hook or describe, and when."""

    kind: str  # "skip", "fixme", "fail", "slow"
    condition: str | None  # None: always
    reason: str | None


@dataclass
class _Flags:
    """What a declaration's callee chain and options say about it."""

    markers: list[str] = field(default_factory=list)
    skip: bool = False
    skip_reason: str | None = None
    conditions: list[tuple[str, str | None]] = field(default_factory=list)
    xfail: bool = False
    each: bool = False
    rows: int | None = None


@dataclass
class _Decl:
    """A test or a describe block, before the frozen Test is built."""

    suite: bool
    node: tree_sitter.Node
    title: str | None  # None: an anonymous `test.describe(() => …)` group
    flags: _Flags
    parent: _Decl | None
    ids: list[str]
    doc: str | None
    texts: list[str]
    modifiers: list[_Modifier] = field(default_factory=list)
    context: str | None = None  # the name of the test function's first parameter


class _Reader:
    def __init__(self, source: bytes, root: tree_sitter.Node, grammar: str) -> None:
        self.source = source
        self.root = root
        self.grammar = grammar
        # The describes and tests around the position being read, outermost first. Calls
        # are read in document order, so byte ranges say what encloses what; asking
        # tree-sitter for parents instead costs the depth of the tree on every step.
        self.open: list[_Decl] = []
        self.file_modifiers: list[_Modifier] = []

    def text(self, node: tree_sitter.Node) -> str:
        return text(node, self.source)

    def tests(self) -> tuple[Test, ...]:
        found: list[tuple[int, str, tree_sitter.Node]] = []
        for match in _CANDIDATES.finditer(self.source):
            group = "name" if match.group("name") else "prop"
            start, end = match.span(group)
            node = self.root.named_descendant_for_byte_range(start, end)
            if node is None or node.start_byte != start or node.end_byte != end:
                continue
            if group == "name":
                if node.type == "identifier":
                    found.append((start, "name", node))
                continue
            call = _property_call(node)
            if call is None:
                continue
            obj = call.child_by_field_name("function").child_by_field_name("object")
            if obj.type == "this" and self.text(node) == "skip":
                found.append((call.start_byte, "this", call))
            elif obj.type == "identifier":
                # node:test's `t.skip()` / `t.todo()`, vitest's `ctx.skip()`.
                found.append((call.start_byte, "ctx", call))
        # Document order, so a describe is known before the calls inside it.
        found.sort(key=lambda item: item[0])
        ordered: list[_Decl] = []
        for _, what, node in found:
            if what == "this":  # mocha's `this.skip()` inside a test or hook
                self._runtime(node, "skip", node.child_by_field_name("arguments"))
                continue
            if what == "ctx":
                self._context_skip(node)
                continue
            name = self.text(node)
            if name == "pending":  # jasmine's `pending(reason)` inside a test
                call = node.parent
                if call is not None and call.type == "call_expression" and \
                        _same(call.child_by_field_name("function"), node):
                    args = _args(call.child_by_field_name("arguments"))
                    reason = _string(args[0], self.source) if args else None
                    self._attach(call, _Modifier("skip", None, reason or "pending"))
                continue
            decl = self._declaration(node, name)
            if decl is not None:
                ordered.append(decl)
        return tuple(self._test(d) for d in ordered if not d.suite)

    # -- declarations ----------------------------------------------------------------

    def _declaration(self, base: tree_sitter.Node, name: str) -> _Decl | None:
        """The test or describe a base identifier starts, following its callee chain."""
        segments: list[str] = [name]
        calls: list[tuple[str, tree_sitter.Node | None]] = []  # (segment before, arguments)
        node = base
        while True:
            parent = node.parent
            if parent is None:
                break
            if parent.type == "member_expression" and \
                    _same(parent.child_by_field_name("object"), node):
                prop = parent.child_by_field_name("property")
                if prop is None or self.text(prop) not in _KNOWN_MODIFIERS:
                    break  # `it(...).timeout(5)`: the chain stops before `.timeout`
                segments.append(self.text(prop))
            elif parent.type == "call_expression" and \
                    _same(parent.child_by_field_name("function"), node):
                calls.append((segments[-1], parent.child_by_field_name("arguments")))
                segments.append("()")
            else:
                break
            node = parent
        if node.type != "call_expression" or not calls:
            return None
        # Every inner call feeds an argument modifier; the last call is the declaration.
        pending_arg = False
        for i, segment in enumerate(segments):
            if segment == "()":
                if i < len(segments) - 1 and not pending_arg:
                    return None
                pending_arg = False
            elif segment in _ARG_MODIFIERS:
                if pending_arg:
                    return None
                pending_arg = True
        if pending_arg or segments[-2] in _ARG_MODIFIERS:
            return None  # `it.each(table)` alone makes a function, it declares nothing
        mods = [s for s in segments[1:] if s != "()"]
        # Playwright's `test.describe(...)`: a describe only right after `test`.
        if "describe" in mods and (name != "test" or mods[0] != "describe"):
            return None
        suite = name in _SUITES or "describe" in mods
        if name not in _TESTS and name not in _SUITES:
            return None
        args = _args(calls[-1][1])
        if name == "test" and len(mods) == 1 and mods[0] in _RUNTIME_MODIFIERS and \
                not _declares(args, self.source):
            self._runtime(node, mods[0], calls[-1][1])
            return None
        if "slow" in mods or not args:
            return None
        flags = self._flags(name, mods, calls[:-1], args)
        title_node = args[0]
        if title_node.type in _FUNCTIONS:
            if not suite:
                return None
            title = None
        else:
            title = _title(title_node, self.source)
        container = self._container(node)
        if container is not None and not container.suite:
            return None  # a test inside a test: the runners refuse it
        comments = _comments_above(node, self.source)
        ids = [i for c in comments for line in c.text.splitlines()
               if (found := spec_comment_ids(line.strip())) for i in found]
        doc_comment = next((c for c in reversed(comments) if c.jsdoc), None)
        doc = next((line for line in doc_comment.text.splitlines() if line.strip()), None) \
            if doc_comment else None
        texts = [c.text for c in comments if c.text]
        if title is not None:
            texts.append(title)
        decl = _Decl(suite, node, title, flags, container, list(dict.fromkeys(ids)),
                     doc, texts, context=_first_parameter(args, self.source))
        self.open.append(decl)
        return decl

    def _flags(self, name: str, mods: list[str],
               arg_calls: list[tuple[str, tree_sitter.Node | None]],
               args: list[tree_sitter.Node]) -> _Flags:
        flags = _Flags()
        prefix = _TESTS.get(name) or _SUITES.get(name)
        for mod in ([prefix] if prefix else []) + [m for m in mods if m != "describe"]:
            if mod not in flags.markers:
                flags.markers.append(mod)
            if mod == "skip":
                flags.skip = True
            elif mod in ("todo", "fixme"):
                flags.skip = True
                flags.skip_reason = flags.skip_reason or mod
            elif mod in ("fails", "failing", "fail"):
                flags.xfail = True
        for mod, arguments in arg_calls:
            first = next(iter(_args(arguments)), None) if arguments is not None else None
            if mod in ("each", "for"):
                flags.each = True
                flags.rows = _rows(arguments, self.source) if arguments is not None else None
            elif mod in ("skipIf", "runIf") and first is not None:
                condition = self.text(first)
                if mod == "runIf":
                    condition = _negate(condition)
                truth = _literal_truth(condition)
                if truth is True:
                    flags.skip = True
                elif truth is None:
                    flags.conditions.append((condition, None))
        for arg in args[1:]:
            if arg.type == "object":
                self._options(arg, flags)
        return flags

    def _options(self, node: tree_sitter.Node, flags: _Flags) -> None:
        """Vitest's `{ skip: true, only: true }` and Playwright's `{ tag: ['@smoke'] }`."""
        for pair in node.named_children:
            if pair.type != "pair":
                continue
            key_node, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
            if key_node is None or value is None:
                continue
            key = _title(key_node, self.source)
            if key == "tag":
                items = value.named_children if value.type == "array" else [value]
                for item in items:
                    tag = _string(item, self.source)
                    if tag and tag not in flags.markers:
                        flags.markers.append(tag)
                continue
            if key not in _VITEST_OPTIONS:
                continue
            # node:test takes a reason where vitest takes `true`: `{ skip: 'no network' }`.
            reason = _string(value, self.source)
            truth = _literal_truth(self.text(value)) if reason is None else bool(reason)
            if truth is False:
                continue
            if key == "skip" and truth is None:
                flags.conditions.append((self.text(value), None))
                continue
            if key not in flags.markers:
                flags.markers.append(key)
            if key == "skip":
                flags.skip = True
                flags.skip_reason = flags.skip_reason or reason
            elif key == "todo":
                flags.skip, flags.skip_reason = True, flags.skip_reason or "todo"
            elif key == "fails":
                flags.xfail = True

    # -- runtime modifiers -------------------------------------------------------------

    def _runtime(self, call: tree_sitter.Node, kind: str,
                 arguments: tree_sitter.Node | None) -> None:
        """`test.skip()`, `test.skip(cond, reason)`, `test.fixme(...)`, `this.skip()`…"""
        args = _args(arguments)
        condition: str | None = None
        reason: str | None = None
        if args:
            first = args[0]
            if len(args) == 1 and first.type in ("string", "template_string"):
                reason = _string(first, self.source)  # test.skip('reason') is unconditional
            else:
                condition = self.text(first)
                truth = _literal_truth(condition)
                if truth is False:
                    return
                if truth is True:
                    condition = None
                if len(args) > 1:
                    reason = _string(args[1], self.source)
        self._attach(call, _Modifier(kind, condition, reason))

    def _context_skip(self, call: tree_sitter.Node) -> None:
        """`t.skip('reason')` where `t` is the first parameter of the test around it."""
        function = call.child_by_field_name("function")
        obj = function.child_by_field_name("object") if function is not None else None
        prop = function.child_by_field_name("property") if function is not None else None
        if obj is None or prop is None:
            return
        container = self._container(call)
        if container is None or container.suite or container.context != self.text(obj):
            return
        args = _args(call.child_by_field_name("arguments"))
        reason = _string(args[0], self.source) if args else None
        if self.text(prop) == "todo":
            reason = "todo"
        self._attach(call, _Modifier("skip", None, reason))

    def _attach(self, call: tree_sitter.Node, modifier: _Modifier) -> None:
        """Give a runtime modifier to the test or describe around it, with any `if` above it."""
        container = self._container(call)
        stop = container.node.id if container is not None else None
        guards: list[str] = []
        child, node = call, call.parent
        while node is not None and node.id != stop:
            guard = _guard(node, child, self.source)
            if guard:
                guards.append(guard)
            child, node = node, node.parent
        if guards:
            guards.reverse()
            if modifier.condition is not None:
                guards.append(modifier.condition)
            modifier.condition = " and ".join(guards)
        if container is None:
            self.file_modifiers.append(modifier)
        else:
            container.modifiers.append(modifier)

    def _container(self, node: tree_sitter.Node) -> _Decl | None:
        """The innermost describe or test whose call spans `node`."""
        while self.open and self.open[-1].node.end_byte <= node.start_byte:
            self.open.pop()
        return self.open[-1] if self.open else None

    # -- the frozen Test ---------------------------------------------------------------

    def _test(self, decl: _Decl) -> Test:
        chain: list[_Decl] = []  # the test, then its describes inside out
        d: _Decl | None = decl
        while d is not None:
            chain.append(d)
            d = d.parent
        skipped, skip_reason = False, None
        conditions: list[str] = []
        conditional_reason: str | None = None
        xfail, xfail_reason = False, None
        markers: list[str] = []
        for d in reversed(chain):
            markers.extend(d.flags.markers)
        sources = [(d.flags, d.modifiers) for d in chain] + [(_Flags(), self.file_modifiers)]
        for flags, modifiers in sources:
            if flags.skip:
                skipped = True
                skip_reason = skip_reason or flags.skip_reason
            for condition, reason in flags.conditions:
                conditions.append(condition)
                conditional_reason = conditional_reason or reason
            xfail = xfail or flags.xfail
            for mod in modifiers:
                if mod.kind == "slow":
                    markers.append("slow")
                    continue
                markers.append(mod.kind)
                if mod.kind == "fail":
                    if mod.condition is None:
                        xfail = True
                        xfail_reason = xfail_reason or mod.reason
                    continue
                reason = mod.reason or ("fixme" if mod.kind == "fixme" else None)
                if mod.condition is None:
                    skipped = True
                    skip_reason = skip_reason or reason
                else:
                    conditions.append(mod.condition)
                    conditional_reason = conditional_reason or reason
        eaches = [d.flags for d in chain if d.flags.each]
        params = None
        if eaches and all(f.rows is not None for f in eaches):
            params = prod(f.rows for f in eaches)  # type: ignore[misc]
        ids = [i for d in chain for i in d.ids]
        texts = [t for d in chain for t in d.texts]
        titles = [d.title for d in reversed(chain) if d.title is not None]
        conditions = list(dict.fromkeys(conditions))
        return Test(
            name=decl.title or "",
            qualname="::".join(titles),
            line=decl.node.start_point[0] + 1,
            skipped=skipped,
            skip_reason=skip_reason if skipped else conditional_reason,
            conditional=" or ".join(conditions) if conditions and not skipped else None,
            xfail=xfail,
            xfail_reason=xfail_reason,
            markers=tuple(dict.fromkeys(markers)),
            ids=tuple(dict.fromkeys(ids)),
            doc=decl.doc,
            texts=tuple(dict.fromkeys(texts)),
            params=params,
        )


# --- small readers over nodes -----------------------------------------------------------


def _same(a: tree_sitter.Node | None, b: tree_sitter.Node) -> bool:
    return a is not None and a.id == b.id


def _args(arguments: tree_sitter.Node | None) -> list[tree_sitter.Node]:
    if arguments is None:
        return []
    if arguments.type == "template_string":  # a tagged template: one argument
        return [arguments]
    return [a for a in arguments.named_children if a.type != "comment"]


def _property_call(prop: tree_sitter.Node) -> tree_sitter.Node | None:
    """The call `x.skip(...)` whose property `skip` is `prop`, if it is one."""
    if prop.type != "property_identifier":
        return None
    member = prop.parent
    if member is None or member.type != "member_expression":
        return None
    call = member.parent
    if call is None or call.type != "call_expression" or \
            not _same(call.child_by_field_name("function"), member):
        return None
    return call


def _first_parameter(args: list[tree_sitter.Node], source: bytes) -> str | None:
    """The name of the first parameter of the last function argument (`t` in `(t) => …`)."""
    function = next((a for a in reversed(args) if a.type in _FUNCTIONS), None)
    if function is None:
        return None
    single = function.child_by_field_name("parameter")  # `t => …`
    if single is not None:
        return text(single, source) if single.type == "identifier" else None
    parameters = function.child_by_field_name("parameters")
    first = parameters.named_children[0] if parameters and parameters.named_children else None
    if first is not None and first.type in ("required_parameter", "optional_parameter"):
        first = first.child_by_field_name("pattern")  # TypeScript: `(t: TestContext) => …`
    return text(first, source) if first is not None and first.type == "identifier" else None


def _declares(args: list[tree_sitter.Node], source: bytes) -> bool:
    """Whether `test.skip(...)` declares a test (title, body) or skips the current one.

    Playwright decides on the types at run time: a string title with a function declares.
    Statically a string-like first argument, or a function after the first, declares.
    """
    if not args:
        return False
    if args[0].type in ("string", "template_string") and len(args) > 1:
        return True
    return any(a.type in _FUNCTIONS for a in args[1:])


def _title(node: tree_sitter.Node, source: bytes) -> str:
    """A string's value; a template with `${}` or any other expression as written."""
    value = _string(node, source)
    if value is not None:
        return value
    if node.type == "template_string":
        return text(node, source)[1:-1]
    return text(node, source)


def _string(node: tree_sitter.Node, source: bytes) -> str | None:
    """The value of a string literal or a template without substitutions, else None."""
    if node.type == "property_identifier":
        return text(node, source)
    if node.type not in ("string", "template_string"):
        return None
    parts: list[str] = []
    for child in node.children:
        if child.type == "string_fragment":
            parts.append(text(child, source))
        elif child.type == "escape_sequence":
            parts.append(_unescape(text(child, source)))
        elif child.type == "template_substitution":
            return None
    return "".join(parts)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _unescape(escape: str) -> str:
    body = escape[1:]
    try:
        if body in _ESCAPES:
            return _ESCAPES[body]
        if body.startswith("u{") and body.endswith("}"):
            return chr(int(body[2:-1], 16))
        if body[:1] in ("u", "x") and len(body) in (3, 5):
            return chr(int(body[1:], 16))
    except (ValueError, OverflowError):
        return body
    if body[:1] in ("\n", "\r", "\u2028", "\u2029"):
        return ""  # a line continuation
    return body


def _rows(arguments: tree_sitter.Node, source: bytes) -> int | None:
    """Rows of an `.each` table written literally: an array, or a tagged template table."""
    if arguments.type == "template_string":
        # Jest splits the substitutions by the number of headings in the first line.
        head = ""
        substitutions = 0
        for child in arguments.children:
            if child.type == "template_substitution":
                substitutions += 1
            elif child.type == "string_fragment" and substitutions == 0:
                head += text(child, source)
        first = next((line for line in head.splitlines() if line.strip()), "")
        headings = [h for h in first.split("|") if h.strip()]
        if not headings or substitutions % len(headings):
            return None
        return substitutions // len(headings)
    args = _args(arguments)
    if len(args) != 1 or args[0].type != "array":
        return None
    items = [c for c in args[0].named_children if c.type != "comment"]
    if any(c.type == "spread_element" for c in items):
        return None
    return len(items)


def _literal_truth(condition: str) -> bool | None:
    stripped = condition.strip()
    while stripped.startswith("(") and stripped.endswith(")"):
        stripped = stripped[1:-1].strip()
    if stripped in ("true", "!false", "!0", "1"):
        return True
    if stripped in ("false", "!true", "0", "!1"):
        return False
    if stripped.startswith("!(") and stripped.endswith(")"):
        inner = _literal_truth(stripped[1:])
        return None if inner is None else not inner
    return None


def _negate(condition: str) -> str:
    return f"!({condition})"


def _guard(node: tree_sitter.Node, child: tree_sitter.Node, source: bytes) -> str | None:
    """The condition under which `child` runs inside `node`, when `node` is a branch."""
    if node.type == "if_statement":
        condition = node.child_by_field_name("condition")
        if condition is None or _same(condition, child):
            return None
        written = text(condition, source).strip()
        if written.startswith("(") and written.endswith(")"):
            written = written[1:-1].strip()
        return _negate(written) if _same(node.child_by_field_name("alternative"), child) \
            else written
    if node.type == "ternary_expression":
        condition = node.child_by_field_name("condition")
        if condition is None or _same(condition, child):
            return None
        written = text(condition, source).strip()
        return _negate(written) if _same(node.child_by_field_name("alternative"), child) \
            else written
    if node.type == "binary_expression":
        left, operator = node.child_by_field_name("left"), node.child_by_field_name("operator")
        if left is None or operator is None or _same(left, child):
            return None
        op = text(operator, source)
        if op == "&&":
            return text(left, source)
        if op in ("||", "??"):
            return _negate(text(left, source))
        return None
    if node.type == "switch_case":
        value = node.child_by_field_name("value")
        return f"case {text(value, source)}" if value is not None else None
    if node.type == "catch_clause":
        return "an error was caught"
    return None


@dataclass(frozen=True)
class _Comment:
    text: str
    jsdoc: bool


def _comments_above(call: tree_sitter.Node, source: bytes) -> list[_Comment]:
    """The comments directly above a call's statement (no blank line between), in order."""
    anchor = call
    if anchor.parent is not None and anchor.parent.type == "expression_statement":
        anchor = anchor.parent
    found: list[_Comment] = []
    row = anchor.start_point[0]
    sibling = anchor.prev_sibling
    while sibling is not None and sibling.type == "comment":
        if sibling.end_point[0] < row - 1:
            break
        before = sibling.prev_sibling
        if before is not None and before.type != "comment" and \
                before.end_point[0] == sibling.start_point[0]:
            break  # a trailing comment of the statement before
        found.append(_clean_comment(text(sibling, source)))
        row = sibling.start_point[0]
        sibling = before
    found.reverse()
    return found


def _clean_comment(raw: str) -> _Comment:
    if raw.startswith("//"):
        return _Comment(raw[2:].strip(), False)
    jsdoc = raw.startswith("/**") and raw != "/**/"
    body = raw[3 if jsdoc else 2:]
    if body.endswith("*/"):
        body = body[:-2]
    lines = [line.strip() for line in body.splitlines()]
    lines = [line[1:].strip() if line.startswith("*") else line for line in lines]
    return _Comment("\n".join(lines).strip(), jsdoc)
