"""`spectrace tests`: every discovered test, like `pytest --collect-only -q`, in text or JSON."""

from __future__ import annotations

from collections import Counter, defaultdict

from spectrace.config import Config
from spectrace.model import Scan, Test
from spectrace.render.fastjson import dumps
from spectrace.specs.ids import IdMatcher

SCHEMA = "spectrace.tests/1"


def _ids(test: Test, ids: IdMatcher) -> list[str]:
    """Ids a test states, and ids its docstring or comments mention."""
    found: list[str] = []
    for raw in test.ids:
        found.extend(ids.full(raw) or ids.find_all(raw) or [raw.strip()])
    for text in (test.doc or "", *test.texts):
        found.extend(ids.find_all(text))
    return list(dict.fromkeys(found))


def summary(scan: Scan) -> dict:
    tests = [(f, t) for f in scan.files for t in f.tests]
    return {
        "files": len(scan.files),
        "tests": len(tests),
        "skipped": sum(t.skipped for _, t in tests),
        "conditional": sum(t.conditional is not None and not t.skipped for _, t in tests),
        "xfail": sum(t.xfail for _, t in tests),
        "instances": sum(t.params or 1 for _, t in tests),
        "by_language": dict(sorted(Counter(f.language.value for f, _ in tests).items())),
        "by_kind": dict(sorted(Counter(f.kind.value for f, _ in tests).items())),
        "problems": len(scan.problems) + sum(len(f.problems) for f in scan.files),
    }


def render_tests(scan: Scan, config: Config, fmt: str) -> str:
    ids = IdMatcher(config.id_patterns, config.source)
    if fmt == "json":
        return dumps({
            "schema": SCHEMA,
            "files": [{
                "path": f.path, "language": f.language.value, "kind": f.kind.value,
                "tests": [{
                    "name": t.name, "qualname": t.qualname, "line": t.line,
                    "skipped": t.skipped, "skip_reason": t.skip_reason,
                    "conditional": t.conditional, "xfail": t.xfail, "params": t.params,
                    "markers": list(t.markers), "ids": _ids(t, ids),
                } for t in f.tests],
            } for f in scan.files],
            "summary": summary(scan),
            "problems": [
                {"kind": p.kind.value, "message": p.message, "path": p.path, "line": p.line}
                for p in (*scan.problems, *(p for f in scan.files for p in f.problems))],
        }) + "\n"
    lines = []
    reasons: dict[str, list[str]] = defaultdict(list)
    for f in scan.files:
        for t in f.tests:
            lines.append(f"{f.node_id(t)}")
            if t.skipped:
                reasons[t.skip_reason or "no reason given"].append(f.node_id(t))
    lines.append("")
    for f in scan.files:
        skipped = sum(t.skipped for t in f.tests)
        extra = f" ({skipped} skipped)" if skipped else ""
        lines.append(f"{f.path}: {len(f.tests)}{extra}")
    if reasons:
        lines += ["", "Skipped, by reason:"]
        for reason in sorted(reasons, key=lambda r: (-len(reasons[r]), r)):
            lines.append(f"  {len(reasons[reason])} × {reason}")
    problems = [*scan.problems, *(p for f in scan.files for p in f.problems)]
    if problems:
        lines += ["", f"Problems ({len(problems)}):"]
        lines += [f"  {p.location()}: {p.kind.value}: {p.message}" for p in problems]
    s = summary(scan)
    langs = ", ".join(f"{n} {lang}" for lang, n in s["by_language"].items())
    lines += ["", f"{s['tests']} tests in {s['files']} files ({langs}); {s['skipped']} skipped, "
              f"{s['xfail']} xfail"]
    return "\n".join(lines) + "\n"
