"""Which discovered test a JUnit testcase is, from its file, classname and name. Pure."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath

from spectrace.model import Language, Scan, Test, TestFile
from spectrace.results.junit import CaseResult

_JS = frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT})
_JVM = frozenset({Language.JAVA, Language.KOTLIN})
# Separators producers put between describe blocks and a title: jest-junit " ",
# vitest " > ", custom ancestorSeparator " › ".
_TITLE_SEPARATORS = re.compile(r"\s*(?:::|›|>|»)\s*|\s+")
# test.each / it.each placeholders: printf-style and $variable.
_EACH_PLACEHOLDER = re.compile(r"%[sdifjoOp#%]|\$[A-Za-z_][\w.]*")


def _title_key(text: str) -> str:
    return _TITLE_SEPARATORS.sub(" ", text).strip()


def _python_base(name: str) -> str:
    """`test_x[a-1]` → `test_x`: parametrized instances roll up to their function."""
    return name.split("[", 1)[0]


def _jvm_base(name: str) -> str:
    """`addsItems(int)[1]` → `addsItems`; Kotlin's `adds an item()` → `adds an item`."""
    return re.split(r"[(\[]", name, maxsplit=1)[0].strip()


def _go_key(name: str) -> str:
    # go test writes a subtest `t.Run("empty cart")` as `TestAdd/empty_cart`.
    return name.replace("::", "/").replace(" ", "_")


def _dotted_suffixes(parts: list[str]) -> Iterable[str]:
    for start in range(len(parts)):
        yield ".".join(parts[start:])


