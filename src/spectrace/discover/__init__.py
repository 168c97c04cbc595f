"""Repository → test files, source modules and components, statically."""

from __future__ import annotations

from spectrace.config import Config
from spectrace.discover.base import Discoverer
from spectrace.discover.files import kind_of, list_files, read_text
from spectrace.model import Scan, TestFile


def discoverers(config: Config) -> list[Discoverer]:
    """One discoverer per language, set up for this repository."""
    from spectrace.discover.go import GoDiscoverer
    from spectrace.discover.java import JavaDiscoverer
    from spectrace.discover.js import JsDiscoverer
    from spectrace.discover.python import PythonDiscoverer, load_pytest_settings
    from spectrace.discover.rust import RustDiscoverer

    return [PythonDiscoverer(load_pytest_settings(config.root)), RustDiscoverer(),
            JsDiscoverer(), GoDiscoverer(), JavaDiscoverer()]


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
    finders = discoverers(config)
    files: list[TestFile] = []
    for path in paths:
        finder = next((d for d in finders if d.is_test_file(path)), None)
        if finder is None:
            continue
        read = read_text(config.root, path, config.max_file_bytes)
        if read.text is None:
            problems.append(read.problem)
            continue
        test_file = finder.parse(read.text, path, kind_of(path))
        if test_file.tests or test_file.problems:
            files.append(test_file)
    return Scan(root=str(config.root), files=tuple(files), problems=tuple(problems),
                paths=frozenset(paths))
