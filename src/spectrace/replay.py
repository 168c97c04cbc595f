"""Replay a read-only command's output when not one of its inputs changed since it ran.

`spectrace query`, `tests`, `inventory` and `report` to stdout are pure functions of the
repository, the settings, the command line and the environment. When one finishes, the
entry point stores what it printed, its exit code and a *stamp* (size and mtime) of every
input: every file the repository lists, every folder whose entries could change that
list, the settings, specs, mappings and results wherever they live, git's index, ignore
files and HEAD, and spectrace's own source. The next identical command stats those
stamps and, when all still hold, prints the stored output without importing the rest of
spectrace: the cost of a warm run is the interpreter plus one `stat` per input.

Like make or a build cache, it trusts mtimes; unlike them it refuses to record a run when
any input is younger than two seconds (an edit in the same clock tick could go unseen)
or when the run had any other effect (a file written, a progress bar shown).
`SPECTRACE_NO_REPLAY=1` or `--no-cache` turns it off.

This module is imported before anything else on every run, so the replay half uses
the standard library's cheapest modules only; recording imports what it needs.
"""

from __future__ import annotations

import marshal
import os
import sys
import time
import zlib

# Annotations are never evaluated (`from __future__ import annotations`): importing
# `typing` for `Any` alone would cost a third of a replay.

from spectrace import __version__

FORMAT = 1
FOLDER = "replay"
KEEP = 64  # entries kept per cache folder; the oldest go first
REPLAYABLE = frozenset({"query", "tests", "inventory", "report"})
RACY_NS = 2_000_000_000  # see discover/cache.py
# Variables that change what a command prints (colour, width, encoding, settings).
ENV_KEYS = ("NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS", "LINES", "CI", "GITHUB_ACTIONS",
            "TTY_COMPATIBLE", "TTY_INTERACTIVE", "PYTHONIOENCODING", "PYTHONUTF8", "LANG",
            "LC_ALL", "LC_CTYPE", "HOME", "XDG_CONFIG_HOME", "GIT_DIR", "GIT_WORK_TREE",
            "GIT_INDEX_FILE", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM")
# A stamp: (path, size (-1: absent, -2: a folder), mtime_ns).


def command_of(argv: list[str]) -> str | None:
    """The subcommand when it is one whose output can be replayed, else None."""
    if not argv or argv[0] not in REPLAYABLE:
        return None
    if "-" in argv or "--no-cache" in argv or os.environ.get("SPECTRACE_NO_REPLAY"):
        return None  # stdin, or the user asked for a fresh run
    return argv[0]


def _key(argv: list[str]) -> tuple:
    streams = []
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        try:
            tty = stream is not None and stream.isatty()
        except (ValueError, OSError):
            tty = False
        streams.append((tty, getattr(stream, "encoding", None), getattr(stream, "errors", None)))
    try:
        size = tuple(os.get_terminal_size(sys.__stdout__.fileno())) if streams[1][0] else None
    except (OSError, ValueError, AttributeError):
        size = None
    env = tuple(sorted((k, v) for k, v in os.environ.items()
                       if (k in ENV_KEYS or k.startswith("SPECTRACE_"))
                       and k != "SPECTRACE_JOBS"))
    return (FORMAT, __version__, sys.executable, sys.hexversion, os.getcwd(), tuple(argv),
            env, tuple(streams), size)


def _entry_name(key: tuple) -> str:
    return f"{zlib.crc32(marshal.dumps(key)):08x}.m"


def _candidate_folders(argv: list[str]) -> list[str]:
    """Cache folders the entry may live in: the one of the current folder, of any folder
    the command line names, and --cache-dir's."""
    found = [os.path.join(".spectrace_cache", FOLDER)]
    for i, arg in enumerate(argv[1:], 1):
        if argv[i - 1] == "--cache-dir":
            found.append(os.path.join(arg, FOLDER))
        elif arg.startswith("--cache-dir="):
            found.append(os.path.join(arg.split("=", 1)[1], FOLDER))
        elif not arg.startswith("-") and os.path.isdir(arg):
            found.append(os.path.join(arg, ".spectrace_cache", FOLDER))
    return found


def _holds(stamps: list[tuple[str, int, int]]) -> bool:
    stat = os.stat
    for path, size, mtime in stamps:
        try:
            st = stat(path)
        except OSError:
            if size == -1:
                continue
            return False
        if size == -1 or st.st_mtime_ns != mtime:
            return False
        if size >= 0 and st.st_size != size:
            return False
        if size == -2 and not os.path.isdir(path):
            return False
    return True


def replay(argv: list[str]) -> None:
    """Print a stored answer and exit when one holds for this exact command; else return."""
    if command_of(argv) is None:
        return
    key = _key(argv)
    name = _entry_name(key)
    for folder in _candidate_folders(argv):
        try:
            handle = open(os.path.join(folder, name), "rb")  # noqa: SIM115 - closed below
        except OSError:
            continue
        with handle:
            try:
                size = int.from_bytes(handle.read(8), "little")
                head = marshal.loads(handle.read(size))
            except Exception:  # noqa: BLE001 - a corrupt or foreign entry is a miss
                continue
            if not isinstance(head, dict) or head.get("key") != key:
                continue
            if not _holds(head["stamps"]):
                return
            _emit(handle, 8 + size, head["chunks"])
        sys.exit(head["code"])


def _emit(handle, offset: int, chunks: list[tuple[int, int]]) -> None:
    """Copy the stored output to stdout and stderr, in the order it was printed; the
    kernel copies it (sendfile) when it can: a large report never passes through Python."""
    streams = (sys.stdout, sys.stderr)
    try:
        for which, length in chunks:
            stream = streams[which]
            stream.flush()
            done = 0
            try:
                fd = stream.fileno()
                while done < length:
                    sent = os.sendfile(fd, handle.fileno(), offset + done, length - done)
                    if sent == 0:
                        raise OSError("short sendfile")
                    done += sent
            except (OSError, ValueError, AttributeError):
                if done:
                    raise
                handle.seek(offset)
                stream.buffer.write(handle.read(length))
                stream.buffer.flush()
            offset += length
    except BrokenPipeError:
        # Like the full run: a reader that went away is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)


# --- recording ---------------------------------------------------------------------


class _Tee:
    """A text stream that passes everything through and keeps a copy as bytes."""

    def __init__(self, stream: Any, which: int, chunks: list[tuple[int, bytes]]) -> None:
        self._stream = stream
        self._which = which
        self._chunks = chunks
        self.buffer = _TeeBuffer(stream.buffer, which, chunks)

    def write(self, text: str) -> int:
        self._chunks.append((self._which, text.encode(self._stream.encoding or "utf-8",
                                                      self._stream.errors or "strict")))
        return self._stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _TeeBuffer:
    def __init__(self, buffer: Any, which: int, chunks: list[tuple[int, bytes]]) -> None:
        self._buffer = buffer
        self._which = which
        self._chunks = chunks

    def write(self, data: bytes) -> int:
        self._chunks.append((self._which, bytes(data)))
        return self._buffer.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._buffer, name)


