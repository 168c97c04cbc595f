"""Repository → test files, source modules and components, statically."""

from __future__ import annotations

from spectrace.config import Config
from spectrace.discover.base import Discoverer
from spectrace.discover.cache import ScanCache
from spectrace.discover.components import (
    ComponentIndex,
    find_components,
    read_manifests,
    refine_languages,
)
from spectrace.discover.files import kind_of, kind_rules, list_files, read_text
from spectrace.discover.modules import count_lines, is_module_path, language_of
from spectrace.model import Module, Scan, TestFile

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


def repository_paths(config: Config) -> tuple[list[str], list]:
    """Every file spectrace may read, after .gitignore and the `exclude` setting."""
    paths, problems = list_files(config.root)
    if config.exclude:
        import pathspec

        spec = pathspec.PathSpec.from_lines("gitignore", config.exclude)
        paths = [p for p in paths if not spec.match_file(p)]
    return paths, problems


def scan(config: Config) -> Scan:
    paths, problems = repository_paths(config)
    finders, fingerprint = discoverers(config)
    kinds = kind_rules(config)
    cache = ScanCache(config.cache_path if config.cache else None,
                      f"{fingerprint}/{config.max_file_bytes}/{kinds!r}")
    manifests, manifest_problems = read_manifests(config.root, paths, config.max_file_bytes)
    components, component_problems = find_components(manifests, paths)
    problems += manifest_problems + component_problems
    owners = ComponentIndex(components)
    files: list[TestFile] = []
    modules: list[Module] = []
    lines_in: dict = {}  # (component path, language) → physical lines, to tell TS from JS
    for path in paths:
        finder = next((d for d in finders if d.is_test_file(path)), None)
        language = language_of(path) if is_module_path(path, finder is not None) else None
        if finder is None and language is None:
            continue
        stamp = cache.stamp(config.root, path)
        test_file = cache.get(path, stamp) if finder is not None else None
        lines = cache.get(path + _LINES_KEY, stamp) if language is not None else None
        if (finder is not None and test_file is None) or (language is not None and lines is None):
            read = read_text(config.root, path, config.max_file_bytes)
            if read.text is None:
                problems.append(read.problem)
                continue
            if finder is not None and test_file is None:
                test_file = finder.parse(read.text, path, kind_of(path, kinds))
                cache.put(path, stamp, test_file)
            if language is not None and lines is None:
                lines = count_lines(read.text, language, path)
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
