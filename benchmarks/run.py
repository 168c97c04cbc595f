"""Benchmark spectrace against pytest --collect-only and ripgrep; print medians and ratios."""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate  # noqa: E402

PYTHON = sys.executable
# Set by main(): the environment every timed command runs in (bytecode on or off).
ENV: dict[str, str] = dict(os.environ)
RSS_WRAPPER = """
import atexit, resource, sys
from spectrace.cli import main
atexit.register(lambda: print(f"MAXRSS_KB={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}",
                              file=sys.stderr))
sys.argv = ["spectrace", *sys.argv[1:]]
main()
"""


def timed(cmd: list[str], cwd: Path, repeat: int, env: dict | None = None,
          before=None) -> tuple[float, subprocess.CompletedProcess]:
    """Median wall time of `repeat` runs (before() runs untimed before each).

    stdout goes to a file, as `> out.json` would: reading a pipe into this process would
    time the runner, not the command. The last run's stdout comes back as `.stdout`."""
    times = []
    result = None
    out_path = cwd.parent / f".bench-out-{cwd.name}"
    for _ in range(repeat):
        if before:
            before()
        with open(out_path, "wb") as out:
            start = time.perf_counter()
            result = subprocess.run(cmd, cwd=cwd, stdout=out, stderr=subprocess.PIPE,
                                    env={**ENV, **(env or {})})
            times.append(time.perf_counter() - start)
        if result.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} failed ({result.returncode}):\n"
                             f"{result.stderr.decode(errors='replace')}")
    result.stdout = out_path.read_text(encoding="utf-8", errors="replace")
    result.stderr = result.stderr.decode(errors="replace")
    out_path.unlink()
    return statistics.median(times), result


def spectrace(*args: str) -> list[str]:
    """The console script, as a user runs it."""
    return [str(Path(PYTHON).parent / "spectrace"), *args]


def spectrace_rss(*args: str) -> list[str]:
    """The CLI under a wrapper that prints its peak RSS (never replayed)."""
    return [PYTHON, "-c", RSS_WRAPPER, *args]


def age(root: Path) -> None:
    """Give every file and folder an mtime a minute old, as a checkout's are (spectrace
    trusts no file younger than two seconds)."""
    old = time.time() - 60
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            os.utime(os.path.join(folder, name), (old, old), follow_symlinks=False)
    os.utime(root, (old, old))


def rss_of(result: subprocess.CompletedProcess) -> float:
    for line in result.stderr.splitlines():
        if line.startswith("MAXRSS_KB="):
            return int(line.split("=")[1]) / 1024
    return float("nan")


def pytest_ids(stdout: str) -> set[str]:
    return {line.split("[", 1)[0] for line in stdout.splitlines() if "::" in line}