class Matcher:
    """Discovered tests, indexed by every way a results file may name them."""

    def __init__(self, scan: Scan) -> None:
        self.files: dict[str, TestFile] = {f.path: f for f in scan.files}
        self.by_basename: dict[str, list[TestFile]] = defaultdict(list)
        for test_file in scan.files:
            self.by_basename[test_file.path.rsplit("/", 1)[-1]].append(test_file)
        # `tests.routes.test_chat` (and its suffixes, for pytest runs from a sub-folder).
        self.py_modules: dict[str, list[TestFile]] = defaultdict(list)
        # Folders as dotted packages (`com.acme`) and as paths (`shop/cart`).
        self.jvm_packages: dict[str, list[TestFile]] = defaultdict(list)
        self.go_dirs: dict[str, list[TestFile]] = defaultdict(list)
        # Rust tests by their path inside the test binary: `codec::frame::tests::parses`.
        self.rust_paths: dict[str, list[tuple[TestFile, Test]]] = defaultdict(list)
        self.js_titles: dict[str, list[tuple[TestFile, Test]]] = defaultdict(list)
        self.js_each: list[tuple[re.Pattern[str], TestFile, Test]] = []
        for test_file in scan.files:
            pure = PurePosixPath(test_file.path)
            folder = pure.parent.as_posix()
            folder = "" if folder == "." else folder
            lang = test_file.language
            if lang is Language.PYTHON:
                parts = list(pure.with_suffix("").parts)
                for dotted in _dotted_suffixes(parts):
                    self.py_modules[dotted].append(test_file)
            elif lang in _JVM:
                for dotted in _dotted_suffixes(folder.split("/") if folder else []):
                    self.jvm_packages[dotted].append(test_file)
                self.jvm_packages[""].append(test_file)
            elif lang is Language.GO:
                self.go_dirs[folder].append(test_file)
            elif lang is Language.RUST:
                prefix = _rust_module(test_file.path)
                for test in test_file.tests:
                    key = f"{prefix}::{test.qualname}" if prefix else test.qualname
                    self.rust_paths[key].append((test_file, test))
            elif lang in _JS:
                for test in test_file.tests:
                    self.js_titles[_title_key(test.qualname)].append((test_file, test))
                    if _EACH_PLACEHOLDER.search(test.qualname):
                        self.js_each.append((_each_regex(test.qualname), test_file, test))

    # -- the one entry point ---------------------------------------------------------

    def match(self, case: CaseResult) -> list[str]:
        """Node ids of the discovered tests this testcase is (empty when none)."""
        strategies: list[Callable[[CaseResult], list[tuple[TestFile, Test]]]] = [
            self._by_file, self._by_python_module, self._by_jvm_class, self._by_go_package,
            self._by_rust_path, self._by_js_title]
        for strategy in strategies:
            hits = strategy(case)
            if hits:
                return sorted(dict.fromkeys(f.node_id(t) for f, t in hits))
        return []

    def collection_error(self, case: CaseResult) -> list[str]:
        """pytest reports a module that failed to import as a classless testcase named
        after the module (`tests.test_x`): every test in that file failed to run."""
        if case.classname or case.state.value != "failed":
            return []
        found = self.py_modules.get(case.name.removesuffix(".py").replace("/", "."), [])
        return [f.node_id(t) for f in found for t in f.tests]

    # -- strategies ------------------------------------------------------------------

    def _files_at(self, written: str) -> list[TestFile]:
        """Test files a path from a results file names: exact, or as a suffix when the
        producer ran in a sub-folder (or wrote an absolute path)."""
        path = written.replace("\\", "/").removeprefix("./")
        exact = self.files.get(path)
        if exact is not None:
            return [exact]
        same_name = self.by_basename.get(path.rsplit("/", 1)[-1], [])
        return [f for f in same_name if path.endswith("/" + f.path) or f.path.endswith("/" + path)]

    def _by_file(self, case: CaseResult) -> list[tuple[TestFile, Test]]:
        # A `file` attribute (pytest xunit1, jest-junit addFileAttribute), or a classname
        # or suite name that is a file path (vitest).
        for written in (case.file, case.classname, case.suite):
            if not written or written.replace("\\", "/").rsplit("/", 1)[-1] \
                    not in self.by_basename:
                continue
            files = self._files_at(written)
            if files:
                hits = [hit for f in files for hit in self._in_file(f, case)]
                if hits:
                    return hits
        return []

    def _in_file(self, test_file: TestFile, case: CaseResult) -> list[tuple[TestFile, Test]]:
        lang = test_file.language
        if lang in _JS:
            return self._js_in(test_file.tests, test_file, case)
        if lang is Language.GO:
            return _go_in(test_file, case.name)
        if lang is Language.RUST:
            return _rust_in(test_file, case.name)
        base = _jvm_base(case.name) if lang in _JVM else _python_base(case.name)
        classes = _classes(case.classname)
        return _by_last_name(test_file, base, classes)

    def _by_python_module(self, case: CaseResult) -> list[tuple[TestFile, Test]]:
        parts = _dotted(case.classname)
        if not parts:
            return []
        base = _python_base(case.name)
        # `tests.routes.test_chat.TestChat`: the longest prefix that is a module wins;
        # what follows it is the class path. A leading part may be the rootdir's parent.
        for start in range(len(parts)):
            for end in range(len(parts), start, -1):
                files = self.py_modules.get(".".join(parts[start:end]))
                if not files:
                    continue
                qualname = "::".join([*parts[end:], base])
                hits = [(f, t) for f in files for t in f.tests if t.qualname == qualname]
                if hits:
                    return hits
        return []

    def _by_jvm_class(self, case: CaseResult) -> list[tuple[TestFile, Test]]:
        # Surefire: classname `com.acme.CartTest` or `com.acme.CartTest$Nested`.
        parts = [p for part in _dotted(case.classname) for p in part.split("$") if p]
        if not parts or not self.jvm_packages:
            return []
        base = _jvm_base(case.name)
        for split in range(len(parts) - 1, -1, -1):
            files = self.jvm_packages.get(".".join(parts[:split]))
            if not files:
                continue
            qualname = "::".join([*parts[split:], base])
            hits = [(f, t) for f in files for t in f.tests if t.qualname == qualname]
            if hits:
                return hits
        return []

    def _by_go_package(self, case: CaseResult) -> list[tuple[TestFile, Test]]:
        # go-junit-report: classname (and suite name) is the import path of the package.
        package = case.classname or case.suite
        if not package or " " in package or not self.go_dirs:
            return []
        dirs = [d for d in self.go_dirs if d and (package == d or package.endswith("/" + d))]
        if not dirs:
            dirs = [""] if "" in self.go_dirs else []  # the module's root package
        longest = max((len(d) for d in dirs), default=0)
        return [hit for d in dirs if len(d) == longest
                for f in self.go_dirs[d] for hit in _go_in(f, case.name)]

    def _by_rust_path(self, case: CaseResult) -> list[tuple[TestFile, Test]]:
        # nextest: suite `crate` or `crate::binary`, name `module::tests::name`;
        # rstest cases and other generated modules roll up to their function.
        if not self.rust_paths:
            return []
        crate = (case.classname or case.suite).split("::", 1)[0]
        name = case.name
        while name:
            hits = self.rust_paths.get(name, [])
            if len(hits) > 1 and crate:
                in_crate = [(f, t) for f, t in hits if _in_crate(f.path, crate)]
                hits = in_crate or hits
            if hits:
                return hits
            name = name.rpartition("::")[0]
        return []

    def _by_js_title(self, case: CaseResult) -> list[tuple[TestFile, Test]]:
        if not self.js_titles and not self.js_each:
            return []
        return self._js_in(None, None, case)

    def _js_in(self, tests: Iterable[Test] | None, test_file: TestFile | None,
               case: CaseResult) -> list[tuple[TestFile, Test]]:
        # jest-junit writes "{describe…} {title}" in both name and classname; with a
        # custom titleTemplate the describe blocks may only be in the classname.
        wanted = [_title_key(case.name)]
        if case.classname and not case.classname.endswith(case.name):
            wanted.append(_title_key(f"{case.classname} {case.name}"))
        if tests is not None and test_file is not None:
            keyed = [(test_file, t, _title_key(t.qualname)) for t in tests]
            for key in wanted:
                hits = [(f, t) for f, t, k in keyed if k == key]
                if hits:
                    return hits
            return [(test_file, t) for t in tests
                    if _EACH_PLACEHOLDER.search(t.qualname)
                    and any(_each_regex(t.qualname).fullmatch(k) for k in wanted)]
        for key in wanted:
            if key in self.js_titles:
                return list(self.js_titles[key])
        return [(f, t) for rx, f, t in self.js_each if any(rx.fullmatch(k) for k in wanted)]


