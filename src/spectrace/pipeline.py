"""The pipeline in one direction: config → specs → scan → links → graph."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from spectrace.config import Config, SpecSource
from spectrace.errors import ConfigError
from spectrace.link import Linkage, link
from spectrace.mapping import find_mapping_files, load_mapping_files
from spectrace.model import DocKind, LinkState, Scan, Spec
from spectrace.results.gaps import gap_markers, mark_gaps
from spectrace.specs.ids import IdMatcher

if TYPE_CHECKING:
    from spectrace.graph import TraceGraph

if TYPE_CHECKING:
    from spectrace.results import Results

SPEC_SUFFIXES = (".md", ".markdown", ".yaml", ".yml")


@dataclass(frozen=True)
class Revision:
    commit: str | None = None
    date: str | None = None  # commit date of HEAD, YYYY-MM-DD: never the wall clock


@dataclass(frozen=True)
class Trace:
    config: Config
    spec: Spec
    scan: Scan
    linkage: Linkage
    graph: TraceGraph
    revision: Revision
    spec_paths: tuple[str, ...]


def spec_sources(config: Config) -> list[tuple[Path, str, DocKind | None]]:
    """(file, display path, kind) of every spec; `specs/` is the default folder."""
    sources = list(config.specs)
    if not sources:
        folder = config.root / "specs"
        found = sorted(p for p in folder.glob("*") if p.suffix in SPEC_SUFFIXES and p.is_file()) \
            if folder.is_dir() else []
        if not found:
            raise ConfigError(
                "no spec documents: pass --spec PATH, list `specs:` in spectrace.yaml, "
                "or put them in a specs/ folder")
        sources = [SpecSource(p) for p in found]
    return [(s.path, config.display(s.path), s.kind) for s in sources]


def mapping_globs(config: Config) -> tuple[str, ...]:
    if config.mappings:
        return config.mappings
    return ("mappings/*.yaml", "mappings/*.yml") if (config.root / "mappings").is_dir() else ()


def load_spec(config: Config) -> tuple[Spec, tuple[str, ...]]:
    from spectrace.specs import load_specs

    sources = spec_sources(config)
    ids = IdMatcher(config.id_patterns, config.source)
    return load_specs(sources, ids), tuple(shown for _, shown, _ in sources)


def scan_repo(config: Config, progress: Callable[[int, int], None] | None = None) -> Scan:
    from spectrace.discover import scan

    return scan(config, progress)


def outcomes(config: Config, scan: Scan) -> dict[str, LinkState] | None:
    """Per-test outcomes from --results files, keyed by node id; None without results."""
    found = results(config, scan)
    return found.outcomes if found is not None else None


def results(config: Config, scan: Scan) -> Results | None:
    """Outcomes and `spec` properties from --results files; None without results."""
    if not config.results:
        return None
    from spectrace.results import load_results

    return load_results(config.results, scan, config)


def build_trace(config: Config, progress: Callable[[int, int], None] | None = None) -> Trace:
    spec, spec_paths = load_spec(config)
    # Tests carrying a gap marker count as expected to fail: known gaps.
    scan = mark_gaps(scan_repo(config, progress), gap_markers(config))
    entries = load_mapping_files(find_mapping_files(mapping_globs(config), config.root))
    ids = IdMatcher(config.id_patterns, config.source)
    found = results(config, scan)
    linkage = link(spec, scan, entries, ids, found.outcomes if found else None,
                   found.spec_ids if found else None)
    from spectrace.graph import TraceGraph  # networkx: imported only when a trace is built

    graph = TraceGraph(spec, scan, linkage)
    return Trace(config, spec, scan, linkage, graph, revision(config.root), spec_paths)


def revision(root: Path) -> Revision:
    """HEAD's sha and commit date, or nothing outside a git checkout."""
    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%H %cs"],
                             capture_output=True, text=True, check=False)
    except OSError:
        return Revision()
    if out.returncode != 0 or not out.stdout.strip():
        return Revision()
    commit, _, date = out.stdout.strip().partition(" ")
    return Revision(commit, date or None)
