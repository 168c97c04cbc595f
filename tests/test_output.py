"""write_output: whole files or none, stdout for `-`, clear errors naming the path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from spectrace.errors import OutputError
from spectrace.render.output import write_output


@pytest.mark.spec("6.5")
def test_writes_whole_file_and_announces_it(tmp_path, capsys):
    target = tmp_path / "out.md"
    write_output(str(target), "# hi\n")
    assert target.read_text() == "# hi\n"
    assert capsys.readouterr().err == f"Wrote {target}\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]  # no temp file left


def test_dash_is_stdout(capsys):
    write_output("-", "text\n")
    assert capsys.readouterr() == ("text\n", "")


@pytest.mark.spec("6.5")
def test_missing_folder_is_an_error_and_nothing_is_created(tmp_path):
    with pytest.raises(OutputError, match="folder .*nope does not exist"):
        write_output(str(tmp_path / "nope" / "out.md"), "x")
    assert not (tmp_path / "nope").exists()


@pytest.mark.spec("6.5")
@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only folders")
def test_read_only_folder_leaves_nothing_behind(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="cannot write"):
            write_output(str(folder / "out.md"), "x")
    finally:
        folder.chmod(0o700)
    assert list(folder.iterdir()) == []


@pytest.mark.spec("6.5")
def test_failed_replace_keeps_the_old_file_and_removes_the_temp(tmp_path, monkeypatch):
    target = tmp_path / "out.md"
    target.write_text("old\n")

    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OutputError, match="No space left on device"):
        write_output(str(target), "new\n")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]


@pytest.mark.spec("6.5")
def test_devices_and_fifos_are_written_in_place_never_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    import threading

    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_output(str(fifo), "through the pipe\n", announce=False)
    reader.join(5)
    assert received == [b"through the pipe\n"]
    assert fifo.is_fifo()
    write_output("/dev/null", "gone\n", announce=False)
    assert Path("/dev/null").is_char_device()


@pytest.mark.spec("6.5")
def test_symlinked_output_writes_the_target_and_keeps_the_link(tmp_path):
    real = tmp_path / "real.md"
    real.write_text("old\n")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    write_output(str(link), "new\n", announce=False)
    assert link.is_symlink() and real.read_text() == "new\n"
