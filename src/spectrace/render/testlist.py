"""`spectrace tests`: every discovered test, like `pytest --collect-only -q`, in text or JSON."""

from __future__ import annotations

from collections import Counter, defaultdict

from spectrace.config import Config
from spectrace.model import Scan, Test
from spectrace.render.fastjson import dumps_at, scalar, string
from spectrace.specs.ids import IdMatcher

SCHEMA = "spectrace.tests/1"


class _IdFinder:
    """Ids a test states, and ids its docstring or comments mention. The texts repeat
    (a class docstring for each of its tests), so each is searched once."""

    def __init__(self, ids: IdMatcher) -> None:
        self._ids = ids
        self._seen: dict[str, list[str]] = {}

    def _find(self, text: str) -> list[str]:
        found = self._seen.get(text)
        if found is None:
            found = self._seen[text] = self._ids.find_all(text)
        return found

    def __call__(self, test: Test) -> list[str]:
        found: list[str] = []
        for raw in test.ids:
            found.extend(self._ids.full(raw) or self._find(raw) or [raw.strip()])
        for text in (test.doc or "", *test.texts):
            found.extend(self._find(text))
        return list(dict.fromkeys(found))


def _json(scan: Scan, find_ids: _IdFinder) -> str:
    """`json.dumps(document, indent=2, ensure_ascii=False)` of the listing, written a test
    at a time from a template: a 100k-test listing is too slow through a generic encoder.
    tests/gold/tests/ and test_cli.py hold it to exactly json's text."""
    files = []
    for f in scan.files:
        tests = ",".join(_test_json(t, find_ids(t)) for t in f.tests)
        files.append(
            "\n    {"
            f'\n      "path": {string(f.path)},'
            f'\n      "language": {string(f.language.value)},'
            f'\n      "kind": {string(f.kind.value)},'
            f'\n      "tests": {"[" + tests + _CLOSE if tests else "[]"}'
            "\n    }")
    problems = [{"kind": p.kind.value, "message": p.message, "path": p.path, "line": p.line}
                for p in (*scan.problems, *(p for f in scan.files for p in f.problems))]
    return (
        "{"
        f'\n  "schema": {string(SCHEMA)},'
        f'\n  "files": {"[" + ",".join(files) + chr(10) + "  ]" if files else "[]"},'
        f'\n  "summary": {dumps_at(summary(scan), chr(10) + "  ")},'
        f'\n  "problems": {dumps_at(problems, chr(10) + "  ")}'
        "\n}\n")


_PAD = "\n          "  # a test's members: root, files, a file, its tests, a test
_CLOSE = "\n      ]"  # the end of a file's tests


def _test_json(t: Test, ids: list[str]) -> str:
    p = _PAD
    return (
        "\n        {"
        f'{p}"name": {string(t.name)},'
        f'{p}"qualname": {string(t.qualname)},'
        f'{p}"line": {scalar(t.line)},'
        f'{p}"skipped": {"true" if t.skipped else "false"},'
        f'{p}"skip_reason": {"null" if t.skip_reason is None else string(t.skip_reason)},'
        f'{p}"conditional": {"null" if t.conditional is None else string(t.conditional)},'
        f'{p}"xfail": {"true" if t.xfail else "false"},'
        f'{p}"params": {"null" if t.params is None else scalar(t.params)},'
        f'{p}"markers": {_strings(t.markers)},'
        f'{p}"ids": {_strings(ids)}'
        "\n        }")


def _strings(values: tuple[str, ...] | list[str]) -> str:
    if not values:
        return "[]"
    inner = _PAD + "  "
    return "[" + inner + ("," + inner).join(map(string, values)) + _PAD + "]"


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
        return _json(scan, _IdFinder(ids))
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
