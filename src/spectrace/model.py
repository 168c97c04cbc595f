"""The values that flow through the pipeline: spec nodes, tests, links, problems, counts."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import ClassVar


class Status(str, Enum):
    """Coverage status of a case, feature or area (PRODUCT.md, "Status rules")."""

    COVERED = "covered"
    PARTIAL = "partial"
    MISSING = "missing"

    @property
    def symbol(self) -> str:
        return _STATUS_SYMBOLS[self]

    def __str__(self) -> str:  # so f-strings and templates print the JSON value
        return self.value


_STATUS_SYMBOLS = {Status.COVERED: "✅", Status.PARTIAL: "⚠️", Status.MISSING: "❌"}


class NodeKind(str, Enum):
    AREA = "area"
    FEATURE = "feature"
    CASE = "case"

    def __str__(self) -> str:
        return self.value


class DocKind(str, Enum):
    TESTING_PLAN = "testing-plan"
    CONCEPTUAL_MODEL = "conceptual-model"

    def __str__(self) -> str:
        return self.value


class Language(str, Enum):
    PYTHON = "python"
    RUST = "rust"
    JAVASCRIPT = "javascript"
    TYPESCRIPT = "typescript"
    GO = "go"
    JAVA = "java"
    KOTLIN = "kotlin"

    def __str__(self) -> str:
        return self.value


class TestKind(str, Enum):
    __test__: ClassVar[bool] = False  # not a pytest test class

    UNIT = "unit"
    INTEGRATION = "integration"
    E2E = "e2e"

    def __str__(self) -> str:
        return self.value


class LinkSource(str, Enum):
    MAPPING = "mapping"
    MARKER = "marker"
    ID_IN_CODE = "id-in-code"
    EXPECTED_NAME = "expected-name"
    RESULTS = "results"  # a `spec` property on a testcase in a JUnit results file

    def __str__(self) -> str:
        return self.value


class LinkState(str, Enum):
    OK = "ok"
    SKIPPED = "skipped"
    DANGLING = "dangling"
    PASSED = "passed"
    FAILED = "failed"
    XFAIL = "xfail"

    def __str__(self) -> str:
        return self.value


class ProblemKind(str, Enum):
    DANGLING_LINK = "dangling-link"
    UNKNOWN_ID = "unknown-id"
    DUPLICATE_ID = "duplicate-id"
    COUNT_MISMATCH = "count-mismatch"
    PARSE_ERROR = "parse-error"
    BAD_ID = "bad-id"
    UNREADABLE = "unreadable"
    SKIPPED_FILE = "skipped-file"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Problem:
    """Something wrong in the inputs that does not stop the run; shown in every report.

    `path`/`line` say where the offending text is written; `target` what it points at.
    """

    kind: ProblemKind
    message: str
    path: str | None = None
    line: int | None = None
    target: str | None = None

    def location(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else self.path


# --- specs -------------------------------------------------------------------------


@dataclass(frozen=True)
class SpecNode:
    """An area, feature or case from a spec document.

    `parent` is the id of the enclosing area or feature (None for a top-level area).
    Ids written in the document (`3.1.1`, `CM-2.4`) are kept as they are; nodes without
    one get a slug built from the parent id (`2.2/pii-detection`), like pytest node ids.
    """

    id: str
    title: str
    kind: NodeKind
    parent: str | None
    path: str
    line: int
    doc_kind: DocKind
    numbered: bool = True
    expected_tests: tuple[str, ...] = ()
    slug: str = ""


@dataclass(frozen=True)
class Spec:
    """Every spec node of one or more documents, parents before their children."""

    nodes: tuple[SpecNode, ...] = ()
    problems: tuple[Problem, ...] = ()

    def __add__(self, other: Spec) -> Spec:
        return Spec(self.nodes + other.nodes, self.problems + other.problems)


# --- tests -------------------------------------------------------------------------


@dataclass(frozen=True)
class Test:
    """One test function/method as a static scan sees it (parametrized instances fold in).

    `qualname` is the pytest node id without the file: `TestChat::test_stream`,
    `tests::parses_frame`, `Checkout > pays with card` is written `Checkout::pays with card`.
    `ids` are spec ids the test states explicitly (a `spec` marker, a `spec: 3.1.1`
    comment); `texts` are the docstrings, titles and comments in which known case ids
    are looked for by the linker.
    """

    __test__: ClassVar[bool] = False

    name: str
    qualname: str
    line: int
    skipped: bool = False
    skip_reason: str | None = None
    conditional: str | None = None  # the condition of a skipif that is not literally true
    xfail: bool = False
    xfail_reason: str | None = None
    markers: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    doc: str | None = None
    texts: tuple[str, ...] = ()
    params: int | None = None  # parameter sets when parametrized and countable


@dataclass(frozen=True)
class TestFile:
    __test__: ClassVar[bool] = False

    path: str  # posix, relative to the repository root
    language: Language
    kind: TestKind
    tests: tuple[Test, ...] = ()
    problems: tuple[Problem, ...] = ()

    def node_id(self, test: Test) -> str:
        return f"{self.path}::{test.qualname}"


@dataclass(frozen=True)
class Component:
    """A unit of build: a Cargo crate, a Python package, a JS package, a Go module…"""

    name: str
    path: str  # folder, relative to the repository root ("." for the root)
    language: Language
    kind: str  # "crate", "python-package", "npm-package", "go-module", "maven-module"…
    manifest: str


@dataclass(frozen=True)
class Module:
    """A source file that is not a test file."""

    path: str
    language: Language
    loc: int  # physical lines, as `wc -l` counts them
    sloc: int  # non-blank, non-comment lines
    component: str | None = None


@dataclass(frozen=True)
class Scan:
    """What discovery found in a repository."""

    root: str
    files: tuple[TestFile, ...] = ()
    modules: tuple[Module, ...] = ()
    components: tuple[Component, ...] = ()
    problems: tuple[Problem, ...] = ()
    paths: frozenset[str] = frozenset()  # every file listed, tests or not


# --- links -------------------------------------------------------------------------


@dataclass(frozen=True)
class TestRef:
    """A test reference as written in a mapping or a plan: path, glob or `path::Class::name`."""

    __test__: ClassVar[bool] = False

    text: str
    path: str  # where it is written
    line: int


@dataclass(frozen=True)
class MappingEntry:
    """One entry of a mapping file: a case (or feature) and what covers it."""

    target: str
    kind: NodeKind  # CASE or FEATURE
    tests: tuple[TestRef, ...] = ()
    status: str | None = None  # "partial", "not-implemented", …
    note: str | None = None
    path: str = ""
    line: int = 0


@dataclass(frozen=True)
class Link:
    """Evidence that a test (or a whole test file) covers a case, with where it came from."""

    case: str
    path: str  # the test file
    name: str | None  # qualname inside the file; None for the whole file
    line: int | None
    source: LinkSource
    state: LinkState
    origin: str | None = None  # "file:line" where the link is stated
    note: str | None = None
    status: Status | None = None  # a status the mapping declares (partial)
    target: str | None = None  # the reference as written, for dangling links


# --- totals ------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """Addable status totals, so roll-ups are `sum(...)`."""

    covered: int = 0
    partial: int = 0
    missing: int = 0

    @classmethod
    def of(cls, status: Status) -> Counts:
        return cls(
            covered=status is Status.COVERED,
            partial=status is Status.PARTIAL,
            missing=status is Status.MISSING,
        )

    @property
    def total(self) -> int:
        return self.covered + self.partial + self.missing

    @property
    def fraction(self) -> str:
        return f"{self.covered}/{self.total}"

    @property
    def percent(self) -> float:
        return 100.0 * self.covered / self.total if self.total else 0.0

    def __add__(self, other: Counts) -> Counts:
        if not isinstance(other, Counts):
            return NotImplemented
        return Counts(
            self.covered + other.covered,
            self.partial + other.partial,
            self.missing + other.missing,
        )

    def __radd__(self, other: object) -> Counts:
        if other == 0:  # sum() starts from 0
            return self
        return NotImplemented
