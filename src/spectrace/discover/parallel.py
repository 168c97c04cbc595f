"""Reading and parsing the files a scan could not take from its cache: serially, or on a
pool of forked worker processes when there is enough to parse for the pool to pay."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from spectrace.config import Config
from spectrace.model import Language, TestKind

# Below this many bytes of source to parse, a pool costs more than it saves. Measured on
# a 2-core Linux box (benchmarks/README.md, "crossover"): forking two workers and sending
# the results back costs about 40 ms; parsing runs at about 3 MB/s per core.
PARALLEL_MIN_BYTES = 400_000
# …and never for a handful of files, however large: one big file cannot be split.
PARALLEL_MIN_FILES = 16


@dataclass(frozen=True, slots=True)
class Job:
    """One file to read: parse it with finder `finder` (an index, -1: do not), count its
    lines as `language` (None: do not)."""

    path: str
    finder: int
    kind: TestKind
    language: Language | None
    size: int


# What a job gives back: (TestFile or None, (lines, code lines) or None, the problem that
# kept the file from being read or None, the other files the parse read).
Result = tuple[Any, Any, Any, tuple[str, ...]]

_worker: tuple[Config, list] | None = None  # the config and discoverers of a worker process


def run_one(config: Config, finders: list, job: Job) -> Result:
    from spectrace.discover.files import read_text
    from spectrace.discover.modules import count_lines

    read = read_text(config.root, job.path, config.max_file_bytes)
    if read.text is None:
        return None, None, read.problem, ()
    test_file = lines = None
    deps: tuple[str, ...] = ()
    if job.finder >= 0:
        finder = finders[job.finder]
        test_file = finder.parse(read.text, job.path, job.kind)
        if hasattr(finder, "dependencies"):
            deps = finder.dependencies(job.path)
    if job.language is not None:
        lines = count_lines(read.text, job.language, job.path)
    return test_file, lines, None, deps


def use_pool(jobs: list[Job]) -> int:
    """How many worker processes to parse `jobs` on; 0: parse them here.
    SPECTRACE_JOBS=1 in the environment keeps every scan serial."""
    min_bytes, min_files = PARALLEL_MIN_BYTES, PARALLEL_MIN_FILES
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if (cores or 1) < 2 or len(jobs) < min_files or sum(j.size for j in jobs) < min_bytes:
        return 0
    import multiprocessing

    # fork only: a spawned worker would pay the whole import cost again, and on macOS
    # fork is unsafe. Elsewhere the scan stays serial.
    if sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    if os.environ.get("SPECTRACE_JOBS") == "1":
        return 0
    return min(cores or 1, max(1, len(jobs) // min_files))


def run_all(config: Config, finders: list, jobs: list[Job],
            advance: Callable[[int, int], None] | None = None) -> list[Result]:
    """Every job's result, in the order of `jobs`, whichever way they ran.
    `advance(done, total)` hears of progress (a terminal's progress bar)."""
    advance = advance or (lambda done, total: None)
    workers = use_pool(jobs)
    if workers:
        results = _pooled(config, finders, jobs, workers, advance)
        if results is not None:
            return results
    results = []
    for done, job in enumerate(jobs, 1):
        results.append(run_one(config, finders, job))
        advance(done, len(jobs))
    return results


def _pooled(config: Config, finders: list, jobs: list[Job], workers: int,
            advance: Callable[[int, int], None]) -> list[Result] | None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # Biggest first, so that no worker is left with a large file at the end; the results
    # go back into the order of `jobs`.
    order = sorted(range(len(jobs)), key=lambda i: -jobs[i].size)
    chunks = [order[w::workers * 4] for w in range(workers * 4)]
    # Objects alive now are never collected in a worker: freezing them keeps the collector
    # from touching (and so copying) the parent's pages after the fork.
    gc.freeze()
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_start, initargs=(config,)) as pool:
            parts = pool.map(_run_chunk, [[jobs[i] for i in chunk] for chunk in chunks])
            results: list[Result | None] = [None] * len(jobs)
            done = 0
            for chunk, part in zip(chunks, parts):
                for i, result in zip(chunk, part):
                    results[i] = result
                done += len(chunk)
                advance(done, len(jobs))
    except (BrokenProcessPool, OSError):
        return None  # a worker died (out of memory, killed): parse here instead
    finally:
        gc.unfreeze()
    return results  # type: ignore[return-value]


def _start(config: Config) -> None:
    """Each worker builds its own discoverers once; their caches are per process."""
    global _worker
    from spectrace.discover import discoverers

    gc.disable()  # a worker lives for one scan and allocates little that forms cycles
    _worker = (config, discoverers(config)[0])


def _run_chunk(jobs: list[Job]) -> list[Result]:
    assert _worker is not None
    config, finders = _worker
    return [run_one(config, finders, job) for job in jobs]
