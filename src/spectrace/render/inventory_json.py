"""The code inventory as JSON: schema spectrace.inventory/1 (CONTRACT.md; additive changes only)."""

from __future__ import annotations

import json
from typing import Any

from spectrace.inventory import SCHEMA, Inventory


def inventory_data(inv: Inventory) -> dict[str, Any]:
    t = inv.tally
    return {
        "schema": SCHEMA,
        "repo": {"root": inv.root, "commit": inv.commit, "date": inv.date},
        "settings": {"min_tests": inv.settings.min_tests,
                     "tests_per_100_loc": inv.settings.tests_per_100_loc,
                     "priorities": list(inv.settings.priorities)},
        "summary": {
            "components": len(inv.components), "modules": t.modules, "loc": t.loc,
            "sloc": t.sloc, "modules_tested": t.tested, "modules_minimal": t.minimal,
            "modules_untested": t.untested, "untested_loc": t.untested_loc,
            "test_files": inv.tests.files, "tests": inv.tests.tests,
            "tests_skipped": inv.tests.skipped, "tests_by_kind": dict(inv.tests_by_kind),
        },
        "components": [{
            "name": c.name, "path": c.component.path, "language": c.component.language.value,
            "kind": c.component.kind, "manifest": c.component.manifest,
            "loc": c.tally.loc, "sloc": c.tally.sloc, "modules": c.tally.modules,
            "modules_tested": c.tally.tested, "modules_minimal": c.tally.minimal,
            "modules_untested": c.tally.untested, "untested_loc": c.tally.untested_loc,
            "tests": c.tests.tests, "tests_skipped": c.tests.skipped,
            "test_files": c.tests.files, "status": c.status.value,
        } for c in inv.components],
        "modules": [{
            "path": m.path, "component": m.component, "language": m.language.value,
            "loc": m.loc, "sloc": m.sloc, "tests": m.tests.tests,
            "tests_skipped": m.tests.skipped, "exercised_by": list(m.test_files),
            "status": m.status.value,
        } for m in inv.modules],
        "e2e": {
            "test_files": inv.e2e.tests.files, "tests": inv.e2e.tests.tests,
            "active": inv.e2e.tests.active, "skipped": inv.e2e.tests.skipped,
            "conditional": inv.e2e.conditional,
            "files": [{"path": f.path, "language": f.language.value, "tests": f.tests.tests,
                       "active": f.tests.active, "skipped": f.tests.skipped,
                       "conditional": f.conditional} for f in inv.e2e.files],
            "skip_reasons": [{"reason": r.reason, "count": len(r.tests), "tests": list(r.tests)}
                             for r in inv.e2e.reasons],
        },
        "priorities": [{
            "priority": p.level, "scope": p.scope, "area": p.label, "path": p.path,
            "component": p.component, "language": p.language.value, "loc": p.loc,
            "sloc": p.sloc, "tests": p.tests, "status": p.status.value,
        } for p in inv.priorities],
        "problems": [{"kind": p.kind.value, "message": p.message, "path": p.path,
                      "line": p.line, "target": p.target} for p in inv.problems],
    }


def render_inventory_json(inv: Inventory) -> str:
    return json.dumps(inventory_data(inv), indent=2, ensure_ascii=False) + "\n"