class Recorder:
    """Watches one run; `finish` stores it when it may be replayed."""

    active: Recorder | None = None

    def __init__(self, argv: list[str]) -> None:
        self.argv = argv
        self.key = _key(argv)
        self.started_ns = time.time_ns()
        self.chunks: list[tuple[int, bytes]] = []
        self.config: Any = None
        self.spoiled = False
        self._streams = (sys.stdout, sys.stderr)
        # Taken before the run: an edit to spectrace while it runs must miss next time.
        self.own = _own_stamps()

    @classmethod
    def begin(cls, argv: list[str]) -> Recorder | None:
        if command_of(argv) is None or sys.stdout is None or sys.stderr is None \
                or not hasattr(sys.stdout, "buffer") or not hasattr(sys.stderr, "buffer"):
            return None
        recorder = cls(argv)
        sys.stdout = _Tee(sys.stdout, 0, recorder.chunks)  # type: ignore[assignment]
        sys.stderr = _Tee(sys.stderr, 1, recorder.chunks)  # type: ignore[assignment]
        cls.active = recorder
        return recorder

    def finish(self, code: object) -> None:
        """Restore the streams; store the run if it was clean and repeatable."""
        sys.stdout, sys.stderr = self._streams
        Recorder.active = None
        if self.spoiled or self.config is None or code not in (0, 1, 2, None) \
                or not self.config.cache:
            return
        try:
            stamps = input_stamps(self.config, self.argv)
        except Exception:  # noqa: BLE001 - never let the cache break a finished run
            return
        if stamps is None or any(mtime > self.started_ns - RACY_NS
                                 for _, _, mtime in stamps):
            return
        stamps += self.own
        merged: list[tuple[int, bytes]] = []
        for which, data in self.chunks:
            if merged and merged[-1][0] == which:
                merged[-1] = (which, merged[-1][1] + data)
            elif data:
                merged.append((which, data))
        head = marshal.dumps({"key": self.key, "stamps": stamps, "code": code or 0,
                              "chunks": [(which, len(data)) for which, data in merged]})
        _store(self.config.cache_path / FOLDER, _entry_name(self.key),
               [len(head).to_bytes(8, "little"), head, *(data for _, data in merged)])


def note_config(config: Any) -> None:
    """The settings the command runs with (called by the CLI once it has them)."""
    if Recorder.active is not None:
        Recorder.active.config = config


def spoil() -> None:
    """The run did something a replay would not: do not record it."""
    if Recorder.active is not None:
        Recorder.active.spoiled = True


