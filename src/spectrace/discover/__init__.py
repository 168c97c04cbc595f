"""Repository → test files, source modules and components, statically."""

from __future__ import annotations

import gc
from collections.abc import Callable

from spectrace.config import Config
from spectrace.discover.base import Discoverer
from spectrace.discover.files import repository_paths
from spectrace.model import Module, Scan, TestFile

__all__ = ["discoverers", "repository_paths", "scan"]

# Cache key of a module's line counts; bump the number when the counting changes.
_LINES_KEY = "\0lines/2"


def discoverers(config: Config) -> tuple[list[Discoverer], str]:
    """One discoverer per language, set up for this repository, and a fingerprint of
    their settings (a cached parse is only valid under the same settings)."""
    from spectrace.discover.go import GoDiscoverer
    from spectrace.discover.java import JavaDiscoverer
    from spectrace.discover.js import JsDiscoverer
    from spectrace.discover.python import PythonDiscoverer, load_pytest_settings
    from spectrace.discover.rust import RustDiscoverer

    settings = load_pytest_settings(config.root)
    finders: list[Discoverer] = [PythonDiscoverer(settings), RustDiscoverer(), JsDiscoverer(),
                                 GoDiscoverer(), JavaDiscoverer()]
    return finders, repr(settings)


def scan(config: Config, progress: Callable[[int, int], None] | None = None) -> Scan:
    """Test files, modules and components; `progress(done, total)` hears of parsing."""
    # Imported here: a warm `query` lists files through this package and needs none of it.
    from spectrace.discover.cache import ScanCache
    from spectrace.discover.components import (
        ComponentIndex,
        find_components,
        read_manifests,
        refine_languages,
    )
    from spectrace.discover.files import kind_of, kind_rules
    from spectrace.discover.modules import is_module_path, language_of
    from spectrace.discover.parallel import Job, run_all

    paths, problems = repository_paths(config)
    finders, fingerprint = discoverers(config)
    kinds = kind_rules(config)
    cache = ScanCache(config.cache_path if config.cache else None,
                      f"{fingerprint}/{config.max_file_bytes}/{kinds!r}", config.root)
    manifests, manifest_problems = read_manifests(config.root, paths, config.max_file_bytes)
    components, component_problems = find_components(manifests, paths)
    problems += manifest_problems + component_problems
    owners = ComponentIndex(components)
    # First pass: what each file is, and what the cache already knows of it.
    entries = []  # (path, finder index or -1, language, stamp, TestFile, lines)
    jobs: list[Job] = []
    for path in paths:
        index = next((i for i, d in enumerate(finders) if d.is_test_file(path)), -1)
        language = language_of(path) if is_module_path(path, index >= 0) else None
        if index < 0 and language is None:
            continue
        stamp = cache.stamp(config.root, path)
        test_file = cache.get(path, stamp) if index >= 0 else None
        lines = cache.get(path + _LINES_KEY, stamp) if language is not None else None
        if (index >= 0 and test_file is None) or (language is not None and lines is None):
            jobs.append(Job(path, index if test_file is None else -1,
                            kind_of(path, kinds) if test_file is None else None,
                            language if lines is None else None,
                            stamp[0] if stamp else 0))
        entries.append((path, index, language, stamp, test_file, lines))
    # Then read and parse what the cache did not have (on worker processes when it pays),
    # with the collector off: parsing allocates many objects and frees few.
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        parsed = dict(zip((job.path for job in jobs), run_all(config, finders, jobs, progress)))
    finally:
        if gc_was_on:
            gc.enable()
    files: list[TestFile] = []
    modules: list[Module] = []
    lines_in: dict = {}  # (component path, language) → physical lines, to tell TS from JS
    for path, index, language, stamp, test_file, lines in entries:
        result = parsed.get(path)
        if result is not None:
            new_file, new_lines, problem, deps = result
            if problem is not None:
                problems.append(problem)
                continue
            if new_file is not None:
                test_file = new_file
                cache.put(path, stamp, test_file, deps)
            if new_lines is not None:
                lines = new_lines
                cache.put(path + _LINES_KEY, stamp, lines)
        if test_file is not None and (test_file.tests or test_file.problems):
            files.append(test_file)
        if language is not None:
            owner = owners.owner(path, language)
            modules.append(Module(path, language, lines[0], lines[1],
                                  owner.name if owner else None))
            if owner is not None:
                key = (owner.path, language)
                lines_in[key] = lines_in.get(key, 0) + lines[0]
    cache.save()
    return Scan(root=str(config.root), files=tuple(files), modules=tuple(modules),
                components=tuple(refine_languages(components, lines_in)),
                problems=tuple(problems), paths=frozenset(paths))
