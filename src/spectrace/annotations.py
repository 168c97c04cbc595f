"""GitHub Actions output of `spectrace check`: `::error` annotations and the step summary."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from spectrace.gate import Decision

# GitHub shows at most 10 error annotations per step and 50 per job; more is only noise.
MAX_ANNOTATIONS = 50


def in_github_actions(env: Mapping[str, str]) -> bool:
    return env.get("GITHUB_ACTIONS") == "true"


def _data(text: str) -> str:
    # The escaping @actions/core applies to a command's message…
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    # …and, with `:` and `,` as well, to its properties.
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def workspace_path(path: str, root: Path, env: Mapping[str, str]) -> str:
    """A repository-relative path as GitHub resolves it: relative to $GITHUB_WORKSPACE,
    which is not the repository root when spectrace runs on a sub-folder."""
    workspace = env.get("GITHUB_WORKSPACE")
    full = Path(path) if Path(path).is_absolute() else root / path
    if not workspace:
        return path
    try:
        return full.resolve().relative_to(Path(workspace).resolve()).as_posix()
    except ValueError:
        return path


def annotations(decision: Decision, root: Path, env: Mapping[str, str]) -> list[str]:
    """One `::error` workflow command per reason the gate failed."""
    lines = []
    for reason in decision.reasons[:MAX_ANNOTATIONS]:
        props = []
        if reason.path:
            props.append(f"file={_prop(workspace_path(reason.path, root, env))}")
            if reason.line:
                props.append(f"line={reason.line}")
        props.append(f"title={_prop('spectrace check: ' + reason.kind)}")
        lines.append(f"::error {','.join(props)}::{_data(reason.message)}")
    return lines


def step_summary(decision: Decision, title: str) -> str:
    """Markdown for $GITHUB_STEP_SUMMARY: the verdict, the totals, the reasons."""
    c = decision.counts
    verdict = "✅ passed" if decision.passed else "❌ failed"
    lines = [
        f"### spectrace check: {verdict}", "", f"{_md(title)}", "",
        "| | cases |", "|---|---:|",
        f"| ✅ covered | {c.covered} ({c.percent:.1f}%) |",
        f"| ⚠️ partial | {c.partial} |",
        f"| ❌ missing | {c.missing} |",
        f"| total | {c.total} |", "",
    ]
    if decision.baseline_cases is not None:
        lost = sum(r.kind == "regression" for r in decision.reasons)
        lines += [f"Baseline: {lost} of {decision.baseline_cases} covered cases lost.", ""]
    if decision.reasons:
        lines += [f"**Why it failed** ({len(decision.reasons)})", ""]
        shown = decision.reasons[:MAX_ANNOTATIONS]
        for reason in shown:
            where = f"`{reason.path}:{reason.line}` " if reason.path and reason.line else (
                f"`{reason.path}` " if reason.path else "")
            lines.append(f"- {where}{_md(reason.message)}")
        if len(decision.reasons) > len(shown):
            lines.append(f"- … and {len(decision.reasons) - len(shown)} more")
        lines.append("")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("<", "&lt;").replace(">", "&gt;")


def append_step_summary(path: str, text: str) -> None:
    """Append to the runner's summary file.

    Not `write_output`: this file belongs to the runner and other steps append to it too,
    so it is extended in place, never replaced.
    """
    from spectrace.errors import OutputError

    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise OutputError(f"cannot append to $GITHUB_STEP_SUMMARY: {exc.strerror}", path) from None
