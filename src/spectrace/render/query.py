"""`spectrace query`: spec nodes matching a text, their status and the tests behind them.

Answered from the ReportView (plain frozen values), so a cached view answers without
importing the graph, the parsers or the discoverers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from spectrace.model import Status
from spectrace.render.view import CaseView, ReportView


@dataclass(frozen=True)
class Match:
    id: str
    title: str
    kind: str  # area, feature or case
    status: Status
    note: str | None
    covered: int
    total: int
    cases: tuple[CaseView, ...]


@dataclass(frozen=True)
class Answer:
    matches: tuple[Match, ...]

    @property
    def all_covered(self) -> bool:
        return all(m.status is Status.COVERED for m in self.matches)


@dataclass(frozen=True)
class _Entry:
    match: Match
    parent: str | None


def _entries(view: ReportView) -> list[_Entry]:
    """Every area, feature and case of the view, in document order, with its parent."""
    out: list[_Entry] = []
    for area in view.areas:
        out.append(_Entry(Match(area.id, area.title, "area", area.status, area.note,
                                area.counts.covered, area.counts.total, area.cases), None))
        inside: dict[str, set[str]] = {f.id: {f.id} for f in area.features}
        for feature in reversed(area.features):  # children come after parents
            if feature.parent in inside:
                inside[feature.parent] |= inside[feature.id]
        for feature in area.features:
            cases = tuple(c for c in area.cases if c.feature in inside[feature.id])
            out.append(_Entry(Match(feature.id, feature.title, "feature", feature.status,
                                    feature.note, feature.counts.covered, feature.counts.total,
                                    cases), feature.parent))
        for case in area.cases:
            covered = int(case.status is Status.COVERED)
            out.append(_Entry(Match(case.id, case.title, "case", case.status, case.note,
                                    covered, 1, (case,)), case.feature or area.id))
    return out


def answer(view: ReportView, text: str) -> Answer:
    """Nodes matching `text`: an exact id, or every word at the start of a word of the
    id or title. A match inside another match is dropped: it shows under its ancestor."""
    entries = _entries(view)
    needle = text.strip()
    exact = [e for e in entries if e.match.id == needle]
    if exact:
        return Answer((exact[0].match,))
    words = [w for w in re.split(r"\W+", needle.lower()) if w]
    if not words:
        return Answer(())
    patterns = [re.compile(rf"(?<![a-z0-9]){re.escape(w)}") for w in words]
    hits = [e for e in entries
            if all(p.search(f"{e.match.id} {e.match.title}".lower()) for p in patterns)]
    parents = {e.match.id: e.parent for e in entries}
    hit_ids = {e.match.id for e in hits}

    def inside_another(entry: _Entry) -> bool:
        parent = entry.parent
        while parent is not None:
            if parent in hit_ids:
                return True
            parent = parents.get(parent)
        return False

    return Answer(tuple(e.match for e in hits if not inside_another(e)))


def _tests(case: CaseView) -> list[str]:
    return [lk.label + ("" if lk.state == "ok" else f" [{lk.state}]") + f" ({lk.source})"
            for lk in case.links]


def render_query(found: Answer, text: str, fmt: str) -> str:
    if fmt == "json":
        return json.dumps({
            "schema": "spectrace.query/1",
            "query": text,
            "covered": bool(found.matches) and found.all_covered,
            "matches": [{
                "id": m.id, "title": m.title, "kind": m.kind, "status": m.status.value,
                "note": m.note, "cases_covered": m.covered, "cases": m.total,
                "case_list": [{"id": c.id, "title": c.title, "status": c.status.value,
                               "note": c.note, "tests": _tests(c)} for c in m.cases],
            } for m in found.matches],
        }, indent=2, ensure_ascii=False) + "\n"
    lines: list[str] = []
    for m in found.matches:
        note = f" — {m.note}" if m.note else ""
        if m.kind == "case":
            lines.append(f"{m.status.symbol} {m.id} {m.title}: {m.status.value}{note}")
            lines.extend(f"    {t}" for t in _tests(m.cases[0]) or ["no tests"])
            continue
        lines.append(f"{m.status.symbol} {m.kind} {m.id} {m.title}: {m.status.value}, "
                     f"{m.covered}/{m.total} cases covered{note}")
        for case in m.cases:
            extra = f" — {case.note}" if case.note else ""
            lines.append(f"  {case.status.symbol} {case.id} {case.title}{extra}")
            lines.extend(f"      {t}" for t in _tests(case) or ["no tests"])
    return "\n".join(lines) + ("\n" if lines else "")
