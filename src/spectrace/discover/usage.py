"""Which source modules each test file exercises: imports, same-file tests, naming conventions."""

from __future__ import annotations

import ast
import json
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from spectrace.discover.components import (
    ComponentIndex,
    cargo_dependencies,
    cargo_lib_name,
    folder_of,
)
from spectrace.discover.files import DEFAULT_MAX_FILE_BYTES, read_text
from spectrace.discover.modules import SOURCE_SUFFIXES
from spectrace.model import Component, Language, Scan, TestFile

Reader = Callable[[str], "str | None"]

JS_SUFFIXES = tuple(s for s, lang in SOURCE_SUFFIXES.items()
                    if lang in (Language.JAVASCRIPT, Language.TYPESCRIPT))
_TS_FOR_JS = {".js": (".ts", ".tsx"), ".jsx": (".tsx",), ".mjs": (".mts",), ".cjs": (".cts",)}
_JS_TEST_NAME = re.compile(r"^(?P<stem>.+?)\.(?:test|spec|unit|e2e|cy|int)\.[cm]?[jt]sx?$")
_JVM_TEST_NAME = re.compile(r"^(?:Test(?P<pre>[A-Z]\w*)|(?P<stem>\w+?)(?:Tests?|IT|Spec))$")
# Go method names every package declares; a test calling `err.Error()` exercises nothing.
_GO_COMMON_METHODS = frozenset({"String", "Error", "Close", "Len", "Less", "Swap", "Unwrap"})


@dataclass(frozen=True)
class Use:
    """A test file exercises a module, by one rule."""

    test_file: str
    module: str
    rule: str  # import, same-file, test-module, crate-import, name, same-package


def find_uses(scan: Scan, read: Reader) -> tuple[Use, ...]:
    """Every (test file, module) pair these rules find, sorted; `read` gives a file's text.

    The rules, per language (a test file's tests are attributed to every module it exercises):
    - Python: modules the test file imports (`import a.b`, `from a import b`, `from a.b import c`,
      relative imports, src/ layouts, `pkg.mod.f()` after `import pkg`), directly or through a
      test-support file it imports (tests/helpers.py); conftest.py fixtures are not followed.
    - Rust: the file's own `#[cfg(test)]` tests; a `mod tests;` file's tests for its parent
      module; files in tests/ for the modules they name of their own crate or of a repository
      crate it depends on (`use crate_name::a::b`, `crate_name::a::f()`, also inside macros
      such as `assert_eq!`; a local `mod common;` shadows a crate named common).
    - JavaScript/TypeScript: `foo.test.ts` ↔ `foo.ts` (also from `__tests__/` and `tests/` ↔
      `src/`), and the files it imports: relative paths, workspace package names, tsconfig
      `paths` aliases, and through barrel files the modules that re-export what is imported.
    - Go: the non-test files of the `_test.go` file's folder that declare a name the test uses.
    - Java/Kotlin: `FooTest`/`FooTests`/`FooIT`/`TestFoo` ↔ `Foo`, and classes of the test's own
      package or of its imports whose name the test uses.
    """
    finder = _Finder(scan, read)
    uses: set[Use] = set()
    for test_file in scan.files:
        handler = finder.handlers.get(test_file.language)
        if handler is not None:
            uses.update(handler(test_file))
    return tuple(sorted(uses, key=lambda u: (u.test_file, u.module, u.rule)))


