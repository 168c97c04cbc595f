"""The typer app: parse options, call the pipeline, map errors to exit codes. Nothing else."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from spectrace import __version__, replay
from spectrace.config import Format
from spectrace.errors import SpectraceError

# Exit codes, in one place (CONTRACT.md).
EXIT_OK = 0
EXIT_NO = 1  # a gate failed, or a query's answer is "not covered"
EXIT_BAD_INPUT = 2
EXIT_BUG = 3

app = typer.Typer(
    name="spectrace",
    help="Which parts of your specification are tested, by which tests, and which are not.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

F = TypeVar("F", bound=Callable[..., Any])


def handles_errors(func: F) -> F:
    """Turn spectrace's own errors into one clean message and exit 2; bugs into exit 3."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except SpectraceError as exc:
            print(f"spectrace: error: {exc}", file=sys.stderr)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            print("spectrace: interrupted", file=sys.stderr)
            raise typer.Exit(130) from None
        except BrokenPipeError:
            raise typer.Exit(EXIT_OK) from None
        except Exception:  # noqa: BLE001 - the one place real bugs are reported
            import traceback

            traceback.print_exc()
            print(f"spectrace {__version__}: internal error. This is a bug in spectrace; "
                  "please report it with the traceback above.", file=sys.stderr)
            raise typer.Exit(EXIT_BUG) from None

    return wrapper  # type: ignore[return-value]


# --- common options ----------------------------------------------------------------

RepoArg = Annotated[Path, typer.Argument(help="The repository root.", show_default=True)]
ConfigOpt = Annotated[Path | None, typer.Option(
    "--config", "-c", help="Config file (default: spectrace.yaml, else [tool.spectrace] "
    "in pyproject.toml).")]
SpecOpt = Annotated[list[str] | None, typer.Option(
    "--spec", help="A spec document, PATH or PATH:KIND (testing-plan, conceptual-model). "
    "Repeatable.")]
MappingOpt = Annotated[list[str] | None, typer.Option(
    "--mapping", help="A mapping file or glob. Repeatable.")]
ResultsOpt = Annotated[list[Path] | None, typer.Option(
    "--results", help="A JUnit XML results file. Repeatable.")]
IdPatternOpt = Annotated[list[str] | None, typer.Option(
    "--id-pattern", help="A regex that case ids match (replaces the defaults). Repeatable.")]
