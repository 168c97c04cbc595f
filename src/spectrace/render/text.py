"""The terminal summary: totals, one line per area, then the problems."""

from __future__ import annotations

from collections import Counter

from spectrace.render.view import ReportView


def render_text(view: ReportView) -> str:
    s = view.summary
    lines = [view.title, ""]
    lines.append(f"Areas  {s.areas.total:>5}   {s.areas.covered} covered, {s.areas.partial} partial,"
                 f" {s.areas.missing} missing")
    lines.append(f"Cases  {s.cases.total:>5}   {s.cases.covered} covered ({s.cases.percent:.1f}%),"
                 f" {s.cases.partial} partial, {s.cases.missing} missing")
    lines.append(f"Tests  {s.tests:>5}   in {s.test_files} files, {s.tests_skipped} skipped,"
                 f" {s.orphan_tests} linked to no case")
    lines.append("")
    width = max((len(a.heading) for a in view.areas), default=4)
    width = min(max(width, 4), 48)
    lines.append(f"  {'Area':<{width}}  {'Cases':>9}  Status")
    for area in view.areas:
        heading = area.heading if len(area.heading) <= width else area.heading[:width - 1] + "…"
        fraction = f"{area.counts.covered}/{area.counts.total}" if area.counts.total else "-"
        note = f"  {area.note}" if area.note else ""
        lines.append(f"  {heading:<{width}}  {fraction:>9}  {area.status.symbol} "
                     f"{area.status.value}{note}")
    if view.problems:
        kinds = Counter(p.kind.value for p in view.problems)
        summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        lines += ["", f"Problems: {len(view.problems)} ({summary})"]
        for p in view.problems:
            where = f"{p.location()}: " if p.path else ""
            lines.append(f"  {where}{p.kind.value}: {p.message}")
    return "\n".join(lines) + "\n"