def python_suite(work: Path, tests: int, repeat: int) -> list[tuple[str, str]]:
    root = work / "py"
    info = generate(root, tests, 1000, languages=("python",), tests_per_file=20)
    rows: list[tuple[str, str]] = [("Python suite", f"{info['tests']:,} test functions in "
                                    f"{info['files']:,} files")]
    cache = root / ".spectrace_cache"
    clear = lambda: shutil.rmtree(cache, ignore_errors=True)  # noqa: E731
    collect = [PYTHON, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
    timed(collect, root, 1)  # untimed: with bytecode on, this writes the caches
    t_pytest, res = timed(collect, root, repeat)
    ids_pytest = pytest_ids(res.stdout)
    listing = spectrace("tests", ".", "--format", "json")
    timed(listing, root, 1, before=clear)  # untimed
    t_cold, res = timed(listing, root, repeat, before=clear)
    data = json.loads(res.stdout)
    ids_ours = {f"{f['path']}::{t['qualname']}" for f in data["files"] for t in f["tests"]}
    # Warm: the same command again, nothing changed (it replays its stored answer)...
    age(root)
    timed(listing, root, 1, before=clear)
    age(root)
    timed(listing, root, 1)  # recorded now that the cache folder is old too
    t_warm, _ = timed(listing, root, repeat)
    # ...and with one test file edited: the scan cache has all files but that one.
    edited = root / "tests" / "pkg0" / "test_mod0.py"

    def touch() -> None:
        edited.write_text(edited.read_text())
        then = time.time() - 30 + len(touch_times)
        touch_times.append(then)
        os.utime(edited, (then, then))
    touch_times: list[float] = []
    t_touched, _ = timed(listing, root, repeat, before=touch)
    no_replay = {"SPECTRACE_NO_REPLAY": "1"}
    t_scan_cache, _ = timed(listing, root, repeat, env=no_replay)
    rows += [
        ("pytest --collect-only -q", f"{t_pytest:.2f} s ({len(ids_pytest):,} functions)"),
        ("spectrace tests, cold (no cache)", f"{t_cold:.2f} s ({len(ids_ours):,} functions)"),
        ("spectrace tests, warm (nothing changed)", f"{t_warm:.3f} s"),
        ("spectrace tests, one file edited", f"{t_touched:.3f} s"),
        ("spectrace tests, scan cache only (replay off)", f"{t_scan_cache:.3f} s"),
        ("counts equal pytest's", "yes" if ids_pytest == ids_ours else
         f"NO: {len(ids_pytest - ids_ours)} only pytest, {len(ids_ours - ids_pytest)} only ours"),
        ("cold speed-up over pytest", f"{t_pytest / t_cold:.1f}×  (target ≥ 20×)"),
    ]
    rg = shutil.which("rg")
    if rg:
        t_rg, _ = timed([rg, "-c", "def test", "tests"], root, repeat)
        rows += [("ripgrep over the test files", f"{t_rg:.3f} s"),
                 ("warm / ripgrep", f"{t_warm / t_rg:.1f}×  (target ≤ 3×)"),
                 ("one file edited / ripgrep", f"{t_touched / t_rg:.1f}×"),
                 ("cold / ripgrep", f"{t_cold / t_rg:.1f}×  (target ≤ 10×)")]
    else:
        rows.append(("ripgrep", "not installed (apt-get install ripgrep)"))
    return rows


def query_speed(work: Path, repeat: int) -> list[tuple[str, str]]:
    root = work / "q"
    generate(root, 2000, 500, tests_per_file=20)
    query = spectrace("query", "1.1.1", ".")
    age(root)
    timed(query, root, 1)  # builds and caches the view
    age(root)
    timed(query, root, 1)  # recorded for replay
    t_query, _ = timed(query, root, repeat)
    t_view, _ = timed(query, root, repeat, env={"SPECTRACE_NO_REPLAY": "1"})
    t_pass, _ = timed([PYTHON, "-c", "pass"], root, repeat)
    return [("spectrace query, warm (2k tests, 500 cases)", f"{t_query:.3f} s"),
            ("spectrace query, view cache only (replay off)", f"{t_view:.3f} s"),
            ("python -c pass", f"{t_pass:.3f} s"),
            ("query / bare python", f"{t_query / t_pass:.1f}×  (target ≤ 15×)")]


CROSSOVER = """
import gc, json, os, statistics, sys, time
from pathlib import Path
from spectrace.config import build_config
from spectrace.discover import discoverers
from spectrace.discover.files import kind_of, kind_rules, repository_paths
from spectrace.discover.parallel import Job, _pooled, run_one
config = build_config(Path(sys.argv[1]), None, {"cache": False})
finders = discoverers(config)[0]
kinds = kind_rules(config)
paths = repository_paths(config)[0]
jobs = []
for path in paths:
    index = next((i for i, d in enumerate(finders) if d.is_test_file(path)), -1)
    if index >= 0:
        jobs.append(Job(path, index, kind_of(path, kinds), None, os.path.getsize(path)))
gc.disable()
serial, pooled = [], []
for _ in range(int(sys.argv[2])):
    start = time.perf_counter()
    [run_one(config, finders, job) for job in jobs]
    serial.append(time.perf_counter() - start)
    start = time.perf_counter()
    _pooled(config, finders, jobs, 2, lambda done, total: None)
    pooled.append(time.perf_counter() - start)
print(json.dumps([len(jobs), sum(j.size for j in jobs), statistics.median(serial),
                  statistics.median(pooled)]))
"""


def crossover(work: Path, repeat: int) -> list[tuple[str, str]]:
    """Serial parsing against a pool of two, in one process, on trees of growing size."""
    rows = []
    for files, languages in ((4, "python"), (16, "python"), (64, "python"), (256, "python"),
                             (650, "python"), (64, "python,rust,ts"), (256, "python,rust,ts")):
        root = work / f"x{files}"
        generate(root, files * 20, 100, languages=tuple(languages.split(",")),
                 tests_per_file=20)
        out = subprocess.run([PYTHON, "-c", CROSSOVER, str(root), str(repeat)], cwd=root,
                             capture_output=True, text=True, env=ENV, check=True).stdout
        n, size, serial, pooled = json.loads(out)
        rows.append((f"parse {n} files, {size / 1000:,.0f} kB ({languages})",
                     f"serial {serial * 1000:,.0f} ms, pool of 2 {pooled * 1000:,.0f} ms"))
        shutil.rmtree(root)
    return rows


def scaling(work: Path, sizes: list[int], repeat: int) -> list[tuple[str, str]]:
    rows = []
    points = []
    for tests in sizes:
        cases = max(100, tests // 10)
        root = work / f"s{tests}"
        generate(root, tests, cases, tests_per_file=50)
        report = spectrace_rss("report", ".", "--no-cache", "--format", "json", "-o", os.devnull)
        t, res = timed(report, root, repeat)
        rss = rss_of(res)
        points.append((tests, t))
        rows.append((f"report, {tests:,} tests / {cases:,} cases", f"{t:.2f} s, peak {rss:.0f} MB"))
        shutil.rmtree(root)
    xs = [math.log(p[0]) for p in points]
    ys = [math.log(p[1]) for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    rows.append(("log-log slope of report time", f"{slope:.2f}  (target ≤ 1.1)"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tests", type=int, default=13_000, help="size of the Python suite")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", default="1000,3000,10000,30000,100000")
    parser.add_argument("--skip", default="", help="comma list of: python,query,crossover,scaling")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="run every command with PYTHONDONTWRITEBYTECODE=1 (each import "
                        "recompiles); by default it is unset, so .pyc caches are used")
    args = parser.parse_args()
    ENV.pop("PYTHONDONTWRITEBYTECODE", None)
    if args.no_bytecode:
        ENV["PYTHONDONTWRITEBYTECODE"] = "1"
    skip = set(filter(None, args.skip.split(",")))
    rows = [("machine", f"{platform.node() or '?'}: {os.cpu_count()} cores, "
             f"Python {platform.python_version()}, {platform.system()}"),
            ("bytecode (.pyc) caches", "off: PYTHONDONTWRITEBYTECODE=1" if args.no_bytecode
             else "on"),
            ("load average at start", " ".join(f"{x:.1f}" for x in os.getloadavg()))]
    with tempfile.TemporaryDirectory(prefix="spectrace-bench-") as tmp:
        work = Path(tmp)
        if "python" not in skip:
            rows += python_suite(work, args.tests, args.repeat)
        if "query" not in skip:
            rows += query_speed(work, args.repeat)
        if "crossover" not in skip:
            rows += crossover(work, args.repeat)
        if "scaling" not in skip:
            rows += scaling(work, [int(s) for s in args.sizes.split(",")], args.repeat)
    rows.append(("load average at end", " ".join(f"{x:.1f}" for x in os.getloadavg())))
    width = max(len(k) for k, _ in rows)
    print(f"| {'measure':<{width}} | value |")
    print(f"|{'-' * (width + 2)}|-------|")
    for key, value in rows:
        print(f"| {key:<{width}} | {value} |")


if __name__ == "__main__":
    main()
