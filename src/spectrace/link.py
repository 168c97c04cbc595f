"""Evidence that tests cover cases: mappings, markers, ids in code, expected names. Pure."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from spectrace.model import (
    Link,
    LinkSource,
    LinkState,
    MappingEntry,
    NodeKind,
    Problem,
    ProblemKind,
    Scan,
    Spec,
    SpecNode,
    Status,
    Test,
    TestFile,
)
from spectrace.specs.ids import IdMatcher, name_form

# When two sources link the same test to the same case, the report shows the strongest.
_SOURCE_RANK = {LinkSource.MAPPING: 0, LinkSource.MARKER: 1, LinkSource.RESULTS: 2,
                LinkSource.EXPECTED_NAME: 3, LinkSource.ID_IN_CODE: 4}


@dataclass(frozen=True)
class Declared:
    """A status a mapping declares for a case or feature (`partial`, `not-implemented`)."""

    status: str
    note: str | None
    origin: str


@dataclass(frozen=True)
class Linkage:
    links: tuple[Link, ...]
    problems: tuple[Problem, ...]
    declared: Mapping[str, Declared] = field(default_factory=dict)
    results: bool = False  # test results were given: a covered case needs a passed test


class TestIndex:
    """Discovered tests looked up by file, node id, name and qualname."""

    __test__ = False

    def __init__(self, files: Iterable[TestFile], outcomes: Mapping[str, LinkState] | None = None,
                 known_paths: frozenset[str] = frozenset()):
        self.files: dict[str, TestFile] = {}
        self.known_paths = known_paths  # every file in the repository, tests or not
        self.by_node: dict[str, tuple[TestFile, Test]] = {}
        self.by_name: dict[str, list[tuple[TestFile, Test]]] = defaultdict(list)
        self.outcomes = outcomes or {}
        for test_file in files:
            self.files[test_file.path] = test_file
            for test in test_file.tests:
                self.by_node[test_file.node_id(test)] = (test_file, test)
                self.by_name[test.name].append((test_file, test))
                last = test.qualname.rsplit("::", 1)[-1]
                if last != test.name:
                    self.by_name[last].append((test_file, test))

    def state(self, test_file: TestFile, test: Test) -> LinkState:
        outcome = self.outcomes.get(test_file.node_id(test))
        if outcome is not None:
            return outcome
        if test.skipped:
            return LinkState.SKIPPED
        if test.xfail:
            return LinkState.XFAIL
        return LinkState.OK

    def file_state(self, test_file: TestFile) -> LinkState:
        return combine_states(self.state(test_file, t) for t in test_file.tests)


def combine_states(states: Iterable[LinkState]) -> LinkState:
    """One state for a group of tests (a file, a class): the most telling one wins."""
    seen = set(states)
    for state in (LinkState.FAILED, LinkState.PASSED, LinkState.OK, LinkState.XFAIL,
                  LinkState.SKIPPED):
        if state in seen:
            return state
    return LinkState.DANGLING


def link(spec: Spec, scan: Scan, entries: Iterable[MappingEntry], ids: IdMatcher,
         outcomes: Mapping[str, LinkState] | None = None,
         result_ids: Mapping[str, tuple[str, ...]] | None = None) -> Linkage:
    """Every link between spec nodes and tests, and the problems found on the way.

    `outcomes` (node id → state) and `result_ids` (node id → `spec` properties) come
    from test results; `outcomes` is None when no results were given.
    """
    index = TestIndex(scan.files, outcomes, scan.paths)
    nodes = {node.id: node for node in spec.nodes}
    cases = {node.id: node for node in spec.nodes if node.kind is NodeKind.CASE}
    linker = _Linker(index, nodes, cases, ids)
    for entry in entries:
        linker.mapping_entry(entry)
    for test_file in scan.files:
        for test in test_file.tests:
            linker.markers(test_file, test)
            linker.ids_in_code(test_file, test)
            stated = (result_ids or {}).get(test_file.node_id(test))
            if stated:
                linker.markers(test_file, test, stated, LinkSource.RESULTS)
    for case in cases.values():
        linker.expected_names(case)
    return Linkage(tuple(linker.result()), tuple(linker.problems), dict(linker.declared),
                   results=outcomes is not None)


class _Linker:
    def __init__(self, index: TestIndex, nodes: dict[str, SpecNode],
                 cases: dict[str, SpecNode], ids: IdMatcher) -> None:
        self.index = index
        self.nodes = nodes
        self.cases = cases
        self.ids = ids
        self.links: dict[tuple[str, str, str | None], Link] = {}
        self.dangling: list[Link] = []
        self.problems: list[Problem] = []
        self.declared: dict[str, Declared] = {}
        self.slugs: dict[str, list[str]] = defaultdict(list)
        for node in nodes.values():
            if node.kind is not NodeKind.CASE and node.slug:
                self.slugs[node.slug].append(node.id)
        # Known case ids as they are spelled inside identifiers: test_3_1_1_stream.
        self.name_forms: dict[tuple[str, ...], str] = {}
        for case_id in cases:
            tokens = tuple(name_form(case_id).split("_"))
            if len(tokens) >= 2:  # a bare number in a name is too weak to count
                self.name_forms.setdefault(tokens, case_id)
        self.longest_form = max((len(t) for t in self.name_forms), default=0)

    # -- adding links ----------------------------------------------------------------

    def add(self, new: Link) -> None:
        if new.state is LinkState.DANGLING:
            self.dangling.append(new)
            return
        key = (new.case, new.path, new.name)
        old = self.links.get(key)
        if old is None or _SOURCE_RANK[new.source] < _SOURCE_RANK[old.source]:
            self.links[key] = new

    def result(self) -> list[Link]:
        return list(self.links.values()) + self.dangling

    # -- mappings --------------------------------------------------------------------

    def mapping_entry(self, entry: MappingEntry) -> None:
        origin = f"{entry.path}:{entry.line}"
        targets = self._mapping_targets(entry)
        for target in targets:
            if entry.status is not None:
                self.declared[target] = Declared(entry.status, entry.note, origin)
            declared = Status.PARTIAL if entry.status == "partial" else None
            for ref in entry.tests:
                for found in self.resolve(ref.text):
                    if isinstance(found, str):
                        self.dangle(target, ref.text, found, LinkSource.MAPPING, ref.path, ref.line)
                        continue
                    test_file, test = found
                    self.add(self._link(target, test_file, test, LinkSource.MAPPING,
                                        f"{ref.path}:{ref.line}", entry.note, declared))

    def _mapping_targets(self, entry: MappingEntry) -> list[str]:
        if entry.kind is NodeKind.CASE:
            wanted = self.ids.full(entry.target) or (entry.target,)
            known = [case_id for case_id in wanted if case_id in self.cases]
            for case_id in wanted:
                if case_id not in self.cases:
                    self.problems.append(Problem(
                        ProblemKind.UNKNOWN_ID,
                        f"mapping names case {case_id!r}, which no spec defines",
                        entry.path, entry.line, case_id))
            return known
        if entry.target in self.nodes and self.nodes[entry.target].kind is not NodeKind.CASE:
            return [entry.target]
        by_slug = self.slugs.get(entry.target, [])
        if len(by_slug) == 1:
            return by_slug
        message = (f"mapping names feature {entry.target!r}, which matches "
                   f"{len(by_slug)} features ({', '.join(sorted(by_slug))}); use its id"
                   if by_slug else
                   f"mapping names feature {entry.target!r}, which no spec defines")
        self.problems.append(Problem(ProblemKind.UNKNOWN_ID, message, entry.path, entry.line,
                                     entry.target))
        return []

    def resolve(self, ref: str) -> list[tuple[TestFile, Test | None] | str]:
        """What a test reference names: (file, test) pairs, (file, None) for whole files,
        or one string saying why it names nothing."""
        file_part, _, inner = ref.partition("::")
        file_part = file_part.strip().removeprefix("./")
        if inner:
            test_file = self.index.files.get(file_part)
            if test_file is None:
                return ["which holds no tests" if self._is_known_path(file_part)
                        else "which does not exist"]
            prefix = inner + "::"
            hits = [(test_file, t) for t in test_file.tests
                    if t.qualname == inner or t.qualname.startswith(prefix)]
            return hits or [f"but {file_part} has no test {inner}"]
        if _has_magic(file_part):
            pattern = _glob_regex(file_part)
            hits = [(f, None) for p, f in sorted(self.index.files.items()) if pattern.fullmatch(p)]
            return hits or ["which matches no test file"]
        test_file = self.index.files.get(file_part)
        if test_file is not None:
            return [(test_file, None)]
        folder = file_part.rstrip("/") + "/"
        hits = [(f, None) for p, f in sorted(self.index.files.items()) if p.startswith(folder)]
        if hits:
            return hits
        return ["which holds no tests" if self._is_known_path(file_part)
                else "which does not exist"]

    def _is_known_path(self, path: str) -> bool:
        return path in self.index.known_paths

    def dangle(self, case_id: str, ref: str, why: str, source: LinkSource,
               path: str, line: int) -> None:
        file_part, _, inner = ref.partition("::")
        self.add(Link(case_id, file_part, inner or None, None, source, LinkState.DANGLING,
                      origin=f"{path}:{line}", target=ref))
        said = (f"the plan expects test {ref} for {case_id}"
                if source is LinkSource.EXPECTED_NAME else f"mapping links {case_id} to {ref}")
        self.problems.append(Problem(ProblemKind.DANGLING_LINK, f"{said}, {why}", path, line, ref))

    def _link(self, case_id: str, test_file: TestFile, test: Test | None, source: LinkSource,
              origin: str, note: str | None = None, declared: Status | None = None) -> Link:
        if test is None:
            line = min((t.line for t in test_file.tests), default=1)
            state = self.index.file_state(test_file)
            name = None
        else:
            line, state, name = test.line, self.index.state(test_file, test), test.qualname
        return Link(case_id, test_file.path, name, line, source, state, origin=origin,
                    note=note, status=declared)

    # -- markers and ids in code -----------------------------------------------------

    def markers(self, test_file: TestFile, test: Test, stated: Iterable[str] | None = None,
                source: LinkSource = LinkSource.MARKER) -> None:
        origin = f"{test_file.path}:{test.line}"
        for raw in test.ids if stated is None else stated:
            found = self.ids.full(raw) or tuple(self.ids.find_all(raw)) or (raw.strip(),)
            for node_id in found:
                if node_id in self.nodes:
                    self.add(self._link(node_id, test_file, test, source, origin))
                else:
                    self.problems.append(Problem(
                        ProblemKind.UNKNOWN_ID,
                        f"{test.qualname} cites {node_id!r}, which no spec defines",
                        test_file.path, test.line, node_id))

    def ids_in_code(self, test_file: TestFile, test: Test) -> None:
        origin = f"{test_file.path}:{test.line}"
        found: list[str] = []
        if self.name_forms:
            for part in test.qualname.split("::"):
                found.extend(self._ids_in_name(part))
        for text in (test.doc or "", *test.texts):
            found.extend(i for i in self.ids.find_all(text) if i in self.cases)
        for case_id in dict.fromkeys(found):
            self.add(self._link(case_id, test_file, test, LinkSource.ID_IN_CODE, origin))

    def _ids_in_name(self, name: str) -> list[str]:
        tokens = [t for t in re.split(r"[^0-9a-z]+", name.lower()) if t]
        found = []
        i = 0
        while i < len(tokens):
            for size in range(min(self.longest_form, len(tokens) - i), 1, -1):
                end = i + size
                case_id = self.name_forms.get(tuple(tokens[i:end]))
                # `test_3_1_1` holds 3.1.1, never the 1.1 inside it: an id must not be
                # part of a longer run of numbers.
                if case_id is not None and not (
                        i > 0 and tokens[i - 1].isdigit() or
                        end < len(tokens) and tokens[end].isdigit()):
                    found.append(case_id)
                    i = end
                    break
            else:
                i += 1
        return found

    # -- expected names from the plan ------------------------------------------------

    def expected_names(self, case: SpecNode) -> None:
        origin = f"{case.path}:{case.line}"
        for expected in case.expected_tests:
            hits = self._find_expected(expected)
            if isinstance(hits, str):
                self.dangle(case.id, expected, hits, LinkSource.EXPECTED_NAME, case.path, case.line)
                continue
            for test_file, test in hits:
                self.add(self._link(case.id, test_file, test, LinkSource.EXPECTED_NAME, origin))

    def _find_expected(self, expected: str) -> list[tuple[TestFile, Test | None]] | str:
        head, sep, _ = expected.partition("::")
        if sep and ("/" in head or "." in head.rsplit("/", 1)[-1]):
            found = self.resolve(expected)  # a full node id: path::Class::name
            hits = [f for f in found if not isinstance(f, str)]
            return hits or str(found[0])
        last = expected.rsplit("::", 1)[-1]
        hits = [(f, t) for f, t in self.index.by_name.get(last, [])
                if not sep or t.qualname == expected or t.qualname.endswith("::" + expected)]
        return hits or "but no test has that name"


def _has_magic(path: str) -> bool:
    return any(ch in path for ch in "*?[")


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob over posix paths: `*` stays inside a folder, `**/` spans folders."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(pattern[i]))
                i += 1
            else:
                body = pattern[i + 1:end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))
