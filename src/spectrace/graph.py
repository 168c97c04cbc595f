"""TraceGraph: areas, features, cases, test files and tests in one networkx graph."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

import networkx as nx

from spectrace.link import Declared, Linkage
from spectrace.model import (
    Counts,
    Link,
    LinkState,
    NodeKind,
    Problem,
    Scan,
    Spec,
    SpecNode,
    Status,
    Test,
    TestFile,
)


def _spec(node_id: str) -> str:
    return f"spec:{node_id}"


def _file(path: str) -> str:
    return f"file:{path}"


def _test(node_id: str) -> str:
    return f"test:{node_id}"


@dataclass(frozen=True)
class Verdict:
    """A node's status and, when there is one, the short reason shown beside it."""

    status: Status
    note: str | None = None


class TraceGraph:
    """Spec nodes contain each other; cases link to tests and test files.

    Node keys are prefixed ids (`spec:3.1.1`, `file:tests/x.py`, `test:tests/x.py::t`);
    callers never see networkx, only the domain questions below.
    """

    def __init__(self, spec: Spec, scan: Scan, linkage: Linkage) -> None:
        self.spec = spec
        self.scan = scan
        self.linkage = linkage
        self.declared: Mapping[str, Declared] = linkage.declared
        self.nodes: dict[str, SpecNode] = {}
        self._order: dict[str, int] = {}
        graph = nx.DiGraph()
        for position, node in enumerate(spec.nodes):
            self.nodes[node.id] = node
            self._order[node.id] = position
            graph.add_node(_spec(node.id), kind=node.kind)
            if node.parent is not None:
                graph.add_edge(_spec(node.parent), _spec(node.id), rel="contains")
        self.tests: dict[str, tuple[TestFile, Test]] = {}
        for test_file in scan.files:
            graph.add_node(_file(test_file.path), kind="file")
            for test in test_file.tests:
                node_id = test_file.node_id(test)
                self.tests[node_id] = (test_file, test)
                graph.add_edge(_file(test_file.path), _test(node_id), rel="contains")
        self._links: dict[str, list[Link]] = {}
        for link in linkage.links:
            self._links.setdefault(link.case, []).append(link)
            if link.state is LinkState.DANGLING:
                continue
            target = _file(link.path) if link.name is None else _test(f"{link.path}::{link.name}")
            graph.add_edge(_spec(link.case), target, rel="covers")
        self._graph = graph

    # -- structure -------------------------------------------------------------------

    def roots(self) -> list[SpecNode]:
        return [n for n in self.spec.nodes if n.parent is None]

    def children(self, node_id: str) -> list[SpecNode]:
        kids = [self.nodes[k[5:]] for k in self._graph.successors(_spec(node_id))
                if k.startswith("spec:")]
        return sorted(kids, key=lambda n: self._order[n.id])

    def cases_under(self, node_id: str) -> list[SpecNode]:
        """Every case inside a node, in document order (the node itself if it is a case)."""
        node = self.nodes[node_id]
        if node.kind is NodeKind.CASE:
            return [node]
        return [self.nodes[n] for n in self._descendant_ids(node_id)
                if self.nodes[n].kind is NodeKind.CASE]

    def features_under(self, node_id: str) -> list[SpecNode]:
        """Sub-areas and features inside a node, in document order."""
        return [self.nodes[n] for n in self._descendant_ids(node_id)
                if self.nodes[n].kind is not NodeKind.CASE]

    def _descendant_ids(self, node_id: str) -> list[str]:
        found = (k[5:] for k in nx.descendants(self._graph, _spec(node_id))
                 if k.startswith("spec:"))
        return sorted(found, key=self._order.__getitem__)

    def ancestors(self, node_id: str) -> list[str]:
        out = []
        parent = self.nodes[node_id].parent
        while parent is not None:
            out.append(parent)
            parent = self.nodes[parent].parent
        return out

    # -- links and status ------------------------------------------------------------

    def links_of(self, node_id: str) -> list[Link]:
        """Links stated for this node, live ones first, each test once."""
        links = self._links.get(node_id, [])
        return sorted(links, key=lambda lk: (lk.state is LinkState.DANGLING, lk.path,
                                             lk.name or "", lk.source.value))

    def verdict(self, node_id: str) -> Verdict:
        return self._verdicts[node_id]

    def status_of(self, node_id: str) -> Status:
        return self._verdicts[node_id].status

    @cached_property
    def _verdicts(self) -> dict[str, Verdict]:
        verdicts: dict[str, Verdict] = {}
        # Children come after their parents in spec.nodes, so walk backwards.
        for node in reversed(self.spec.nodes):
            if node.kind is NodeKind.CASE:
                verdicts[node.id] = self._case_verdict(node.id)
            else:
                verdicts[node.id] = self._group_verdict(node.id, verdicts)
        return verdicts

    def _case_verdict(self, node_id: str) -> Verdict:
        declared = self.declared.get(node_id)
        live = [lk for lk in self._links.get(node_id, []) if lk.state is not LinkState.DANGLING]
        if declared is not None and declared.status == "missing":
            return Verdict(Status.MISSING, declared.note)
        if not live:
            dangling = node_id in self._links
            return Verdict(Status.MISSING, "only dangling links" if dangling else None)
        states = {lk.state for lk in live}
        note = declared.note if declared else None
        if declared is not None and declared.status == "partial" or any(
                lk.status is Status.PARTIAL for lk in live):
            return Verdict(Status.PARTIAL, note or "partial by mapping")
        if LinkState.FAILED in states:
            return Verdict(Status.PARTIAL, note or "a linked test failed")
        if LinkState.PASSED in states or LinkState.OK in states and not self.linkage.results:
            return Verdict(Status.COVERED, note)
        if LinkState.OK in states:
            # With results, covered means "passed": a test with no result proves nothing.
            return Verdict(Status.PARTIAL, note or "no result for any linked test")
        if LinkState.XFAIL in states:
            return Verdict(Status.PARTIAL, note or "known gap: expected to fail")
        return Verdict(Status.PARTIAL, note or "every linked test is skipped")

    def _group_verdict(self, node_id: str, verdicts: dict[str, Verdict]) -> Verdict:
        declared = self.declared.get(node_id)
        if declared is not None and declared.status == "not-implemented":
            return Verdict(Status.MISSING, declared.note or "not implemented")
        cases = self.cases_under(node_id)
        if not cases:
            if node_id in self._links:  # a mapping linked tests to the feature itself
                return self._case_verdict(node_id)
            return Verdict(Status.MISSING, "no cases")
        statuses = {verdicts[c.id].status for c in cases}
        # A feature without cases inside this node (an unbuilt guardrail) keeps it from
        # reading as fully covered.
        statuses |= {verdicts[f.id].status for f in self.features_under(node_id)
                     if not self.cases_under(f.id)}
        note = declared.note if declared else None
        if statuses == {Status.COVERED}:
            return Verdict(Status.COVERED, note)
        if statuses == {Status.MISSING}:
            return Verdict(Status.MISSING, note)
        return Verdict(Status.PARTIAL, note)

    def counts(self, node_id: str | None = None) -> Counts:
        """Case counts inside a node, or in the whole spec."""
        cases = (self.cases_under(node_id) if node_id is not None
                 else [n for n in self.spec.nodes if n.kind is NodeKind.CASE])
        return sum((Counts.of(self.status_of(c.id)) for c in cases), Counts())

    def area_counts(self) -> Counts:
        return sum((Counts.of(self.status_of(a.id)) for a in self.roots()), Counts())

    # -- tests -----------------------------------------------------------------------

    @cached_property
    def _covered_tests(self) -> dict[str, list[str]]:
        """node id of each test → the cases linked to it, directly or through its file."""
        direct: dict[str, list[str]] = {}
        by_file: dict[str, list[str]] = {}
        for link in self.linkage.links:
            if link.state is LinkState.DANGLING:
                continue
            if link.name is None:
                by_file.setdefault(link.path, []).append(link.case)
            else:
                direct.setdefault(f"{link.path}::{link.name}", []).append(link.case)
        result: dict[str, list[str]] = {}
        for node_id, (test_file, _test) in self.tests.items():
            cases = by_file.get(test_file.path, []) + direct.get(node_id, [])
            if cases:
                result[node_id] = sorted(set(cases), key=lambda c: self._order.get(c, 0))
        return result

    def cases_of_test(self, node_id: str) -> list[str]:
        return self._covered_tests.get(node_id, [])

    def orphan_tests(self) -> list[tuple[TestFile, Test]]:
        covered = self._covered_tests
        return [(f, t) for node_id, (f, t) in self.tests.items() if node_id not in covered]

    def dangling_links(self) -> list[Link]:
        return [lk for lk in self.linkage.links if lk.state is LinkState.DANGLING]

    def problems(self) -> list[Problem]:
        every: Iterable[Problem] = (*self.spec.problems, *self.scan.problems,
                                    *(p for f in self.scan.files for p in f.problems),
                                    *self.linkage.problems)
        return sorted(set(every), key=lambda p: (p.path or "", p.line or 0, p.kind.value,
                                                 p.message))
