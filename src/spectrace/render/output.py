"""The one place output files are written: `-` is stdout, files appear whole or not at all."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from spectrace import replay
from spectrace.errors import OutputError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_special(shown: str, target: Path, content: str | bytes) -> None:
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        with target.open("wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise OutputError(f"cannot write {shown}: {exc.strerror}") from None


def write_output(path: str, content: str | bytes, *, announce: bool = True) -> None:
    """Write `content` to `path` atomically (temp file + rename); `-` writes to stdout.

    The parent folder must exist: a typo in a folder name should fail, not create it.
    """
    if path == "-":
        if isinstance(content, bytes):
            sys.stdout.buffer.write(content)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(content)
            sys.stdout.flush()
        return
    replay.spoil()  # a replay would print, not write this file
    target = Path(path)
    if target.is_symlink():
        # Write where the link points; renaming over it would replace the link itself.
        target = target.resolve()
    if target.exists() and not target.is_file() and not target.is_dir():
        _write_special(path, target, content)  # /dev/stdout, a fifo: no rename possible
        return
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"cannot write {path}: folder {parent} does not exist")
    if target.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder")
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give what open() would
        os.replace(tmp, target)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise OutputError(f"cannot write {path}: {exc.strerror}") from None
    if announce:
        print(f"Wrote {path}", file=sys.stderr)
