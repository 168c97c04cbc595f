"""The JSON report, schema `spectrace.report/1` (CONTRACT.md): additive changes only."""

from __future__ import annotations

from typing import Any

from spectrace.render.view import ReportView

SCHEMA = "spectrace.report/1"


def report_dict(view: ReportView) -> dict[str, Any]:
    s = view.summary
    return {
        "schema": SCHEMA,
        "repo": {"root": view.root, "commit": view.commit},
        "summary": {
            "areas": s.areas.total, "areas_covered": s.areas.covered,
            "areas_partial": s.areas.partial, "areas_missing": s.areas.missing,
            "cases": s.cases.total, "cases_covered": s.cases.covered,
            "cases_partial": s.cases.partial, "cases_missing": s.cases.missing,
            "test_files": s.test_files, "tests": s.tests, "tests_skipped": s.tests_skipped,
            "tests_orphan": s.orphan_tests,
        },
        "areas": [
            {
                "id": area.id, "title": area.title, "status": area.status.value,
                "note": area.note,
                "features": [
                    {"id": f.id, "title": f.title, "status": f.status.value, "note": f.note,
                     "parent": f.parent}
                    for f in area.features
                ],
                "cases": [
                    {
                        "id": case.id, "title": case.title, "status": case.status.value,
                        "feature": case.feature, "note": case.note,
                        "links": [
                            {"path": lk.path, "name": lk.name, "line": lk.line,
                             "source": lk.source, "state": lk.state}
                            for lk in case.links
                        ],
                    }
                    for case in area.cases
                ],
            }
            for area in view.areas
        ],
        "problems": [
            {"kind": p.kind.value, "message": p.message, "path": p.path, "line": p.line,
             "target": p.target}
            for p in view.problems
        ],
        # Additive: tests that cover no case, so `diff` can tell which ones are new.
        "orphans": [{"path": o.path, "name": o.name, "line": o.line} for o in view.orphans],
    }


def render_json(view: ReportView) -> str:
    from spectrace.render.fastjson import dumps

    return dumps(report_dict(view)) + "\n"
