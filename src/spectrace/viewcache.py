"""The finished report view, cached by a digest of every input, so a warm query is instant.

A warm `spectrace query` lists the repository's files (git), stats them, hashes the
stamps and loads one pickle: no spec parsing, no scanning, no graph, none of their
imports. Any change to any listed file, spec, mapping, result or setting misses.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import time
from pathlib import Path

from spectrace import __version__
from spectrace.config import Config
from spectrace.render.view import ReportView

VIEW_FILE = "view.pickle"
_RACY_SECONDS = 2.0  # see discover/cache.py: a file this fresh may change unseen


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def input_digest(config: Config) -> str | None:
    """A digest of everything a report depends on; None when a file is too fresh to trust."""
    import glob

    from spectrace.discover.files import repository_paths

    paths, _ = repository_paths(config)
    outside: list[Path] = [s.path for s in config.specs] + _results_files(config)
    for pattern in config.mappings:
        full = pattern if Path(pattern).is_absolute() else str(config.root / pattern)
        outside.extend(Path(p) for p in glob.glob(full, recursive=True))
    outside += [config.root / "spectrace.yaml", config.root / "pyproject.toml"]
    stamps = [(p, _stamp(config.root / p)) for p in paths]
    stamps += [(str(p), _stamp(p)) for p in outside]
    newest = max((s[1] for _, s in stamps if s is not None), default=0)
    if newest / 1e9 > time.time() - _RACY_SECONDS:
        return None
    head = _git_head(config.root)
    blob = repr((__version__, repr(config), head, stamps)).encode("utf-8", "surrogateescape")
    return hashlib.sha256(blob).hexdigest()


def _results_files(config: Config) -> list[Path]:
    """Result files as the pipeline will read them: globs expanded (Surefire writes many)."""
    if not config.results:
        return []
    from spectrace.errors import SpectraceError
    from spectrace.results import expand

    try:
        return expand(config.results)
    except SpectraceError:
        return list(config.results)  # the build that follows reports the error properly


def _git_head(root: Path) -> str | None:
    """HEAD's sha without running git: the view carries the commit it was made at."""
    try:
        for folder in (root, *root.parents):
            git = folder / ".git"
            if git.is_dir():
                head = (git / "HEAD").read_text().strip()
                if head.startswith("ref: "):
                    ref = git / head[5:]
                    return ref.read_text().strip() if ref.exists() else head
                return head
    except OSError:
        return None
    return None


def load_view(config: Config, digest: str | None) -> ReportView | None:
    if digest is None or not config.cache:
        return None
    try:
        with (config.cache_path / VIEW_FILE).open("rb") as handle:
            key, view = pickle.load(handle)
    except Exception:  # noqa: BLE001 - a missing or corrupt cache is just a miss
        return None
    return view if key == digest and isinstance(view, ReportView) else None


def save_view(config: Config, digest: str | None, view: ReportView) -> None:
    if digest is None or not config.cache:
        return
    folder = config.cache_path
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / ".gitignore").exists():
            (folder / ".gitignore").write_text("# Created by spectrace automatically.\n*\n")
        fd, tmp = tempfile.mkstemp(prefix=".view.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            pickle.dump((digest, view), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / VIEW_FILE)
    except OSError:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def report_view(config: Config) -> ReportView:
    """The report view, from the cache when no input changed, else built and cached."""
    digest = input_digest(config) if config.cache else None
    view = load_view(config, digest)
    if view is not None:
        return view
    from spectrace.pipeline import build_trace
    from spectrace.render.view import build_view

    view = build_view(build_trace(config))
    save_view(config, digest, view)
    return view
