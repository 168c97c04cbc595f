"""View models: the trace reshaped for renderers, so templates and writers hold no logic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from spectrace.model import Counts, Link, LinkState, Problem, Status

if TYPE_CHECKING:  # the pipeline imports the graph (networkx): not needed to read a view
    from spectrace.pipeline import Trace


@dataclass(frozen=True)
class LinkView:
    path: str
    name: str | None
    line: int | None
    source: str
    state: str
    label: str  # "tests/x.py::TestA::test_b" or the file path
    url: str | None
    note: str | None


@dataclass(frozen=True)
class CaseView:
    id: str
    title: str
    status: Status
    note: str | None
    feature: str | None  # the sub-area or feature a case sits in (None: the area itself)
    feature_title: str | None
    links: tuple[LinkView, ...]

    @property
    def live_files(self) -> tuple[str, ...]:
        """Distinct test files behind the case, dangling links left out."""
        return tuple(dict.fromkeys(lk.path for lk in self.links if lk.state != "dangling"))


@dataclass(frozen=True)
class FeatureView:
    id: str
    title: str
    kind: str
    numbered: bool
    status: Status
    note: str | None
    counts: Counts
    depth: int  # 1 for a direct child of the area
    parent: str | None


@dataclass(frozen=True)
class AreaView:
    id: str
    title: str
    numbered: bool
    status: Status
    note: str | None
    counts: Counts
    features: tuple[FeatureView, ...]
    cases: tuple[CaseView, ...]

    @property
    def heading(self) -> str:
        return f"{self.id}. {self.title}" if self.numbered else self.title

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f for c in self.cases for f in c.live_files))


@dataclass(frozen=True)
class Summary:
    areas: Counts
    cases: Counts
    test_files: int
    tests: int
    tests_skipped: int
    orphan_tests: int


@dataclass(frozen=True)
class OrphanView:
    """A test that covers no case."""

    path: str
    name: str
    line: int


@dataclass(frozen=True)
class ReportView:
    title: str
    root: str
    commit: str | None
    date: str | None
    specs: tuple[str, ...]
    summary: Summary
    areas: tuple[AreaView, ...]
    problems: tuple[Problem, ...]
    orphans: tuple[OrphanView, ...] = ()

    @property
    def short_commit(self) -> str | None:
        return self.commit[:7] if self.commit else None


def source_link(template: str | None, commit: str | None, path: str, line: int | None) -> str | None:
    if not template:
        return None
    return (template.replace("{commit}", commit or "HEAD").replace("{path}", path)
            .replace("{line}", str(line or 1)))


def build_view(trace: Trace) -> ReportView:
    graph = trace.graph
    template = trace.config.source_url
    commit = trace.revision.commit

    def link_view(link: Link) -> LinkView:
        label = f"{link.path}::{link.name}" if link.name else link.path
        if link.state is LinkState.DANGLING and link.target:
            label = link.target
        url = None if link.state is LinkState.DANGLING else source_link(
            template, commit, link.path, link.line)
        return LinkView(link.path, link.name, link.line, link.source.value, link.state.value,
                        label, url, link.note)

    areas = []
    for area in graph.roots():
        features = []
        for node in graph.features_under(area.id):
            verdict = graph.verdict(node.id)
            depth = len(graph.ancestors(node.id))
            features.append(FeatureView(node.id, node.title, node.kind.value, node.numbered,
                                        verdict.status,
                                        verdict.note, graph.counts(node.id), depth, node.parent))
        cases = []
        for case in graph.cases_under(area.id):
            parent = case.parent if case.parent != area.id else None
            verdict = graph.verdict(case.id)
            cases.append(CaseView(
                case.id, case.title, verdict.status, verdict.note, parent,
                graph.nodes[parent].title if parent else None,
                tuple(link_view(lk) for lk in graph.links_of(case.id))))
        verdict = graph.verdict(area.id)
        areas.append(AreaView(area.id, area.title, area.numbered, verdict.status, verdict.note,
                              graph.counts(area.id), tuple(features), tuple(cases)))

    files = trace.scan.files
    tests = [t for f in files for t in f.tests]
    orphans = graph.orphan_tests()
    summary = Summary(
        areas=graph.area_counts(),
        cases=graph.counts(),
        test_files=len(files),
        tests=len(tests),
        tests_skipped=sum(t.skipped for t in tests),
        orphan_tests=len(orphans),
    )
    return ReportView(
        title=trace.config.title,
        root=str(trace.config.root),
        commit=commit,
        date=trace.revision.date,
        specs=trace.spec_paths,
        summary=summary,
        areas=tuple(areas),
        problems=tuple(graph.problems()),
        orphans=tuple(OrphanView(f.path, t.qualname, t.line) for f, t in orphans),
    )

