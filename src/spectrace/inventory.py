"""The code-to-test inventory: components, modules, E2E tests and priorities, from a scan."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, ClassVar

from spectrace.config import Config
from spectrace.discover.components import ComponentIndex
from spectrace.discover.files import section_line
from spectrace.discover.usage import Use
from spectrace.errors import ConfigError
from spectrace.model import Component, Language, Problem, Scan, Test, TestFile, TestKind

SECTION = "inventory"

SCHEMA = "spectrace.inventory/1"
NO_REASON = "no reason given"


class CodeStatus(str, Enum):
    TESTED = "tested"
    PARTIAL = "partial"  # components only: tests enough, but some module has none
    MINIMAL = "minimal"
    UNTESTED = "untested"
    NO_CODE = "no-code"

    def __str__(self) -> str:
        return self.value


# Sections of the page, in the order a reader of a monorepo report expects them.
FAMILIES: tuple[tuple[str, tuple[Language, ...]], ...] = (
    ("Rust", (Language.RUST,)),
    ("Python", (Language.PYTHON,)),
    ("JavaScript/TypeScript", (Language.TYPESCRIPT, Language.JAVASCRIPT)),
    ("Go", (Language.GO,)),
    ("Java/Kotlin", (Language.JAVA, Language.KOTLIN)),
)


def family_label(language: Language) -> str:
    return next(label for label, members in FAMILIES if language in members)


# --- settings -----------------------------------------------------------------------


@dataclass(frozen=True)
class InventorySettings:
    title: str = "Code Inventory"
    min_tests: int = 3
    tests_per_100_loc: float = 0.5
    priorities: tuple[int, ...] = (1000, 300, 100)  # lowest line count of P0, P1, P2

    def level(self, loc: int, shift: int = 0) -> str:
        index = next((i for i, floor in enumerate(self.priorities) if loc >= floor),
                     len(self.priorities))
        return f"P{min(index + shift, len(self.priorities))}"


def inventory_settings(config: Config, *, title: str | None = None, min_tests: int | None = None,
                       tests_per_100_loc: float | None = None,
                       priorities: Iterable[int] | None = None) -> InventorySettings:
    """Defaults < the `inventory:` section < flags; the section is checked with file and line."""
    values: dict[str, Any] = {}
    section = config.extra.get(SECTION)
    where = config.source
    if section is not None:
        if not isinstance(section, dict):
            raise ConfigError("`inventory` must be a mapping of settings", where,
                              section_line(config, SECTION))
        for key, value in section.items():
            line = section.key_line(key) if hasattr(section, "key_line") else None
            values[key] = _setting(key, value, where, line)
    flags = {"title": title, "min_tests": min_tests, "tests_per_100_loc": tests_per_100_loc,
             "priorities": tuple(priorities) if priorities else None}
    values.update({k: v for k, v in flags.items() if v is not None})
    if "priorities" in values:
        values["priorities"] = tuple(sorted(values["priorities"], reverse=True))
    return InventorySettings(**values)


def _setting(key: str, value: Any, where: str | None, line: int | None) -> Any:
    def bad(expected: str) -> ConfigError:
        return ConfigError(f"`inventory.{key}` must be {expected}, got {value!r}", where, line)

    if key == "title":
        if not isinstance(value, str):
            raise bad("a string")
        return value
    if key == "min_tests":
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise bad("a whole number of 1 or more")
        return int(value)
    if key == "tests_per_100_loc":
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise bad("a number of 0 or more")
        return float(value)
    if key == "priorities":
        if not isinstance(value, list) or not value or not all(
                isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value):
            raise bad("a list of line counts, e.g. [1000, 300, 100] for P0, P1, P2")
        return tuple(int(v) for v in value)
    known = "title, min_tests, tests_per_100_loc, priorities"
    raise ConfigError(f"unknown setting {key!r} in `inventory`; use {known}", where, line)


# --- values -------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """Addable totals of code and tests, so roll-ups are `sum(...)`."""

    modules: int = 0
    loc: int = 0
    sloc: int = 0
    tested: int = 0
    minimal: int = 0
    untested: int = 0
    untested_loc: int = 0

    @classmethod
    def of(cls, module: ModuleRow) -> Tally:
        status = module.status
        return cls(1, module.loc, module.sloc, status is CodeStatus.TESTED,
                   status is CodeStatus.MINIMAL, status is CodeStatus.UNTESTED,
                   module.loc if status is CodeStatus.UNTESTED else 0)

    @property
    def code_modules(self) -> int:
        """Modules with at least one code line: the ones a test could exercise."""
        return self.tested + self.minimal + self.untested

    def __add__(self, other: Tally) -> Tally:
        if not isinstance(other, Tally):
            return NotImplemented
        return Tally(*(a + b for a, b in zip(self._values(), other._values())))

    def __radd__(self, other: object) -> Tally:
        if other == 0:
            return self
        return NotImplemented

    def _values(self) -> tuple[int, ...]:
        return (self.modules, self.loc, self.sloc, self.tested, self.minimal, self.untested,
                self.untested_loc)


@dataclass(frozen=True)
class TestCount:
    """Tests of a set of test files, each test counted once."""

    __test__: ClassVar[bool] = False  # not a pytest test class

    files: int = 0
    tests: int = 0
    skipped: int = 0

    @property
    def active(self) -> int:
        return self.tests - self.skipped

    @classmethod
    def of(cls, files: Iterable[TestFile]) -> TestCount:
        files = list(files)
        return cls(len(files), sum(len(f.tests) for f in files),
                   sum(t.skipped for f in files for t in f.tests))


@dataclass(frozen=True)
class ModuleRow:
    path: str
    component: str | None
    language: Language
    loc: int
    sloc: int
    tests: TestCount
    test_files: tuple[str, ...]
    status: CodeStatus


@dataclass(frozen=True)
class ComponentRow:
    component: Component
    tally: Tally
    tests: TestCount
    test_files: tuple[str, ...]
    status: CodeStatus

    @property
    def name(self) -> str:
        return self.component.name


@dataclass(frozen=True)
class Section:
    """One language family: its components and modules."""

    label: str
    folders: tuple[str, ...]  # where its components live: crates/, apps/, packages/
    components: tuple[ComponentRow, ...]
    modules: tuple[ModuleRow, ...]
    tally: Tally
    tests: TestCount  # its languages' test files, e2e ones left to the E2E section
    component_tests: TestCount  # tests of its components, each counted once


@dataclass(frozen=True)
class E2EFile:
    path: str
    language: Language
    tests: TestCount
    conditional: int


@dataclass(frozen=True)
class SkipReason:
    reason: str
    tests: tuple[str, ...]  # node ids


@dataclass(frozen=True)
class E2ESummary:
    files: tuple[E2EFile, ...]
    tests: TestCount
    conditional: int  # skipif with a real condition: shown, and counted as running
    reasons: tuple[SkipReason, ...]


@dataclass(frozen=True)
class Priority:
    level: str
    scope: str  # "component" or "module"
    label: str  # "Rust: llm_gateway", "Python: cli/relaycli/logs.py"
    path: str
    component: str | None
    language: Language
    loc: int
    sloc: int
    tests: int  # active tests
    status: CodeStatus


@dataclass(frozen=True)
class Inventory:
    title: str
    root: str
    commit: str | None
    date: str | None
    settings: InventorySettings
    sections: tuple[Section, ...]
    components: tuple[ComponentRow, ...]
    modules: tuple[ModuleRow, ...]
    e2e: E2ESummary
    priorities: tuple[Priority, ...]
    tally: Tally
    tests: TestCount
    tests_by_kind: Mapping[str, int] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()


# --- building -----------------------------------------------------------------------


def module_status(active: int, loc: int, sloc: int, settings: InventorySettings) -> CodeStatus:
    if sloc == 0:
        return CodeStatus.NO_CODE
    if active == 0:
        return CodeStatus.UNTESTED
    if active < settings.min_tests or active * 100 < settings.tests_per_100_loc * loc:
        return CodeStatus.MINIMAL
    return CodeStatus.TESTED


def build_inventory(scan: Scan, uses: Iterable[Use], settings: InventorySettings = InventorySettings(),
                    commit: str | None = None, date: str | None = None) -> Inventory:
    """Pure: the inventory of a scan, given which test files exercise which modules.

    Rules (defaults configurable under `inventory:` or by flags):
    - A test file's tests count for every module it exercises (discover/usage.py says which).
      Only active tests (not skipped) make a module tested.
    - module: `no-code` without a code line; `untested` when no active test exercises it;
      `minimal` with fewer than `min_tests` active tests, or fewer than `tests_per_100_loc`
      per 100 physical lines; `tested` otherwise.
    - component: its tests are those in its folder and those exercising its modules, each
      counted once. `no-code`, `untested` and `minimal` as for a module; `partial` when it
      passes the thresholds but a module with code is untested; `tested` otherwise.
    - priorities: untested components whole, then every untested or minimal module of the
      others; P0, P1, P2… by physical lines (`priorities`: the lowest line count of each
      level), minimal code one level lower than untested code of the same size.
    """
    files = {f.path: f for f in scan.files}
    exercised_by: dict[str, set[str]] = {}
    for use in uses:
        if use.test_file in files:
            exercised_by.setdefault(use.module, set()).add(use.test_file)

    modules = []
    for module in sorted(scan.modules, key=lambda m: m.path):
        test_files = tuple(sorted(exercised_by.get(module.path, ())))
        tests = TestCount.of(files[p] for p in test_files)
        modules.append(ModuleRow(module.path, module.component, module.language, module.loc,
                                 module.sloc, tests, test_files,
                                 module_status(tests.active, module.loc, module.sloc, settings)))

    owners = ComponentIndex(scan.components)
    own_files: dict[tuple[str, str], set[str]] = {}
    for test_file in scan.files:
        owner = owners.owner(test_file.path, test_file.language)
        if owner is not None:
            own_files.setdefault(_key(owner), set()).add(test_file.path)
    modules_of: dict[tuple[str, str], list[ModuleRow]] = {}
    for row in modules:
        owner = owners.owner(row.path, row.language)
        if owner is not None:
            modules_of.setdefault(_key(owner), []).append(row)

    components = []
    for component in scan.components:
        mine = modules_of.get(_key(component), [])
        paths = set(own_files.get(_key(component), set()))
        for row in mine:
            paths.update(row.test_files)
        test_files = tuple(sorted(paths))
        tests = TestCount.of(files[p] for p in test_files)
        tally = sum((Tally.of(m) for m in mine), Tally())
        components.append(ComponentRow(component, tally, tests, test_files,
                                       _component_status(tally, tests, settings)))

    sections = tuple(_sections(components, modules, files))
    e2e = _e2e(scan.files)
    all_tests = TestCount.of(scan.files)
    kinds = Counter()
    for test_file in scan.files:
        kinds[test_file.kind.value] += len(test_file.tests)
    problems = list(scan.problems) + [p for f in scan.files for p in f.problems]
    return Inventory(
        title=settings.title, root=scan.root, commit=commit, date=date, settings=settings,
        sections=sections, components=tuple(components), modules=tuple(modules), e2e=e2e,
        priorities=tuple(_priorities(components, modules, settings)),
        tally=sum((Tally.of(m) for m in modules), Tally()), tests=all_tests,
        tests_by_kind={k.value: kinds.get(k.value, 0) for k in TestKind},
        problems=tuple(problems))


def _key(component: Component) -> tuple[str, str]:
    return component.path, component.kind


def _component_status(tally: Tally, tests: TestCount, settings: InventorySettings) -> CodeStatus:
    status = module_status(tests.active, tally.loc, tally.sloc, settings)
    if status is CodeStatus.TESTED and tally.untested:
        return CodeStatus.PARTIAL
    return status


def _sections(components: list[ComponentRow], modules: list[ModuleRow],
              files: Mapping[str, TestFile]) -> Iterable[Section]:
    for label, languages in FAMILIES:
        rows = tuple(c for c in components if c.component.language in languages)
        mods = tuple(m for m in modules if m.language in languages)
        tests = TestCount.of(f for f in files.values()
                             if f.language in languages and f.kind is not TestKind.E2E)
        if not rows and not mods and not tests.files:
            continue
        folders = sorted({_parent(c.component.path) for c in rows})
        union = sorted({p for c in rows for p in c.test_files})
        yield Section(label, tuple(folders), rows, mods,
                      sum((Tally.of(m) for m in mods), Tally()), tests,
                      TestCount.of(files[p] for p in union))


def _parent(path: str) -> str:
    """Where a component sits: `crates/` for crates/common, `.` for the root."""
    if path == ".":
        return "."
    head = path.rsplit("/", 1)[0] if "/" in path else path
    return head + "/"


def _e2e(files: Iterable[TestFile]) -> E2ESummary:
    chosen = [f for f in files if f.kind is TestKind.E2E]
    rows = tuple(E2EFile(f.path, f.language, TestCount.of([f]),
                         sum(t.conditional is not None and not t.skipped for t in f.tests))
                 for f in sorted(chosen, key=lambda f: f.path))
    reasons: dict[str, list[str]] = {}
    for test_file in sorted(chosen, key=lambda f: f.path):
        for test in test_file.tests:
            if test.skipped:
                reasons.setdefault(_reason(test), []).append(test_file.node_id(test))
    ordered = sorted(reasons.items(), key=lambda item: (-len(item[1]), item[0]))
    return E2ESummary(rows, TestCount.of(chosen), sum(r.conditional for r in rows),
                      tuple(SkipReason(reason, tuple(ids)) for reason, ids in ordered))


def _reason(test: Test) -> str:
    reason = " ".join((test.skip_reason or "").split())
    return reason or NO_REASON


def _priorities(components: list[ComponentRow], modules: list[ModuleRow],
                settings: InventorySettings) -> list[Priority]:
    out = []
    whole = {c.component.path: c for c in components if c.status is CodeStatus.UNTESTED}
    for row in whole.values():
        c = row.component
        out.append(Priority(settings.level(row.tally.loc), "component",
                            f"{family_label(c.language)}: {c.name}", c.path, c.name, c.language,
                            row.tally.loc, row.tally.sloc, row.tests.active, row.status))
    owners = ComponentIndex([c.component for c in components])
    for row in modules:
        if row.status not in (CodeStatus.UNTESTED, CodeStatus.MINIMAL):
            continue
        owner = owners.owner(row.path, row.language)
        if owner is not None and owner.path in whole and whole[owner.path].component == owner:
            continue  # already listed with its whole component
        shift = 1 if row.status is CodeStatus.MINIMAL else 0
        out.append(Priority(settings.level(row.loc, shift), "module",
                            f"{family_label(row.language)}: {row.path}", row.path, row.component,
                            row.language, row.loc, row.sloc, row.tests.active, row.status))
    return sorted(out, key=lambda p: (int(p.level[1:]), -p.loc, p.path))
