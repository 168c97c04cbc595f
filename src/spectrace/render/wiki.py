"""The wiki page set: Home with the TL;DR and metrics, one page per area when large, a sidebar."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spectrace.config import Config
from spectrace.errors import ConfigError, OutputError
from spectrace.model import Status
from spectrace.render.markdown import (
    GENERATED_MARKER,
    anchor,
    cell,
    code,
    features_table,
    fraction,
    inline,
    legend,
    metrics_table,
    plural,
    problems_section,
    status_cell,
    tldr,
)
from spectrace.render.output import write_output
from spectrace.render.view import AreaView, CaseView, ReportView
from spectrace.yamlfile import LineDict

SECTION = "publish"
DEFAULT_SPLIT_OVER = 40
SIDEBAR = "_Sidebar"
# Names the wikis give a meaning of their own; an area page must never take one.
_RESERVED = {"home", "_sidebar", "_footer", "_header"}
_SUMMARY_RE = re.compile(
    r"<!-- spectrace-summary: cases=(\d+) covered=(\d+) partial=(\d+) missing=(\d+) -->")


# --- settings -----------------------------------------------------------------------


@dataclass(frozen=True)
class WikiSettings:
    """The `publish:` section: where the wiki lives and how its pages are cut."""

    wiki: str | None = None  # a URL or a local path of the wiki git repository
    branch: str | None = None
    split_over: int = DEFAULT_SPLIT_OVER  # one page per area above this many cases
    home: str = "Home"


_KEYS = {
    "wiki": "URL or path of the wiki git repository",
    "branch": "branch of the wiki repository to publish to (default: its default branch)",
    "split_over": "one page per area when the spec has more cases than this (default 40)",
    "home": "name of the summary page (default Home)",
}


def wiki_settings(config: Config | None) -> WikiSettings:
    """The `publish:` section of the config, checked, with the file and line of a bad key."""
    raw = (config.extra.get(SECTION) if config is not None else None) or {}
    if isinstance(raw, WikiSettings):  # already checked, with command-line flags on top
        return raw
    where = None
    if config is not None and config.source is not None:
        # `source` is "spectrace.yaml" (in the repository) or --config as it was typed.
        in_root = config.root / config.source
        where = str(in_root if in_root.is_file() else Path(config.source))
    if not isinstance(raw, Mapping):
        raise ConfigError(f"`{SECTION}:` must be a mapping of settings", where)
    values: dict[str, Any] = {}
    for key, value in raw.items():
        line = raw.key_line(key) if isinstance(raw, LineDict) else None
        if key not in _KEYS:
            known = ", ".join(_KEYS)
            raise ConfigError(f"unknown setting {SECTION}.{key}; known: {known}", where, line)
        if key == "split_over":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ConfigError(f"{SECTION}.split_over must be a whole number >= 0", where, line)
        elif not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{SECTION}.{key} must be a non-empty string", where, line)
        if key == "home" and page_name(value) != value:
            raise ConfigError(f"{SECTION}.home must be a safe page name, such as "
                              f"{page_name(value)!r}", where, line)
        if key == "wiki" and config is not None and not _remote(value):
            value = str(config.root / Path(value).expanduser())  # relative to the repository
        values[key] = value
    return WikiSettings(**values)


def _remote(wiki: str) -> bool:
    """A URL (`https://…`, `file://…`) or scp-like `git@host:org/repo.wiki.git`."""
    return "://" in wiki or re.match(r"^[\w.-]+@[\w.-]+:", wiki) is not None


# --- names and anchors --------------------------------------------------------------


def page_name(title: str) -> str:
    """A page name GitHub and GitLab wikis both accept: no `/ # ? .` or spaces, only `-`."""
    name = re.sub(r"[^\w-]+", "-", title, flags=re.UNICODE)
    name = re.sub(r"-{2,}", "-", name).strip("-_")
    return name[:80].rstrip("-") or "Area"


def case_anchor(case_id: str) -> str:
    """`3.1.1` → `case-3-1-1`: an anchor that survives both wikis' sanitisers."""
    return "case-" + (re.sub(r"[^a-z0-9]+", "-", case_id.lower()).strip("-") or "x")


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, or `name-2`, `name-3`…: case-insensitive, as GitLab and macOS compare."""
    candidate, n = name, 2
    while candidate.lower() in taken:
        candidate, n = f"{name}-{n}", n + 1
    taken.add(candidate.lower())
    return candidate


# --- the page set -------------------------------------------------------------------


@dataclass(frozen=True)
class WikiPages:
    """Page name (without `.md`) → Markdown text, Home first; `split` says one page per area."""

    pages: Mapping[str, str]
    home: str
    split: bool

    def files(self) -> dict[str, str]:
        return {f"{name}.md": text for name, text in self.pages.items()}


def render_wiki(view: ReportView, settings: WikiSettings | None = None) -> WikiPages:
    settings = settings or WikiSettings()
    split = view.summary.cases.total > settings.split_over
    taken = {*_RESERVED, settings.home.lower()}
    # Area pages are named in document order, so a collision always resolves the same way.
    area_pages = {a.id: unique_name(page_name(a.heading), taken) for a in view.areas} if split else {}
    anchors = _case_anchors(view)

    def area_link(area: AreaView) -> str:
        return area_pages[area.id] if split else f"{settings.home}#{anchor(area.heading)}"

    pages = {settings.home: _home(view, split, area_link, anchors)}
    for area in view.areas if split else ():
        pages[area_pages[area.id]] = _area_page(area, settings.home, anchors)
    pages[SIDEBAR] = _sidebar(view, settings.home, area_link)
    return WikiPages(pages, settings.home, split)


def _case_anchors(view: ReportView) -> dict[tuple[str, str], str]:
    taken: set[str] = set()
    return {(a.id, c.id): unique_name(case_anchor(c.id), taken) for a in view.areas for c in a.cases}


def _page(lines: list[str]) -> str:
    return "\n".join([GENERATED_MARKER, *lines]).rstrip() + "\n"


def summary_comment(view: ReportView) -> str:
    """A hidden line `publish` reads back to say how coverage changed since last time."""
    c = view.summary.cases
    return (f"<!-- spectrace-summary: cases={c.total} covered={c.covered} "
            f"partial={c.partial} missing={c.missing} -->")


def read_summary(text: str) -> tuple[int, int] | None:
    """(cases, covered) from a Home page written earlier, or None."""
    match = _SUMMARY_RE.search(text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _home(view: ReportView, split: bool, area_link, anchors) -> list[str]:
    out = [summary_comment(view), f"# {inline(view.title)}", ""]
    out += [f"**TL;DR** — {inline(tldr(view))}", ""]
    source = ", ".join(code(p, table=False) for p in view.specs)
    at = f" at commit `{view.short_commit}` ({view.date})" if view.commit else ""
    out += [f"Generated by spectrace from {source}{at}.", ""]
    out += metrics_table(view) + legend()
    out += ["## Areas", "", "| Area | Cases covered | Status |", "|---|---|---|"]
    for area in view.areas:
        out.append(f"| [{cell(area.heading)}]({area_link(area)}) | {fraction(area.counts)} | "
                   f"{status_cell(area.status, area.note)} |")
    out.append("")
    if split:
        out += _gap_overview(view, area_link)
    else:
        for area in view.areas:
            out += _area_body(area, f"## {inline(area.heading)}", anchors)
        out += _gap_list(view.areas, "## Gaps", "###")
    out += problems_section(view)
    return _page(out)


def _area_page(area: AreaView, home: str, anchors) -> str:
    out = [f"# {inline(area.heading)}", "", f"[← {home}]({home})", ""]
    out += _area_body(area, None, anchors)
    out += _gap_list((area,), "## Gaps", None)
    return _page(out)


def _area_body(area: AreaView, heading: str | None, anchors) -> list[str]:
    out = [heading, ""] if heading else []
    if area.counts.total:
        out.append(f"{status_cell(area.status)} {fraction(area.counts)} cases covered"
                   + (f" — {inline(area.note)}" if area.note else "") + ".")
    else:
        out.append(f"{status_cell(area.status)} {inline(area.note or 'no cases')}.")
    out.append("")
    out += features_table(area)
    if area.cases:
        # Unlike the single page, every case gets a row: wiki links point at its anchor.
        out += ["| Testing Plan Case | Automated Test File | Status |", "|---|---|---|"]
        for case in area.cases:
            out.append(f"| <a id=\"{anchors[(area.id, case.id)]}\"></a>{cell(case.id)} "
                       f"{cell(case.title)} | {_case_tests(case)} | "
                       f"{status_cell(case.status, case.note)} |")
        out.append("")
    return out


def _case_tests(case: CaseView) -> str:
    parts: list[str] = []
    seen: set[str] = set()
    for link in case.links:
        if link.state == "dangling" or link.path in seen:
            continue
        seen.add(link.path)
        shown = code(link.path)
        parts.append(f"[{shown}]({_url(link.url)})" if link.url else shown)
    parts += [f"~~{code(lk.label)}~~ (missing)" for lk in case.links if lk.state == "dangling"]
    return ", ".join(parts) if parts else "—"


def _url(url: str) -> str:
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _gaps_of(area: AreaView) -> list[str]:
    lines = []
    for feature in area.features:
        if feature.note in ("no cases", "not implemented"):
            lines.append(f"- {inline(feature.title)}: {feature.status.symbol} {inline(feature.note)}")
    for case in area.cases:
        if case.status is Status.COVERED:
            continue
        reason = case.note or ("no test" if case.status is Status.MISSING else "partial")
        lines.append(f"- {inline(case.id)} {inline(case.title)}: {case.status.symbol} "
                     f"{inline(reason)}")
    return lines


def _gap_list(areas, heading: str, sub: str | None) -> list[str]:
    out = [heading, ""]
    found = False
    for area in areas:
        lines = _gaps_of(area)
        if lines:
            found = True
            out += ([f"{sub} {inline(area.heading)}", ""] if sub else []) + lines + [""]
    return out if found else out + ["No gaps: every case is covered.", ""]


def _gap_order(view: ReportView) -> list[AreaView]:
    """Areas with gaps, the biggest first: where a lead would start planning test work."""
    gaps = [a for a in view.areas if a.status is not Status.COVERED]
    position = {a.id: i for i, a in enumerate(view.areas)}
    return sorted(gaps, key=lambda a: (a.status is not Status.MISSING,
                                       -(a.counts.missing + a.counts.partial), position[a.id]))


def _gap_overview(view: ReportView, area_link) -> list[str]:
    gaps = _gap_order(view)
    out = ["## Gaps", ""]
    if not gaps:
        return out + ["No gaps: every case is covered.", ""]
    out += ["| Area | Missing | Partial | Status |", "|---|---|---|---|"]
    for area in gaps:
        note = area.note or ""
        out.append(f"| [{cell(area.heading)}]({area_link(area)}) | {area.counts.missing} | "
                   f"{area.counts.partial} | {status_cell(area.status, note or None)} |")
    return out + [""]


def _sidebar(view: ReportView, home: str, area_link) -> str:
    c = view.summary.cases
    out = [f"**[{inline(view.title)}]({home})**", "",
           f"{c.covered}/{c.total} cases covered", ""]
    gaps = _gap_order(view)
    if gaps:
        out += ["**Gaps first**", ""]
        out += [f"- [{a.status.symbol} {cell(a.heading)}]({area_link(a)})" for a in gaps]
        out.append("")
    covered = [a for a in view.areas if a.status is Status.COVERED]
    if covered:
        out += ["**Covered**", ""]
        out += [f"- [{a.status.symbol} {cell(a.heading)}]({area_link(a)})" for a in covered]
        out.append("")
    out.append(f"**[Problems]({home}#problems)** ({plural(len(view.problems), 'problem')})")
    return _page(out)


# --- writing a folder of pages ------------------------------------------------------


def is_generated(path: Path) -> bool:
    """A page carries the marker on its first line when spectrace wrote it."""
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            return handle.readline().rstrip("\r\n") == GENERATED_MARKER
    except OSError:
        return False


@dataclass(frozen=True)
class PageChanges:
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def describe(self) -> str:
        parts = [f"{len(names)} {what}" for what, names in
                 (("added", self.added), ("updated", self.updated), ("removed", self.removed))
                 if names]
        return ", ".join(parts) if parts else "no page changed"


def sync_pages(folder: Path, files: Mapping[str, str], *, write: bool = True) -> PageChanges:
    """Make `folder` hold exactly this page set, touching only pages spectrace generated.

    A hand-written page with the name of a generated one stops everything before any
    write; a generated page no longer produced is removed; every other file is left alone.
    With `write=False` nothing is touched and the changes are only worked out.
    """
    for name in sorted(files):
        existing = folder / name
        if existing.exists() and not is_generated(existing):
            raise OutputError(f"{existing} exists and was not written by spectrace; it is "
                              "left alone. Rename it, or set publish.home to another name")
    added, updated, unchanged = [], [], []
    for name in sorted(files):
        target = folder / name
        if not target.exists():
            added.append(name)
        elif target.read_text(encoding="utf-8") != files[name]:
            updated.append(name)
        else:
            unchanged.append(name)
            continue
        if write:
            write_output(str(target), files[name], announce=False)
    removed = sorted(p.name for p in folder.glob("*.md")
                     if p.name not in files and p.is_file() and is_generated(p))
    if write:
        for name in removed:
            (folder / name).unlink()
    return PageChanges(tuple(added), tuple(updated), tuple(removed), tuple(unchanged))


def write_wiki(view: ReportView, folder: str, settings: WikiSettings | None = None) -> PageChanges:
    """`--format wiki -o DIR`: the page set written into DIR, created if its parent exists."""
    if folder == "-":
        raise OutputError("the wiki format writes a folder of pages: pass -o FOLDER")
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise OutputError(f"cannot write wiki pages into {folder}: it is a file")
    if not target.exists():
        if not target.parent.is_dir():
            raise OutputError(f"cannot write {folder}: folder {target.parent} does not exist")
        target.mkdir()
    pages = render_wiki(view, settings)
    changes = sync_pages(target, pages.files())
    print(f"Wrote {len(pages.pages)} wiki pages to {folder} ({changes.describe()})",
          file=sys.stderr)
    return changes