def uses_on_disk(root: Path, scan: Scan, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> tuple[Use, ...]:
    """`find_uses` reading the repository's files (unreadable ones simply exercise nothing)."""
    return find_uses(scan, lambda path: read_text(root, path, max_bytes).text)


class _Finder:
    def __init__(self, scan: Scan, read: Reader) -> None:
        self.scan = scan
        self.read = read
        self.modules = {m.path: m for m in scan.modules}
        self.owners = ComponentIndex(scan.components)
        self.handlers = {
            Language.PYTHON: self.python,
            Language.RUST: self.rust,
            Language.JAVASCRIPT: self.js,
            Language.TYPESCRIPT: self.js,
            Language.GO: self.go,
            Language.JAVA: self.jvm,
            Language.KOTLIN: self.jvm,
        }
        self._python_names: dict[str, list[str]] | None = None
        self._crates: dict[str, str] | None = None  # package name → folder
        self._packages: dict[str, Component] | None = None
        self._go_names: dict[str, set[str]] = {}
        self._python_reexports: dict[str, dict[str, list[tuple[str, str]]]] = {}

    def use(self, test_file: TestFile, module: str, rule: str) -> Use:
        return Use(test_file.path, module, rule)

    def text(self, path: str) -> str | None:
        try:
            return self.read(path)
        except OSError:
            return None

    # --- Python ----------------------------------------------------------------------

    def python_names(self) -> dict[str, list[str]]:
        """Dotted module name → module paths, for every source root that could hold it."""
        if self._python_names is None:
            names: dict[str, list[str]] = {}
            roots = {".", "src"}
            for component in self.scan.components:
                roots.update({component.path, _join(component.path, "src")})
            for path, module in self.modules.items():
                if module.language is not Language.PYTHON:
                    continue
                for name in self.dotted_names(path, roots):
                    names.setdefault(name, []).append(path)
            self._python_names = names
        return self._python_names

    def dotted_names(self, path: str, roots: set[str]) -> set[str]:
        parts = path[:-len(".py")].split("/")
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found = set()
        # The package chain: folders holding an __init__.py, up to the topmost one.
        top = len(parts) - 1
        while top > 0 and _join("/".join(parts[:top]), "__init__.py") in self.scan.paths:
            top -= 1
        if parts[top:]:
            found.add(".".join(parts[top:]))
        for root in roots:  # namespace packages and src/ layouts
            prefix = [] if root == "." else root.split("/")
            if parts[:len(prefix)] == prefix and parts[len(prefix):]:
                found.add(".".join(parts[len(prefix):]))
        return found

    def python(self, test_file: TestFile) -> list[Use]:
        uses = []
        seen = {test_file.path}
        queue = [test_file.path]
        while queue:
            path = queue.pop()
            for target in self.python_imports(path, test_file.path):
                if target in self.modules:
                    uses.append(self.use(test_file, target, "import"))
                elif target not in seen and posixpath.basename(target) != "conftest.py":
                    seen.add(target)  # a test-support file: what it imports is exercised too
                    queue.append(target)
        return uses

    def python_imports(self, path: str, near: str) -> set[str]:
        """Files (modules or other local Python files) that `path` imports."""
        text = self.text(path)
        if text is None:
            return set()
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            return set()
        found: set[str] = set()
        bound: dict[str, str] = {}  # local name → dotted module it stands for
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    found.update(self.resolve_dotted(alias.name, near))
                    if alias.asname:
                        bound[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        bound[top] = top
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    found.update(self.resolve_relative(path, node))
                    continue
                base = node.module or ""
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    sub = self.resolve_dotted(full, near, exact=True)
                    if sub:
                        found.update(sub)
                        bound[alias.asname or alias.name] = full
                    else:
                        for module in self.resolve_dotted(base, near):
                            found.add(module)
                            found.update(self.python_reexport(module, alias.name, near))
        for node in ast.walk(tree):  # `pkg.mod.f()` after `import pkg`
            if isinstance(node, ast.Attribute) and not isinstance(node.ctx, ast.Store):
                chain = _attribute_chain(node)
                if chain and chain[0] in bound:
                    dotted = ".".join([bound[chain[0]], *chain[1:]])
                    found.update(self.resolve_dotted(dotted, near))
        return found

    def python_reexport(self, module: str, name: str, near: str, depth: int = 4) -> set[str]:
        """Where a module got `name` from when it only re-exports it
        (`from .markdown import parse_markdown` in a package's __init__.py)."""
        if depth == 0 or module not in self.modules:
            return set()
        sources = self._python_reexports.get(module)
        if sources is None:
            sources = self._python_reexports[module] = self.python_bindings(module)
        found = set()
        for origin, original in sources.get(name, ()):
            target = self.resolve_dotted(f"{origin}.{original}", near, exact=True) or \
                self.resolve_dotted(origin, near, exact=True)
            for t in target:
                found.add(t)
                found.update(self.python_reexport(t, original, near, depth - 1))
        return found

    def python_bindings(self, module: str) -> dict[str, list[tuple[str, str]]]:
        """Top-level `from X import a as b` of a module: b → [(X as a dotted name, a)]."""
        try:
            tree = ast.parse(self.text(module) or "")
        except (SyntaxError, ValueError):
            return {}
        package = module[:-len(".py")].split("/")[:-1]
        bindings: dict[str, list[tuple[str, str]]] = {}
        for node in tree.body:
            if not isinstance(node, ast.ImportFrom):
                continue
            origin = node.module or ""
            if node.level:
                # Relative to the module's own package, as a dotted name every root agrees on.
                parts = package[:len(package) - (node.level - 1)] if node.level > 1 else package
                folder = "/".join(parts)
                names = self.dotted_names(f"{folder}/__init__.py", {"."}) if folder else set()
                here = min(names, key=len) if names else folder.replace("/", ".")
                origin = f"{here}.{origin}" if origin else here
            for alias in node.names:
                bindings.setdefault(alias.asname or alias.name, []).append((origin, alias.name))
        return bindings

    def resolve_dotted(self, dotted: str, near: str, exact: bool = False) -> list[str]:
        """The module a dotted name imports (the deepest existing prefix unless `exact`)."""
        names = self.python_names()
        parts = dotted.split(".")
        for end in range(len(parts), 0, -1):
            candidates = names.get(".".join(parts[:end]))
            if candidates:
                return [_nearest(candidates, near)]
            if exact:
                break
        return []

    def resolve_relative(self, path: str, node: ast.ImportFrom) -> set[str]:
        folder = folder_of(path)
        for _ in range(node.level - 1):
            folder = folder_of(folder)
        base = _join(folder, (node.module or "").replace(".", "/")) if node.module else folder
        found = set()
        for alias in node.names:
            for candidate in (f"{_join(base, alias.name)}.py",
                              _join(_join(base, alias.name), "__init__.py")):
                if candidate in self.scan.paths:
                    found.add(candidate)
                    break
            else:
                for candidate in (f"{base}.py", _join(base, "__init__.py")):
                    if candidate in self.scan.paths:
                        found.add(candidate)
                        break
        return found

    # --- Rust ------------------------------------------------------------------------

    def crates_seen_from(self, path: str) -> dict[str, str]:
        """Crates a Rust file of this repository can name (as `use` writes them) → crate folder:
        its own crate and the repository's crates it depends on."""
        owner = self.owners.owner(path, Language.RUST)
        if owner is None or owner.kind != "crate":
            return {}
        if self._crates is None:
            self._crates = {c.name: c.path for c in self.scan.components if c.kind == "crate"}
        text = self.text(owner.manifest) or ""
        seen = {cargo_lib_name(text) or owner.name.replace("-", "_"): owner.path}
        for key, package in cargo_dependencies(text).items():
            if package in self._crates:
                seen[key.replace("-", "_")] = self._crates[package]
        return seen

    def rust(self, test_file: TestFile) -> list[Use]:
        path = test_file.path
        if path in self.modules:
            return [self.use(test_file, path, "same-file")]
        name = posixpath.basename(path)
        if name in ("tests.rs", "test.rs") and "/src" in f"/{path}":
            folder = folder_of(path)
            parents = [f"{folder}.rs", _join(folder, "mod.rs")]
            if posixpath.basename(folder) == "src":
                parents = [_join(folder, "lib.rs"), _join(folder, "main.rs")]
            parent = next((p for p in parents if p in self.modules), None)
            return [self.use(test_file, parent, "test-module")] if parent else []
        text = self.text(path)
        if text is None:
            return []
        uses = []
        crates = self.crates_seen_from(path)
        for crate, segments in _rust_paths(text, set(crates)):
            module = self.rust_module(crates[crate], segments)
            if module:
                uses.append(self.use(test_file, module, "crate-import"))
        return uses

    def rust_module(self, crate: str, segments: list[str]) -> str | None:
        src = _join(crate, "src")
        for end in range(len(segments), 0, -1):
            base = _join(src, "/".join(segments[:end]))
            for candidate in (f"{base}.rs", _join(base, "mod.rs")):
                if candidate in self.modules:
                    return candidate
        root = _join(src, "lib.rs")
        return root if root in self.modules else None

    # --- JavaScript / TypeScript -----------------------------------------------------

    def packages(self) -> dict[str, Component]:
        if self._packages is None:
            self._packages = {c.name: c for c in self.scan.components if c.kind == "npm-package"}
        return self._packages

    def js(self, test_file: TestFile) -> list[Use]:
        uses = [self.use(test_file, m, "name") for m in self.js_namesakes(test_file.path)]
        text = self.text(test_file.path)
        if text is None:
            return uses
        for spec, names in _js_imports(text, test_file.path):
            target = self.resolve_js(spec, test_file.path)
            if target is not None:
                uses.append(self.use(test_file, target, "import"))
                uses += [self.use(test_file, m, "re-export")
                         for m in self.js_reexported(target, names, {target})]
        return uses

    def js_reexported(self, module: str, names: frozenset[str] | None,
                      seen: set[str]) -> list[str]:
        """Modules a barrel file (`export { Button } from "./Button"`) hands the imported
        `names` on from (None: all of them), followed through further barrels."""
        text = self.text(module)
        if not text or "export" not in text:
            return []
        found = []
        named, stars = _js_reexports(text, module)
        wanted = set(names) if names is not None else None
        for spec, exported, original in named:
            if wanted is not None and exported not in wanted:
                continue
            if wanted is not None:
                wanted.discard(exported)
            target = self.resolve_js(spec, module)
            if target and target not in seen:
                seen.add(target)
                found.append(target)
                found += self.js_reexported(
                    target, frozenset({original}) if original != "*" else None, seen)
        if wanted is None or wanted:
            for spec in stars:
                target = self.resolve_js(spec, module)
                if target and target not in seen:
                    seen.add(target)
                    found.append(target)
                    found += self.js_reexported(
                        target, frozenset(wanted) if wanted is not None else None, seen)
        return found

    def js_namesakes(self, path: str) -> list[str]:
        match = _JS_TEST_NAME.match(posixpath.basename(path))
        if match is None:
            return []
        folder = folder_of(path)
        folders = [folder]
        parts = folder.split("/")
        for i, part in enumerate(parts):
            if part in ("__tests__", "tests", "test"):
                folders.append("/".join(parts[:i] + parts[i + 1:]) or ".")
                folders.append("/".join(parts[:i] + ["src"] + parts[i + 1:]))
        for candidate_folder in folders:
            found = self.js_file(_join(candidate_folder, match["stem"]))
            if found:
                return [found]
        return []

    def js_file(self, base: str) -> str | None:
        """A module at `base` as a bundler resolves it: exact, with a suffix, or index."""
        base = posixpath.normpath(base)
        if base in self.modules:
            return base
        stem, suffix = posixpath.splitext(base)
        for ts in _TS_FOR_JS.get(suffix, ()):  # `./x.js` written for `x.ts` under ESM
            if stem + ts in self.modules:
                return stem + ts
        for suffix in JS_SUFFIXES:
            if base + suffix in self.modules:
                return base + suffix
        for suffix in JS_SUFFIXES:
            if _join(base, "index" + suffix) in self.modules:
                return _join(base, "index" + suffix)
        return None

    def resolve_js(self, spec: str, path: str) -> str | None:
        if spec.startswith((".", "/")):
            return self.js_file(_join(folder_of(path), spec)) if spec.startswith(".") else None
        for alias, targets in self.ts_aliases(path):
            if alias.endswith("*") and spec.startswith(alias[:-1]):
                rest = spec[len(alias) - 1:]
            elif spec == alias:
                rest = ""
            else:
                continue
            for target in targets:
                found = self.js_file(target.replace("*", rest))
                if found:
                    return found
        for name, component in self.packages().items():
            if spec == name:
                return self.package_entry(component)
            if spec.startswith(name + "/"):
                sub = spec[len(name) + 1:]
                return (self.js_file(_join(component.path, sub))
                        or self.js_file(_join(component.path, f"src/{sub}")))
        return None

    def package_entry(self, component: Component) -> str | None:
        text = self.text(component.manifest)
        fields: list[str] = []
        try:
            data = json.loads(text) if text else {}
        except json.JSONDecodeError:
            data = {}
        if isinstance(data, dict):
            exports = data.get("exports")
            if isinstance(exports, dict):
                exports = exports.get(".", exports)
            if isinstance(exports, dict):
                exports = next((v for k, v in exports.items() if k in ("source", "import", "default",
                                                                       "require") and isinstance(v, str)), None)
            fields = [exports] + [data.get(k) for k in ("source", "module", "main", "types")]
        for entry in [f for f in fields if isinstance(f, str)] + ["src/index", "index"]:
            found = self.js_file(_join(component.path, entry))
            if found:
                return found
        return None

    def ts_aliases(self, path: str) -> list[tuple[str, list[str]]]:
        """tsconfig `paths` of the nearest tsconfig.json above `path`, targets made repo-relative."""
        folder = folder_of(path)
        while True:
            config = _join(folder, "tsconfig.json")
            if config in self.scan.paths:
                return _ts_paths(self.text(config), folder)
            if folder == ".":
                return []
            folder = folder_of(folder)

    # --- Go --------------------------------------------------------------------------

    def go(self, test_file: TestFile) -> list[Use]:
        folder = folder_of(test_file.path)
        text = self.text(test_file.path)
        if text is None:
            return []
        used = _identifiers(text, "go")
        uses = []
        for path, module in self.modules.items():
            if module.language is not Language.GO or folder_of(path) != folder:
                continue
            declared = self.go_declarations(path)
            if declared & used:
                uses.append(self.use(test_file, path, "same-package"))
        return uses

    def go_declarations(self, path: str) -> set[str]:
        if path not in self._go_names:
            self._go_names[path] = _go_declarations(self.text(path) or "")
        return self._go_names[path]

    # --- Java / Kotlin ---------------------------------------------------------------

    def jvm(self, test_file: TestFile) -> list[Use]:
        stem = posixpath.splitext(posixpath.basename(test_file.path))[0]
        text = self.text(test_file.path) or ""
        grammar = "kotlin" if test_file.path.endswith(".kt") else "java"
        package, imports = _jvm_header(text)
        if package is None:
            package = _jvm_package_of(test_file.path)
        used = _identifiers(text, grammar)
        owner = self.owners.owner(test_file.path, test_file.language)
        uses = []
        match = _JVM_TEST_NAME.match(stem)
        subject = (match["pre"] or match["stem"]) if match else None
        for path, module in self.modules.items():
            if module.language not in (Language.JAVA, Language.KOTLIN):
                continue
            name = posixpath.splitext(posixpath.basename(path))[0]
            module_package = _jvm_package_of(path)
            if name == subject and self.owners.owner(path, module.language) == owner:
                uses.append(self.use(test_file, path, "name"))
            elif name in used and (module_package == package
                                   or f"{module_package}.{name}" in imports
                                   or f"{module_package}.*" in imports):
                uses.append(self.use(test_file, path, "import"))
        return uses


# --- helpers ------------------------------------------------------------------------


def _join(folder: str, rel: str) -> str:
    return posixpath.normpath(rel if folder in (".", "") else f"{folder}/{rel}")


def _nearest(candidates: list[str], near: str) -> str:
    """The candidate sharing the most leading folders with `near`, then the first by path."""
    here = folder_of(near).split("/")

    def shared(path: str) -> int:
        count = 0
        for mine, theirs in zip(folder_of(path).split("/"), here):
            if mine != theirs:
                break
            count += 1
        return count

    return sorted(candidates, key=lambda c: (-shared(c), c))[0]


def _attribute_chain(node: ast.Attribute) -> list[str]:
    names = []
    current: ast.expr = node
    while isinstance(current, ast.Attribute):
        names.append(current.attr)
        current = current.value
    if isinstance(current, ast.Name):
        return [current.id, *reversed(names)]
    return []


def _code_only(text: str, grammar: str, blank: Iterable[str]) -> tuple[bytes, object]:
    """The source with comments and string literals blanked (offsets kept), and its tree."""
    from spectrace.discover.treesitter import parser_for

    source = text.encode("utf-8", "surrogatepass")
    tree = parser_for(grammar).parse(source)
    out = bytearray(source)
    kinds = set(blank)
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type in kinds or "comment" in node.type:
            for i in range(node.start_byte, node.end_byte):
                if out[i] not in (10, 13):
                    out[i] = 32
            continue
        stack.extend(node.children)
    return bytes(out), tree


_RUST_PATH = re.compile(r"(?<![\w:])(\w+)((?:\s*::\s*\w+)+)")


def _rust_paths(text: str, crates: set[str]) -> list[tuple[str, list[str]]]:
    """(crate, path segments) for every path into one of `crates`, `use` trees expanded."""
    source, tree = _code_only(text, "rust", ("string_literal", "raw_string_literal", "char_literal"))
    code = source.decode("utf-8", "replace")
    # `mod common;` in a tests/ file shadows a crate of the same name.
    crates = crates - set(re.findall(r"(?<![\w:])mod\s+(\w+)", code))
    found: list[tuple[str, list[str]]] = []
    for match in _RUST_PATH.finditer(code):
        if match.group(1) in crates:
            found.append((match.group(1), [s.strip() for s in match.group(2).split("::")[1:]]))
    for crate in crates:
        if re.search(rf"(?<![\w:]){re.escape(crate)}\s*::\s*\{{", code):
            for path in _use_trees(tree.root_node, source):  # type: ignore[attr-defined]
                if path and path[0] == crate:
                    found.append((crate, path[1:]))
            break
    return found


def _use_trees(root, source: bytes) -> list[list[str]]:
    """Every path a `use` declaration brings in, `a::{b::{c, d}, e}` expanded."""
    out: list[list[str]] = []

    def text(node) -> list[str]:
        raw = source[node.start_byte:node.end_byte].decode("utf-8", "replace")
        return [s.strip() for s in raw.split("::") if s.strip()]

    def expand(node, prefix: list[str]) -> None:
        if node.type in ("scoped_identifier", "identifier", "crate", "self", "super"):
            out.append(prefix + text(node))
        elif node.type == "use_as_clause":
            expand(node.child_by_field_name("path"), prefix)
        elif node.type == "use_wildcard":
            for child in node.named_children:
                expand(child, prefix)
        elif node.type == "scoped_use_list":
            path = node.child_by_field_name("path")
            inner = prefix + (text(path) if path is not None else [])
            expand(node.child_by_field_name("list"), inner)
        elif node.type == "use_list":
            for child in node.named_children:
                expand(child, prefix)

    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "use_declaration":
            argument = node.child_by_field_name("argument")
            if argument is not None:
                expand(argument, [])
            continue
        stack.extend(node.named_children)
    return out


def _js_tree(text: str, path: str):
    from spectrace.discover.treesitter import parser_for

    grammar = "tsx" if path.endswith((".tsx", ".jsx")) else (
        "typescript" if path.endswith((".ts", ".mts", ".cts")) else "javascript")
    source = text.encode("utf-8", "surrogatepass")
    return parser_for(grammar).parse(source), source


def _string_value(node, source: bytes) -> str | None:
    if node is None or node.type != "string":
        return None
    return source[node.start_byte + 1:node.end_byte - 1].decode("utf-8", "replace")


def _is_type_only(node, source: bytes) -> bool:
    """`import type {…}` and `export type {…}` bring nothing in at run time."""
    head = source[node.start_byte:node.end_byte][:12].decode("utf-8", "replace").split()
    return len(head) > 1 and head[1] == "type"


def _js_imports(text: str, path: str) -> list[tuple[str, frozenset[str] | None]]:
    """(specifier, imported names or None for the whole module) of every import statement,
    `export … from`, `require()` and `import()` call."""
    tree, source = _js_tree(text, path)
    found: list[tuple[str, frozenset[str] | None]] = []
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.type == "import_statement" and not _is_type_only(node, source):
            spec = _string_value(node.child_by_field_name("source"), source)
            if spec is not None:
                found.append((spec, _imported_names(node, source)))
        elif node.type == "export_statement" and not _is_type_only(node, source):
            spec = _string_value(node.child_by_field_name("source"), source)
            if spec is not None:
                found.append((spec, None))
        elif node.type == "call_expression":
            function = node.child_by_field_name("function")
            arguments = node.child_by_field_name("arguments")
            if (function is not None and arguments is not None and arguments.named_child_count
                    and (function.type == "import"
                         or source[function.start_byte:function.end_byte] == b"require")):
                spec = _string_value(arguments.named_children[0], source)
                if spec is not None:
                    found.append((spec, None))
        stack.extend(node.named_children)
    return found


def _imported_names(statement, source: bytes) -> frozenset[str] | None:
    clause = next((c for c in statement.named_children if c.type == "import_clause"), None)
    if clause is None:
        return frozenset()  # `import "./styles.css"`: for its side effects
    names = set()
    for child in clause.named_children:
        if child.type == "identifier":
            names.add("default")
        elif child.type == "namespace_import":
            return None
        elif child.type == "named_imports":
            for spec in child.named_children:
                if spec.type == "import_specifier":
                    name = spec.child_by_field_name("name")
                    if name is not None:
                        names.add(source[name.start_byte:name.end_byte].decode("utf-8", "replace"))
    return frozenset(names)


def _js_reexports(text: str, path: str) -> tuple[list[tuple[str, str, str]], list[str]]:
    """A module's `export { a as b } from "x"` as (x, b, a), and its `export * from "x"`."""
    tree, source = _js_tree(text, path)
    named: list[tuple[str, str, str]] = []
    stars: list[str] = []
    for node in tree.root_node.named_children:
        if node.type != "export_statement" or _is_type_only(node, source):
            continue
        spec = _string_value(node.child_by_field_name("source"), source)
        if spec is None:
            continue
        clause = next((c for c in node.named_children if c.type == "export_clause"), None)
        if clause is None:
            namespace = next((c for c in node.named_children if c.type == "namespace_export"), None)
            if namespace is None:
                stars.append(spec)
            else:
                alias = namespace.named_children[-1] if namespace.named_children else None
                if alias is not None:
                    named.append((spec, source[alias.start_byte:alias.end_byte].decode(), "*"))
            continue
        for item in clause.named_children:
            if item.type != "export_specifier":
                continue
            name = item.child_by_field_name("name")
            alias = item.child_by_field_name("alias")
            if name is None:
                continue
            original = source[name.start_byte:name.end_byte].decode("utf-8", "replace")
            exported = (source[alias.start_byte:alias.end_byte].decode("utf-8", "replace")
                        if alias is not None else original)
            named.append((spec, exported, original))
    return named, stars


def _ts_paths(text: str | None, folder: str) -> list[tuple[str, list[str]]]:
    if not text:
        return []
    try:
        data = json.loads(_strip_jsonc(text))
    except json.JSONDecodeError:
        return []
    options = data.get("compilerOptions", {}) if isinstance(data, dict) else {}
    if not isinstance(options, dict) or not isinstance(options.get("paths"), dict):
        return []
    base = _join(folder, options.get("baseUrl") or ".")
    out = []
    for alias, targets in options["paths"].items():
        if isinstance(targets, list):
            out.append((alias, [_join(base, t) for t in targets if isinstance(t, str)]))
    return sorted(out, key=lambda item: -len(item[0]))  # the most specific alias first


def _strip_jsonc(text: str) -> str:
    """tsconfig.json allows comments and trailing commas; JSON does not."""
    out = re.sub(r'("(?:\\.|[^"\\])*")|//[^\n]*|/\*.*?\*/', lambda m: m.group(1) or "",
                 text, flags=re.DOTALL)
    return re.sub(r",(\s*[}\]])", r"\1", out)


def _identifiers(text: str, grammar: str) -> set[str]:
    from spectrace.discover.treesitter import parser_for

    source = text.encode("utf-8", "surrogatepass")
    tree = parser_for(grammar).parse(source)
    found = set()
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if "identifier" in node.type and node.child_count == 0:
            found.add(source[node.start_byte:node.end_byte].decode("utf-8", "replace"))
        stack.extend(node.children)
    return found


def _go_declarations(text: str) -> set[str]:
    """Top-level names a Go file declares: funcs, types, vars, consts, and method names."""
    from spectrace.discover.treesitter import parser_for

    source = text.encode("utf-8", "surrogatepass")
    tree = parser_for("go").parse(source)
    names = set()
    for node in tree.root_node.named_children:
        targets = []
        if node.type in ("function_declaration", "method_declaration"):
            targets = [node.child_by_field_name("name")]
        elif node.type in ("type_declaration", "var_declaration", "const_declaration"):
            for spec in node.named_children:
                if spec.type.endswith("_spec_list"):
                    targets += [s.child_by_field_name("name") for s in spec.named_children]
                else:
                    targets += spec.children_by_field_name("name")
        for target in targets:
            if target is not None:
                names.add(source[target.start_byte:target.end_byte].decode("utf-8", "replace"))
    return names - _GO_COMMON_METHODS - {"init", "main", "_"}


def _jvm_header(text: str) -> tuple[str | None, set[str]]:
    package = re.search(r"^\s*package\s+([\w.]+)", text, re.MULTILINE)
    imports = set(re.findall(r"^\s*import\s+(?:static\s+)?([\w.]+(?:\.\*)?)", text, re.MULTILINE))
    # A static import names a member: its class is imported too.
    imports |= {i.rsplit(".", 1)[0] for i in imports}
    return (package.group(1) if package else None), imports


def _jvm_package_of(path: str) -> str:
    """The package a JVM file's folder stands for under the Maven/Gradle layout."""
    parts = folder_of(path).split("/")
    for marker in ("java", "kotlin"):
        if marker in parts:
            index = len(parts) - 1 - parts[::-1].index(marker)
            return ".".join(parts[index + 1:])
    if "src" in parts:
        return ".".join(parts[parts.index("src") + 1:])
    return ".".join(parts)

