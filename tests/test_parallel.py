"""Parallel parsing: a scan on worker processes gives what a serial scan gives, in order."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from spectrace.config import build_config
from spectrace.discover import parallel, scan

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
from generate import generate  # noqa: E402

linux_fork = pytest.mark.skipif(sys.platform != "linux", reason="the pool forks, on Linux only")


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    generate(root, 600, 120, tests_per_file=10)
    # A file that cannot be read and one that does not parse: problems keep their place too.
    (root / "tests" / "pkg0" / "test_broken.py").write_text("def test_x(:\n    pass\n")
    (root / "tests" / "pkg1" / "test_binary.py").write_bytes(b"def test_y():\0\n")
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text("def handler():\n    return 1\n")
    return root


@linux_fork
@pytest.mark.spec("9.3")
def test_parallel_scan_equals_serial_scan(tmp_path, monkeypatch):
    root = _repo(tmp_path)
    config = build_config(root, overrides={"cache": False})
    monkeypatch.setenv("SPECTRACE_JOBS", "1")
    serial = scan(config)
    monkeypatch.delenv("SPECTRACE_JOBS")
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_FILES", 2)
    pools = []
    pooled = parallel._pooled
    monkeypatch.setattr(parallel, "_pooled", lambda *a: pools.append(a[3]) or pooled(*a))
    if parallel.use_pool([parallel.Job("a", 0, None, None, 1)] * 4) == 0:
        pytest.skip("one core: the pool is never used")
    on_pool = scan(config)
    assert pools and pools[0] >= 2  # it did run on workers
    assert sum(len(f.tests) for f in serial.files) >= 600
    assert [f.path for f in on_pool.files] == [f.path for f in serial.files]
    assert on_pool == serial
    assert any(f.problems for f in serial.files) and serial.problems and serial.modules


@pytest.mark.spec("9.3")
def test_small_scans_stay_serial(tmp_path, monkeypatch):
    jobs = [parallel.Job(f"t{i}.py", 0, None, None, 1000) for i in range(40)]
    assert parallel.use_pool(jobs) == 0  # 40 kB: below the crossover
    big = [parallel.Job(f"t{i}.py", 0, None, None, 100_000) for i in range(40)]
    assert parallel.use_pool(big[:3]) == 0  # a few big files: nothing to split
    monkeypatch.setenv("SPECTRACE_JOBS", "1")
    assert parallel.use_pool(big) == 0


@linux_fork
@pytest.mark.spec("9.3", "9.1")
def test_parallel_results_fill_the_cache_like_serial_ones(tmp_path, monkeypatch):
    import os
    import time

    root = _repo(tmp_path)
    old = time.time() - 60
    for path in root.rglob("*"):
        os.utime(path, (old, old))
    monkeypatch.setattr(parallel, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_FILES", 2)
    config = build_config(root)
    cold = scan(config)
    read = []
    run_one = parallel.run_one
    monkeypatch.setattr(parallel, "run_one", lambda *a: read.append(a[2].path) or run_one(*a))
    warm = scan(config)
    assert warm == cold
    # Everything came from the cache the pooled scan wrote, but the file that could not
    # be read (it is reported again).
    assert read == ["tests/pkg1/test_binary.py"]


@pytest.mark.spec("9.3", "5.1")
def test_scan_reports_progress_up_to_the_number_of_files_it_parses(tmp_path, monkeypatch):
    from spectrace.config import build_config
    from spectrace.discover import scan

    for i in range(5):
        (tmp_path / f"test_m{i}.py").write_text(f"def test_{i}():\n    pass\n")
    monkeypatch.setenv("SPECTRACE_JOBS", "1")
    heard: list[tuple[int, int]] = []
    scan(build_config(tmp_path), lambda done, total: heard.append((done, total)))
    assert heard and heard[-1][0] == heard[-1][1] >= 5
    assert [d for d, _ in heard] == sorted(d for d, _ in heard)