def _store(folder: Any, name: str, parts: list[bytes]) -> None:
    """Entry layout: 8-byte length of a marshalled head (key, stamps, exit code, chunk
    lengths), the head, then the raw output the chunks describe."""
    import tempfile

    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        ignore = folder.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Created by spectrace automatically.\n*\n")
        fd, tmp = tempfile.mkstemp(prefix=".entry.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.writelines(parts)
        os.replace(tmp, folder / name)
        tmp = None
        entries = sorted(folder.glob("*.m"), key=lambda p: p.stat().st_mtime_ns)
        for old in entries[:-KEEP]:
            old.unlink(missing_ok=True)
    except OSError:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def input_stamps(config: Any, argv: list[str]) -> list[tuple[str, int, int]] | None:
    """A stamp of everything a replayable command may have read."""
    from pathlib import Path

    from spectrace.discover.files import list_files

    root: Path = config.root
    stamps: dict[str, tuple[int, int]] = {}

    def stamp(path: Path | str) -> None:
        full = os.path.abspath(path)
        if full in stamps:
            return
        try:
            st = os.stat(full)
        except OSError:
            stamps[full] = (-1, 0)
            return
        is_dir = os.path.isdir(full)
        stamps[full] = (-2 if is_dir else st.st_size, st.st_mtime_ns)

    def stamp_tree(path: Path) -> None:
        """A folder and all beneath it (specs or results that live outside the listing)."""
        stamp(path)
        if path.is_dir():
            for folder, dirs, files in os.walk(path):
                for name in dirs + files:
                    stamp(os.path.join(folder, name))

    folders: list[str] = []
    paths, _ = list_files(root, folders)
    for rel in paths:
        stamp(root / rel)
    for rel in folders:
        stamp(root / rel if rel else root)
    # Settings, wherever they came from, and the defaults that were looked for.
    for name in ("spectrace.yaml", "pyproject.toml", "specs"):
        stamp_tree(root / name) if name == "specs" else stamp(root / name)
    if config.source:
        stamp(root / config.source)
    for source in config.specs:
        stamp_tree(source.path)
    for pattern in (*config.mappings, *(str(r) for r in config.results)):
        full = pattern if os.path.isabs(pattern) else str(root / pattern)
        # A glob: every folder under its fixed part, so a new match is seen.
        fixed = full.split("*", 1)[0].split("?", 1)[0].split("[", 1)[0]
        stamp_tree(Path(fixed if fixed == full else os.path.dirname(fixed)))
    for path in _git_inputs(root):
        stamp(path)
    return [(path, size, mtime) for path, (size, mtime) in sorted(stamps.items())]


def _git_inputs(root: Any) -> list[str]:
    """git's files that decide what it lists and what HEAD is."""
    import subprocess

    def git(*args: str) -> list[str] | None:
        try:
            done = subprocess.run(["git", "-C", str(root), *args], capture_output=True,
                                  text=True, check=False)
        except OSError:
            return None
        return done.stdout.splitlines() if done.returncode == 0 else None

    found = git("rev-parse", "--show-toplevel", "--git-path", "index", "--git-path",
                "info/exclude", "--git-path", "HEAD", "--git-path", "packed-refs")
    if not found or len(found) != 5:
        return []
    top, *paths = found
    paths = [p if os.path.isabs(p) else os.path.join(root, p) for p in paths]
    try:
        with open(paths[2], encoding="utf-8") as handle:
            head = handle.read().strip()
    except OSError:
        head = ""
    if head.startswith("ref: "):
        ref = git("rev-parse", "--git-path", head[5:])
        if ref:
            paths.append(ref[0] if os.path.isabs(ref[0]) else os.path.join(root, ref[0]))
    excludes = git("config", "--path", "core.excludesFile")
    if excludes:
        paths.append(os.path.expanduser(excludes[0]))
    else:
        base = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
        paths.append(os.path.join(base, "git", "ignore"))
    # .gitignore files above the repository folder, up to the checkout's top.
    folder = os.path.abspath(root)
    while folder != os.path.abspath(top) and os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
        paths.append(os.path.join(folder, ".gitignore"))
    return paths


def _own_stamps() -> list[tuple[str, int, int]]:
    """spectrace's own source files, and the folder its dependencies are installed in
    (installing or removing a package changes it)."""
    import typer

    package = os.path.dirname(os.path.abspath(__file__))
    paths = [os.path.dirname(os.path.dirname(os.path.abspath(typer.__file__)))]
    for folder, dirs, files in os.walk(package):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        paths.extend(os.path.join(folder, f) for f in files if not f.endswith(".pyc"))
    stamps = []
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            continue
        stamps.append((path, -2 if os.path.isdir(path) else st.st_size, st.st_mtime_ns))
    return stamps
