"""The typer app: parse options, call the pipeline, map errors to exit codes. Nothing else."""

from __future__ import annotations

import functools
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from spectrace import __version__
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
SourceUrlOpt = Annotated[str | None, typer.Option(
    "--source-url", help="Link template for tests, with {commit} {path} {line}.")]


def _config(repo: Path, config: Path | None, spec: list[str] | None, mapping: list[str] | None,
            results: list[Path] | None, id_pattern: list[str] | None, no_cache: bool,
            cache_dir: Path | None, title: str | None = None, exclude: list[str] | None = None,
            max_file_size: int | None = None, source_url: str | None = None):
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
    return build_config(repo, config, overrides)


# --- commands ----------------------------------------------------------------------


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
) -> None:
    """Build the matrix; print a summary; write the outputs config or --format/-o ask for."""
    from spectrace.pipeline import build_trace
    from spectrace.render import format_for, write_report
    from spectrace.render.view import build_view

    cfg = _config(repo, config, spec, mapping, results, id_pattern, no_cache, cache_dir, title,
                  exclude, max_file_size, source_url)
    chosen = format_for(format, output)  # a bad --format fails before the scan
    view = build_view(build_trace(cfg))
    if chosen is not None or not cfg.outputs:
        write_report(view, chosen or Format.TEXT, output or "-")
        return
    write_report(view, Format.TEXT, "-")
    for out in cfg.outputs:
        target = out.path if Path(out.path).is_absolute() else str(cfg.root / out.path)
        write_report(view, out.format, target)


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
) -> None:
    """Does feature X have tests? Exit 0: all covered; 1: some not covered; 2: no match."""
    from spectrace.pipeline import build_trace
    from spectrace.render.query import answer, render_query

    if format not in ("text", "json"):
        raise SpectraceError(f"query prints text or json, not {format!r}")
    cfg = _config(repo, config, spec, mapping, results, id_pattern, no_cache, cache_dir,
                  exclude=exclude)
    trace = build_trace(cfg)
    found = answer(trace, text)
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
) -> None:
    """List discovered tests in every language, like `pytest --collect-only -q`."""
    from spectrace.pipeline import scan_repo
    from spectrace.render.output import write_output
    from spectrace.render.testlist import render_tests

    if format not in ("text", "json"):
        raise SpectraceError(f"tests prints text or json, not {format!r}")
    cfg = _config(repo, config, None, None, None, id_pattern, no_cache, cache_dir,
                  exclude=exclude, max_file_size=max_file_size)
    content = render_tests(scan_repo(cfg), cfg, format)
    write_output(output or "-", content, announce=bool(output and output != "-"))


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except SystemExit as exc:
        code = exc.code
        # click reports usage errors with exit 2 already; keep every other code.
        sys.exit(code if isinstance(code, int) else (0 if code is None else EXIT_BAD_INPUT))
