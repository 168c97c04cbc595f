"""The code inventory on a terminal: totals, one line per component, E2E, top priorities."""

from __future__ import annotations

from spectrace.inventory import Inventory

_TOP_PRIORITIES = 10


def render_inventory_text(inv: Inventory) -> str:
    t = inv.tally
    lines = [inv.title, ""]
    lines.append(f"Code   {t.modules:>6} modules, {t.loc:,} lines ({t.sloc:,} code) in "
                 f"{len(inv.components)} components")
    lines.append(f"Tests  {inv.tests.tests:>6} in {inv.tests.files} files, "
                 f"{inv.tests.skipped} skipped")
    lines.append(f"Status {t.tested:>6} modules tested, {t.minimal} minimal, {t.untested} "
                 f"untested ({t.untested_loc:,} lines)")
    lines.append("")
    width = min(max([len(c.name) for c in inv.components] + [9]), 40)
    lines.append(f"  {'Component':<{width}}  {'Language':<10}  {'LOC':>7}  {'Tests':>5}  "
                 f"{'Skipped':>7}  Status")
    for c in inv.components:
        name = c.name if len(c.name) <= width else c.name[:width - 1] + "…"
        lines.append(f"  {name:<{width}}  {c.component.language.value:<10}  {c.tally.loc:>7,}  "
                     f"{c.tests.tests:>5}  {c.tests.skipped:>7}  {c.status.value}")
    e2e = inv.e2e
    lines.append("")
    lines.append(f"E2E    {e2e.tests.tests:>6} tests in {e2e.tests.files} files, "
                 f"{e2e.tests.active} active, {e2e.tests.skipped} skipped")
    for reason in e2e.reasons:
        lines.append(f"  {len(reason.tests):>4} skipped: {reason.reason}")
    if inv.priorities:
        lines += ["", "Priorities (untested code by size)"]
        for p in inv.priorities[:_TOP_PRIORITIES]:
            lines.append(f"  {p.level}  {p.label}  {p.loc:,} lines, {p.tests} tests, "
                         f"{p.status.value}")
        if len(inv.priorities) > _TOP_PRIORITIES:
            lines.append(f"  … and {len(inv.priorities) - _TOP_PRIORITIES} more "
                         "(--format md or json lists them all)")
    if inv.problems:
        lines += ["", f"Problems: {len(inv.problems)}"]
        for p in inv.problems:
            where = f"{p.location()}: " if p.path else ""
            lines.append(f"  {where}{p.kind.value}: {p.message}")
    return "\n".join(lines) + "\n"
