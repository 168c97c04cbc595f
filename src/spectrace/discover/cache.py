"""The scan cache in .spectrace_cache/: per-file parse results keyed by path, size and mtime."""

from __future__ import annotations

import os
import pickle
import tempfile
import time
from pathlib import Path
from typing import Any

from spectrace import __version__

# Bump when the pickled values change shape; the spectrace version is part of the key too.
CACHE_FORMAT = 2  # 2: entries carry the stamps of the files their parse read
CACHE_FILE = "scan.pickle"
# A file changed within this many seconds of its mtime could change again in the same
# tick without its size or mtime moving (git calls this "racily clean"): never cache it.
RACY_SECONDS = 2.0

_README = """# spectrace cache directory

This folder holds spectrace's scan cache: per-file parse results, so that a second run
re-parses only what changed. It is safe to delete. See `--no-cache` and `--cache-dir`.
"""


class ScanCache:
    """Parse results of a previous run, and the ones of this run to write back.

    The whole cache is one pickle, read once and written once (temp file + rename), so
    two processes writing at once leave one complete cache, never a torn one. A missing,
    corrupt or foreign-version cache is ignored and rebuilt.
    """

    def __init__(self, folder: Path | None, fingerprint: str, root: Path | None = None) -> None:
        self.folder = folder
        self.root = root  # where dependency paths are stamped from
        self.key = f"{__version__}/{CACHE_FORMAT}/{fingerprint}"
        # path → (size, mtime_ns, value, ((dependency, stamp), ...))
        self.old: dict[str, tuple[int, int, Any, tuple]] = {}
        self.new: dict[str, tuple[int, int, Any, tuple]] = {}
        self.hits = 0
        self.started = time.time()
        # Stamps of dependencies, taken once a scan: every test file of a folder depends
        # on the same conftest candidates.
        self._dep_stamps: dict[str, tuple[int, int] | None] = {}
        if folder is not None:
            self.old = self._load(folder / CACHE_FILE)

    def _load(self, path: Path) -> dict:
        try:
            with path.open("rb") as handle:
                key, entries = pickle.load(handle)
        except Exception:  # noqa: BLE001 - any unreadable cache is simply rebuilt
            return {}
        if key != self.key or not isinstance(entries, dict):
            return {}
        return entries

    @staticmethod
    def stamp(root: Path, rel: str) -> tuple[int, int] | None:
        try:
            st = os.stat(root / rel)
        except OSError:
            return None
        return st.st_size, st.st_mtime_ns

    def _dep_stamp(self, rel: str) -> tuple[int, int] | None:
        if rel not in self._dep_stamps:
            self._dep_stamps[rel] = self.stamp(self.root, rel)  # type: ignore[arg-type]
        return self._dep_stamps[rel]

    def get(self, rel: str, stamp: tuple[int, int] | None) -> Any | None:
        if stamp is None:
            return None
        entry = self.old.get(rel)
        if entry is None or (entry[0], entry[1]) != stamp:
            return None
        # A parse that read other files (a conftest, a base class in another module) is
        # only valid while those are unchanged too.
        if self.root is not None and any(self._dep_stamp(dep) != dep_stamp
                                         for dep, dep_stamp in entry[3]):
            return None
        self.hits += 1
        self.new[rel] = entry
        return entry[2]

    def put(self, rel: str, stamp: tuple[int, int] | None, value: Any,
            deps: tuple[str, ...] = ()) -> None:
        dep_stamps = tuple((dep, self._dep_stamp(dep)) for dep in deps) \
            if self.root is not None else ()
        if stamp is None:
            return
        # A dependency may be absent (stamp None): if it appears later, the entry is stale.
        for one in (stamp, *(s for _, s in dep_stamps if s is not None)):
            if one[1] / 1e9 > self.started - RACY_SECONDS:
                return
        self.new[rel] = (stamp[0], stamp[1], value, dep_stamps)

    def save(self) -> None:
        """Write this run's entries (deleted files drop out); never raises."""
        if self.folder is None or self.new == self.old:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Created by spectrace automatically.\n*\n")
                (self.folder / "README.md").write_text(_README)
            fd, tmp = tempfile.mkstemp(prefix=".scan.", suffix=".tmp", dir=self.folder)
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((self.key, self.new), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.folder / CACHE_FILE)
        except OSError:
            # A read-only checkout still gets its report; it just is not faster next time.
            try:
                os.unlink(tmp)  # type: ignore[possibly-undefined]
            except (OSError, UnboundLocalError):
                pass
