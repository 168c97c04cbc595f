"""The delta between two JSON reports, or the repository now and at a git revision."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from spectrace.config import Config, SpecSource
from spectrace.errors import SpectraceError
from spectrace.model import Status

SCHEMA = "spectrace.diff/1"
# First line of the Markdown body: a workflow finds its earlier comment by it and edits it.
MARKER = "<!-- spectrace-diff -->"
# A PR comment holds 65536 characters; long lists are cut, with a count of the rest.
MAX_ROWS = 50
_RANK = {Status.MISSING.value: 0, Status.PARTIAL.value: 1, Status.COVERED.value: 2}
_SYMBOL = {s.value: s.symbol for s in Status}


@dataclass(frozen=True)
class CaseChange:
    id: str
    title: str
    area: str
    before: str | None  # status, or None when the case is new
    after: str | None  # status, or None when the case was removed


@dataclass(frozen=True)
class Totals:
    commit: str | None
    cases: int
    covered: int
    partial: int
    missing: int
    tests: int
    orphans: int

    @property
    def percent(self) -> float:
        return 100.0 * self.covered / self.cases if self.cases else 0.0


@dataclass(frozen=True)
class Delta:
    before: Totals
    after: Totals
    newly_covered: tuple[CaseChange, ...]
    newly_partial: tuple[CaseChange, ...]  # was covered, now partial
    newly_missing: tuple[CaseChange, ...]
    improved: tuple[CaseChange, ...]  # was missing, now partial
    added: tuple[CaseChange, ...]
    removed: tuple[CaseChange, ...]
    new_dangling: tuple[tuple[str, str], ...]  # (case id, the missing test or file)
    new_orphans: tuple[str, ...] | None  # None when the old report does not list orphans

    @property
    def changed(self) -> bool:
        return any((self.newly_covered, self.newly_partial, self.newly_missing, self.improved,
                    self.added, self.removed, self.new_dangling, self.new_orphans))


# --- comparing: pure ---------------------------------------------------------------------


def _cases(report: Mapping[str, Any]) -> dict[str, tuple[str, str, str]]:
    """case id → (title, area title, status)."""
    out = {}
    for area in report.get("areas", []):
        for case in area.get("cases", []):
            out[str(case["id"])] = (case.get("title", ""), area.get("title", ""), case["status"])
    return out


def _dangling(report: Mapping[str, Any]) -> set[tuple[str, str]]:
    return {(str(case["id"]), f"{lk['path']}::{lk['name']}" if lk.get("name") else lk["path"])
            for area in report.get("areas", []) for case in area.get("cases", [])
            for lk in case.get("links", []) if lk.get("state") == "dangling"}


def _orphans(report: Mapping[str, Any]) -> list[str] | None:
    if "orphans" not in report:
        return None
    return [f"{o['path']}::{o['name']}" for o in report["orphans"]]


def _totals(report: Mapping[str, Any]) -> Totals:
    s = report.get("summary", {})
    orphans = _orphans(report)
    return Totals(report.get("repo", {}).get("commit"), s.get("cases", 0),
                  s.get("cases_covered", 0), s.get("cases_partial", 0), s.get("cases_missing", 0),
                  s.get("tests", 0), len(orphans) if orphans is not None else s.get("tests_orphan", 0))


def compare(old: Mapping[str, Any], new: Mapping[str, Any]) -> Delta:
    """What changed from `old` to `new`, two `spectrace.report/1` dicts."""
    before, after = _cases(old), _cases(new)
    buckets: dict[str, list[CaseChange]] = {k: [] for k in (
        "covered", "partial", "missing", "improved", "added", "removed")}
    for case_id, (title, area, status) in after.items():
        if case_id not in before:
            buckets["added"].append(CaseChange(case_id, title, area, None, status))
            continue
        was = before[case_id][2]
        if was == status:
            continue
        change = CaseChange(case_id, title, area, was, status)
        if status == Status.COVERED.value:
            buckets["covered"].append(change)
        elif status == Status.MISSING.value:
            buckets["missing"].append(change)
        elif _RANK.get(was, 0) > _RANK.get(status, 0):
            buckets["partial"].append(change)
        else:
            buckets["improved"].append(change)
    for case_id, (title, area, status) in before.items():
        if case_id not in after:
            buckets["removed"].append(CaseChange(case_id, title, area, status, None))
    order = {case_id: i for i, case_id in enumerate(after)}
    old_orphans, new_orphans = _orphans(old), _orphans(new)
    known = set(old_orphans or ())
    orphans = (None if old_orphans is None or new_orphans is None else
               tuple(o for o in new_orphans if o not in known))
    return Delta(
        before=_totals(old), after=_totals(new),
        newly_covered=tuple(buckets["covered"]), newly_partial=tuple(buckets["partial"]),
        newly_missing=tuple(buckets["missing"]), improved=tuple(buckets["improved"]),
        added=tuple(buckets["added"]), removed=tuple(buckets["removed"]),
        new_dangling=tuple(sorted(_dangling(new) - _dangling(old),
                                  key=lambda d: (order.get(d[0], 0), d[1]))),
        new_orphans=orphans,
    )


# --- rendering: pure ---------------------------------------------------------------------


def _short(commit: str | None) -> str:
    return commit[:7] if commit else "working tree"


def _signed(n: float, unit: str = "") -> str:
    if n == 0:
        return "±0" + unit
    text = f"{n:+.1f}" if isinstance(n, float) else f"{n:+d}"
    return text.replace("-", "−") + unit


def _rows(delta: Delta) -> list[tuple[str, str, str, str]]:
    b, a = delta.before, delta.after
    return [
        ("✅ covered", str(b.covered), str(a.covered), _signed(a.covered - b.covered)),
        ("⚠️ partial", str(b.partial), str(a.partial), _signed(a.partial - b.partial)),
        ("❌ missing", str(b.missing), str(a.missing), _signed(a.missing - b.missing)),
        ("cases", str(b.cases), str(a.cases), _signed(a.cases - b.cases)),
        ("coverage", f"{b.percent:.1f}%", f"{a.percent:.1f}%",
         _signed(round(a.percent - b.percent, 1), " pts")),
        ("tests", str(b.tests), str(a.tests), _signed(a.tests - b.tests)),
    ]


def _sections(delta: Delta) -> list[tuple[str, list[str]]]:
    """(heading, plain-text items) of every non-empty list, worst news first."""

    def change(c: CaseChange) -> str:
        was = f"{_SYMBOL.get(c.before or '', '')} {c.before}" if c.before else "new"
        now = f"{_SYMBOL.get(c.after or '', '')} {c.after}" if c.after else "removed"
        return f"{c.id} {c.title} ({c.area}): {was} → {now}"

    sections = [
        ("❌ Newly missing", [change(c) for c in delta.newly_missing]),
        ("⚠️ Newly partial", [change(c) for c in delta.newly_partial]),
        ("🔗 New dangling links", [f"{case} → {target}" for case, target in delta.new_dangling]),
        ("✅ Newly covered", [change(c) for c in delta.newly_covered]),
        ("⬆️ Now partial (were missing)", [change(c) for c in delta.improved]),
        ("➕ Cases added", [change(c) for c in delta.added]),
        ("➖ Cases removed", [change(c) for c in delta.removed]),
        ("🧪 New orphan tests (cover no case)", list(delta.new_orphans or ())),
    ]
    return [(title, items) for title, items in sections if items]


def _cut(items: list[str]) -> list[str]:
    if len(items) <= MAX_ROWS:
        return items
    return [*items[:MAX_ROWS], f"… and {len(items) - MAX_ROWS} more"]


def render_text(delta: Delta) -> str:
    b, a = delta.before, delta.after
    lines = [f"spectrace diff: {_short(b.commit)} → {_short(a.commit)}"]
    width = max(len(r[0]) for r in _rows(delta))
    for label, was, now, change in _rows(delta):
        lines.append(f"  {label:<{width}}  {was:>7} → {now:<7} {change}")
    if not delta.changed:
        lines.append("No change in spec coverage.")
    for title, items in _sections(delta):
        lines += ["", f"{title} ({len(items)})", *(f"  {i}" for i in _cut(items))]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def render_md(delta: Delta) -> str:
    """A pull-request comment body; its first line is MARKER."""
    b, a = delta.before, delta.after
    lines = [MARKER, "### spectrace: spec coverage", "",
             f"| | before (`{_short(b.commit)}`) | after (`{_short(a.commit)}`) | change |",
             "|---|---:|---:|---:|"]
    lines += [f"| {label} | {was} | {now} | {change} |" for label, was, now, change in _rows(delta)]
    lines.append("")
    if not delta.changed:
        lines += ["No change in spec coverage.", ""]
    for title, items in _sections(delta):
        lines += [f"**{title}** ({len(items)})", ""]
        lines += [f"- {_md(item)}" for item in _cut(items)]
        lines.append("")
    return "\n".join(lines)


def delta_dict(delta: Delta) -> dict[str, Any]:
    def totals(t: Totals) -> dict[str, Any]:
        return {"commit": t.commit, "cases": t.cases, "cases_covered": t.covered,
                "cases_partial": t.partial, "cases_missing": t.missing,
                "coverage_percent": round(t.percent, 1), "tests": t.tests,
                "tests_orphan": t.orphans}

    def cases(changes: Iterable[CaseChange]) -> list[dict[str, Any]]:
        return [{"id": c.id, "title": c.title, "area": c.area, "before": c.before,
                 "after": c.after} for c in changes]

    return {
        "schema": SCHEMA,
        "changed": delta.changed,
        "before": totals(delta.before),
        "after": totals(delta.after),
        "newly_covered": cases(delta.newly_covered),
        "newly_partial": cases(delta.newly_partial),
        "newly_missing": cases(delta.newly_missing),
        "improved": cases(delta.improved),
        "cases_added": cases(delta.added),
        "cases_removed": cases(delta.removed),
        "new_dangling_links": [{"case": c, "target": t} for c, t in delta.new_dangling],
        "new_orphans": (None if delta.new_orphans is None else
                        [{"test": o} for o in delta.new_orphans]),
    }


def render(delta: Delta, fmt: str) -> str:
    if fmt == "md":
        return render_md(delta)
    if fmt == "json":
        return json.dumps(delta_dict(delta), indent=2, ensure_ascii=False) + "\n"
    return render_text(delta)


# --- the old side from git: I/O at the edge ------------------------------------------------


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                              check=False)
    except OSError as exc:
        raise SpectraceError(f"cannot run git: {exc.strerror}") from None


def _git_ok(root: Path, *args: str, what: str) -> str:
    done = _git(root, *args)
    if done.returncode != 0:
        said = done.stderr.strip().splitlines()
        raise SpectraceError(f"{what}: {said[-1] if said else 'git failed'}")
    return done.stdout.strip()


def rebase_config(config: Config, old_root: Path) -> Config:
    """The same settings for the tree at `old_root`: paths inside the repository move
    with it, paths outside it stay; results and outputs belong to this run only."""
    root = config.root.resolve()

    def moved(path: Path) -> Path:
        try:
            return old_root / path.resolve().relative_to(root)
        except ValueError:
            return path

    mappings = tuple(str(moved(Path(m))) if Path(m).is_absolute() else m for m in config.mappings)
    specs = tuple(SpecSource(moved(s.path), s.kind) for s in config.specs)
    return replace(config, root=old_root, specs=specs, mappings=mappings, results=(),
                   outputs=(), cache=False, cache_dir=None)


def empty_report(commit: str | None) -> dict[str, Any]:
    """The report of a revision with no spec yet: everything in the new one is added."""
    from spectrace.render.jsonreport import SCHEMA as REPORT_SCHEMA

    zero = dict.fromkeys(("areas", "areas_covered", "areas_partial", "areas_missing", "cases",
                          "cases_covered", "cases_partial", "cases_missing", "test_files",
                          "tests", "tests_skipped", "tests_orphan"), 0)
    return {"schema": REPORT_SCHEMA, "repo": {"root": None, "commit": commit}, "summary": zero,
            "areas": [], "problems": [], "orphans": []}


def _has_spec(config: Config) -> bool:
    from spectrace.pipeline import SPEC_SUFFIXES

    if config.specs:
        return any(s.path.is_file() for s in config.specs)
    folder = config.root / "specs"
    return folder.is_dir() and any(p.suffix in SPEC_SUFFIXES for p in folder.iterdir())


def report_at(config: Config, rev: str) -> dict[str, Any]:
    """The JSON report of the repository as it was at `rev`, built in a temporary git
    worktree that is removed afterwards, whatever happens."""
    from spectrace.pipeline import build_trace
    from spectrace.render.jsonreport import report_dict
    from spectrace.render.view import build_view

    root = config.root
    prefix = _git_ok(root, "rev-parse", "--show-prefix", what=f"{root} is not a git repository")
    found = _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    if found.returncode != 0:
        raise SpectraceError(f"--base: unknown revision {rev!r}")
    commit = found.stdout.strip()
    temp = Path(tempfile.mkdtemp(prefix="spectrace-base-"))
    tree = temp / "tree"
    try:
        _git_ok(root, "worktree", "add", "--detach", "--quiet", str(tree), commit,
                what=f"cannot check out {rev!r}")
        old = rebase_config(config, (tree / prefix).resolve())
        # The specs may not exist yet at `rev` (a PR that adds them): then nothing was
        # covered, and every case is added. Specs added since `rev` are left out.
        if not old.root.is_dir() or not _has_spec(old):
            return empty_report(commit)
        old = replace(old, specs=tuple(s for s in old.specs if s.path.is_file()))
        return report_dict(build_view(build_trace(old)))
    finally:
        _git(root, "worktree", "remove", "--force", str(tree))
        shutil.rmtree(temp, ignore_errors=True)
        _git(root, "worktree", "prune")
