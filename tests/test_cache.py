"""The scan cache: reused when nothing changed, rebuilt when anything that matters did."""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

import pytest

import spectrace.discover.cache as cache_module
from spectrace.discover.cache import CACHE_FILE, ScanCache
from spectrace.model import Language, Test, TestFile, TestKind


def _old(path: Path, seconds: float = 60) -> None:
    """Age a file's mtime past the racy window, as files in a real checkout are."""
    then = time.time() - seconds
    os.utime(path, (then, then))


def _file(path: str, *names: str) -> TestFile:
    return TestFile(path, Language.PYTHON, TestKind.UNIT,
                    tuple(Test(n, n, i + 1) for i, n in enumerate(names)))


@pytest.fixture
def repo(tmp_path) -> Path:
    (tmp_path / "tests").mkdir()
    for name in ("test_a.py", "test_b.py"):
        (tmp_path / "tests" / name).write_text("def test_x(): pass\n")
        _old(tmp_path / "tests" / name)
    return tmp_path


def _fill(repo: Path, folder: Path, fingerprint: str = "fp") -> ScanCache:
    cache = ScanCache(folder, fingerprint)
    for rel in ("tests/test_a.py", "tests/test_b.py"):
        cache.put(rel, cache.stamp(repo, rel), _file(rel, "test_x"))
    cache.save()
    return cache


@pytest.mark.spec("9.1")
def test_unchanged_files_hit_and_the_folder_ignores_itself(repo, tmp_path):
    folder = tmp_path / "cache"
    _fill(repo, folder)
    assert (folder / ".gitignore").read_text().endswith("*\n")
    again = ScanCache(folder, "fp")
    assert again.get("tests/test_a.py", again.stamp(repo, "tests/test_a.py")) == _file(
        "tests/test_a.py", "test_x")
    assert again.hits == 1


@pytest.mark.spec("9.1")
def test_changed_file_misses_and_deleted_file_drops_out(repo, tmp_path):
    folder = tmp_path / "cache"
    _fill(repo, folder)
    (repo / "tests" / "test_a.py").write_text("def test_x(): pass\ndef test_y(): pass\n")
    _old(repo / "tests" / "test_a.py", 30)
    (repo / "tests" / "test_b.py").unlink()
    again = ScanCache(folder, "fp")
    assert again.get("tests/test_a.py", again.stamp(repo, "tests/test_a.py")) is None
    assert again.stamp(repo, "tests/test_b.py") is None
    again.put("tests/test_a.py", again.stamp(repo, "tests/test_a.py"),
              _file("tests/test_a.py", "test_x", "test_y"))
    again.save()
    with (folder / CACHE_FILE).open("rb") as handle:
        _, entries = pickle.load(handle)
    assert list(entries) == ["tests/test_a.py"]


@pytest.mark.spec("9.1")
def test_version_format_or_settings_change_invalidates(repo, tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    _fill(repo, folder)
    stamp = ScanCache.stamp(repo, "tests/test_a.py")
    assert ScanCache(folder, "other settings").get("tests/test_a.py", stamp) is None
    monkeypatch.setattr(cache_module, "__version__", "999.0")
    assert ScanCache(folder, "fp").get("tests/test_a.py", stamp) is None


@pytest.mark.spec("9.1")
@pytest.mark.parametrize("garbage", [b"", b"not a pickle", pickle.dumps(["wrong", "shape", 1]),
                                     pickle.dumps(("key", None))])
def test_corrupt_cache_is_ignored_and_rebuilt(repo, tmp_path, garbage):
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / CACHE_FILE).write_bytes(garbage)
    rebuilt = _fill(repo, folder)
    assert rebuilt.old == {}
    assert ScanCache(folder, "fp").get("tests/test_a.py",
                                       ScanCache.stamp(repo, "tests/test_a.py")) is not None


@pytest.mark.spec("9.1")
def test_racily_new_files_are_not_cached(tmp_path):
    (tmp_path / "test_new.py").write_text("def test_x(): pass\n")
    cache = ScanCache(tmp_path / "cache", "fp")
    cache.put("test_new.py", cache.stamp(tmp_path, "test_new.py"), _file("test_new.py"))
    assert cache.new == {}


@pytest.mark.spec("9.1")
def test_unwritable_cache_folder_never_fails_the_scan(repo, tmp_path):
    blocker = tmp_path / "file_not_folder"
    blocker.write_text("")
    _fill(repo, blocker / "cache")  # mkdir fails: silently no cache
    assert not (blocker / "cache").exists()


def _writer(folder: str, repo: str, rounds: int) -> None:
    for _ in range(rounds):
        _fill(Path(repo), Path(folder))


@pytest.mark.spec("9.1")
def test_two_processes_writing_at_once_leave_a_whole_cache(repo, tmp_path):
    import multiprocessing

    folder = tmp_path / "cache"
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_writer, args=(str(folder), str(repo), 30))
               for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert [w.exitcode for w in workers] == [0, 0]
    loaded = ScanCache(folder, "fp")
    assert set(loaded.old) == {"tests/test_a.py", "tests/test_b.py"}
    assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.spec("9.1")
def test_an_entry_is_stale_when_a_file_its_parse_read_changes(repo, tmp_path):
    conftest = repo / "tests" / "conftest.py"
    conftest.write_text("import pytest\n")
    _old(conftest)
    folder = tmp_path / "cache"
    cache = ScanCache(folder, "fp", repo)
    stamp = cache.stamp(repo, "tests/test_a.py")
    cache.put("tests/test_a.py", stamp, _file("tests/test_a.py", "test_x"),
              deps=("tests/conftest.py",))
    cache.save()
    assert ScanCache(folder, "fp", repo).get("tests/test_a.py", stamp) is not None
    conftest.write_text("import pytest\npytestmark = pytest.mark.skip\n")
    _old(conftest, 30)
    assert ScanCache(folder, "fp", repo).get("tests/test_a.py", stamp) is None
    conftest.unlink()
    assert ScanCache(folder, "fp", repo).get("tests/test_a.py", stamp) is None


@pytest.mark.spec("9.1", "2.2.4")
def test_scan_reparses_a_test_file_when_its_conftest_changes(tmp_path):
    from spectrace.config import build_config
    from spectrace.discover import scan

    repo = tmp_path / "repo"
    (repo / "tests").mkdir(parents=True)
    (repo / "tests" / "test_a.py").write_text("def test_x():\n    pass\n")
    _old(repo / "tests" / "test_a.py")
    config = build_config(repo)
    scan(config)  # cached with no conftest at all
    conftest = repo / "tests" / "conftest.py"
    conftest.write_text("import pytest\n")
    _old(conftest)
    (first,) = scan(config).files
    assert not first.tests[0].skipped
    # pytest ignores pytestmark in a conftest; a module-level skip there skips the folder.
    conftest.write_text('import pytest\n\npytest.skip("nightly only", allow_module_level=True)\n')
    _old(conftest, 30)
    skipped = [f for f in scan(config).files if f.path == "tests/test_a.py"]
    assert skipped and skipped[0].tests[0].skipped, "a stale cached parse was served"
