"""`spectrace query`: the spec nodes matching a text, their status and the tests behind them."""

from __future__ import annotations

import json
from dataclasses import dataclass

from spectrace.model import NodeKind, SpecNode, Status
from spectrace.pipeline import Trace


@dataclass(frozen=True)
class Match:
    node: SpecNode
    status: Status
    note: str | None
    covered: int
    total: int
    cases: tuple[tuple[SpecNode, Status, str | None, tuple[str, ...]], ...]  # case, status, note, tests


@dataclass(frozen=True)
class Answer:
    matches: tuple[Match, ...]

    @property
    def all_covered(self) -> bool:
        return all(m.status is Status.COVERED for m in self.matches)


def answer(trace: Trace, text: str) -> Answer:
    graph = trace.graph
    matches = []
    for node in graph.query(text):
        cases = []
        for case in graph.cases_under(node.id):
            verdict = graph.verdict(case.id)
            tests = tuple(
                (f"{lk.path}::{lk.name}" if lk.name else lk.path)
                + ("" if lk.state.value == "ok" else f" [{lk.state.value}]")
                + f" ({lk.source.value})"
                for lk in graph.links_of(case.id))
            cases.append((case, verdict.status, verdict.note, tests))
        counts = graph.counts(node.id)
        verdict = graph.verdict(node.id)
        matches.append(Match(node, verdict.status, verdict.note, counts.covered, counts.total,
                             tuple(cases)))
    return Answer(tuple(matches))


def render_query(found: Answer, text: str, fmt: str) -> str:
    if fmt == "json":
        return json.dumps({
            "schema": "spectrace.query/1",
            "query": text,
            "covered": bool(found.matches) and found.all_covered,
            "matches": [{
                "id": m.node.id, "title": m.node.title, "kind": m.node.kind.value,
                "status": m.status.value, "note": m.note, "cases_covered": m.covered,
                "cases": m.total,
                "case_list": [{"id": c.id, "title": c.title, "status": s.value, "note": n,
                               "tests": list(t)} for c, s, n, t in m.cases],
            } for m in found.matches],
        }, indent=2, ensure_ascii=False) + "\n"
    lines: list[str] = []
    for m in found.matches:
        node = m.node
        note = f" — {m.note}" if m.note else ""
        if node.kind is NodeKind.CASE:
            lines.append(f"{m.status.symbol} {node.id} {node.title}: {m.status.value}{note}")
        else:
            lines.append(f"{m.status.symbol} {node.kind.value} {node.id} {node.title}: "
                         f"{m.status.value}, {m.covered}/{m.total} cases covered{note}")
        for case, status, case_note, tests in m.cases:
            if node.kind is not NodeKind.CASE:
                extra = f" — {case_note}" if case_note else ""
                lines.append(f"  {status.symbol} {case.id} {case.title}{extra}")
            indent = "      " if node.kind is not NodeKind.CASE else "    "
            if not tests:
                lines.append(f"{indent}no tests")
            lines.extend(f"{indent}{t}" for t in tests)
    return "\n".join(lines) + ("\n" if lines else "")