OutputOpt = Annotated[str | None, typer.Option(
    "--output", "-o", help="Where to write (default: stdout for text formats).")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache.")]
CacheDirOpt = Annotated[Path | None, typer.Option(
    "--cache-dir", help="Cache folder (default: REPO/.spectrace_cache).")]
TitleOpt = Annotated[str | None, typer.Option("--title", help="Title of the reports.")]
ExcludeOpt = Annotated[list[str] | None, typer.Option(
    "--exclude", help="A gitignore-style pattern of paths never scanned. Repeatable.")]
MaxSizeOpt = Annotated[int | None, typer.Option(
    "--max-file-size", help="Skip (and report) files larger than this many bytes.", min=1)]
GapMarkerOpt = Annotated[list[str] | None, typer.Option(
    "--gap-marker", metavar="NAME",
    help="A marker that documents a known gap; its tests count as expected "
    "to fail (⚠️ known gap). Repeatable.")]
KindOpt = Annotated[list[str] | None, typer.Option(
    "--kind", metavar="KIND=PATTERN",
    help="Tests whose path matches a gitignore-style PATTERN are of KIND (unit, "
    "integration, e2e); replaces the `kinds:` setting. Repeatable.")]
SourceUrlOpt = Annotated[str | None, typer.Option(
    "--source-url", help="Link template for tests, with {commit} {path} {line}.")]
SplitOverOpt = Annotated[int | None, typer.Option(
    "--split-over", min=0, show_default="40",
    help="Wiki pages: one page per area when the spec has more cases than this.")]


def _config(repo: Path, config: Path | None, spec: list[str] | None, mapping: list[str] | None,
            results: list[Path] | None, id_pattern: list[str] | None, no_cache: bool,
            cache_dir: Path | None, title: str | None = None, exclude: list[str] | None = None,
            max_file_size: int | None = None, source_url: str | None = None,
            gap_marker: list[str] | None = None, kind: list[str] | None = None):
    from spectrace.config import build_config, parse_spec_arg
    from spectrace.specs.ids import IdMatcher

    cwd = Path.cwd()
    if id_pattern:
        IdMatcher(id_pattern, "--id-pattern")  # fail early, naming the flag
    overrides = {
        "specs": tuple(parse_spec_arg(s, cwd) for s in spec or ()),
        # Flags are relative to where the user stands, not to the repository.
        "mappings": tuple(m if Path(m).is_absolute() else str(cwd / m) for m in mapping or ()),
        "results": tuple(r if r.is_absolute() else cwd / r for r in results or ()),
        "id_patterns": tuple(id_pattern or ()),
        "cache": False if no_cache else None,
        "cache_dir": cache_dir.resolve() if cache_dir else None,
        "title": title,
        "exclude": tuple(exclude or ()),
        "max_file_bytes": max_file_size,
        "source_url": source_url,
    }
    built = build_config(repo, config, overrides)
    # Flags for sections their stages validate themselves replace the file's section.
    sections = {"gap_markers": tuple(gap_marker) if gap_marker else None,
                "kinds": _kinds_flag(kind) if kind else None}
    given = {name: value for name, value in sections.items() if value is not None}
    if given:
        from dataclasses import replace

        built = replace(built, extra={**built.extra, **given})
    replay.note_config(built)
    return built


# --- commands ----------------------------------------------------------------------


def _kinds_flag(values: list[str]) -> dict[str, list[str]]:
    """`--kind e2e=tests/acceptance/` flags, shaped like the `kinds:` setting."""
    kinds: dict[str, list[str]] = {}
    for value in values:
        name, sep, pattern = value.partition("=")
        if not sep or not pattern or name not in ("unit", "integration", "e2e"):
            raise SpectraceError(f"--kind takes KIND=PATTERN with KIND unit, integration or "
                                 f"e2e, not {value!r}")
        kinds.setdefault(name, []).append(pattern)
    return kinds


def _version(value: bool) -> None:
    if value:
        print(f"spectrace {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Which parts of your specification are tested, by which tests, and which are not."""


@app.command()
@handles_errors
def report(
    repo: RepoArg = Path("."),
    config: ConfigOpt = None,
    spec: SpecOpt = None,
    mapping: MappingOpt = None,
    results: ResultsOpt = None,
    id_pattern: IdPatternOpt = None,
    format: Annotated[str | None, typer.Option(
        "--format", "-f", help="text, md, html, json, csv, xlsx or wiki (a folder of pages).",
        show_default="text")] = None,
    output: OutputOpt = None,
    no_cache: NoCacheOpt = False,
    cache_dir: CacheDirOpt = None,
    title: TitleOpt = None,
    exclude: ExcludeOpt = None,
    max_file_size: MaxSizeOpt = None,
    source_url: SourceUrlOpt = None,
    split_over: SplitOverOpt = None,
    gap_marker: GapMarkerOpt = None,
    kind: KindOpt = None,
) -> None:
    """Build the matrix; print a summary; write the outputs config or --format/-o ask for."""
    from spectrace.render import format_for, write_report
    from spectrace.render.view import build_view

    cfg = _config(repo, config, spec, mapping, results, id_pattern, no_cache, cache_dir, title,
                  exclude, max_file_size, source_url, gap_marker, kind)
    cfg, _ = _publish_settings(cfg, split_over=split_over)
    chosen = format_for(format, output)  # a bad --format fails before the scan
    machine = chosen in (Format.JSON, Format.CSV, Format.XLSX) and (output or "-") == "-"
    view = build_view(_traced(cfg, progress_bar=not machine))
    if chosen is not None or not cfg.outputs:
        write_report(view, chosen or Format.TEXT, output or "-", cfg)
        return
    write_report(view, Format.TEXT, "-", cfg)
    for out in cfg.outputs:
        target = out.path if Path(out.path).is_absolute() else str(cfg.root / out.path)
        write_report(view, out.format, target, cfg)


def _publish_settings(cfg, **flags):
    """The `publish:` section checked (with its lines), then the flags given on top."""
    from dataclasses import replace

    from spectrace.render.wiki import wiki_settings

    settings = replace(wiki_settings(cfg), **{k: v for k, v in flags.items() if v is not None})
    return replace(cfg, extra={**cfg.extra, "publish": settings}), settings


def _traced(cfg, *, progress_bar: bool = True):
    """The trace, with a progress bar on stderr when it is a terminal (CONTRACT.md)."""
    from spectrace.pipeline import build_trace
    from spectrace.render.terminal import progress

    with progress("Scanning", enabled=progress_bar and sys.stderr.isatty()) as advance:
        return build_trace(cfg, advance)


@app.command()
@handles_errors
def publish(
    repo: RepoArg = Path("."),
    wiki: Annotated[str | None, typer.Option(
        "--wiki", help="URL or path of the wiki git repository (default: publish.wiki in "
        "the config).")] = None,
    config: ConfigOpt = None,
    spec: SpecOpt = None,
    mapping: MappingOpt = None,
    results: ResultsOpt = None,
    id_pattern: IdPatternOpt = None,
    branch: Annotated[str | None, typer.Option(
        "--branch", help="Wiki branch to publish to (default: the wiki's default branch).")] = None,
    message: Annotated[str | None, typer.Option(
        "--message", "-m", help="Commit message (default: the change in coverage).")] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Print the diff a publish would make; commit and push nothing.")] = False,
    split_over: SplitOverOpt = None,
    no_cache: NoCacheOpt = False,
    cache_dir: CacheDirOpt = None,
    title: TitleOpt = None,
    exclude: ExcludeOpt = None,
    max_file_size: MaxSizeOpt = None,
    source_url: SourceUrlOpt = None,
    gap_marker: GapMarkerOpt = None,
    kind: KindOpt = None,
) -> None:
    """Write the wiki pages into a wiki git repository: commit and push what changed."""
    from spectrace.publish import publish as publish_wiki
    from spectrace.render.view import build_view

    cfg = _config(repo, config, spec, mapping, results, id_pattern, no_cache, cache_dir, title,
                  exclude, max_file_size, source_url, gap_marker, kind)
    cfg, settings = _publish_settings(cfg, wiki=wiki, branch=branch, split_over=split_over)
    if not settings.wiki:
        raise SpectraceError("no wiki to publish to: pass --wiki URL_OR_PATH, or set "
                             "`publish: {wiki: ...}` in spectrace.yaml")
    view = build_view(_traced(cfg))
    done = publish_wiki(view, settings.wiki, settings=settings, message=message,
                        dry_run=dry_run)
    if done.message is None:
        return
    subject = done.message.splitlines()[0]
    if dry_run:
        sys.stdout.write(f"Would commit: {subject} ({done.changes.describe()})\n\n{done.diff}")
    else:
        print(f"{done.commit[:7] if done.commit else ''} {subject}".strip())


@app.command()
@handles_errors
def query(
    text: Annotated[str, typer.Argument(help="An id, or words of an area, feature or case title.")],
    repo: RepoArg = Path("."),
    config: ConfigOpt = None,
    spec: SpecOpt = None,
    mapping: MappingOpt = None,
    results: ResultsOpt = None,
    id_pattern: IdPatternOpt = None,
    format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    no_cache: NoCacheOpt = False,
    cache_dir: CacheDirOpt = None,
    exclude: ExcludeOpt = None,
    gap_marker: GapMarkerOpt = None,
    kind: KindOpt = None,
) -> None:
    """Does feature X have tests? Exit 0: all covered; 1: some not covered; 2: no match."""
    from spectrace.render.query import answer, render_query
    from spectrace.viewcache import report_view

    if format not in ("text", "json"):
        raise SpectraceError(f"query prints text or json, not {format!r}")
    cfg = _config(repo, config, spec, mapping, results, id_pattern, no_cache, cache_dir,
                  exclude=exclude, gap_marker=gap_marker, kind=kind)
    found = answer(report_view(cfg), text)
    sys.stdout.write(render_query(found, text, format))
    if not found.matches:
        print(f"spectrace: nothing in the spec matches {text!r}", file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT)
    raise typer.Exit(EXIT_OK if found.all_covered else EXIT_NO)


@app.command()
@handles_errors
def tests(
    repo: RepoArg = Path("."),
    config: ConfigOpt = None,
    id_pattern: IdPatternOpt = None,
    format: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    output: OutputOpt = None,
    no_cache: NoCacheOpt = False,
    cache_dir: CacheDirOpt = None,
    exclude: ExcludeOpt = None,
    max_file_size: MaxSizeOpt = None,
    kind: KindOpt = None,
) -> None:
    """List discovered tests in every language, like `pytest --collect-only -q`."""
    # The scan alone: the pipeline module would import linking and mappings too.
    from spectrace.discover import scan
    from spectrace.render.output import write_output
    from spectrace.render.testlist import render_tests

    if format not in ("text", "json"):
        raise SpectraceError(f"tests prints text or json, not {format!r}")
    cfg = _config(repo, config, None, None, None, id_pattern, no_cache, cache_dir,
                  exclude=exclude, max_file_size=max_file_size, kind=kind)
    content = render_tests(scan(cfg), cfg, format)
    write_output(output or "-", content, announce=bool(output and output != "-"))


@app.command()
@handles_errors
def suggest(
    repo: RepoArg = Path("."),
    config: ConfigOpt = None,
    spec: SpecOpt = None,
    mapping: MappingOpt = None,
    results: ResultsOpt = None,
    id_pattern: IdPatternOpt = None,
    format: Annotated[str, typer.Option(
        "--format", "-f", help="yaml (a draft mapping) or text (a table).")] = "yaml",
    output: Annotated[str | None, typer.Option(
        "--output", "-o", help="Where to write the draft; `-` for stdout (default: "
        "REPO/suggested-mapping.yaml for yaml, stdout for text). Never overwrites.")] = None,
    top: Annotated[int, typer.Option("--top", min=1, help="Candidates kept per case.")] = 3,
    min_score: Annotated[float, typer.Option(
        "--min-score", min=0.0, max=1.0, help="Lowest similarity score kept (0 to 1).")] = 0.25,
    no_cache: NoCacheOpt = False,
    cache_dir: CacheDirOpt = None,
    exclude: ExcludeOpt = None,
    max_file_size: MaxSizeOpt = None,
    gap_marker: GapMarkerOpt = None,
    kind: KindOpt = None,
) -> None:
    """Propose links for uncovered cases by name similarity: a draft mapping to review."""
    from spectrace import suggest as suggesting
    from spectrace.pipeline import mapping_globs
    from spectrace.render.output import write_output

    if format not in ("yaml", "text"):
        raise SpectraceError(f"suggest prints yaml or text, not {format!r}")
    cfg = _config(repo, config, spec, mapping, results, id_pattern, no_cache, cache_dir,
                  exclude=exclude, max_file_size=max_file_size, gap_marker=gap_marker,
                  kind=kind)
    target = output or ("-" if format == "text" else str(cfg.root / "suggested-mapping.yaml"))
    if target != "-":
        # Checked before the scan; a draft never replaces a file, least of all a mapping.
        if Path(target).exists() or Path(target).is_symlink():
            raise SpectraceError(f"{target} exists; suggest never overwrites a file: pass "
                                 "another -o PATH (or -o - for stdout), or delete it")
        reader = suggesting.read_as_mapping(Path(target), cfg.root, mapping_globs(cfg))
        if reader is not None:
            raise SpectraceError(f"{target} matches the mapping pattern {reader!r}: its "
                                 "unreviewed guesses would be read as links; pass another "
                                 "-o PATH")
    found = suggesting.suggest(_traced(cfg, progress_bar=target != "-"), top=top,
                               min_score=min_score)
    render = suggesting.render_yaml if format == "yaml" else suggesting.render_text
    write_output(target, render(found), announce=target != "-")


@app.command()
@handles_errors
def check(
    repo: RepoArg = Path("."),
    config: ConfigOpt = None,
    spec: SpecOpt = None,
    mapping: MappingOpt = None,
    results: ResultsOpt = None,
    id_pattern: IdPatternOpt = None,
    min_coverage: Annotated[float | None, typer.Option(
        "--min-coverage", min=0, max=100, metavar="PCT",
        help="Fail when less than PCT% of all cases are covered.")] = None,
    min_area_coverage: Annotated[float | None, typer.Option(
        "--min-area-coverage", min=0, max=100, metavar="PCT",
        help="Fail when an area has less than PCT% of its cases covered.")] = None,
    area_coverage: Annotated[list[str] | None, typer.Option(
        "--area-coverage", metavar="AREA=PCT",
        help="A minimum for one area, over --min-area-coverage. Repeatable.")] = None,
    max_missing: Annotated[int | None, typer.Option(
        "--max-missing", min=0, metavar="N", help="Fail when more than N cases are missing.")] = None,
    fail_on: Annotated[list[str] | None, typer.Option(
        "--fail-on", metavar="KIND", help="A problem kind that fails the gate; replaces the "
        "default dangling-link, unknown-id, duplicate-id. `none` for none. Repeatable.")] = None,
    baseline: Annotated[Path | None, typer.Option(
        "--baseline", metavar="FILE", help="A JSON report (`report --format json`): fail when "
        "a case covered there is not covered now.")] = None,
    gap_marker: GapMarkerOpt = None,
    no_cache: NoCacheOpt = False,
    cache_dir: CacheDirOpt = None,
    exclude: ExcludeOpt = None,
    max_file_size: MaxSizeOpt = None,
    kind: KindOpt = None,
) -> None:
    """CI gate: thresholds, problems, regressions against a baseline. Exit 1 when it fails."""
    import os

    from spectrace import annotations, gate
    from spectrace.pipeline import build_trace

    cfg = _config(repo, config, spec, mapping, results, id_pattern, no_cache, cache_dir,
                  exclude=exclude, max_file_size=max_file_size, gap_marker=gap_marker,
                  kind=kind)
    flags = {
        "min_coverage": min_coverage,
        "min_area_coverage": min_area_coverage,
        "area_coverage": dict(gate.area_override(a) for a in area_coverage) if area_coverage
        else None,
        "max_missing": max_missing,
        "fail_on": gate.problem_kinds(fail_on, "--fail-on") if fail_on else None,
        "baseline": baseline.resolve() if baseline else None,
    }
    limits = gate.thresholds(cfg, flags)
    # A bad baseline fails before the scan, not after it.
    before = (gate.read_baseline(limits.baseline, cfg.display(limits.baseline))
              if limits.baseline is not None else None)
    trace = build_trace(cfg)
    decision = gate.decide(gate.facts_from_trace(trace), limits, before)
    sys.stdout.write(decision.text())
    if annotations.in_github_actions(os.environ):
        for line in annotations.annotations(decision, cfg.root, os.environ):
            print(line)
        summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary_file:
            annotations.append_step_summary(summary_file,
                                            annotations.step_summary(decision, cfg.title))
    raise typer.Exit(EXIT_OK if decision.passed else EXIT_NO)


@app.command()
@handles_errors
def diff(
    paths: Annotated[list[Path] | None, typer.Argument(
        metavar="OLD NEW | [REPO]", show_default=False,
        help="Two JSON reports; with --base, the repository (default: .).")] = None,
    base: Annotated[str | None, typer.Option(
        "--base", metavar="REV", help="Compare the repository with itself at this git revision "
        "(built in a temporary worktree).")] = None,
    format: Annotated[str, typer.Option(
        "--format", "-f", help="text, md (a pull-request comment) or json.")] = "text",
    output: OutputOpt = None,
    config: ConfigOpt = None,
    spec: SpecOpt = None,
    mapping: MappingOpt = None,
    id_pattern: IdPatternOpt = None,
    gap_marker: GapMarkerOpt = None,
    no_cache: NoCacheOpt = False,
    cache_dir: CacheDirOpt = None,
    exclude: ExcludeOpt = None,
    max_file_size: MaxSizeOpt = None,
    kind: KindOpt = None,
) -> None:
    """What changed: newly covered, newly missing, new dangling links and orphans, totals."""
    from spectrace import diff as delta
    from spectrace.gate import read_report
    from spectrace.render.output import write_output

    if format not in ("text", "md", "json"):
        raise SpectraceError(f"diff prints text, md or json, not {format!r}")
    paths = paths or []
    if base is None:
        if len(paths) != 2:
            raise SpectraceError("diff needs two JSON reports, OLD NEW, or --base REV")
        old, new = (read_report(p, str(p)) for p in paths)
    else:
        if len(paths) > 1:
            raise SpectraceError("with --base, diff takes one repository folder at most")
        from spectrace.pipeline import build_trace
        from spectrace.render.jsonreport import report_dict
        from spectrace.render.view import build_view

        # Results describe one run of one tree: both sides are compared without them.
        cfg = _config(paths[0] if paths else Path("."), config, spec, mapping, None,
                      id_pattern, no_cache, cache_dir, exclude=exclude,
                      max_file_size=max_file_size, gap_marker=gap_marker, kind=kind)
        new = report_dict(build_view(build_trace(cfg)))
        old = delta.report_at(cfg, base)
    content = delta.render(delta.compare(old, new), format)
    write_output(output or "-", content, announce=bool(output and output != "-"))


@app.command()
@handles_errors
def inventory(
    repo: RepoArg = Path("."),
    config: ConfigOpt = None,
    format: Annotated[str, typer.Option("--format", "-f", help="text, md or json.")] = "text",
    output: OutputOpt = None,
    title: Annotated[str | None, typer.Option(
        "--title", help="Title of the page (default: Code Inventory).")] = None,
    min_tests: Annotated[int | None, typer.Option(
        "--min-tests", min=1, help="A module with fewer active tests is minimal.",
        show_default="3")] = None,
    tests_per_100_loc: Annotated[float | None, typer.Option(
        "--tests-per-100-loc", min=0.0, help="...or with fewer tests per 100 lines.",
        show_default="0.5")] = None,
    priority: Annotated[list[int] | None, typer.Option(
        "--priority", min=0, help="Lowest line count of P0, then P1… (repeatable).",
        show_default="1000 300 100")] = None,
    no_cache: NoCacheOpt = False,
    cache_dir: CacheDirOpt = None,
    exclude: ExcludeOpt = None,
    max_file_size: MaxSizeOpt = None,
    kind: KindOpt = None,
) -> None:
    """Code-to-test inventory: components, modules, LOC, tests, untested code, E2E, priorities."""
    from spectrace.discover.usage import uses_on_disk
    from spectrace.inventory import build_inventory, inventory_settings
    from spectrace.pipeline import revision, scan_repo
    from spectrace.render.inventory_json import render_inventory_json
    from spectrace.render.inventory_md import render_inventory_markdown
    from spectrace.render.inventory_text import render_inventory_text
    from spectrace.render.output import write_output
    from spectrace.render.terminal import progress

    renderers = {"text": render_inventory_text, "md": render_inventory_markdown,
                 "json": render_inventory_json}
    if format not in renderers:
        raise SpectraceError(f"inventory prints text, md or json, not {format!r}")
    cfg = _config(repo, config, None, None, None, None, no_cache, cache_dir, exclude=exclude,
                  max_file_size=max_file_size, kind=kind)
    settings = inventory_settings(cfg, title=title, min_tests=min_tests,
                                  tests_per_100_loc=tests_per_100_loc, priorities=priority)
    machine = format == "json" and (output or "-") == "-"
    with progress("Scanning", enabled=not machine and sys.stderr.isatty()):
        scanned = scan_repo(cfg)
    head = revision(cfg.root)
    found = build_inventory(scanned, uses_on_disk(cfg.root, scanned, cfg.max_file_bytes),
                            settings, head.commit, head.date)
    write_output(output or "-", renderers[format](found),
                 announce=bool(output and output != "-"))


@app.command()
@handles_errors
def init(repo: RepoArg = Path(".")) -> None:
    """Scaffold spectrace.yaml, specs/ and mappings/; existing files are kept, never overwritten."""
    from spectrace.errors import ConfigError
    from spectrace.render.output import write_output
    from spectrace.scaffold import plan_init

    if not repo.is_dir():
        raise ConfigError(f"repository folder not found: {repo}")
    write, kept = plan_init(repo)
    for rel in kept:
        print(f"Kept {repo / rel} (it exists)", file=sys.stderr)
    for rel, content in write.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        write_output(str(repo / rel), content)
    if write:
        print("Next: write your cases in specs/testing-plan.md, cite them in tests, then run "
              "`spectrace report`.", file=sys.stderr)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except SystemExit as exc:
        code = exc.code
        # click reports usage errors with exit 2 already; keep every other code.
        sys.exit(code if isinstance(code, int) else (0 if code is None else EXIT_BAD_INPUT))