def _dotted(classname: str) -> list[str]:
    if not classname or "/" in classname or " " in classname:
        return []
    return [p for p in classname.split(".") if p]


def _classes(classname: str) -> list[str]:
    """The class path at the end of a dotted classname: capitalised parts (`TestChat`)."""
    parts = [p for part in _dotted(classname) for p in part.split("$") if p]
    tail: list[str] = []
    for part in reversed(parts):
        if not part[:1].isupper():
            break
        tail.insert(0, part)
    return tail


def _by_last_name(test_file: TestFile, base: str,
                  classes: list[str]) -> list[tuple[TestFile, Test]]:
    hits = [t for t in test_file.tests if t.qualname.rsplit("::", 1)[-1] == base]
    if len(hits) > 1:
        # Same name in two classes of one file: the classname says which.
        def owner_matches(test: Test) -> bool:
            owner = test.qualname.split("::")[:-1]
            return owner == classes[len(classes) - len(owner):] if owner else not classes
        hits = [t for t in hits if owner_matches(t)] or hits
    return [(test_file, t) for t in hits]


def _go_in(test_file: TestFile, name: str) -> list[tuple[TestFile, Test]]:
    keyed = {_go_key(t.qualname): t for t in test_file.tests}
    key = _go_key(name)
    while key:  # a subtest rolls up to its parent test when only that was found
        if key in keyed:
            return [(test_file, keyed[key])]
        key = key.rpartition("/")[0]
    return []


def _rust_in(test_file: TestFile, name: str) -> list[tuple[TestFile, Test]]:
    while name:
        hits = [t for t in test_file.tests
                if name == t.qualname or name.endswith("::" + t.qualname)]
        if hits:
            return [(test_file, t) for t in hits]
        name = name.rpartition("::")[0]
    return []


def _rust_module(path: str) -> str:
    """The module path of a Rust file inside its test binary.

    `src/lib.rs`, `src/main.rs` and `tests/api.rs` are binary roots (``);
    `crates/codec/src/frame/mod.rs` is `frame`; `tests/api/auth.rs` is `auth` of binary `api`.
    """
    parts = PurePosixPath(path).parts
    anchors = [(len(parts) - 1 - parts[::-1].index(a), a) for a in ("src", "tests") if a in parts]
    if not anchors:
        return ""
    at, anchor = max(anchors)
    inner = list(parts[at + 1:])
    if anchor == "tests":
        inner = inner[1:]  # the first part names the binary: a file or a folder
    if not inner:
        return ""
    last = inner[-1].removesuffix(".rs")
    inner = inner[:-1] if last in ("lib", "main", "mod") else [*inner[:-1], last]
    return "::".join(inner)


def _in_crate(path: str, crate: str) -> bool:
    folders = PurePosixPath(path).parts[:-1]
    return crate in folders or crate.replace("-", "_") in folders


def _each_regex(title: str) -> re.Pattern[str]:
    pieces = _EACH_PLACEHOLDER.split(_title_key(title))
    return re.compile(".+?".join(re.escape(p) for p in pieces))
