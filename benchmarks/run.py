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
    """Median wall time of `repeat` runs (before() runs untimed before each)."""
    times = []
    result = None
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True,
                                env={**ENV, **(env or {})})
        times.append(time.perf_counter() - start)
        if result.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stderr}")
    return statistics.median(times), result


def spectrace(*args: str) -> list[str]:
    return [PYTHON, "-c", RSS_WRAPPER, *args]


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
    timed(spectrace("tests", ".", "--format", "json"), root, 1, before=clear)  # untimed
    t_cold, res = timed(spectrace("tests", ".", "--format", "json"), root, repeat, before=clear)
    data = json.loads(res.stdout)
    ids_ours = {f"{f['path']}::{t['qualname']}" for f in data["files"] for t in f["tests"]}
    # Prime the cache with files old enough to be cached, then time warm runs.
    old = time.time() - 60
    for path in root.rglob("*.py"):
        os.utime(path, (old, old))
    timed(spectrace("tests", ".", "--format", "json"), root, 1, before=clear)
    t_warm, _ = timed(spectrace("tests", ".", "--format", "json"), root, repeat)
    rows += [
        ("pytest --collect-only -q", f"{t_pytest:.2f} s ({len(ids_pytest):,} functions)"),
        ("spectrace tests, cold (no cache)", f"{t_cold:.2f} s ({len(ids_ours):,} functions)"),
        ("spectrace tests, warm (cache hit)", f"{t_warm:.2f} s"),
        ("counts equal pytest's", "yes" if ids_pytest == ids_ours else
         f"NO: {len(ids_pytest - ids_ours)} only pytest, {len(ids_ours - ids_pytest)} only ours"),
        ("cold speed-up over pytest", f"{t_pytest / t_cold:.1f}×  (target ≥ 20×)"),
    ]
    rg = shutil.which("rg")
    if rg:
        t_rg, _ = timed([rg, "-c", "def test", "tests"], root, repeat)
        rows += [("ripgrep over the test files", f"{t_rg:.3f} s"),
                 ("warm / ripgrep", f"{t_warm / t_rg:.1f}×  (target ≤ 3×)"),
                 ("cold / ripgrep", f"{t_cold / t_rg:.1f}×  (target ≤ 10×)")]
    else:
        rows.append(("ripgrep", "not installed (apt-get install ripgrep)"))
    return rows


def query_speed(work: Path, repeat: int) -> list[tuple[str, str]]:
    root = work / "q"
    generate(root, 2000, 500, tests_per_file=20)
    old = time.time() - 60
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (old, old))
    timed([PYTHON, "-m", "spectrace", "query", "1.1.1", "."], root, 1)  # prime the cache
    t_query, _ = timed([PYTHON, "-m", "spectrace", "query", "1.1.1", "."], root, repeat)
    t_pass, _ = timed([PYTHON, "-c", "pass"], root, repeat)
    return [("spectrace query, warm (2k tests, 500 cases)", f"{t_query:.3f} s"),
            ("python -c pass", f"{t_pass:.3f} s"),
            ("query / bare python", f"{t_query / t_pass:.1f}×  (target ≤ 15×)")]


def scaling(work: Path, sizes: list[int], repeat: int) -> list[tuple[str, str]]:
    rows = []
    points = []
    for tests in sizes:
        cases = max(100, tests // 10)
        root = work / f"s{tests}"
        generate(root, tests, cases, tests_per_file=50)
        report = spectrace("report", ".", "--no-cache", "--format", "json", "-o", os.devnull)
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
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="1000,3000,10000,30000,100000")
    parser.add_argument("--skip", default="", help="comma list of: python,query,scaling")
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
