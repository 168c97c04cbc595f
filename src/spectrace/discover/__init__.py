"""Repository → test files, source modules and components, statically."""

from __future__ import annotations

from spectrace.config import Config
from spectrace.discover.base import Discoverer
from spectrace.discover.cache import ScanCache
from spectrace.discover.files import kind_of, list_files, read_text
from spectrace.model import Scan, TestFile


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
    cache = ScanCache(config.cache_path if config.cache else None,
                      f"{fingerprint}/{config.max_file_bytes}")
    files: list[TestFile] = []
    for path in paths:
        finder = next((d for d in finders if d.is_test_file(path)), None)
        if finder is None:
            continue
        stamp = cache.stamp(config.root, path)
        test_file = cache.get(path, stamp)
        if test_file is None:
            read = read_text(config.root, path, config.max_file_bytes)
            if read.text is None:
                problems.append(read.problem)
                continue
            test_file = finder.parse(read.text, path, kind_of(path))
            cache.put(path, stamp, test_file)
        if test_file.tests or test_file.problems:
            files.append(test_file)
    cache.save()
    return Scan(root=str(config.root), files=tuple(files), problems=tuple(problems),
                paths=frozenset(paths))
